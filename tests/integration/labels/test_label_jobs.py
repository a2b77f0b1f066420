"""The label jobs as a worker runs them (`workers.context` wired to the test runtime and a fake courier):
finishing a pending waybill, skipping a stale one, reissuing after an address change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from server import clock
from server.integrations.http import IntegrationError
from server.labels.printing import PrintStatus, print_label
from server.orders.queries import get_order
from server.ports import RecordingJobQueue
from server.runtime import Runtime
from workers import context
from workers.jobs.labels import CancelsOutstanding, reissue_label_job, request_waybill_job

from .conftest import RecordingCourier, move_address, picking_order

PACKER = "user:packer.hz1"


@dataclass
class FakeConnectors:
    courier_port: RecordingCourier

    def courier(self, code: str = "ZTO") -> RecordingCourier:
        assert code == "ZTO"
        return self.courier_port

    def close(self) -> None:
        pass


@pytest.fixture
def worker(runtime: Runtime, courier: RecordingCourier) -> Iterator[Runtime]:
    context.configure(runtime, FakeConnectors(courier))  # type: ignore[arg-type]
    yield runtime
    context.reset()


def pending_order(session: Session, courier: RecordingCourier) -> str:
    order = picking_order(session)
    courier.script = ["timeout"]
    result = print_label(
        session, order, courier, station="PK01", client_request_id="p", actor=PACKER, now=clock.now()
    )
    assert result.print_status == PrintStatus.WAYBILL_PENDING
    session.commit()  # the job runs in its own transaction (a savepoint of the test's connection)
    return order.order_number


def test_the_job_finishes_a_pending_waybill_with_the_same_key(
    worker: Runtime, session: Session, courier: RecordingCourier
) -> None:
    number = pending_order(session, courier)
    assert request_waybill_job(number, 1) == "issued"
    session.expire_all()
    order = get_order(session, number)
    assert order.tracking_number == courier.issued[f"{number}-L1"].tracking_number
    assert courier.refs == [f"{number}-L1", f"{number}-L1"]
    assert "order_updated" in worker.publisher.names()  # type: ignore[attr-defined]
    assert request_waybill_job(number, 1) == "issued"  # at-least-once: a second run buys nothing
    assert len(courier.requests) == 2


def test_a_courier_still_down_makes_the_job_retry(
    worker: Runtime, session: Session, courier: RecordingCourier
) -> None:
    number = pending_order(session, courier)
    courier.script = ["timeout"]
    with pytest.raises(IntegrationError) as caught:
        request_waybill_job(number, 1)
    assert caught.value.retryable
    session.expire_all()
    assert get_order(session, number).tracking_number is None


def test_a_job_for_a_label_version_that_moved_on_is_skipped(
    worker: Runtime, session: Session, courier: RecordingCourier
) -> None:
    number = pending_order(session, courier)
    assert request_waybill_job(number, 7) == "skipped"
    assert len(courier.requests) == 1


def test_reissue_voids_and_replaces_the_label_once(
    worker: Runtime, session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    print_label(session, order, courier, station="PK01", client_request_id="p", actor=PACKER, now=clock.now())
    old = order.tracking_number
    move_address(session, order)
    session.commit()

    assert reissue_label_job(order.order_number) == "voided v1; v2 issued"
    assert reissue_label_job(order.order_number) == "unchanged"
    session.expire_all()
    order = get_order(session, order.order_number)
    assert order.label_version == 2 and order.tracking_number not in (None, old)
    assert courier.cancelled == [old]


def test_reissue_hands_a_slow_courier_to_the_waybill_job(
    worker: Runtime, session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    print_label(session, order, courier, station="PK01", client_request_id="p", actor=PACKER, now=clock.now())
    move_address(session, order)
    session.commit()
    courier.script = ["timeout"]
    assert reissue_label_job(order.order_number) == "voided v1; v2 pending"
    jobs: RecordingJobQueue = worker.jobs  # type: ignore[assignment]
    assert jobs.jobs == [
        (
            "workers.jobs.labels.request_waybill_job",
            (order.order_number, 2),
            "labels",
            f"waybill:{order.order_number}:L2",
        )
    ]


def test_reissue_retries_until_the_courier_confirms_the_cancel(
    worker: Runtime, session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    print_label(session, order, courier, station="PK01", client_request_id="p", actor=PACKER, now=clock.now())
    move_address(session, order)
    session.commit()
    courier.fail_cancel = True
    with pytest.raises(CancelsOutstanding):
        reissue_label_job(order.order_number)
    courier.fail_cancel = False
    assert reissue_label_job(order.order_number) == "unchanged"
    assert len(courier.cancelled) == 1
