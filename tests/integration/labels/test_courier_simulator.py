"""Waybills through the real ZTO connector against the courier simulator, on PostgreSQL: double clicks,
lost replies and racing threads buy one tracking number; an address change voids the old waybill."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.db import unit_of_work
from server.errors import DomainError
from server.integrations.courier_zto import ZtoConnector
from server.labels.budget import BudgetedCourier
from server.labels.models import LabelPrint, WaybillRecord
from server.labels.printing import PrintStatus, print_label
from server.labels.records import idempotency_key
from server.labels.waybills import ensure_waybill, void_label_for_address_change
from server.orders.queries import get_order
from simulators.base import SimulatorHandle

from .conftest import (
    RecordingCourier,
    move_address,
    picking_order,
    race,
    sim_creates,
    sim_fault,
    sim_waybills,
)

PACKER = "user:packer.hz1"


def test_a_double_click_buys_one_waybill(
    session: Session, zto: SimulatorHandle, connector: ZtoConnector
) -> None:
    order = picking_order(session)
    for _ in range(2):
        result = print_label(
            session,
            order,
            connector,
            station="PK01",
            client_request_id="click",
            actor=PACKER,
            now=clock.now(),
        )
    assert result.print_status == PrintStatus.DUPLICATE
    [waybill] = sim_waybills(zto)
    assert sim_creates(zto) == 1
    assert waybill["bill_code"] == order.tracking_number
    assert waybill["partner_order_code"] == idempotency_key(order.order_number, 1)
    assert order.routing_code == waybill["mark"] and order.routing_code.startswith("300- ")


def test_a_reply_slower_than_the_budget_is_finished_by_the_retry_with_the_same_key(
    session: Session, zto: SimulatorHandle, connector: ZtoConnector
) -> None:
    order = picking_order(session)
    # The simulator creates the waybill, then sits on the answer longer than the station waits.
    sim_fault(zto, op="zto.open.createOrder", kind="timeout_after", seconds=1.0)
    pending = print_label(
        session,
        order,
        BudgetedCourier(connector, 0.3),
        station="PK01",
        client_request_id="p-1",
        actor=PACKER,
        now=clock.now(),
    )
    assert pending.print_status == PrintStatus.WAYBILL_PENDING and pending.jobs
    assert pending.error is None and order.tracking_number is None

    retried = ensure_waybill(
        session, order, connector, actor="system:labels", now=clock.now()
    )  # what the job does
    [waybill] = sim_waybills(zto)
    assert retried.issued and order.tracking_number == waybill["bill_code"]
    assert retried.record.attempts == 2
    refs = [entry["json"]["partnerOrderCode"] for entry in zto.app.journal.entries("zto.open.createOrder")]  # type: ignore[index]
    assert refs == [idempotency_key(order.order_number, 1)] * 2


def test_the_station_does_not_wait_past_the_budget(
    session: Session, zto: SimulatorHandle, connector: ZtoConnector
) -> None:
    order = picking_order(session)
    zto.app.settings["response_delay"] = 1.5
    started = time.monotonic()
    result = print_label(
        session,
        order,
        BudgetedCourier(connector, 0.3),
        station="PK01",
        client_request_id="p",
        actor=PACKER,
        now=clock.now(),
    )
    assert time.monotonic() - started < 1.0
    assert result.print_status == PrintStatus.WAYBILL_PENDING
    deadline = time.monotonic() + 5  # let the abandoned call land before the next test resets the books
    while not sim_waybills(zto) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(sim_waybills(zto)) == 1


def test_address_change_voids_the_old_waybill_at_the_courier(
    session: Session, zto: SimulatorHandle, connector: ZtoConnector
) -> None:
    order = picking_order(session)
    print_label(
        session, order, connector, station="PK01", client_request_id="p-1", actor=PACKER, now=clock.now()
    )
    old = order.tracking_number
    move_address(session, order)
    void_label_for_address_change(session, order, connector, clock.now())
    books = {w["bill_code"]: w for w in sim_waybills(zto)}
    assert books[old]["status"] == "voided"
    assert books[order.tracking_number]["status"] == "issued"
    assert books[order.tracking_number]["receiver"]["receiverName"] == "李四"
    assert books[order.tracking_number]["partner_order_code"] == idempotency_key(order.order_number, 2)


# --- racing threads on committed PostgreSQL data -------------------------------------------------------------
THREADS = 4


def test_racing_threads_through_the_simulator_buy_one_tracking_number(
    committed, zto: SimulatorHandle
) -> None:  # type: ignore[no-untyped-def]
    factory, number = committed()
    zto.app.settings["response_delay"] = 0.3  # every call overlaps the others

    def attempt(n: int) -> str | None:
        connector = ZtoConnector(zto.url, app_key="ztokey", app_secret="ztosecret")
        try:
            with unit_of_work(factory) as uow:
                order = get_order(uow.session, number)
                outcome = ensure_waybill(uow.session, order, connector, actor=f"user:p{n}", now=clock.now())
                return outcome.record.tracking_number
        finally:
            connector.close()

    results = race(THREADS, attempt)
    [waybill] = sim_waybills(zto)
    assert results == [waybill["bill_code"]] * THREADS
    # Our lock, not the courier's duplicate check, kept it to one call.
    assert sim_creates(zto, idempotency_key(number, 1)) == 1
    with factory() as s:
        assert get_order(s, number).tracking_number == waybill["bill_code"]
        order_id = get_order(s, number).id
        assert len(s.scalars(select(WaybillRecord).where(WaybillRecord.order_id == order_id)).all()) == 1


def test_racing_double_clicks_against_a_courier_that_would_sell_twice(committed) -> None:  # type: ignore[no-untyped-def]
    factory, number = committed()
    courier = RecordingCourier(dedupe=False, script=["slow:0.3"])

    def attempt(n: int) -> str:
        with unit_of_work(factory) as uow:
            order = get_order(uow.session, number)
            result = print_label(
                uow.session,
                order,
                courier,
                station="PK01",
                client_request_id="click",
                actor=PACKER,
                now=clock.now(),
            )
            return f"{result.print_status}:{result.tracking_number}"

    results = race(THREADS, attempt)
    assert len(courier.requests) == 1
    tracking = next(iter(courier.issued.values())).tracking_number
    assert sorted(results) == sorted([f"printed:{tracking}"] + [f"duplicate:{tracking}"] * (THREADS - 1))
    with factory() as s:
        order = get_order(s, number)
        assert (order.status, order.tracking_number) == ("printed", tracking)
        assert len(s.scalars(select(LabelPrint).where(LabelPrint.order_id == order.id)).all()) == 1


def test_racing_first_prints_from_two_stations_record_one(committed) -> None:  # type: ignore[no-untyped-def]
    factory, number = committed()
    courier = RecordingCourier(script=["slow:0.2"])

    def attempt(n: int) -> str:
        with unit_of_work(factory) as uow:
            order = get_order(uow.session, number)
            result = print_label(
                uow.session,
                order,
                courier,
                station=f"PK0{n + 1}",
                client_request_id=f"c{n}",
                actor=PACKER,
                now=clock.now(),
            )
            return result.print_status

    results = race(2, attempt)
    codes = sorted(r.code if isinstance(r, DomainError) else str(r) for r in results)
    assert codes == ["LABEL_ALREADY_PRINTED", "printed"]
    assert len(courier.requests) == 1


@pytest.fixture(autouse=True)
def _no_sim_delay(zto_handle: SimulatorHandle):  # type: ignore[no-untyped-def]
    yield
    zto_handle.app.settings["response_delay"] = 0.0
