"""zh-CN and English texts of the printing codes: printer profiles, waybills, prints, the label gate."""

from server.errors import Conflict, DomainError
from server.i18n import define

NO_PRINTER_PROFILE = define(
    "NO_PRINTER_PROFILE",
    "打包台 {station} 没有配置打印机(缺少:{missing}),不能在此打包。请换一个打包台,或请组长先配置打印机。",
    "Station {station} has no printer set up (missing: {missing}) and cannot be used for packing. "
    "Pick another station or ask your lead to set up its printer.",
)
PRINTER_PROFILE_INVALID = define(
    "PRINTER_PROFILE_INVALID",
    "打包台 {station} 的打印机设置无效:{problem}。请组长修正后再使用。",
    "Station {station} has an invalid printer setting: {problem}. Ask your lead to fix it.",
)
LABEL_ORDER_NOT_PRINTABLE = define(
    "LABEL_ORDER_NOT_PRINTABLE",
    "订单 {order_number} 状态为「{status_label}」,不能打印面单",
    "Order {order_number} is '{status_label}': no label can be printed",
)
LABEL_ALREADY_PRINTED = define(
    "LABEL_ALREADY_PRINTED",
    "订单 {order_number} 的面单(第 {version} 版)已在 {station} 打印过;如需再打,请选择「补打」并填写原因",
    "The label of {order_number} (version {version}) was already printed at {station}; "
    "use 'reprint' with a reason to print it again",
)
LABEL_NOT_PRINTED = define(
    "LABEL_NOT_PRINTED",
    "订单 {order_number} 的面单(第 {version} 版)还没有打印,请先打印并贴好面单",
    "The label of {order_number} (version {version}) has not been printed: print and attach it first",
)
LABEL_OUTDATED = define(
    "LABEL_OUTDATED",
    "订单 {order_number} 的收货地址已变更,第 {version} 版面单已作废,请重新打印面单",
    "The address of {order_number} changed: label version {version} is void, print the new label",
)
LABEL_NO_WAYBILL = define(
    "LABEL_NO_WAYBILL",
    "订单 {order_number} 还没有运单号,请先点击「打印面单」",
    "Order {order_number} has no tracking number yet: press 'print label' first",
)
LABEL_VERSION_STALE = define(
    "LABEL_VERSION_STALE",
    "第 {requested} 版面单已作废,当前为第 {current} 版,请重新打印",
    "Label version {requested} is void; the current version is {current}: print it again",
)
WAYBILL_REFUSED = define(
    "WAYBILL_REFUSED",
    "快递公司({courier})未能出单:{error}。请检查收件地址或联系组长。",
    "The courier ({courier}) did not issue a waybill: {error}. Check the address or ask your lead.",
)
COURIER_NOT_CONFIGURED = define(
    "COURIER_NOT_CONFIGURED",
    "快递公司 {courier} 未配置接口,无法取运单号,请联系管理员",
    "Courier {courier} is not configured: no tracking number can be requested; contact an administrator",
)


class CourierRefused(DomainError):
    """The courier answered, but not with a waybill (rejected request or bad credentials)."""

    http_status = 502


class CourierNotConfigured(DomainError):
    http_status = 503

    def __init__(self, courier: str) -> None:
        super().__init__(COURIER_NOT_CONFIGURED, courier=courier)


class PrinterNotReady(Conflict):
    """The station cannot print: no profile, or one Packline cannot render."""
