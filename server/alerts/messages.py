"""Alert kinds and severities, and the zh-CN / English title and message of every kind.

Templates take the alert's params; a missing param renders as "?" rather than breaking the alert.
Some kinds have variants (`params["variant"]`) for the stage an order is in.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.i18n import define, pick_locale
from server.orders.messages import STATUS_LABELS

KINDS = ("address_changed", "no_tracking", "overdue", "sync_failing", "status_mismatch", "pack_exception")
SEVERITIES = ("info", "warning", "critical")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
SEVERITY_LABELS = {"info": ("提示", "info"), "warning": ("警告", "warning"), "critical": ("严重", "critical")}

ALERT_NOT_FOUND = define("ALERT_NOT_FOUND", "告警 {alert_id} 不存在", "Alert {alert_id} not found")
UNKNOWN_ALERT_KIND = define("UNKNOWN_ALERT_KIND", "未知告警类型 {kind}", "Unknown alert kind {kind}")
UNKNOWN_SEVERITY = define("UNKNOWN_SEVERITY", "未知告警级别 {severity}", "Unknown alert severity {severity}")

# (kind, variant) -> ((title zh, title en), (message zh, message en))
_TEXTS: dict[tuple[str, str], tuple[tuple[str, str], tuple[str, str]]] = {
    ("address_changed", ""): (
        ("收货地址变更", "Address changed"),
        (
            "订单【{order_number}】收货地址已更新,请确认拣货单",
            "Order {order_number}: the delivery address was updated, check the pick list",
        ),
    ),
    ("address_changed", "paid"): (
        ("收货地址变更", "Address changed"),
        (
            "订单【{order_number}】收货地址已更新,尚未拣货,将按新地址发货",
            "Order {order_number}: the delivery address was updated before picking; it ships to the new address",
        ),
    ),
    ("address_changed", "held"): (
        ("收货地址变更,已拦截", "Address changed, order held"),
        (
            "订单【{order_number}】打单后收货地址已更新,订单已拦截,请作废旧面单并重新打印",
            "Order {order_number}: the address changed after printing; the order is held, void the old label and reprint",
        ),
    ),
    ("address_changed", "shipped"): (
        ("已发货订单改地址", "Address changed after shipping"),
        (
            "订单【{order_number}】已发货后收货地址变更,请联系快递拦截改址",
            "Order {order_number}: the address changed after shipping; ask the courier to intercept and redirect",
        ),
    ),
    ("no_tracking", ""): (
        ("打单后无运单号", "No tracking number"),
        (
            "订单【{order_number}】已打单 {minutes} 分钟仍无运单号,请跟进",
            "Order {order_number}: printed {minutes} min ago and still no tracking number; follow up",
        ),
    ),
    ("overdue", ""): (
        ("订单超时未发", "Order overdue"),
        (
            "订单【{order_number}】已超过承诺发货时间 {ship_by},当前:{status_label}",
            "Order {order_number}: past its ship-by time {ship_by}, still {status_label}",
        ),
    ),
    ("sync_failing", ""): (
        ("同步异常", "Sync failing"),
        (
            "{system} 同步持续失败:{error}",
            "{system} sync keeps failing: {error}",
        ),
    ),
    ("status_mismatch", ""): (
        ("状态不一致", "Status mismatch"),
        (
            "订单【{order_number}】状态不一致:Packline 为 {ours},{system} 为 {theirs},请核对",
            "Order {order_number}: Packline says {ours}, {system} says {theirs}; please check",
        ),
    ),
    ("pack_exception", ""): (
        ("打包异常", "Packing exception"),
        (
            "打包台 {station} 订单【{order_number}】打包异常:{reason}",
            "Station {station}, order {order_number}: packing exception: {reason}",
        ),
    ),
}


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def render(kind: str, params: Mapping[str, Any], locale: str = "zh-CN", *, station: str | None = None) -> tuple[str, str]:
    """(title, message) of an alert in one locale."""
    en = pick_locale(locale) == "en"
    variant = str(params.get("variant") or "")
    titles, texts = _TEXTS.get((kind, variant)) or _TEXTS.get((kind, "")) or ((kind, kind), (kind, kind))
    values = _Lenient(params)
    if station and "station" not in values:
        values["station"] = station
    for key in ("status", "ours", "theirs"):
        if key in values and values[key] in STATUS_LABELS:
            zh, en_label = STATUS_LABELS[values[key]]
            values[key] = en_label if en else zh
    if "status_label" not in values and values.get("status"):
        values["status_label"] = values["status"]
    template = texts[1] if en else texts[0]
    try:
        message = string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError, AttributeError):
        message = template
    return (titles[1] if en else titles[0]), message


def severity_label(severity: str, locale: str = "zh-CN") -> str:
    zh, en = SEVERITY_LABELS.get(severity, (severity, severity))
    return en if pick_locale(locale) == "en" else zh


def local_time(value: datetime, tz: str | None, fmt: str = "%m-%d %H:%M") -> str:
    """A moment as the warehouse's wall clock shows it (its time zone, Asia/Shanghai if unknown)."""
    try:
        zone = ZoneInfo(tz or "Asia/Shanghai")
    except (ValueError, KeyError):
        zone = ZoneInfo("Asia/Shanghai")
    return value.astimezone(zone).strftime(fmt)
