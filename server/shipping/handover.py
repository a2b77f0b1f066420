"""The dock handover: a batch per courier pickup at a dock station, and a scan per parcel — the last
interception gate (see `gate.py`), idempotent per client_scan_id. Closing a batch is `closing.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.catalog.models import Station
from server.errors import Forbidden, InvalidInput, NotFound
from server.events import DomainEvent
from server.labels.followups import FollowUp
from server.scanning.codes import normalise
from server.shipping import dock_log as log
from server.shipping import messages as m
from server.shipping.common import Worker
from server.shipping.gate import check_parcel
from server.shipping.interceptions import intercept, void_followup
from server.shipping.models import HandoverBatch, HandoverParcel

COURIER_CODE_MAX = 20


@dataclass(frozen=True)
class ParcelScan:
    batch_id: int
    code: object
    client_scan_id: str
    device_id: str | None = None


@dataclass
class DockResult:
    answer: dict[str, Any]
    events: list[DomainEvent] = field(default_factory=list)
    jobs: list[FollowUp] = field(default_factory=list)
    replayed: bool = False


def dock_station(session: Session, worker: Worker, code: str) -> Station:
    query = select(Station).where(Station.code == code)
    if worker.warehouse_id is not None:
        query = query.where(Station.warehouse_id == worker.warehouse_id)
    station = session.scalars(query).first()
    if station is None:
        raise NotFound("station", station=code)
    if station.kind != "dock":
        raise InvalidInput(m.NOT_A_DOCK, station=code)
    return station


def open_batch(
    session: Session, station_code: str, courier: str, worker: Worker, *, now: datetime
) -> tuple[HandoverBatch, bool]:
    """The open batch of this dock and courier, or a new one: (batch, created)."""
    courier = courier.strip().upper()
    if not courier or len(courier) > COURIER_CODE_MAX or not courier.isalnum():
        raise InvalidInput(m.UNKNOWN_COURIER, courier=courier[:COURIER_CODE_MAX])
    station = dock_station(session, worker, station_code)
    found = _open_of(session, station.id, courier)
    if found is not None:
        return found, False
    batch = HandoverBatch(
        warehouse_id=station.warehouse_id, station_id=station.id, courier_code=courier,
        status="open", opened_by=worker.audit_name, opened_at=now,
    )  # fmt: skip
    nested = session.begin_nested()
    try:
        session.add(batch)
        session.flush()
    except IntegrityError:  # a second PDA at the same dock opened it in the same instant
        nested.rollback()
        found = _open_of(session, station.id, courier)
        assert found is not None
        return found, False
    nested.commit()
    local = now.astimezone(ZoneInfo(station.warehouse.timezone or "Asia/Shanghai"))
    batch.number = f"HO-{station.warehouse.code}-{local:%Y%m%d}-{batch.id:05d}"
    session.flush()
    return batch, True


def _open_of(session: Session, station_id: int, courier: str) -> HandoverBatch | None:
    return session.scalars(
        select(HandoverBatch).where(
            HandoverBatch.station_id == station_id,
            HandoverBatch.courier_code == courier,
            HandoverBatch.status == "open",
        )
    ).first()


def get_batch(session: Session, batch_id: int, worker: Worker, *, lock: bool = False) -> HandoverBatch:
    query = select(HandoverBatch).where(HandoverBatch.id == batch_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    batch = session.scalars(query).first()
    if batch is None:
        raise NotFound("handover batch", batch_id=batch_id)
    if worker.warehouse_id is not None and batch.warehouse_id != worker.warehouse_id:
        raise Forbidden(m.WRONG_WAREHOUSE, warehouse=str(batch.warehouse_id))
    return batch


def scan_parcel(
    session: Session, cmd: ParcelScan, worker: Worker, *, now: datetime, locale: str
) -> DockResult:
    scanned = normalise(cmd.code)
    scan = {"client_scan_id": cmd.client_scan_id, "raw": scanned.raw, "normalized": scanned.code}
    scan_id = log.claim(
        session,
        {
            "client_scan_id": cmd.client_scan_id, "batch_id": cmd.batch_id, "raw": scanned.raw,
            "normalized": scanned.code, "actor": worker.username, "device_id": cmd.device_id or worker.device_id,
            "created_at": now,
        },
    )  # fmt: skip
    if scan_id is None:
        earlier = log.previous(session, cmd.client_scan_id)
        if earlier is not None and earlier.answer is not None and earlier.actor == worker.username:
            return DockResult({**earlier.answer, "replayed": True}, replayed=True)
        outcome = log.Outcome.rejected("INVALID_INPUT", message_code=m.SCAN_ID_REUSED)
        return DockResult(log.build_answer(session, None, outcome, None, scan, locale))
    batch = get_batch(session, cmd.batch_id, worker, lock=True)
    result = DockResult({})
    outcome, parcel = _scan(session, batch, scanned, worker, now, result)
    result.answer = log.build_answer(session, batch, outcome, parcel, scan, locale)
    log.store(session, scan_id, outcome, result.answer)
    result.events.append(_progress(session, batch, result.answer))
    return result


def _scan(
    session: Session, batch: HandoverBatch, scanned: Any, worker: Worker, now: datetime, result: DockResult
) -> tuple[log.Outcome, dict[str, Any] | None]:
    if batch.status != "open":
        return log.Outcome.rejected(m.BATCH_CLOSED, details={"batch": batch.number}), None
    if not scanned.usable:
        return log.Outcome.rejected(
            "INVALID_INPUT", message_code=m.SCAN_UNREADABLE, details={"problem": scanned.problem}
        ), None
    checked = check_parcel(session, batch, scanned, now)
    if checked.stop is not None and checked.package is not None and checked.order is not None:
        station = session.get(Station, batch.station_id)
        _, _, events = intercept(
            session, batch=batch, station_code=station.code if station else "", order=checked.order,
            package=checked.package, stop=checked.stop, worker=worker, stage="scan", now=now,
        )  # fmt: skip
        result.events.extend(events)
        if checked.stop.terminal:
            result.jobs.append(void_followup(checked.order.order_number))
        return checked.outcome, checked.parcel
    if checked.outcome.code != m.PARCEL_ADDED or checked.package is None or checked.order is None:
        return checked.outcome, checked.parcel
    row = HandoverParcel(
        batch_id=batch.id,
        package_id=checked.package.id,
        order_id=checked.order.id,
        scanned_by=worker.audit_name,
        scanned_at=now,
    )
    nested = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except IntegrityError:  # the same parcel on two PDAs at once: the other one won
        nested.rollback()
        return check_parcel(session, batch, scanned, now).outcome, checked.parcel
    nested.commit()
    return checked.outcome, checked.parcel


def _progress(session: Session, batch: HandoverBatch, answer: dict[str, Any]) -> DomainEvent:
    info = answer["batch"] or {}
    return DomainEvent(
        name="handover_progress",
        payload={
            "batch": info,
            "result": answer["result"],
            "code": answer["code"],
            "parcel": answer["parcel"],
        },
        warehouse=info.get("warehouse"),
        station=info.get("station"),
    )
