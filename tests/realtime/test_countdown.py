"""Countdown read side on both databases: bands, the snapshot (one query), crossings per tick window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.live.countdown import band_of, build_snapshot, crossings, warehouse_ref
from tests.support import make_order

YELLOW = timedelta(minutes=120)


@pytest.fixture
def db(any_engine: Engine) -> Iterator[Session]:
    conn = any_engine.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    outer.rollback()
    conn.close()


def test_band_boundaries() -> None:
    now = clock.now()
    assert band_of(None, now, YELLOW) == "none"
    assert band_of(now, now, YELLOW) == "red"
    assert band_of(now + timedelta(seconds=1), now, YELLOW) == "yellow"
    assert band_of(now + YELLOW, now, YELLOW) == "yellow"
    assert band_of(now + YELLOW + timedelta(seconds=1), now, YELLOW) == "green"


def test_snapshot_counts_orders_and_is_one_query(db: Session, any_engine: Engine) -> None:
    now = clock.now()
    late = make_order(db, "printed", ship_by=now - timedelta(hours=1))
    make_order(db, "packed", ship_by=now + timedelta(minutes=10))
    make_order(db, "paid", ship_by=now + timedelta(hours=20))
    make_order(db, "shipped", ship_by=now - timedelta(hours=3))  # not open work
    make_order(db, "picking", ship_by=now + timedelta(hours=3), warehouse_code="SH01")
    wh = warehouse_ref(db, "HZ01")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(any_engine, "before_cursor_execute", count)
    try:
        snap = build_snapshot(db, wh, now=now, yellow=YELLOW, limit=2)
    finally:
        event.remove(any_engine, "before_cursor_execute", count)
    assert len([s for s in statements if "SAVEPOINT" not in s.upper()]) == 1
    assert snap["totals"] == {"red": 1, "yellow": 1, "green": 1, "none": 0, "total": 3}
    assert snap["counts"]["printed"]["red"] == 1 and snap["counts"]["packed"]["yellow"] == 1
    assert list(snap["counts"]) == ["paid", "picking", "printed", "packed"]
    assert snap["orders"][0]["order_number"] == late.order_number
    assert [o["band"] for o in snap["orders"]] == ["red", "yellow"] and snap["truncated"] is True


def test_crossings_in_a_tick_window(db: Session) -> None:
    now = clock.now().replace(microsecond=0)
    since, until = now - timedelta(seconds=5), now
    to_red = make_order(db, "picking", ship_by=now - timedelta(seconds=2))
    to_yellow = make_order(db, "paid", ship_by=now + YELLOW - timedelta(seconds=1))
    exactly_yellow = make_order(db, "printed", ship_by=until + YELLOW)  # reaches yellow at `until`
    make_order(db, "picking", ship_by=since)  # already red at `since`
    make_order(db, "picking", ship_by=now + timedelta(seconds=1))  # still yellow
    make_order(db, "shipped", ship_by=now - timedelta(seconds=1))  # not open work
    found = {
        c["order_number"]: c
        for c in crossings(db, warehouse_ref(db, "HZ01"), since=since, until=until, yellow=YELLOW)
    }
    assert set(found) == {to_red.order_number, to_yellow.order_number, exactly_yellow.order_number}
    assert (found[to_red.order_number]["from"], found[to_red.order_number]["to"]) == ("yellow", "red")
    assert found[to_yellow.order_number]["to"] == "yellow"
    # Consecutive windows do not report the same crossing twice.
    later = crossings(
        db, warehouse_ref(db, "HZ01"), since=until, until=until + timedelta(seconds=5), yellow=YELLOW
    )
    assert not {c["order_number"] for c in later} & set(found)


def test_whole_board_on_both_databases(db: Session) -> None:
    from zoneinfo import ZoneInfo

    from server.live.board import lead_board
    from server.orders.transitions import apply_transition

    now = clock.now()
    tz = ZoneInfo("Asia/Shanghai")
    day_start, _ = clock.day_bounds(clock.local_day(now, tz), tz)
    late = make_order(db, "picking", ship_by=now - timedelta(minutes=40))
    later = make_order(db, "printed", ship_by=now - timedelta(minutes=90))
    packed = make_order(db, "printed")
    at = max(day_start + timedelta(seconds=1), now - timedelta(minutes=2))
    apply_transition(db, packed, "packed", actor="user:packer.hz2", source_system="pda", reason=None, now=at)
    board = lead_board(
        db, warehouse_ref(db, "HZ01"), now=now, yellow=YELLOW, no_tracking_after=YELLOW, snapshot_limit=10
    )
    assert [o["order_number"] for o in board["overdue_top"]] == [later.order_number, late.order_number]
    (packer,) = board["packed_per_hour"]["packers"]
    assert packer["name"] == "赵打包" and packer["by_hour"][at.astimezone(tz).hour] == 1
    assert board["counts"]["packed"]["total"] == 1 and board["totals"]["red"] == 2
