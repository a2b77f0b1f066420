"""Metrics jobs: the KPI rollup of today and the two days before (see `server.metrics.rollup`)."""

from __future__ import annotations

from typing import Any

from server import clock
from server.metrics.rollup import roll_up_recent
from workers import context, queues

ROLL_UP = "workers.jobs.metrics.roll_up_metrics"


def rollup_job_id(minute_iso: str) -> str:
    return f"metrics-rollup:{minute_iso}"


def plan_metrics_rollup() -> str:
    """Periodic (every 5 minutes): one rollup per UTC minute, so a duplicate tick enqueues nothing twice."""
    rt = context.runtime()
    minute = clock.now().replace(second=0, microsecond=0).isoformat()
    rt.jobs.enqueue(ROLL_UP, queue=queues.DEFAULT, job_id=rollup_job_id(minute))
    return minute


def roll_up_metrics() -> dict[str, Any]:
    """Recompute the rollup of the last three warehouse-local days (idempotent: each day is replaced)."""
    rt = context.runtime()
    with rt.work() as work:
        result = roll_up_recent(work.session, now=clock.now(), tz=rt.settings.tz)
    return {"days": len(result.days), "cells": result.cells}
