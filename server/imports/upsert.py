"""Lands order drafts through the idempotent `ingest_order`, each in a savepoint: one bad order never
takes the others down, and the same file a second time changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import DomainError
from server.events import DomainEvent
from server.i18n import Localized
from server.imports import messages
from server.imports.drafts import OrderDraft
from server.imports.mapping import Mapping
from server.imports.report import RowIssue
from server.orders.ingest import ingest_order


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows_imported: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)


def upsert_drafts(
    session: Session,
    drafts: list[OrderDraft],
    mapping: Mapping,
    *,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
    default_ship_hours: int = 24,
    number_header: str | None = None,
) -> BatchOutcome:
    """Optimistic: the whole batch in one savepoint; only if an order fails is the batch redone with a
    savepoint per order (two round trips per order saved on the normal path)."""
    options = {"actor": actor, "now": now, "tz": tz, "default_ship_hours": default_ship_hours}
    batch = session.begin_nested()
    try:
        outcome = _land(session, drafts, mapping, options, number_header, guarded=False)
        batch.commit()
        return outcome
    except (DomainError, IntegrityError):
        batch.rollback()
    return _land(session, drafts, mapping, options, number_header, guarded=True)


def _land(
    session: Session,
    drafts: list[OrderDraft],
    mapping: Mapping,
    options: dict[str, Any],
    number_header: str | None,
    *,
    guarded: bool,
) -> BatchOutcome:
    outcome = BatchOutcome()
    for draft in drafts:
        nested = session.begin_nested() if guarded else None
        try:
            result = ingest_order(session, draft.command(mapping), source_system=mapping.source, **options)
        except (DomainError, IntegrityError) as exc:
            if nested is None:
                raise
            nested.rollback()
            reason = (
                Localized(exc.message("zh-CN"), exc.message("en"))
                if isinstance(exc, DomainError)
                else Localized("单号已被其他订单使用", "the order number belongs to another order")
            )
            for row in draft.rows:
                outcome.issues.append(
                    RowIssue(row.row, number_header, messages.INGEST_FAILED, {"reason": reason}, "order_number")
                )
            continue
        if nested is not None:
            nested.commit()
        outcome.rows_imported += len(draft.rows)
        outcome.events.extend(result.events)
        if result.created:
            outcome.created += 1
        elif result.changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    session.flush()
    return outcome
