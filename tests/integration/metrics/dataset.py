"""A small fixed data set whose on-time figures are computed by hand (see EXPECTED), shared by the
metrics, API and browser tests. Times are Asia/Shanghai wall-clock; NOW is 2026-02-18 12:00 local."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.orders.models import Order
from tests.support import make_order

SH = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """2026-02-`day` hour:minute in Shanghai, as an aware datetime."""
    return datetime(2026, 2, day, hour, minute, tzinfo=SH)


NOW = local(18, 12)


@dataclass(frozen=True)
class Spec:
    name: str
    channel: str  # tmall and jd promise 24 h, pdd 48 h
    paid: datetime | None
    status: str  # the order's final status
    tracked: datetime | None = None  # when its tracking number was generated
    at: datetime | None = None  # when it reached `status` (exit time for refunded/cancelled)
    warehouse: str = "HZ01"


SHOPS = {"tmall": "tmall-01", "pdd": "pdd-01", "jd": "jd-01"}

SPECS = [
    # --- due on 2026-02-16 (local) ---
    Spec("I", "tmall", local(15, 23, 59), "printed", tracked=local(16, 20)),  # ship_by 16 23:59, on time
    Spec("J", "tmall", local(15, 8), "picking"),  # ship_by 16 08:00, never tracked: late
    # --- due on 2026-02-17 ---
    Spec("A", "tmall", local(16, 10), "printed", tracked=local(17, 9)),  # on time
    Spec("B", "tmall", local(16, 23, 50), "printed", tracked=local(18, 0, 10)),  # 20 min late
    # Paid 00:20 local (16:20 UTC the day before): ship_by 17 00:20 local is 16 Feb in UTC.
    Spec("N", "tmall", local(16, 0, 20), "shipped", tracked=local(16, 20)),  # on time
    Spec("C", "pdd", local(15, 12), "paid"),  # ship_by 17 12:00, due but not shipped: late
    Spec("D", "tmall", local(16, 14), "cancelled", at=local(17, 8)),  # cancelled before ship_by: not due
    Spec("E", "tmall", local(16, 15), "refunded", at=local(17, 18)),  # refunded after ship_by untracked: late
    Spec("F", "jd", local(16, 9), "printed", tracked=local(17, 9)),  # tracked exactly at ship_by: on time
    Spec("G", "tmall", local(16, 11), "printed", tracked=local(17, 12), warehouse="SH01"),  # late
    Spec("H", "tmall", None, "pending_payment"),  # unpaid: never due
    # --- due on 2026-02-18 (today, NOW 12:00) ---
    Spec("K", "tmall", local(17, 20), "paid"),  # ship_by 18 20:00, still ahead: pending
    Spec("L", "tmall", local(17, 6), "picking"),  # ship_by 18 06:00 passed: late
    Spec("M", "tmall", local(17, 10), "printed", tracked=local(18, 7)),  # on time
    # Ship_by 18 00:10 local is 17 Feb 16:10 UTC: belongs to the 18th.
    Spec("O", "tmall", local(17, 0, 10), "printed", tracked=local(17, 23)),  # on time
]

# Computed by hand from SPECS (rate = on time / (on time + late); pending orders wait).
EXPECTED = {
    "2026-02-16": {"due": 2, "on_time": 1, "late": 1, "pending": 0, "unshipped": 1, "rate": 0.5},
    "2026-02-17": {"due": 7, "on_time": 3, "late": 4, "pending": 0, "unshipped": 2, "rate": 0.4286},
    "2026-02-18": {"due": 4, "on_time": 2, "late": 1, "pending": 1, "unshipped": 1, "rate": 0.6667},
}
EXPECTED_17_BY_CHANNEL = {
    "tmall": {"due": 5, "on_time": 2, "late": 3},  # A N on time; B E G late
    "pdd": {"due": 1, "on_time": 0, "late": 1},  # C
    "jd": {"due": 1, "on_time": 1, "late": 0},  # F
}
EXPECTED_17_BY_WAREHOUSE = {"HZ01": (6, 3, 3), "SH01": (1, 0, 1)}  # (due, on time, late)
EXPECTED_17_HZ01_BY_PAID_HOUR = {0: 1, 9: 1, 10: 1, 12: 1, 15: 1, 23: 1}  # N F A C E B


def seed(session: Session) -> dict[str, Order]:
    orders: dict[str, Order] = {}
    for n, spec in enumerate(SPECS):
        when = spec.at or spec.tracked or (spec.paid or NOW - timedelta(days=3)) + timedelta(minutes=5)
        overrides = {
            "order_number": f"DAB20260215{n:05d}",
            "external_id": f"KPI-{spec.name}",
            "source": spec.channel,
            "shop_code": SHOPS[spec.channel],
            "warehouse_code": spec.warehouse,
            "paid_at": spec.paid,
        }
        if spec.status == "pending_payment":
            overrides["ingest_status"] = "pending_payment"
        order = make_order(session, spec.status, now=when, **overrides)
        if spec.tracked is not None:
            order.tracking_number = order.tracking_number or f"7310{n:010d}"
            order.courier_code = "ZTO"
            order.tracking_assigned_at = spec.tracked
        orders[spec.name] = order
    session.flush()
    return orders
