"""TOP trade shapes and state changes: field selection, XML-style wrappers, refunds, shipping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulators.timefmt import china_wall_clock

Trade = dict[str, Any]

# Omitted ``type`` → TOP lists only these trade types.
DEFAULT_TRADE_TYPES = frozenset({"guarantee_trade", "auto_delivery", "ec", "cod", "step"})
SHIPPABLE = frozenset({"WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART"})
PENDING_REFUND = "WAIT_SELLER_AGREE"
REFUND_STATES = {"pending": PENDING_REFUND, "refunded": "SUCCESS", "closed": "CLOSED", "none": "NO_REFUND"}
_LIST_FIELDS = {"orders": "order", "promotion_details": "promotion_detail"}


def select_fields(trade: Trade, fields: str, simplify: bool) -> Trade:
    """Keep the requested fields: ``orders`` for whole sub-orders, ``orders.oid`` for some of them."""
    wanted = {name.strip() for name in fields.split(",") if name.strip()}
    result: Trade = {}
    for key, value in trade.items():
        if key in _LIST_FIELDS:
            rows = _select_rows(value or [], key, wanted)
            if rows is not None and rows:
                result[key] = rows if simplify else {_LIST_FIELDS[key]: rows}
        elif key in wanted:
            result[key] = value
    return result


def _select_rows(rows: list[dict[str, Any]], name: str, wanted: set[str]) -> list[dict[str, Any]] | None:
    if name in wanted:
        return [dict(row) for row in rows]
    prefix = f"{name}."
    sub = {field[len(prefix) :] for field in wanted if field.startswith(prefix)}
    if not sub:
        return None
    return [{key: value for key, value in row.items() if key in sub} for row in rows]


def unwrap(trade: Trade) -> Trade:
    """Accept posted trades with or without wrappers; fill ``tid_str`` / ``oid_str`` from the numbers."""
    for key, inner in _LIST_FIELDS.items():
        value = trade.get(key)
        if isinstance(value, dict):
            trade[key] = value.get(inner, [])
    if "tid" in trade and "tid_str" not in trade:
        trade["tid_str"] = str(trade["tid"])
    if "tid_str" in trade and "tid" not in trade:
        trade["tid"] = int(trade["tid_str"])
    for line in trade.get("orders") or []:
        if "oid" in line and "oid_str" not in line:
            line["oid_str"] = str(line["oid"])
    return trade


def ship(trade: Trade, out_sid: str, company_code: str, now: datetime) -> None:
    """``taobao.logistics.offline.send``: every line not refunded goes out under the waybill."""
    trade["status"] = "WAIT_BUYER_CONFIRM_GOODS"
    trade["consign_time"] = china_wall_clock(now)
    for line in trade.get("orders") or []:
        if line.get("refund_status") != "SUCCESS":
            line["status"] = "WAIT_BUYER_CONFIRM_GOODS"
            line["logistics_company"] = company_code
            line["invoice_no"] = out_sid


def apply_refund(trade: Trade, command: dict[str, Any]) -> None:
    """``{"oid": optional, "state": pending|refunded|closed|none}``; all lines refunded closes the trade."""
    refund_status = REFUND_STATES[str(command.get("state", "pending"))]
    target = command.get("oid")
    for line in trade.get("orders") or []:
        if target is None or str(line.get("oid")) == str(target):
            line["refund_status"] = refund_status
            line["refund_id"] = line.get("refund_id") or f"{line.get('oid')}9"
            if refund_status == "SUCCESS":
                line["status"] = "TRADE_CLOSED"
    lines = trade.get("orders") or []
    if lines and all(line.get("refund_status") == "SUCCESS" for line in lines):
        trade["status"] = "TRADE_CLOSED"


def apply_status(trade: Trade, command: dict[str, Any], now: datetime) -> None:
    """``{"status": TOP status}``: the trade and its non-refunded lines move together."""
    status = str(command["status"])
    trade["status"] = status
    if status not in ("WAIT_BUYER_PAY", "TRADE_NO_CREATE_PAY") and not trade.get("pay_time"):
        trade["pay_time"] = china_wall_clock(now)
    for line in trade.get("orders") or []:
        if line.get("refund_status") != "SUCCESS":
            line["status"] = status


def strip_wrappers(payload: Any) -> Any:
    """The ``malformed``/``no_wrapper`` shape: lists without their XML-style wrapper objects."""
    if isinstance(payload, dict):
        if set(payload) in ({"trade"}, {"order"}, {"promotion_detail"}):
            return strip_wrappers(next(iter(payload.values())))
        return {key: strip_wrappers(value) for key, value in payload.items()}
    if isinstance(payload, list):
        return [strip_wrappers(item) for item in payload]
    return payload


def strip_id_strings(payload: Any) -> Any:
    """The ``malformed``/``numeric_tid_only`` shape: only the numeric ids, which exceed 2^53."""
    if isinstance(payload, dict):
        return {k: strip_id_strings(v) for k, v in payload.items() if k not in ("tid_str", "oid_str")}
    if isinstance(payload, list):
        return [strip_id_strings(item) for item in payload]
    return payload
