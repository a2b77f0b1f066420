"""Fixtures for the import tests: the real POS sample copied into a temporary folder, and a way to write
small workbooks with the sample's headers."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.orders.models import AddressVersion, GiftOrder, Order, OrderLine, StatusTransition

SAMPLE = Path("/work/shared/samples/orders_daily.xlsx")
HEADERS = ["单号", "门店", "收货人", "手机", "省", "市", "区", "详细地址", "商品编码", "商品条码", "商品名称", "数量",
           "实付金额", "付款时间", "促销活动"]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    if not SAMPLE.exists():
        pytest.fail(f"the POS sample is missing: {SAMPLE}")
    target = tmp_path / "orders_daily.xlsx"
    shutil.copy(SAMPLE, target)
    return target


def row(number: str, **values: Any) -> list[Any]:
    base = {
        "单号": number, "门店": "杭州滨江店", "收货人": "黄强", "手机": "13059177899", "省": "浙江省", "市": "杭州市",
        "区": "滨江区", "详细地址": "文化路971号", "商品编码": "SKU-WIPE-80", "商品条码": "6901234567892",
        "商品名称": "婴儿湿巾80抽", "数量": 1, "实付金额": 29.9, "付款时间": datetime(2026, 2, 17, 9, 30), "促销活动": None,
    }
    base.update(values)
    return [base[h] for h in HEADERS]


def workbook(path: Path, rows: list[list[Any]], headers: list[str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订单"
    sheet.append(headers or HEADERS)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def snapshot(session: Session) -> dict[str, Any]:
    """Everything a repeated import must leave alone."""
    session.expire_all()
    counts = {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in
              (Order, OrderLine, AddressVersion, GiftOrder, StatusTransition)}
    versions = sorted(session.execute(select(Order.order_number, Order.version, Order.updated_at)).all())
    return {"counts": counts, "versions": versions}
