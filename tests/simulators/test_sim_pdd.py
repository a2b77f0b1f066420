"""PDD simulator: signing and timestamp skew, window rules, reverse paging, masking, shipping, faults."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from simulators import pdd
from simulators.timefmt import china_wall_clock

INCREMENT = "pdd.order.number.list.increment.get"
NOW = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def sim(start_sim):
    handle = start_sim(pdd.start)
    requests.post(f"{handle.url}/__sim/clock", json={"now": NOW.isoformat(), "frozen": True})
    return handle


def seed(url, count, since, until, seed_value=5):
    body = {"count": count, "seed": seed_value, "since": since.isoformat(), "until": until.isoformat()}
    return requests.post(f"{url}/__sim/orders/generate", json=body).json()["ids"]


def increment(pdd_call, url, start, end, **extra):
    params = {"start_updated_at": int(start.timestamp()), "end_updated_at": int(end.timestamp())}
    params.update(is_lucky_flag=0, order_status=5, refund_status=5, timestamp=int(NOW.timestamp()))
    return pdd_call(url, INCREMENT, **{**params, **extra}).json()


def listed(reply):
    return reply["order_sn_increment_get_response"]


def test_signed_json_and_form_calls_are_accepted(sim, pdd_call, signed_pdd_params):
    start = NOW - timedelta(minutes=40)
    assert listed(increment(pdd_call, sim.url, start, start + timedelta(minutes=30)))["total_count"] == 0
    params = signed_pdd_params("pdd.order.status.get", timestamp=int(NOW.timestamp()), order_sns="x")
    answer = requests.post(f"{sim.url}/api/router", data=params).json()
    assert answer == {"order_status_get_response": {"order_status_list": []}}


def test_bad_sign_wrong_client_and_token_are_refused(sim, signed_pdd_params):
    stamp = int(NOW.timestamp())
    wrong_secret = signed_pdd_params("pdd.order.status.get", secret="nope", timestamp=stamp, order_sns="x")
    wrong_client = {
        **signed_pdd_params("pdd.order.status.get", timestamp=stamp, order_sns="x"),
        "client_id": "c",
    }
    codes = [
        requests.post(f"{sim.url}/api/router", json=p).json()["error_response"]["error_code"]
        for p in (wrong_secret, wrong_client)
    ]
    assert codes == [pdd.SIGN_ERROR, pdd.PARAMETER_ERROR]


@pytest.mark.parametrize(("skew", "accepted"), [(600, True), (601, False), (-601, False)])
def test_timestamp_skew_beyond_ten_minutes(sim, pdd_call, skew, accepted):
    reply = pdd_call(
        sim.url, "pdd.order.status.get", order_sns="x", timestamp=int(NOW.timestamp()) + skew
    ).json()
    assert ("error_response" not in reply) is accepted
    if not accepted:
        assert reply["error_response"]["error_code"] == pdd.TIMESTAMP_ERROR


def test_error_envelope_shape(sim, pdd_call):
    reply = pdd_call(sim.url, "pdd.order.status.get", order_sns="x", timestamp=1).json()
    assert list(reply["error_response"]) == ["error_code", "error_msg", "sub_code", "sub_msg", "request_id"]


def test_span_over_thirty_minutes_is_refused(sim, pdd_call):
    start = NOW - timedelta(hours=1)
    assert "order_sn_increment_get_response" in increment(
        pdd_call, sim.url, start, start + timedelta(minutes=30)
    )
    too_long = increment(pdd_call, sim.url, start, start + timedelta(minutes=30, seconds=1))
    assert too_long["error_response"]["error_code"] == pdd.PARAMETER_ERROR


def test_end_too_close_to_now_is_refused(sim, pdd_call):
    assert "order_sn_increment_get_response" in increment(
        pdd_call, sim.url, NOW - timedelta(minutes=20), NOW - timedelta(minutes=3)
    )
    close = increment(pdd_call, sim.url, NOW - timedelta(minutes=20), NOW - timedelta(minutes=2, seconds=59))
    assert close["error_response"]["error_code"] == pdd.PARAMETER_ERROR


def test_hide_policy_leaves_recent_orders_out_silently(sim, pdd_call):
    requests.post(f"{sim.url}/__sim/config", json={"recent_policy": "hide"})
    seed(sim.url, 3, NOW - timedelta(minutes=2), NOW - timedelta(minutes=1))
    reply = increment(pdd_call, sim.url, NOW - timedelta(minutes=20), NOW)
    assert listed(reply)["total_count"] == 0


def test_reverse_paging_sees_an_order_modified_mid_scan(sim, pdd_call):
    start = NOW - timedelta(minutes=29)
    ids = seed(sim.url, 5, start, start + timedelta(minutes=5))
    end = NOW - timedelta(minutes=5)

    def page(n):
        body = listed(increment(pdd_call, sim.url, start, end, page_size=2, page=n))
        return [order["order_sn"] for order in body["order_sn_list"]], body

    last, last_body = page(3)
    assert (last_body["total_count"], last_body["has_next"], len(last)) == (5, False, 1)
    orders = requests.get(f"{sim.url}/__sim/orders").json()["orders"]
    oldest_unfetched = min((o for o in orders if o["order_sn"] not in last), key=lambda o: o["updated_at"])
    # Changed while we page: its updated_at jumps ahead of every other order in the window.
    moved = oldest_unfetched["order_sn"]
    later = china_wall_clock(end - timedelta(minutes=1))
    requests.post(f"{sim.url}/__sim/orders", json={"order_sn": moved, "updated_at": later})
    middle, _ = page(2)
    newest, body = page(1)
    assert moved in newest and body["has_next"] is True
    assert set(last + middle + newest) == set(ids)


def at(url, moment):
    requests.post(f"{url}/__sim/clock", json={"now": moment.isoformat(), "frozen": True})


def test_phone_plain_while_awaiting_shipment_masked_after(sim, pdd_call):
    earlier = NOW - timedelta(minutes=15)
    at(sim.url, earlier)
    [sn] = seed(sim.url, 1, NOW - timedelta(minutes=25), NOW - timedelta(minutes=20), seed_value=9)
    requests.post(f"{sim.url}/__sim/orders/{sn}/status", json={"confirm_status": 1, "order_status": 1})
    at(sim.url, NOW)
    window = (NOW - timedelta(minutes=29), NOW - timedelta(minutes=4))
    phone = listed(increment(pdd_call, sim.url, *window))["order_sn_list"][0]["receiver_phone"]
    assert phone.isdigit() and len(phone) == 11
    at(sim.url, earlier + timedelta(minutes=1))
    send = {
        "order_sn": sn,
        "logistics_id": 115,
        "tracking_number": "7310",
        "timestamp": int(earlier.timestamp()),
    }
    assert pdd_call(sim.url, "pdd.logistics.online.send", **send).json() == {
        "logistics_online_send_response": {"is_success": True}
    }
    at(sim.url, NOW)
    order = listed(increment(pdd_call, sim.url, *window))["order_sn_list"][0]
    assert order["order_status"] == 2 and order["receiver_phone"] == f"{phone[:3]}****{phone[-4:]}"


def test_online_send_is_idempotent_and_refused_when_refunded(sim, pdd_call):
    first, second = seed(sim.url, 2, NOW - timedelta(minutes=25), NOW - timedelta(minutes=20), seed_value=4)
    for sn in (first, second):
        requests.post(f"{sim.url}/__sim/orders/{sn}/status", json={"confirm_status": 1})
    send = {
        "order_sn": first,
        "logistics_id": 115,
        "tracking_number": "73100000000001",
        "timestamp": int(NOW.timestamp()),
    }
    for _ in range(2):
        assert pdd_call(sim.url, "pdd.logistics.online.send", **send).json()[
            "logistics_online_send_response"
        ]["is_success"]
    assert [s["calls"] for s in requests.get(f"{sim.url}/__sim/shipments").json()["shipments"]] == [2]
    requests.post(f"{sim.url}/__sim/orders/{second}/refund", json={"state": "refunded"})
    refused = pdd_call(sim.url, "pdd.logistics.online.send", **{**send, "order_sn": second}).json()
    assert refused["error_response"]["error_code"] == pdd.BUSINESS_ERROR


def test_status_get_reports_anomaly_as_zero_and_caps_at_fifty(sim, pdd_call):
    [sn] = seed(sim.url, 1, NOW - timedelta(minutes=25), NOW - timedelta(minutes=20))
    requests.post(f"{sim.url}/__sim/orders/{sn}/status", json={"anomaly": True})
    requests.post(f"{sim.url}/__sim/orders/{sn}/refund", json={"state": "pending"})
    stamp = int(NOW.timestamp())
    reply = pdd_call(sim.url, "pdd.order.status.get", order_sns=sn, timestamp=stamp).json()
    assert reply["order_status_get_response"]["order_status_list"] == [
        {"orderSn": sn, "order_status": 0, "refund_status": 3}
    ]
    too_many = pdd_call(
        sim.url, "pdd.order.status.get", order_sns=",".join(["x"] * 51), timestamp=stamp
    ).json()
    assert "error_response" in too_many


def test_order_status_filter(sim, pdd_call):
    ids = seed(sim.url, 3, NOW - timedelta(minutes=25), NOW - timedelta(minutes=20))
    requests.post(f"{sim.url}/__sim/orders/{ids[0]}/status", json={"order_status": 2})
    reply = increment(
        pdd_call, sim.url, NOW - timedelta(minutes=29), NOW - timedelta(minutes=4), order_status=1
    )
    assert listed(reply)["total_count"] == 2


@pytest.fixture
def seeded(sim):
    seed(sim.url, 3, NOW - timedelta(minutes=25), NOW - timedelta(minutes=20))
    return sim


def fault(url, **spec):
    assert requests.post(f"{url}/__sim/faults", json=spec).ok


def test_rate_limit_code_is_configurable(seeded, pdd_call):
    fault(seeded.url, kind="rate_limit")
    fault(seeded.url, kind="rate_limit", code=70032, msg="too many")
    window = (NOW - timedelta(minutes=29), NOW - timedelta(minutes=4))
    first = increment(pdd_call, seeded.url, *window)["error_response"]
    second = increment(pdd_call, seeded.url, *window)["error_response"]
    assert (first["error_code"], second["error_code"], second["error_msg"]) == (
        pdd.RATE_LIMITED,
        70032,
        "too many",
    )


def test_malformed_variants_and_duplicates(seeded, pdd_call):
    window = (NOW - timedelta(minutes=29), NOW - timedelta(minutes=4))
    fault(seeded.url, kind="malformed", variant="missing_item_list")
    assert all(
        "item_list" not in o for o in listed(increment(pdd_call, seeded.url, *window))["order_sn_list"]
    )
    fault(seeded.url, kind="malformed", variant="masked_phone")
    assert all(
        "****" in o["receiver_phone"]
        for o in listed(increment(pdd_call, seeded.url, *window))["order_sn_list"]
    )
    fault(seeded.url, kind="malformed")
    with pytest.raises(json.JSONDecodeError):
        increment(pdd_call, seeded.url, *window)
    fault(seeded.url, op=INCREMENT, kind="duplicate")
    page_one = listed(increment(pdd_call, seeded.url, *window, page_size=2))["order_sn_list"]
    page_two = listed(increment(pdd_call, seeded.url, *window, page_size=2, page=2))["order_sn_list"]
    assert {o["order_sn"] for o in page_one} & {o["order_sn"] for o in page_two}


def test_bad_signature_and_server_error_faults(seeded, pdd_call):
    fault(seeded.url, kind="bad_signature")
    fault(seeded.url, kind="server_error")
    window = (NOW - timedelta(minutes=29), NOW - timedelta(minutes=4))
    assert increment(pdd_call, seeded.url, *window)["error_response"]["error_code"] == pdd.SIGN_ERROR
    with pytest.raises(json.JSONDecodeError):
        increment(pdd_call, seeded.url, *window)


def test_generated_orders_look_native(seeded):
    order = requests.get(f"{seeded.url}/__sim/orders").json()["orders"][0]
    prefix, digits = order["order_sn"].split("-")
    assert len(prefix) == 6 and len(digits) == 15
    assert order["item_list"][0]["outer_id"].startswith("SKU-")
    assert order["address"].startswith(order["province"])
