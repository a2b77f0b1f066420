"""Printing at a station: printer profiles, first print, duplicates, audited reprints, pending waybills,
print status and the label gate packing calls at completion."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.catalog.models import Station
from server.errors import Conflict, DomainError, Rejected
from server.labels.followups import request_waybill_followup
from server.labels.gate import label_gate
from server.labels.models import LabelPrint, WaybillStatus
from server.labels.order_facts import label_content
from server.labels.print_messages import CourierRefused, PrinterNotReady
from server.labels.printing import PrintStatus, print_label, reprint_label
from server.labels.prints import label_status
from server.labels.records import label_record
from server.labels.stations import printer_for
from server.orders.holds import place_hold
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION

from .conftest import RecordingCourier, picking_order

PACKER = "user:packer.hz1"


def prints(session: Session, order_id: int) -> list[LabelPrint]:
    return list(
        session.scalars(select(LabelPrint).where(LabelPrint.order_id == order_id).order_by(LabelPrint.id))
    )


def first_print(
    session: Session, order, courier: RecordingCourier, station: str = "PK01", request: str = "r-1"
):  # type: ignore[no-untyped-def]
    return print_label(
        session, order, courier, station=station, client_request_id=request, actor=PACKER, now=clock.now()
    )


def test_first_print_buys_the_waybill_records_the_print_and_moves_picking_to_printed(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    result = first_print(session, order, courier)
    assert result.print_status == PrintStatus.PRINTED
    assert result.tracking_number == order.tracking_number and result.label_version == 1
    assert order.status == "printed" and order.printed_at is not None
    [row] = prints(session, order.id)
    assert (row.label_version, row.tracking_number, row.station, row.printed_by) == (
        1,
        order.tracking_number,
        "PK01",
        PACKER,
    )
    assert (row.format, row.kind, row.count, row.reason) == ("pdf", "print", 1, None)
    assert order.trail[-1].reason == "label v1 printed at PK01"
    changes = [e.payload["change"] for e in result.events]
    assert changes == ["tracking_assigned", "status", "label_printed"]


def test_the_same_request_again_is_a_duplicate_and_buys_nothing(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    first = first_print(session, order, courier)
    again = first_print(session, order, courier)
    assert again.print_status == PrintStatus.DUPLICATE and again.events == []
    assert again.tracking_number == first.tracking_number
    assert len(courier.requests) == 1 and len(prints(session, order.id)) == 1


def test_a_second_first_print_must_be_a_reprint(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    first_print(session, order, courier)
    with pytest.raises(Conflict) as caught:
        first_print(session, order, courier, station="PK02", request="r-2")
    assert caught.value.code == "LABEL_ALREADY_PRINTED"
    assert caught.value.details["station"] == "PK01"
    assert "补打" in caught.value.message("zh-CN") and "reprint" in caught.value.message("en")


def test_reprints_are_counted_with_who_where_and_why(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    first_print(session, order, courier)
    now = clock.now()
    one = reprint_label(session, order, station="PK02", reason="面单被撕破", actor="user:packer.hz2", now=now)
    two = reprint_label(
        session, order, station="PK01", reason="printer jam", actor="user:lead.hz", now=now, fmt="png"
    )
    assert (one.print_status, one.printed.count, two.printed.count) == (PrintStatus.REPRINTED, 2, 3)  # type: ignore[union-attr]
    audit = [
        (p.kind, p.count, p.station, p.printed_by, p.reason, p.format) for p in prints(session, order.id)
    ]
    assert audit == [
        ("print", 1, "PK01", PACKER, None, "pdf"),
        ("reprint", 2, "PK02", "user:packer.hz2", "面单被撕破", "pdf"),
        ("reprint", 3, "PK01", "user:lead.hz", "printer jam", "png"),
    ]
    assert len(courier.requests) == 1
    assert [e.payload["change"] for e in two.events] == ["label_reprinted"]


def test_a_reprint_with_a_client_request_id_counts_once(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    first_print(session, order, courier)
    kwargs = {"station": "PK01", "reason": "jam", "actor": PACKER, "client_request_id": "rp-1"}
    reprint_label(session, order, now=clock.now(), **kwargs)  # type: ignore[arg-type]
    again = reprint_label(session, order, now=clock.now(), **kwargs)  # type: ignore[arg-type]
    assert again.print_status == PrintStatus.DUPLICATE
    assert [p.count for p in prints(session, order.id)] == [1, 2]


def test_no_reprint_before_the_first_print(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    with pytest.raises(Rejected) as caught:
        reprint_label(session, order, station="PK01", reason="x", actor=PACKER, now=clock.now())
    assert caught.value.code == "LABEL_NOT_PRINTED"


@pytest.mark.parametrize("station", ["PK99", "DOCK1"])
def test_a_station_without_a_printer_fails_loudly_before_any_waybill_is_bought(
    session: Session, courier: RecordingCourier, station: str
) -> None:
    order = picking_order(session)
    with pytest.raises(PrinterNotReady) as caught:
        first_print(session, order, courier, station=station)
    error = caught.value
    assert (error.code, error.http_status) == ("NO_PRINTER_PROFILE", 409)
    assert error.details == {"station": station, "missing": "format, size, dpi"}
    assert "没有配置打印机" in error.message("zh-CN")
    assert "has no printer set up" in error.message("en")
    assert courier.requests == [] and order.status == "picking"


def test_a_printer_packline_cannot_drive_is_invalid_not_silently_replaced(session: Session) -> None:
    order = picking_order(session)
    station = session.scalars(
        select(Station).where(Station.code == "PK02", Station.warehouse_id == order.warehouse_id)
    ).one()
    station.printer_dpi = 600
    with pytest.raises(PrinterNotReady) as caught:
        printer_for(session, order.warehouse_id, "PK02")
    assert caught.value.code == "PRINTER_PROFILE_INVALID"
    assert "600" in caught.value.message("en")


def test_a_zpl_station_can_print_pdf_on_request(session: Session) -> None:
    order = picking_order(session)
    native = printer_for(session, order.warehouse_id, "PK04")
    pdf = printer_for(session, order.warehouse_id, "PK04", "pdf")
    assert (native.profile.format, native.fallback) == ("zpl", False)
    assert (pdf.profile.format, pdf.profile.size, pdf.profile.dpi, pdf.fallback) == (
        "pdf",
        "76x130",
        203,
        True,
    )
    assert pdf.media_type == "application/pdf"


def test_a_slow_courier_leaves_a_pending_waybill_and_a_job(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    courier.script = ["timeout"]
    result = first_print(session, order, courier)
    assert result.print_status == PrintStatus.WAYBILL_PENDING and result.error is None
    assert result.tracking_number is None and result.printed is None
    assert result.jobs == [request_waybill_followup(order.order_number, 1)]
    assert result.jobs[0].job_id == f"waybill:{order.order_number}:L1" and result.jobs[0].queue == "labels"
    assert order.status == "picking" and prints(session, order.id) == []
    assert label_status(session, order).waybill_status == WaybillStatus.PENDING


def test_a_refusing_courier_is_reported_after_the_attempt_is_kept(
    session: Session, courier: RecordingCourier
) -> None:
    order = picking_order(session)
    courier.script = ["reject"]
    result = first_print(session, order, courier)
    assert isinstance(result.error, CourierRefused) and result.error.http_status == 502
    assert "receiverAddress" in result.error.message("en")
    assert result.jobs == []
    assert label_status(session, order).waybill_status == WaybillStatus.FAILED


def test_a_hold_blocks_buying_a_label(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    place_hold(
        session, order, "manual", reason="check", actor="lead", source_system="packline", now=clock.now()
    )
    with pytest.raises(DomainError) as caught:
        first_print(session, order, courier)
    assert caught.value.code == "ORDER_ON_HOLD" and courier.requests == []


def test_status_tells_the_pda_what_was_printed_where(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    before = label_status(session, order)
    assert (before.version, before.tracking_number, before.printed, before.waybill_status) == (
        0,
        None,
        False,
        None,
    )
    first_print(session, order, courier, station="PK03")
    reprint_label(session, order, station="PK02", reason="jam", actor=PACKER, now=clock.now())
    after = label_status(session, order)
    assert (after.version, after.tracking_number, after.printed, after.station, after.print_count) == (
        1,
        order.tracking_number,
        True,
        "PK02",
        2,
    )
    assert after.waybill_status == "issued" and after.outdated is False and after.printed_at is not None


def test_the_gate_wants_the_current_label_printed(session: Session, courier: RecordingCourier) -> None:
    order = picking_order(session)
    with pytest.raises(Rejected) as caught:
        label_gate(session, order, "PK01")
    assert caught.value.code == "LABEL_NOT_PRINTED"
    assert caught.value.details["station"] == "PK01"
    assert "还没有打印" in caught.value.message("zh-CN") and "has not been printed" in caught.value.message(
        "en"
    )
    first_print(session, order, courier)
    label_gate(session, order, "PK01")


@pytest.mark.parametrize(
    ("gift_status", "inside"), [("pending", True), ("packed", True), ("to_reship", False)]
)
def test_the_gift_mark_follows_the_gift_sub_order(
    session: Session, courier: RecordingCourier, gift_status: str, inside: bool
) -> None:
    order = picking_order(session, promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
    record = first_print(session, order, courier).printed
    assert order.gift is not None and record is not None
    order.gift.status = gift_status
    waybill = label_record(session, order)
    assert waybill is not None
    content = label_content(order, waybill, record.at)
    assert content.gift_inside is inside
    assert (content.label_version, content.order_number, content.tracking_number) == (
        1,
        order.order_number,
        order.tracking_number,
    )
    assert (content.sender_name, content.recipient_phone) == (
        "杭州一号仓",
        "13812345678",
    )  # raw: the renderer masks
    assert content.sku_summary == "纯棉T恤 黑色 M ×2；陶瓷马克杯 350ml ×1"
    assert content.time_zone == "Asia/Shanghai" and content.consolidation == "杭州转运"
