"""Weighing a package (scale or typed) against its expected weight, and a lead accepting a mismatch.
A to_pack package (another warehouse's share) counts as packed once its warehouse weighs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.accounts.roles import Role
from server.accounts.services import badge_digest
from server.errors import Conflict, Forbidden, InvalidInput
from server.events import DomainEvent
from server.orders.models import Order
from server.shipping import messages as m
from server.shipping.common import WeighPolicy, Worker
from server.shipping.models import Package, PackageEvent, PackageStatus, WeightCheck
from server.shipping.packing import goods_weight

SOURCES = ("manual", "scale")
MAX_GRAMS = 100_000


@dataclass(frozen=True)
class WeighResult:
    package: Package
    code: str
    expected_g: int
    tolerance_g: int
    events: list[DomainEvent] = field(default_factory=list)

    @property
    def mismatch(self) -> bool:
        return self.code == m.WEIGHT_MISMATCH

    @property
    def details(self) -> dict[str, Any]:
        return {
            "grams": self.package.weight_g,
            "expected": self.expected_g,
            "tolerance": self.tolerance_g,
            "difference": (self.package.weight_g or 0) - self.expected_g,
        }


def weigh(
    session: Session,
    package: Package,
    grams: int,
    source: str,
    worker: Worker,
    policy: WeighPolicy,
    *,
    now: datetime,
) -> WeighResult:
    if source not in SOURCES:
        raise InvalidInput("INVALID_INPUT", field="source", allowed=list(SOURCES))
    if not 0 < grams <= MAX_GRAMS:
        raise InvalidInput("INVALID_INPUT", field="grams", reason=f"1..{MAX_GRAMS}")
    if package.status == PackageStatus.HANDED_OVER:
        raise Conflict(
            m.ALREADY_HANDED_OVER, tracking_number=package.tracking_number or "", batch=package.batch_id
        )
    goods = goods_weight(session, package.lines)
    expected = policy.expected(goods)
    tolerance = policy.tolerance(expected)
    ok = abs(grams - expected) <= tolerance
    package.expected_weight_g = goods
    package.weight_g, package.weight_source = grams, source
    package.weighed_at, package.weighed_by, package.updated_at = now, worker.audit_name, now
    package.weight_check = WeightCheck.OK if ok else WeightCheck.MISMATCH
    package.weight_accepted_by = package.weight_accept_reason = None
    if package.status == PackageStatus.TO_PACK:
        package.status = PackageStatus.PACKED
    detail = {"grams": grams, "source": source, "expected": expected, "tolerance": tolerance, "ok": ok}
    session.add(
        PackageEvent(package_id=package.id, kind="weighed", actor=worker.audit_name, detail=detail, at=now)
    )
    session.flush()
    return WeighResult(package, m.WEIGHT_OK if ok else m.WEIGHT_MISMATCH, expected, tolerance)


def accept_weight(
    session: Session,
    package: Package,
    worker: Worker,
    *,
    lead_badge: str | None,
    reason: str,
    policy: WeighPolicy,
    now: datetime,
) -> WeighResult:
    """A lead (the caller, or the badge scanned on the caller's device) lets a mismatched parcel go."""
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise InvalidInput(m.REASON_REQUIRED, field="reason")
    if package.weight_check != WeightCheck.MISMATCH:
        raise Conflict(m.NO_WEIGHT_MISMATCH, package_id=package.id, weight_check=package.weight_check)
    lead = _lead(session, worker, lead_badge, package.warehouse_id)
    package.weight_check = WeightCheck.ACCEPTED
    package.weight_accepted_by = f"{lead.display_name} ({lead.username})"
    package.weight_accept_reason = reason
    package.updated_at = now
    detail = {"lead": lead.username, "reason": reason, "grams": package.weight_g, "by": worker.audit_name}
    session.add(
        PackageEvent(
            package_id=package.id,
            kind="weight_accepted",
            actor=f"user:{lead.username}",
            detail=detail,
            at=now,
        )
    )
    session.flush()
    expected = policy.expected(package.expected_weight_g)
    return WeighResult(package, m.WEIGHT_ACCEPTED, expected, policy.tolerance(expected))


def _lead(session: Session, worker: Worker, lead_badge: str | None, warehouse_id: int) -> User:
    if lead_badge:
        lead = session.scalars(
            select(User).where(
                User.badge_hash == badge_digest(lead_badge.strip()[:128]), User.active.is_(True)
            )
        ).first()
    elif worker.role == Role.LEAD and worker.user_id is not None:
        lead = session.get(User, worker.user_id)
    else:
        lead = None
    if lead is None or lead.role != Role.LEAD or lead.warehouse_id != warehouse_id:
        raise Forbidden(m.NOT_A_LEAD)
    return lead


def order_of(session: Session, package: Package) -> Order:
    order = session.get(Order, package.order_id)
    assert order is not None
    return order
