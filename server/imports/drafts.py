"""From validated rows to orders: rows sharing an order number are one order's lines.

Blank rows and exact duplicates are skipped (and reported); rows of one order must agree on the
order's fields; an order with any refused row is refused whole, so no order lands with lines missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from server.imports import messages
from server.imports.mapping import ORDER_FIELDS, Columns, Mapping
from server.imports.reader import Table, is_blank
from server.imports.report import RowIssue
from server.imports.validation import ParsedRow, parse_row
from server.orders.addresses import AddressInput
from server.orders.ingest import IngestLine, IngestOrder


@dataclass
class OrderDraft:
    order_number: str
    rows: list[ParsedRow]

    def command(self, mapping: Mapping) -> IngestOrder:
        first = self.rows[0]
        shop, warehouse = mapping.destination(first.store)
        lines: dict[str, list[Any]] = {}
        for row in self.rows:
            line = lines.setdefault(row.sku, [row.product_name or row.sku, 0])
            line[1] += row.qty  # the same SKU on two rows of one order: one line, quantities added
        promotions = tuple(dict.fromkeys(p for row in self.rows for p in row.promotions))
        return IngestOrder(
            source=mapping.source,
            external_id=self.order_number,
            order_number=self.order_number,
            shop_code=shop,
            warehouse_code=warehouse,
            customer_name=first.customer_name,
            customer_phone=first.phone,
            status=mapping.status,
            address=AddressInput(
                name=first.customer_name,
                phone=first.phone,
                detail=first.detail,
                province=first.province,
                city=first.city,
                district=first.district,
            ),
            lines=tuple(IngestLine(sku, name, qty) for sku, (name, qty) in lines.items()),
            paid_at=first.paid_at,
            paid_amount=sum((row.paid_amount for row in self.rows), Decimal("0")),
            promotions=promotions,
        )


@dataclass
class Drafts:
    orders: list[OrderDraft] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    rows_total: int = 0


def build_drafts(table: Table, mapping: Mapping, columns: Columns, tz: ZoneInfo) -> Drafts:
    result = Drafts(rows_total=len(table.rows))
    number_header = columns.header.get("order_number")
    first_seen: dict[tuple[Any, ...], int] = {}
    groups: dict[str, list[ParsedRow]] = {}
    refused: dict[str, list[int]] = {}
    for number, cells in table.rows:
        if is_blank(cells):
            result.issues.append(RowIssue(number, None, messages.EMPTY_ROW, level="skipped"))
            continue
        key = tuple(_comparable(c) for c in cells)
        if key in first_seen:
            issue = RowIssue(number, number_header, messages.DUPLICATE_ROW, {"first_row": first_seen[key]}, "order_number", "skipped")
            result.issues.append(issue)
            continue
        first_seen[key] = number
        parsed, issues = parse_row(number, cells, mapping, columns, tz)
        if parsed is None:
            result.issues.extend(issues)
            raw_number = _raw_order_number(cells, columns)
            if raw_number:
                refused.setdefault(raw_number, []).append(number)
            continue
        group = groups.setdefault(parsed.order_number, [])
        conflict = _conflict(group[0], parsed) if group else None
        if conflict:
            params = {"first_row": group[0].row, "order_number": parsed.order_number}
            result.issues.append(RowIssue(number, columns.header[conflict], messages.CONFLICT, params, conflict))
            refused.setdefault(parsed.order_number, []).append(number)
            continue
        group.append(parsed)
    for order_number, rows in groups.items():
        if order_number in refused:
            bad = "、".join(str(n) for n in refused[order_number])
            for row in rows:
                params = {"order_number": order_number, "rows": bad}
                result.issues.append(RowIssue(row.row, number_header, messages.ORDER_REJECTED, params, "order_number"))
            continue
        result.orders.append(OrderDraft(order_number, rows))
    return result


def _conflict(first: ParsedRow, row: ParsedRow) -> str | None:
    return next((name for name in ORDER_FIELDS if getattr(first, name) != getattr(row, name)), None)


def _raw_order_number(cells: tuple[Any, ...], columns: Columns) -> str:
    position = columns.index.get("order_number")
    if position is None or position >= len(cells) or cells[position] is None:
        return ""
    value = cells[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value
