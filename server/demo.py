"""`packline demo`: embedded database migrated and seeded, simulators started, then serve."""

from __future__ import annotations

import logging

from server import clock
from server.config import Settings
from server.db import make_engine
from server.demo_devices import enrolment_lines, seed_demo_pdas
from server.demo_seed import DEMO_USERS, seed_orders, seed_reference, seed_users
from server.migrate import upgrade
from server.runtime import Runtime
from workers.context import make_job_queue

log = logging.getLogger("packline.demo")

# The simulators' credentials (their defaults) and the shops the demo syncs; an environment value wins.
# ERP and WMS stay unconfigured: status pushes are skipped with a warning, consistency checks compare nothing.
SIMULATOR_SYNC: dict[str, object] = {
    "taobao_app_key": "12345678",
    "taobao_app_secret": "topsecret",
    "taobao_session": "sess",
    "pdd_client_id": "pddclient",
    "pdd_client_secret": "pddsecret",
    "pdd_access_token": "pddtoken",
    "zto_app_key": "ztokey",  # waybills for printed labels (the label jobs now run in the demo)
    "zto_app_secret": "ztosecret",
    "sync_shops": ("taobao:tmall-01@HZ01", "pdd:pdd-01@SH01"),
}
DEMO_SYNC_LAG_SECONDS = 20


def prepare_demo(settings: Settings, *, orders: int) -> Runtime:
    from simulators.catalog import ALL_PRODUCTS

    engine = make_engine(settings.database_url)
    upgrade(engine)
    # The embedded mode's in-process job queue (RQ when PACKLINE_REDIS_URL is set): label, sync and alert
    # jobs the demo enqueues actually run.
    rt = Runtime.create(settings, engine=engine, jobs=make_job_queue(settings))
    with rt.work() as work:
        seed_reference(work.session, list(ALL_PRODUCTS))
        seed_users(work.session, clock.now())
        seed_demo_pdas(work.session, clock.now())
    with rt.work() as work:
        created = seed_orders(work.session, list(ALL_PRODUCTS), count=orders, now=clock.now(), tz=settings.tz)
    if created:
        log.info("seeded %d demo orders", created)
    return rt


def start_simulators(settings: Settings) -> Settings:
    """The outside systems on loopback, with new platform orders arriving every few seconds."""
    from simulators import runner

    urls = runner.start_all(initial_orders=40, seed=2026)
    runner.start_flow(interval=5.0, per_tick=2)
    log.info("simulators: %s", ", ".join(f"{k}={v}" for k, v in sorted(urls.items())))
    mapping = {
        "taobao": "taobao_base_url",
        "pdd": "pdd_base_url",
        "kingdee": "kingdee_base_url",
        "wms": "wms_base_url",
        "courier": "courier_base_url",
        "robots": "dingtalk_base_url",
    }
    changes: dict[str, object] = {field: urls[name] for name, field in mapping.items() if name in urls}
    if "robots" in urls:
        changes["wecom_base_url"] = urls["robots"]
    changes.update(SIMULATOR_SYNC)
    for handle in runner.platforms():
        if "recent_lag_seconds" in handle.settings:
            # Real PDD hides the last 3 minutes; on the demo's loopback a new order may show after seconds.
            handle.settings["recent_lag_seconds"] = DEMO_SYNC_LAG_SECONDS // 2
    settings = settings.with_(**{k: getattr(settings, k) or v for k, v in changes.items()})
    if settings.sync_lag_seconds == Settings.sync_lag_seconds:  # not set by the user: pull within a minute
        settings = settings.with_(sync_lag_seconds=DEMO_SYNC_LAG_SECONDS)
    return settings


def run_demo(settings: Settings, *, orders: int, serve: bool, simulators: bool) -> int:
    if simulators:
        settings = start_simulators(settings)
    rt = prepare_demo(settings, orders=orders)
    print_accounts(settings)
    if not serve:
        return 0
    from server.serve import serve as serve_app

    serve_app(settings, runtime=rt)  # embedded: also runs the periodic jobs (simulator orders keep coming)
    return 0


def print_accounts(settings: Settings) -> None:
    lines = ["", "Packline demo accounts (password / PDA badge):"]
    for u in DEMO_USERS:
        lines.append(
            f"  {u.role:7} {u.username:11} {u.password:17} {u.badge or '-':12} {u.warehouse or 'all'}"
        )
    lines.append(f"Open http://{settings.host}:{settings.port}/pda (PDA), /lead, /cs, /kpi, /api/docs")
    lines += enrolment_lines()
    print("\n".join(lines), flush=True)
