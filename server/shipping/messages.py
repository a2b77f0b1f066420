"""zh-CN and English texts of the shipping codes: boxes, weighing, the dock handover and its interceptions."""

from server import errors as _errors  # noqa: F401 - registers INVALID_INPUT's texts
from server.accounts.messages import WRONG_WAREHOUSE as WRONG_WAREHOUSE
from server.i18n import define
from server.orders.messages import ORDER_ON_HOLD as ORDER_ON_HOLD

# Boxes at the pack station
BOX_CLOSED = define(
    "BOX_CLOSED",
    "第 {box} 箱已封箱({units} 件),请把商品装入第 {next_box} 箱",
    "Box {box} closed ({units} item(s)); put the next items in box {next_box}",
)
BOX_EMPTY = define(
    "BOX_EMPTY",
    "当前箱子还是空的,先扫描要装进去的商品",
    "This box is still empty; scan what goes in it first",
)

# Weighing
WEIGHT_OK = define(
    "WEIGHT_OK", "称重 {grams} 克 ✓(预计 {expected} 克)", "Weighed {grams} g ✓ (expected {expected} g)"
)
WEIGHT_MISMATCH = define(
    "WEIGHT_MISMATCH",
    "重量异常:称得 {grams} 克,预计 {expected} 克(允许 ±{tolerance} 克),请开箱核对或找组长确认",
    "Weight mismatch: {grams} g weighed, {expected} g expected (±{tolerance} g allowed); check the box or ask a lead",
)
WEIGHT_ACCEPTED = define(
    "WEIGHT_ACCEPTED",
    "组长 {lead} 已确认重量 {grams} 克:{reason}",
    "Lead {lead} accepted the weight of {grams} g: {reason}",
)
NO_WEIGHT_MISMATCH = define(
    "NO_WEIGHT_MISMATCH", "该包裹没有待确认的重量异常", "This package has no weight mismatch to accept"
)
NOT_A_LEAD = define(
    "DOCK_NOT_A_LEAD", "需要本仓组长的工牌或账号确认", "A lead of this warehouse has to confirm this"
)
REASON_REQUIRED = define("REASON_REQUIRED", "请填写原因", "Give a reason")
PACKAGE_NOT_HERE = define(
    "PACKAGE_NOT_HERE", "包裹属于仓库 {warehouse},不能在这里操作", "The package belongs to {warehouse}"
)

# Waybills of further packages
WAYBILL_PENDING = define(
    "PACKAGE_WAYBILL_PENDING",
    "快递公司还没返回第 {package_no} 个包裹的运单号,稍后自动重试",
    "The courier has not returned a waybill for package {package_no} yet; retrying shortly",
)
WAYBILL_REFUSED = define(
    "PACKAGE_WAYBILL_REFUSED",
    "快递公司拒绝了第 {package_no} 个包裹的运单:{error}",
    "The courier refused a waybill for package {package_no}: {error}",
)

# The dock
PARCEL_ADDED = define(
    "PARCEL_ADDED",
    "已交接 {tracking_number}({order_number} 第 {package_no}/{package_count} 件)",
    "Handed over {tracking_number} ({order_number} parcel {package_no}/{package_count})",
)
PARCEL_DUPLICATE = define(
    "PARCEL_DUPLICATE",
    "{tracking_number} 已在本批次中,无需重复扫描",
    "{tracking_number} is already in this batch",
)
DOCK_ORDER_ON_HOLD = define(
    "DOCK_ORDER_ON_HOLD",
    "拦截!订单 {order_number}({reason}),不要交给快递,放到异常区",
    "STOP! Order {order_number} ({reason}): do not hand it to the courier, put it in the exception area",
)
UNKNOWN_PARCEL = define(
    "UNKNOWN_PARCEL",
    "未找到运单号 {code} 的包裹,请扫描面单上的运单号",
    "No parcel with tracking number {code}; scan the label's tracking number",
)
NOT_A_TRACKING_NUMBER = define(
    "NOT_A_TRACKING_NUMBER",
    "这是订单号 {code},请扫描面单上的运单号",
    "{code} is an order number; scan the tracking number on the label",
)
LABEL_VOIDED = define(
    "LABEL_VOIDED",
    "面单 {tracking_number} 已作废,当前运单号是 {current};请换新面单",
    "Label {tracking_number} is void (current tracking number {current}); relabel the parcel",
)
WRONG_COURIER = define(
    "WRONG_COURIER",
    "这是 {parcel_courier} 的包裹,本批次交给 {courier}",
    "This parcel goes with {parcel_courier}; this batch is for {courier}",
)
PACKAGE_NOT_PACKED = define(
    "PACKAGE_NOT_PACKED",
    "包裹 {tracking_number} 还没有打包称重",
    "Parcel {tracking_number} has not been packed and weighed yet",
)
ALREADY_HANDED_OVER = define(
    "ALREADY_HANDED_OVER",
    "{tracking_number} 已于批次 {batch} 交接",
    "{tracking_number} was already handed over in batch {batch}",
)
IN_OTHER_BATCH = define(
    "IN_OTHER_BATCH",
    "{tracking_number} 已在另一个批次 {batch} 中",
    "{tracking_number} is already in batch {batch}",
)
PARCEL_WEIGHT_MISMATCH = define(
    "PARCEL_WEIGHT_MISMATCH",
    "{tracking_number} 重量异常未确认,请组长先确认",
    "{tracking_number} has an unaccepted weight mismatch; a lead has to accept it first",
)
BATCH_CLOSED = define("BATCH_CLOSED", "批次 {batch} 已关闭", "Batch {batch} is closed")
BATCH_EMPTY = define(
    "BATCH_EMPTY", "批次 {batch} 还没有包裹,不能关闭", "Batch {batch} has no parcels; nothing to close"
)
NOT_A_DOCK = define("NOT_A_DOCK", "{station} 不是交接口", "{station} is not a dock station")
UNKNOWN_COURIER = define("UNKNOWN_COURIER", "未知快递公司 {courier}", "Unknown courier {courier}")
SCAN_ID_REUSED = define(
    "DOCK_SCAN_ID_REUSED", "扫描编号已被其他操作使用", "This client_scan_id was already used by someone else"
)
SCAN_UNREADABLE = define("DOCK_SCAN_UNREADABLE", "扫描内容无效,请重新扫描", "Unreadable scan; scan again")

REASON_LABELS = {
    "refunded": ("已退款", "refunded"),
    "cancelled": ("已取消", "cancelled"),
}
PACKAGE_STATES = {
    "to_pack": ("待打包", "to be packed"),
    "packed": ("已打包待交接", "packed, waiting for pickup"),
    "handed_over": ("已交快递", "handed to the courier"),
    "voided": ("已拦截作废", "intercepted, label void"),
}
