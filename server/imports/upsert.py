"""Lands order drafts through the idempotent ingest, a batch at a time; if an order of the batch fails,
each in a savepoint: one bad order never takes the others down, and the same file a second time changes
nothing."""

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
from server.orders.ingest import IngestResult, ingest_order
from server.orders.ingest_batch import ingest_orders
from server.orders.reference import IngestReferences


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
    refs: IngestReferences | None = None,
) -> BatchOutcome:
    """Optimistic: the whole batch in one savepoint through the batch ingest (one look-up of the known
    orders, the new ones inserted together); only if an order fails is the batch redone with a savepoint
    per order. Pass one `refs` per import run so the reference rows are read once."""
    refs = refs or IngestReferences()
    options = {"actor": actor, "now": now, "tz": tz, "default_ship_hours": default_ship_hours, "refs": refs}
    batch = session.begin_nested()
    try:
        commands = [draft.command(mapping) for draft in drafts]
        results = ingest_orders(session, commands, source_system=mapping.source, **options)
        batch.commit()
    except (DomainError, IntegrityError):
        batch.rollback()
        return _land(session, drafts, mapping, options, number_header)
    outcome = BatchOutcome(rows_imported=sum(len(d.rows) for d in drafts))
    for result in results:
        _count(outcome, result)
    return outcome


def _land(
    session: Session,
    drafts: list[OrderDraft],
    mapping: Mapping,
    options: dict[str, Any],
    number_header: str | None,
) -> BatchOutcome:
    outcome = BatchOutcome()
    for draft in drafts:
        nested = session.begin_nested()
        try:
            result = ingest_order(session, draft.command(mapping), source_system=mapping.source, **options)
        except (DomainError, IntegrityError) as exc:
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
        nested.commit()
        outcome.rows_imported += len(draft.rows)
        _count(outcome, result)
    session.flush()
    return outcome


def _count(outcome: BatchOutcome, result: IngestResult) -> None:
    outcome.events.extend(result.events)
    if result.created:
        outcome.created += 1
    elif result.changed:
        outcome.updated += 1
    else:
        outcome.unchanged += 1
