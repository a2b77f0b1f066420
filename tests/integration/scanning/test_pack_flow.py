"""A pack from first scan to completion: items, case barcodes, the gift gate, completion by label scan."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.orders.ingest import IngestLine
from server.orders.models import GiftOrder, Order, StatusTransition
from server.scanning.models import PackSession, ScanEvent
from tests.integration.scanning.conftest import MUG, MUG_CASE, TSHIRT, Desk, printed_order


def test_full_pack_with_gift_by_scans_only(session: Session, desk: Desk) -> None:
    order = printed_order(session, gift=True)
    opened = desk.scan(order.order_number)
    assert opened["result"] == "ok" and opened["code"] == "ORDER_OPENED"
    assert opened["step"] == "scan_items"
    assert opened["remaining"] == {"items": 3, "gift": True}
    assert opened["pack"]["station"] == "PK01" and opened["pack"]["packer"] == "李打包"
    card = opened["order"]
    assert card["order_number"] == order.order_number and card["status"] == "printed"
    assert [ln["sku"] for ln in card["lines"]] == ["SKU-1001-BLK-M", "SKU-4001"]
    assert card["lines"][0]["barcodes"] == [TSHIRT]
    assert card["gift"]["gift_number"] == order.order_number + "GIFT" and card["gift"]["scanned"] is False
    assert card["address"]["name"] == "张*" and card["address"]["phone"] == "138****5678"
    assert card["address"]["changed"] is False

    first = desk.scan(TSHIRT)
    assert (first["code"], first["sound"], first["order"]["lines"][0]["scanned"]) == (
        "ITEM_ACCEPTED",
        "success",
        1,
    )
    desk.scan(TSHIRT)
    last_item = desk.scan(MUG)
    assert last_item["step"] == "scan_gift" and last_item["remaining"] == {"items": 0, "gift": True}

    gift = desk.scan(order.order_number + "GIFT")
    assert gift["code"] == "GIFT_ACCEPTED" and gift["step"] == "confirm"
    assert gift["order"]["gift"]["scanned"] is True

    done = desk.scan(order.tracking_number)
    assert done["code"] == "PACK_COMPLETED" and done["step"] == "done"
    assert done["scan"]["matched"] == "tracking"
    assert done["order"]["status"] == "packed"
    session.expire_all()
    assert session.get(Order, order.id).status == "packed"  # type: ignore[union-attr]
    gift_row = session.scalars(select(GiftOrder).where(GiftOrder.order_id == order.id)).one()
    assert gift_row.status == "packed" and gift_row.packed_at is not None
    trail = session.scalars(select(StatusTransition).where(StatusTransition.order_id == order.id)).all()
    assert ("gift", "pending", "packed") in {(t.subject, t.from_status, t.to_status) for t in trail}
    assert ("order", "printed", "packed") in {(t.subject, t.from_status, t.to_status) for t in trail}
    pack = session.scalars(select(PackSession).where(PackSession.order_id == order.id)).one()
    assert pack.status == "completed"
    assert (
        session.scalar(select(func.count()).select_from(ScanEvent).where(ScanEvent.order_id == order.id)) == 6
    )
    assert desk.state()["step"] == "scan_order"


def test_case_barcode_counts_its_quantity(session: Session, desk: Desk) -> None:
    order = printed_order(session, lines=(IngestLine("SKU-4001", "陶瓷马克杯 350ml", 7),))
    desk.scan(order.order_number)
    case = desk.scan(MUG_CASE)
    assert case["code"] == "ITEM_ACCEPTED" and case["scan"]["qty"] == 6
    assert case["order"]["lines"][0]["scanned"] == 6 and case["remaining"]["items"] == 1
    over = desk.scan(MUG_CASE)
    assert over["result"] == "rejected" and over["code"] == "OVER_SCAN"
    assert over["details"]["required"] == 7 and over["details"]["scanned"] == 6
    assert desk.scan(MUG)["step"] == "confirm"
    assert desk.complete()["code"] == "PACK_COMPLETED"


def test_order_can_be_opened_by_tracking_number_and_completed_by_order_number(
    session: Session, desk: Desk
) -> None:
    order = printed_order(session)
    opened = desk.scan(order.tracking_number)
    assert opened["code"] == "ORDER_OPENED" and opened["scan"]["matched"] == "tracking"
    desk.scan_all_items()
    done = desk.scan(order.order_number)
    assert done["code"] == "PACK_COMPLETED" and done["scan"]["matched"] == "order"


def test_scanner_noise_around_codes_is_ignored(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    assert desk.scan(f"  {order.order_number.lower()}\r\n")["code"] == "ORDER_OPENED"
    assert desk.scan(f"]E0{TSHIRT}\r")["code"] == "ITEM_ACCEPTED"
    assert desk.scan(f"(01)0{TSHIRT}")["code"] == "ITEM_ACCEPTED"
    assert desk.scan(f"]C1\x1d010{MUG}\r\n")["code"] == "ITEM_ACCEPTED"


def test_state_follows_the_pack(session: Session, desk: Desk) -> None:
    idle = desk.state()
    assert (idle["result"], idle["step"], idle["pack"], idle["order"]) == ("ok", "scan_order", None, None)
    assert idle["message"] == idle["prompt"] == "请扫描订单号或运单号"
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    desk.scan(TSHIRT)
    state = desk.state()
    assert state["step"] == "scan_items" and state["order"]["lines"][0]["scanned"] == 1
    assert state["remaining"] == {"items": 2, "gift": True} and state["scan"] is None
    assert state["pack"]["packer"] == "李打包"


def test_events_published_after_each_call(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    opened = desk.scan_result(order.order_number)
    [progress] = opened.events
    assert progress.name == "pack_progress" and progress.station == "PK01" and progress.warehouse == "HZ01"
    assert (
        progress.payload["counts"] == {"required": 3, "scanned": 0}
        and progress.payload["step"] == "scan_items"
    )
    desk.scan_all_items()
    done = desk.complete_result()
    names = [e.name for e in done.events]
    assert sorted(names) == ["order_updated", "pack_progress"]
    updated = next(e for e in done.events if e.name == "order_updated")
    assert updated.payload["order"]["status"] == "packed" and updated.warehouse == "HZ01"


def test_english_messages(session: Session) -> None:
    desk = Desk(session, locale="en")
    order = printed_order(session, gift=True)
    assert desk.scan(order.order_number)["message"] == f"Packing {order.order_number}: scan the items"
    rejected = desk.complete()
    assert rejected["code"] == "ITEMS_MISSING" and rejected["message"] == "3 item(s) still to scan"
    assert rejected["prompt"] == "Scan the items (3 to go)"
    zh = Desk(session, station="PK01")
    assert zh.complete()["message"] == "还有 3 件商品未扫描"
