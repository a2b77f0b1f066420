"""On-time fulfilment rate against figures computed by hand (tests/integration/metrics/dataset.py),
live and from the rollup, per warehouse-local day and drilled down."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.metrics.models import FulfilmentDaily, RollupRun
from server.metrics.reports import Filters, dashboard
from server.metrics.rollup import roll_up
from server.metrics.sources import Scope
from tests.integration.metrics.dataset import (
    EXPECTED,
    EXPECTED_17_BY_CHANNEL,
    EXPECTED_17_BY_WAREHOUSE,
    EXPECTED_17_HZ01_BY_PAID_HOUR,
    NOW,
    seed,
)

TZ = ZoneInfo("Asia/Shanghai")
SCOPE = Scope(date(2026, 2, 16), date(2026, 2, 18))
FIELDS = ("due", "on_time", "late", "pending", "unshipped", "rate")


def _report(session: Session, by: str = "channel", scope: Scope = SCOPE, filters: Filters | None = None):  # type: ignore[no-untyped-def]
    return dashboard(session, scope, filters or Filters(), by, now=NOW, tz=TZ, locale="zh-CN")


def _days(report) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    return {d["day"]: {f: d[f] for f in FIELDS} for d in report["days"]}


@pytest.fixture(params=["live", "rollup"])
def source(request: pytest.FixtureRequest, session: Session) -> str:
    seed(session)
    if request.param == "rollup":
        roll_up(session, first=SCOPE.first, last=SCOPE.last, now=NOW, tz=TZ)
    return request.param  # type: ignore[no-any-return]


def test_per_local_day_matches_the_hand_computed_figures(session: Session, source: str) -> None:
    report = _report(session)
    assert _days(report) == EXPECTED
    assert all(d["live"] is (source == "live") for d in report["days"])
    totals = report["totals"]
    assert (totals["due"], totals["on_time"], totals["late"], totals["pending"]) == (13, 6, 6, 1)
    assert totals["rate"] == 0.5


def test_drill_down_by_channel(session: Session, source: str) -> None:
    one_day = Scope(date(2026, 2, 17), date(2026, 2, 17))
    rows = {r["key"]: r for r in _report(session, "channel", one_day)["breakdown"]}
    assert {
        k: {f: r[f] for f in ("due", "on_time", "late")} for k, r in rows.items()
    } == EXPECTED_17_BY_CHANNEL
    assert rows["tmall"]["label"] == "天猫" and rows["tmall"]["rate"] == 0.4


def test_drill_down_by_warehouse_and_scope(session: Session, source: str) -> None:
    one_day = Scope(date(2026, 2, 17), date(2026, 2, 17))
    rows = {
        r["key"]: (r["due"], r["on_time"], r["late"])
        for r in _report(session, "warehouse", one_day)["breakdown"]
    }
    assert rows == EXPECTED_17_BY_WAREHOUSE
    only_sh = _report(session, "day", Scope(date(2026, 2, 17), date(2026, 2, 17), ("SH01",)))
    assert only_sh["totals"]["due"] == 1 and only_sh["totals"]["late"] == 1


def test_drill_down_by_local_hour_of_payment(session: Session, source: str) -> None:
    scope = Scope(date(2026, 2, 17), date(2026, 2, 17), ("HZ01",))
    report = _report(session, "paid_hour", scope)
    assert {int(r["key"]): r["due"] for r in report["breakdown"]} == EXPECTED_17_HZ01_BY_PAID_HOUR
    labels = {r["key"]: r["label"] for r in report["breakdown"]}
    assert labels["0"] == "00:00–01:00" and labels["23"] == "23:00–00:00"


def test_filters_by_channel_shop_and_brand(session: Session, source: str) -> None:
    assert _report(session, filters=Filters(channel="pdd"))["totals"]["due"] == 1
    assert _report(session, filters=Filters(shop="jd-01"))["totals"]["due"] == 1
    assert _report(session, filters=Filters(brand="DAB"))["totals"]["due"] == 13
    assert _report(session, filters=Filters(brand="OTHER"))["totals"]["due"] == 0


def test_series_give_one_line_per_key(session: Session, source: str) -> None:
    series = {s["key"]: s for s in _report(session, "channel")["series"]}
    assert [p["day"] for p in series["tmall"]["points"]] == list(EXPECTED)
    assert [p["due"] for p in series["pdd"]["points"]] == [0, 1, 0]


def test_rollup_is_idempotent_and_marks_each_day(session: Session) -> None:
    seed(session)
    roll_up(session, first=SCOPE.first, last=SCOPE.last, now=NOW, tz=TZ)
    rows = session.scalar(select(func.count()).select_from(FulfilmentDaily))
    roll_up(session, first=SCOPE.first, last=SCOPE.last, now=NOW, tz=TZ)
    assert session.scalar(select(func.count()).select_from(FulfilmentDaily)) == rows
    marks = {(r.day.isoformat(), r.scope) for r in session.scalars(select(RollupRun))}
    assert {("2026-02-17", "HZ01"), ("2026-02-17", "SH01"), ("2026-02-17", "*")} <= marks
    assert _days(_report(session)) == EXPECTED


def test_a_day_rolled_up_while_open_shows_when_it_was_computed(session: Session) -> None:
    seed(session)
    roll_up(session, first=SCOPE.last, last=SCOPE.last, now=NOW, tz=TZ)
    days = {d["day"]: d for d in _report(session)["days"]}
    assert days["2026-02-18"]["live"] is False and days["2026-02-18"]["computed_at"].startswith(
        "2026-02-18T04:00"
    )
    assert days["2026-02-17"]["live"] is True and days["2026-02-17"]["computed_at"] is None
    assert _days(_report(session)) == EXPECTED
