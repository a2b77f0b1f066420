"""Connectors against the simulators on loopback: every reply classified ok | retryable | auth | rejected,
and the create calls (Save, waybill, WMS confirm) safe after a lost reply."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from server import clock
from server.integrations.factory import Connectors, NotConfigured, sync_targets
from server.integrations.http import IntegrationError, Outcome
from server.integrations.ports import OutstockBill, OutstockLine, Party, WaybillRequest, WmsPackage
from tests.workers import harness as h
from tests.workers.conftest import sim_settings

TOP_OP = "taobao.trades.sold.increment.get"
PDD_OP = "pdd.order.number.list.increment.get"


@pytest.fixture
def conns(sims):
    connectors = Connectors(sim_settings("sqlite:///unused.db", None, sims))
    yield connectors
    connectors.close()


def _window():
    now = clock.now()
    return now - timedelta(minutes=30), now - timedelta(seconds=10)


def _error(call) -> IntegrationError:
    with pytest.raises(IntegrationError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("spec", "outcome", "retry_after"),
    [
        ({"kind": "rate_limit", "ban_seconds": 3}, Outcome.RETRYABLE, 3.0),
        ({"kind": "isp_error"}, Outcome.RETRYABLE, None),
        ({"kind": "server_error", "status": 502}, Outcome.RETRYABLE, None),
        ({"kind": "server_error", "status": 503, "body": "empty"}, Outcome.RETRYABLE, None),
        ({"kind": "timeout", "seconds": 1.0}, Outcome.RETRYABLE, None),
        ({"kind": "malformed"}, Outcome.RETRYABLE, None),
        ({"kind": "bad_signature"}, Outcome.AUTH, None),
        ({"kind": "invalid_session"}, Outcome.AUTH, None),
    ],
)
def test_top_replies_are_classified(conns, sims, spec, outcome, retry_after):
    h.seed_orders(sims["taobao"], 3, seed=7, oldest_min=20)
    h.fault(sims["taobao"], op=TOP_OP, **spec)
    start, end = _window()
    error = _error(lambda: conns.platform("taobao").fetch_page("tmall-01", start, end, 1, 10))
    assert error.outcome is outcome
    assert error.retry_after == retry_after
    if spec["kind"] == "rate_limit":  # the ban holds until it has run out: calling again does not help
        assert _error(lambda: conns.platform("taobao").fetch_page("tmall-01", start, end, 1, 10)).retryable
    else:
        assert conns.platform("taobao").fetch_page("tmall-01", start, end, 1, 10).total == 3


@pytest.mark.parametrize("variant", ["no_wrapper", "numeric_tid_only"])
def test_top_shape_variants_parse(conns, sims, variant):
    ids = h.seed_orders(sims["taobao"], 3, seed=8, oldest_min=20)
    h.fault(sims["taobao"], op=TOP_OP, kind="malformed", variant=variant)
    start, end = _window()
    page = conns.platform("taobao").fetch_page("tmall-01", start, end, 1, 10)
    assert {t["tid_str"] for t in page.orders} == ids
    assert all(isinstance(t["orders"], list) and t["orders"] for t in page.orders)


def test_top_rejects_a_bad_parameter(conns, sims):
    start, _ = _window()
    error = _error(
        lambda: conns.platform("taobao").fetch_page("tmall-01", start, start + timedelta(days=2), 1, 10)
    )
    assert error.outcome is Outcome.REJECTED


@pytest.mark.parametrize(
    ("spec", "outcome"),
    [
        ({"kind": "rate_limit"}, Outcome.RETRYABLE),
        ({"kind": "server_error"}, Outcome.RETRYABLE),
        ({"kind": "timeout", "seconds": 1.0}, Outcome.RETRYABLE),
        ({"kind": "malformed"}, Outcome.RETRYABLE),
        ({"kind": "bad_signature"}, Outcome.AUTH),
    ],
)
def test_pdd_replies_are_classified(conns, sims, spec, outcome):
    h.fault(sims["pdd"], op=PDD_OP, **spec)
    start, end = _window()
    assert _error(lambda: conns.platform("pdd").fetch_page("pdd-01", start, end, 1, 10)).outcome is outcome


def test_pdd_refuses_a_window_too_close_to_now(conns, sims):
    sims["pdd"].app.settings["recent_lag_seconds"] = 180
    now = clock.now()
    error = _error(
        lambda: conns.platform("pdd").fetch_page("pdd-01", now - timedelta(minutes=10), now, 1, 10)
    )
    assert error.outcome is Outcome.REJECTED


def test_platform_live_checks_and_idempotent_shipment(conns, sims):
    tid = sorted(h.seed_orders(sims["taobao"], 3, seed=9, oldest_min=20))[0]
    sn = sorted(h.seed_orders(sims["pdd"], 3, seed=9, oldest_min=20))[0]
    sims["taobao"].app.orders[tid]["status"] = "WAIT_SELLER_SEND_GOODS"
    sims["pdd"].app.orders[sn].update(order_status=1, confirm_status=1, refund_status=1, anomaly=True)
    top, pdd = conns.platform("taobao"), conns.platform("pdd")
    assert top.live_status("tmall-01", [tid])[0].native_status == "WAIT_SELLER_SEND_GOODS"
    assert pdd.live_status("pdd-01", [sn])[0].anomaly
    for _ in range(2):
        top.confirm_shipment("tmall-01", tid, "73100000000001", "ZTO")
        pdd.confirm_shipment("pdd-01", sn, "73100000000002", "ZTO")
    assert [s["calls"] for s in sims["taobao"].app.shipments] == [2]
    assert [s["calls"] for s in sims["pdd"].app.shipments] == [2]


BILL = OutstockBill(
    "packline DAB202611250001", "CUST-TMALL-01", "CK01", "2026-11-25", (OutstockLine("SKU-2001", 2),)
)


def test_kingdee_logs_in_again_once_when_the_session_is_lost(conns, sims):
    erp = conns.erp()
    assert erp.query("BD_MATERIAL", ["FNumber"], "FNumber = 'SKU-2001'") == [["SKU-2001"]]
    h.fault(sims["kingdee"], op="ExecuteBillQuery", kind="session_lost")
    assert erp.query("BD_MATERIAL", ["FNumber"], "FNumber = 'SKU-2001'") == [["SKU-2001"]]
    assert h.calls(sims["kingdee"], "ValidateUser") == 2
    h.fault(sims["kingdee"], op="ExecuteBillQuery", kind="session_lost", times=2)
    assert _error(lambda: erp.query("BD_MATERIAL", ["FNumber"])).outcome is Outcome.AUTH


def test_kingdee_nested_list_error_is_not_data(conns, sims):
    h.fault(sims["kingdee"], op="ExecuteBillQuery", kind="malformed")
    error = _error(lambda: conns.erp().query("SAL_OUTSTOCK", ["FID"]))
    assert error.outcome is Outcome.REJECTED and "FXxx" in error.message
    assert _error(lambda: conns.erp().query("SAL_OUTSTOCK", ["FNoSuchField"])).outcome is Outcome.REJECTED


def test_kingdee_save_after_a_lost_reply_does_not_save_twice(conns, sims):
    h.fault(sims["kingdee"], op="Save", kind="timeout_after", seconds=1.0)
    first = conns.erp().save_outstock(BILL)
    again = conns.erp().save_outstock(BILL)
    assert first.bill_no == again.bill_no and not again.created
    assert len(sims["kingdee"].app.bills["SAL_OUTSTOCK"]) == 1
    assert h.calls(sims["kingdee"], "Save") == 1


def test_kingdee_slow_save_is_found_not_saved_twice(conns, sims):
    # The Save runs on the other side only after our read timeout (0.5 s): the look-up must not race it.
    h.fault(sims["kingdee"], op="Save", kind="timeout", seconds=0.8)
    try:
        first = conns.erp().save_outstock(BILL)
    except IntegrationError as exc:
        assert exc.retryable and exc.unknown_outcome
        first = None
    time.sleep(0.5)
    again = conns.erp().save_outstock(BILL)
    assert first is None or first.bill_no == again.bill_no
    assert len(sims["kingdee"].app.bills["SAL_OUTSTOCK"]) == 1


def test_kingdee_sale_order_statuses(conns, sims):
    sims["kingdee"].app._seed_sale_order({"platform_order_id": "T-1", "cancel_status": "B"})
    sims["kingdee"].app._seed_sale_order({"platform_order_id": "T-2"})
    found = {
        s.platform_order_id: s.cancel_status for s in conns.erp().sale_order_statuses(["T-1", "T-2", "T-3"])
    }
    assert found == {"T-1": "B", "T-2": "A"}


@pytest.mark.parametrize(
    ("spec", "outcome"),
    [
        ({"kind": "rate_limit"}, Outcome.RETRYABLE),
        ({"kind": "server_error", "status": 500}, Outcome.RETRYABLE),
        ({"kind": "malformed", "variant": "no_flag"}, Outcome.RETRYABLE),
        ({"kind": "malformed", "variant": "invalid_xml"}, Outcome.RETRYABLE),
        ({"kind": "malformed"}, Outcome.RETRYABLE),
        ({"kind": "bad_signature"}, Outcome.AUTH),
    ],
)
def test_wms_replies_are_classified(conns, sims, spec, outcome):
    h.fault(sims["wms"], op="taobao.qimen.deliveryorder.confirm", **spec)
    assert _error(lambda: conns.wms().confirm("DAB1", "DELIVERED", "DAB1-shipped")).outcome is outcome


def test_wms_confirm_is_idempotent_by_out_biz_code(conns, sims):
    wms = conns.wms()
    h.fault(sims["wms"], op="taobao.qimen.deliveryorder.confirm", kind="timeout_after", seconds=1.0)
    error = _error(lambda: wms.confirm("DAB1", "DELIVERED", "DAB1-shipped", [WmsPackage("ZTO", "7310")]))
    assert error.unknown_outcome
    wms.confirm("DAB1", "DELIVERED", "DAB1-shipped", [WmsPackage("ZTO", "7310")])
    assert [(c["outBizCode"], c["calls"]) for c in sims["wms"].app.confirmations] == [("DAB1-shipped", 2)]
    assert wms.statuses(["DAB1", "NOPE"]) == {"DAB1": "DELIVERED"}
    assert _error(lambda: wms.cancel("DAB1")).outcome is Outcome.REJECTED  # shipped: too late to intercept


PARTY = Party("张三", "13812345678", "浙江省", "杭州市", "西湖区", "文三路 100 号")
WAYBILL = WaybillRequest("DAB1", sender=PARTY, receiver=PARTY, items=(("纯棉T恤", 2),), weight_g=420)


def test_zto_waybill_is_idempotent_by_package_reference(conns, sims):
    zto = conns.courier("ZTO")
    h.fault(sims["courier"], op="zto.open.createOrder", kind="timeout_after", seconds=1.0)
    waybill = zto.request_waybill("PKG-1", WAYBILL)
    assert waybill.tracking_number.startswith("7310") and waybill.routing_code.startswith("300-")
    assert waybill.consolidation == "杭州转运"
    assert zto.request_waybill("PKG-1", WAYBILL) == waybill
    assert len(sims["courier"].app.waybills) == 1
    zto.cancel_waybill(waybill.tracking_number)
    assert sims["courier"].app.waybills[waybill.tracking_number]["status"] == "voided"


@pytest.mark.parametrize(
    ("spec", "outcome"),
    [
        ({"kind": "rate_limit"}, Outcome.RETRYABLE),
        ({"kind": "rate_limit", "code": "S221"}, Outcome.RETRYABLE),
        ({"kind": "server_error"}, Outcome.RETRYABLE),
        ({"kind": "malformed", "variant": "no_bill_code"}, Outcome.RETRYABLE),
        ({"kind": "bad_signature"}, Outcome.AUTH),
    ],
)
def test_zto_replies_are_classified(conns, sims, spec, outcome):
    h.fault(sims["courier"], op="zto.open.createOrder", **spec)
    assert _error(lambda: conns.courier().request_waybill("PKG-2", WAYBILL)).outcome is outcome


def test_zto_refuses_an_incomplete_receiver(conns):
    incomplete = WaybillRequest(
        "DAB2", sender=PARTY, receiver=Party("", "", "", "", "", ""), items=(("x", 1),)
    )
    assert _error(lambda: conns.courier().request_waybill("PKG-3", incomplete)).outcome is Outcome.REJECTED


def test_missing_configuration_is_explicit(sims):
    conns = Connectors(sim_settings("sqlite:///unused.db", None, sims, kingdee_password=None))
    with pytest.raises(NotConfigured, match="PACKLINE_KINGDEE_PASSWORD"):
        conns.erp()
    assert not conns.has("erp") and conns.has("wms")
    with pytest.raises(NotConfigured):
        sync_targets(sim_settings("sqlite:///unused.db", None, sims, sync_shops=("jd:jd-01",)))
