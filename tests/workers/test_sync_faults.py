"""Every failure mode of the platform simulators during a window sync ends with no order lost or doubled;
a window that keeps failing leaves the cursor where it was and raises `sync_failing` exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.orders.models import AddressVersion, Order, StatusTransition
from tests.workers import harness as h
from workers.jobs import sync as jobs

OPS = {"taobao": "taobao.trades.sold.increment.get", "pdd": "pdd.order.number.list.increment.get"}
SHOPS = {"taobao": "tmall-01", "pdd": "pdd-01"}
# Scripts of faults: each call of the window API takes the next one, so one sync meets them all in turn.
SCRIPTS = {
    "top-transient": (
        "taobao",
        [
            {"kind": "rate_limit", "ban_seconds": 1},
            {"kind": "isp_error"},
            {"kind": "server_error", "status": 502},
            {"kind": "server_error", "status": 503, "body": "empty"},
            {"kind": "timeout", "seconds": 1.0},
        ],
    ),
    "top-shapes": (
        "taobao",
        [
            {"kind": "malformed"},
            {"kind": "malformed", "variant": "no_wrapper"},
            {"kind": "malformed", "variant": "numeric_tid_only"},
            {"kind": "duplicate", "times": 2},
        ],
    ),
    "top-auth": ("taobao", [{"kind": "bad_signature"}, {"kind": "invalid_session"}]),
    "pdd-transient": (
        "pdd",
        [
            {"kind": "rate_limit"},
            {"kind": "server_error"},
            {"kind": "timeout", "seconds": 1.0},
        ],
    ),
    "pdd-shapes": (
        "pdd",
        [
            {"kind": "malformed"},
            {"kind": "malformed", "variant": "missing_item_list"},
            {"kind": "malformed", "variant": "masked_phone"},
            {"kind": "duplicate", "times": 2},
        ],
    ),
    "pdd-auth": ("pdd", [{"kind": "bad_signature"}]),
}


def _one_shop(configure_workers, platform: str, **overrides):
    return configure_workers(
        sync_shops=(f"{platform}:{SHOPS[platform]}",),
        sync_initial_lookback_minutes=28,
        sync_page_size=4,
        **overrides,
    )


def _each_order_once(engine, source: str) -> None:
    with Session(engine) as s:
        orders = s.scalar(select(func.count(Order.id)).where(Order.source == source))
        ingested = s.scalar(
            select(func.count(StatusTransition.id)).where(
                StatusTransition.from_status.is_(None), StatusTransition.subject == "order"
            )
        )
        addresses = s.scalar(select(func.count(AddressVersion.id)))
    assert ingested == orders and addresses == orders


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_faults_during_the_window_lose_and_double_nothing(
    configure_workers, run_worker, sims, clean_db, script
):
    platform, faults = SCRIPTS[script]
    _one_shop(configure_workers, platform)
    expected = h.seed_orders(sims[platform], 12, seed=11, oldest_min=10)
    for spec in faults:
        h.fault(sims[platform], op=OPS[platform], **spec)

    jobs.plan_platform_syncs()
    run_worker()

    assert sims[platform].app.faults.pending() == []  # every fault really happened
    assert sorted(h.external_ids(clean_db, h.CHANNEL[platform])) == sorted(expected)
    _each_order_once(clean_db, h.CHANNEL[platform])
    assert h.cursor(clean_db, platform, SHOPS[platform]) is not None
    assert h.alerts(clean_db, "sync_failing") == []


def test_a_failing_window_keeps_the_cursor_and_alerts_once(configure_workers, run_worker, sims, clean_db):
    rt = _one_shop(configure_workers, "taobao")
    first = h.seed_orders(sims["taobao"], 6, seed=12, oldest_min=10, newest_s=200)
    jobs.plan_platform_syncs()
    run_worker()
    before = h.cursor(clean_db, "taobao", "tmall-01").last_end
    # Made visible late, inside the last window's overlap: exactly what the overlap is there for.
    later = h.seed_orders(sims["taobao"], 6, seed=13, oldest_min=1, newest_s=15)
    h.touch(sims["taobao"], later, 30)
    calls_before = h.calls(sims["taobao"], OPS["taobao"])

    h.fault(sims["taobao"], op=OPS["taobao"], kind="server_error", status=502, times=1000)
    for _ in range(2):  # the next tick tries the same window again, and fails again
        jobs.plan_platform_syncs()
        run_worker()
        assert h.cursor(clean_db, "taobao", "tmall-01").last_end == before
    # Per tick: 1 run + job_max_retries RQ retries, each trying the first page sync_page_attempts times.
    attempts = 2 * (1 + rt.settings.job_max_retries) * rt.settings.sync_page_attempts
    assert h.calls(sims["taobao"], OPS["taobao"]) - calls_before == attempts
    (alert,) = h.alerts(clean_db, "sync_failing")
    assert alert.dedupe_key == "sync_failing:taobao:tmall-01" and alert.severity == "critical"
    assert alert.params["system"] == "taobao:tmall-01" and "502" in alert.params["error"]

    sims["taobao"].app.faults.clear()
    jobs.plan_platform_syncs()
    run_worker()
    assert sorted(h.external_ids(clean_db, "tmall")) == sorted(first | later)
    assert h.cursor(clean_db, "taobao", "tmall-01").last_end > before
    (alert,) = h.alerts(clean_db, "sync_failing")
    assert alert.resolved_at is not None  # the sync works again


def test_a_masked_phone_after_shipping_is_not_an_address_change(
    configure_workers, run_worker, sims, clean_db
):
    _one_shop(configure_workers, "pdd")
    sn = sorted(h.seed_orders(sims["pdd"], 3, seed=14, oldest_min=10))[0]
    jobs.plan_platform_syncs()
    run_worker()
    plain = h.order_by_external(clean_db, sn).customer_phone
    app = sims["pdd"].app
    with h.sim_time_shifted(sims["pdd"], -30), app.lock:
        app.orders[sn].update(order_status=2, confirm_status=1, refund_status=1)  # shipped: listed masked
        app.touch(app.orders[sn], app.clock.now())

    jobs.plan_platform_syncs()
    run_worker()

    order = h.order_by_external(clean_db, sn)
    assert "*" not in plain and order.customer_phone == plain
    assert [a.phone for a in order.addresses] == [plain]
