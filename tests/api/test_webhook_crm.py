"""POST /api/v1/webhooks/crm/address-changed through the Flask test client, with every test vector of the
external-systems reference §6 (A–H, B2), the audit trail, dedupe after verification, and what the
address change does to the order (new version, hold past picking, alert for lead screen and station)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server import clock
from server.alerts.models import Alert
from server.app import create_app
from server.integrations.signing import webhook_sign, webhook_signature_header
from server.integrations.webhook_models import WebhookAudit, WebhookDelivery
from server.orders.models import AddressVersion, Hold, Order
from server.runtime import Runtime
from tests.integration.alerts.conftest import open_pack
from tests.support import make_order

URL = "/api/v1/webhooks/crm/address-changed"
T = 1717207200
CURRENT, PREVIOUS = "whsec_packline_test_1", "whsec_packline_test_0"
B1 = (
    b'{"id":"dlv_0001","type":"order.address_changed","platform":"taobao","shop":"tmall-01",'
    b'"platform_order_id":"4012345678901234567","address":{"name":"Zhang San","mobile":"13800001111",'
    b'"province":"Zhejiang","city":"Hangzhou","district":"Xihu","detail":"100 Wensan Rd"}}'
)
B2 = (
    '{"id":"dlv_0002","type":"order.address_changed","platform":"pdd","shop":"pdd-01",'
    '"platform_order_id":"240601-123456789012345","address":{"name":"王五","mobile":"13712345678",'
    '"province":"广东省","city":"深圳市","district":"南山区","detail":"科技园南区 8 栋"}}'
).encode()
MAC_A = "32117e4afe1657ba3d36d28143517d469978af8a15c558688ec61a91b9eab5f0"
MAC_B = "f0b067e238c8f79e35724010a4f05ebe3f56610e4fb39be6e18c2a80f506fca8"
MAC_B2 = "a5aa727e9e9ffa4a22903432363fea8c38a3d4d4c4832519d59dd938c6309f51"
DIGEST_JOB = "workers.jobs.alerts.send_robot_digest"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Pin Packline's clock to a unix second (the vectors are signed at t=1717207200)."""

    def pin(unix: int) -> None:
        monkeypatch.setattr(clock, "now", lambda: datetime.fromtimestamp(unix, UTC))

    pin(T)
    return pin


@pytest.fixture
def hook(runtime: Runtime) -> Callable[..., FlaskClient]:
    """A test client of an app holding `secrets` (newest first), like PACKLINE_WEBHOOK_SECRETS."""

    def make(*secrets: str) -> FlaskClient:
        runtime.settings = runtime.settings.with_(webhook_secrets=secrets or (CURRENT, PREVIOUS))
        return create_app(runtime=runtime).test_client()

    return make


@pytest.fixture
def tmall_order(session: Session) -> Order:
    """The order B1 is about: a Tmall order (shop tmall-01) that the CRM calls platform "taobao"."""
    return make_order(session, "paid", source="tmall", shop_code="tmall-01", external_id="4012345678901234567")


@pytest.fixture
def pdd_order(session: Session) -> Order:
    return make_order(session, "paid", source="pdd", shop_code="pdd-01", external_id="240601-123456789012345",
                      warehouse_code="SH01")


def post(client: FlaskClient, body: bytes, signature: str | None, delivery_id: str | None = None, **headers: str):  # type: ignore[no-untyped-def]
    sent = {"Content-Type": "application/json", "X-Packline-Event": "order.address_changed", **headers}
    if signature is not None:
        sent["X-Packline-Signature"] = signature
    if delivery_id is not None:
        sent["X-Packline-Delivery-Id"] = delivery_id
    return client.post(URL, data=body, headers=sent, environ_base={"REMOTE_ADDR": "10.1.2.3"})


def audits(session: Session) -> list[WebhookAudit]:
    return list(session.scalars(select(WebhookAudit).order_by(WebhookAudit.id)))


def versions(session: Session, order: Order) -> list[AddressVersion]:
    return list(session.scalars(select(AddressVersion).where(AddressVersion.order_id == order.id).order_by(AddressVersion.version)))


def digest_jobs(runtime: Runtime) -> list[Any]:
    return [job for job in runtime.jobs.jobs if job[0] == DIGEST_JOB]  # type: ignore[attr-defined]


# --- §6 vectors ---------------------------------------------------------------------------------------

def test_a_current_secret_is_accepted(hook, at, session, tmall_order, runtime) -> None:  # type: ignore[no-untyped-def]
    response = post(hook(), B1, f"t={T},v1={MAC_A}", "dlv_0001")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "accepted" and response.json["order_number"] == tmall_order.order_number
    assert response.json["address_version"] == 2 and response.json["held"] is False
    current = versions(session, tmall_order)[-1]
    assert (current.name, current.phone, current.detail, current.source_system) == (
        "Zhang San", "13800001111", "100 Wensan Rd", "crm",
    )
    [audit] = audits(session)
    assert (audit.outcome, audit.http_status, audit.delivery_id, audit.remote_addr) == ("accepted", 200, "dlv_0001", "10.1.2.3")
    assert [(job[1], job[2]) for job in digest_jobs(runtime)] == [(("HZ01",), "alerts")]


def test_b_previous_secret_is_accepted(hook, at, tmall_order) -> None:  # type: ignore[no-untyped-def]
    assert post(hook(), B1, f"t={T},v1={MAC_B}", "dlv_0001").json["status"] == "accepted"


def test_c_rotation_header_accepted_by_a_receiver_holding_only_the_previous_secret(hook, at, tmall_order) -> None:  # type: ignore[no-untyped-def]
    header = webhook_signature_header([CURRENT, PREVIOUS], T, B1)
    assert header == f"t={T},v1={MAC_A},v1={MAC_B}"
    assert post(hook(PREVIOUS), B1, header, "dlv_0001").json["status"] == "accepted"


def test_d_tampered_body_is_refused_and_audited(hook, at, session, tmall_order) -> None:  # type: ignore[no-untyped-def]
    tampered = B1.replace(b"100 Wensan Rd", b"101 Wensan Rd")
    assert webhook_sign(CURRENT.encode(), T, tampered) == "0ba74b7295fa6440df0a6e2f9e179b7a8cae36e7a9704dcf3c42026ab6208929"
    response = post(hook(), tampered, f"t={T},v1={MAC_A}", "dlv_0001")
    assert response.status_code == 401
    assert response.json["code"] == "WEBHOOK_SIGNATURE_MISMATCH" and response.json["details"]["reason"] == "signature_mismatch"
    [audit] = audits(session)
    assert (audit.outcome, audit.http_status, audit.delivery_id, audit.remote_addr) == (
        "signature_mismatch", 401, "dlv_0001", "10.1.2.3",
    )
    assert len(versions(session, tmall_order)) == 1


@pytest.mark.parametrize(("offset", "status"), [(300, 200), (301, 401), (-301, 401)])
def test_e_tolerance(hook, at, session, tmall_order, offset, status) -> None:  # type: ignore[no-untyped-def]
    at(T + offset)
    response = post(hook(), B1, f"t={T},v1={MAC_A}", "dlv_0001")
    assert response.status_code == status
    if status == 401:
        assert response.json["code"] == "WEBHOOK_SIGNATURE_STALE" and response.json["details"]["reason"] == "stale"
        assert [a.outcome for a in audits(session)] == ["stale"]


@pytest.mark.parametrize("header", [f"v1={MAC_A}", None, "", f"t={T}", f"t={T},t={T},v1={MAC_A}", "garbage"])
def test_f_malformed_header_is_400(hook, at, session, tmall_order, header) -> None:  # type: ignore[no-untyped-def]
    response = post(hook(), B1, header, "dlv_0001")
    assert response.status_code == 400 and response.json["code"] == "WEBHOOK_SIGNATURE_MALFORMED"
    assert [a.outcome for a in audits(session)] == ["malformed"]


def test_g_reserialised_json_does_not_verify(hook, at, tmall_order) -> None:  # type: ignore[no-untyped-def]
    redumped = json.dumps(json.loads(B1)).encode()
    assert len(redumped) == 287
    assert post(hook(), redumped, f"t={T},v1={MAC_A}", "dlv_0001").status_code == 401


def test_h_second_delivery_is_a_duplicate_with_no_job(hook, at, session, tmall_order, runtime, publisher) -> None:  # type: ignore[no-untyped-def]
    client = hook()
    first = post(client, B1, f"t={T},v1={MAC_A}", "dlv_0001")
    jobs_after_first = len(runtime.jobs.jobs)
    events_after_first = len(publisher.events)
    second = post(client, B1, f"t={T},v1={MAC_A}", "dlv_0001")
    assert first.status_code == second.status_code == 200
    assert first.json["status"] == "accepted" and second.json == {"status": "duplicate", "delivery_id": "dlv_0001"}
    assert len(digest_jobs(runtime)) == 1 and len(runtime.jobs.jobs) == jobs_after_first
    assert len(publisher.events) == events_after_first
    assert len(versions(session, tmall_order)) == 2
    assert [a.outcome for a in audits(session)] == ["accepted", "duplicate"]


def test_b2_utf8_body_mac_is_over_bytes(hook, at, session, pdd_order, runtime) -> None:  # type: ignore[no-untyped-def]
    assert len(B2) == 275 and len(B2.decode()) == 241
    response = post(hook(), B2, f"t={T},v1={MAC_B2}", "dlv_0002")
    assert response.status_code == 200 and response.json["status"] == "accepted"
    current = versions(session, pdd_order)[-1]
    assert (current.name, current.province, current.detail) == ("王五", "广东省", "科技园南区 8 栋")
    assert [job[1] for job in digest_jobs(runtime)] == [("SH01",)]


# --- beyond the vectors -------------------------------------------------------------------------------

def _signed(body: dict[str, Any], t: int = T, secret: str = CURRENT) -> tuple[bytes, str]:
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return raw, webhook_signature_header([secret], t, raw)


def _body(delivery_id: str, order: Order, detail: str = "文三路 200 号", **extra: Any) -> dict[str, Any]:
    return {
        "id": delivery_id, "type": "order.address_changed", "platform": order.source, "shop": order.shop.code,
        "platform_order_id": order.external_id,
        "address": {"name": "张三", "mobile": "13800001111", "province": "浙江省", "city": "杭州市",
                    "district": "西湖区", "detail": detail},
        **extra,
    }


def test_non_json_body_with_a_valid_mac_is_400(hook, at, session) -> None:  # type: ignore[no-untyped-def]
    raw = b"id=dlv_x&not-json"
    response = post(hook(), raw, webhook_signature_header([CURRENT], T, raw), "dlv_x")
    assert response.status_code == 400 and response.json["code"] == "WEBHOOK_PAYLOAD_INVALID"
    assert [a.outcome for a in audits(session)] == ["invalid_payload"]
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_oversized_body_is_refused_before_anything_else(hook, at, session) -> None:  # type: ignore[no-untyped-def]
    raw = b'{"id":"dlv_big","pad":"' + b"x" * 70_000 + b'"}'
    response = post(hook(), raw, webhook_signature_header([CURRENT], T, raw), "dlv_big")
    assert response.status_code == 413 and response.json["code"] == "WEBHOOK_TOO_LARGE"
    assert [(a.outcome, a.http_status) for a in audits(session)] == [("too_large", 413)]


def test_unknown_order_is_404_and_a_retry_after_the_order_arrives_is_processed(hook, at, session) -> None:  # type: ignore[no-untyped-def]
    client = hook()
    body = {
        "id": "dlv_early", "type": "order.address_changed", "platform": "jd", "shop": "jd-01",
        "platform_order_id": "290000000123",
        "address": {"name": "李四", "mobile": "13900000000", "detail": "望京街 9 号"},
    }
    raw, header = _signed(body)
    response = post(client, raw, header, "dlv_early")
    assert response.status_code == 404 and response.json["code"] == "UNKNOWN_ORDER"
    assert "jd:290000000123" in response.json["message"]
    make_order(session, "paid", source="jd", shop_code="jd-01", external_id="290000000123")
    retry = post(client, raw, header, "dlv_early")
    assert retry.status_code == 200 and retry.json["status"] == "accepted"
    assert [a.outcome for a in audits(session)] == ["unknown_order", "accepted"]


def test_order_can_be_named_by_order_number(hook, at, session) -> None:  # type: ignore[no-untyped-def]
    order = make_order(session, "picking")
    body = _body("dlv_num", order)
    del body["platform_order_id"], body["platform"], body["shop"]
    raw, header = _signed({**body, "order_number": order.order_number})
    assert post(hook(), raw, header, "dlv_num").json["order_number"] == order.order_number


def test_change_after_printing_holds_the_order_and_alerts_lead_and_station(hook, at, session, publisher) -> None:  # type: ignore[no-untyped-def]
    order = make_order(session, "printed")
    open_pack(session, order, "PK02")
    raw, header = _signed(_body("dlv_held", order))
    response = post(hook(), raw, header, "dlv_held")
    assert response.json["held"] is True
    assert [h.kind for h in session.scalars(select(Hold).where(Hold.order_id == order.id, Hold.released_at.is_(None)))] == [
        "address_changed"
    ]
    alert = session.get(Alert, response.json["alert_id"])
    assert (alert.kind, alert.severity, alert.station, alert.warehouse_code) == ("address_changed", "critical", "PK02", "HZ01")
    raised = [e for e in publisher.events if e.name == "alert_raised"]
    assert [(e.warehouse, e.station) for e in raised] == [("HZ01", None), ("HZ01", "PK02")]
    payload = raised[0].payload["alert"]
    assert payload["message"] == f"订单【{order.order_number}】打单后收货地址已更新,订单已拦截,请作废旧面单并重新打印"
    assert payload["message_en"].startswith(f"Order {order.order_number}: the address changed after printing")
    assert "order_updated" in [e.name for e in publisher.events]


def test_picking_order_gets_the_pick_list_message(hook, at, session, runtime) -> None:  # type: ignore[no-untyped-def]
    order = make_order(session, "picking")
    raw, header = _signed(_body("dlv_pick", order))
    alert = session.get(Alert, post(hook(), raw, header, "dlv_pick").json["alert_id"])
    assert alert.message == f"订单【{order.order_number}】收货地址已更新,请确认拣货单"
    assert alert.severity == "warning" and alert.station is None


def test_same_address_again_changes_nothing_and_a_newer_one_supersedes_the_alert(hook, at, session) -> None:  # type: ignore[no-untyped-def]
    order = make_order(session, "picking")
    client = hook()
    first = post(client, *_signed(_body("dlv_1", order, "文三路 1 号")), "dlv_1").json
    same = post(client, *_signed(_body("dlv_2", order, "文三路1号")), "dlv_2").json  # spacing only
    newer = post(client, *_signed(_body("dlv_3", order, "文三路 3 号")), "dlv_3").json
    assert (first["status"], same["status"], newer["status"]) == ("accepted", "unchanged", "accepted")
    assert same["alert_id"] is None and newer["address_version"] == 3
    assert session.get(Alert, first["alert_id"]).resolve_reason == "superseded by address v3"
    assert session.get(Alert, newer["alert_id"]).resolved_at is None


def test_delivery_id_header_must_match_the_signed_body(hook, at, tmall_order) -> None:  # type: ignore[no-untyped-def]
    response = post(hook(), B1, f"t={T},v1={MAC_A}", "dlv_other")
    assert response.status_code == 400 and response.json["code"] == "WEBHOOK_PAYLOAD_INVALID"


def test_without_configured_secrets_the_sender_is_told_to_retry(runtime, at, session) -> None:  # type: ignore[no-untyped-def]
    runtime.settings = runtime.settings.with_(webhook_secrets=())
    response = post(create_app(runtime=runtime).test_client(), B1, f"t={T},v1={MAC_A}", "dlv_0001")
    assert response.status_code == 503 and response.json["code"] == "WEBHOOK_NOT_CONFIGURED"


def test_secrets_and_signatures_never_reach_audit_or_logs(hook, at, session, tmall_order, caplog) -> None:  # type: ignore[no-untyped-def]
    client = hook()
    with caplog.at_level(logging.DEBUG):
        post(client, B1.replace(b"100", b"999"), f"t={T},v1={MAC_A}", "dlv_0001")
        post(client, B1, f"t={T + 9999},v1={MAC_A}", "dlv_0001")
        post(client, B1, f"t={T},v1={MAC_A}", "dlv_0001")
    stored = " ".join(f"{a.outcome} {a.detail} {a.delivery_id}" for a in audits(session))
    for secret in (CURRENT, PREVIOUS, MAC_A):
        assert secret not in caplog.text and secret not in stored


def test_documented_without_bearer_auth(app) -> None:  # type: ignore[no-untyped-def]
    spec = app.test_client().get("/api/openapi.json").json
    operation = spec["paths"][URL]["post"]
    assert operation.get("security") == []
    assert {"400", "401", "404", "413", "503"} <= set(operation["responses"])
    assert "X-Packline-Signature" in {p["name"] for p in operation["parameters"]}
