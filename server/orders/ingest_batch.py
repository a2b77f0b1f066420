"""Ingesting a batch of orders (a platform page, an import batch) with the semantics of `ingest_order` at a
fraction of the round trips: one SELECT finds the known orders with everything an update reads, the new
ones are built in memory and inserted by one flush (batched INSERTs), the reference rows are read once.
If the batch insert meets a unique-key race, it is redone order by order, each finding its own way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from server.orders.ingest import IngestOrder, IngestResult, check_command, ingest_order, update_ingested
from server.orders.models import Order
from server.orders.new_orders import NewOrder, build_order, record_ingested
from server.orders.numbers import reserve_order_numbers
from server.orders.reference import IngestReferences

Key = tuple[str, str]  # (source, external id)


def load_known(session: Session, keys: Iterable[Key]) -> dict[Key, Order]:
    """The orders already ingested under these keys, one SELECT per source, lines/addresses/holds/gift loaded."""
    by_source: dict[str, set[str]] = defaultdict(set)
    for source, external_id in keys:
        by_source[source].add(external_id)
    known: dict[Key, Order] = {}
    for source, external_ids in by_source.items():
        rows = session.scalars(
            select(Order)
            .where(Order.source == source, Order.external_id.in_(sorted(external_ids)))
            .options(
                selectinload(Order.lines),
                selectinload(Order.addresses),
                selectinload(Order.holds),
                joinedload(Order.gift),
            )
        )
        known.update({(order.source, order.external_id): order for order in rows})
    return known


def ingest_orders(
    session: Session,
    commands: list[IngestOrder],
    *,
    actor: str,
    source_system: str,
    now: datetime,
    tz: ZoneInfo,
    default_ship_hours: int = 24,
    refs: IngestReferences | None = None,
    known: dict[Key, Order] | None = None,
) -> list[IngestResult]:
    """Like `ingest_order` for each command. `known` is `load_known` of the commands if the caller has it."""
    for cmd in commands:
        check_command(cmd)
    refs = refs or IngestReferences()
    if known is None:
        known = load_known(session, ((c.source, c.external_id) for c in commands))
    fresh: list[IngestOrder] = []
    later: list[IngestOrder] = []
    firsts: set[Key] = set()
    for cmd in commands:
        key = (cmd.source, cmd.external_id)
        if key in known or key in firsts:
            later.append(cmd)  # an update, or a second copy of a new order in the same batch
        else:
            firsts.add(key)
            fresh.append(cmd)
    options = {"actor": actor, "source_system": source_system, "now": now}
    results = _create_all(session, fresh, refs, tz=tz, default_ship_hours=default_ship_hours, **options)
    for cmd in later:
        order = known.get((cmd.source, cmd.external_id))
        if order is None:
            results.append(
                ingest_order(session, cmd, tz=tz, default_ship_hours=default_ship_hours, refs=refs, **options)
            )
        else:
            results.append(update_ingested(session, order, cmd, actor, source_system, now))
    return results


def _create_all(
    session: Session,
    commands: list[IngestOrder],
    refs: IngestReferences,
    *,
    actor: str,
    source_system: str,
    now: datetime,
    tz: ZoneInfo,
    default_ship_hours: int,
) -> list[IngestResult]:
    if not commands:
        return []
    nested = session.begin_nested()
    try:
        numbers = iter(reserve_order_numbers(session, now, tz, sum(1 for c in commands if not c.order_number)))
        built: list[NewOrder] = [
            build_order(
                session,
                cmd,
                refs,
                cmd.order_number or next(numbers),
                actor=actor,
                source_system=source_system,
                now=now,
                default_ship_hours=default_ship_hours,
            )
            for cmd in commands
        ]
        session.add_all([new.order for new in built])
        session.flush()
        record_ingested(session, built, actor=actor, source_system=source_system, now=now)
        session.flush()
        nested.commit()
    except IntegrityError:
        # A concurrent worker created one of them (or a file's order number is taken): one by one instead.
        nested.rollback()
        options = {"actor": actor, "source_system": source_system, "now": now, "tz": tz}
        return [
            ingest_order(session, cmd, default_ship_hours=default_ship_hours, refs=refs, **options)
            for cmd in commands
        ]
    except BaseException:
        nested.rollback()
        raise
    return [IngestResult(new.order, True, True, [new.created_event()]) for new in built]
