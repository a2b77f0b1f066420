"""Undo of the last accepted scan (audited) and abandoning a pack."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.scanning.models import PackItem, PackSession, ScanEvent
from tests.integration.scanning.conftest import MUG, TSHIRT, Desk, printed_order


def test_undo_steps_back_one_accepted_scan_at_a_time(session: Session, desk: Desk) -> None:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    first = desk.scan(TSHIRT)
    desk.scan("JUNK-CODE")  # rejected scans are not undone
    desk.scan(order.order_number + "GIFT")

    gift_undone = desk.undo()
    assert gift_undone["code"] == "SCAN_UNDONE" and gift_undone["scan"]["matched"] == "gift"
    assert gift_undone["remaining"] == {"items": 2, "gift": True} and "赠品" in gift_undone["message"]

    item_undone = desk.undo()
    assert item_undone["scan"]["sku"] == "SKU-1001-BLK-M" and item_undone["order"]["lines"][0]["scanned"] == 0
    assert item_undone["details"]["undone_scan_id"] == first["scan"]["id"]
    undone = session.get(ScanEvent, first["scan"]["id"])
    session.refresh(undone)  # type: ignore[arg-type]
    assert (
        undone is not None and undone.undone_at is not None and undone.undone_by == item_undone["scan"]["id"]
    )

    nothing = desk.undo()
    assert nothing["code"] == "NOTHING_TO_UNDO" and nothing["step"] == "scan_items"
    kinds = session.scalars(select(ScanEvent.kind).where(ScanEvent.order_id == order.id)).all()
    assert kinds.count("undo") == 3


def test_undo_of_a_case_returns_all_its_units(session: Session, desk: Desk) -> None:
    from server.orders.ingest import IngestLine

    order = printed_order(session, lines=(IngestLine("SKU-4001", "陶瓷马克杯 350ml", 6),))
    desk.scan(order.order_number)
    assert desk.scan("16938012000187")["remaining"]["items"] == 0
    assert desk.undo()["remaining"]["items"] == 6
    assert (
        session.scalar(
            select(PackItem.scanned).where(PackItem.sku == "SKU-4001").order_by(PackItem.id.desc())
        )
        == 0
    )


def test_abandon_frees_station_and_order(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    desk.scan(TSHIRT)
    answer = desk.abandon("包装破损")
    assert answer["code"] == "PACK_ABANDONED" and answer["step"] == "scan_order"
    assert answer["pack"]["status"] == "abandoned" and answer["remaining"] == {"items": 0, "gift": False}
    pack = session.scalars(select(PackSession).where(PackSession.order_id == order.id)).one()
    assert (
        pack.status == "abandoned" and pack.close_reason == "包装破损" and pack.closed_by == "user:packer.hz1"
    )
    assert desk.state()["step"] == "scan_order"
    session.refresh(order)
    assert order.status == "printed"
    reopened = Desk(session, "packer.hz2", "PK02").scan(order.order_number)
    assert reopened["code"] == "ORDER_OPENED" and reopened["order"]["lines"][0]["scanned"] == 0
    assert desk.scan(MUG)["code"] == "NO_OPEN_PACK"
