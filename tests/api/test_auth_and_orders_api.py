"""The order hub over HTTP: login, roles, warehouse scope, ingest, listing, transitions, holds, errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server import clock
from tests.pda_devices import on_pda, register_pda
from tests.support import DEMO_BADGES, DEMO_PASSWORDS, GIFT_PROMOTION, auth, make_order, user_token


def _ingest_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "tmall",
        "external_id": "TM-API-0001",
        "shop": "tmall-01",
        "warehouse": "HZ01",
        "customer_name": "李四",
        "customer_phone": "13900001111",
        "status": "paid",
        "paid_at": (clock.now() - timedelta(hours=2)).isoformat(),
        "paid_amount": "259.00",
        "promotions": [GIFT_PROMOTION],
        "address": {
            "name": "李四",
            "phone": "13900001111",
            "province": "浙江省",
            "city": "杭州市",
            "detail": "学院路1号",
        },
        "lines": [{"sku": "SKU-1003-GRY-L", "name": "加绒连帽卫衣 灰色 L", "qty": 1}],
    }
    body.update(overrides)
    return body


def test_password_login_returns_a_token_that_works(client: FlaskClient) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "lead.hz", "password": DEMO_PASSWORDS["lead.hz"]})
    assert r.status_code == 200
    token = r.json["token"]
    me = client.get("/api/v1/auth/me", headers=auth(token))
    assert me.json == {
        "name": "lead.hz",
        "role": "lead",
        "kind": "user",
        "warehouse": "HZ01",
        "device_id": None,
    }


def test_badge_login_on_a_registered_pda(client: FlaskClient, session: Session) -> None:
    pda = register_pda(session, "PDA-7", "HZ01")
    session.commit()
    r = client.post("/api/v1/auth/login", json={"badge": DEMO_BADGES["packer.hz1"]}, headers=on_pda(pda))
    assert r.status_code == 200 and r.json["user"]["role"] == "packer" and r.json["user"]["device_id"] == "PDA-7"


@pytest.mark.parametrize(
    ("locale", "text"), [("en", "Wrong username or password"), ("zh-CN", "用户名或密码错误")]
)
def test_wrong_password_is_401_with_localized_message(client: FlaskClient, locale: str, text: str) -> None:
    r = client.post(
        "/api/v1/auth/login",
        json={"username": "lead.hz", "password": "nope"},
        headers={"Accept-Language": locale},
    )
    assert r.status_code == 401
    assert r.json == {"code": "BAD_CREDENTIALS", "message": text, "details": {}}


def test_logout_revokes_the_token(client: FlaskClient, session: Session) -> None:
    token = user_token(session, "cs")
    assert client.post("/api/v1/auth/logout", headers=auth(token)).status_code == 204
    r = client.get("/api/v1/auth/me", headers=auth(token))
    assert r.status_code == 401 and r.json["code"] == "TOKEN_INVALID"


def test_no_token_is_401_everywhere(client: FlaskClient) -> None:
    for path in ("/api/v1/orders", "/api/v1/orders/X", "/api/v1/auth/me"):
        r = client.get(path)
        assert r.status_code == 401 and r.json["code"] == "UNAUTHORIZED"


def test_ingest_is_idempotent_and_binds_the_gift(client: FlaskClient, session: Session) -> None:
    token = user_token(session, "admin")
    first = client.post("/api/v1/orders", json=_ingest_body(), headers=auth(token))
    second = client.post("/api/v1/orders", json=_ingest_body(), headers=auth(token))
    assert first.status_code == second.status_code == 200
    assert (
        first.json["created"] is True and second.json["created"] is False and second.json["changed"] is False
    )
    order = first.json["order"]
    assert order["gift"]["gift_number"] == order["order_number"] + "GIFT"
    assert order["gift"]["status"] == "pending"
    assert second.json["order"]["order_number"] == order["order_number"]


def test_ingest_validation_lists_the_bad_fields(client: FlaskClient, session: Session) -> None:
    token = user_token(session, "admin")
    r = client.post(
        "/api/v1/orders", json=_ingest_body(lines=[], status="shipping"), headers=auth(token, "en")
    )
    assert r.status_code == 422
    assert r.json["code"] == "INVALID_INPUT"
    assert set(r.json["details"]["fields"]) == {"lines", "status"}
    assert r.json["message"].startswith("Invalid input")


@pytest.mark.parametrize(
    ("user", "status"), [("packer.hz1", 403), ("lead.hz", 403), ("cs", 403), ("admin", 200)]
)
def test_only_admin_and_integrations_ingest(
    client: FlaskClient, session: Session, user: str, status: int
) -> None:
    r = client.post("/api/v1/orders", json=_ingest_body(), headers=auth(user_token(session, user)))
    assert r.status_code == status


def test_get_order_shows_lines_gift_address_holds_trail(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed", promotions=(GIFT_PROMOTION,), paid_amount=259)
    r = client.get(f"/api/v1/orders/{order.order_number}", headers=auth(user_token(session, "lead.hz")))
    assert r.status_code == 200
    body = r.json
    assert body["status"] == "printed" and body["gift"]["status"] == "pending"
    assert [line["sku"] for line in body["lines"]] == ["SKU-1001-BLK-M", "SKU-4001"]
    assert body["address"]["city"] == "杭州市"
    assert [(t["from_status"], t["to_status"]) for t in body["trail"] if t["subject"] == "order"][-1] == (
        "picking",
        "printed",
    )


def test_packers_and_leads_see_only_their_warehouse(client: FlaskClient, session: Session) -> None:
    sh_order = make_order(session, "printed", warehouse_code="SH01")
    make_order(session, "printed", warehouse_code="HZ01")
    for user in ("packer.hz1", "lead.hz"):
        r = client.get(f"/api/v1/orders/{sh_order.order_number}", headers=auth(user_token(session, user)))
        assert r.status_code == 403 and r.json["code"] == "WRONG_WAREHOUSE"
    assert (
        client.get(
            f"/api/v1/orders/{sh_order.order_number}", headers=auth(user_token(session, "lead.sh"))
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/v1/orders/{sh_order.order_number}", headers=auth(user_token(session, "cs"))
        ).status_code
        == 200
    )
    listed = client.get("/api/v1/orders?limit=500", headers=auth(user_token(session, "lead.hz"))).json[
        "items"
    ]
    assert listed and {o["warehouse"] for o in listed} == {"HZ01"}


def test_list_filters_and_keyset_pages(client: FlaskClient, session: Session) -> None:
    made = [make_order(session, "printed", source="jd", shop_code="jd-01") for _ in range(5)]
    token = user_token(session, "admin")
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        url = "/api/v1/orders?channel=jd&status=printed&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=auth(token)).json
        seen += [o["order_number"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(o.order_number for o in made)
    assert len(seen) == len(set(seen))


def test_bad_cursor_is_a_clear_400(client: FlaskClient, session: Session) -> None:
    r = client.get("/api/v1/orders?cursor=garbage", headers=auth(user_token(session, "admin")))
    assert r.status_code == 400 and r.json["details"]["field"] == "cursor"


def test_transition_and_holds_over_http(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed")
    lead = auth(user_token(session, "lead.hz"), "en")
    hold = client.post(
        f"/api/v1/orders/{order.order_number}/holds",
        json={"kind": "manual", "reason": "check stock"},
        headers=lead,
    )
    assert hold.status_code == 201
    blocked = client.post(
        f"/api/v1/orders/{order.order_number}/transitions", json={"to": "packed"}, headers=lead
    )
    assert blocked.status_code == 422 and blocked.json["code"] == "ORDER_ON_HOLD"
    assert "manual hold" in blocked.json["message"]
    released = client.post(
        f"/api/v1/orders/{order.order_number}/holds/{hold.json['id']}/release",
        json={"reason": "ok"},
        headers=lead,
    )
    assert released.status_code == 200 and released.json["released_by"] == "user:lead.hz"
    moved = client.post(
        f"/api/v1/orders/{order.order_number}/transitions", json={"to": "packed"}, headers=lead
    )
    assert moved.status_code == 200 and moved.json["status"] == "packed"


def test_packer_cannot_force_transitions(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed")
    r = client.post(
        f"/api/v1/orders/{order.order_number}/transitions",
        json={"to": "packed"},
        headers=auth(user_token(session, "packer.hz1")),
    )
    assert r.status_code == 403 and r.json["code"] == "FORBIDDEN"


def test_unknown_order_is_404_json(client: FlaskClient, session: Session) -> None:
    r = client.get("/api/v1/orders/DAB000", headers=auth(user_token(session, "cs"), "en"))
    assert r.status_code == 404 and r.json["code"] == "NOT_FOUND" and "not found" in r.json["message"]


def test_publishes_order_updated_after_commit(client: FlaskClient, session: Session, publisher) -> None:  # type: ignore[no-untyped-def]
    order = make_order(session, "printed")
    client.post(
        f"/api/v1/orders/{order.order_number}/transitions",
        json={"to": "packed"},
        headers=auth(user_token(session, "lead.hz")),
    )
    assert publisher.names() == ["order_updated"]
    assert publisher.events[0].payload["order"]["status"] == "packed"
    assert publisher.events[0].envelope()["v"] == 1


def test_failed_transition_publishes_nothing(client: FlaskClient, session: Session, publisher) -> None:  # type: ignore[no-untyped-def]
    order = make_order(session, "paid")
    client.post(
        f"/api/v1/orders/{order.order_number}/transitions",
        json={"to": "packed"},
        headers=auth(user_token(session, "lead.hz")),
    )
    assert publisher.events == []


def test_openapi_documents_the_error_shape_and_auth(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    assert spec["components"]["schemas"]["Error"]["properties"].keys() >= {"code", "message", "details"}
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert "401" in spec["paths"]["/api/v1/orders"]["get"]["responses"]
    assert client.get("/api/docs").status_code == 200
