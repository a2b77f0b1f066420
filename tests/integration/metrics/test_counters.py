"""Interceptions and gift omissions per local day (from scan events), CS lookups with p50/p95, status
consistency — live and from the rollup."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.catalog.models import Warehouse
from server.cs.models import CsLookup
from server.integrations.models import ConsistencyCheck
from server.metrics.counters import WAREHOUSE_COUNTS, DailyCount, percentile
from server.metrics.reports import Filters, dashboard
from server.metrics.rollup import roll_up
from server.metrics.sources import Scope
from server.orders.holds import place_hold
from server.scanning.desk import Actor
from server.scanning.models import ScanEvent
from server.scanning.services import ScanCommand, scan
from tests.integration.metrics.dataset import NOW, local
from tests.support import make_order

TZ = ZoneInfo("Asia/Shanghai")
SCOPE = Scope(date(2026, 2, 16), date(2026, 2, 17))


def _wid(session: Session, code: str) -> int:
    return session.scalars(select(Warehouse.id).where(Warehouse.code == code)).one()


def _event(session: Session, order_id: int, code: str, at, warehouse: str = "HZ01") -> None:  # type: ignore[no-untyped-def]
    session.add(
        ScanEvent(
            kind="scan" if code == "ORDER_ON_HOLD" else "complete",
            result="rejected",
            code=code,
            actor="user:packer.hz1",
            warehouse_id=_wid(session, warehouse),
            order_id=order_id,
            created_at=at,
        )
    )
    session.flush()


def _seed(session: Session) -> None:
    held = make_order(session, "printed", now=local(16, 9))
    other = make_order(session, "printed", now=local(16, 9))
    gift = make_order(session, "printed", now=local(16, 9))
    _event(session, held.id, "ORDER_ON_HOLD", local(17, 0, 5))  # 16 Feb in UTC, 17 Feb locally
    _event(session, held.id, "ORDER_ON_HOLD", local(17, 10))  # same order again: still one interception
    _event(session, other.id, "ORDER_ON_HOLD", local(17, 23, 55))
    _event(session, other.id, "ORDER_ON_HOLD", local(16, 23, 59))  # the day before
    _event(session, gift.id, "GIFT_REQUIRED", local(17, 11))
    _event(session, gift.id, "GIFT_REQUIRED", local(17, 11, 1))
    _event(session, other.id, "GIFT_REQUIRED", local(17, 15), warehouse="SH01")
    for ms in range(1, 21):  # 20 lookups on the 17th: p50 = 10, p95 = 19 (nearest rank)
        session.add(
            CsLookup(
                at=local(17, 9) + timedelta(seconds=ms),
                user="user:cs",
                key_kind="order",
                found=ms % 4 != 0,
                latency_ms=float(ms),
            )
        )
    session.add(
        CsLookup(at=local(16, 23, 59), user="user:cs", key_kind="order", found=True, latency_ms=500.0)
    )
    session.add(
        ConsistencyCheck(
            day=date(2026, 2, 17), warehouse_code="HZ01", compared=100, consistent=97, checked_at=NOW
        )
    )
    session.add(
        ConsistencyCheck(
            day=date(2026, 2, 17), warehouse_code="SH01", compared=50, consistent=50, checked_at=NOW
        )
    )
    session.flush()


@pytest.fixture(params=["live", "rollup"])
def days(request: pytest.FixtureRequest, session: Session) -> dict[str, dict[str, object]]:
    _seed(session)
    if request.param == "rollup":
        roll_up(session, first=SCOPE.first, last=SCOPE.last, now=NOW, tz=TZ)
    report = dashboard(session, SCOPE, Filters(), "day", now=NOW, tz=TZ, locale="zh-CN")
    return {d["day"]: d for d in report["days"]}


def test_interceptions_count_distinct_orders_per_local_day(days: dict[str, dict[str, object]]) -> None:
    assert days["2026-02-17"]["interceptions"] == 2
    assert days["2026-02-16"]["interceptions"] == 1
    assert days["2026-02-17"]["by_source"]["interceptions:pack_on_hold"] == 2  # type: ignore[index]


def test_gift_omissions_prevented_per_day(days: dict[str, dict[str, object]]) -> None:
    assert days["2026-02-17"]["gift_omissions_prevented"] == 2  # one in HZ01 (twice), one in SH01
    assert days["2026-02-16"]["gift_omissions_prevented"] == 0


def test_cs_lookups_and_latency_percentiles(days: dict[str, dict[str, object]]) -> None:
    day = days["2026-02-17"]
    assert (day["cs_lookups"], day["cs_lookups_found"], day["cs_latency_p50"], day["cs_latency_p95"]) == (
        20,
        15,
        10.0,
        19.0,
    )
    assert days["2026-02-16"]["cs_lookups"] == 1 and days["2026-02-16"]["cs_latency_p95"] == 500.0


def test_status_consistency_rate(days: dict[str, dict[str, object]]) -> None:
    day = days["2026-02-17"]
    assert (day["compared"], day["consistent"], day["consistency_rate"]) == (150, 147, 0.98)
    assert days["2026-02-16"]["consistency_rate"] is None


def test_a_held_order_scanned_at_a_real_station_is_counted(session: Session) -> None:
    order = make_order(session, "printed", now=NOW - timedelta(hours=1))
    place_hold(
        session, order, "refund_requested", reason="买家申请退款", actor="t", source_system="t", now=NOW
    )
    packer = session.scalars(select(User).where(User.username == "packer.hz1")).one()
    actor = Actor("packer.hz1", packer.id, "packer", packer.warehouse_id)
    for n in range(2):
        cmd = ScanCommand(station="PK01", code=order.order_number, client_scan_id=f"kpi-hold-{order.id}-{n}")
        answer = scan(session, cmd, actor, now=NOW, lock_seconds=300, locale="zh-CN").answer
        assert answer["code"] == "ORDER_ON_HOLD"
    today = Scope(date(2026, 2, 18), date(2026, 2, 18), ("HZ01",))
    report = dashboard(
        session, today, Filters(), "day", now=NOW + timedelta(minutes=1), tz=TZ, locale="zh-CN"
    )
    assert report["totals"]["interceptions"] == 1


def test_a_new_interception_source_is_one_more_daily_count(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dock interceptions arrive later as one DailyCount; the dashboard sums it into interceptions."""
    _seed(session)

    def dock_events(s: Session, start, end, warehouse_ids: list[int]):  # type: ignore[no-untyped-def]
        # Three orders stopped at each warehouse's dock at noon on the 17th (a handover scan table later).
        at = local(17, 12)
        return [(wid, at, f"dock-{n}") for wid in warehouse_ids for n in range(3) if start <= at < end]

    dock = DailyCount("interceptions", "dock", dock_events)
    monkeypatch.setattr("server.metrics.counters.WAREHOUSE_COUNTS", [*WAREHOUSE_COUNTS, dock])
    report = dashboard(session, SCOPE, Filters(), "day", now=NOW, tz=TZ, locale="en")
    day = {d["day"]: d for d in report["days"]}["2026-02-17"]
    assert day["interceptions"] == 2 + 3 * 2  # the fake counts 3 per warehouse (HZ01, SH01)
    assert day["by_source"]["interceptions:dock"] == 6
    assert report["sources"]["interceptions:dock"] == "stopped at the dock"


def test_nearest_rank_percentile() -> None:
    assert percentile([], 95) == 0.0
    assert percentile([5.0], 50) == 5.0
    assert percentile([float(n) for n in range(1, 101)], 95) == 95.0
