"""Platform window sync, the domain half: window planning, per-shop cursors, and ingesting one page of
native orders through the idempotent `ingest_order`. The job in `workers/jobs/sync.py` drives the paging
and owns the transactions; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.catalog.models import Shop
from server.config import Settings
from server.errors import InvalidInput
from server.events import DomainEvent
from server.integrations.models import SyncCursor
from server.integrations.native_orders import ShopContext, is_masked, to_ingest
from server.orders.ingest import IngestOrder
from server.orders.ingest_batch import ingest_orders, load_known
from server.orders.messages import UNKNOWN_SHOP
from server.orders.models import Order
from server.orders.reference import IngestReferences


@dataclass(frozen=True)
class WindowPolicy:
    window: timedelta
    overlap: timedelta
    lag: timedelta
    initial_lookback: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> WindowPolicy:
        return cls(
            window=timedelta(minutes=settings.sync_window_minutes),
            overlap=timedelta(seconds=settings.sync_overlap_seconds),
            lag=timedelta(seconds=settings.sync_lag_seconds),
            initial_lookback=timedelta(minutes=settings.sync_initial_lookback_minutes),
        )


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass
class PageResult:
    seen: int = 0
    created: int = 0
    changed: int = 0
    events: list[DomainEvent] = field(default_factory=list)


def window_from(since: datetime, now: datetime, policy: WindowPolicy) -> Window | None:
    """`since` … min(since + window, now − lag): orders modified later may not be visible yet."""
    end = _whole_seconds(min(since + policy.window, now - policy.lag))
    return Window(since, end) if end > since else None


def is_behind(end: datetime, now: datetime, policy: WindowPolicy) -> bool:
    """More than a minute of closed time left after `end`: worth chaining the next window at once."""
    return now - policy.lag - end >= timedelta(minutes=1)


def get_cursor(session: Session, platform: str, shop: str) -> SyncCursor | None:
    return session.scalars(
        select(SyncCursor).where(SyncCursor.platform == platform, SyncCursor.shop_code == shop)
    ).first()


def next_since(session: Session, platform: str, shop: str, now: datetime, policy: WindowPolicy) -> datetime:
    """Where the next window starts: a little before the committed end (the overlap catches orders the
    platform made visible late), or `initial_lookback` back for a shop never synced."""
    cursor = get_cursor(session, platform, shop)
    if cursor is None:
        return _whole_seconds(now - policy.lag - policy.initial_lookback)
    return _whole_seconds(cursor.last_end - policy.overlap)


def advance_cursor(
    session: Session, platform: str, shop: str, window: Window, orders: int, now: datetime
) -> bool:
    """Move `last_end` forward to `window.end`; never back (a stale re-run of an old window is a no-op)."""
    values = {
        "last_end": window.end,
        "last_window_start": window.start,
        "last_orders": orders,
        "updated_at": now,
    }
    moved = session.execute(
        update(SyncCursor)
        .where(
            SyncCursor.platform == platform, SyncCursor.shop_code == shop, SyncCursor.last_end < window.end
        )
        .values(**values)
    )
    if moved.rowcount == 1:  # type: ignore[attr-defined]
        return True
    if get_cursor(session, platform, shop) is not None:
        return False
    nested = session.begin_nested()
    try:
        session.add(SyncCursor(platform=platform, shop_code=shop, **values))
        session.flush()
        nested.commit()
        return True
    except IntegrityError:
        nested.rollback()  # a concurrent first window created it; the conditional update decides
        return advance_cursor(session, platform, shop, window, orders, now)


def shop_context(session: Session, platform: str, shop_code: str, warehouse_code: str) -> ShopContext:
    shop = session.scalars(select(Shop).where(Shop.code == shop_code)).first()
    if shop is None:
        raise InvalidInput(UNKNOWN_SHOP, shop=shop_code)
    return ShopContext(
        platform=platform, channel=shop.channel_code, shop_code=shop_code, warehouse_code=warehouse_code
    )


def map_page(rows: list[dict[str, Any]], ctx: ShopContext) -> list[IngestOrder]:
    """Map every native order of a page before ingesting any: a row that cannot be mapped raises
    `UnmappedValue` and fails the page, because skipping it would lose the order behind an advanced cursor."""
    return [to_ingest(row, ctx) for row in rows]


def ingest_commands(
    session: Session,
    ctx: ShopContext,
    commands: list[IngestOrder],
    *,
    now: datetime,
    tz: ZoneInfo,
    default_ship_hours: int,
    refs: IngestReferences | None = None,
) -> PageResult:
    """One page: one SELECT for the page's known orders, then the new and changed ones in a batch. Pass the
    window job's `refs` so channel/shop/warehouse/promotion rules are read once per job, not per page."""
    result = PageResult(seen=len(commands))
    known = load_known(session, ((c.source, c.external_id) for c in commands))
    todo = []
    for command in commands:
        order = known.get((command.source, command.external_id))
        stored = order.source_modified_at if order is not None else None
        if stored is not None and command.source_modified_at is not None and command.source_modified_at <= stored:
            # The platform bumps `modified` on every change: nothing new. Re-applying it would even re-place
            # a platform hold a lead has released since.
            continue
        todo.append(keep_known_phone(order, command))
    ingested = ingest_orders(
        session,
        todo,
        actor=f"sync:{ctx.platform}",
        source_system=ctx.platform,
        now=now,
        tz=tz,
        default_ship_hours=default_ship_hours,
        refs=refs,
        known=known,
    )
    for one in ingested:
        result.created += int(one.created)
        result.changed += int(one.changed and not one.created)
        result.events.extend(one.events)
    return result


def keep_known_phone(order: Order | None, cmd: IngestOrder) -> IngestOrder:
    """PDD masks the phone once an order ships. A masked copy of the phone we already hold (`order`, the
    stored copy, if any) is the same address, not an address change (which would hold a printed order and
    ask for a reprint)."""
    if not is_masked(cmd.address.phone) or order is None or order.current_address is None:
        return cmd
    known = order.current_address.phone
    if not known or not _same_masked(cmd.address.phone, known):
        return cmd
    return replace(
        cmd, address=replace(cmd.address, phone=known), customer_phone=order.customer_phone or known
    )


def _same_masked(masked: str, plain: str) -> bool:
    head, _, tail = masked.partition("*")
    tail = tail.lstrip("*")
    return plain.startswith(head) and plain.endswith(tail) and len(plain) >= len(head) + len(tail)


def _whole_seconds(moment: datetime) -> datetime:
    # Platforms take second-precision times; job ids carry the window start.
    return moment.replace(microsecond=0)
