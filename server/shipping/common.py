"""Small shared pieces of the shipping domain: who acts, the weighing policy, loading a package in scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from server.errors import Forbidden, NotFound
from server.shipping import messages as m
from server.shipping.models import Package


@dataclass(frozen=True)
class Worker:
    """Who acts at a station or the dock (from the caller's token)."""

    username: str
    user_id: int | None
    role: str
    warehouse_id: int | None  # None: every warehouse (admin)
    device_id: str | None = None

    @property
    def audit_name(self) -> str:
        return f"user:{self.username}" if self.user_id is not None else f"device:{self.username}"


@dataclass(frozen=True)
class WeighPolicy:
    """Expected weight = goods + packaging allowance; a reading within max(grams, percent) passes."""

    allowance_g: int = 80
    tolerance_g: int = 50
    tolerance_percent: int = 10

    def expected(self, goods_g: int) -> int:
        return goods_g + self.allowance_g

    def tolerance(self, expected_g: int) -> int:
        return max(self.tolerance_g, expected_g * self.tolerance_percent // 100)


def get_package(
    session: Session, package_id: int, worker: Worker | None = None, *, lock: bool = False
) -> Package:
    query = select(Package).where(Package.id == package_id).options(selectinload(Package.lines))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    package = session.scalars(query).first()
    if package is None:
        raise NotFound("package", package_id=package_id)
    if worker is not None and worker.warehouse_id is not None and package.warehouse_id != worker.warehouse_id:
        raise Forbidden(m.WRONG_WAREHOUSE, warehouse=_warehouse_code(session, package.warehouse_id))
    return package


def _warehouse_code(session: Session, warehouse_id: int) -> str:
    from server.catalog.models import Warehouse

    return session.scalar(select(Warehouse.code).where(Warehouse.id == warehouse_id)) or str(warehouse_id)
