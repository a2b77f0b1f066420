"""Native platform orders (TOP trades, PDD orders) → `IngestOrder`, using the tables in `mappings.py`.

Pure: times become aware UTC here (TOP/PDD speak GMT+8 wall clock or Unix seconds), wrappers are
tolerated in both shapes, and an order that cannot be mapped raises `UnmappedValue` instead of being guessed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from server.integrations import mappings
from server.integrations.mappings import UnmappedValue
from server.orders.addresses import AddressInput
from server.orders.ingest import IngestLine, IngestOrder

CHINA = timezone(timedelta(hours=8))
WALL_CLOCK = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class ShopContext:
    """Where a platform order lands in Packline: its channel (tmall/taobao/pdd…), shop and warehouse."""

    platform: str
    channel: str
    shop_code: str
    warehouse_code: str


def china_wall_clock(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime(WALL_CLOCK)


def parse_platform_time(value: Any) -> datetime | None:
    """GMT+8 "yyyy-MM-dd HH:mm:ss" (TOP, PDD lists) or Unix seconds (PDD) → aware UTC; "" → None."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value), UTC)
    try:
        return datetime.strptime(str(value).strip(), WALL_CLOCK).replace(tzinfo=CHINA).astimezone(UTC)
    except ValueError:
        raise UnmappedValue(f"time {value!r}") from None


def unwrap_list(value: Any, inner: str) -> list[dict[str, Any]]:
    """TOP keeps XML-style wrappers (`{"order": [...]}`) unless simplify=true; accept both."""
    if isinstance(value, dict):
        value = value.get(inner, [])
    return list(value or [])


def top_external_id(trade: Mapping[str, Any]) -> str:
    # tid exceeds 2**53: the string form is the safe one; Python keeps big ints exact as a fallback.
    tid = trade.get("tid_str") or trade.get("tid")
    if tid in (None, ""):
        raise UnmappedValue("TOP trade without tid")
    return str(tid)


def top_trade_to_ingest(trade: Mapping[str, Any], ctx: ShopContext) -> IngestOrder:
    lines_native = unwrap_list(trade.get("orders"), "order")
    if not lines_native:
        raise UnmappedValue(f"TOP trade {top_external_id(trade)} has no sub-orders")
    status, holds = mappings.top_status({**trade, "orders": lines_native})
    lines, refunds = [], {}
    for line in lines_native:
        sku = str(line.get("outer_sku_id") or f"{line.get('num_iid')}:{line.get('sku_id')}")
        lines.append(IngestLine(sku=sku, name=str(line.get("title") or sku), qty=int(line.get("num") or 1)))
        state = mappings.top_refund_state(line)
        if state != "none":
            refunds[sku] = state
    mobile = str(trade.get("receiver_mobile") or trade.get("receiver_phone") or "")
    name = str(trade.get("receiver_name") or "")
    detail = "".join(str(trade.get(k) or "") for k in ("receiver_town", "receiver_address"))
    promotions = tuple(
        str(p["promotion_name"])
        for p in unwrap_list(trade.get("promotion_details"), "promotion_detail")
        if p.get("promotion_name")
    )
    return IngestOrder(
        source=ctx.channel,
        external_id=top_external_id(trade),
        shop_code=ctx.shop_code,
        warehouse_code=ctx.warehouse_code,
        customer_name=name,
        customer_phone=mobile or None,
        status=status,
        address=AddressInput(
            name=name,
            phone=mobile,
            detail=detail,
            province=str(trade.get("receiver_state") or ""),
            city=str(trade.get("receiver_city") or ""),
            district=str(trade.get("receiver_district") or ""),
        ),
        lines=tuple(lines),
        paid_at=parse_platform_time(trade.get("pay_time")),
        paid_amount=_money(trade.get("payment")),
        promotions=promotions,
        source_modified_at=parse_platform_time(trade.get("modified")),
        platform_holds=holds,
        line_refunds=refunds,
    )


def pdd_order_to_ingest(order: Mapping[str, Any], ctx: ShopContext) -> IngestOrder:
    external_id = str(order.get("order_sn") or "")
    if not external_id:
        raise UnmappedValue("PDD order without order_sn")
    items = order.get("item_list")
    if not items:
        raise UnmappedValue(f"PDD order {external_id} has no item_list")
    status, holds = mappings.pdd_status(order)
    refund_state = mappings.pdd_refund_state(order)
    lines = tuple(
        IngestLine(
            sku=str(item.get("outer_id") or item.get("sku_id")),
            name=str(item.get("goods_name") or item.get("outer_id") or ""),
            qty=int(item.get("goods_count") or 1),
        )
        for item in items
    )
    # PDD refunds are per order: every line carries the order's refund state.
    refunds = {line.sku: refund_state for line in lines} if refund_state != "none" else {}
    name, phone = str(order.get("receiver_name") or ""), str(order.get("receiver_phone") or "")
    remark = str(order.get("remark") or "").strip()
    return IngestOrder(
        source=ctx.channel,
        external_id=external_id,
        shop_code=ctx.shop_code,
        warehouse_code=ctx.warehouse_code,
        customer_name=name,
        customer_phone=phone or None,
        status=status,
        address=AddressInput(
            name=name,
            phone=phone,
            detail=str(order.get("receiver_address") or order.get("address") or ""),
            province=str(order.get("province") or ""),
            city=str(order.get("city") or ""),
            district=str(order.get("town") or ""),
        ),
        lines=lines,
        paid_at=parse_platform_time(order.get("pay_time") or order.get("confirm_time")),
        paid_amount=_money(order.get("pay_amount")),
        # PDD has no promotion field: sellers put the promotion name in the remark.
        promotions=(remark,) if remark else (),
        source_modified_at=parse_platform_time(order.get("updated_at")),
        ship_by=parse_platform_time(order.get("last_ship_time")),
        platform_holds=holds,
        line_refunds=refunds,
    )


BUILDERS = {"taobao": top_trade_to_ingest, "pdd": pdd_order_to_ingest}


def to_ingest(order: Mapping[str, Any], ctx: ShopContext) -> IngestOrder:
    builder = BUILDERS.get(ctx.platform)
    if builder is None:
        raise UnmappedValue(f"no order mapping for platform {ctx.platform!r}")
    return builder(order, ctx)


def is_masked(phone: str | None) -> bool:
    return bool(phone) and "*" in str(phone)


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        raise UnmappedValue(f"amount {value!r}") from None
