"""The ship-promise rule behind the on-time KPI, the CS answer and delay coupons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.metrics.rules import PromiseState, classify, tracked_at

SHIP_BY = datetime(2026, 2, 17, 4, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "tracked", "exited", "now", "state"),
    [
        ("printed", SHIP_BY - H, None, SHIP_BY + 5 * H, PromiseState.ON_TIME),
        ("printed", SHIP_BY, None, SHIP_BY + 5 * H, PromiseState.ON_TIME),  # exactly at ship_by
        ("printed", SHIP_BY + H, None, SHIP_BY + 5 * H, PromiseState.LATE),
        ("paid", None, None, SHIP_BY - H, PromiseState.PENDING),
        ("paid", None, None, SHIP_BY, PromiseState.LATE),
        ("cancelled", None, SHIP_BY - H, SHIP_BY + 5 * H, PromiseState.NOT_DUE),
        ("refunded", SHIP_BY - 2 * H, SHIP_BY - H, SHIP_BY + 5 * H, PromiseState.NOT_DUE),
        ("refunded", None, SHIP_BY + H, SHIP_BY + 5 * H, PromiseState.LATE),
        ("refunded", SHIP_BY - H, SHIP_BY + H, SHIP_BY + 5 * H, PromiseState.ON_TIME),
        ("pending_payment", None, None, SHIP_BY + 5 * H, PromiseState.NOT_DUE),
    ],
)
def test_classify(
    status: str, tracked: datetime | None, exited: datetime | None, now: datetime, state: PromiseState
) -> None:
    assert classify(status=status, ship_by=SHIP_BY, tracked=tracked, exited_at=exited, now=now).state is state


def test_how_late_and_how_long_left() -> None:
    late = classify(status="paid", ship_by=SHIP_BY, tracked=None, exited_at=None, now=SHIP_BY + 3 * H)
    assert late.late_by == 3 * H and late.left is None
    tracked_late = classify(
        status="printed", ship_by=SHIP_BY, tracked=SHIP_BY + H, exited_at=None, now=SHIP_BY + 9 * H
    )
    assert tracked_late.late_by == H  # lateness stops when the tracking number exists
    pending = classify(status="paid", ship_by=SHIP_BY, tracked=None, exited_at=None, now=SHIP_BY - 2 * H)
    assert pending.left == 2 * H


def test_no_ship_by_is_never_due() -> None:
    assert (
        classify(status="paid", ship_by=None, tracked=None, exited_at=None, now=SHIP_BY).state
        is PromiseState.NOT_DUE
    )


def test_tracking_time_falls_back_to_print_then_ship() -> None:
    t1, t2, t3 = SHIP_BY, SHIP_BY + H, SHIP_BY + 2 * H
    assert tracked_at("7310", t1, t2, t3) == t1
    assert tracked_at("7310", None, t2, t3) == t2
    assert tracked_at(None, None, t2, t3) == t3  # shipped outside Packline
    assert tracked_at(None, None, None, None) is None
