"""TOP simulator fault scripts: the exact error envelopes, enforced bans, malformed and duplicate pages."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from simulators import taobao
from simulators.timefmt import china_wall_clock

INCREMENT = "taobao.trades.sold.increment.get"
FULLINFO = "taobao.trade.fullinfo.get"
T0 = datetime(2024, 6, 1, 1, 0, tzinfo=UTC)
WINDOW = {
    "fields": "tid,tid_str,modified,orders.oid",
    "start_modified": china_wall_clock(T0),
    "end_modified": china_wall_clock(T0 + timedelta(minutes=30)),
}


@pytest.fixture
def top(start_sim):
    sim = start_sim(taobao.start)
    requests.post(f"{sim.url}/__sim/config", json={"max_timestamp_skew_seconds": None})
    body = {"count": 5, "seed": 3, "since": T0.isoformat(), "until": (T0 + timedelta(minutes=20)).isoformat()}
    requests.post(f"{sim.url}/__sim/orders/generate", json=body)
    return sim


def fault(url, **spec):
    assert requests.post(f"{url}/__sim/faults", json=spec).ok


def envelope(raw: bytes, expected_without_request_id: str) -> None:
    """Byte-for-byte, with the random request_id put back in place."""
    request_id = json.loads(raw)["error_response"]["request_id"]
    assert raw.decode() == expected_without_request_id.replace("{rid}", request_id)


def test_rate_limit_envelope_is_byte_exact(top, top_call):
    fault(top.url, op=INCREMENT, kind="rate_limit", ban_seconds=2)
    envelope(
        top_call(top.url, INCREMENT, **WINDOW).content,
        '{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count",'
        '"sub_msg":"This ban will last for 2 more seconds","request_id":"{rid}"}}',
    )


def test_ban_lasts_the_advertised_seconds_in_real_time(top, top_call):
    fault(top.url, op="*", kind="rate_limit", ban_seconds=1)
    assert top_call(top.url, INCREMENT, **WINDOW).json()["error_response"]["code"] == 7
    banned = top_call(top.url, FULLINFO, fields="tid", tid="1").json()["error_response"]
    assert (banned["code"], banned["sub_msg"]) == (7, "This ban will last for 1 more seconds")
    time.sleep(1.05)
    assert "trades_sold_increment_get_response" in top_call(top.url, INCREMENT, **WINDOW).json()


def test_ban_counts_down_on_the_simulator_clock(top, top_call):
    requests.post(f"{top.url}/__sim/clock", json={"now": "2024-06-01T01:40:00Z", "frozen": True})
    fault(
        top.url, kind="rate_limit", ban_seconds=30, sub_code="accesscontrol.limited-by-dynamic-access-count"
    )
    assert top_call(top.url, INCREMENT, **WINDOW).json()["error_response"]["code"] == 7
    requests.post(f"{top.url}/__sim/clock", json={"advance_seconds": 29})
    banned = top_call(top.url, INCREMENT, **WINDOW).json()["error_response"]
    assert banned["sub_msg"] == "This ban will last for 1 more seconds"
    assert banned["sub_code"] == "accesscontrol.limited-by-dynamic-access-count"
    requests.post(f"{top.url}/__sim/clock", json={"advance_seconds": 2})
    assert "trades_sold_increment_get_response" in top_call(top.url, INCREMENT, **WINDOW).json()


def test_api_scoped_ban_leaves_other_methods_alone(top, top_call):
    requests.post(f"{top.url}/__sim/clock", json={"now": "2024-06-01T01:40:00Z", "frozen": True})
    fault(
        top.url,
        op=INCREMENT,
        kind="rate_limit",
        ban_seconds=60,
        sub_code="accesscontrol.limited-by-api-access-count",
    )
    top_call(top.url, INCREMENT, **WINDOW)
    assert top_call(top.url, INCREMENT, **WINDOW).json()["error_response"]["code"] == 7
    assert top_call(top.url, FULLINFO, fields="tid", tid="1").json()["error_response"]["code"] == 15


def test_isp_error_envelope(top, top_call):
    fault(top.url, kind="isp_error", sub_code="isp.system-busy", sub_msg="系统繁忙")
    envelope(
        top_call(top.url, INCREMENT, **WINDOW).content,
        '{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.system-busy",'
        '"sub_msg":"系统繁忙","request_id":"{rid}"}}',
    )


def test_bad_signature_and_invalid_session_envelopes(top, top_call):
    fault(top.url, kind="bad_signature")
    envelope(
        top_call(top.url, INCREMENT, **WINDOW).content,
        '{"error_response":{"code":25,"msg":"Invalid signature","request_id":"{rid}"}}',
    )
    fault(top.url, kind="invalid_session")
    envelope(
        top_call(top.url, INCREMENT, **WINDOW).content,
        '{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey",'
        '"sub_msg":"SessionKey非法","request_id":"{rid}"}}',
    )


def test_malformed_truncated_json(top, top_call):
    fault(top.url, kind="malformed")
    answer = top_call(top.url, INCREMENT, **WINDOW)
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)
    assert answer.content.startswith(b'{"trades_sold_increment_get_response":')


def test_malformed_without_trade_wrapper(top, top_call):
    fault(top.url, kind="malformed", variant="no_wrapper")
    trades = top_call(top.url, INCREMENT, **WINDOW).json()["trades_sold_increment_get_response"]["trades"]
    assert isinstance(trades, list)
    assert isinstance(trades[0]["orders"], list)


def test_malformed_numeric_tid_only(top, top_call):
    fault(top.url, kind="malformed", variant="numeric_tid_only")
    answer = top_call(top.url, INCREMENT, **WINDOW)
    trade = answer.json()["trades_sold_increment_get_response"]["trades"]["trade"][0]
    assert "tid_str" not in trade and trade["tid"] > 2**53
    assert str(trade["tid"]).encode() in answer.content  # exact digits on the wire, no float rounding


def test_duplicate_puts_the_same_trade_on_two_pages(top, top_call):
    fault(top.url, op=INCREMENT, kind="duplicate")

    def page(n):
        reply = top_call(top.url, INCREMENT, **WINDOW, page_size=2, page_no=n).json()
        return [trade["tid_str"] for trade in reply["trades_sold_increment_get_response"]["trades"]["trade"]]

    first, second = page(1), page(2)
    assert len(first) == 3
    assert set(first) & set(second)


def test_timeout_after_still_does_the_work(top, signed_top_params):
    tid = requests.get(f"{top.url}/__sim/orders").json()["orders"][0]["tid_str"]
    requests.post(f"{top.url}/__sim/orders/{tid}/status", json={"status": "WAIT_SELLER_SEND_GOODS"})
    fault(top.url, op="taobao.logistics.offline.send", kind="timeout_after", seconds=0.5)
    params = signed_top_params("taobao.logistics.offline.send", tid=tid, out_sid="7310", company_code="ZTO")
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{top.url}/router/rest", data=params, timeout=0.2)
    assert len(requests.get(f"{top.url}/__sim/shipments").json()["shipments"]) == 1
