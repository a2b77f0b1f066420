"""Test helpers shared by every suite: database URLs, reference data, factories, tokens."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from server import clock
from server.accounts.models import User
from server.accounts.services import issue_user_token
from server.demo_seed import DEMO_USERS, seed_reference, seed_users
from server.integrations.ports import Waybill, WaybillRequest
from server.labels.printing import print_label
from server.orders.addresses import AddressInput
from server.orders.ingest import IngestLine, IngestOrder, ingest_order
from server.orders.models import Order
from server.orders.transitions import apply_transition
from simulators.catalog import ALL_PRODUCTS

PG_ADMIN_URL = os.environ.get(
    "PACKLINE_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TZ_NAME = "Asia/Shanghai"


def create_pg_database(prefix: str = "packline_test") -> str:
    """A fresh database of the test run's own (parallel runs do not collide); returns its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed_reference_data(session: Session) -> None:
    seed_reference(session, list(ALL_PRODUCTS))
    seed_users(session, clock.now())


def user_token(session: Session, username: str) -> str:
    user = session.scalars(select(User).where(User.username == username)).one()
    return issue_user_token(session, user, now=clock.now(), ttl=timedelta(hours=1)).token


def auth(token: str, locale: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if locale:
        headers["Accept-Language"] = locale
    return headers


DEMO_PASSWORDS = {u.username: u.password for u in DEMO_USERS}
DEMO_BADGES = {u.username: u.badge for u in DEMO_USERS if u.badge}

_counter = iter(range(1, 10**9))


def ingest_command(**overrides: Any) -> IngestOrder:
    n = next(_counter)
    now = clock.now()
    values: dict[str, Any] = {
        "source": "tmall",
        "external_id": f"T-{uuid.uuid4().hex[:12]}",
        "shop_code": "tmall-01",
        "warehouse_code": "HZ01",
        "customer_name": "张三",
        "customer_phone": "13812345678",
        "status": "paid",
        "paid_at": now - timedelta(hours=1),
        "paid_amount": Decimal("129.00"),
        "address": AddressInput(
            name="张三",
            phone="13812345678",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            detail=f"文三路{n}号",
        ),
        "lines": (
            IngestLine("SKU-1001-BLK-M", "纯棉T恤 黑色 M", 2),
            IngestLine("SKU-4001", "陶瓷马克杯 350ml", 1),
        ),
    }
    values.update(overrides)
    return IngestOrder(**values)


class FakeCourier:
    """A recording fake of our own CourierPort: issues sequential tracking numbers, records cancels."""

    courier_code = "ZTO"

    def __init__(self) -> None:
        self.issued: dict[str, Waybill] = {}
        self.cancelled: list[str] = []

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        if package_ref not in self.issued:
            self.issued[package_ref] = Waybill(f"7310{next(_counter):010d}", "300-H12 09", "杭州转运")
        return self.issued[package_ref]

    def cancel_waybill(self, tracking_number: str) -> None:
        self.cancelled.append(tracking_number)


def print_first_label(
    session: Session, order: Order, *, station: str = "PK01", now: datetime | None = None
) -> None:
    """Print the order's label as a station would (moves picking → printed)."""
    print_label(
        session,
        order,
        FakeCourier(),
        station=station,
        client_request_id=uuid.uuid4().hex,
        actor="user:packer.hz1",
        now=now or clock.now(),
    )


def make_order(
    session: Session, status: str = "paid", *, now: datetime | None = None, **overrides: Any
) -> Order:
    """An order ingested (as paid, or as `overrides["ingest_status"]`) and walked through the real
    transitions up to `status`."""
    from zoneinfo import ZoneInfo

    now = now or clock.now()
    if "ingest_status" in overrides:
        overrides["status"] = overrides.pop("ingest_status")
    elif status == "pending_payment":
        overrides.setdefault("status", "pending_payment")
        overrides.setdefault("paid_at", None)
    cmd = ingest_command(**overrides)
    order = ingest_order(
        session, cmd, actor="test", source_system="test", now=now, tz=ZoneInfo(TZ_NAME)
    ).order
    path = ["picking", "printed", "packed", "shipped", "delivered"]
    if status in path:
        for step in path[: path.index(status) + 1]:
            if step == "printed":
                print_first_label(session, order, now=now)
                continue
            apply_transition(session, order, step, actor="test", source_system="test", reason=None, now=now)
    elif status in ("refunded", "cancelled"):
        apply_transition(session, order, status, actor="test", source_system="test", reason=None, now=now)
    session.flush()
    return order


GIFT_PROMOTION = "满199减20"
GIFT_AMOUNT = Decimal("219.00")
