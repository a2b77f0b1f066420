"""TOP simulator: gateway checks, incremental sync paging, fullinfo and shipping."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from server.integrations.signing import gateway_sign
from simulators import taobao
from simulators.timefmt import china_wall_clock

INCREMENT = "taobao.trades.sold.increment.get"
FULLINFO = "taobao.trade.fullinfo.get"
FIELDS = "tid,tid_str,status,modified,type,orders.oid,orders.outer_sku_id,orders.num"
T0 = datetime(2024, 6, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def top(start_sim):
    sim = start_sim(taobao.start)
    requests.post(f"{sim.url}/__sim/config", json={"max_timestamp_skew_seconds": None})
    return sim


def seed(url, count, since, until, seed_value=7):
    body = {"count": count, "seed": seed_value, "since": since.isoformat(), "until": until.isoformat()}
    return requests.post(f"{url}/__sim/orders/generate", json=body).json()["ids"]


def increment(top_call, url, start, end, **extra):
    params = {
        "fields": FIELDS,
        "start_modified": china_wall_clock(start),
        "end_modified": china_wall_clock(end),
    }
    return top_call(url, INCREMENT, **{**params, **extra}).json()


def body_of(reply):
    return reply["trades_sold_increment_get_response"]


def tids(reply):
    return [trade["tid_str"] for trade in body_of(reply).get("trades", {}).get("trade", [])]


def error_of(answer):
    return answer.json()["error_response"]


def resigned(params, **changes):
    params = {**params, **changes}
    params.pop("sign", None)
    params = {k: v for k, v in params.items() if v is not None}
    params["sign"] = gateway_sign(params, "topsecret", params.get("sign_method", "md5"))
    return params


@pytest.mark.parametrize("sign_method", ["md5", "hmac", "hmac-sha256"])
def test_every_sign_method_is_accepted(top, top_call, sign_method):
    reply = increment(top_call, top.url, T0, T0 + timedelta(minutes=30), sign_method=sign_method)
    assert body_of(reply)["total_results"] == 0


def test_gateway_refusals(top, signed_top_params):
    url = f"{top.url}/router/rest"
    good = signed_top_params(FULLINFO, fields="tid", tid="1")
    cases = [
        ({**good, "sign": "0" * 32}, 25),
        ({**good, "sign_method": "sha1"}, 25),
        (resigned(good, app_key="other"), 29),
        (resigned(good, session=None), 26),
        (resigned(good, session="other"), 27),
        (resigned(good, method="taobao.nope"), 22),
        (signed_top_params(FULLINFO, secret="wrong", fields="tid", tid="1"), 25),
    ]
    assert [error_of(requests.post(url, data=params))["code"] for params, _ in cases] == [c for _, c in cases]


def test_timestamp_more_than_ten_minutes_off_is_refused(top, signed_top_params):
    requests.post(f"{top.url}/__sim/config", json={"max_timestamp_skew_seconds": 600})
    requests.post(f"{top.url}/__sim/clock", json={"offset_seconds": 700})
    answer = requests.post(f"{top.url}/router/rest", data=signed_top_params(FULLINFO, fields="tid", tid="1"))
    assert error_of(answer)["code"] == 31


def test_fields_are_required(top, top_call):
    reply = top_call(
        top.url, INCREMENT, start_modified="2024-06-01 09:00:00", end_modified="2024-06-01 09:30:00"
    )
    assert reply.json()["error_response"]["msg"] == "Missing required arguments:fields"


def test_window_longer_than_one_day_is_a_parameter_error(top, top_call):
    day = increment(top_call, top.url, T0, T0 + timedelta(days=1))
    assert "trades_sold_increment_get_response" in day
    longer = increment(top_call, top.url, T0, T0 + timedelta(days=1, seconds=1))
    assert longer["error_response"]["code"] == 41
    assert longer["error_response"]["sub_code"] == "isv.invalid-parameter"


def test_page_size_bounds(top, top_call):
    reply = increment(top_call, top.url, T0, T0 + timedelta(minutes=30), page_size=101)
    assert reply["error_response"]["msg"] == "Invalid arguments:page_size"


def test_results_are_newest_first_with_numeric_and_string_tids(top, top_call):
    seed(top.url, 6, T0, T0 + timedelta(minutes=20))
    reply = increment(top_call, top.url, T0, T0 + timedelta(minutes=30))
    trades = body_of(reply)["trades"]["trade"]
    modified = [trade["modified"] for trade in trades]
    assert modified == sorted(modified, reverse=True)
    for trade in trades:
        assert trade["tid"] > 2**53
        assert str(trade["tid"]) == trade["tid_str"]
        assert set(trade["orders"]["order"][0]) == {"oid", "outer_sku_id", "num"}


def test_exactly_page_size_rows(top, top_call):
    seed(top.url, 4, T0, T0 + timedelta(minutes=20))
    end = T0 + timedelta(minutes=30)
    first = increment(top_call, top.url, T0, end, page_size=4)
    assert (body_of(first)["total_results"], len(tids(first))) == (4, 4)
    second = increment(top_call, top.url, T0, end, page_size=4, page_no=2)
    assert "trades" not in body_of(second)  # TOP omits the wrapper on an empty page
    assert (
        body_of(increment(top_call, top.url, T0, end, page_size=4, use_has_next="true"))["has_next"] is False
    )
    assert (
        body_of(increment(top_call, top.url, T0, end, page_size=3, use_has_next="true"))["has_next"] is True
    )


def test_order_modified_between_page_calls_is_missed_forward_and_seen_backward(top, top_call):
    ids = seed(top.url, 5, T0, T0 + timedelta(minutes=5))
    requests.post(
        f"{top.url}/__sim/clock", json={"now": (T0 + timedelta(minutes=10)).isoformat(), "frozen": True}
    )
    end = T0 + timedelta(minutes=30)

    def page(n):
        return tids(increment(top_call, top.url, T0, end, page_size=2, page_no=n))

    oldest_first = sorted(
        ids, key=lambda tid: requests.get(f"{top.url}/__sim/orders/{tid}").json()["modified"]
    )
    forward = page(1)
    requests.post(f"{top.url}/__sim/orders", json={"tid_str": oldest_first[1], "seller_memo": "改地址"})
    forward += page(2) + page(3)
    assert oldest_first[1] not in forward

    requests.post(f"{top.url}/__sim/clock", json={"advance_seconds": 60})
    backward = page(3)
    requests.post(f"{top.url}/__sim/orders", json={"tid_str": oldest_first[2], "seller_memo": "再改"})
    backward += page(2) + page(1)
    assert set(backward) == set(ids)


def test_type_defaults_exclude_other_trade_types(top, top_call):
    moment = china_wall_clock(T0 + timedelta(minutes=1))
    requests.post(
        f"{top.url}/__sim/orders", json={"tid": 4000000000000000001, "type": "fixed", "modified": moment}
    )
    assert body_of(increment(top_call, top.url, T0, T0 + timedelta(minutes=5)))["total_results"] == 0
    assert (
        body_of(increment(top_call, top.url, T0, T0 + timedelta(minutes=5), type="fixed"))["total_results"]
        == 1
    )


def test_simplify_drops_the_xml_style_wrappers(top, top_call):
    seed(top.url, 1, T0, T0 + timedelta(minutes=5))
    reply = increment(top_call, top.url, T0, T0 + timedelta(minutes=10), simplify="true")
    trade = body_of(reply)["trades"][0]
    assert isinstance(trade["orders"], list)


def test_fullinfo_returns_requested_fields_and_unknown_tid_errors(top, top_call):
    [tid] = seed(top.url, 1, T0, T0 + timedelta(minutes=5))
    reply = top_call(top.url, FULLINFO, fields="tid_str,receiver_state,orders", tid=tid).json()
    trade = reply["trade_fullinfo_get_response"]["trade"]
    assert trade["tid_str"] == tid and "receiver_state" in trade and "status" not in trade
    assert trade["orders"]["order"][0]["refund_status"] == "NO_REFUND"
    missing = top_call(top.url, FULLINFO, fields="tid", tid="42").json()
    assert missing["error_response"]["sub_code"] == "isv.trade-not-exist"


def test_promotions_carry_names_and_gifts(top):
    seed(top.url, 40, T0, T0 + timedelta(minutes=30))
    trades = requests.get(f"{top.url}/__sim/orders").json()["orders"]
    names = {detail["promotion_name"] for trade in trades for detail in trade["promotion_details"]}
    assert "满199减20" in names or "满299赠保温水杯" in names
    assert any(d.get("gift_item_name") for trade in trades for d in trade["promotion_details"])


def test_offline_send_ships_once_and_repeats_are_idempotent(top, top_call):
    [tid] = seed(top.url, 1, T0, T0 + timedelta(minutes=5), seed_value=11)
    requests.post(f"{top.url}/__sim/orders/{tid}/status", json={"status": "WAIT_SELLER_SEND_GOODS"})
    send = {"tid": tid, "out_sid": "73100000000001", "company_code": "ZTO"}
    first = top_call(top.url, "taobao.logistics.offline.send", **send).json()
    assert first["logistics_offline_send_response"]["shipping"]["is_success"] is True
    again = top_call(top.url, "taobao.logistics.offline.send", **send).json()
    assert again["logistics_offline_send_response"]["shipping"]["is_success"] is True
    shipments = requests.get(f"{top.url}/__sim/shipments").json()["shipments"]
    assert [(s["tid"], s["out_sid"], s["calls"]) for s in shipments] == [(tid, "73100000000001", 2)]
    trade = requests.get(f"{top.url}/__sim/orders/{tid}").json()
    assert trade["status"] == "WAIT_BUYER_CONFIRM_GOODS"
    assert trade["orders"][0]["invoice_no"] == "73100000000001"
    other = top_call(top.url, "taobao.logistics.offline.send", **{**send, "out_sid": "73100000000002"}).json()
    assert other["error_response"]["sub_code"].startswith("isv.logistics-offline-service-error")


def test_refunded_trade_cannot_ship_and_refunds_show_per_line(top, top_call):
    [tid] = seed(top.url, 1, T0, T0 + timedelta(minutes=5), seed_value=11)
    requests.post(f"{top.url}/__sim/orders/{tid}/status", json={"status": "WAIT_SELLER_SEND_GOODS"})
    pending = requests.post(f"{top.url}/__sim/orders/{tid}/refund", json={"state": "pending"}).json()
    assert {line["refund_status"] for line in pending["orders"]} == {"WAIT_SELLER_AGREE"}
    refunded = requests.post(f"{top.url}/__sim/orders/{tid}/refund", json={"state": "refunded"}).json()
    assert refunded["status"] == "TRADE_CLOSED"
    reply = top_call(
        top.url, "taobao.logistics.offline.send", tid=tid, out_sid="1", company_code="ZTO"
    ).json()
    assert reply["error_response"]["code"] == 15


def test_modifying_an_order_bumps_modified(top):
    [tid] = seed(top.url, 1, T0, T0 + timedelta(minutes=5))
    requests.post(f"{top.url}/__sim/clock", json={"now": "2024-06-01T02:00:00Z", "frozen": True})
    changed = requests.post(
        f"{top.url}/__sim/orders", json={"tid": int(tid), "receiver_address": "文三路***号"}
    )
    assert changed.json() == {"ids": [tid]}
    trade = requests.get(f"{top.url}/__sim/orders/{tid}").json()
    assert (trade["modified"], trade["receiver_address"]) == ("2024-06-01 10:00:00", "文三路***号")
