"""Where the dashboard's numbers come from: the rollup for (day, scope) pairs the job has computed, the
live functions for the others. Both paths yield the same `Cell`s and counter values."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.clock import day_bounds
from server.errors import InvalidInput
from server.metrics.counters import (
    GLOBAL_SCOPE,
    counts_for_days,
    cs_lookup_stats,
    empty_stats,
)
from server.metrics.fulfilment import Cell, days_between, fulfilment_cells, warehouse_tz
from server.metrics.messages import METRICS_BAD_RANGE, METRICS_RANGE_TOO_LONG
from server.metrics.models import FulfilmentDaily, MetricDaily, RollupRun


@dataclass(frozen=True)
class Scope:
    first: date
    last: date
    warehouses: tuple[str, ...] | None = None  # warehouse codes; None = every warehouse


@dataclass
class Loaded:
    cells: list[Cell] = field(default_factory=list)
    values: dict[tuple[date, str], dict[str, float]] = field(default_factory=dict)  # (day, scope) -> metric
    computed_at: dict[tuple[date, str], datetime | None] = field(default_factory=dict)  # None = live


def warehouses_in(session: Session, scope: Scope) -> list[Warehouse]:
    query = select(Warehouse).order_by(Warehouse.code)
    if scope.warehouses is not None:
        query = query.where(Warehouse.code.in_(scope.warehouses))
    return list(session.scalars(query))


def load(session: Session, scope: Scope, *, now: datetime, tz: ZoneInfo, counters: bool = True) -> Loaded:
    warehouses = warehouses_in(session, scope)
    codes = [w.code for w in warehouses]
    marks = _marks(session, scope, [*codes, GLOBAL_SCOPE])
    out = Loaded()
    days = days_between(scope.first, scope.last)
    rolled = [(d, c) for d in days for c in codes if (d, c) in marks]
    if rolled:
        out.cells.extend(_rolled_cells(session, scope, codes, set(rolled)))
        if counters:
            out.values.update(_rolled_values(session, scope, [*codes, GLOBAL_SCOPE], marks))
    wanted = []
    for warehouse in warehouses:
        wtz = warehouse_tz(warehouse, tz)
        missing = [d for d in days if (d, warehouse.code) not in marks and day_bounds(d, wtz)[0] <= now]
        for day in days:
            out.computed_at[(day, warehouse.code)] = marks.get((day, warehouse.code))
        if not missing:
            continue
        live = fulfilment_cells(session, warehouse, missing[0], missing[-1], now=now, tz=wtz)
        wanted_days = set(missing)
        out.cells.extend(c for c in live if c.day in wanted_days)
        wanted.append((warehouse, wtz, missing))
    if counters:
        out.values.update(counts_for_days(session, wanted))
    if counters:
        for day in days:
            out.computed_at[(day, GLOBAL_SCOPE)] = marks.get((day, GLOBAL_SCOPE))
        missing = [d for d in days if (d, GLOBAL_SCOPE) not in marks and day_bounds(d, tz)[0] <= now]
        if missing:
            stats = cs_lookup_stats(
                session, day_bounds(missing[0], tz)[0], day_bounds(missing[-1], tz)[1], tz
            )
            for day in missing:
                out.values[(day, GLOBAL_SCOPE)] = stats.get(day) or empty_stats()
    return out


def _marks(session: Session, scope: Scope, scopes: list[str]) -> dict[tuple[date, str], datetime]:
    rows = session.execute(
        select(RollupRun.day, RollupRun.scope, RollupRun.computed_at).where(
            RollupRun.day >= scope.first, RollupRun.day <= scope.last, RollupRun.scope.in_(scopes)
        )
    )
    return {(day, s): at for day, s, at in rows}


def _rolled_cells(
    session: Session, scope: Scope, codes: list[str], rolled: set[tuple[date, str]]
) -> list[Cell]:
    f = FulfilmentDaily
    rows: Any = session.execute(
        select(
            f.day,
            f.warehouse,
            f.channel,
            f.shop,
            f.paid_hour,
            f.due,
            f.on_time,
            f.late,
            f.pending,
            f.unshipped,
        ).where(f.day >= scope.first, f.day <= scope.last, f.warehouse.in_(codes))
    )  # plain rows, not ORM objects: a 60-day view is ~20k of them
    return [Cell(*row) for row in rows if (row[0], row[1]) in rolled]


def _rolled_values(
    session: Session, scope: Scope, scopes: list[str], marks: dict[tuple[date, str], datetime]
) -> dict[tuple[date, str], dict[str, float]]:
    values: dict[tuple[date, str], dict[str, float]] = defaultdict(dict)
    for key in marks:
        values[key] = {}
    rows = session.execute(
        select(MetricDaily.day, MetricDaily.scope, MetricDaily.metric, MetricDaily.value).where(
            MetricDaily.day >= scope.first, MetricDaily.day <= scope.last, MetricDaily.scope.in_(scopes)
        )
    )
    for day, s, metric, value in rows:
        if (day, s) in marks:
            values[(day, s)][metric] = value
    return dict(values)


def make_scope(first: date, last: date, warehouses: tuple[str, ...] | None, *, max_days: int) -> Scope:
    if first > last:
        raise InvalidInput(METRICS_BAD_RANGE, start=first.isoformat(), end=last.isoformat())
    if (last - first).days + 1 > max_days:
        raise InvalidInput(METRICS_RANGE_TOO_LONG, max_days=max_days)
    return Scope(first, last, warehouses)
