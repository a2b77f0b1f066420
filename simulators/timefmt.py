"""Platform time formats: TOP/PDD/Kingdee speak GMT+8 wall-clock strings, the clock speaks UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
WALL_CLOCK = "%Y-%m-%d %H:%M:%S"


def china_wall_clock(moment: datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in GMT+8, the format of TOP ``modified`` and PDD ``updated_at``."""
    return moment.astimezone(CHINA).strftime(WALL_CLOCK)


# Every window query parses the `modified` of every order in the book: memoised, a 100k-order book stops
# costing the simulator milliseconds of CPU per order synced (bench/ingest_bench.py).
@lru_cache(maxsize=1 << 18)
def parse_china_wall_clock(text: str) -> datetime:
    """Inverse of :func:`china_wall_clock`; raises ``ValueError`` on anything else."""
    return datetime.strptime(text.strip(), WALL_CLOCK).replace(tzinfo=CHINA)


def kingdee_datetime(moment: datetime) -> str:
    """Kingdee's .NET style: local time, ``T`` separator, centiseconds without trailing zeros."""
    local = moment.astimezone(CHINA)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    hundredths = local.microsecond // 10_000
    return f"{text}.{hundredths:02d}".rstrip("0").rstrip(".") if hundredths else text
