"""What packing asks of labels: is the current label printed (the gate at completion), and does a scanned
code belong to the current label (which is what ends an address-change hold)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from server.errors import Rejected
from server.events import DomainEvent
from server.labels import print_messages as pm
from server.labels.prints import last_print
from server.labels.records import current_version, is_outdated, label_record
from server.orders.holds import release_holds_of_kind
from server.orders.models import Hold, Order
from server.orders.states import HoldKind


@dataclass(frozen=True)
class LabelScan:
    matches: bool  # the scanned code is the current label's tracking number
    released: bool  # ... and that ended the order's address_changed hold
    events: list[DomainEvent] = field(default_factory=list)


def label_gate(session: Session, order: Order, station: str | None = None) -> None:
    """Raise `LABEL_NOT_PRINTED` unless the current label version has been printed at some station,
    `LABEL_OUTDATED` when that label carries an address the order no longer has."""
    record = label_record(session, order)
    version = current_version(order)
    if record is None or not order.tracking_number or last_print(session, order.id, version) is None:
        raise Rejected(
            pm.LABEL_NOT_PRINTED, order_number=order.order_number, version=version, station=station
        )
    if is_outdated(order, record):
        raise Rejected(pm.LABEL_OUTDATED, order_number=order.order_number, version=version, station=station)


def scan_label(
    session: Session, order: Order, scanned_code: str, station: str, actor: str, now: datetime
) -> LabelScan:
    """Compare a scanned code with the current label; release the `address_changed` hold when the new
    label was printed after the change (and carries the current address). The release is audited on the
    hold: who scanned, at which station, which label."""
    code = scanned_code.strip()
    if not order.tracking_number or code != order.tracking_number:
        return LabelScan(False, False)
    hold = _open_address_hold(order)
    if hold is None:
        return LabelScan(True, False)
    record = label_record(session, order)
    printed = last_print(session, order.id, current_version(order))
    if record is None or is_outdated(order, record) or printed is None or printed.at < hold.placed_at:
        return LabelScan(True, False)
    reason = (
        f"label v{printed.label_version} {code} printed at {printed.station} "
        f"({printed.at.isoformat()}), scanned at {station}"
    )
    events = release_holds_of_kind(
        session, order, HoldKind.ADDRESS_CHANGED, actor=actor, reason=reason, now=now
    )
    return LabelScan(True, bool(events), events)


def confirm_label_scan(
    session: Session, order: Order, scanned_code: str, station: str, actor: str, now: datetime
) -> bool:
    """Whether `scanned_code` is the current label's tracking number (see `scan_label`, which also
    returns the hold-release events to publish)."""
    return scan_label(session, order, scanned_code, station, actor, now).matches


def _open_address_hold(order: Order) -> Hold | None:
    return next((h for h in order.open_holds if h.kind == HoldKind.ADDRESS_CHANGED), None)
