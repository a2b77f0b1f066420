"""Data for the CS desk and KPI page browser tests: a few real orders (through the domain) for the desk,
the hand-computed KPI data set, and three weeks of bulk-inserted history so the charts have a shape."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server import clock
from server.catalog.models import Shop, Warehouse
from server.cs.models import CsLookup
from server.integrations.models import ConsistencyCheck
from server.metrics.rollup import roll_up
from server.orders.addresses import AddressInput
from server.orders.models import Order
from server.orders.transitions import apply_transition, record_gift_transition
from server.scanning.models import ScanEvent
from tests.integration.metrics import dataset
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, make_order

TZ = ZoneInfo("Asia/Shanghai")
PACKED_GIFT = "DAB2026021700882"
LATE_ORDER = "DAB2026021700915"
UNPAID = "DAB2026021700920"
# Per channel: (share of orders, chance of an on-time tracking number)
CHANNELS = {
    "tmall": (0.34, 0.97),
    "taobao": (0.22, 0.93),
    "jd": (0.16, 0.985),
    "pdd": (0.2, 0.88),
    "miniapp": (0.08, 0.95),
}


def _address(name: str, phone: str) -> AddressInput:
    return AddressInput(
        name=name,
        phone=phone,
        province="浙江省",
        city="杭州市",
        district="西湖区",
        detail="文三路478号5幢1201室",
    )


def _walk(session: Session, order: Order, steps: list[tuple[str, str, datetime]]) -> None:
    """Move an order on like the warehouse would: who did what when (the desk shows these)."""
    for status, actor, at in steps:
        if status == "gift_packed":
            record_gift_transition(
                session, order, "pending", "packed", actor=actor, source_system="pda", reason=None, now=at
            )
            order.gift.status, order.gift.packed_at = "packed", at  # type: ignore[union-attr]
            continue
        if status == "printed":
            order.tracking_number, order.courier_code, order.tracking_assigned_at = (
                "73100000001234",
                "ZTO",
                at,
            )
        apply_transition(session, order, status, actor=actor, source_system="packline", reason=None, now=at)


def seed_desk(session: Session, now: datetime) -> None:
    paid = now - timedelta(hours=5)
    packed = make_order(
        session, "paid", order_number=PACKED_GIFT, promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT,
        paid_at=paid, now=paid + timedelta(minutes=2), customer_name="张三丰", customer_phone="13812345678",
        address=_address("张三丰", "13812345678"), external_id="TB-3345-9981",
    )  # fmt: skip
    _walk(session, packed, [
        ("picking", "system:wms", paid + timedelta(minutes=40)),
        ("printed", "user:packer.hz1", paid + timedelta(hours=2, minutes=5)),
        ("gift_packed", "user:packer.hz1", paid + timedelta(hours=2, minutes=9)),
        ("packed", "user:packer.hz1", paid + timedelta(hours=2, minutes=10)),
    ])  # fmt: skip
    late_paid = now - timedelta(hours=30)
    late = make_order(
        session, "paid", order_number=LATE_ORDER, promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT,
        paid_at=late_paid, now=late_paid + timedelta(minutes=1), customer_name="李清照",
        customer_phone="13900002468", address=_address("李清照", "13900002468"),
    )  # fmt: skip
    _walk(session, late, [("picking", "system:wms", late_paid + timedelta(hours=26))])
    for n, hours in enumerate((40, 8)):
        make_order(
            session, "shipped" if n == 0 else "paid", paid_at=now - timedelta(hours=hours), now=now - timedelta(hours=hours - 1),
            customer_name="王芳", customer_phone=f"1370000{n}6688", address=_address("王芳", f"1370000{n}6688"),
        )  # fmt: skip
    make_order(session, "pending_payment", order_number=UNPAID)
    session.flush()


def seed_history(session: Session, now: datetime, days: int = 21, per_day: int = 60, seed: int = 7) -> None:
    """Orders due on each of the last `days` local days, bulk-inserted (the KPI reads only order columns),
    with rejected scans, CS lookups and consistency checks; every day but today rolled up."""
    rng = random.Random(seed)
    warehouses = {w.code: w.id for w in session.scalars(select(Warehouse))}
    shops = {s.channel_code: s.id for s in session.scalars(select(Shop))}
    today = clock.local_day(now, TZ)
    rows, events, lookups, checks = [], [], [], []
    serial = 0
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start, _ = clock.day_bounds(day, TZ)
        dip = 0.12 if back in (9, 10) else 0.0  # a bad promo weekend shows in the trend
        for code, wid in warehouses.items():
            for _ in range(per_day if code == "HZ01" else per_day // 2):
                serial += 1
                channel = rng.choices(list(CHANNELS), [v[0] for v in CHANNELS.values()])[0]
                ship_by = start + timedelta(minutes=rng.randint(0, 24 * 60 - 1))
                hours = 48 if channel in ("taobao", "pdd") else 24
                paid = ship_by - timedelta(hours=hours)
                tracked = None
                if ship_by <= now or rng.random() < 0.6:
                    if rng.random() < CHANNELS[channel][1] - dip:
                        tracked = ship_by - timedelta(minutes=rng.randint(30, hours * 60 - 30))
                    elif rng.random() < 0.7:
                        tracked = ship_by + timedelta(minutes=rng.randint(10, 900))
                if tracked is not None and tracked > now:
                    tracked = None
                rows.append(
                    _order_row(serial, channel, shops[channel], wid, paid, ship_by, tracked, hours, now)
                )
        for code in warehouses:
            compared = rng.randint(250, 400)
            checks.append({"day": day, "warehouse_code": code, "compared": compared,
                           "consistent": compared - rng.choice([0, 0, 1, 2, 3, 6]), "checked_at": now})  # fmt: skip
        lookups += [_lookup(start, rng) for _ in range(rng.randint(25, 70) if back else 18)]
    session.execute(insert(Order), rows)
    ids = list(session.scalars(select(Order.id).where(Order.external_id.like("HIST-%"))))
    for back in range(days):
        start, _ = clock.day_bounds(today - timedelta(days=back), TZ)
        for code in ("ORDER_ON_HOLD", "GIFT_REQUIRED"):
            for order_id in rng.sample(ids, rng.randint(0, 5 if code == "ORDER_ON_HOLD" else 3)):
                at = min(now, start + timedelta(minutes=rng.randint(8 * 60, 20 * 60)))
                events.append({"kind": "scan", "result": "rejected", "code": code, "actor": "user:packer.hz1",
                               "warehouse_id": warehouses["HZ01"], "order_id": order_id, "created_at": at})  # fmt: skip
    session.execute(insert(ScanEvent), events)
    session.execute(insert(CsLookup), lookups)
    session.execute(insert(ConsistencyCheck), checks)
    session.flush()
    roll_up(session, first=today - timedelta(days=days - 1), last=today - timedelta(days=1), now=now, tz=TZ)


def _order_row(n: int, channel: str, shop_id: int, wid: int, paid: datetime, ship_by: datetime,
               tracked: datetime | None, hours: int, now: datetime) -> dict[str, object]:  # fmt: skip
    return {
        "order_number": f"HIST{n:08d}", "source": channel, "external_id": f"HIST-{n}", "shop_id": shop_id,
        "warehouse_id": wid, "customer_name": "顾客", "customer_phone": None, "phone_last4": f"{n % 10000:04d}",
        "paid_amount": Decimal("99.00"), "paid_at": paid, "promised_ship_hours": hours, "ship_by": ship_by,
        "status": "shipped" if tracked else "paid", "tracking_number": f"7399{n:010d}" if tracked else None,
        "tracking_assigned_at": tracked, "courier_code": "ZTO" if tracked else None, "created_at": paid,
        "updated_at": now, "version": 1, "label_version": 1 if tracked else 0,
    }  # fmt: skip


def _lookup(start: datetime, rng: random.Random) -> dict[str, object]:
    return {
        "at": start + timedelta(minutes=rng.randint(9 * 60, 21 * 60)), "user": "user:cs", "via": "desk",
        "key_kind": rng.choice(["order", "tracking", "phone_name", "external_id"]), "found": rng.random() < 0.92,
        "matches": 1, "latency_ms": round(rng.lognormvariate(1.1, 0.45), 2),
    }  # fmt: skip


def seed_all(session: Session, now: datetime) -> None:
    dataset.seed(session)
    seed_desk(session, now)
    seed_history(session, now)


def kpi_day() -> date:
    return date(2026, 2, 17)
