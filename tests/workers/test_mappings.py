"""Field and status mappings, table by table (pure: no database, no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from server.integrations import mappings as m
from server.integrations.native_orders import (
    ShopContext,
    is_masked,
    parse_platform_time,
    pdd_order_to_ingest,
    top_trade_to_ingest,
    unwrap_list,
)
from server.integrations.sync import _same_masked

TOP_CTX = ShopContext("taobao", "tmall", "tmall-01", "HZ01")
PDD_CTX = ShopContext("pdd", "pdd", "pdd-01", "SH01")


@pytest.mark.parametrize(
    ("native", "status", "holds"),
    [
        ("TRADE_NO_CREATE_PAY", "pending_payment", ()),
        ("WAIT_BUYER_PAY", "pending_payment", ()),
        ("PAY_PENDING", "pending_payment", ()),
        ("WAIT_PRE_AUTH_CONFIRM", "pending_payment", ()),
        ("PAID_FORBID_CONSIGN", "paid", ("forbid_consign",)),
        ("WAIT_SELLER_SEND_GOODS", "paid", ()),
        ("SELLER_CONSIGNED_PART", "paid", ()),
        ("WAIT_BUYER_CONFIRM_GOODS", "shipped", ()),
        ("TRADE_BUYER_SIGNED", "delivered", ()),
        ("TRADE_FINISHED", "delivered", ()),
        ("TRADE_CLOSED", "refunded", ()),
        ("TRADE_CLOSED_BY_TAOBAO", "cancelled", ()),
    ],
)
def test_top_trade_status_table(native, status, holds):
    assert m.top_status({"status": native, "orders": []}) == (status, holds)


@pytest.mark.parametrize(
    ("refund", "state"),
    [
        ("WAIT_SELLER_AGREE", "pending"),
        ("WAIT_BUYER_RETURN_GOODS", "pending"),
        ("WAIT_SELLER_CONFIRM_GOODS", "pending"),
        ("SUCCESS", "refunded"),
        ("SELLER_REFUSE_BUYER", "none"),
        ("CLOSED", "none"),
        ("NO_REFUND", "none"),
        (None, "none"),
    ],
)
def test_top_refund_table(refund, state):
    assert m.top_refund_state({"refund_status": refund}) == state


def test_top_pending_refund_holds_a_paid_trade_only():
    lines = [{"refund_status": "WAIT_SELLER_AGREE"}, {"refund_status": "NO_REFUND"}]
    assert m.top_status({"status": "WAIT_SELLER_SEND_GOODS", "orders": lines}) == (
        "paid",
        ("refund_pending",),
    )
    assert m.top_status({"status": "WAIT_BUYER_CONFIRM_GOODS", "orders": lines}) == ("shipped", ())


def test_unknown_native_values_are_refused_not_guessed():
    with pytest.raises(m.UnmappedValue):
        m.top_status({"status": "SOMETHING_NEW"})
    with pytest.raises(m.UnmappedValue):
        m.top_refund_state({"refund_status": "NEW_REFUND_FLOW"})
    with pytest.raises(m.UnmappedValue):
        m.pdd_status({"order_status": 9, "confirm_status": 1})


def _pdd(**fields):
    base = {
        "order_status": 1,
        "refund_status": 1,
        "confirm_status": 1,
        "group_status": 1,
        "risk_control_status": 0,
    }
    return {**base, **fields}


@pytest.mark.parametrize(
    ("fields", "status", "holds"),
    [
        ({"confirm_status": 2, "refund_status": 4}, "cancelled", ()),  # first match wins
        ({"refund_status": 4, "order_status": 2}, "refunded", ()),
        ({"confirm_status": 0}, "pending_payment", ()),
        ({"order_status": 3}, "delivered", ()),
        ({"order_status": 2, "refund_status": 3}, "shipped", ()),
        ({}, "paid", ()),
        ({"refund_status": 2}, "paid", ("refund_pending",)),
        ({"refund_status": 3}, "paid", ("refund_pending",)),
        ({"risk_control_status": 1}, "paid", ("risk_review",)),
        ({"group_status": 0}, "paid", ("group_pending",)),
        (
            {"group_status": 2, "risk_control_status": 1, "refund_status": 2},
            "paid",
            ("refund_pending", "risk_review", "group_pending"),
        ),
    ],
)
def test_pdd_rule_table(fields, status, holds):
    assert m.pdd_status(_pdd(**fields)) == (status, holds)


@pytest.mark.parametrize(
    ("ours", "wms", "agrees"),
    [
        ("picking", "ACCEPT", True),
        ("shipped", "ACCEPT", False),
        ("paid", None, None),
        ("paid", "UNKNOWN_STATE", None),
        ("picking", "PICK", True),
        ("packed", "PRINT", True),  # each side may be a step ahead inside the warehouse
        ("paid", "PACKAGE", True),
        ("shipped", "DELIVERED", True),
        ("delivered", "PARTDELIVERED", True),
        ("packed", "DELIVERED", False),
        ("shipped", "PACKAGE", False),
        ("cancelled", "CANCELED", True),
        ("refunded", "CLOSED", True),
        ("paid", "CANCELED", False),
        ("refunded", "PICK", False),
    ],
)
def test_wms_agreement_table(ours, wms, agrees):
    assert m.wms_agrees(ours, wms) is agrees


@pytest.mark.parametrize(
    ("ours", "cancel", "agrees"),
    [
        ("paid", "A", True),
        ("shipped", "A", True),
        ("refunded", "B", True),
        ("paid", "B", False),
        ("cancelled", "A", False),
    ],
)
def test_erp_agreement_table(ours, cancel, agrees):
    assert m.erp_agrees(ours, cancel) is agrees


def test_outbound_tables():
    assert m.PACKLINE_TO_WMS_CONFIRM == {"packed": "PACKAGE", "shipped": "DELIVERED"}
    assert m.wms_platform_code("tmall") == "TM" and m.wms_platform_code("miniapp") == "OTHER"
    assert m.kingdee_reference("DAB2026112500001") == "packline DAB2026112500001"
    assert m.kingdee_customer("tmall-01") == "CUST-TMALL-01"
    assert m.kingdee_stock("HZ01") == "CK01" and m.kingdee_stock("XX9") == "XX9"


def test_platform_times_become_utc():
    assert parse_platform_time("2024-06-01 09:41:31") == datetime(2024, 6, 1, 1, 41, 31, tzinfo=UTC)
    assert parse_platform_time(1717206091) == datetime(2024, 6, 1, 1, 41, 31, tzinfo=UTC)
    assert parse_platform_time("1717206091") == datetime(2024, 6, 1, 1, 41, 31, tzinfo=UTC)
    assert parse_platform_time("") is None and parse_platform_time(None) is None
    with pytest.raises(m.UnmappedValue):
        parse_platform_time("June 1st")


TRADE = {
    "tid": 4012345678901234567,
    "status": "WAIT_SELLER_SEND_GOODS",
    "modified": "2024-06-01 09:41:31",
    "pay_time": "2024-06-01 09:40:00",
    "payment": "129.00",
    "receiver_name": "张*",
    "receiver_state": "浙江省",
    "receiver_city": "杭州市",
    "receiver_district": "余杭区",
    "receiver_address": "文一西路***号",
    "receiver_mobile": "138****5678",
    "promotion_details": {"promotion_detail": [{"promotion_name": "满199减20"}]},
    "orders": {
        "order": [
            {
                "oid": 1,
                "outer_sku_id": "SKU-1001-BLK-M",
                "title": "纯棉T恤",
                "num": 2,
                "refund_status": "NO_REFUND",
            },
            {"oid": 2, "outer_sku_id": "SKU-2001", "title": "毛巾", "num": 1, "refund_status": "SUCCESS"},
        ]
    },
}


def test_a_wrapped_top_trade_with_only_a_numeric_tid():
    cmd = top_trade_to_ingest(TRADE, TOP_CTX)
    assert cmd.external_id == "4012345678901234567"  # > 2**53, still exact
    assert (cmd.source, cmd.shop_code, cmd.warehouse_code) == ("tmall", "tmall-01", "HZ01")
    assert cmd.status == "paid" and cmd.platform_holds == ()
    assert [(line.sku, line.qty) for line in cmd.lines] == [("SKU-1001-BLK-M", 2), ("SKU-2001", 1)]
    assert cmd.line_refunds == {"SKU-2001": "refunded"}
    assert cmd.paid_at == datetime(2024, 6, 1, 1, 40, tzinfo=UTC)
    assert cmd.source_modified_at == datetime(2024, 6, 1, 1, 41, 31, tzinfo=UTC)
    assert cmd.paid_amount == Decimal("129.00") and cmd.promotions == ("满199减20",)
    assert (cmd.address.province, cmd.address.city, cmd.address.district) == ("浙江省", "杭州市", "余杭区")


def test_the_same_trade_unwrapped_maps_the_same():
    flat = {
        **TRADE,
        "orders": TRADE["orders"]["order"],
        "promotion_details": [{"promotion_name": "满199减20"}],
    }
    assert top_trade_to_ingest(flat, TOP_CTX) == top_trade_to_ingest(TRADE, TOP_CTX)
    assert unwrap_list({"order": [1]}, "order") == [1] and unwrap_list(None, "order") == []


def test_a_top_trade_without_sub_orders_is_refused():
    with pytest.raises(m.UnmappedValue):
        top_trade_to_ingest({**TRADE, "orders": {}}, TOP_CTX)


PDD_ORDER = _pdd(
    order_sn="240601-123456789012345",
    updated_at="2024-06-01 09:50:03",
    pay_time="2024-06-01 09:50:00",
    last_ship_time="2024-06-03 09:50:02",
    receiver_name="王五",
    receiver_phone="13712345678",
    province="广东省",
    city="深圳市",
    town="南山区",
    receiver_address="科技园南区 8 栋",
    pay_amount="39.90",
    remark="下单送帆布袋",
    refund_status=2,
    item_list=[{"outer_id": "SKU-3001", "goods_name": "收纳盒", "goods_count": 1}],
)


def test_a_pdd_order():
    cmd = pdd_order_to_ingest(PDD_ORDER, PDD_CTX)
    assert (cmd.external_id, cmd.status, cmd.platform_holds) == (
        "240601-123456789012345",
        "paid",
        ("refund_pending",),
    )
    assert cmd.line_refunds == {"SKU-3001": "pending"}
    assert cmd.ship_by == datetime(2024, 6, 3, 1, 50, 2, tzinfo=UTC)
    assert cmd.promotions == ("下单送帆布袋",) and cmd.customer_phone == "13712345678"
    assert (cmd.address.district, cmd.address.detail) == ("南山区", "科技园南区 8 栋")


def test_a_pdd_order_without_items_is_refused():
    with pytest.raises(m.UnmappedValue):
        pdd_order_to_ingest({**PDD_ORDER, "item_list": None}, PDD_CTX)


def test_masked_phones():
    assert is_masked("137****5678") and not is_masked("13712345678") and not is_masked(None)
    assert _same_masked("137****5678", "13712345678")
    assert not _same_masked("137****5679", "13712345678")
