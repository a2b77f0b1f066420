"""zh-CN and English texts of what the daily import reports about a file or a row."""

from server.i18n import define

EMPTY_ROW = define("IMPORT_EMPTY_ROW", "空行,已跳过", "Empty row, skipped")
DUPLICATE_ROW = define(
    "IMPORT_DUPLICATE_ROW", "与第 {first_row} 行完全重复,已跳过", "Exact duplicate of row {first_row}, skipped"
)
REQUIRED = define("IMPORT_REQUIRED", "「{column}」不能为空", "'{column}' is required")
TOO_LONG = define("IMPORT_TOO_LONG", "「{column}」最多 {limit} 个字符", "'{column}' allows at most {limit} characters")
ORDER_NUMBER_INVALID = define(
    "IMPORT_ORDER_NUMBER_INVALID",
    "单号只能包含字母、数字和 -,长度 4–40",
    "The order number may only hold letters, digits and '-', 4–40 long",
)
PHONE_INVALID = define(
    "IMPORT_PHONE_INVALID", "手机号只能包含数字", "The phone number may only contain digits"
)
PHONE_LENGTH = define(
    "IMPORT_PHONE_LENGTH",
    "手机号位数不对({digits} 位):应为 11 位手机号或带区号的固话",
    "The phone number has {digits} digits: expected an 11-digit mobile or a landline with area code",
)
QTY_NOT_WHOLE = define(
    "IMPORT_QTY_NOT_WHOLE",
    "数量必须是 1–{limit} 的整数(阿拉伯数字),收到「{value}」",
    "The quantity must be a whole number from 1 to {limit} written in digits, got '{value}'",
)
AMOUNT_INVALID = define(
    "IMPORT_AMOUNT_INVALID", "金额无效:「{value}」", "Invalid amount: '{value}'"
)
DATETIME_INVALID = define(
    "IMPORT_DATETIME_INVALID",
    "时间无法识别:「{value}」(例:2026-02-17 08:30)",
    "Unreadable date/time '{value}' (e.g. 2026-02-17 08:30)",
)
CONFLICT = define(
    "IMPORT_CONFLICT",
    "与第 {first_row} 行同属订单 {order_number},但「{column}」不同",
    "Same order {order_number} as row {first_row} but a different '{column}'",
)
ORDER_REJECTED = define(
    "IMPORT_ORDER_REJECTED",
    "订单 {order_number} 的第 {rows} 行有错误,整单未导入",
    "Order {order_number} not imported: row(s) {rows} of it have errors",
)
INGEST_FAILED = define("IMPORT_INGEST_FAILED", "订单未能导入:{reason}", "The order could not be imported: {reason}")
MISSING_COLUMNS = define(
    "IMPORT_MISSING_COLUMNS",
    "文件缺少必需的列:{columns}",
    "The file lacks required columns: {columns}",
)
UNREADABLE = define(
    "IMPORT_UNREADABLE", "无法读取文件:{reason}", "The file cannot be read: {reason}"
)
UNKNOWN_MAPPING = define(
    "IMPORT_UNKNOWN_MAPPING", "未知的导入映射 {mapping}", "Unknown import mapping {mapping}"
)
UNSUPPORTED_FILE = define(
    "IMPORT_UNSUPPORTED_FILE",
    "只支持 .xlsx 和 .csv 文件,收到 {file_name}",
    "Only .xlsx and .csv files are supported, got {file_name}",
)
ALREADY_IMPORTED = define(
    "IMPORT_ALREADY_IMPORTED",
    "同一文件已于导入记录 #{run_id} 导入,本次未做任何修改",
    "The same file was already imported in run #{run_id}; nothing changed",
)
