"""The embedded mode (SQLite): desk lookups, coupons, the hand-computed dashboard and the rollup upsert."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server.cs.coupons import issue_delay_coupon, parse_rules
from server.cs.desk import chat_reply, desk_lookup
from server.metrics.reports import Filters, dashboard
from server.metrics.rollup import roll_up
from server.metrics.sources import Scope
from tests.integration.cs.helpers import CS, gift_order
from tests.integration.metrics.dataset import EXPECTED, NOW, seed

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def lite(sqlite_engine: Engine) -> Iterator[Session]:
    connection = sqlite_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    outer.rollback()
    connection.close()


def test_lookup_chat_and_coupon_on_sqlite(lite: Session) -> None:
    order = gift_order(
        lite,
        "picking",
        gift_status="to_reship",
        paid_at=NOW - timedelta(hours=30),
        now=NOW - timedelta(hours=29),
    )
    answer = desk_lookup(lite, order.order_number.lower(), None, asker=CS, now=NOW, locale="zh-CN").answer
    assert answer is not None and answer["gift_line"] == "赠品: 保温水杯 (待补发)"
    assert answer["promise"]["state"] == "late"
    assert chat_reply(lite, f"order {order.order_number}", actor="bot", now=NOW).found
    first = issue_delay_coupon(lite, order, rules=parse_rules(("0:5", "24:10")), actor="user:cs", now=NOW)
    again = issue_delay_coupon(lite, order, rules=parse_rules(("0:5", "24:10")), actor="user:cs", now=NOW)
    assert first.created and not again.created and again.coupon.code == first.coupon.code


def test_dashboard_and_rollup_on_sqlite(lite: Session) -> None:
    seed(lite)
    scope = Scope(date(2026, 2, 16), date(2026, 2, 18))

    def days() -> dict[str, dict[str, object]]:
        report = dashboard(lite, scope, Filters(), "channel", now=NOW, tz=TZ, locale="zh-CN")
        return {d["day"]: {k: d[k] for k in EXPECTED["2026-02-17"]} for d in report["days"]}

    assert days() == EXPECTED
    roll_up(lite, first=scope.first, last=scope.last, now=NOW, tz=TZ)
    roll_up(lite, first=scope.first, last=scope.last, now=NOW, tz=TZ)  # the upsert marker on SQLite
    assert days() == EXPECTED
