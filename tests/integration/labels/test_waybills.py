"""Waybill requests on PostgreSQL with a recording fake of our CourierPort: one tracking number per order
and label version, whatever the clicks, retries and lost replies."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import clock
from server.alerts.models import Alert
from server.alerts.services import raise_alert
from server.alerts.watchdogs import no_tracking_key
from server.errors import Conflict
from server.labels.models import WaybillRecord, WaybillStatus
from server.labels.records import idempotency_key
from server.labels.waybills import ensure_waybill
from tests.support import make_order

from .conftest import RecordingCourier, picking_order

ACTOR = "user:packer.hz1"


def records(session: Session, order_id: int) -> list[WaybillRecord]:
    return list(
        session.scalars(
            select(WaybillRecord).where(WaybillRecord.order_id == order_id).order_by(WaybillRecord.id)
        )
    )


def test_first_request_stores_the_key_and_puts_the_tracking_number_on_the_order(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    now = clock.now()
    outcome = ensure_waybill(session, order, courier, actor=ACTOR, now=now)

    key = idempotency_key(order.order_number, 1)
    assert key == f"{order.order_number}-L1"
    assert courier.refs == [key]
    assert outcome.issued and outcome.error is None
    waybill = courier.issued[key]
    assert (order.tracking_number, order.routing_code, order.courier_code) == (
        waybill.tracking_number,
        "300- H12 09",
        "ZTO",
    )
    assert order.tracking_assigned_at == now and order.label_version == 1
    [record] = records(session, order.id)
    assert (record.idempotency_key, record.status, record.attempts) == (key, WaybillStatus.ISSUED, 1)
    assert (record.consolidation, record.address_version, record.requested_by) == ("杭州转运", 1, ACTOR)
    assert [e.payload["change"] for e in outcome.events] == ["tracking_assigned"]


def test_the_request_carries_the_warehouse_sender_the_current_address_and_the_lines(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    [(_, request)] = courier.requests
    assert request.order_number == order.order_number
    assert (request.sender.name, request.sender.mobile) == ("杭州一号仓", "0571-88880001")
    assert request.sender.address == "浙江省杭州市余杭区仓前路88号"
    address = order.current_address
    assert address is not None
    assert (request.receiver.name, request.receiver.mobile, request.receiver.province) == (
        "张三",
        "13812345678",
        "浙江省",
    )
    assert request.receiver.address == address.detail
    assert request.items == (("纯棉T恤 黑色 M", 2), ("陶瓷马克杯 350ml", 1))
    assert request.weight_g > 0


def test_asking_again_reuses_the_waybill_without_calling_the_courier(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    first = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    second = ensure_waybill(session, order, courier, actor="user:packer.hz2", now=clock.now())
    assert len(courier.requests) == 1
    assert second.issued and second.record.id == first.record.id and second.events == []
    assert len(records(session, order.id)) == 1


def test_a_lost_reply_is_pending_and_the_retry_uses_the_same_key(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    courier.script = ["lost_reply"]  # the courier issued the waybill, the answer never came
    pending = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    assert pending.retry_later and pending.error is not None and pending.error.unknown_outcome
    assert order.tracking_number is None and order.label_version == 0
    assert (pending.record.status, pending.record.attempts) == (WaybillStatus.PENDING, 1)
    assert pending.record.last_error and "read_timeout" in pending.record.last_error

    retried = ensure_waybill(session, order, courier, actor="system:labels", now=clock.now())
    key = idempotency_key(order.order_number, 1)
    assert courier.refs == [key, key]
    assert len(courier.issued) == 1  # one waybill bought
    assert order.tracking_number == courier.issued[key].tracking_number
    assert retried.record.id == pending.record.id and retried.record.attempts == 2
    assert retried.record.last_error is None


def test_a_refusal_is_failed_and_a_later_attempt_may_still_succeed(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    courier.script = ["reject"]
    refused = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    assert refused.state == WaybillStatus.FAILED and not refused.retry_later
    assert refused.error is not None and refused.error.code == "S208"
    fixed = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    assert fixed.issued and fixed.record.id == refused.record.id


def test_the_tracking_number_resolves_the_no_tracking_alert(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    raise_alert(
        session,
        kind="no_tracking",
        severity="warning",
        warehouse_code=None,
        order_id=order.id,
        dedupe_key=no_tracking_key(order.id),
        params={"minutes": 130},
        now=clock.now(),
    )
    outcome = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    alert = session.scalars(select(Alert).where(Alert.dedupe_key == no_tracking_key(order.id))).one()
    assert alert.resolved_at is not None and alert.resolved_by == ACTOR
    assert "alert_resolved" in [e.name for e in outcome.events]


def test_a_tracking_number_from_elsewhere_is_adopted_not_bought_again(
    session: Session, courier: RecordingCourier
) -> None:
    order = make_order(session, "picking")
    order.tracking_number, order.courier_code = "73109999000001", "ZTO"  # assigned outside Packline
    order.label_version = 1
    session.flush()
    outcome = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    assert courier.requests == []
    assert outcome.issued and outcome.record.tracking_number == order.tracking_number
    assert outcome.record.requested_by == "adopted"


@pytest.mark.parametrize("status", ["shipped", "cancelled"])
def test_no_waybill_for_an_order_that_left_the_floor(
    session: Session, courier: RecordingCourier, status: str
) -> None:
    order = make_order(session, status)
    with pytest.raises(Conflict) as caught:
        ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now())
    assert caught.value.code == "LABEL_ORDER_NOT_PRINTABLE"
    assert "不能打印面单" in caught.value.message("zh-CN") and "no label" in caught.value.message("en")
    assert courier.requests == []


def test_the_table_refuses_a_second_request_for_the_same_label(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    first = ensure_waybill(session, order, courier, actor=ACTOR, now=clock.now()).record
    now = clock.now()
    twin = WaybillRecord(
        order_id=order.id,
        label_version=1,
        idempotency_key=first.idempotency_key + "-again",
        courier_code="ZTO",
        address_version=1,
        requested_by="t",
        created_at=now,
        updated_at=now,
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
        session.flush()
