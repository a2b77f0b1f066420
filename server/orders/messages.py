"""zh-CN and English texts of the order hub's codes and state names."""

from server.i18n import Localized, define

ILLEGAL_TRANSITION = define(
    "ILLEGAL_TRANSITION",
    "订单不能从「{from_label}」变为「{to_label}」",
    "An order cannot go from '{from_label}' to '{to_label}'",
)
define(
    "ILLEGAL_TRANSITION_AFTER_SHIPPED",
    "订单已发货,不能再变为「{to_label}」:退货流程不在 Packline 范围内,请走平台售后",
    "The order has shipped and cannot become '{to_label}': returns are out of Packline's scope, use the platform's after-sales flow",
)
ORDER_ON_HOLD = define(
    "ORDER_ON_HOLD",
    "订单被拦截({hold_labels}),请勿继续操作",
    "Order is on hold ({hold_labels}); do not continue",
)
CONCURRENT_UPDATE = define(
    "CONCURRENT_UPDATE",
    "订单刚被其他人更新,请刷新后重试",
    "The order was just changed by someone else; reload and retry",
)
UNKNOWN_SHOP = define("UNKNOWN_SHOP", "未知店铺 {shop}", "Unknown shop {shop}")
UNKNOWN_WAREHOUSE = define("UNKNOWN_WAREHOUSE", "未知仓库 {warehouse}", "Unknown warehouse {warehouse}")
UNKNOWN_CHANNEL = define("UNKNOWN_CHANNEL", "未知渠道 {channel}", "Unknown channel {channel}")
HOLD_NOT_OPEN = define("HOLD_NOT_OPEN", "该拦截已解除", "This hold is already released")

STATUS_LABELS = {
    "pending_payment": ("待付款", "awaiting payment"),
    "paid": ("已付款", "paid"),
    "picking": ("拣货中", "picking"),
    "printed": ("已打单", "printed"),
    "packed": ("已打包", "packed"),
    "shipped": ("已发货", "shipped"),
    "delivered": ("已签收", "delivered"),
    "refunded": ("已退款", "refunded"),
    "cancelled": ("已取消", "cancelled"),
}
GIFT_LABELS = {
    "pending": ("待打包", "to be packed"),
    "packed": ("已打包", "packed"),
    "to_reship": ("待补发", "to be reshipped"),
}
HOLD_LABELS = {
    "refund_requested": ("申请退款", "refund requested"),
    "refund_pending": ("退款中", "refund pending"),
    "address_changed": ("地址已变更", "address changed"),
    "manual": ("人工拦截", "manual hold"),
    "payment": ("付款异常", "payment issue"),
    "risk_review": ("风控审核", "risk review"),
    "platform_paused": ("平台暂停", "platform paused"),
    "forbid_consign": ("禁止发货", "shipping forbidden"),
    "group_pending": ("拼团未成", "group not formed"),
    "platform_anomaly": ("平台异常", "platform anomaly"),
}


def label(table: dict[str, tuple[str, str]], key: str, locale: str = "zh-CN") -> str:
    zh, en = table.get(key, (key, key))
    return en if locale == "en" else zh


def localized(table: dict[str, tuple[str, str]], key: str) -> Localized:
    zh, en = table.get(key, (key, key))
    return Localized(zh, en)


def localized_list(table: dict[str, tuple[str, str]], keys: list[str]) -> Localized:
    """E.g. hold kinds as '退款中、地址已变更' / 'refund pending, address changed'."""
    pairs = [table.get(k, (k, k)) for k in keys]
    return Localized("、".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs))
