"""zh-CN and English texts of every scan answer code and of the next-step prompts."""

from server import errors as _errors  # noqa: F401 - registers INVALID_INPUT's texts
from server.accounts.messages import TOO_MANY_ATTEMPTS as TOO_MANY_ATTEMPTS
from server.accounts.messages import WRONG_WAREHOUSE as WRONG_WAREHOUSE
from server.i18n import define
from server.orders.messages import ORDER_ON_HOLD as ORDER_ON_HOLD

# Accepted
ORDER_OPENED = define(
    "ORDER_OPENED", "开始打包 {order_number},请扫描商品", "Packing {order_number}: scan the items"
)
ITEM_ACCEPTED = define(
    "ITEM_ACCEPTED", "{name} ×{qty} ✓({scanned}/{required})", "{name} ×{qty} ✓ ({scanned}/{required})"
)
GIFT_ACCEPTED = define("GIFT_ACCEPTED", "赠品已确认 {gift_number}", "Gift confirmed: {gift_number}")
GIFT_ALREADY_SCANNED = define("GIFT_ALREADY_SCANNED", "赠品已扫描过,无需重复扫描", "Gift already scanned")
PACK_COMPLETED = define("PACK_COMPLETED", "打包完成 {order_number}", "Packed: {order_number}")
GIFT_OVERRIDDEN = define(
    "GIFT_OVERRIDDEN",
    "组长 {lead} 确认缺赠品:{order_number} 已打包,赠品待补发",
    "Lead {lead} confirmed the missing gift: {order_number} packed, gift to be reshipped",
)
SCAN_UNDONE = define("SCAN_UNDONE", "已撤销上一次扫描:{what}", "Last scan undone: {what}")
PACK_ABANDONED = define("PACK_ABANDONED", "已放弃打包 {order_number}", "Pack of {order_number} abandoned")
PACK_STATE = define("PACK_STATE", "当前状态", "Current state")
LOCK_RELEASED = define(
    "LOCK_RELEASED", "组长已解除 {order_number} 的锁定", "The lead released the lock on {order_number}"
)

# Rejected
ORDER_NOT_READY = define(
    "ORDER_NOT_READY",
    "订单状态为「{status_label}」,不能打包",
    "The order is '{status_label}' and cannot be packed",
)
ALREADY_PACKED = define(
    "ALREADY_PACKED",
    "订单已打包(「{status_label}」),请勿重复打包",
    "Already packed ('{status_label}'); do not pack it again",
)
ITEM_NOT_IN_ORDER = define(
    "ITEM_NOT_IN_ORDER", "{name} 不在此订单中,请取出", "{name} is not in this order; take it out"
)
GIFT_ITEM_SCANNED = define(
    "GIFT_ITEM_SCANNED",
    "这是赠品商品,请扫描赠品拣货单上的条码 {gift_number}",
    "That is the gift product; scan the gift slip code {gift_number} instead",
)
OVER_SCAN = define(
    "OVER_SCAN",
    "{name} 多扫了:需要 {required} 件,已扫 {scanned} 件",
    "Too many {name}: {required} needed, {scanned} already scanned",
)
GIFT_MISMATCH = define(
    "GIFT_MISMATCH",
    "赠品单 {scanned} 不属于订单 {order_number}",
    "Gift slip {scanned} does not belong to {order_number}",
)
GIFT_REQUIRED = define(
    "GIFT_REQUIRED",
    "请先扫描赠品单 {gift_number} 再完成",
    "Scan the gift slip {gift_number} before completing",
)
ITEMS_MISSING = define("ITEMS_MISSING", "还有 {missing} 件商品未扫描", "{missing} item(s) still to scan")
ORDER_LOCKED = define(
    "ORDER_LOCKED",
    "订单正在 {station} 由 {packer} 打包",
    "This order is being packed at {station} by {packer}",
)
WRONG_ORDER = define(
    "WRONG_ORDER",
    "正在打包 {order_number},扫到的是另一订单 {scanned};换单请先放弃当前打包",
    "Packing {order_number}, but {scanned} is another order; abandon first to switch",
)
UNKNOWN_CODE = define("UNKNOWN_CODE", "无法识别的条码 {code}", "Unknown code {code}")
SCAN_UNREADABLE = define("SCAN_UNREADABLE", "扫描内容无效,请重新扫描", "Unreadable scan; scan again")
SCAN_ID_REUSED = define(
    "SCAN_ID_REUSED", "扫描编号已被其他操作使用", "This client_scan_id was already used by someone else"
)
NO_OPEN_PACK = define("NO_OPEN_PACK", "请先扫描订单号或运单号", "Scan an order or tracking number first")
NOTHING_TO_UNDO = define("NOTHING_TO_UNDO", "没有可撤销的扫描", "There is no scan to undo")
NO_GIFT_TO_OVERRIDE = define(
    "NO_GIFT_TO_OVERRIDE", "此订单没有待扫描的赠品", "This order has no gift waiting to be scanned"
)
STATION_UNKNOWN = define("STATION_UNKNOWN", "未知打包台 {station}", "Unknown pack station {station}")
NOT_A_LEAD = define(
    "NOT_A_LEAD", "该工牌不是本仓组长", "That badge does not belong to a lead of this warehouse"
)
OVERRIDE_REASON_REQUIRED = define(
    "OVERRIDE_REASON_REQUIRED", "请填写缺赠品原因", "Give the reason the gift is missing"
)
INVALID_INPUT = "INVALID_INPUT"

# Next-step prompts
PROMPT_SCAN_ORDER = define("PROMPT_SCAN_ORDER", "请扫描订单号或运单号", "Scan the order or tracking number")
PROMPT_SCAN_ITEMS = define(
    "PROMPT_SCAN_ITEMS", "请扫描商品(还差 {items} 件)", "Scan the items ({items} to go)"
)
PROMPT_SCAN_GIFT = define(
    "PROMPT_SCAN_GIFT", "请扫描赠品单 {gift_number}", "Scan the gift slip {gift_number}"
)
PROMPT_CONFIRM = define(
    "PROMPT_CONFIRM", "已齐全,请扫描面单或点击完成", "All there: scan the label or press complete"
)
PROMPT_DONE = define("PROMPT_DONE", "完成,请扫描下一单", "Done: scan the next order")

UNDO_LABELS = {"item": ("商品", "item"), "gift": ("赠品", "gift")}
