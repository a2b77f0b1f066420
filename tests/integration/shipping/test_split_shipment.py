"""A pack split into boxes becomes packages with their own tracking numbers; the order ships partly, then
fully, as its packages leave the dock in two pickups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.shipping.boxes import Snapshot, split_boxes
from server.shipping.models import PackageEvent
from server.shipping.queries import order_packages
from server.shipping.waybills import ensure_package_waybill
from simulators.base import SimulatorHandle
from tests.integration.shipping.conftest import (
    MUG,
    TSHIRT,
    Desk,
    Dock,
    new_box,
    order_of,
    pack,
    packages,
    printed_order,
    sim_waybills,
)


def test_a_pack_in_two_boxes_gets_two_packages_and_ships_partly_then_fully(
    session: Session, connector, zto: SimulatorHandle
) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT], [MUG])
    first, second = packages(session, order)
    assert [(ln.sku, ln.qty) for ln in first.lines] == [("SKU-1001-BLK-M", 2)]
    assert [(ln.sku, ln.qty) for ln in second.lines] == [("SKU-4001", 1)]
    assert first.tracking_number == order.tracking_number and first.waybill_ref == f"{order.order_number}-L1"
    assert second.tracking_number is None and second.waybill_ref == f"{order.order_number}-P2-L1"

    answer = ensure_package_waybill(session, second.id, connector, actor="user:packer.hz1", now=clock.now())
    again = ensure_package_waybill(session, second.id, connector, actor="user:packer.hz1", now=clock.now())
    assert answer.state == again.state == "issued"
    tracking_2 = answer.package.tracking_number
    assert tracking_2 and tracking_2 != order.tracking_number
    issued = sim_waybills(zto)
    assert [w["partner_order_code"] for w in issued.values()] == [f"{order.order_number}-P2-L1"]  # asked once

    dock = Dock(session)
    assert dock.scan(order.tracking_number)["code"] == "PARCEL_ADDED"
    closed = dock.close()
    assert closed.partial == [order.order_number] and closed.shipped == []
    order = order_of(session, order.order_number)
    assert order.status == "packed"
    view = order_packages(session, order, "zh-CN")
    assert view["shipment_state"] == "partially_shipped" and view["partially_shipped"] is True
    assert [p["state"] for p in view["packages"]] == ["handed_over", "packed"]
    assert [j.func.rsplit(".", 1)[1] for j in closed.jobs] == ["confirm_package_shipment"]
    assert any(e.payload.get("change") == "partially_shipped" for e in closed.events)

    later = Dock(session)
    assert later.batch.id != dock.batch.id
    answer = later.scan(tracking_2)
    assert (answer["code"], answer["parcel"]["package_no"], answer["parcel"]["package_count"]) == (
        "PARCEL_ADDED",
        2,
        2,
    )
    closed = later.close()
    assert closed.shipped == [order.order_number]
    order = order_of(session, order.order_number)
    assert order.status == "shipped" and order.shipped_at is not None
    assert order_packages(session, order, "en")["shipment_state"] == "shipped"
    assert [p.completes_order for p in packages(session, order)] == [False, True]


def test_the_gift_travels_in_the_box_that_got_the_gift_scan(session: Session) -> None:
    order = printed_order(session, gift=True)
    desk = Desk(session)
    desk.scan(order.order_number)
    desk.scan(TSHIRT)
    desk.scan(order.gift.gift_number)
    assert new_box(desk)["details"] == {"box": 1, "next_box": 2, "units": 1}
    assert new_box(desk)["code"] == "BOX_EMPTY"  # nothing went into box 2 yet
    desk.scan(TSHIRT)
    desk.scan(MUG)
    assert desk.complete()["code"] == "PACK_COMPLETED"
    first, second = packages(session, order)
    assert first.contains_gift and not second.contains_gift
    assert [(ln.sku, ln.qty, ln.is_gift) for ln in first.lines] == [
        ("SKU-1001-BLK-M", 1, False),
        ("GIFT-CUP-01", 1, True),
    ]
    assert sorted((ln.sku, ln.qty) for ln in second.lines) == [("SKU-1001-BLK-M", 1), ("SKU-4001", 1)]
    kinds = session.scalars(
        select(PackageEvent.kind).where(PackageEvent.package_id.in_([first.id, second.id]))
    )
    assert sorted(kinds) == ["created", "created"]


def test_one_box_is_one_package_with_the_order_label(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    [only] = packages(session, order)
    assert only.seq == 1 and only.tracking_number == order.tracking_number and only.waybill_status == "issued"
    assert only.expected_weight_g == 2 * 210 + 330


def test_box_split_clamps_an_undo_after_a_box_was_closed() -> None:
    # Box 1 was closed with 2 T-shirts, then one of those scans was undone: box 1 keeps 1, nothing is negative.
    boxes = split_boxes([Snapshot({"T": 2}, False)], {"T": 1, "M": 1}, gift_packed=False)
    assert [(b.units, b.gift) for b in boxes] == [({"T": 1}, False), ({"M": 1}, False)]
    assert [
        b.units for b in split_boxes([Snapshot({"T": 1}, False), Snapshot({"T": 1}, False)], {"T": 2}, False)
    ] == [
        {"T": 1},
        {"T": 1},
    ]
    [alone] = split_boxes([], {"T": 3}, gift_packed=True)
    assert alone.units == {"T": 3} and alone.gift
