"""The KPI dashboard in one call: per-day trend, breakdown by a drill-down dimension, per-key series,
period totals. Numbers come from `sources.load` (rollup, or live for days not rolled up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Channel, Shop, Warehouse
from server.integrations.models import ConsistencyCheck
from server.metrics import messages as m
from server.metrics.counters import GIFT_OMISSIONS_PREVENTED, GLOBAL_SCOPE, INTERCEPTIONS, WAREHOUSE_COUNTS
from server.metrics.fulfilment import Cell, days_between
from server.metrics.sources import Loaded, Scope, load

BY = ("day", "warehouse", "channel", "shop", "brand", "paid_hour")
SERIES_LIMIT = 6


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    shop: str | None = None
    brand: str | None = None


def rate(on_time: int, late: int) -> float | None:
    """Share on time among orders whose outcome is known; orders still within their promise wait."""
    decided = on_time + late
    return round(on_time / decided, 4) if decided else None


def counts(cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(cell, name) for name in Cell.COUNTS}
    out["rate"] = rate(cell.on_time, cell.late)
    return out


def dashboard(
    session: Session,
    scope: Scope,
    filters: Filters,
    by: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    locale: str,
) -> dict[str, Any]:
    loaded = load(session, scope, now=now, tz=tz)
    names = _Names(session, locale)
    cells = [c for c in loaded.cells if names.matches(c, filters)]
    key_of = names.key_function(by)
    days = days_between(scope.first, scope.last)
    per_day = _sum(cells, lambda c: c.day)
    consistency = _consistency(session, scope)
    day_rows = [
        {"day": d.isoformat(), **counts(per_day.get(d) or _empty()), **_day_counters(loaded, d, consistency)}
        | {"computed_at": _computed_at(loaded, d), "live": _is_live(loaded, d)}
        for d in days
    ]
    breakdown = _sum(cells, key_of)
    ordered = sorted(breakdown, key=lambda k: (-breakdown[k].due, str(k)))
    per_key_day = _sum(cells, lambda c: (key_of(c), c.day))
    total = _sum(cells, lambda c: "all").get("all") or _empty()
    return {
        "start": scope.first.isoformat(),
        "end": scope.last.isoformat(),
        "by": by,
        "by_label": m.text(m.DIMENSIONS[by], locale),
        "totals": {**counts(total), **_period_counters(day_rows)},
        "days": day_rows,
        "breakdown": [{"key": str(k), "label": names.label(by, k), **counts(breakdown[k])} for k in ordered],
        "series": [
            {
                "key": str(k),
                "label": names.label(by, k),
                "points": [
                    {"day": d.isoformat(), **counts(per_key_day.get((k, d)) or _empty())} for d in days
                ],
            }
            for k in ordered[:SERIES_LIMIT]
        ],
        "sources": {
            name: m.text(m.COUNTER_SOURCES.get(name, (name, name)), locale) for name in _sources(loaded)
        },
    }


def _empty() -> Cell:
    return Cell(date.min, "", "", "", -1)


def _sum(cells: list[Cell], key: Callable[[Cell], Any]) -> dict[Any, Cell]:
    groups: dict[Any, Cell] = {}
    for cell in cells:
        k = key(cell)
        total = groups.get(k)
        if total is None:
            total = groups[k] = _empty()
        total.due += cell.due
        total.on_time += cell.on_time
        total.late += cell.late
        total.pending += cell.pending
        total.unshipped += cell.unshipped
    return groups


def _day_counters(loaded: Loaded, day: date, consistency: dict[date, tuple[int, int]]) -> dict[str, Any]:
    out: dict[str, Any] = {INTERCEPTIONS: 0, GIFT_OMISSIONS_PREVENTED: 0, "by_source": {}}
    for (d, scope), values in loaded.values.items():
        if d != day:
            continue
        if scope == GLOBAL_SCOPE:
            for name in ("cs_lookups", "cs_lookups_found"):
                out[name] = int(values.get(name, 0))
            out["cs_latency_p50"] = round(values.get("cs_latency_p50", 0.0), 2)
            out["cs_latency_p95"] = round(values.get("cs_latency_p95", 0.0), 2)
            continue
        for name, value in values.items():
            metric = name.split(":", 1)[0]
            if metric in (INTERCEPTIONS, GIFT_OMISSIONS_PREVENTED):
                out[metric] += int(value)
                out["by_source"][name] = out["by_source"].get(name, 0) + int(value)
    compared, consistent = consistency.get(day, (0, 0))
    out.update(
        compared=compared,
        consistent=consistent,
        consistency_rate=round(consistent / compared, 4) if compared else None,
    )
    return out


def _period_counters(days: list[dict[str, Any]]) -> dict[str, Any]:
    compared = sum(d["compared"] for d in days)
    consistent = sum(d["consistent"] for d in days)
    by_source: dict[str, int] = defaultdict(int)
    for d in days:
        for name, value in d["by_source"].items():
            by_source[name] += value
    return {
        INTERCEPTIONS: sum(d[INTERCEPTIONS] for d in days),
        GIFT_OMISSIONS_PREVENTED: sum(d[GIFT_OMISSIONS_PREVENTED] for d in days),
        "by_source": dict(by_source),
        "compared": compared,
        "consistent": consistent,
        "consistency_rate": round(consistent / compared, 4) if compared else None,
        "cs_lookups": sum(d.get("cs_lookups", 0) for d in days),
        # Percentiles of different days do not add up; the period shows its worst day.
        "cs_latency_p50_worst_day": max((d.get("cs_latency_p50", 0.0) for d in days), default=0.0),
        "cs_latency_p95_worst_day": max((d.get("cs_latency_p95", 0.0) for d in days), default=0.0),
    }


def _consistency(session: Session, scope: Scope) -> dict[date, tuple[int, int]]:
    query = select(ConsistencyCheck.day, ConsistencyCheck.compared, ConsistencyCheck.consistent).where(
        ConsistencyCheck.day >= scope.first, ConsistencyCheck.day <= scope.last
    )
    if scope.warehouses is not None:
        query = query.where(ConsistencyCheck.warehouse_code.in_(scope.warehouses))
    totals: dict[date, tuple[int, int]] = {}
    for day, compared, consistent in session.execute(query):
        before = totals.get(day, (0, 0))
        totals[day] = (before[0] + compared, before[1] + consistent)
    return totals


def _computed_at(loaded: Loaded, day: date) -> str | None:
    """The oldest computation time among the day's warehouses (None when any was computed live)."""
    stamps = [at for (d, s), at in loaded.computed_at.items() if d == day and s != GLOBAL_SCOPE]
    if not stamps or any(at is None for at in stamps):
        return None
    return min(at for at in stamps if at is not None).isoformat()


def _is_live(loaded: Loaded, day: date) -> bool:
    return any(at is None for (d, s), at in loaded.computed_at.items() if d == day and s != GLOBAL_SCOPE)


def _sources(loaded: Loaded) -> list[str]:
    names = [c.name for c in WAREHOUSE_COUNTS]
    seen = {n for values in loaded.values.values() for n in values if ":" in n}
    return names + sorted(seen - set(names))


class _Names:
    """Labels for dimension keys, and the shop → brand map the brand filter needs."""

    def __init__(self, session: Session, locale: str) -> None:
        self.locale = locale
        self.shops = {s.code: (s.name, s.brand or "") for s in session.scalars(select(Shop))}
        self.channels = {c.code: c.name for c in session.scalars(select(Channel))}
        self.warehouses = {w.code: w.name for w in session.scalars(select(Warehouse))}

    def matches(self, cell: Cell, f: Filters) -> bool:
        if f.channel and cell.channel != f.channel:
            return False
        if f.shop and cell.shop != f.shop:
            return False
        return not (f.brand and self.shops.get(cell.shop, ("", ""))[1] != f.brand)

    def key_function(self, by: str) -> Callable[[Cell], Any]:
        if by == "brand":
            return lambda c: self.shops.get(c.shop, ("", ""))[1] or "?"
        return lambda c: getattr(c, by)

    def label(self, by: str, key: Any) -> str:
        en = self.locale == "en"
        if by == "day":
            return str(key.isoformat() if isinstance(key, date) else key)
        if by == "channel":
            return m.CHANNEL_EN.get(key, key) if en else self.channels.get(key, key)
        if by == "shop":
            name = self.shops.get(key, (key, ""))[0]
            return f"{key}" if en else name
        if by == "warehouse":
            return key if en else f"{self.warehouses.get(key, key)}"
        if by == "paid_hour":
            return m.text(m.UNKNOWN, self.locale) if key < 0 else f"{key:02d}:00–{(key + 1) % 24:02d}:00"
        return str(key) if key != "?" else m.text(m.UNKNOWN, self.locale)


def dimensions(session: Session, locale: str, warehouses: tuple[str, ...] | None) -> dict[str, Any]:
    """What the dashboard's selectors offer."""
    names = _Names(session, locale)
    shops = list(session.scalars(select(Shop).order_by(Shop.code)))
    return {
        "warehouses": [
            {"code": c, "label": names.label("warehouse", c)}
            for c in sorted(names.warehouses)
            if warehouses is None or c in warehouses
        ],
        "channels": [{"code": c, "label": names.label("channel", c)} for c in sorted(names.channels)],
        "shops": [
            {
                "code": s.code,
                "label": names.label("shop", s.code),
                "brand": s.brand,
                "channel": s.channel_code,
            }
            for s in shops
        ],
        "brands": sorted({s.brand for s in shops if s.brand}),
        "by": [{"key": k, "label": m.text(v, locale)} for k, v in m.DIMENSIONS.items()],
    }
