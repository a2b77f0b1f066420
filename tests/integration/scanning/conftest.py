"""Helpers for the packing station's domain tests: actors from the demo users and one-line scan calls."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.accounts.models import User
from server.orders.models import Order
from server.scanning import services
from server.scanning.desk import Actor, ScanResult
from server.scanning.services import OverrideCommand, PackCommand, ScanCommand
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, make_order

LOCK_SECONDS = 300
TSHIRT = "6938012000012"  # SKU-1001-BLK-M, the default order has 2
MUG = "6938012000180"  # SKU-4001, the default order has 1
MUG_CASE = "16938012000187"  # a carton of 6 mugs
CUP_GIFT_PRODUCT = "6938012000319"  # GIFT-CUP-01's own barcode
NOT_ORDERED = "6938012000258"  # SKU-6001, a product the default order does not have

_ids = itertools.count(1)


def actor_of(session: Session, username: str, device_id: str | None = None) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Actor(
        username=user.username,
        user_id=user.id,
        role=user.role,
        warehouse_id=user.warehouse_id,
        device_id=device_id,
    )


def scan_id() -> str:
    return f"t-{next(_ids)}-{uuid.uuid4().hex[:8]}"


class Desk:
    """One station as a packer sees it, bound to a session."""

    def __init__(
        self, session: Session, username: str = "packer.hz1", station: str = "PK01", locale: str = "zh-CN"
    ):
        self.session = session
        self.actor = actor_of(session, username)
        self.station = station
        self.locale = locale
        self.now: datetime | None = None
        self.lock_seconds = LOCK_SECONDS

    def _now(self) -> datetime:
        return self.now or clock.now()

    def scan(self, code: object, client_scan_id: str | None = None) -> dict[str, Any]:
        return self.scan_result(code, client_scan_id).answer

    def scan_result(self, code: object, client_scan_id: str | None = None) -> ScanResult:
        cmd = ScanCommand(self.station, code, client_scan_id or scan_id(), device_id="PDA-T1")
        return services.scan(
            self.session, cmd, self.actor, now=self._now(), lock_seconds=self.lock_seconds, locale=self.locale
        )

    def complete(self, client_scan_id: str | None = None) -> dict[str, Any]:
        return self.complete_result(client_scan_id).answer

    def complete_result(self, client_scan_id: str | None = None) -> ScanResult:
        cmd = PackCommand(self.station, client_scan_id or scan_id())
        return services.complete(self.session, cmd, self.actor, now=self._now(), locale=self.locale)

    def undo(self) -> dict[str, Any]:
        cmd = PackCommand(self.station, scan_id())
        return services.undo(self.session, cmd, self.actor, now=self._now(), locale=self.locale).answer

    def abandon(self, reason: str | None = None) -> dict[str, Any]:
        cmd = PackCommand(self.station, scan_id(), reason=reason)
        return services.abandon(self.session, cmd, self.actor, now=self._now(), locale=self.locale).answer

    def override(self, badge: str, reason: str) -> ScanResult:
        cmd = OverrideCommand(self.station, scan_id(), badge, reason)
        return services.override_gift(self.session, cmd, self.actor, now=self._now(), locale=self.locale)

    def state(self) -> dict[str, Any]:
        return services.station_state(
            self.session, self.actor, self.station, now=self._now(), locale=self.locale
        )

    def scan_all_items(self) -> dict[str, Any]:
        self.scan(TSHIRT)
        self.scan(TSHIRT)
        return self.scan(MUG)


def printed_order(session: Session, *, gift: bool = False, **overrides: Any) -> Order:
    if gift:
        overrides.setdefault("promotions", (GIFT_PROMOTION,))
        overrides.setdefault("paid_amount", GIFT_AMOUNT)
    order = make_order(session, "printed", **overrides)
    if gift:
        assert order.gift is not None
    return order


@pytest.fixture
def desk(session: Session) -> Desk:
    return Desk(session)


@pytest.fixture
def any_session(any_engine: Engine) -> Iterator[Session]:
    """A rolled-back session on PostgreSQL and on SQLite, for rules that must hold on both."""
    connection = any_engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()
    outer.rollback()
    connection.close()
