"""One promo day, start to finish: bring the stack up, replay the day, drain the floor, judge, tear down."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import Any

from redis import Redis

from bench.promo.dayplan import plan_day, summary
from bench.promo.floor import Floor
from bench.promo.observers import LeadScreens, Sampler, probe_cs
from bench.promo.outcomes import alert_latency, judge, percentile
from bench.promo.packers import Packer
from bench.promo.pda import CallStats, Pda
from bench.promo.settings import DayClock, RunSettings
from bench.promo.stack import Stack
from bench.promo.world import World
from server.config import Settings
from server.db import make_engine
from workers import context
from workers.jobs.sync import plan_platform_syncs

WAREHOUSES = {"HZ01": ("lead.hz", "packer.hz1"), "SH01": ("lead.sh", "packer.sh1")}


def run_day(settings: RunSettings, log: Any = print) -> dict[str, Any]:
    plan = plan_day(settings)
    started = time.time()
    stack = Stack(settings)
    try:
        stack.open()
        setup = time.time() - started
        log(f"[{settings.label}] stack up in {setup:.0f} s: {stack.rest_url}, {len(plan)} orders planned")
        return _replay(stack, plan, settings, log) | {"plan": summary(plan), "setup_seconds": round(setup, 1)}
    finally:
        stack.close()


def _replay(stack: Stack, plan: list, settings: RunSettings, log: Any) -> dict[str, Any]:
    engine = make_engine(stack.db_url)
    stats, stop, floor_stop = CallStats(), threading.Event(), threading.Event()
    leads = LeadScreens(stack.realtime_url, {wh: stack.tokens[lead] for wh, (lead, _) in WAREHOUSES.items()}).connect()
    clock = DayClock(settings.day_seconds)
    world = World(stack, plan, clock, settings)
    floor = Floor(settings, clock, engine, world.by_external, stats)
    sampler = Sampler(engine, Redis.from_url(stack.redis_url), clock, lambda: world.released)
    context.configure(context.build_runtime(Settings.from_env(stack.env)))
    lead_pdas = {wh: Pda(stack.rest_url, stack.tokens[lead], "DOCK1", stats) for wh, (lead, _) in WAREHOUSES.items()}
    packers = []
    for n in range(settings.packers):
        wh = ("HZ01", "SH01")[n % 2]
        station = stack.stations[wh][(n // 2) % len(stack.stations[wh])]
        pda = Pda(stack.rest_url, stack.tokens[WAREHOUSES[wh][1]], station, stats)
        packers.append(Packer(f"packer-{wh}-{station}", pda, floor, world, wh, settings.seed + n))
    cs = Pda(stack.rest_url, stack.tokens["cs"], "-", stats)
    threads = [
        threading.Thread(target=_plan_syncs, args=(stop,), daemon=True),
        threading.Thread(target=floor.release_waves, args=(lead_pdas, floor_stop), daemon=True),
        threading.Thread(target=probe_cs, args=(cs, floor.released, stop, settings.seed), daemon=True),
        threading.Thread(target=sampler.run, args=(stop,), daemon=True),
    ]
    docks = [threading.Thread(target=floor.run_dock, args=(wh, Pda(stack.rest_url, stack.tokens[lead], "DOCK1", stats),
                                                           floor_stop), daemon=True)
             for wh, (lead, _) in WAREHOUSES.items()]
    world.start()
    for t in [*threads, *packers, *docks]:
        t.start()
    _progress(world, floor, sampler, clock, settings, stack, log)
    floor.closing.set()
    for t in packers:
        t.join(60)
    floor_stop.set()  # the docks' last pickup takes what the packers finished
    for t in docks:
        t.join(120)
    world.join()
    _wait_for_jobs(sampler, 30)
    stop.set()
    time.sleep(1.5)  # the last shipment confirmations and alerts land
    wall = time.time() - clock.started
    outcomes = judge(engine, plan, world, stack.sims, clock, settings)
    latency = alert_latency(outcomes.pop("moves"), outcomes.pop("number_of"), leads.alerts_heard())
    still_connected = leads.connected()
    leads.close()
    context.reset()
    engine.dispose()
    scans = stats.latencies.get("scan", [])
    return {
        "label": settings.label,
        "settings": settings.__dict__,
        **outcomes,
        **latency,
        "cs_lookup_p99_ms": _ms(percentile(stats.latencies.get("cs_lookup", []), 99)),
        "cs_lookups": len(stats.latencies.get("cs_lookup", [])),
        "scan_p50_ms": _ms(percentile(scans, 50)),
        "scan_p95_ms": _ms(percentile(scans, 95)),
        "scan_p99_ms": _ms(percentile(scans, 99)),
        "scans": len(scans),
        "scans_per_second": round(len(scans) / wall, 1),
        "print_p99_ms": _ms(percentile(stats.latencies.get("print", []), 99)),
        "worker_backlog_peak": max((s.jobs_queued for s in sampler.samples), default=0),
        "lead_screens_connected_at_end": still_connected,
        "lead_screen_events": leads.events_heard(),
        "floor_outcomes": dict(sorted(floor.finished.items())),
        "answer_codes": dict(sorted(stats.codes.items())),
        "pickups": len(floor.pickups),
        "harness_errors": stats.errors[:20],
        "dead_processes": stack.dead_processes(),
        "wall_seconds": round(wall, 1),
        "samples": [s.__dict__ for s in sampler.samples],
        "load_average": os.getloadavg(),
        "load_1m": round(os.getloadavg()[0], 1),
    }


def _progress(world: World, floor: Floor, sampler: Sampler, clock: DayClock, settings: RunSettings,
              stack: Stack, log: Any) -> None:
    """Until the day is over and the floor has drained (or the drain time is up), report every 20 s."""
    end = clock.started + settings.day_seconds + settings.drain_seconds
    last = 0.0
    while time.time() < end:
        time.sleep(1)
        drained = world.all_released and len(floor.released) >= len(world.by_external) and floor.idle and not any(
            floor.dock_queues.values())
        if drained and time.time() > clock.started + settings.day_seconds:
            return
        if time.time() - last >= 20:
            last = time.time()
            s = sampler.samples[-1] if sampler.samples else None
            log(f"[{settings.label}] sim {int(clock.sim_now() // 3600):02d}h paid {world.released} "
                f"backlog {s.backlog if s else '?'} shipped {s.shipped if s else '?'} jobs {s.jobs_queued if s else '?'}"
                f" floor {dict(sorted(floor.finished.items()))} dead {stack.dead_processes()}")


def _plan_syncs(stop: threading.Event) -> None:
    """The platforms are read every 1.5 s here (the scheduler's minute is a day's 6 minutes at this speed)."""
    while not stop.wait(1.5):
        with contextlib.suppress(Exception):  # Redis busy for a moment: the next tick plans again
            plan_platform_syncs()


def _wait_for_jobs(sampler: Sampler, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and sampler.sample().jobs_queued:
        time.sleep(0.5)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
