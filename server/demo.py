"""`packline demo`: embedded database migrated and seeded, simulators started, then serve."""

from __future__ import annotations

import logging

from server import clock
from server.config import Settings
from server.db import make_engine
from server.demo_seed import DEMO_USERS, seed_orders, seed_reference, seed_users
from server.migrate import upgrade
from server.runtime import Runtime

log = logging.getLogger("packline.demo")


def prepare_demo(settings: Settings, *, orders: int) -> Runtime:
    from simulators.catalog import ALL_PRODUCTS

    engine = make_engine(settings.database_url)
    upgrade(engine)
    rt = Runtime.create(settings, engine=engine)
    with rt.work() as work:
        seed_reference(work.session, list(ALL_PRODUCTS))
        seed_users(work.session, clock.now())
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
    return settings.with_(**{k: getattr(settings, k) or v for k, v in changes.items()})


def run_demo(settings: Settings, *, orders: int, serve: bool, simulators: bool) -> int:
    if simulators:
        settings = start_simulators(settings)
    rt = prepare_demo(settings, orders=orders)
    print_accounts(settings)
    if not serve:
        return 0
    from server.serve import serve as serve_app

    serve_app(settings, runtime=rt)
    return 0


def print_accounts(settings: Settings) -> None:
    lines = ["", "Packline demo accounts (password / PDA badge):"]
    for u in DEMO_USERS:
        lines.append(
            f"  {u.role:7} {u.username:11} {u.password:17} {u.badge or '-':12} {u.warehouse or 'all'}"
        )
    lines.append(f"Open http://{settings.host}:{settings.port}/pda (PDA), /lead, /cs, /kpi, /api/docs")
    print("\n".join(lines), flush=True)
