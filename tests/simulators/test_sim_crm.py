"""CRM webhook sender: what it signs and sends, checked by a tiny receiver using verify_webhook."""

import json
import threading
import time

import pytest
import requests
from werkzeug.wrappers import Response

from server.integrations.signing import verify_webhook
from simulators import crm

CURRENT, PREVIOUS = b"whsec_packline_test_1", b"whsec_packline_test_0"
B1_ORDER = {"platform": "taobao", "shop": "tmall-01", "platform_order_id": "4012345678901234567"}
B1_ADDRESS = {
    "name": "Zhang San",
    "mobile": "13800001111",
    "province": "Zhejiang",
    "city": "Hangzhou",
    "district": "Xihu",
    "detail": "100 Wensan Rd",
}
MAC_A = "32117e4afe1657ba3d36d28143517d469978af8a15c558688ec61a91b9eab5f0"
MAC_B = "f0b067e238c8f79e35724010a4f05ebe3f56610e4fb39be6e18c2a80f506fca8"


class PacklineLike:
    """§6 receiver: verify the raw body, then dedupe by delivery id; ``failures`` scripted 5xx answers first."""

    def __init__(self, secrets, failures=()):
        self.secrets, self.failures = list(secrets), list(failures)
        self.seen: set[str] = set()
        self.jobs: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            if self.failures:
                return Response("busy", status=self.failures.pop(0))
            verdict = verify_webhook(
                request.headers.get("X-Packline-Signature"),
                request.get_data(),
                self.secrets,
                now=int(time.time()),
            )
            if verdict != "ok":
                return Response(json.dumps({"error": verdict}), status=400 if verdict == "malformed" else 401)
            delivery = request.headers["X-Packline-Delivery-Id"]
            if delivery in self.seen:
                return Response(json.dumps({"status": "duplicate"}), status=200)
            self.seen.add(delivery)
            self.jobs.append(delivery)
            return Response(json.dumps({"status": "accepted"}), status=200)


@pytest.fixture
def sender(start_sim):
    handle = start_sim(crm.start)
    requests.post(f"{handle.url}/__sim/config", json={"retry_backoff_seconds": 0.01})
    return handle


def send(sender, target, **extra):
    body = {"target_url": target.url, "order": B1_ORDER, "address": B1_ADDRESS, **extra}
    answer = requests.post(f"{sender.url}/__sim/send", json=body, timeout=10)
    assert answer.ok, answer.text
    return answer.json()["deliveries"]


def test_sender_reproduces_the_reference_vector(sender, receiver_factory):
    packline = PacklineLike([CURRENT])
    receiver = receiver_factory(packline)
    requests.post(f"{sender.url}/__sim/clock", json={"now": "2024-06-01T02:00:00Z", "frozen": True})
    [delivery] = send(sender, receiver, delivery_id="dlv_0001")
    got = receiver.received[0]
    assert len(got["body"]) == 265
    assert got["headers"]["X-Packline-Signature"] == f"t=1717207200,v1={MAC_A}"
    assert got["headers"]["X-Packline-Delivery-Id"] == "dlv_0001"
    assert got["headers"]["X-Packline-Event"] == "order.address_changed"
    assert (
        verify_webhook(got["headers"]["X-Packline-Signature"], got["body"], [CURRENT], now=1717207200) == "ok"
    )
    assert delivery["final_status"] == 401  # the receiver's real clock finds 2024 stale


def test_signed_delivery_is_accepted_and_a_duplicate_is_answered_as_such(sender, receiver_factory):
    packline = PacklineLike([CURRENT])
    receiver = receiver_factory(packline)
    first, second = send(sender, receiver, duplicate=True)
    assert first["delivery_id"] == second["delivery_id"]
    assert [first["final_status"], json.loads(second["attempts"][0]["body"])] == [
        200,
        {"status": "duplicate"},
    ]
    assert packline.jobs == [first["delivery_id"]]


def test_rotation_sends_two_v1_and_either_secret_verifies(sender, receiver_factory):
    receiver = receiver_factory(PacklineLike([PREVIOUS]))
    [delivery] = send(sender, receiver, secrets=["whsec_packline_test_1", "whsec_packline_test_0"])
    header = receiver.received[0]["headers"]["X-Packline-Signature"]
    assert header.count("v1=") == 2
    assert delivery["final_status"] == 200


def test_rotation_vector_with_fixed_timestamp(sender, receiver_factory):
    receiver = receiver_factory(PacklineLike([PREVIOUS]))
    send(
        sender,
        receiver,
        delivery_id="dlv_0001",
        t=1717207200,
        secrets=["whsec_packline_test_1", "whsec_packline_test_0"],
    )
    assert receiver.received[0]["headers"]["X-Packline-Signature"] == f"t=1717207200,v1={MAC_A},v1={MAC_B}"


@pytest.mark.parametrize(
    ("flag", "status", "error"),
    [
        ("tamper", 401, "mismatch"),
        ("stale", 401, "stale"),
        ("no_header", 400, "malformed"),
        ("bad_signature", 401, "mismatch"),
    ],
)
def test_misbehaving_deliveries_are_refused(sender, receiver_factory, flag, status, error):
    receiver = receiver_factory(PacklineLike([CURRENT]))
    [delivery] = send(sender, receiver, **{flag: True})
    assert delivery["final_status"] == status
    assert json.loads(delivery["attempts"][0]["body"]) == {"error": error}
    assert len(delivery["attempts"]) == 1  # 4xx is never retried


def test_non_json_body_with_a_valid_mac(sender, receiver_factory):
    receiver = receiver_factory(PacklineLike([CURRENT]))
    [delivery] = send(sender, receiver, non_json=True)
    assert delivery["final_status"] == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(receiver.received[0]["body"])


def test_retries_on_5xx_with_the_same_delivery_id(sender, receiver_factory):
    packline = PacklineLike([CURRENT], failures=[503, 502])
    receiver = receiver_factory(packline)
    [delivery] = send(sender, receiver)
    assert [a["status"] for a in delivery["attempts"]] == [503, 502, 200]
    assert {r["headers"]["X-Packline-Delivery-Id"] for r in receiver.received} == {delivery["delivery_id"]}


def test_retries_are_bounded(sender, receiver_factory):
    receiver = receiver_factory(PacklineLike([CURRENT], failures=[500] * 10))
    [delivery] = send(sender, receiver)
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 500, 500]


def test_connection_refused_is_retried_then_recorded(sender):
    class Nowhere:
        url = "http://127.0.0.1:9/hook"

    [delivery] = send(sender, Nowhere)
    assert delivery["final_status"] is None and "ConnectionError" in delivery["attempts"][-1]["error"]


def test_utf8_address_is_sent_as_raw_utf8_bytes(sender, receiver_factory):
    receiver = receiver_factory(PacklineLike([CURRENT]))
    address = {
        "name": "王五",
        "mobile": "13712345678",
        "province": "广东省",
        "city": "深圳市",
        "district": "南山区",
        "detail": "科技园南区 8 栋",
    }
    order = {"platform": "pdd", "shop": "pdd-01", "platform_order_id": "240601-123456789012345"}
    send(sender, receiver, order=order, address=address, delivery_id="dlv_0002", t=1717207200)
    got = receiver.received[0]
    assert len(got["body"]) == 275
    assert (
        got["headers"]["X-Packline-Signature"]
        == "t=1717207200,v1=a5aa727e9e9ffa4a22903432363fea8c38a3d4d4c4832519d59dd938c6309f51"
    )


def test_burst_of_distinct_deliveries_and_the_sent_log(sender, receiver_factory):
    packline = PacklineLike([CURRENT])
    receiver = receiver_factory(packline)
    deliveries = send(sender, receiver, count=5)
    assert len({d["delivery_id"] for d in deliveries}) == 5 and len(packline.jobs) == 5
    logged = requests.get(f"{sender.url}/__sim/sent").json()["deliveries"]
    assert [d["delivery_id"] for d in logged] == [d["delivery_id"] for d in deliveries]


def test_target_must_be_loopback(sender):
    answer = requests.post(
        f"{sender.url}/__sim/send", json={"target_url": "http://10.0.0.1/hook", "order": {}, "address": {}}
    )
    assert answer.status_code == 400
