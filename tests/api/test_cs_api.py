"""/api/v1/cs over HTTP: lookup by every key, roles and masking, the chat reply, coupons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.cs.models import CsLookup
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, auth, make_order, user_token


@pytest.fixture
def cs(session: Session) -> str:
    return user_token(session, "cs")


def _lookup(client: FlaskClient, token: str, q: str, locale: str | None = None, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/cs/lookup", json={"q": q, **extra}, headers=auth(token, locale))


def test_lookup_by_every_key(client: FlaskClient, session: Session, cs: str) -> None:
    order = make_order(
        session, "printed", promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT, external_id="TM-77001",
        customer_name="诸葛亮", customer_phone="13912340099",
    )  # fmt: skip
    keys = {
        "order": order.order_number,
        "gift": order.gift.gift_number,  # type: ignore[union-attr]
        "tracking": order.tracking_number,
        "external_id": "TM-77001",
        "phone_name": "0099 诸葛亮",
    }
    for kind, q in keys.items():
        r = _lookup(client, cs, q)  # type: ignore[arg-type]
        assert r.status_code == 200, r.json
        assert r.json["found"] and r.json["kind"] == kind, kind
        assert r.json["answer"]["order_number"] == order.order_number
        assert r.json["answer"]["gift_line"] == "赠品: 保温水杯 (待打包)"
        assert r.json["latency_ms"] >= 0
    recorded = session.scalars(select(CsLookup.key_kind).where(CsLookup.user == "user:cs")).all()
    assert sorted(recorded) == sorted(keys)


def test_answer_in_english(client: FlaskClient, session: Session, cs: str) -> None:
    order = make_order(session, "printed", promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
    answer = _lookup(client, cs, order.order_number, "en").json["answer"]
    assert answer["status_label"] == "printed" and answer["gift_line"] == "Gift: 保温水杯 (to be packed)"
    assert answer["tracking"]["courier_label"] == "ZTO Express"
    assert answer["trail"][0]["to_label"] == "printed"


def test_several_matches_come_as_a_list(client: FlaskClient, session: Session, cs: str) -> None:
    for _ in range(3):
        make_order(session, "paid", customer_name="黄月英", customer_phone="13800004321")
    body = _lookup(client, cs, "4321 黄月英").json
    assert body["answer"] is None and len(body["matches"]) == 3
    assert body["matches"][0]["customer_name"] == "黄**"


def test_not_found_is_a_normal_answer(client: FlaskClient, cs: str) -> None:
    r = _lookup(client, cs, "DAB1999010100001")
    assert r.status_code == 200 and r.json["found"] is False and r.json["answer"] is None


@pytest.mark.parametrize(("user", "masked"), [("cs", True), ("admin", False), ("lead.hz", False)])
def test_masking_per_role(client: FlaskClient, session: Session, user: str, masked: bool) -> None:
    order = make_order(session, "paid", customer_phone="13812345678")
    answer = _lookup(client, user_token(session, user), order.order_number).json["answer"]
    assert answer["address"]["masked"] is masked
    assert (answer["address"]["phone"] == "138****5678") is masked
    assert (answer["customer"]["phone"] == "138****5678") is masked
    assert ("文三路" in answer["address"]["text"] and "号" in answer["address"]["text"]) is not masked


def test_roles_and_warehouse_scope(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "paid", warehouse_code="HZ01")
    assert _lookup(client, user_token(session, "packer.hz1"), order.order_number).status_code == 403
    assert _lookup(client, user_token(session, "lead.sh"), order.order_number).json["found"] is False
    assert client.post("/api/v1/cs/lookup", json={"q": order.order_number}).status_code == 401


def test_invalid_input(client: FlaskClient, cs: str) -> None:
    assert _lookup(client, cs, "").status_code == 422
    assert _lookup(client, cs, "x", kind="nonsense").status_code == 422


def test_chat_reply_both_languages_and_unknown(client: FlaskClient, session: Session, cs: str) -> None:
    order = make_order(session, "printed", promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
    zh = client.post(
        "/api/v1/cs/chat-reply", json={"message": f"查订单 {order.order_number}"}, headers=auth(cs)
    )
    assert zh.status_code == 200 and zh.json["found"] and zh.json["locale"] == "zh-CN"
    assert zh.json["reply"].startswith(f"订单 {order.order_number}\n状态: 已打单")
    assert "赠品: 保温水杯 (待打包)" in zh.json["reply"]
    en = client.post(
        "/api/v1/cs/chat-reply", json={"message": f"order {order.order_number}"}, headers=auth(cs)
    )
    assert en.json["reply"].startswith(f"Order {order.order_number}\nStatus: printed")
    unknown = client.post(
        "/api/v1/cs/chat-reply", json={"message": "查订单 ＤＡＢ１９９９"}, headers=auth(cs)
    )
    assert unknown.status_code == 200 and unknown.json["found"] is False
    assert unknown.json["reply"] == "您好,未找到订单 DAB1999,请核对订单号后再试。"


def test_chat_reply_with_an_integration_token(client: FlaskClient, session: Session) -> None:
    admin = user_token(session, "admin")
    issued = client.post(
        "/api/v1/auth/tokens", json={"kind": "integration", "name": "wecom-bot"}, headers=auth(admin)
    ).json["token"]
    order = make_order(session, "pending_payment")
    r = client.post(
        "/api/v1/cs/chat-reply", json={"message": f"查订单 {order.order_number}"}, headers=auth(issued)
    )
    assert r.status_code == 200 and r.json["reply"].endswith("付款链接已私发,请查收")
    packer = user_token(session, "packer.hz1")
    assert (
        client.post("/api/v1/cs/chat-reply", json={"message": "x"}, headers=auth(packer)).status_code == 403
    )


def test_coupon_once_per_order(client: FlaskClient, session: Session, cs: str) -> None:
    order = make_order(session, "picking", paid_at=clock.now() - timedelta(hours=30))
    url = f"/api/v1/cs/orders/{order.order_number}/coupon"
    first = client.post(url, headers=auth(cs))
    assert first.status_code == 201 and first.json["created"] is True
    assert first.json["coupon"]["amount"] == "5.00" and first.json["coupon"]["rule"] == "late>=0h"
    assert first.json["coupon"]["issued_by"] == "user:cs"
    again = client.post(url, headers=auth(user_token(session, "admin")))
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["coupon"]["code"] == first.json["coupon"]["code"]
    answer = _lookup(client, cs, order.order_number).json["answer"]
    assert answer["coupon"]["code"] == first.json["coupon"]["code"] and answer["coupon_eligible"] is False


def test_coupon_for_a_punctual_order_is_refused(client: FlaskClient, session: Session, cs: str) -> None:
    order = make_order(session, "paid", paid_at=clock.now() - timedelta(hours=1))
    url = f"/api/v1/cs/orders/{order.order_number}/coupon"
    r = client.post(url, headers=auth(cs))
    assert r.status_code == 422 and r.json["code"] == "ORDER_NOT_LATE" and "未超时" in r.json["message"]
    en = client.post(url, headers=auth(cs, "en"))
    assert en.json["message"].startswith("The order is not late")


def test_coupon_scope_and_unknown_order(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "picking", paid_at=clock.now() - timedelta(hours=30), warehouse_code="HZ01")
    lead_sh = user_token(session, "lead.sh")
    assert (
        client.post(f"/api/v1/cs/orders/{order.order_number}/coupon", headers=auth(lead_sh)).status_code
        == 403
    )
    cs = user_token(session, "cs")
    assert client.post("/api/v1/cs/orders/DAB0000/coupon", headers=auth(cs)).status_code == 404


def test_amount_rules_come_from_settings(client: FlaskClient, session: Session, app) -> None:  # type: ignore[no-untyped-def]
    rt = app.extensions["packline"]
    rt.settings = rt.settings.with_(delay_coupon_rules=("0:8", "12:20"))
    order = make_order(session, "picking", paid_at=clock.now() - timedelta(hours=40))
    r = client.post(f"/api/v1/cs/orders/{order.order_number}/coupon", headers=auth(user_token(session, "cs")))
    assert r.json["coupon"]["amount"] == "20.00" and r.json["coupon"]["rule"] == "late>=12h"
