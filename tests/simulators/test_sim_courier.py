"""ZTO simulator: signed headers, waybill numbers and routing, duplicates, cancel, faults, trace pushes."""

import json
import time

import pytest
import requests

from server.integrations.signing import zto_data_digest
from simulators import courier


def order(partner_code, province="上海市", city="上海市", district="徐汇区"):
    return {
        "partnerType": "2",
        "orderType": "1",
        "partnerOrderCode": partner_code,
        "accountInfo": {"accountId": "test", "accountPassword": "pw", "type": 1},
        "senderInfo": {
            "senderName": "杭州一号仓",
            "senderMobile": "13800000000",
            "senderProvince": "浙江省",
            "senderCity": "杭州市",
            "senderDistrict": "余杭区",
            "senderAddress": "仓前路 88 号",
        },
        "receiveInfo": {
            "receiverName": "张三",
            "receiverMobile": "13800001111",
            "receiverProvince": province,
            "receiverCity": city,
            "receiverDistrict": district,
            "receiverAddress": "漕溪北路 88 弄",
        },
        "orderItems": [{"name": "纯棉T恤", "weight": 420, "quantity": 2}],
    }


def call(url, api, body, *, secret="ztosecret", app_key="ztokey", timeout=5):
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = {
        "x-appKey": app_key,
        "x-dataDigest": zto_data_digest(raw, secret),
        "Content-Type": "application/json",
    }
    return requests.post(f"{url}/{api}", data=raw, headers=headers, timeout=timeout)


def create(url, partner_code, **kwargs):
    return call(url, "zto.open.createOrder", order(partner_code, **kwargs))


@pytest.fixture
def sim(start_sim):
    return start_sim(courier.start)


def test_create_issues_deterministic_unique_bill_codes_with_routing(sim):
    first = create(sim.url, "PKG1").json()
    second = create(sim.url, "PKG2", province="浙江省", city="杭州市", district="西湖区").json()
    assert (first["status"], first["statusCode"]) == (True, "0000")
    codes = [first["result"]["billCode"], second["result"]["billCode"]]
    assert codes == ["73100000000001", "73100000000002"]
    assert all(len(code) == 14 and code.startswith("7310") for code in codes)
    assert first["result"]["bigMarkInfo"]["bagAddr"] == "沪西"
    assert second["result"]["bigMarkInfo"]["mark"].startswith("300- ")
    again = create(sim.url, "PKG3", province="浙江省", city="杭州市", district="西湖区").json()
    assert again["result"]["bigMarkInfo"] == second["result"]["bigMarkInfo"]


def test_first_serial_is_configurable(start_sim):
    sim = start_sim(courier.start, first_serial=5000)
    assert create(sim.url, "PKG1").json()["result"]["billCode"] == "73100000005000"


def test_duplicate_partner_order_code_returns_the_original_bill(sim):
    original = create(sim.url, "PKG1").json()["result"]["billCode"]
    assert create(sim.url, "PKG1").json()["result"]["billCode"] == original
    assert len(requests.get(f"{sim.url}/__sim/waybills").json()["waybills"]) == 1


def test_cancel_voids_and_a_new_request_gets_a_new_bill(sim):
    original = create(sim.url, "PKG1").json()["result"]["billCode"]
    cancelled = call(sim.url, "zto.open.cancelOrder", {"billCode": original, "cancelType": "1"}).json()
    assert cancelled["status"] is True
    waybills = requests.get(f"{sim.url}/__sim/waybills").json()["waybills"]
    assert waybills[0]["status"] == "voided" and waybills[0]["voided_at"]
    assert create(sim.url, "PKG1").json()["result"]["billCode"] != original
    unknown = call(sim.url, "zto.open.cancelOrder", {"billCode": "73109999999999"}).json()
    assert unknown["status"] is False


def test_signature_and_app_key_are_checked(sim):
    assert call(sim.url, "zto.open.createOrder", order("PKG1"), secret="x").json() == {
        "status": False,
        "statusCode": "S211",
        "message": "signature verification failed",
    }
    assert call(sim.url, "zto.open.createOrder", order("PKG1"), app_key="x").json()["statusCode"] == "S210"
    missing = call(sim.url, "zto.open.createOrder", {"receiveInfo": {}}).json()
    assert missing["statusCode"] == "S208"


def test_rate_limit_faults_are_byte_exact(sim):
    requests.post(
        f"{sim.url}/__sim/faults", json=[{"kind": "rate_limit"}, {"kind": "rate_limit", "code": "S221"}]
    )
    assert (
        create(sim.url, "PKG1").content.decode()
        == '{"status":false,"statusCode":"S206","message":"api qos limit"}'
    )
    assert (
        create(sim.url, "PKG1").content.decode()
        == '{"status":false,"statusCode":"S221","message":"api qps flow limit"}'
    )


def test_malformed_without_bill_code_and_bad_signature_fault(sim):
    requests.post(
        f"{sim.url}/__sim/faults",
        json=[
            {"op": "zto.open.createOrder", "kind": "malformed", "variant": "no_bill_code"},
            {"kind": "bad_signature"},
        ],
    )
    result = create(sim.url, "PKG1").json()["result"]
    assert "billCode" not in result and result["bigMarkInfo"]
    assert create(sim.url, "PKG2").json()["statusCode"] == "S211"


def test_timeout_after_issuing_then_the_retry_gets_the_same_bill(sim):
    requests.post(
        f"{sim.url}/__sim/faults",
        json={"op": "zto.open.createOrder", "kind": "timeout_after", "seconds": 0.5},
    )
    with pytest.raises(requests.ReadTimeout):
        call(sim.url, "zto.open.createOrder", order("PKG1"), timeout=0.2)
    assert create(sim.url, "PKG1").json()["result"]["billCode"] == "73100000000001"


def test_response_delay_slows_every_answer(sim):
    requests.post(f"{sim.url}/__sim/config", json={"response_delay": 0.3})
    started = time.monotonic()
    create(sim.url, "PKG1")
    assert time.monotonic() - started >= 0.3


def test_trace_push_posts_a_signed_form_to_packline(sim, receiver_factory):
    receiver = receiver_factory()
    bill = create(sim.url, "PKG1").json()["result"]["billCode"]
    pushed = requests.post(
        f"{sim.url}/__sim/push-trace", json={"bill_code": bill, "action": "GOT", "target_url": receiver.url}
    ).json()
    assert pushed["attempts"] == [{"status": 200, "body": '{"status": "ok"}'}]
    form = receiver.received[0]["form"]
    assert set(form) == {"data", "data_digest", "company_id", "msg_type"}
    assert form["msg_type"] == "Traces" and form["data_digest"] == zto_data_digest(form["data"], "ztosecret")
    assert json.loads(form["data"])["billCode"] == bill
    requests.post(
        f"{sim.url}/__sim/push-trace",
        json={"bill_code": bill, "action": "SIGNED", "target_url": receiver.url, "repeat": 2},
    )
    assert len(receiver.received) == 3
    assert requests.get(f"{sim.url}/__sim/waybills").json()["waybills"][0]["status"] == "signed"


def test_trace_push_with_a_bad_digest_and_refusals(sim, receiver_factory):
    receiver = receiver_factory()
    requests.post(
        f"{sim.url}/__sim/push-trace",
        json={"bill_code": "7310", "action": "GOT", "target_url": receiver.url, "bad_digest": True},
    )
    form = receiver.received[0]["form"]
    assert form["data_digest"] != zto_data_digest(form["data"], "ztosecret")
    outside = {"bill_code": "7310", "action": "GOT", "target_url": "http://example.com/hook"}
    assert requests.post(f"{sim.url}/__sim/push-trace", json=outside).status_code == 400
    bad_action = {"bill_code": "7310", "action": "LOST", "target_url": receiver.url}
    assert requests.post(f"{sim.url}/__sim/push-trace", json=bad_action).status_code == 400


def test_collected_waybill_cannot_be_cancelled(sim, receiver_factory):
    receiver = receiver_factory()
    bill = create(sim.url, "PKG1").json()["result"]["billCode"]
    requests.post(
        f"{sim.url}/__sim/push-trace", json={"bill_code": bill, "action": "GOT", "target_url": receiver.url}
    )
    refused = call(sim.url, "zto.open.cancelOrder", {"billCode": bill}).json()
    assert (refused["status"], refused["statusCode"]) == (False, "BILL_COLLECTED")
