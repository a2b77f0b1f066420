"""Per-day counts from event tables: exceptions intercepted (by source), gift omissions prevented, CS lookups.

Each count is one `DailyCount` — a metric, a source and one query returning (warehouse id, time, key) of
the events in a time range; events are bucketed into warehouse-local days here, distinct by key. Dock
interceptions (holds that stop a ship at the handover) become part of "interceptions" by appending one
`DailyCount` to `WAREHOUSE_COUNTS`; the rollup, the dashboard and the CSV pick it up from this list.

One query per source covers a whole range (not one per day): `scan_events` has no index on its time, so
each query is one scan of it — the rollup job pays it for three days every few minutes, the dashboard
only for days the job has not rolled up."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.clock import day_bounds, local_day
from server.cs.models import CsLookup
from server.scanning.models import ScanEvent
from server.shipping.queries import dock_interception_events

INTERCEPTIONS = "interceptions"
GIFT_OMISSIONS_PREVENTED = "gift_omissions_prevented"
GLOBAL_SCOPE = "*"

EventRows = Iterable[Any]  # rows of (warehouse id, when, what makes it distinct)


@dataclass(frozen=True)
class DailyCount:
    metric: str
    source: str
    # (session, UTC start, UTC end, warehouse ids) -> the events in that range
    events: Callable[[Session, datetime, datetime, list[int]], EventRows]

    @property
    def name(self) -> str:
        return f"{self.metric}:{self.source}"


def _rejections(code: str) -> Callable[[Session, datetime, datetime, list[int]], EventRows]:
    """Pack scans rejected with `code`, distinct per order and day: three rejected tries of the same held
    order are one interception, not three."""

    def events(session: Session, start: datetime, end: datetime, warehouse_ids: list[int]) -> EventRows:
        return session.execute(
            select(ScanEvent.warehouse_id, ScanEvent.created_at, ScanEvent.order_id).where(
                ScanEvent.code == code,
                ScanEvent.created_at >= start,
                ScanEvent.created_at < end,
                ScanEvent.warehouse_id.in_(warehouse_ids),
            )
        )

    return events


WAREHOUSE_COUNTS: list[DailyCount] = [
    DailyCount(INTERCEPTIONS, "pack_on_hold", _rejections("ORDER_ON_HOLD")),
    DailyCount(GIFT_OMISSIONS_PREVENTED, "pack_gift_required", _rejections("GIFT_REQUIRED")),
    # Parcels stopped at the dock handover (refunded, cancelled, re-addressed after their label).
    DailyCount(INTERCEPTIONS, "dock", dock_interception_events),
]


def warehouse_counts(
    session: Session, warehouses: list[Warehouse], tzs: dict[str, ZoneInfo], start: datetime, end: datetime
) -> dict[tuple[date, str], dict[str, float]]:
    """{(local day, warehouse code): {count name: value}} for events in [start, end)."""
    by_id = {w.id: w for w in warehouses}
    out: dict[tuple[date, str], dict[str, float]] = defaultdict(dict)
    for count in WAREHOUSE_COUNTS:
        seen: set[tuple[date, str, object]] = set()
        for warehouse_id, at, key in count.events(session, start, end, list(by_id)):
            warehouse = by_id.get(warehouse_id or -1)
            if warehouse is None:
                continue
            day = local_day(at, tzs[warehouse.code])
            if (day, warehouse.code, key) in seen:
                continue
            seen.add((day, warehouse.code, key))
            bucket = out[(day, warehouse.code)]
            bucket[count.name] = bucket.get(count.name, 0.0) + 1
    return dict(out)


def empty_counts() -> dict[str, float]:
    return {c.name: 0.0 for c in WAREHOUSE_COUNTS}


def counts_for_days(
    session: Session, wanted: list[tuple[Warehouse, ZoneInfo, list[date]]]
) -> dict[tuple[date, str], dict[str, float]]:
    """Every count for each (warehouse, local day) wanted — one query per source for all of them, days
    without events as zeros."""
    wanted = [(w, tz, days) for w, tz, days in wanted if days]
    if not wanted:
        return {}
    start = min(day_bounds(days[0], tz)[0] for _, tz, days in wanted)
    end = max(day_bounds(days[-1], tz)[1] for _, tz, days in wanted)
    counts = warehouse_counts(
        session, [w for w, _, _ in wanted], {w.code: tz for w, tz, _ in wanted}, start, end
    )
    return {
        (day, w.code): {**empty_counts(), **counts.get((day, w.code), {})}
        for w, _, days in wanted
        for day in days
    }


def cs_lookup_stats(
    session: Session, start: datetime, end: datetime, tz: ZoneInfo
) -> dict[date, dict[str, float]]:
    """Lookups per local day with their latency p50/p95 (nearest rank), from the indexed `at` column."""
    latencies: dict[date, list[float]] = defaultdict(list)
    found: dict[date, int] = defaultdict(int)
    rows = session.execute(
        select(CsLookup.at, CsLookup.latency_ms, CsLookup.found).where(
            CsLookup.at >= start, CsLookup.at < end
        )
    )
    for at, latency, was_found in rows:
        day = local_day(at, tz)
        latencies[day].append(float(latency))
        found[day] += 1 if was_found else 0
    return {day: _stats(sorted(values), found[day]) for day, values in latencies.items()}


def empty_stats() -> dict[str, float]:
    return _stats([], 0)


def _stats(ordered: list[float], found: int) -> dict[str, float]:
    return {
        "cs_lookups": float(len(ordered)),
        "cs_lookups_found": float(found),
        "cs_latency_p50": percentile(ordered, 50),
        "cs_latency_p95": percentile(ordered, 95),
    }


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
