"""Embedded mode (one process, no Redis) through Flask-SocketIO's test client: connect auth, rooms from
the token, events only after commit and only to the right warehouse/station, countdown ticks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIO, SocketIOTestClient
from sqlalchemy.orm import Session

from server import clock
from server.events import DomainEvent
from server.ports import RecordingPublisher
from server.runtime import Runtime
from tests.support import auth, make_order, user_token


@pytest.fixture
def socketio(app: Flask) -> SocketIO:
    return app.extensions["socketio"]  # type: ignore[no-any-return]


def connect(socketio: SocketIO, app: Flask, **auth_data: Any) -> SocketIOTestClient:
    return socketio.test_client(app, auth=auth_data or None)


def names(client: SocketIOTestClient) -> list[str]:
    return [m["name"] for m in client.get_received()]


def hello(client: SocketIOTestClient) -> dict[str, Any]:
    return client.emit("hello", {}, callback=True)  # type: ignore[no-any-return]


def test_async_mode_is_explicit_and_no_message_queue(socketio: SocketIO) -> None:
    assert socketio.async_mode == "threading"
    assert type(socketio.server.manager).__name__ == "Manager"


def test_connect_without_or_with_a_bad_token_is_refused(socketio: SocketIO, app: Flask) -> None:
    assert not connect(socketio, app).is_connected()
    assert not connect(socketio, app, token="pl_not-a-token").is_connected()


def test_expired_token_is_refused(socketio: SocketIO, app: Flask, session: Session) -> None:
    from server.accounts.models import User
    from server.accounts.services import issue_user_token

    user = session.query(User).filter_by(username="lead.hz").one()
    expired = issue_user_token(
        session, user, now=clock.now() - timedelta(hours=2), ttl=timedelta(hours=1)
    ).token
    assert not connect(socketio, app, token=expired).is_connected()


def test_token_in_query_string_is_accepted(socketio: SocketIO, app: Flask, session: Session) -> None:
    client = socketio.test_client(app, query_string=f"token={user_token(session, 'lead.hz')}")
    assert client.is_connected()


def test_rooms_come_from_the_token(socketio: SocketIO, app: Flask, session: Session) -> None:
    lead = connect(socketio, app, token=user_token(session, "lead.hz"))
    assert sorted(hello(lead)["rooms"]) == ["role:lead", "warehouse:HZ01"]
    admin = connect(socketio, app, token=user_token(session, "admin"))
    assert sorted(hello(admin)["rooms"]) == ["all", "role:admin", "warehouse:HZ01", "warehouse:SH01"]
    assert hello(admin)["server_time"]


def test_station_is_accepted_only_in_the_tokens_warehouse(
    socketio: SocketIO, app: Flask, session: Session
) -> None:
    token = user_token(session, "packer.hz1")
    pda = connect(socketio, app, token=token, station="PK01")
    assert pda.is_connected()
    assert "station:HZ01:PK01" in hello(pda)["rooms"]
    assert not connect(socketio, app, token=token, station="NOPE").is_connected()
    # An admin has no warehouse, so no station can belong to it.
    assert not connect(socketio, app, token=user_token(session, "admin"), station="PK01").is_connected()


def test_order_transition_reaches_its_warehouse_only(
    socketio: SocketIO, app: Flask, client: FlaskClient, session: Session
) -> None:
    hz = connect(socketio, app, token=user_token(session, "lead.hz"))
    sh = connect(socketio, app, token=user_token(session, "lead.sh"))
    order = make_order(session, "picking")
    hz.get_received(), sh.get_received()
    r = client.post(
        f"/api/v1/orders/{order.order_number}/transitions",
        json={"to": "printed"},
        headers=auth(user_token(session, "lead.hz")),
    )
    assert r.status_code == 200
    received = hz.get_received()
    updates = [m["args"][0] for m in received if m["name"] == "order_updated"]
    assert len(updates) == 1
    assert updates[0]["v"] == 1 and updates[0]["order"]["status"] == "printed" and updates[0]["server_time"]
    assert "order_updated" not in names(sh)


def test_events_go_out_only_after_commit(
    socketio: SocketIO, app: Flask, session: Session, runtime: Runtime
) -> None:
    lead = connect(socketio, app, token=user_token(session, "lead.hz"))
    lead.get_received()
    with pytest.raises(RuntimeError), runtime.work() as work:
        work.publish([DomainEvent("order_updated", {"change": "status"}, warehouse="HZ01")])
        raise RuntimeError("rolled back")
    assert names(lead) == []
    with runtime.work() as work:
        work.publish([DomainEvent("order_updated", {"change": "status"}, warehouse="HZ01")])
    assert names(lead) == ["order_updated"]


def test_station_events_reach_that_station_only(
    socketio: SocketIO, app: Flask, session: Session, runtime: Runtime
) -> None:
    token = user_token(session, "packer.hz1")
    pk01 = connect(socketio, app, token=token, station="PK01")
    pk02 = connect(socketio, app, token=token, station="PK02")
    lead = connect(socketio, app, token=user_token(session, "lead.hz"))
    runtime.publisher.publish(
        [DomainEvent("pack_progress", {"scanned": 1}, warehouse="HZ01", station="PK01")]
    )
    assert names(pk01) == ["pack_progress"]
    assert names(pk02) == [] and names(lead) == []


def test_global_events_reach_principals_without_a_warehouse(
    socketio: SocketIO, app: Flask, session: Session, runtime: Runtime
) -> None:
    cs = connect(socketio, app, token=user_token(session, "cs"))
    lead = connect(socketio, app, token=user_token(session, "lead.hz"))
    runtime.publisher.publish([DomainEvent("alert_raised", {"alert": {"id": 1}})])
    assert names(cs) == ["alert_raised"] and names(lead) == []


def test_default_publisher_still_records(app: Flask, runtime: Runtime) -> None:
    # create_app wrapped the recording publisher: tests that read it keep working.
    runtime.publisher.publish([DomainEvent("order_updated", {}, warehouse="HZ01")])
    recorder = runtime.publisher._also  # type: ignore[attr-defined]
    assert isinstance(recorder, RecordingPublisher) and recorder.names() == ["order_updated"]


def test_ticker_pushes_snapshot_and_crossings(
    socketio: SocketIO, app: Flask, session: Session, settings: Any
) -> None:
    tier = app.extensions["packline.realtime"]
    lead = connect(socketio, app, token=user_token(session, "lead.hz"))
    sh = connect(socketio, app, token=user_token(session, "lead.sh"))
    slot = datetime.fromtimestamp((int(clock.now().timestamp()) // 60 + 1) * 60, UTC)
    red_soon = make_order(session, "picking", ship_by=slot - timedelta(seconds=2))
    yellow_soon = make_order(session, "paid", ship_by=slot + timedelta(minutes=120) - timedelta(seconds=1))
    make_order(session, "printed", ship_by=slot + timedelta(hours=10))
    lead.get_received(), sh.get_received()
    events = tier.ticker.tick(slot, session=session)
    assert [e.name for e in events].count("threshold_crossed") == 1  # HZ01 only: SH01 has nothing crossing
    received = {m["name"]: m["args"][0] for m in lead.get_received()}
    crossed = {c["order_number"]: c for c in received["threshold_crossed"]["crossings"]}
    assert (
        crossed[red_soon.order_number]["to"] == "red" and crossed[red_soon.order_number]["from"] == "yellow"
    )
    assert crossed[yellow_soon.order_number]["to"] == "yellow"
    snap = received["countdown_snapshot"]
    assert snap["v"] == 1 and snap["warehouse"] == "HZ01" and snap["totals"]["total"] >= 3
    assert "threshold_crossed" not in names(sh)
    # The next tick of the same snapshot interval sends no second snapshot.
    assert [e.name for e in tier.ticker.tick(slot + timedelta(seconds=5), session=session)] == []


def test_in_process_jobs_emit_through_the_embedded_server(
    socketio: SocketIO, app: Flask, session: Session, settings: Any
) -> None:
    from server.realtime.publisher import emit_only_publisher

    lead = connect(socketio, app, token=user_token(session, "lead.hz"))
    lead.get_received()
    # What workers.context builds for a job when there is no Redis: it reaches this process's clients.
    emit_only_publisher(settings).publish(
        [DomainEvent("alert_raised", {"alert": {"id": 7}}, warehouse="HZ01")]
    )
    assert names(lead) == ["alert_raised"]
