"""Cell-by-cell validation of one import row: every problem is reported with its column, none stops the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.utils.datetime import from_excel

from server.imports import messages
from server.imports.mapping import Columns, Mapping
from server.imports.report import RowIssue
from server.privacy import mask_phone

MAX_QTY = 10_000
ORDER_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,40}$")
LIMITS = {
    "order_number": 40, "store": 100, "customer_name": 100, "province": 50, "city": 50, "district": 50,
    "detail": 255, "sku": 64, "barcode": 64, "product_name": 200,
}
_PHONE_NOISE = re.compile(r"[\s\-()()]")
_PROMO_SPLIT = re.compile(r"[,,、;;/|]")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    order_number: str = ""
    customer_name: str = ""
    phone: str = ""
    detail: str = ""
    sku: str = ""
    qty: int = 1
    store: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    barcode: str = ""
    product_name: str = ""
    paid_amount: Decimal = Decimal("0")
    paid_at: datetime | None = None
    promotions: tuple[str, ...] = ()


class _Invalid(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def parse_row(
    number: int, cells: tuple[Any, ...], mapping: Mapping, columns: Columns, tz: ZoneInfo
) -> tuple[ParsedRow | None, list[RowIssue]]:
    values: dict[str, Any] = {}
    issues: list[RowIssue] = []
    for name, position in columns.index.items():
        raw = cells[position] if position < len(cells) else None
        header = columns.header[name]
        if _empty(raw):
            if name in mapping.required:
                issues.append(RowIssue(number, header, messages.REQUIRED, {}, name))
            continue
        try:
            values[name] = PARSERS.get(name, _text)(raw, name, tz)
        except _Invalid as bad:
            issues.append(RowIssue(number, header, bad.code, bad.params, name))
    if issues:
        return None, issues
    values.setdefault("product_name", values.get("sku", ""))
    return ParsedRow(row=number, **values), []


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, name: str, _tz: ZoneInfo) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number Excel stored as a number (an order number, a barcode)
    text = " ".join(str(value).split())
    limit = LIMITS.get(name)
    if limit and len(text) > limit:
        raise _Invalid(messages.TOO_LONG, limit=limit)
    return text


def _order_number(value: Any, name: str, tz: ZoneInfo) -> str:
    text = _text(value, name, tz)
    if not ORDER_NUMBER.match(text):
        raise _Invalid(messages.ORDER_NUMBER_INVALID, value=text[:40])
    return text


def _phone(value: Any, _name: str, _tz: ZoneInfo) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _PHONE_NOISE.sub("", str(value))
    if text.startswith("+86"):
        text = text[3:]
    if not text.isascii() or not text.isdigit():
        raise _Invalid(messages.PHONE_INVALID, value=mask_phone(str(value)))
    mobile = len(text) == 11 and text.startswith("1")
    landline = text.startswith("0") and 10 <= len(text) <= 12
    if not (mobile or landline):
        raise _Invalid(messages.PHONE_LENGTH, digits=len(text), value=mask_phone(text))
    return text


def _qty(value: Any, _name: str, _tz: ZoneInfo) -> int:
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str) and value.strip().isascii():
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number != number.to_integral_value() or not 1 <= number <= MAX_QTY:
        raise _Invalid(messages.QTY_NOT_WHOLE, value=str(value)[:20], limit=MAX_QTY)
    return int(number)


def _amount(value: Any, _name: str, _tz: ZoneInfo) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        text = str(value).strip().replace(",", "").lstrip("¥￥").strip()
        amount = Decimal(text)
    except InvalidOperation:
        raise _Invalid(messages.AMOUNT_INVALID, value=str(value)[:20]) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000"):
        raise _Invalid(messages.AMOUNT_INVALID, value=str(value)[:20])
    return amount.quantize(Decimal("0.01"))


def _datetime(value: Any, _name: str, tz: ZoneInfo) -> datetime:
    """Cells carry warehouse wall-clock time; stored as UTC."""
    local: datetime | None = None
    if isinstance(value, datetime):
        local = value
    elif isinstance(value, date):
        local = datetime.combine(value, time.min)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            converted = from_excel(value)  # a date cell Excel lost the format of
            local = converted if isinstance(converted, datetime) else None
        except (ValueError, OverflowError, TypeError):
            local = None
    elif isinstance(value, str):
        local = _parse_text_datetime(value.strip())
    if local is None:
        raise _Invalid(messages.DATETIME_INVALID, value=str(value)[:30])
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz)
    return local.astimezone(UTC)


def _parse_text_datetime(text: str) -> datetime | None:
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _promotions(value: Any, name: str, tz: ZoneInfo) -> tuple[str, ...]:
    parts = [p.strip() for p in _PROMO_SPLIT.split(str(value)) if p.strip()]
    if any(len(p) > 64 for p in parts):
        raise _Invalid(messages.TOO_LONG, limit=64)
    return tuple(parts)


PARSERS = {
    "order_number": _order_number,
    "phone": _phone,
    "qty": _qty,
    "paid_amount": _amount,
    "paid_at": _datetime,
    "promotions": _promotions,
}
