"""What leaves in the logs never holds a password, a token or a full mobile number."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server.config import Settings
from server.integrations.signing import webhook_signature_header
from server.observability import JsonFormatter
from tests.support import DEMO_PASSWORDS, auth, make_order, user_token

SECRET = "log-hygiene-secret-0123456789"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(
        database_url=str(engine.url.render_as_string(hide_password=False)),
        login_rate_limit_per_minute=1000,
        webhook_secrets=(SECRET,),
    )


def test_login_webhook_and_orders_leave_no_secrets_in_logs(
    client: FlaskClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    order = make_order(
        session, "paid", source="tmall", shop_code="tmall-01", external_id="4012345678901234567"
    )
    packer = user_token(session, "packer.hz1")
    session.commit()
    caplog.set_level(logging.DEBUG)
    password = DEMO_PASSWORDS["lead.hz"]
    ok = client.post("/api/v1/auth/login", json={"username": "lead.hz", "password": password})
    token = ok.get_json()["token"]
    client.post("/api/v1/auth/login", json={"username": "lead.hz", "password": "Wrong-Secret-99"})
    body = {
        "id": "dlv_log_1",
        "type": "order.address_changed",
        "platform": "taobao",
        "shop": "tmall-01",
        "platform_order_id": order.external_id,
        "address": {
            "name": "张三",
            "mobile": "13912345678",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "detail": "文三路 9 号",
        },
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    signature = webhook_signature_header([SECRET], int(time.time()), raw)
    hook = client.post(
        "/api/v1/webhooks/crm/address-changed",
        data=raw,
        content_type="application/json",
        headers={"X-Packline-Signature": signature},
    )
    assert hook.status_code == 200, hook.get_json()
    client.post(
        "/api/v1/webhooks/crm/address-changed",
        data=raw,
        content_type="application/json",
        headers={"X-Packline-Signature": "t=1,v1=00"},
    )
    client.get(f"/api/v1/orders/{order.order_number}", headers=auth(token))
    client.post(
        "/api/v1/pack/scan", json={"station": "PK01", "code": order.order_number}, headers=auth(packer)
    )
    client.get("/api/v1/auth/me", headers={"Authorization": "Bearer pl_not_a_real_token"})

    lines = [JsonFormatter().format(record) for record in caplog.records]
    text = "\n".join(lines)
    assert lines, "expected the flow to log something"
    assert not MOBILE.search(text), [line for line in lines if MOBILE.search(line)]
    for secret in (password, "Wrong-Secret-99", token, packer, "pl_not_a_real_token", SECRET, signature):
        assert secret not in text
