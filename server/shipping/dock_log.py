"""The dock's scan log and answers: claim a client_scan_id first (a retry replays the stored answer), then
store the answer — result, code, message, severity, sound, the batch's counts and the parcel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server import i18n
from server.catalog.models import Station
from server.shipping import messages as m
from server.shipping.models import HandoverBatch, HandoverParcel, HandoverScan, Interception, Package

OK, REJECTED, DUPLICATE = "ok", "rejected", "duplicate"
# (severity, sound) per code; anything else is a loud rejection. An interception is the loudest of all
# (severity error), a misread only a warning: scan again.
_TONES: dict[str, tuple[str, str]] = {
    m.PARCEL_ADDED: ("success", "success"),
    m.PARCEL_DUPLICATE: ("info", "warning"),
    m.UNKNOWN_PARCEL: ("warning", "warning"),
    m.NOT_A_TRACKING_NUMBER: ("warning", "warning"),
    "INVALID_INPUT": ("warning", "warning"),
}


@dataclass
class Outcome:
    result: str
    code: str
    message_code: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    package: Package | None = None

    @classmethod
    def rejected(cls, code: str, **kwargs: Any) -> Outcome:
        return cls(REJECTED, code, **kwargs)


def claim(session: Session, values: dict[str, Any]) -> int | None:
    """Insert the scan row; None when its client_scan_id was used before (a retry, or someone else's id)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(HandoverScan)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[HandoverScan.client_scan_id])
        .returning(HandoverScan.id)
    )
    return session.execute(stmt).scalar()


def previous(session: Session, client_scan_id: str) -> HandoverScan | None:
    return session.scalars(select(HandoverScan).where(HandoverScan.client_scan_id == client_scan_id)).first()


def store(session: Session, scan_id: int, outcome: Outcome, answer: dict[str, Any]) -> None:
    package = outcome.package
    session.execute(
        update(HandoverScan)
        .where(HandoverScan.id == scan_id)
        .values(
            result=outcome.result,
            code=outcome.code,
            package_id=package.id if package else None,
            order_id=package.order_id if package else None,
            answer=answer,
        )
    )


def counts(session: Session, batch_id: int) -> dict[str, int]:
    scanned, weight = session.execute(
        select(func.count(HandoverParcel.id), func.coalesce(func.sum(Package.weight_g), 0))
        .join(Package, Package.id == HandoverParcel.package_id)
        .where(HandoverParcel.batch_id == batch_id)
    ).one()
    intercepted = session.scalar(select(func.count(Interception.id)).where(Interception.batch_id == batch_id))
    return {"scanned": int(scanned), "intercepted": int(intercepted or 0), "weight_g": int(weight or 0)}


def batch_dict(session: Session, batch: HandoverBatch) -> dict[str, Any]:
    station = session.get(Station, batch.station_id)
    return {
        "id": batch.id,
        "number": batch.number,
        "courier": batch.courier_code,
        "station": station.code if station else None,
        "warehouse": station.warehouse.code if station else None,
        "status": batch.status,
        "opened_at": batch.opened_at.isoformat(),
        "closed_at": batch.closed_at.isoformat() if batch.closed_at else None,
        "counts": counts(session, batch.id),
    }


def parcel_dict(package: Package, order_number: str, package_count: int) -> dict[str, Any]:
    return {
        "package_id": package.id,
        "tracking_number": package.tracking_number,
        "order_number": order_number,
        "package_no": package.seq,
        "package_count": package_count,
        "weight_g": package.weight_g,
        "contains_gift": package.contains_gift,
    }


def build_answer(
    session: Session,
    batch: HandoverBatch | None,
    outcome: Outcome,
    parcel: dict[str, Any] | None,
    scan: dict[str, Any],
    locale: str,
) -> dict[str, Any]:
    severity, sound = _TONES.get(outcome.code, ("error", "error"))
    if outcome.result == DUPLICATE:
        severity, sound = "info", "warning"
    return {
        "result": outcome.result,
        "code": outcome.code,
        "message": i18n.translate(outcome.message_code or outcome.code, locale, outcome.details),
        "severity": severity,
        "sound": sound,
        "details": {k: i18n.localize_value(v, locale) for k, v in outcome.details.items()},
        "batch": batch_dict(session, batch) if batch is not None else None,
        "parcel": parcel,
        "intercepted": outcome.code == m.ORDER_ON_HOLD,
        "scan": scan,
    }
