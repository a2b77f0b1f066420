"""The scan event log: claim a client_scan_id first (so a retry waits for and replays the original answer),
store the outcome and the answer with it, list an order's events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.scanning.models import ScanEvent


def claim(session: Session, values: dict[str, Any]) -> int | None:
    """Insert the event; None when its client_scan_id is already taken (a retry).

    ON CONFLICT DO NOTHING makes a concurrent retry on PostgreSQL wait for the first request's commit
    instead of failing the transaction; SQLite serialises writers anyway.
    """
    dialect = session.get_bind().dialect.name
    if values.get("client_scan_id") is None:
        event = ScanEvent(**values)
        session.add(event)
        session.flush()
        return event.id
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ScanEvent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[ScanEvent.client_scan_id])
        .returning(ScanEvent.id)
    )
    return session.execute(stmt).scalar()


def previous(session: Session, client_scan_id: str) -> ScanEvent | None:
    return session.scalars(select(ScanEvent).where(ScanEvent.client_scan_id == client_scan_id)).first()


def store(session: Session, event_id: int, values: dict[str, Any]) -> None:
    # The event row is never loaded as an object in the call that stores it: nothing to synchronise.
    session.execute(
        update(ScanEvent)
        .where(ScanEvent.id == event_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def recent_failures(session: Session, actor: str, code: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ScanEvent)
            .where(ScanEvent.actor == actor, ScanEvent.code == code, ScanEvent.created_at >= since)
        )
        or 0
    )


def last_undoable(session: Session, pack_id: int) -> ScanEvent | None:
    return session.scalars(
        select(ScanEvent)
        .where(
            ScanEvent.pack_id == pack_id,
            ScanEvent.kind == "scan",
            ScanEvent.result == "ok",
            ScanEvent.matched.in_(("item", "gift")),
            ScanEvent.undone_at.is_(None),
        )
        .order_by(ScanEvent.id.desc())
        .limit(1)
    ).first()


def mark_undone(session: Session, event_id: int, undo_event_id: int | None, now: datetime) -> bool:
    done = session.execute(
        update(ScanEvent)
        .where(ScanEvent.id == event_id, ScanEvent.undone_at.is_(None))
        .values(undone_at=now, undone_by=undo_event_id)
    )
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def events_of_order(session: Session, order_id: int, limit: int = 1000) -> list[ScanEvent]:
    return list(
        session.scalars(
            select(ScanEvent).where(ScanEvent.order_id == order_id).order_by(ScanEvent.id).limit(limit)
        )
    )
