"""zh-CN and English names of the dashboard's dimensions, counters and export columns."""

from server.i18n import define

METRICS_RANGE_TOO_LONG = define(
    "METRICS_RANGE_TOO_LONG",
    "日期范围最长 {max_days} 天",
    "The date range can be at most {max_days} days",
)
METRICS_BAD_RANGE = define(
    "METRICS_BAD_RANGE", "开始日期晚于结束日期", "The start date is after the end date"
)

CHANNEL_EN = {
    "taobao": "Taobao",
    "tmall": "Tmall",
    "jd": "JD.com",
    "pdd": "Pinduoduo",
    "miniapp": "Mini-program",
    "pos": "Store POS",
    "shopify": "Shopify",
}
DIMENSIONS = {
    "day": ("日期", "day"),
    "warehouse": ("仓库", "warehouse"),
    "channel": ("渠道", "channel"),
    "shop": ("店铺", "shop"),
    "brand": ("品牌", "brand"),
    "paid_hour": ("付款时段", "hour of payment"),
}
COUNTER_SOURCES = {
    "interceptions:pack_on_hold": ("打包时拦截", "stopped at packing"),
    "interceptions:dock": ("交接时拦截", "stopped at the dock"),
    "gift_omissions_prevented:pack_gift_required": ("漏赠品拦截", "gift omission stopped"),
}
UNKNOWN = ("未知", "unknown")
COLUMNS = {
    "day": ("日期", "day"),
    "key": ("维度", "key"),
    "label": ("名称", "label"),
    "due": ("应发单量", "due"),
    "on_time": ("按时", "on time"),
    "late": ("超时", "late"),
    "pending": ("未到期", "not yet due"),
    "unshipped": ("超时未发", "late, no tracking"),
    "rate": ("按时率", "on-time rate"),
    "consistency_rate": ("状态一致率", "status consistency rate"),
    "compared": ("比对单量", "orders compared"),
    "consistent": ("一致单量", "orders consistent"),
    "interceptions": ("异常拦截", "exceptions intercepted"),
    "gift_omissions_prevented": ("防漏赠品", "gift omissions prevented"),
    "cs_lookups": ("客服查询次数", "CS lookups"),
    "cs_latency_p50": ("查询耗时 p50 (ms)", "lookup p50 (ms)"),
    "cs_latency_p95": ("查询耗时 p95 (ms)", "lookup p95 (ms)"),
    "computed_at": ("计算时间", "computed at"),
}


def text(pair: tuple[str, str], locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]
