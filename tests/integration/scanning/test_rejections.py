"""Every rejection code a scan can get, each stored as a scan event with the answer given."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.orders.holds import place_hold
from server.scanning.models import ScanEvent
from tests.integration.scanning.conftest import (
    CUP_GIFT_PRODUCT,
    MUG,
    NOT_ORDERED,
    TSHIRT,
    Desk,
    printed_order,
)
from tests.support import make_order


def _stored(session: Session, answer: dict) -> ScanEvent:  # type: ignore[type-arg]
    event = session.get(ScanEvent, answer["scan"]["id"])
    assert event is not None
    assert (event.result, event.code) == (answer["result"], answer["code"])
    assert event.answer == answer
    return event


@pytest.mark.parametrize("status", ["pending_payment", "paid", "picking", "refunded", "cancelled"])
def test_only_printed_orders_can_be_opened(session: Session, desk: Desk, status: str) -> None:
    order = make_order(session, status)
    answer = desk.scan(order.order_number)
    assert (answer["result"], answer["code"]) == ("rejected", "ORDER_NOT_READY")
    assert answer["details"]["status"] == status
    assert answer["pack"] is None and answer["step"] == "scan_order"
    assert answer["order"]["order_number"] == order.order_number
    assert (answer["severity"], answer["sound"]) == ("error", "error")
    assert _stored(session, answer).order_id == order.id


@pytest.mark.parametrize("status", ["packed", "shipped", "delivered"])
def test_packed_orders_say_already_packed(session: Session, desk: Desk, status: str) -> None:
    order = make_order(session, status)
    answer = desk.scan(order.order_number)
    assert answer["code"] == "ALREADY_PACKED" and answer["details"]["status"] == status


def test_open_hold_stops_opening_and_names_the_kinds(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    for kind in ("refund_requested", "address_changed"):
        place_hold(session, order, kind, reason="x", actor="t", source_system="t", now=clock.now())
    answer = desk.scan(order.order_number)
    assert answer["code"] == "ORDER_ON_HOLD"
    assert answer["details"]["holds"] == ["address_changed", "refund_requested"]
    assert "申请退款" in answer["message"] and answer["order"]["holds"] == [
        "address_changed",
        "refund_requested",
    ]
    assert answer["pack"] is None


def test_item_not_in_order(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    answer = desk.scan(NOT_ORDERED)
    assert answer["code"] == "ITEM_NOT_IN_ORDER" and answer["details"]["sku"] == "SKU-6001"
    assert answer["scan"]["matched"] == "item" and answer["step"] == "scan_items"
    assert _stored(session, answer).sku == "SKU-6001"


def test_gift_product_barcode_asks_for_the_gift_slip(session: Session, desk: Desk) -> None:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    answer = desk.scan(CUP_GIFT_PRODUCT)
    assert answer["code"] == "ITEM_NOT_IN_ORDER" and answer["details"]["is_gift"] is True
    assert order.order_number + "GIFT" in answer["message"]


def test_over_scan(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    desk.scan(MUG)
    answer = desk.scan(MUG)
    assert answer["code"] == "OVER_SCAN" and answer["details"] == {
        "sku": "SKU-4001",
        "name": "陶瓷马克杯 350ml",
        "qty": 1,
        "required": 1,
        "scanned": 1,
    }
    assert answer["order"]["lines"][1]["scanned"] == 1


def test_gift_code_of_another_order_is_a_mismatch(session: Session, desk: Desk) -> None:
    mine = printed_order(session, gift=True)
    other = printed_order(session, gift=True)
    desk.scan(mine.order_number)
    answer = desk.scan(other.order_number + "GIFT")
    assert answer["code"] == "GIFT_MISMATCH" and answer["details"]["scanned"] == other.order_number + "GIFT"
    assert answer["order"]["gift"]["scanned"] is False and answer["remaining"]["gift"] is True


def test_gift_code_at_an_order_without_gift_is_a_mismatch(session: Session, desk: Desk) -> None:
    plain = printed_order(session)
    desk.scan(plain.order_number)
    answer = desk.scan(plain.order_number + "GIFT")
    assert answer["code"] == "GIFT_MISMATCH" and answer["details"]["gift_number"] is None


def test_completing_without_the_gift_is_refused(session: Session, desk: Desk) -> None:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    desk.scan_all_items()
    by_button = desk.complete()
    assert by_button["code"] == "GIFT_REQUIRED" and by_button["step"] == "scan_gift"
    by_label = desk.scan(order.order_number)
    assert by_label["code"] == "GIFT_REQUIRED" and by_label["scan"]["matched"] == "order"
    assert by_label["order"]["status"] == "printed"


def test_completing_with_items_missing_lists_them(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    desk.scan(TSHIRT)
    answer = desk.complete()
    assert answer["code"] == "ITEMS_MISSING"
    assert answer["details"] == {
        "missing": 2,
        "lines": [
            {"sku": "SKU-1001-BLK-M", "name": "纯棉T恤 黑色 M", "missing": 1},
            {"sku": "SKU-4001", "name": "陶瓷马克杯 350ml", "missing": 1},
        ],
    }


def test_order_locked_names_packer_and_station(session: Session) -> None:
    order = printed_order(session)
    Desk(session, "packer.hz1", "PK01").scan(order.order_number)
    answer = Desk(session, "packer.hz2", "PK02").scan(order.order_number)
    assert answer["code"] == "ORDER_LOCKED"
    assert answer["details"]["packer"] == "李打包" and answer["details"]["station"] == "PK01"
    assert 0 < answer["details"]["expires_in_seconds"] <= 300
    assert "李打包" in answer["message"] and "PK01" in answer["message"]
    assert answer["pack"] is None


def test_another_order_while_packing_is_refused(session: Session, desk: Desk) -> None:
    order, other = printed_order(session), printed_order(session)
    desk.scan(order.order_number)
    answer = desk.scan(other.tracking_number)
    assert answer["code"] == "WRONG_ORDER" and answer["scan"]["matched"] == "tracking"
    assert answer["order"]["order_number"] == order.order_number


def test_order_of_another_warehouse(session: Session, desk: Desk) -> None:
    order = make_order(session, "printed", warehouse_code="SH01")
    answer = desk.scan(order.order_number)
    assert answer["code"] == "WRONG_WAREHOUSE" and answer["details"]["warehouse"] == "SH01"
    assert answer["order"] is None and _stored(session, answer).order_id == order.id


@pytest.mark.parametrize("code", ["NOPE-12345", "XX", "🙂", "订单号"])
def test_unknown_code(session: Session, desk: Desk, code: str) -> None:
    answer = desk.scan(code)
    assert answer["code"] == "UNKNOWN_CODE" and answer["severity"] == "warning"
    assert _stored(session, answer).matched == "unknown"


@pytest.mark.parametrize(
    "code", ["", "   ", "\r\n", "\x00\x01\x1d", "A" * 129, "B" * 10_000, None, 12345, ["x"], {}]
)
def test_garbage_is_invalid_input_and_still_stored(session: Session, desk: Desk, code: object) -> None:
    answer = desk.scan(code)
    assert (answer["result"], answer["code"]) == ("rejected", "INVALID_INPUT")
    assert answer["message"] == "扫描内容无效,请重新扫描"
    event = _stored(session, answer)
    assert event.raw is not None and len(event.raw) <= 256
    if isinstance(code, str):
        assert event.raw_length == len(code)


def test_garbage_inside_a_pack_keeps_the_pack(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    answer = desk.scan("\x00" * 20)
    assert answer["code"] == "INVALID_INPUT" and answer["pack"] is not None and answer["step"] == "scan_items"


def test_no_open_pack(session: Session, desk: Desk) -> None:
    assert desk.complete()["code"] == "NO_OPEN_PACK"
    assert desk.undo()["code"] == "NO_OPEN_PACK"
    assert desk.abandon()["code"] == "NO_OPEN_PACK"
    item_first = desk.scan(TSHIRT)
    assert item_first["code"] == "NO_OPEN_PACK" and item_first["scan"]["matched"] == "item"


@pytest.mark.parametrize("station", ["PK77", "DOCK1", "pk 01"])
def test_station_unknown(session: Session, station: str) -> None:
    desk = Desk(session, station=station)
    answer = desk.scan("ANYTHING")
    assert answer["code"] == "STATION_UNKNOWN" and answer["details"]["station"] == station
    assert _stored(session, answer).station_code == station
    assert desk.state()["code"] == "STATION_UNKNOWN"


def test_every_rejection_is_recorded(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    for code in (NOT_ORDERED, "???", MUG, MUG):
        desk.scan(code)
    rows = session.scalars(
        select(ScanEvent.code).where(ScanEvent.order_id == order.id).order_by(ScanEvent.id)
    ).all()
    assert rows == ["ORDER_OPENED", "ITEM_NOT_IN_ORDER", "UNKNOWN_CODE", "ITEM_ACCEPTED", "OVER_SCAN"]
