"""raise_alert / acknowledge / resolve on both databases: once per open condition, events after the fact."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.alerts.messages import render
from server.alerts.models import Alert
from server.alerts.services import acknowledge_alert, raise_alert, resolve_alert, resolve_by_key
from server.errors import InvalidInput, NotFound
from tests.integration.alerts.conftest import open_pack
from tests.support import make_order


def _raise(session: Session, key: str, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "kind": "sync_failing",
        "severity": "critical",
        "warehouse_code": None,
        "order_id": None,
        "dedupe_key": key,
        "params": {"system": "taobao", "error": "isp.system-busy"},
        "now": clock.now(),
    }
    values.update(overrides)
    return raise_alert(session, **values)


def _open_count(session: Session, key: str) -> int:
    return session.scalar(select(func.count()).where(Alert.dedupe_key == key, Alert.resolved_at.is_(None))) or 0


def test_an_open_condition_is_raised_once(db: Session) -> None:
    first = _raise(db, "sync_failing:taobao")
    second = _raise(db, "sync_failing:taobao", params={"system": "taobao", "error": "again"})
    assert first.created and not second.created
    assert second.alert.id == first.alert.id and second.events == []
    assert _open_count(db, "sync_failing:taobao") == 1
    [event] = first.events
    assert event.name == "alert_raised" and event.warehouse is None and event.station is None
    alert = event.payload["alert"]
    assert set(alert) >= {"id", "kind", "severity", "warehouse", "order_number", "station", "title", "message",
                          "message_en", "raised_at"}
    assert alert["message"] == "taobao 同步持续失败:isp.system-busy"
    assert alert["message_en"] == "taobao sync keeps failing: isp.system-busy"


def test_resolved_condition_can_be_raised_again(db: Session) -> None:
    first = _raise(db, "sync_failing:pdd")
    resolved = resolve_by_key(db, "sync_failing:pdd", now=clock.now(), actor="system:sync", reason="recovered")
    assert resolved.changed and resolved.alert.resolved_by == "system:sync"
    assert [e.name for e in resolved.events] == ["alert_resolved"]
    assert not resolve_by_key(db, "sync_failing:pdd", now=clock.now()).changed  # nothing open any more
    again = _raise(db, "sync_failing:pdd")
    assert again.created and again.alert.id != first.alert.id


def test_order_alert_lands_in_the_orders_warehouse_and_names_the_order(db: Session) -> None:
    order = make_order(db, "picking", warehouse_code="SH01")
    result = _raise(db, f"overdue:{order.id}", kind="overdue", order_id=order.id,
                    params={"status": "picking", "ship_by": "02-17 10:00"})
    alert = result.alert
    assert alert.warehouse_code == "SH01" and alert.order_number == order.order_number
    assert alert.message == f"订单【{order.order_number}】已超过承诺发货时间 02-17 10:00,当前:拣货中"
    assert render("overdue", alert.params, "en")[1].endswith("still picking")
    assert result.events[0].warehouse == "SH01"


def test_station_alert_reaches_lead_screen_and_station(db: Session) -> None:
    order = make_order(db, "printed")
    open_pack(db, order, "PK03")
    result = _raise(db, f"address_changed:{order.id}:v2", kind="address_changed", warehouse_code="HZ01",
                    order_id=order.id, params={"variant": "held"}, station="PK03")
    assert [(e.name, e.warehouse, e.station) for e in result.events] == [
        ("alert_raised", "HZ01", None), ("alert_raised", "HZ01", "PK03"),
    ]
    assert result.events[0].payload == result.events[1].payload
    ack = acknowledge_alert(db, result.alert.id, actor="user:lead.hz", now=clock.now())
    assert [(e.name, e.station) for e in ack.events] == [("alert_acknowledged", None), ("alert_acknowledged", "PK03")]
    assert set(ack.events[0].payload) == {"alert_id", "by", "at"}


def test_acknowledge_and_resolve_are_idempotent(db: Session) -> None:
    alert = _raise(db, "sync_failing:jd").alert
    now = clock.now()
    first = acknowledge_alert(db, alert.id, actor="user:lead.hz", now=now)
    second = acknowledge_alert(db, alert.id, actor="user:cs", now=now + timedelta(minutes=1))
    assert first.changed and not second.changed and second.events == []
    assert second.alert.acknowledged_by == "user:lead.hz" and second.alert.status == "acknowledged"
    assert resolve_alert(db, alert.id, actor="user:admin", now=now).changed
    assert not resolve_alert(db, alert.id, actor="user:admin", now=now).changed
    assert db.get(Alert, alert.id).status == "resolved"


def test_refuses_unknown_kind_severity_warehouse_and_alert(db: Session) -> None:
    with pytest.raises(InvalidInput):
        _raise(db, "x", kind="robot_uprising")
    with pytest.raises(InvalidInput):
        _raise(db, "x", severity="apocalyptic")
    with pytest.raises(InvalidInput):
        _raise(db, "x", warehouse_code="NOPE")
    with pytest.raises(NotFound) as caught:
        acknowledge_alert(db, 987654321, actor="user:cs", now=clock.now())
    assert caught.value.message("en") == "Alert 987654321 not found"


def test_messages_exist_in_both_languages_and_tolerate_missing_params() -> None:
    for kind in ("address_changed", "no_tracking", "overdue", "sync_failing", "status_mismatch", "pack_exception"):
        zh_title, zh = render(kind, {"order_number": "DAB2026021700001"}, "zh-CN")
        en_title, en = render(kind, {"order_number": "DAB2026021700001"}, "en")
        assert zh_title != en_title and zh != en
        assert "{" not in zh + en
    assert render("address_changed", {"order_number": "DAB1"}, "zh-CN")[1] == "订单【DAB1】收货地址已更新,请确认拣货单"
    assert "?" in render("status_mismatch", {}, "en")[1]


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_concurrent_raises_of_one_condition_leave_one_open_alert(database: str, request) -> None:  # type: ignore[no-untyped-def]
    """Real transactions racing on the partial unique index: every caller gets the same alert back."""
    engine: Engine = request.getfixturevalue("pg_engine" if database == "postgresql" else "sqlite_engine")
    key = f"sync_failing:race-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(6)
    ids: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Session(engine) as session:
                barrier.wait(timeout=10)
                result = _raise(session, key)
                session.commit()
                ids.append(result.alert.id)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    try:
        assert errors == []
        assert len(set(ids)) == 1 and len(ids) == 6
        with Session(engine) as session:
            assert _open_count(session, key) == 1
    finally:
        with Session(engine) as session:
            session.execute(delete(Alert).where(Alert.dedupe_key == key))
            session.commit()
