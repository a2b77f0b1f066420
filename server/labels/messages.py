"""zh-CN and English texts of the label codes (profile, barcode data, content, gift slip)."""

from server.i18n import Localized, define

LABEL_PROFILE_UNSUPPORTED = define(
    "LABEL_PROFILE_UNSUPPORTED",
    "不支持的打印机{setting}:{value}(支持:{supported})",
    "Unsupported printer {setting} {value} (supported: {supported})",
)
LABEL_BARCODE_DATA_INVALID = define(
    "LABEL_BARCODE_DATA_INVALID",
    "{what}「{value}」无法打印为 Code 128 条码(须为非空的可打印 ASCII 字符)",
    "{what} '{value}' cannot be printed as Code 128 (non-empty printable ASCII only)",
)
LABEL_BARCODE_TOO_WIDE = define(
    "LABEL_BARCODE_TOO_WIDE",
    "条码「{data}」连同静区需要 {needed} 点,{size} mm 面单只有 {available} 点",
    "Barcode '{data}' needs {needed} dots with quiet zones; the {size} mm label has {available}",
)
LABEL_CONTENT_INVALID = define(
    "LABEL_CONTENT_INVALID",
    "面单字段 {field} 无效:{reason}",
    "Label field {field} is invalid: {reason}",
)
GIFT_SLIP_EMPTY = define(
    "GIFT_SLIP_EMPTY",
    "订单 {order_number} 没有赠品,无需打印赠品单",
    "Order {order_number} has no gifts to print a slip for",
)

SETTING_FORMAT = Localized("格式", "format")
SETTING_SIZE = Localized("尺寸", "size")
SETTING_RESOLUTION = Localized("分辨率", "resolution")
TRACKING_NUMBER = Localized("运单号", "tracking number")
BARCODE_DATA = Localized("条码内容", "barcode data")
