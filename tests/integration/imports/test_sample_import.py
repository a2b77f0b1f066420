"""The real POS sample through the import: 60 good rows land once, the 5 bad rows are reported by row and
column, a second run changes nothing; plus CSV, multi-line orders and files that cannot be imported."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.errors import InvalidInput
from server.imports.models import ImportRun
from server.imports.pipeline import ImportRequest, import_file
from server.orders.models import GiftOrder, Order
from server.runtime import Runtime
from tests.integration.imports.conftest import row, snapshot, workbook
from tests.support import make_order

EXPECTED_ISSUES = [
    (62, None, "IMPORT_EMPTY_ROW", "skipped"),
    (63, "手机", "IMPORT_PHONE_LENGTH", "error"),
    (64, "单号", "IMPORT_REQUIRED", "error"),
    (65, "数量", "IMPORT_QTY_NOT_WHOLE", "error"),
    (66, "单号", "IMPORT_DUPLICATE_ROW", "skipped"),
]


def _import(rt: Runtime, path: Path, **options: object):  # type: ignore[no-untyped-def]
    return import_file(rt, ImportRequest(path.read_bytes(), path.name, **options))  # type: ignore[arg-type]


def _pos_orders(session: Session) -> list[Order]:
    return list(session.scalars(select(Order).where(Order.source == "pos").order_by(Order.order_number)))


def test_sample_lands_60_orders_and_reports_the_5_bad_rows(runtime: Runtime, session: Session, sample: Path) -> None:
    report = _import(runtime, sample)
    assert report.status == "completed"
    assert report.counts() == {
        "rows_total": 65, "rows_imported": 60, "rows_rejected": 5,
        "orders_created": 60, "orders_updated": 0, "orders_unchanged": 0,
    }
    issues = report.to_dict()["issues"]
    assert [(i["row"], i["column"], i["code"], i["level"]) for i in issues] == EXPECTED_ISSUES
    by_row = {i["row"]: i for i in issues}
    assert by_row[63]["message"].startswith("手机号位数不对(7 位)") and by_row[63]["value"] == "***0013"
    assert by_row[65]["value"] == "两" and "whole number" in by_row[65]["message_en"]
    assert by_row[66]["message"] == "与第 2 行完全重复,已跳过"
    orders = _pos_orders(session)
    assert len(orders) == 60
    assert orders[0].order_number == "POS2026021700001" and orders[-1].order_number == "POS2026021700060"
    assert "POS2026021700901" not in {o.order_number for o in orders}
    first = orders[0]
    assert (first.external_id, first.shop.code, first.warehouse.code, first.status) == (
        "POS2026021700001", "pos-01", "HZ01", "paid",
    )
    assert first.paid_at == datetime(2026, 2, 16, 16, 22, tzinfo=UTC)  # 00:22 Asia/Shanghai
    assert [(line.sku, line.qty) for line in first.lines] == [("SKU-WIPE-80", 4)]
    assert first.paid_amount == Decimal("119.60") and first.current_address.detail == "文化路971号4幢2381室"
    # "满199减20" on a 238.00 order binds the gift sub-order, as the promotion rules say.
    gifts = session.scalar(select(func.count()).select_from(GiftOrder).join(Order).where(Order.source == "pos"))
    assert gifts == 25
    run = session.get(ImportRun, report.run_id)
    assert (run.status, run.orders_created, run.rows_rejected, run.digest) == ("completed", 60, 5, report.digest)
    assert [i["row"] for i in run.issues] == [62, 63, 64, 65, 66]


def test_second_run_of_the_same_file_changes_nothing(runtime: Runtime, session: Session, sample: Path) -> None:
    first = _import(runtime, sample)
    before = snapshot(session)
    events = len(runtime.publisher.events)  # type: ignore[attr-defined]
    again = _import(runtime, sample)
    assert again.status == "duplicate" and again.duplicate_of == first.run_id
    assert again.orders_total == 0 and again.to_dict()["issues"][0]["code"] == "IMPORT_ALREADY_IMPORTED"
    forced = _import(runtime, sample, force=True)  # the upsert itself is idempotent too
    assert forced.status == "completed"
    assert (forced.orders_created, forced.orders_updated, forced.orders_unchanged) == (0, 0, 60)
    assert snapshot(session) == before
    assert len(runtime.publisher.events) == events  # type: ignore[attr-defined]
    statuses = session.scalars(select(ImportRun.status).order_by(ImportRun.id)).all()
    assert statuses == ["completed", "duplicate", "completed"]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_csv_export_gives_the_same_result(runtime: Runtime, session: Session, sample: Path, encoding: str) -> None:
    sheet = openpyxl.load_workbook(sample).active
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in sheet.iter_rows(values_only=True):
        writer.writerow(["" if v is None else v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v
                         for v in values])
    path = sample.with_suffix(".csv")
    path.write_bytes(buffer.getvalue().encode(encoding))
    report = _import(runtime, path)
    assert report.counts()["orders_created"] == 60 and report.rows_rejected == 5
    assert [(i["row"], i["column"], i["code"]) for i in report.to_dict()["issues"]] == [e[:3] for e in EXPECTED_ISSUES]
    assert _pos_orders(session)[0].paid_at == datetime(2026, 2, 16, 16, 22, tzinfo=UTC)


def test_rows_of_one_order_become_its_lines_and_a_bad_row_refuses_the_whole_order(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "multi.xlsx", [
        row("POS-M-0001", 商品编码="SKU-WIPE-80", 数量=2, 实付金额=59.8),
        row("POS-M-0001", 商品编码="SKU-DIAPER-L", 商品名称="纸尿裤L码", 数量=1, 实付金额=119),
        row("POS-M-0001", 商品编码="SKU-WIPE-80", 数量=1, 实付金额=29.9),  # the same SKU again: added up
        row("POS-M-0002", 数量="3"),  # a quantity written as text digits is fine
        row("POS-M-0003", 手机="13900000000"),
        row("POS-M-0003", 手机="13900000001", 商品编码="SKU-BOTTLE-240"),  # the order's phone disagrees
        row("POS-M-0004"),
        row("POS-M-0004", 商品编码="SKU-BOTTLE-240", 数量=2.5),
        row("POS-M-0005", 付款时间="2026/02/17 10:05", 促销活动="满199减20、新客专享试用装", 实付金额="¥1,238.00"),
        row("bad number!"),
    ])
    report = _import(runtime, path)
    issues = [(i["row"], i["column"], i["code"]) for i in report.to_dict()["issues"]]
    assert sorted(issues) == sorted([
        (6, "单号", "IMPORT_ORDER_REJECTED"),
        (7, "手机", "IMPORT_CONFLICT"),
        (8, "单号", "IMPORT_ORDER_REJECTED"),
        (9, "数量", "IMPORT_QTY_NOT_WHOLE"),
        (11, "单号", "IMPORT_ORDER_NUMBER_INVALID"),
    ])
    assert (report.orders_created, report.rows_imported, report.rows_rejected) == (3, 5, 5)
    orders = {o.order_number: o for o in _pos_orders(session)}
    assert sorted(orders) == ["POS-M-0001", "POS-M-0002", "POS-M-0005"]
    assert [(line.sku, line.qty) for line in orders["POS-M-0001"].lines] == [("SKU-WIPE-80", 3), ("SKU-DIAPER-L", 1)]
    assert orders["POS-M-0001"].paid_amount == Decimal("208.70")
    assert orders["POS-M-0002"].lines[0].qty == 3
    five = orders["POS-M-0005"]
    assert five.paid_at == datetime(2026, 2, 17, 2, 5, tzinfo=UTC) and five.paid_amount == Decimal("1238.00")
    assert five.promotions == "满199减20,新客专享试用装" and five.gift is not None


def test_an_order_number_taken_by_another_channel_is_reported_and_the_rest_lands(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    make_order(session, "paid", order_number="POS-TAKEN-01")  # a tmall order that happens to have this number
    path = workbook(tmp_path / "taken.xlsx", [row("POS-TAKEN-01"), row("POS-FREE-01")])
    report = _import(runtime, path)
    [issue] = report.to_dict()["issues"]
    assert (issue["row"], issue["column"], issue["code"]) == (2, "单号", "IMPORT_INGEST_FAILED")
    assert issue["message_en"] == "The order could not be imported: the order number belongs to another order"
    assert [o.order_number for o in _pos_orders(session)] == ["POS-FREE-01"]


def test_files_that_cannot_be_imported(runtime: Runtime, session: Session, tmp_path: Path) -> None:
    missing = workbook(tmp_path / "missing.xlsx", [["POS-X-1", "张三"]], headers=["单号", "收货人"])
    report = _import(runtime, missing)
    assert report.status == "failed" and report.orders_total == 0
    [issue] = report.to_dict()["issues"]
    assert issue["code"] == "IMPORT_MISSING_COLUMNS" and issue["row"] is None
    assert issue["message"] == "文件缺少必需的列:手机、详细地址、商品编码、数量、付款时间"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert _import(runtime, broken).to_dict()["issues"][0]["code"] == "IMPORT_UNREADABLE"
    with pytest.raises(InvalidInput):
        import_file(runtime, ImportRequest(b"x", "orders.pdf"))
    with pytest.raises(InvalidInput):
        import_file(runtime, ImportRequest(b"x", "orders.xlsx", mapping="nope"))
    assert session.scalars(select(ImportRun.status).order_by(ImportRun.id)).all() == ["failed", "failed"]
    # A failed run does not block importing the same bytes again once the cause is fixed.
    assert _import(runtime, missing).status == "failed"
