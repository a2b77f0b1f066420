"""/api/v1/alerts: filters, warehouse scope, localized texts, acknowledge/resolve with roles and events."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server import clock
from server.alerts.services import acknowledge_alert, raise_alert, resolve_alert
from server.ports import RecordingPublisher
from tests.support import auth, make_order, user_token

URL = "/api/v1/alerts"


def _raise(session: Session, key: str, warehouse: str | None, kind: str = "pack_exception", order_id: int | None = None):  # type: ignore[no-untyped-def]
    return raise_alert(
        session, kind=kind, severity="warning", warehouse_code=warehouse, order_id=order_id, dedupe_key=key,
        params={"order_number": "DAB2026021700001", "station": "PK01", "reason": "少件", "system": "taobao",
                "error": "timeout"},
        now=clock.now(),
    ).alert


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_list_is_scoped_to_the_callers_warehouse_plus_global_alerts(client: FlaskClient, session: Session) -> None:
    hz = _raise(session, "hz", "HZ01")
    sh = _raise(session, "sh", "SH01")
    glob = _raise(session, "global", None, kind="sync_failing")
    assert _ids(client.get(URL, headers=auth(user_token(session, "lead.hz")))) == [glob.id, hz.id]
    assert _ids(client.get(URL, headers=auth(user_token(session, "packer.sh1")))) == [glob.id, sh.id]
    assert _ids(client.get(URL, headers=auth(user_token(session, "cs")))) == [glob.id, sh.id, hz.id]
    assert _ids(client.get(f"{URL}?warehouse=HZ01", headers=auth(user_token(session, "admin")))) == [hz.id]
    assert _ids(client.get(f"{URL}?warehouse=SH01", headers=auth(user_token(session, "lead.hz")))) == []


def test_status_and_kind_filters_and_paging(client: FlaskClient, session: Session) -> None:
    admin = auth(user_token(session, "admin"))
    opened = _raise(session, "o", "HZ01")
    acked = _raise(session, "a", "HZ01")
    done = _raise(session, "r", "HZ01", kind="sync_failing")
    acknowledge_alert(session, acked.id, actor="user:lead.hz", now=clock.now())
    resolve_alert(session, done.id, actor="user:admin", now=clock.now())
    assert _ids(client.get(URL, headers=admin)) == [acked.id, opened.id]  # default: not resolved
    assert _ids(client.get(f"{URL}?status=open", headers=admin)) == [opened.id]
    assert _ids(client.get(f"{URL}?status=acknowledged", headers=admin)) == [acked.id]
    assert _ids(client.get(f"{URL}?status=resolved&status=open", headers=admin)) == [done.id, opened.id]
    assert _ids(client.get(f"{URL}?status=resolved&kind=pack_exception", headers=admin)) == []
    first = client.get(f"{URL}?status=open&status=acknowledged&status=resolved&limit=2", headers=admin).json
    assert [i["id"] for i in first["items"]] == [done.id, acked.id]
    rest = client.get(f"{URL}?status=open&status=acknowledged&status=resolved&limit=2&cursor={first['next_cursor']}",
                      headers=admin).json
    assert [i["id"] for i in rest["items"]] == [opened.id] and rest["next_cursor"] is None
    assert client.get(f"{URL}?status=gone", headers=admin).status_code == 422


def test_texts_follow_accept_language(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "picking")
    _raise(session, "order", None, kind="address_changed", order_id=order.id)
    zh = client.get(URL, headers=auth(user_token(session, "lead.hz"))).json["items"][0]
    en = client.get(URL, headers=auth(user_token(session, "lead.hz"), "en")).json["items"][0]
    assert zh["message"] == f"订单【{order.order_number}】收货地址已更新,请确认拣货单" and zh["title"] == "收货地址变更"
    assert en["message"] == f"Order {order.order_number}: the delivery address was updated, check the pick list"
    assert zh["warehouse"] == "HZ01" and zh["order_number"] == order.order_number and zh["status"] == "open"


def test_acknowledge_roles_scope_and_event(client: FlaskClient, session: Session, publisher: RecordingPublisher) -> None:
    alert = _raise(session, "ack", "HZ01")
    path = f"{URL}/{alert.id}/acknowledge"
    assert client.post(path, headers=auth(user_token(session, "packer.hz1"))).status_code == 403
    assert client.post(path, headers=auth(user_token(session, "lead.sh"))).status_code == 403  # other warehouse
    response = client.post(path, headers=auth(user_token(session, "lead.hz")))
    assert response.status_code == 200
    assert response.json["status"] == "acknowledged" and response.json["acknowledged_by"] == "user:lead.hz"
    [event] = [e for e in publisher.events if e.name == "alert_acknowledged"]
    assert event.warehouse == "HZ01" and event.payload["alert_id"] == alert.id and event.payload["by"] == "user:lead.hz"
    again = client.post(path, headers=auth(user_token(session, "cs")))
    assert again.status_code == 200 and again.json["acknowledged_by"] == "user:lead.hz"
    assert len([e for e in publisher.events if e.name == "alert_acknowledged"]) == 1
    missing = client.post(f"{URL}/99999999/acknowledge", headers=auth(user_token(session, "cs"), "en"))
    assert missing.status_code == 404 and missing.json["message"] == "Alert 99999999 not found"


def test_resolve_by_lead_or_admin(client: FlaskClient, session: Session) -> None:
    alert = _raise(session, "res", "HZ01")
    path = f"{URL}/{alert.id}/resolve"
    assert client.post(path, json={}, headers=auth(user_token(session, "cs"))).status_code == 403
    done = client.post(path, json={"reason": "面单已重打"}, headers=auth(user_token(session, "lead.hz")))
    assert done.status_code == 200 and done.json["status"] == "resolved" and done.json["resolve_reason"] == "面单已重打"


def test_requires_a_token(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 401
