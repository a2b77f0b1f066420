"""Sync jobs: platform windows into the order hub, Packline statuses out to the WMS/ERP, and consistency
checks. Functions take plain values; each transaction is one `rt.work()`, effects go out after commit."""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from server import clock
from server.catalog.models import Warehouse
from server.integrations import consistency, pushes
from server.integrations import sync as domain
from server.integrations.factory import sync_targets, target_for
from server.integrations.http import malformed
from server.integrations.mappings import UnmappedValue
from server.integrations.native_orders import ShopContext
from server.integrations.ports import PlatformPort
from server.integrations.retrying import RetryPolicy, call_with_retries
from server.orders.ingest import IngestOrder
from server.orders.reference import IngestReferences
from server.runtime import Runtime
from workers import context, queues
from workers.failures import mark_recovered

log = logging.getLogger("packline.sync")

SYNC_WINDOW = "workers.jobs.sync.sync_platform_window"
PUSH_STATUS = "workers.jobs.sync.push_status"
CHECK_CONSISTENCY = "workers.jobs.sync.check_consistency"


def window_job_id(platform: str, shop: str, since_iso: str) -> str:
    return f"sync:{platform}:{shop}:{since_iso}"


def push_job_id(order_number: str, status: str) -> str:
    return f"push:{order_number}:{status}"


def _policy(rt: Runtime) -> RetryPolicy:
    return RetryPolicy(attempts=rt.settings.sync_page_attempts, backoff=rt.settings.sync_backoff_ms / 1000)


# --- platform windows ------------------------------------------------------------------------------------
def plan_platform_syncs() -> int:
    """Periodic: enqueue the next window of every configured shop (a pending one is not doubled)."""
    rt = context.runtime()
    policy = domain.WindowPolicy.from_settings(rt.settings)
    now = clock.now()
    planned = 0
    with rt.read() as session:
        starts = [
            (t, domain.next_since(session, t.platform, t.shop_code, now, policy))
            for t in sync_targets(rt.settings)
        ]
    for target, since in starts:
        since_iso = since.isoformat()
        rt.jobs.enqueue(
            SYNC_WINDOW,
            target.platform,
            target.shop_code,
            since_iso,
            queue=queues.SYNC,
            job_id=window_job_id(target.platform, target.shop_code, since_iso),
        )
        planned += 1
    return planned


def sync_platform_window(source: str, shop: str, since_iso: str) -> dict[str, Any]:
    """Pull one window of `shop` on platform `source` and ingest it; the cursor moves only at the end.

    Page 1 gives the total, then pages are read from the last backwards (an order modified mid-scan
    leaves the window towards the front, never skipping one we have not read); each page commits on its
    own, so a killed worker leaves ingested orders behind and the re-run, idempotent, converges."""
    rt = context.runtime()
    settings = rt.settings
    policy = domain.WindowPolicy.from_settings(settings)
    window = domain.window_from(clock.parse_iso(since_iso), clock.now(), policy)
    if window is None:
        return {"skipped": "window not closed yet"}
    platform = context.connectors().platform(source)
    target = target_for(settings, source, shop)
    with rt.read() as session:
        ctx = domain.shop_context(session, source, shop, target.warehouse_code)
    size = settings.sync_page_size
    first = _fetch(rt, platform, ctx, window, 1, size)
    pages = max(1, math.ceil(first[0] / size))
    seen = created = 0
    refs = IngestReferences()  # reference rows read once per window, fresh in the next one
    for page in range(pages, 0, -1):
        commands = first[1] if pages == 1 else _fetch(rt, platform, ctx, window, page, size)[1]
        with rt.work() as work:
            result = domain.ingest_commands(
                work.session,
                ctx,
                commands,
                now=clock.now(),
                tz=settings.tz,
                default_ship_hours=settings.default_promised_ship_hours,
                refs=refs,
            )
            work.publish(result.events)
        seen, created = seen + result.seen, created + result.created
    with rt.work() as work:
        moved = domain.advance_cursor(work.session, source, shop, window, seen, clock.now())
        mark_recovered(work, _window_source(source, shop))
        next_since = (window.end - policy.overlap).isoformat()
        if moved and domain.is_behind(window.end, clock.now(), policy):
            # Catching up (first sync, or after an outage): chain the next window now, not at the next tick.
            work.enqueue(
                SYNC_WINDOW,
                source,
                shop,
                next_since,
                queue=queues.SYNC,
                job_id=window_job_id(source, shop, next_since),
            )
    log.info(
        "%s %s %s…%s: %d pages, %d orders, %d new",
        source,
        shop,
        window.start,
        window.end,
        pages,
        seen,
        created,
    )
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "pages": pages,
        "orders": seen,
        "created": created,
    }


def _window_source(source: str, shop: str, *_: Any) -> str:
    return f"{source}:{shop}"


sync_platform_window.failure_source = _window_source  # type: ignore[attr-defined]


def _fetch(
    rt: Runtime, platform: PlatformPort, ctx: ShopContext, window: domain.Window, page: int, size: int
) -> tuple[int, list[IngestOrder]]:
    """One page, fetched and mapped, retried in place: a rate limit waits out its ban, a 5xx/timeout backs
    off, and a page with an order that cannot be mapped (truncated, missing items) is fetched again."""

    def attempt() -> tuple[int, list[IngestOrder]]:
        fetched = platform.fetch_page(ctx.shop_code, window.start, window.end, page, size)
        try:
            return fetched.total, domain.map_page(fetched.orders, ctx)
        except UnmappedValue as exc:
            raise malformed(ctx.platform, f"page {page}: {exc}") from exc

    return call_with_retries(attempt, _policy(rt), what=f"{ctx.platform}:{ctx.shop_code} page {page}")


# --- statuses out ------------------------------------------------------------------------------------------
def push_status(order_number: str, status: str) -> dict[str, Any]:
    """Packline's packed/shipped to the WMS (and shipped to the ERP). Safe to run any number of times."""
    rt = context.runtime()
    conns = context.connectors()
    with rt.read() as session:
        plan = pushes.plan_push(session, order_number, status, rt.settings.tz)
    if plan is None:
        return {"skipped": "nothing to push"}
    pushed = []
    for system in plan.todo:
        if not conns.has(system):
            log.warning("%s is not configured; %s of %s not pushed there", system, status, order_number)
            continue
        if system == "wms":
            reference = call_with_retries(
                lambda: pushes.push_to_wms(conns.wms(), plan), _policy(rt), what="wms"
            )
        else:
            reference = call_with_retries(
                lambda: pushes.push_to_erp(conns.erp(), plan), _policy(rt), what="erp"
            )
        with rt.work() as work:
            pushes.record_push(work.session, plan, system, reference, clock.now())
        pushed.append(system)
    return {"order": order_number, "status": status, "pushed": pushed}


push_status.failure_source = lambda *_: "status_push"  # type: ignore[attr-defined]


# --- consistency -------------------------------------------------------------------------------------------
def plan_consistency_checks() -> int:
    """Periodic: one consistency check per warehouse."""
    rt = context.runtime()
    with rt.read() as session:
        codes = list(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
    for code in codes:
        rt.jobs.enqueue(CHECK_CONSISTENCY, code, queue=queues.SYNC, job_id=f"consistency:{code}")
    return len(codes)


def check_consistency(warehouse: str) -> dict[str, Any]:
    rt = context.runtime()
    conns = context.connectors()
    settings = rt.settings
    now = clock.now()
    lookback = settings.consistency_lookback_hours
    settle = settings.consistency_settle_minutes
    with rt.read() as session:
        refs = consistency.orders_to_check(
            session, warehouse, now, lookback=timedelta(hours=lookback), settle=timedelta(minutes=settle)
        )
    erp = wms = None
    if refs and conns.has("erp"):
        rows = call_with_retries(
            lambda: conns.erp().sale_order_statuses([r.external_id for r in refs]), _policy(rt), what="erp"
        )
        erp = {row.platform_order_id: row for row in rows}
    if refs and conns.has("wms"):
        wms = call_with_retries(
            lambda: conns.wms().statuses([r.order_number for r in refs]), _policy(rt), what="wms"
        )
    with rt.work() as work:
        result = consistency.record_consistency(
            work.session, warehouse, refs, erp=erp, wms=wms, now=clock.now(), tz=settings.tz
        )
        work.publish(result.events)
    return {"warehouse": warehouse, "compared": result.compared, "consistent": result.consistent}


check_consistency.failure_source = lambda warehouse: f"consistency:{warehouse}"  # type: ignore[attr-defined]
