"""When the daily folder import is due (`import_at`, warehouse-local) and the once-per-day claim on it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.imports.models import ImportPickup

# A claim that never finished (worker killed) is taken over after this long.
STALE_AFTER = timedelta(hours=1)


def due_day(session: Session, *, now: datetime, tz: ZoneInfo, import_at: str) -> str | None:
    """The local day whose pick-up should run now, or None (too early, or already done/running)."""
    hh, _, mm = import_at.partition(":")
    local = now.astimezone(tz)
    if local.time() < time(int(hh), int(mm)):
        return None
    day = local.date().isoformat()
    row = session.get(ImportPickup, day)
    if row is None or (row.finished_at is None and row.started_at < now - STALE_AFTER):
        return day
    return None


def claim_day(session: Session, day: str, *, now: datetime) -> bool:
    """True for exactly one caller per day (plus whoever takes over a stale claim)."""
    nested = session.begin_nested()
    try:
        session.add(ImportPickup(day=day, started_at=now))
        session.flush()
        nested.commit()
        return True
    except IntegrityError:
        nested.rollback()
    taken = session.execute(
        update(ImportPickup)
        .where(
            ImportPickup.day == day,
            ImportPickup.finished_at.is_(None),
            ImportPickup.started_at < now - STALE_AFTER,
        )
        .values(started_at=now)
    )
    return taken.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def finish_day(session: Session, day: str, *, now: datetime, files: int) -> None:
    session.execute(update(ImportPickup).where(ImportPickup.day == day).values(finished_at=now, files=files))


def release_day(session: Session, day: str) -> None:
    """The pick-up failed: let the next planner tick try again."""
    session.execute(delete(ImportPickup).where(ImportPickup.day == day, ImportPickup.finished_at.is_(None)))
