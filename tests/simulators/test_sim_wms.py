"""Qimen-style WMS simulator: signing over params + body, create/cancel/confirm/query, faults."""

import json

import pytest
import requests

from server.integrations.signing import gateway_sign
from simulators import wms

CREATE = "taobao.qimen.deliveryorder.create"
CANCEL = "taobao.qimen.order.cancel"
CONFIRM = "taobao.qimen.deliveryorder.confirm"
QUERY = "taobao.qimen.deliveryorder.query"


def call(url, method, body, *, secret="wmssecret", tamper=False):
    raw = json.dumps(body, ensure_ascii=False).encode()
    params = {
        "method": method,
        "app_key": "wmskey",
        "customerId": "PACKLINE",
        "format": "json",
        "v": "2.0",
        "sign_method": "md5",
        "timestamp": "2024-06-01 10:00:00",
    }
    params["sign"] = gateway_sign(params, secret, body=raw)
    sent = raw.replace(b"1", b"2") if tamper else raw
    return requests.post(
        f"{url}/qimen/router", params=params, data=sent, headers={"Content-Type": "application/json"}
    )


def delivery_order(code):
    return {
        "deliveryOrder": {
            "deliveryOrderCode": code,
            "orderType": "JYCK",
            "warehouseCode": "HZ01",
            "sourcePlatformCode": "TM",
            "shopNick": "tmall-01",
            "logisticsCode": "ZTO",
            "receiverInfo": {
                "name": "张三",
                "mobile": "13800001111",
                "province": "浙江省",
                "city": "杭州市",
                "area": "西湖区",
                "detailAddress": "文三路 100 号",
            },
        },
        "orderLines": [{"orderLineNo": "1", "itemCode": "SKU-2001", "planQty": 1}],
    }


def confirm_body(code, out_biz_code):
    return {
        "deliveryOrder": {
            "deliveryOrderCode": code,
            "status": "DELIVERED",
            "outBizCode": out_biz_code,
            "confirmType": 0,
        },
        "packages": [{"logisticsCode": "ZTO", "expressCode": "73100000000001", "weight": 0.42}],
        "orderLines": [{"orderLineNo": "1", "itemCode": "SKU-2001", "actualQty": 1}],
    }


@pytest.fixture
def sim(start_sim):
    return start_sim(wms.start)


def response(answer):
    return answer.json()["response"]


def test_signature_covers_params_and_raw_body(sim):
    assert response(call(sim.url, CREATE, delivery_order("PKG1")))["flag"] == "success"
    for refused in (
        call(sim.url, CREATE, delivery_order("PKG11"), tamper=True),
        call(sim.url, CREATE, delivery_order("PKG2"), secret="x"),
    ):
        assert response(refused) == {
            "flag": "failure",
            "code": "sign-check-failure",
            "message": "Illegal request",
        }


def test_reply_keys_come_first_in_order(sim):
    assert list(response(call(sim.url, CREATE, delivery_order("PKG1"))))[:3] == ["flag", "code", "message"]


def test_create_is_idempotent_per_delivery_order_code(sim):
    first = response(call(sim.url, CREATE, delivery_order("PKG1")))
    again = response(call(sim.url, CREATE, delivery_order("PKG1")))
    assert again["flag"] == "success" and again["deliveryOrderId"] == first["deliveryOrderId"]


def test_confirm_is_idempotent_per_out_biz_code(sim):
    call(sim.url, CREATE, delivery_order("PKG1"))
    for _ in range(2):
        assert response(call(sim.url, CONFIRM, confirm_body("PKG1", "OUT-1")))["flag"] == "success"
    confirmations = requests.get(f"{sim.url}/__sim/confirmations").json()["confirmations"]
    assert [(c["outBizCode"], c["calls"]) for c in confirmations] == [("OUT-1", 2)]


def test_cancel_fails_once_shipped(sim):
    call(sim.url, CREATE, delivery_order("PKG1"))
    call(sim.url, CREATE, delivery_order("PKG2"))
    assert (
        response(call(sim.url, CANCEL, {"orderCode": "PKG1", "warehouseCode": "HZ01"}))["flag"] == "success"
    )
    call(sim.url, CONFIRM, confirm_body("PKG2", "OUT-2"))
    refused = response(call(sim.url, CANCEL, {"orderCode": "PKG2", "warehouseCode": "HZ01"}))
    assert (refused["flag"], refused["code"]) == ("failure", "order-shipped")
    confirm_cancelled = response(call(sim.url, CONFIRM, confirm_body("PKG1", "OUT-3")))
    assert confirm_cancelled["flag"] == "failure"


def test_query_returns_statuses_including_seeded_ones(sim):
    call(sim.url, CREATE, delivery_order("PKG1"))
    requests.post(
        f"{sim.url}/__sim/wms-orders", json={"orders": [{"deliveryOrderCode": "PKG9", "status": "PICK"}]}
    )
    single = response(call(sim.url, QUERY, {"orderCode": "PKG9"}))
    assert single["deliveryOrder"]["status"] == "PICK"
    several = response(call(sim.url, QUERY, {"orderCodes": ["PKG1", "PKG9", "PKG404"]}))
    assert [(o["deliveryOrderCode"], o["status"]) for o in several["deliveryOrders"]] == [
        ("PKG1", "ACCEPT"),
        ("PKG9", "PICK"),
    ]
    assert several["notFound"] == ["PKG404"]
    assert response(call(sim.url, QUERY, {"orderCode": "PKG404"}))["code"] == "order-not-found"


def test_faults(sim):
    requests.post(
        f"{sim.url}/__sim/faults",
        json=[
            {"op": CREATE, "kind": "rate_limit"},
            {"op": CREATE, "kind": "malformed", "variant": "no_flag"},
            {"op": CREATE, "kind": "malformed", "variant": "invalid_xml"},
            {"op": CREATE, "kind": "bad_signature"},
        ],
    )
    limited = response(call(sim.url, CREATE, delivery_order("PKG1")))
    assert (limited["flag"], limited["code"]) == ("failure", "isp.call-limited")
    assert "flag" not in response(call(sim.url, CREATE, delivery_order("PKG1")))
    broken = call(sim.url, CREATE, delivery_order("PKG1"))
    assert broken.headers["Content-Type"].startswith("text/xml") and b"<code>0<code>" in broken.content
    assert response(call(sim.url, CREATE, delivery_order("PKG1")))["code"] == "sign-check-failure"


def test_unknown_method_and_missing_params(sim):
    assert response(call(sim.url, "taobao.qimen.nope", {}))["code"] == "invalid-method"
    answer = requests.post(f"{sim.url}/qimen/router", params={"method": CREATE}, data=b"{}")
    assert response(answer)["code"] == "missing-parameter"
