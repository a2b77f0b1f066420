"""Printing a courier label at a pack station: the first print (buys the waybill if needed and moves the
order picking → printed), audited reprints, and the print status the PDA shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import Conflict, DomainError, Rejected
from server.events import DomainEvent
from server.integrations.ports import CourierPort
from server.labels import print_messages as pm
from server.labels.followups import FollowUp, request_waybill_followup
from server.labels.models import LabelPrint, PrintKind, WaybillRecord, WaybillStatus
from server.labels.prints import by_client_request, first_print, print_count
from server.labels.records import current_version, is_outdated, label_record
from server.labels.stations import StationPrinter, printer_for
from server.labels.waybills import ensure_waybill
from server.orders.events import order_updated
from server.orders.messages import HOLD_LABELS, ORDER_ON_HOLD, STATUS_LABELS, localized, localized_list
from server.orders.models import Order
from server.orders.states import HoldKind, OrderStatus
from server.orders.transitions import apply_transition

PRINT_STATES = frozenset({OrderStatus.PICKING, OrderStatus.PRINTED, OrderStatus.PACKED})
REPRINT_ATTEMPTS = 5


class PrintStatus:
    PRINTED = "printed"
    REPRINTED = "reprinted"
    DUPLICATE = "duplicate"  # the same client_request_id again: nothing new was recorded
    WAYBILL_PENDING = "waybill_pending"  # the courier is slow: a job asks again, the PDA polls the status


@dataclass(frozen=True)
class PrintResult:
    print_status: str
    order: Order
    printer: StationPrinter
    label_version: int
    tracking_number: str | None = None
    routing_code: str | None = None
    printed: LabelPrint | None = None
    events: list[DomainEvent] = field(default_factory=list)
    jobs: list[FollowUp] = field(default_factory=list)  # enqueue after commit
    # Raise this after committing (the failed attempt is recorded, the station hears why).
    error: DomainError | None = None


def print_label(
    session: Session,
    order: Order,
    courier: CourierPort,
    *,
    station: str,
    client_request_id: str,
    actor: str,
    now: datetime,
    fmt: str | None = None,
) -> PrintResult:
    """First print of the current label version. Idempotent per `client_request_id`; a second first print
    with another id is `LABEL_ALREADY_PRINTED` (a reprint needs a reason)."""
    printer = printer_for(session, order.warehouse_id, station, fmt)
    replay = by_client_request(session, order.id, client_request_id)
    if replay is not None:
        return _result(PrintStatus.DUPLICATE, order, printer, replay)
    _check_printable(order)
    outcome = ensure_waybill(session, order, courier, actor=actor, now=now)
    record = outcome.record
    if not outcome.issued:
        error, jobs = None, []
        if outcome.retry_later:
            jobs.append(request_waybill_followup(order.order_number, record.label_version))
        elif outcome.error is not None:
            error = pm.CourierRefused(
                pm.WAYBILL_REFUSED,
                courier=record.courier_code,
                error=outcome.error.message or outcome.error.code,
            )
        return PrintResult(
            PrintStatus.WAYBILL_PENDING,
            order,
            printer,
            record.label_version,
            events=outcome.events,
            jobs=jobs,
            error=error,
        )
    # Waiting for the waybill lock may have waited for a twin of this request: look again.
    replay = by_client_request(session, order.id, client_request_id)
    if replay is not None:
        return _result(PrintStatus.DUPLICATE, order, printer, replay)
    first = first_print(session, order.id, record.label_version)
    if first is not None:
        raise _already_printed(order, first)
    row = _print_row(order, record, printer, actor, now, PrintKind.PRINT, 1, client_request_id, None)
    if not _try_insert(session, row):
        replay = by_client_request(session, order.id, client_request_id)
        if replay is not None:
            return _result(PrintStatus.DUPLICATE, order, printer, replay)
        raise _already_printed(order, first_print(session, order.id, record.label_version))
    events = list(outcome.events)
    if order.status == OrderStatus.PICKING:
        reason = f"label v{record.label_version} printed at {printer.station.code}"
        _, moved = apply_transition(
            session, order, OrderStatus.PRINTED, actor=actor, source_system="packline", reason=reason, now=now
        )
        events.extend(moved)
    events.append(_printed_event(order, row))
    return _result(PrintStatus.PRINTED, order, printer, row, events)


def reprint_label(
    session: Session,
    order: Order,
    *,
    station: str,
    reason: str,
    actor: str,
    now: datetime,
    fmt: str | None = None,
    client_request_id: str | None = None,
) -> PrintResult:
    """Another copy of a label already printed, with who, where and why; `count` numbers the copies."""
    printer = printer_for(session, order.warehouse_id, station, fmt)
    if client_request_id:
        replay = by_client_request(session, order.id, client_request_id)
        if replay is not None:
            return _result(PrintStatus.DUPLICATE, order, printer, replay)
    _check_state(order)
    record = label_record(session, order)
    printed = record is not None and first_print(session, order.id, record.label_version) is not None
    if record is None or record.status != WaybillStatus.ISSUED or not printed:
        raise Rejected(pm.LABEL_NOT_PRINTED, order_number=order.order_number, version=current_version(order))
    if is_outdated(order, record):
        raise Conflict(pm.LABEL_OUTDATED, order_number=order.order_number, version=record.label_version)
    for _ in range(REPRINT_ATTEMPTS):
        count = print_count(session, order.id, record.label_version) + 1
        row = _print_row(
            order, record, printer, actor, now, PrintKind.REPRINT, count, client_request_id, reason
        )
        if _try_insert(session, row):
            return _result(PrintStatus.REPRINTED, order, printer, row, [_printed_event(order, row)])
        if client_request_id and (replay := by_client_request(session, order.id, client_request_id)):
            return _result(PrintStatus.DUPLICATE, order, printer, replay)
    raise Conflict("CONFLICT", order_number=order.order_number)


# --- internals ---------------------------------------------------------------------------------------------
def _check_state(order: Order) -> None:
    if order.status not in PRINT_STATES:
        raise Conflict(
            pm.LABEL_ORDER_NOT_PRINTABLE,
            order_number=order.order_number,
            status=order.status,
            status_label=localized(STATUS_LABELS, order.status),
        )


def _check_printable(order: Order) -> None:
    """A hold blocks buying a label, except the address change: printing the new label is how it ends."""
    _check_state(order)
    kinds = sorted({h.kind for h in order.open_holds} - {HoldKind.ADDRESS_CHANGED.value})
    if kinds:
        raise Rejected(ORDER_ON_HOLD, holds=kinds, hold_labels=localized_list(HOLD_LABELS, kinds))


def _print_row(
    order: Order,
    record: WaybillRecord,
    printer: StationPrinter,
    actor: str,
    now: datetime,
    kind: str,
    count: int,
    client_request_id: str | None,
    reason: str | None,
) -> LabelPrint:
    assert record.tracking_number
    return LabelPrint(
        order_id=order.id,
        label_version=record.label_version,
        tracking_number=record.tracking_number,
        station=printer.station.code,
        printed_by=actor,
        format=printer.profile.format,
        kind=kind,
        reason=reason,
        count=count,
        client_request_id=client_request_id,
        at=now,
    )


def _try_insert(session: Session, row: LabelPrint) -> bool:
    """False when a unique key says someone recorded this print (or this copy number) first."""
    nested = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except IntegrityError:
        nested.rollback()
        return False
    nested.commit()
    return True


def _already_printed(order: Order, first: LabelPrint | None) -> Conflict:
    return Conflict(
        pm.LABEL_ALREADY_PRINTED,
        order_number=order.order_number,
        version=first.label_version if first else current_version(order),
        station=first.station if first else "",
        printed_at=first.at.isoformat() if first else None,
    )


def _printed_event(order: Order, row: LabelPrint) -> DomainEvent:
    return order_updated(
        order,
        "label_printed" if row.kind == PrintKind.PRINT else "label_reprinted",
        label_version=row.label_version,
        station=row.station,
        count=row.count,
    )


def _result(
    status: str,
    order: Order,
    printer: StationPrinter,
    row: LabelPrint,
    events: list[DomainEvent] | None = None,
) -> PrintResult:
    return PrintResult(
        status,
        order,
        printer,
        row.label_version,
        tracking_number=row.tracking_number,
        routing_code=order.routing_code,
        printed=row,
        events=events or [],
    )
