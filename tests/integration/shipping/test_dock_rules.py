"""The dock's own rules: idempotent scans, duplicates, other batches, couriers and warehouses, weights a
lead must accept, and an order whose lines live in two warehouses shipping one package per warehouse."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.errors import Conflict, Forbidden
from server.shipping import handover
from server.shipping.common import get_package
from server.shipping.models import HandoverScan, PackageEvent
from server.shipping.queries import order_packages, waiting_by_courier
from server.shipping.sources import assign_line_warehouse
from server.shipping.waybills import ensure_package_waybill
from server.shipping.weighing import accept_weight, weigh
from tests.integration.shipping.conftest import (
    MUG,
    POLICY,
    TSHIRT,
    Desk,
    Dock,
    order_of,
    pack,
    packages,
    printed_order,
    refund,
    worker_of,
)
from tests.support import DEMO_BADGES, FakeCourier, make_order


def test_scans_are_idempotent_and_duplicates_are_told(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    dock = Dock(session)
    first = dock.scan(order.tracking_number, client_scan_id="wedge-1")
    retry = dock.scan(order.tracking_number, client_scan_id="wedge-1")
    assert first["code"] == "PARCEL_ADDED" and retry == {**first, "replayed": True}
    dup = dock.scan(f"  {order.tracking_number}\r\n")
    assert (dup["result"], dup["code"], dup["severity"], dup["sound"]) == (
        "duplicate",
        "PARCEL_DUPLICATE",
        "info",
        "warning",
    )
    assert dup["batch"]["counts"]["scanned"] == 1
    assert (
        session.scalar(select(HandoverScan.code).where(HandoverScan.client_scan_id == "wedge-1"))
        == "PARCEL_ADDED"
    )
    other = Dock(session, courier="ZTO", username="packer.hz2")
    assert other.batch.id == dock.batch.id  # one open batch per dock and courier: resumed, not doubled
    yto = Dock(session, courier="YTO")
    assert yto.scan(order.tracking_number)["code"] == "IN_OTHER_BATCH"
    unknown = dock.scan("7310999999999")
    assert (unknown["code"], unknown["severity"]) == ("UNKNOWN_PARCEL", "warning")
    assert dock.scan(order.order_number)["code"] == "NOT_A_TRACKING_NUMBER"
    assert dock.scan("")["code"] == "INVALID_INPUT"
    dock.close()
    assert yto.scan(order.tracking_number)["code"] == "ALREADY_HANDED_OVER"
    with pytest.raises(Conflict):
        dock.close()
    assert dock.scan(order.tracking_number)["code"] == "BATCH_CLOSED"


def test_wrong_courier_and_wrong_warehouse_are_refused(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    answer = Dock(session, courier="SF").scan(order.tracking_number)
    assert answer["code"] == "WRONG_COURIER" and "中通快递" in answer["message"]
    sh = printed_order(session, warehouse_code="SH01")
    pack(session, sh, [TSHIRT, TSHIRT, MUG], username="packer.sh1")
    assert Dock(session).scan(sh.tracking_number)["code"] == "WRONG_WAREHOUSE"
    assert Dock(session, username="packer.sh1").scan(sh.tracking_number)["code"] == "PARCEL_ADDED"
    with pytest.raises(Forbidden):
        handover.get_batch(session, Dock(session).batch.id, worker_of(session, "packer.sh1"))


def test_a_weight_mismatch_stops_the_parcel_until_a_lead_accepts_it(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    [package] = packages(session, order)
    packer, lead = worker_of(session, "packer.hz1"), worker_of(session, "lead.hz")
    ok = weigh(session, package, 800, "scale", packer, POLICY, now=clock.now())  # 750 g goods + 80 g box
    assert (ok.code, ok.expected_g, ok.tolerance_g) == ("WEIGHT_OK", 830, 83)
    heavy = weigh(session, package, 1400, "manual", packer, POLICY, now=clock.now())
    assert heavy.mismatch and heavy.details["difference"] == 570
    dock = Dock(session)
    assert dock.scan(order.tracking_number)["code"] == "PARCEL_WEIGHT_MISMATCH"
    with pytest.raises(Forbidden):  # a packer's own token is not a lead's word
        accept_weight(
            session, package, packer, lead_badge=None, reason="heavy box", policy=POLICY, now=clock.now()
        )
    with pytest.raises(Forbidden):  # a lead of another warehouse neither
        accept_weight(
            session,
            package,
            packer,
            lead_badge=DEMO_BADGES["lead.sh"],
            reason="x",
            policy=POLICY,
            now=clock.now(),
        )
    accepted = accept_weight(
        session,
        package,
        packer,
        lead_badge=DEMO_BADGES["lead.hz"],
        reason="厚纸箱",
        policy=POLICY,
        now=clock.now(),
    )
    assert accepted.code == "WEIGHT_ACCEPTED" and package.weight_accepted_by == "王组长 (lead.hz)"
    with pytest.raises(Conflict):
        accept_weight(session, package, lead, lead_badge=None, reason="again", policy=POLICY, now=clock.now())
    assert dock.scan(order.tracking_number)["code"] == "PARCEL_ADDED"
    assert dock.close().batch.total_weight_g == 1400
    audit = session.execute(
        select(PackageEvent.kind, PackageEvent.actor)
        .where(PackageEvent.package_id == package.id)
        .order_by(PackageEvent.id)
    ).all()
    assert [tuple(a) for a in audit] == [
        ("created", "user:packer.hz1"),
        ("weighed", "user:packer.hz1"),
        ("weighed", "user:packer.hz1"),
        ("weight_accepted", "user:lead.hz"),
    ]


def test_lines_in_two_warehouses_ship_as_one_package_per_warehouse(session: Session) -> None:
    order = printed_order(session)
    assign_line_warehouse(session, order, 2, "SH01", actor="user:lead.hz", now=clock.now())  # the mug
    desk = Desk(session)
    opened = desk.scan(order.order_number)
    assert opened["remaining"]["items"] == 2  # HZ01 packs the T-shirts only
    assert desk.scan(MUG)["code"] == "OVER_SCAN"  # the mug is not HZ01's to pack
    desk.scan(TSHIRT)
    desk.scan(TSHIRT)
    assert desk.complete()["code"] == "PACK_COMPLETED"
    hz, sh = packages(session, order)
    assert (hz.status, hz.warehouse_id == order.warehouse_id, [ln.sku for ln in hz.lines]) == (
        "packed",
        True,
        ["SKU-1001-BLK-M"],
    )
    assert (sh.status, sh.seq, [ln.sku for ln in sh.lines]) == ("to_pack", 2, ["SKU-4001"])
    assert sh.warehouse_id != order.warehouse_id
    courier = FakeCourier()
    ensure_package_waybill(session, sh.id, courier, actor="test", now=clock.now())
    assert list(courier.issued) == [f"{order.order_number}-P2-L1"]
    sh_dock = Dock(session, username="packer.sh1")
    assert sh_dock.scan(sh.tracking_number)["code"] == "PACKAGE_NOT_PACKED"
    weigh(
        session,
        get_package(session, sh.id),
        400,
        "scale",
        worker_of(session, "packer.sh1"),
        POLICY,
        now=clock.now(),
    )
    assert Dock(session).scan(sh.tracking_number)["code"] == "WRONG_WAREHOUSE"  # not HZ01's dock
    assert Dock(session).scan(hz.tracking_number)["code"] == "PARCEL_ADDED"
    assert Dock(session).close().partial == [order.order_number]
    assert sh_dock.scan(sh.tracking_number)["code"] == "PARCEL_ADDED"
    assert sh_dock.close().shipped == [order.order_number]
    view = order_packages(session, order_of(session, order.order_number), "zh-CN")
    assert [(p["warehouse"], p["state"]) for p in view["packages"]] == [
        ("HZ01", "handed_over"),
        ("SH01", "handed_over"),
    ]


def test_the_dock_sees_what_waits_per_courier(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    hz = worker_of(session, "packer.hz1").warehouse_id
    before = {c["code"]: c["waiting"] for c in waiting_by_courier(session, hz)}
    assert before["ZTO"] >= 1
    dock = Dock(session)
    dock.scan(order.tracking_number)
    dock.close()
    after = {c["code"]: c["waiting"] for c in waiting_by_courier(session, hz)}
    assert after["ZTO"] == before["ZTO"] - 1


def test_an_order_packed_before_packages_existed_is_adopted_at_the_dock(session: Session) -> None:
    legacy, refunded = make_order(session, "packed"), make_order(session, "packed")  # no pack station
    refund(session, refunded)
    dock = Dock(session)
    answer = dock.scan(legacy.tracking_number)
    assert answer["code"] == "PARCEL_ADDED" and answer["parcel"]["package_count"] == 1
    [adopted] = packages(session, legacy)
    assert sorted((ln.sku, ln.qty) for ln in adopted.lines) == [("SKU-1001-BLK-M", 2), ("SKU-4001", 1)]
    assert dock.scan(refunded.tracking_number)["code"] == "ORDER_ON_HOLD"
    assert dock.close().shipped == [legacy.order_number]
