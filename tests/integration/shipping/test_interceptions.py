"""The dock is the last gate: a refund or a hold that arrived after packing stops the parcel with a loud
ORDER_ON_HOLD, is recorded once as an interception, counts in the day's metrics, and a refunded order's
label is voided at the courier by the follow-up job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.labels.models import WaybillRecord
from server.orders.holds import place_hold
from server.shipping.models import Interception
from server.shipping.queries import dock_interception_events, interceptions_per_day
from server.shipping.waybills import void_intercepted_labels
from simulators.base import SimulatorHandle
from tests.integration.shipping.conftest import (
    MUG,
    TSHIRT,
    Dock,
    order_of,
    pack,
    packages,
    printed_order,
    printed_with_sim_label,
    refund,
    sim_waybills,
)


def test_a_refund_after_packing_is_stopped_at_the_dock_and_its_label_voided(
    session: Session, connector, zto: SimulatorHandle
) -> None:
    order = printed_with_sim_label(session, connector)
    tracking = order.tracking_number
    assert sim_waybills(zto)[tracking]["status"] == "issued"
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    refund(session, order)

    dock = Dock(session)
    answer = dock.scan(tracking)
    assert (answer["result"], answer["code"], answer["severity"], answer["sound"]) == (
        "rejected",
        "ORDER_ON_HOLD",
        "error",
        "error",
    )
    assert answer["intercepted"] is True and answer["details"]["reason"] == "已退款"
    assert f"拦截!订单 {order.order_number}" in answer["message"]
    assert answer["batch"]["counts"] == {"scanned": 0, "intercepted": 1, "weight_g": 0}
    again = dock.scan(tracking)  # scanned again: still loud, still one interception
    assert again["code"] == "ORDER_ON_HOLD" and again["batch"]["counts"]["intercepted"] == 1
    [row] = session.scalars(select(Interception).where(Interception.order_id == order.id))
    assert (row.stage, row.station_code, row.order_status, row.stopped_by) == (
        "scan",
        "DOCK1",
        "refunded",
        "user:packer.hz1",
    )
    assert row.batch_id == dock.batch.id and row.tracking_number == tracking and row.label_void == "requested"
    assert [(j.func.rsplit(".", 1)[1], j.args, j.queue) for j in dock.jobs] == [
        ("void_intercepted_labels_job", (order.order_number,), "labels"),
        ("void_intercepted_labels_job", (order.order_number,), "labels"),
    ]  # same deterministic job id twice: the queue keeps one
    assert len({j.job_id for j in dock.jobs}) == 1
    assert any(e.name == "order_updated" and e.payload["change"] == "intercepted" for e in dock.events)

    # The follow-up job's work: the courier voids the waybill; a second run changes nothing.
    assert (
        void_intercepted_labels(session, order_of(session, order.order_number), connector, now=clock.now())
        == 0
    )
    assert sim_waybills(zto)[tracking]["status"] == "voided"
    assert (
        void_intercepted_labels(session, order_of(session, order.order_number), connector, now=clock.now())
        == 0
    )
    assert len(zto.app.journal.entries("zto.open.cancelOrder")) == 1
    [package] = packages(session, order)
    assert package.waybill_status == "voided"
    record = session.scalars(select(WaybillRecord).where(WaybillRecord.order_id == order.id)).one()
    assert (record.status, record.cancel_status) == ("voided", "cancelled")
    session.expire_all()
    assert session.get(Interception, row.id).label_void == "voided"

    today = clock.local_day(clock.now(), zto_tz())
    assert interceptions_per_day(session, "HZ01", today - timedelta(days=1), today) == {
        today - timedelta(days=1): 0,
        today: 1,
    }


def zto_tz():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_a_hold_placed_after_the_scan_stops_the_parcel_when_the_batch_closes(session: Session) -> None:
    held, fine = printed_order(session), printed_order(session)
    pack(session, held, [TSHIRT, TSHIRT, MUG])
    pack(session, fine, [TSHIRT, TSHIRT, MUG])
    dock = Dock(session)
    assert dock.scan(held.tracking_number)["code"] == "PARCEL_ADDED"
    assert dock.scan(fine.tracking_number)["code"] == "PARCEL_ADDED"
    place_hold(
        session, held, "address_changed", reason="CRM", actor="crm", source_system="crm", now=clock.now()
    )
    closed = dock.close()
    assert closed.shipped == [fine.order_number]
    assert [(s["order_number"], s["tracking_number"]) for s in closed.stopped] == [
        (held.order_number, held.tracking_number)
    ]
    assert order_of(session, held.order_number).status == "packed"
    assert order_of(session, fine.order_number).status == "shipped"
    [row] = session.scalars(select(Interception).where(Interception.order_id == held.id))
    assert (row.stage, row.hold_kinds, row.label_void) == ("close", "address_changed", None)
    assert closed.batch.parcel_count == 1
    assert not any(
        j.func.endswith("void_intercepted_labels_job") for j in closed.jobs
    )  # a hold is not a refund


def test_holds_and_cancellations_are_intercepted_and_counted_per_order_and_day(session: Session) -> None:
    refund_pending, cancelled = printed_order(session), printed_order(session)
    for order in (refund_pending, cancelled):
        pack(session, order, [TSHIRT, TSHIRT, MUG])
    place_hold(
        session,
        refund_pending,
        "refund_pending",
        reason="WAIT_SELLER_AGREE",
        actor="taobao",
        source_system="taobao",
        now=clock.now(),
    )
    from server.orders.transitions import apply_transition

    apply_transition(
        session, cancelled, "cancelled", actor="pdd", source_system="pdd", reason=None, now=clock.now()
    )
    dock, other = Dock(session), Dock(session, courier="YTO")
    held = dock.scan(refund_pending.tracking_number)
    assert held["code"] == "ORDER_ON_HOLD" and held["details"]["holds"] == ["refund_pending"]
    assert held["details"]["reason"] == "退款中"
    dock.locale = "en"
    assert dock.scan(cancelled.tracking_number)["message"].startswith(
        f"STOP! Order {cancelled.order_number} (cancelled)"
    )
    other.scan(refund_pending.tracking_number)  # the same order stopped again in another batch, same day
    rows = list(
        dock_interception_events(
            session,
            clock.now() - timedelta(hours=1),
            clock.now() + timedelta(hours=1),
            [dock.batch.warehouse_id],
        )
    )
    assert len(rows) == 3
    today = clock.local_day(clock.now(), zto_tz())
    assert interceptions_per_day(session, "HZ01", today, today) == {today: 2}  # distinct orders
    assert interceptions_per_day(session, "SH01", today, today) == {today: 0}
