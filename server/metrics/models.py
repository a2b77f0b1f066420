"""Daily rollups behind the KPI dashboard, kept by `server.metrics.rollup` (see its docstring)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class FulfilmentDaily(Base):
    """On-time counts of the orders due on one warehouse-local day, per channel, shop and hour of payment.

    Codes rather than ids: rows stay readable in exports and survive renumbered reference tables."""

    __tablename__ = "metric_fulfilment_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    warehouse: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    shop: Mapped[str] = mapped_column(String(50), primary_key=True)
    paid_hour: Mapped[int] = mapped_column(primary_key=True)  # warehouse-local 0–23, -1 = not known
    due: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    pending: Mapped[int] = mapped_column(default=0)
    unshipped: Mapped[int] = mapped_column(default=0)  # late and still without a tracking number


class MetricDaily(Base):
    """One number per day and scope: counts of interceptions by source, gift omissions prevented, CS lookups
    and their latency percentiles. Scope is a warehouse code, or "*" for figures no warehouse owns."""

    __tablename__ = "metric_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[float] = mapped_column(Float, default=0.0)


class RollupRun(Base):
    """Which (day, scope) the rollup has computed and when; the dashboard computes unmarked days live."""

    __tablename__ = "metric_rollup_runs"
    __table_args__ = (Index("ix_metric_rollup_runs_computed_at", "computed_at"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column()
