"""Label documents for an order: the current label version and the gift slip, in a station's profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from server.errors import Conflict
from server.labels import print_messages as pm
from server.labels.models import WaybillStatus
from server.labels.order_facts import gift_lines, label_content
from server.labels.prints import last_print
from server.labels.records import current_version, is_outdated, label_record
from server.labels.render import RenderedLabel, render_gift_slip, render_label
from server.labels.stations import StationPrinter
from server.orders.models import Order


def order_label(
    session: Session, order: Order, printer: StationPrinter, *, now: datetime, version: int | None = None
) -> RenderedLabel:
    """The CURRENT label version; asking for another (`version`) is `LABEL_VERSION_STALE`, so a document
    link kept from before an address change cannot print the void label. The print time is that of the
    latest print of this version (now, before the first print)."""
    current = current_version(order)
    if version is not None and version != current:
        raise Conflict(pm.LABEL_VERSION_STALE, requested=version, current=current)
    record = label_record(session, order)
    if record is None or record.status != WaybillStatus.ISSUED or not record.tracking_number:
        raise Conflict(pm.LABEL_NO_WAYBILL, order_number=order.order_number)
    if is_outdated(order, record):
        raise Conflict(pm.LABEL_OUTDATED, order_number=order.order_number, version=record.label_version)
    printed = last_print(session, order.id, record.label_version)
    content = label_content(order, record, printed.at if printed is not None else now)
    return render_label(content, printer.profile)


def order_gift_slip(order: Order, printer: StationPrinter) -> RenderedLabel:
    """`GIFT_SLIP_EMPTY` (422) for an order without a gift sub-order."""
    return render_gift_slip(order.order_number, gift_lines(order), printer.profile)
