"""Per-day counts from event tables: exceptions intercepted (by source), gift omissions prevented, CS lookups.

Each count is one `DailyCount` — a metric, a source and one query. Dock interceptions (holds that stop a
ship at the handover) become part of "interceptions" by appending one `DailyCount` to `WAREHOUSE_COUNTS`;
the rollup, the dashboard and the CSV pick it up from this list."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from server.cs.models import CsLookup
from server.scanning.models import ScanEvent

INTERCEPTIONS = "interceptions"
GIFT_OMISSIONS_PREVENTED = "gift_omissions_prevented"
GLOBAL_SCOPE = "*"


@dataclass(frozen=True)
class DailyCount:
    metric: str
    source: str
    # (session, warehouse id, UTC start, UTC end) -> how many in that warehouse-local day
    count: Callable[[Session, int, datetime, datetime], int]

    @property
    def name(self) -> str:
        return f"{self.metric}:{self.source}"


def _orders_rejected_with(code: str) -> Callable[[Session, int, datetime, datetime], int]:
    """Distinct orders a pack scan was rejected for with `code`: three rejected tries of the same held
    order are one interception, not three."""

    def count(session: Session, warehouse_id: int, start: datetime, end: datetime) -> int:
        return int(
            session.scalar(
                select(func.count(distinct(ScanEvent.order_id))).where(
                    ScanEvent.code == code,
                    ScanEvent.warehouse_id == warehouse_id,
                    ScanEvent.created_at >= start,
                    ScanEvent.created_at < end,
                )
            )
            or 0
        )

    return count


WAREHOUSE_COUNTS: list[DailyCount] = [
    DailyCount(INTERCEPTIONS, "pack_on_hold", _orders_rejected_with("ORDER_ON_HOLD")),
    DailyCount(GIFT_OMISSIONS_PREVENTED, "pack_gift_required", _orders_rejected_with("GIFT_REQUIRED")),
]


def metric_names(metric: str) -> list[str]:
    return [c.name for c in WAREHOUSE_COUNTS if c.metric == metric]


def warehouse_counts(session: Session, warehouse_id: int, start: datetime, end: datetime) -> dict[str, float]:
    return {c.name: float(c.count(session, warehouse_id, start, end)) for c in WAREHOUSE_COUNTS}


def cs_lookup_stats(session: Session, start: datetime, end: datetime) -> dict[str, float]:
    """Lookups of one day with their latency p50/p95 (nearest-rank), from the indexed `at` column."""
    rows = session.execute(
        select(CsLookup.latency_ms, CsLookup.found).where(CsLookup.at >= start, CsLookup.at < end)
    ).all()
    latencies = sorted(float(r[0]) for r in rows)
    return {
        "cs_lookups": float(len(rows)),
        "cs_lookups_found": float(sum(1 for r in rows if r[1])),
        "cs_latency_p50": percentile(latencies, 50),
        "cs_latency_p95": percentile(latencies, 95),
    }


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
