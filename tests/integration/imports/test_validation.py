"""Cell rules of the import (pure): phone length, whole quantities, times in warehouse time, mapping headers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from server.imports.mapping import load_mapping, mapping_names
from server.imports.validation import parse_row
from tests.integration.imports.conftest import HEADERS, row

TZ = ZoneInfo("Asia/Shanghai")
MAPPING = load_mapping("pos")
COLUMNS = MAPPING.columns(HEADERS)


def _parse(**values: object):  # type: ignore[no-untyped-def]
    return parse_row(7, tuple(row("POS-V-0001", **values)), MAPPING, COLUMNS, TZ)


@pytest.mark.parametrize(
    ("phone", "expected"),
    [("13812345678", "13812345678"), (13812345678, "13812345678"), (13812345678.0, "13812345678"),
     ("138-1234-5678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("0571-88880001", "057188880001")],
)
def test_good_phones(phone: object, expected: str) -> None:
    parsed, issues = _parse(手机=phone)
    assert issues == [] and parsed.phone == expected


@pytest.mark.parametrize(("phone", "code"), [("1380013", "IMPORT_PHONE_LENGTH"), ("138123456789", "IMPORT_PHONE_LENGTH"),
                                             ("23812345678", "IMPORT_PHONE_LENGTH"), ("1381234567x", "IMPORT_PHONE_INVALID"),
                                             ("一三八", "IMPORT_PHONE_INVALID")])
def test_bad_phones(phone: str, code: str) -> None:
    parsed, [issue] = _parse(手机=phone)
    assert parsed is None and (issue.row, issue.column, issue.code) == (7, "手机", code)


@pytest.mark.parametrize(("qty", "expected"), [(2, 2), (2.0, 2), ("3", 3), (" 4 ", 4), ("5.0", 5)])
def test_whole_quantities(qty: object, expected: int) -> None:
    parsed, issues = _parse(数量=qty)
    assert issues == [] and parsed.qty == expected


@pytest.mark.parametrize("qty", ["两", "2.5", 2.5, 0, -1, "1e3x", True, 10_001, "三个"])
def test_quantity_must_be_a_whole_number(qty: object) -> None:
    parsed, [issue] = _parse(数量=qty)
    assert parsed is None and (issue.column, issue.code) == ("数量", "IMPORT_QTY_NOT_WHOLE")


@pytest.mark.parametrize(
    "paid",
    [datetime(2026, 2, 17, 8, 30), "2026-02-17 08:30:00", "2026-02-17 08:30", "2026/02/17 08:30", "2026-02-17T08:30:00+08:00",
     46070.3541666667],
)
def test_payment_time_is_warehouse_local(paid: object) -> None:
    parsed, issues = _parse(付款时间=paid)
    assert issues == []
    assert abs((parsed.paid_at - datetime(2026, 2, 17, 0, 30, tzinfo=UTC)).total_seconds()) < 1


def test_every_problem_of_a_row_is_reported_with_its_column() -> None:
    parsed, issues = _parse(收货人=None, 手机="123", 数量="两", 实付金额="免费", 付款时间="昨天", 单号="x")
    assert parsed is None
    assert sorted((i.column, i.code) for i in issues) == sorted([
        ("单号", "IMPORT_ORDER_NUMBER_INVALID"), ("收货人", "IMPORT_REQUIRED"), ("手机", "IMPORT_PHONE_LENGTH"),
        ("数量", "IMPORT_QTY_NOT_WHOLE"), ("实付金额", "IMPORT_AMOUNT_INVALID"), ("付款时间", "IMPORT_DATETIME_INVALID"),
    ])


def test_amounts_and_promotions() -> None:
    parsed, _ = _parse(实付金额="¥1,238.5", 促销活动="满199减20, 下单送帆布袋")
    assert parsed.paid_amount == Decimal("1238.50") and parsed.promotions == ("满199减20", "下单送帆布袋")


def test_mapping_is_configuration_with_header_aliases() -> None:
    assert "pos" in mapping_names()
    assert (MAPPING.source, MAPPING.shop, MAPPING.warehouse) == ("pos", "pos-01", "HZ01")
    columns = MAPPING.columns([" 订单号 ", "收货人", "手机号", "详细地址", "商品编码", "数量", "付款时间"])
    assert columns.missing == () and columns.header["order_number"] == "订单号" and columns.index["phone"] == 2
    assert MAPPING.columns(["单号"]).missing == ("收货人", "手机", "详细地址", "商品编码", "数量", "付款时间")
