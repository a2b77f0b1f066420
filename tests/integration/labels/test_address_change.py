"""An address change voids the printed label: the waybill is cancelled, the version bumped, a new waybill
bought; the hold ends only when the new label is printed and its barcode scanned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.errors import Rejected
from server.labels.gate import confirm_label_scan, label_gate, scan_label
from server.labels.models import CancelStatus, WaybillRecord, WaybillStatus
from server.labels.printing import PrintStatus, print_label
from server.labels.prints import label_status
from server.labels.records import idempotency_key
from server.labels.waybills import retry_failed_cancels, void_label_for_address_change
from server.orders.addresses import AddressInput, change_address

from .conftest import RecordingCourier, move_address, picking_order

PACKER = "user:packer.hz1"


def printed_order(session: Session, courier: RecordingCourier):  # type: ignore[no-untyped-def]
    order = picking_order(session)
    print_label(
        session, order, courier, station="PK01", client_request_id="p-1", actor=PACKER, now=clock.now()
    )
    return order


def waybill_rows(session: Session, order_id: int) -> list[WaybillRecord]:
    return list(
        session.scalars(
            select(WaybillRecord)
            .where(WaybillRecord.order_id == order_id)
            .order_by(WaybillRecord.label_version)
        )
    )


def test_void_cancels_bumps_and_buys_the_new_version(session: Session, courier: RecordingCourier) -> None:
    order = printed_order(session, courier)
    old = order.tracking_number
    move_address(session, order)
    assert [h.kind for h in order.open_holds] == ["address_changed"]

    result = void_label_for_address_change(session, order, courier, clock.now())

    assert courier.cancelled == [old]
    assert courier.refs == [idempotency_key(order.order_number, 1), idempotency_key(order.order_number, 2)]
    v1, v2 = waybill_rows(session, order.id)
    assert (v1.status, v1.cancel_status, v1.tracking_number) == (
        WaybillStatus.VOIDED,
        CancelStatus.CANCELLED,
        old,
    )
    assert v1.voided_at is not None and v1.void_reason == "address changed to v2"
    assert (v2.status, v2.address_version) == (WaybillStatus.ISSUED, 2)
    assert order.label_version == 2 and order.tracking_number == v2.tracking_number != old
    assert result.voided is not None and result.voided.id == v1.id
    assert result.outcome is not None and result.outcome.issued
    request = courier.requests[-1][1]
    assert (request.receiver.name, request.receiver.province) == ("李四", "上海市")
    assert [e.payload["change"] for e in result.events] == ["label_voided", "tracking_assigned"]
    assert [h.kind for h in order.open_holds] == ["address_changed"]  # still held: nothing printed yet


def test_void_is_idempotent(session: Session, courier: RecordingCourier) -> None:
    order = printed_order(session, courier)
    move_address(session, order)
    void_label_for_address_change(session, order, courier, clock.now())
    again = void_label_for_address_change(session, order, courier, clock.now())
    assert again.voided is None and again.outcome is None and again.events == []
    assert len(courier.requests) == 2 and len(courier.cancelled) == 1
    assert order.label_version == 2


def test_no_label_yet_means_nothing_to_void(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    move_address(session, order)
    result = void_label_for_address_change(session, order, courier, clock.now())
    assert result.voided is None and courier.requests == [] and order.label_version == 0


def test_printing_before_the_reissue_job_voids_inline(session: Session, courier: RecordingCourier) -> None:
    order = printed_order(session, courier)
    old = order.tracking_number
    move_address(session, order)
    with pytest.raises(Rejected) as caught:
        label_gate(session, order, "PK01")
    assert caught.value.code == "LABEL_OUTDATED"
    assert label_status(session, order).outdated is True

    result = print_label(
        session, order, courier, station="PK02", client_request_id="p-2", actor=PACKER, now=clock.now()
    )
    assert result.print_status == PrintStatus.PRINTED and result.label_version == 2
    assert courier.cancelled == [old] and result.tracking_number != old
    label_gate(session, order, "PK02")


def test_the_hold_ends_when_the_new_label_is_printed_and_scanned(
    session: Session, courier: RecordingCourier
) -> None:
    order = printed_order(session, courier)
    old = order.tracking_number
    changed_at = clock.now() + timedelta(seconds=1)
    move_address(session, order, now=changed_at)
    void_label_for_address_change(session, order, courier, changed_at)
    new = order.tracking_number
    assert new is not None

    # The old label and the unprinted new one do not end the hold.
    assert confirm_label_scan(session, order, str(old), "PK02", PACKER, changed_at) is False
    assert confirm_label_scan(session, order, f" {new}\r\n", "PK02", PACKER, changed_at) is True
    assert [h.kind for h in order.open_holds] == ["address_changed"]

    printed_at = changed_at + timedelta(seconds=5)
    print_label(
        session, order, courier, station="PK02", client_request_id="p-2", actor=PACKER, now=printed_at
    )
    scanned = scan_label(session, order, new, "PK03", "user:packer.hz2", printed_at + timedelta(seconds=3))

    assert (scanned.matches, scanned.released) == (True, True)
    assert order.open_holds == []
    hold = order.holds[-1]
    assert hold.released_by == "user:packer.hz2"
    assert hold.release_reason is not None and new in hold.release_reason
    assert "printed at PK02" in hold.release_reason and "scanned at PK03" in hold.release_reason
    assert [e.payload["change"] for e in scanned.events] == ["hold_released"]
    label_gate(session, order, "PK03")


def test_a_second_change_before_the_scan_keeps_the_hold(session: Session, courier: RecordingCourier) -> None:
    order = printed_order(session, courier)
    move_address(session, order)
    void_label_for_address_change(session, order, courier, clock.now())
    print_label(
        session, order, courier, station="PK02", client_request_id="p-2", actor=PACKER, now=clock.now()
    )
    printed_v2 = order.tracking_number
    change_address(
        session,
        order,
        AddressInput(name="王五", phone="13700003333", detail="人民路1号", province="江苏省"),
        actor="crm",
        source_system="crm",
        now=clock.now(),
    )
    # v2 is on the parcel but carries the second address no more: its scan must not end the hold.
    assert confirm_label_scan(session, order, str(printed_v2), "PK02", PACKER, clock.now()) is True
    assert [h.kind for h in order.open_holds] == ["address_changed"]


def test_a_cancel_the_courier_does_not_confirm_is_tried_again(
    session: Session, courier: RecordingCourier
) -> None:
    order = printed_order(session, courier)
    old = order.tracking_number
    move_address(session, order)
    courier.fail_cancel = True
    void_label_for_address_change(session, order, courier, clock.now())
    v1 = waybill_rows(session, order.id)[0]
    assert (v1.status, v1.cancel_status) == (WaybillStatus.VOIDED, CancelStatus.FAILED)
    assert v1.cancel_error is not None and "S221" in v1.cancel_error
    assert order.label_version == 2  # the stale label is void locally whatever the courier says

    assert retry_failed_cancels(session, order, courier, clock.now()) == 1
    courier.fail_cancel = False
    assert retry_failed_cancels(session, order, courier, clock.now()) == 0
    assert courier.cancelled == [old] and v1.cancel_status == CancelStatus.CANCELLED
