"""Status and field mappings between the outside systems and Packline, kept as data (reference §1.3, §1.5,
§2, §3). Pure: no I/O, no session; `native_orders.py` uses these tables to build `IngestOrder`s."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PENDING, PAID, SHIPPED, DELIVERED = "pending_payment", "paid", "shipped", "delivered"
REFUNDED, CANCELLED = "refunded", "cancelled"
EXITED = frozenset({REFUNDED, CANCELLED})


class UnmappedValue(ValueError):
    """A native value no table knows: the order is not guessed into a status."""


# --- Taobao / Tmall (TOP) §1.3 ----------------------------------------------------------------------------
TOP_TRADE_FIELDS = (
    "tid,tid_str,status,type,created,modified,pay_time,payment,buyer_nick,buyer_message,seller_memo,"
    "receiver_name,receiver_state,receiver_city,receiver_district,receiver_town,receiver_address,"
    "receiver_zip,receiver_mobile,receiver_phone,orders,promotion_details"
)
# Trade status → (Packline status, holds). SELLER_CONSIGNED_PART asserts `paid`, which never steps back
# over Packline's own picking/printed/packed, i.e. "keep".
TOP_STATUS: dict[str, tuple[str, tuple[str, ...]]] = {
    "TRADE_NO_CREATE_PAY": (PENDING, ()),
    "WAIT_BUYER_PAY": (PENDING, ()),
    "PAY_PENDING": (PENDING, ()),
    "WAIT_PRE_AUTH_CONFIRM": (PENDING, ()),
    "PAID_FORBID_CONSIGN": (PAID, ("forbid_consign",)),
    "WAIT_SELLER_SEND_GOODS": (PAID, ()),
    "SELLER_CONSIGNED_PART": (PAID, ()),
    "WAIT_BUYER_CONFIRM_GOODS": (SHIPPED, ()),
    "TRADE_BUYER_SIGNED": (DELIVERED, ()),
    "TRADE_FINISHED": (DELIVERED, ()),
    "TRADE_CLOSED": (REFUNDED, ()),
    "TRADE_CLOSED_BY_TAOBAO": (CANCELLED, ()),
}
# Sub-order refund_status → line refund state.
TOP_REFUND_STATE: dict[str, str] = {
    "WAIT_SELLER_AGREE": "pending",
    "WAIT_BUYER_RETURN_GOODS": "pending",
    "WAIT_SELLER_CONFIRM_GOODS": "pending",
    "SUCCESS": "refunded",
    "SELLER_REFUSE_BUYER": "none",
    "CLOSED": "none",
    "NO_REFUND": "none",
}


def top_status(trade: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    native = str(trade.get("status", ""))
    if native not in TOP_STATUS:
        raise UnmappedValue(f"TOP status {native!r}")
    status, holds = TOP_STATUS[native]
    states = [top_refund_state(line) for line in trade.get("orders") or []]
    if status == PAID and "pending" in states:
        holds = (*holds, "refund_pending")
    return status, holds


def top_refund_state(line: Mapping[str, Any]) -> str:
    native = str(line.get("refund_status") or "NO_REFUND")
    if native not in TOP_REFUND_STATE:
        raise UnmappedValue(f"TOP refund_status {native!r}")
    return TOP_REFUND_STATE[native]


# --- Pinduoduo §1.5 -----------------------------------------------------------------------------------------
# First matching (field, values, status) wins; holds accumulate on `paid` only.
PDD_STATUS_RULES: tuple[tuple[str, frozenset[int], str], ...] = (
    ("confirm_status", frozenset({2}), CANCELLED),
    ("refund_status", frozenset({4}), REFUNDED),
    ("confirm_status", frozenset({0}), PENDING),
    ("order_status", frozenset({3}), DELIVERED),
    ("order_status", frozenset({2}), SHIPPED),
    ("order_status", frozenset({1}), PAID),
)
PDD_HOLD_RULES: tuple[tuple[str, frozenset[int], str], ...] = (
    ("refund_status", frozenset({2, 3}), "refund_pending"),
    ("risk_control_status", frozenset({1}), "risk_review"),
    ("group_status", frozenset({0, 2}), "group_pending"),
)
PDD_REFUND_STATE: dict[int, str] = {1: "none", 2: "pending", 3: "pending", 4: "refunded"}
PDD_ANOMALY_STATUS = 0  # pdd.order.status.get: order_status 0 → hold platform_anomaly


def pdd_status(order: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    for name, values, status in PDD_STATUS_RULES:
        if _int(order.get(name)) in values:
            holds = (
                tuple(h for f, vs, h in PDD_HOLD_RULES if _int(order.get(f)) in vs) if status == PAID else ()
            )
            return status, holds
    raise UnmappedValue(
        f"PDD order_status={order.get('order_status')!r} confirm_status={order.get('confirm_status')!r}"
    )


def pdd_refund_state(order: Mapping[str, Any]) -> str:
    value = _int(order.get("refund_status"))
    if value not in PDD_REFUND_STATE:
        raise UnmappedValue(f"PDD refund_status {order.get('refund_status')!r}")
    return PDD_REFUND_STATE[value]


# PDD wants its own numeric courier ids on pdd.logistics.online.send [U: confirm per tenant].
PDD_LOGISTICS_IDS: dict[str, int] = {
    "ZTO": 115,
    "YTO": 85,
    "STO": 1,
    "YUNDA": 121,
    "SF": 44,
    "EMS": 118,
    "JTSD": 384,
}


# --- WMS (Qimen-style) §3 ------------------------------------------------------------------------------------
# processStatus → the Packline status it proves; None = in the WMS's hands, nothing proven yet.
WMS_TO_PACKLINE: dict[str, str | None] = {
    "NEW": None,
    "ACCEPT": None,
    "EXCEPTION": None,
    "PICK": "picking",
    "PRINT": "printed",
    "CHECK": "packed",
    "PACKAGE": "packed",
    "DELIVERED": SHIPPED,
    "PARTDELIVERED": SHIPPED,
    "CANCELED": CANCELLED,
    "CLOSED": CANCELLED,
    "REJECT": CANCELLED,
}
PACKLINE_TO_WMS_CONFIRM: dict[str, str] = {"packed": "PACKAGE", SHIPPED: "DELIVERED"}
CHANNEL_PLATFORM_CODES: dict[str, str] = {"taobao": "TB", "tmall": "TM", "jd": "JD", "pdd": "PDD"}


def wms_platform_code(channel: str) -> str:
    return CHANNEL_PLATFORM_CODES.get(channel, "OTHER")


def wms_agrees(packline_status: str, wms_status: str | None) -> bool | None:
    """Only hard contradictions count: the WMS and the bench may each be a step ahead in the warehouse
    flow. None = not comparable (the WMS does not know the order, or answers a status no table knows)."""
    if wms_status is None or wms_status not in WMS_TO_PACKLINE:
        return None
    proven = WMS_TO_PACKLINE[wms_status]
    if proven == CANCELLED:
        return packline_status in EXITED
    if proven == SHIPPED:
        return packline_status in (SHIPPED, DELIVERED)
    # Otherwise the WMS still works on it: fine unless Packline already shipped or intercepted it.
    return packline_status not in (SHIPPED, DELIVERED) and packline_status not in EXITED


# --- Kingdee K3 Cloud §2 ---------------------------------------------------------------------------------------
KINGDEE_OUTSTOCK_BILL_TYPE = "XSCKD01_SYS"  # tenant-specific [U]
KINGDEE_UNIT = "Pcs"
KINGDEE_PLATFORM_ORDER_FIELD = "F_PKL_PlatformOrderId"  # custom field on SAL_SaleOrder
KINGDEE_STOCKS: dict[str, str] = {"HZ01": "CK01", "SH01": "CK02"}
KINGDEE_CANCELLED = "B"  # FCancelStatus: A normal, B cancelled (作废)


def kingdee_reference(order_number: str) -> str:
    """What goes into FNote: the only handle on a Save whose reply was lost."""
    return f"packline {order_number}"


def kingdee_customer(shop_code: str) -> str:
    return f"CUST-{shop_code.upper()}"


def kingdee_stock(warehouse_code: str) -> str:
    return KINGDEE_STOCKS.get(warehouse_code, warehouse_code)


def erp_agrees(packline_status: str, cancel_status: str) -> bool:
    return (packline_status in EXITED) == (cancel_status == KINGDEE_CANCELLED)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
