"""The daily rollup job: the KPI dashboard reads small per-day tables instead of scanning orders.

Decision (index vs rollup): the CS lookups run on indexes (one probe per key, see `server.cs.lookup`); the
KPI dashboard runs on a **rollup**. On-time fulfilment classifies every order due in the range (exit time,
tracking time, local hour of payment): at 1M orders a month-long view reads ~500k rows however it is
indexed. Interceptions and gift omissions come from `scan_events`, which grows several times faster than
orders and has no index on its time. So `roll_up` stores, per warehouse-local day and warehouse,
`metric_fulfilment_daily` (~150 rows: channel × shop × hour of payment) and `metric_daily` (one row per
counter, plus the global CS lookup counts and p50/p95), and marks each (day, scope) in `metric_rollup_runs`.
A 60-day dashboard then reads ~20k small rows; see bench/BENCHMARKS.md for the figures.

`roll_up_recent(session, now=clock.now(), tz=settings.tz)` runs every 5 minutes (`workers/schedule.py`
entry `metrics-rollup` → `workers.jobs.metrics.roll_up_metrics`, queue `default`, job id
`metrics-rollup:<UTC minute>`; under `packline cron` and the embedded scheduler alike): it recomputes today and the two days before, catching late tracking
numbers and late-ingested orders; today's figures are at most one period stale and the dashboard shows when
they were computed. Days never rolled up (a fresh install, the embedded mode without a worker) are
computed live by the dashboard from the same functions, so both paths give the same numbers.

Idempotent and safe to run twice at once (RQ is at-least-once): each (day, scope) is replaced as a whole
under the lock of its `metric_rollup_runs` row, taken by an upsert before anything is deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.clock import day_bounds, local_day
from server.metrics.counters import GLOBAL_SCOPE, counts_for_days, cs_lookup_stats, empty_stats
from server.metrics.fulfilment import days_between, fulfilment_cells, warehouse_tz
from server.metrics.models import FulfilmentDaily, MetricDaily, RollupRun


@dataclass(frozen=True)
class RollupResult:
    days: list[tuple[date, str]] = field(default_factory=list)  # (day, scope) recomputed
    cells: int = 0


def roll_up_recent(session: Session, *, now: datetime, tz: ZoneInfo, days_back: int = 2) -> RollupResult:
    """The periodic job: today and `days_back` days before it, in each warehouse's own time zone."""
    today = local_day(now, tz)
    return roll_up(session, first=today - timedelta(days=days_back), last=today, now=now, tz=tz)


def roll_up(session: Session, *, first: date, last: date, now: datetime, tz: ZoneInfo) -> RollupResult:
    """Recompute every warehouse's figures and the global CS figures for local days first..last (backfill)."""
    done: list[tuple[date, str]] = []
    cells_written = 0
    plan = []
    for warehouse in session.scalars(select(Warehouse).order_by(Warehouse.code)):
        wtz = warehouse_tz(warehouse, tz)
        days = [d for d in days_between(first, last) if day_bounds(d, wtz)[0] <= now]
        if days:
            plan.append((warehouse, wtz, days))
    counts = counts_for_days(session, plan)
    for warehouse, wtz, days in plan:
        cells = fulfilment_cells(session, warehouse, days[0], days[-1], now=now, tz=wtz)
        for day in days:
            _lock(session, day, warehouse.code, now)
            session.execute(
                delete(FulfilmentDaily).where(
                    FulfilmentDaily.day == day, FulfilmentDaily.warehouse == warehouse.code
                )
            )
            rows = [c.as_dict() for c in cells if c.day == day]
            if rows:
                session.execute(insert(FulfilmentDaily), rows)
            cells_written += len(rows)
            _replace_values(session, day, warehouse.code, counts[(day, warehouse.code)])
            done.append((day, warehouse.code))
    days = [d for d in days_between(first, last) if day_bounds(d, tz)[0] <= now]
    if days:
        stats = cs_lookup_stats(session, day_bounds(days[0], tz)[0], day_bounds(days[-1], tz)[1], tz)
        for day in days:
            _lock(session, day, GLOBAL_SCOPE, now)
            _replace_values(session, day, GLOBAL_SCOPE, stats.get(day) or empty_stats())
            done.append((day, GLOBAL_SCOPE))
    session.flush()
    return RollupResult(done, cells_written)


def _lock(session: Session, day: date, scope: str, now: datetime) -> None:
    """Upsert the run marker: on PostgreSQL the row lock serialises concurrent runs of the same day."""
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RollupRun).values(
        day=day, scope=scope, computed_at=now
    )
    session.execute(stmt.on_conflict_do_update(index_elements=["day", "scope"], set_={"computed_at": now}))


def _replace_values(session: Session, day: date, scope: str, values: dict[str, float]) -> None:
    session.execute(delete(MetricDaily).where(MetricDaily.day == day, MetricDaily.scope == scope))
    if values:
        session.execute(
            insert(MetricDaily),
            [{"day": day, "scope": scope, "metric": k, "value": v} for k, v in values.items()],
        )
