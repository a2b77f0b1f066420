"""Shipment confirmations per package and label voids, run by a real RQ burst worker against the
simulators: the platform simulator records ONE ship confirmation per package however often the job runs
(a lost reply retried, the job delivered twice), the WMS hears PARTDELIVERED then DELIVERED, the ERP gets
one outbound bill per package, and an order refunded after packing has its waybill voided at the courier."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.integrations.courier_zto import ZtoConnector
from server.integrations.http import Timeouts
from server.integrations.models import StatusPush
from server.labels.printing import print_label
from server.orders.transitions import apply_transition
from server.shipping.models import ShipmentConfirmation
from server.shipping.waybills import ensure_package_waybill
from tests.integration.shipping.conftest import MUG, TSHIRT, Dock, pack, packages
from tests.support import FakeCourier, make_order
from tests.workers import harness as h
from workers import queues
from workers.jobs import shipping as jobs
from workers.jobs import sync as sync_jobs

OFFLINE_SEND = "taobao.logistics.offline.send"


@pytest.fixture
def dock_db(clean_db: Engine) -> Iterator[Engine]:
    """The worker database with no batches left over (TRUNCATE orders does not reach them)."""
    with clean_db.begin() as conn:
        conn.execute(text("TRUNCATE handover_batches RESTART IDENTITY CASCADE"))
    yield clean_db


def _tmall_trade(sims: Any, seed: int) -> str:
    [tid] = sorted(h.seed_orders(sims["taobao"], 1, seed=seed, oldest_min=30))
    sims["taobao"].app.orders[tid]["status"] = "WAIT_SELLER_SEND_GOODS"
    return tid


def _pdd_order(sims: Any, seed: int) -> str:
    [sn] = sorted(h.seed_orders(sims["pdd"], 1, seed=seed, oldest_min=30))
    sims["pdd"].app.orders[sn].update(order_status=1, confirm_status=1, refund_status=1, group_status=1)
    return sn


def _hand_over(session: Session, *trackings: str) -> list[Any]:
    dock = Dock(session)
    for tracking in trackings:
        assert dock.scan(tracking)["code"] == "PARCEL_ADDED", tracking
    return dock.close().jobs


def _enqueue(rt: Any, followups: list[Any]) -> None:
    for job in followups:
        rt.jobs.enqueue(job.func, *job.args, queue=job.queue, job_id=job.job_id)


def test_one_ship_confirmation_per_package_even_when_the_job_is_retried(
    configure_workers, run_worker, sims, dock_db
) -> None:
    rt = configure_workers()
    tid, sn = _tmall_trade(sims, 21), _pdd_order(sims, 22)
    with Session(dock_db) as session:
        tmall = make_order(session, "printed", source="tmall", shop_code="tmall-01", external_id=tid)
        pdd = make_order(session, "printed", source="pdd", shop_code="pdd-01", external_id=sn)
        for order in (tmall, pdd):
            pack(session, order, [TSHIRT, TSHIRT, MUG])
        followups = _hand_over(session, tmall.tracking_number, pdd.tracking_number)
        numbers = {tmall.order_number: tmall.tracking_number, pdd.order_number: pdd.tracking_number}
        tmall_number, pdd_number = tmall.order_number, pdd.order_number
        session.commit()
    # The platform applies the first confirmation but its reply is lost: the job asks again (same
    # tracking number, a success that ships nothing twice); and the same jobs are delivered twice.
    h.fault(sims["taobao"], op=OFFLINE_SEND, kind="timeout_after", seconds=1.0)
    _enqueue(rt, followups)
    run_worker(queues.SYNC)
    _enqueue(rt, followups)
    run_worker(queues.SYNC)
    for job in followups:
        jobs.confirm_package_shipment(*job.args)

    assert [(s["tid"], s["out_sid"], s["calls"]) for s in sims["taobao"].app.shipments] == [
        (tid, numbers[tmall_number], 2)
    ]
    assert [(s["order_sn"], s["tracking_number"], s["calls"]) for s in sims["pdd"].app.shipments] == [
        (sn, numbers[pdd_number], 1)
    ]
    assert sims["taobao"].app.orders[tid]["status"] == "WAIT_BUYER_CONFIRM_GOODS"
    assert h.calls(sims["taobao"], OFFLINE_SEND) == 2  # the lost reply and its retry, nothing after
    confirms = {c["outBizCode"]: c for c in sims["wms"].app.confirmations}
    assert set(confirms) == {f"{n}-P1-shipped" for n in numbers}
    assert {c["status"] for c in confirms.values()} == {"DELIVERED"}
    assert confirms[f"{tmall_number}-P1-shipped"]["packages"][0]["expressCode"] == numbers[tmall_number]
    bills = sims["kingdee"].app.bills["SAL_OUTSTOCK"]
    assert sorted(b["header"]["fnote"] for b in bills) == sorted(f"packline {n}-P1" for n in numbers)
    with Session(dock_db) as session:
        rows = session.execute(select(ShipmentConfirmation.system, ShipmentConfirmation.status)).all()
        assert sorted(tuple(r) for r in rows) == sorted(
            [(s, "confirmed") for s in ("platform", "wms", "erp")] * 2
        )
        pushed = set(session.execute(select(StatusPush.status, StatusPush.system)).all())
    assert {tuple(p) for p in pushed} == {("shipped", "wms"), ("shipped", "erp")}
    # The order-level push finds nothing left to send: no second outbound bill, no second WMS confirm.
    assert sync_jobs.push_status(tmall_number, "shipped")["pushed"] == []
    assert len(sims["kingdee"].app.bills["SAL_OUTSTOCK"]) == 2


def test_a_split_order_confirms_each_package_as_it_leaves(
    configure_workers, run_worker, sims, dock_db
) -> None:
    rt = configure_workers()
    tid = _tmall_trade(sims, 23)
    with Session(dock_db) as session:
        order = make_order(session, "printed", source="tmall", shop_code="tmall-01", external_id=tid)
        pack(session, order, [TSHIRT, TSHIRT], [MUG])
        _first, second = packages(session, order)
        second_tracking = ensure_package_waybill(
            session, second.id, FakeCourier(), actor="test", now=clock.now()
        ).package.tracking_number
        first_jobs = _hand_over(session, order.tracking_number)
        session.commit()
        number, tracking = order.order_number, order.tracking_number
    _enqueue(rt, first_jobs)
    run_worker(queues.SYNC)
    with Session(dock_db) as session:
        later_jobs = _hand_over(session, second_tracking)
        session.commit()
    _enqueue(rt, later_jobs)
    run_worker(queues.SYNC)
    jobs.confirm_package_shipment(later_jobs[0].args[0])  # once more: nothing new anywhere

    statuses = [(c["outBizCode"], c["status"]) for c in sims["wms"].app.confirmations]
    assert statuses == [(f"{number}-P1-shipped", "PARTDELIVERED"), (f"{number}-P2-shipped", "DELIVERED")]
    assert sorted(b["header"]["fnote"] for b in sims["kingdee"].app.bills["SAL_OUTSTOCK"]) == [
        f"packline {number}-P1",
        f"packline {number}-P2",
    ]
    # The platform took package 1's tracking number; the simulated TOP (like the real offline.send) ships
    # a trade once, so package 2 is refused — recorded on the package, not retried.
    assert [(s["out_sid"], s["calls"]) for s in sims["taobao"].app.shipments] == [(tracking, 1)]
    p2_calls = [e for e in sims["taobao"].app.journal.entries(OFFLINE_SEND) if second_tracking in str(e)]
    assert len(p2_calls) == 1
    with Session(dock_db) as session:
        rows = session.execute(
            select(ShipmentConfirmation.system, ShipmentConfirmation.status, ShipmentConfirmation.detail)
        ).all()
    by = sorted((s, st) for s, st, _ in rows)
    assert by == sorted(
        [
            ("platform", "confirmed"),
            ("platform", "rejected"),
            ("wms", "confirmed"),
            ("wms", "confirmed"),
            ("erp", "confirmed"),
            ("erp", "confirmed"),
        ]
    )
    assert any("B04" in (d or "") for s, st, d in rows if st == "rejected")


def test_a_refunded_parcel_stopped_at_the_dock_has_its_waybill_voided_by_the_job(
    configure_workers, run_worker, sims, dock_db
) -> None:
    rt = configure_workers()
    zto = ZtoConnector(
        sims["courier"].url, app_key="ztokey", app_secret="ztosecret", timeouts=Timeouts(1.0, 2.0)
    )
    with Session(dock_db) as session:
        order = make_order(session, "picking")
        print_label(
            session,
            order,
            zto,
            station="PK01",
            client_request_id=uuid.uuid4().hex,
            actor="user:packer.hz1",
            now=clock.now(),
        )
        pack(session, order, [TSHIRT, TSHIRT, MUG])
        apply_transition(
            session,
            order,
            "refunded",
            actor="taobao",
            source_system="taobao",
            reason="TRADE_CLOSED",
            now=clock.now(),
        )
        dock = Dock(session)
        assert dock.scan(order.tracking_number)["code"] == "ORDER_ON_HOLD"
        session.commit()
        tracking = order.tracking_number
    zto.close()
    waybills = {w["bill_code"]: w for w in sims["courier"].app.waybills.values()}
    assert waybills[tracking]["status"] == "issued"
    _enqueue(rt, dock.jobs)
    run_worker(queues.LABELS)
    assert sims["courier"].app.waybills[tracking]["status"] == "voided"
    assert len(sims["courier"].app.journal.entries("zto.open.cancelOrder")) == 1
