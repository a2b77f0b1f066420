"""Park a job, take the oldest parked ones (locked, so two processes never hand over the same row), forget."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from server.outbox.models import ParkedJob


def park(
    session: Session,
    *,
    func_path: str,
    args: Sequence[Any],
    queue: str,
    job_id: str | None,
    request_id: str | None,
    now: datetime,
) -> None:
    session.add(
        ParkedJob(
            func=func_path, args=list(args), queue=queue, job_id=job_id, request_id=request_id, parked_at=now
        )
    )
    session.flush()


def take_oldest(session: Session, limit: int) -> list[ParkedJob]:
    """Rows stay locked until the caller's transaction ends (PostgreSQL; SQLite serialises writers anyway)."""
    query = select(ParkedJob).order_by(ParkedJob.id).limit(limit).with_for_update(skip_locked=True)
    return list(session.scalars(query))


def forget(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(delete(ParkedJob).where(ParkedJob.id.in_(list(ids))))


def count_parked(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ParkedJob)) or 0)
