"""Watchdogs: no tracking number 2 h after printing, overdue picking/printed orders; raised once, resolved
when the order moves on (both databases)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.alerts.models import Alert
from server.alerts.watchdogs import check_no_tracking, check_overdue
from server.orders.transitions import apply_transition
from tests.integration.alerts.conftest import open_pack
from tests.support import make_order


def _alerts(session: Session, kind: str, order_id: int) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.kind == kind, Alert.order_id == order_id).order_by(Alert.id)))


def _printed_without_tracking(session: Session, printed_at):  # type: ignore[no-untyped-def]
    order = make_order(session, "picking", now=printed_at)
    apply_transition(session, order, "printed", actor="test", source_system="test", reason=None, now=printed_at)
    assert order.tracking_number is None and order.printed_at == printed_at
    return order


def test_no_tracking_after_the_threshold_only(db: Session) -> None:
    now = clock.now()
    late = _printed_without_tracking(db, now - timedelta(minutes=121))
    recent = _printed_without_tracking(db, now - timedelta(minutes=119))
    result = check_no_tracking(db, now=now, minutes=120)
    [alert] = _alerts(db, "no_tracking", late.id)
    assert _alerts(db, "no_tracking", recent.id) == []
    assert alert.severity == "warning" and alert.warehouse_code == "HZ01" and alert.station is None
    assert alert.message == f"订单【{late.order_number}】已打单 121 分钟仍无运单号,请跟进"
    assert late.warehouse.code in result.warehouses
    assert [e.name for e in result.events].count("alert_raised") >= 1
    # The next run raises nothing new for the same order.
    again = check_no_tracking(db, now=now + timedelta(minutes=1), minutes=120)
    assert len(_alerts(db, "no_tracking", late.id)) == 1
    assert late.order_number not in {e.payload["alert"]["order_number"] for e in again.events if e.name == "alert_raised"}


def test_no_tracking_resolves_when_the_tracking_number_arrives(db: Session) -> None:
    now = clock.now()
    order = _printed_without_tracking(db, now - timedelta(hours=3))
    check_no_tracking(db, now=now, minutes=120)
    order.tracking_number = "73100000000042"
    db.flush()
    result = check_no_tracking(db, now=now + timedelta(minutes=1), minutes=120)
    [alert] = _alerts(db, "no_tracking", order.id)
    assert alert.resolved_at is not None and alert.resolved_by == "system:watchdog"
    assert "alert_resolved" in [e.name for e in result.events]


def test_printed_orders_with_tracking_are_fine(db: Session) -> None:
    now = clock.now()
    order = make_order(db, "printed", now=now - timedelta(hours=5))  # make_order assigns a tracking number
    check_no_tracking(db, now=now, minutes=120)
    assert _alerts(db, "no_tracking", order.id) == []


def test_overdue_per_order_with_the_packing_station(db: Session) -> None:
    now = clock.now()
    picking = make_order(db, "picking", ship_by=now - timedelta(minutes=5))
    printed = make_order(db, "printed", ship_by=now - timedelta(hours=1))
    packed = make_order(db, "packed", ship_by=now - timedelta(hours=1))
    on_time = make_order(db, "picking", ship_by=now + timedelta(hours=1))
    open_pack(db, printed, "PK01")
    result = check_overdue(db, now=now)
    assert [a.severity for a in _alerts(db, "overdue", picking.id)] == ["critical"]
    [printed_alert] = _alerts(db, "overdue", printed.id)
    assert printed_alert.station == "PK01"
    assert _alerts(db, "overdue", packed.id) == [] and _alerts(db, "overdue", on_time.id) == []
    stations = {(e.payload["alert"]["order_number"], e.station) for e in result.events}
    assert (printed.order_number, "PK01") in stations and (printed.order_number, None) in stations
    check_overdue(db, now=now + timedelta(minutes=1))
    assert len(_alerts(db, "overdue", picking.id)) == 1


def test_overdue_resolves_when_the_order_moves_on(db: Session) -> None:
    now = clock.now()
    order = make_order(db, "picking", ship_by=now - timedelta(minutes=30))
    check_overdue(db, now=now)
    order.tracking_number = "73100000000043"
    apply_transition(db, order, "printed", actor="test", source_system="test", reason=None, now=now)
    check_overdue(db, now=now + timedelta(minutes=1))
    assert _alerts(db, "overdue", order.id)[0].resolved_at is None  # printed and still late: stays open
    apply_transition(db, order, "packed", actor="test", source_system="test", reason=None, now=now)
    check_overdue(db, now=now + timedelta(minutes=2))
    [alert] = _alerts(db, "overdue", order.id)
    assert alert.resolved_at is not None and alert.resolve_reason == "order moved on"
