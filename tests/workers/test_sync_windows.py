"""Platform window sync end to end: real RQ burst workers, the TOP and PDD simulators, committed PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import timedelta

from server import clock
from tests.workers import harness as h
from workers.jobs import sync as jobs


def test_full_sync_from_an_empty_database(configure_workers, run_worker, sims, clean_db):
    rt = configure_workers(sync_initial_lookback_minutes=80)  # three windows per shop, chained
    tmall = h.seed_orders(sims["taobao"], 30, seed=1, oldest_min=60)
    pdd = h.seed_orders(sims["pdd"], 25, seed=2, oldest_min=60)

    assert jobs.plan_platform_syncs() == 2
    run_worker()

    assert sorted(h.external_ids(clean_db, "tmall")) == sorted(tmall)
    assert sorted(h.external_ids(clean_db, "pdd")) == sorted(pdd)
    for platform, shop in (("taobao", "tmall-01"), ("pdd", "pdd-01")):
        cursor = h.cursor(clean_db, platform, shop)
        assert cursor is not None
        # Caught up by chaining windows: the cursor ends within a minute of now − lag.
        assert clock.now() - timedelta(seconds=rt.settings.sync_lag_seconds) - cursor.last_end < timedelta(
            minutes=1
        )
    # Backward paging: page 1 for the total, then last → first (page 1 again at the end of a long window).
    pages = [
        int(e["form"]["page_no"])
        for e in sims["taobao"].app.journal.entries("taobao.trades.sold.increment.get")
    ]
    assert pages[:1] == [1] and any(a > b for a, b in itertools.pairwise(pages))


def test_platform_statuses_and_holds_land_in_packline(configure_workers, run_worker, sims, clean_db):
    configure_workers(sync_initial_lookback_minutes=28)
    h.seed_orders(sims["taobao"], 12, seed=3, oldest_min=10)
    h.seed_orders(sims["pdd"], 12, seed=4, oldest_min=10)
    jobs.plan_platform_syncs()
    run_worker()
    top, pdd_app = sims["taobao"].app, sims["pdd"].app
    tmall = sorted(tid for tid, t in top.orders.items() if t["status"] == "WAIT_SELLER_SEND_GOODS")
    pdd = sorted(
        sn for sn, o in pdd_app.orders.items() if o["confirm_status"] == 1 and o["risk_control_status"] == 0
    )
    assert h.order_by_external(clean_db, tmall[0]).status == "paid"
    with h.sim_time_shifted(sims["taobao"], -30), top.lock:
        top.apply_refund(top.orders[tmall[0]], {"state": "pending"})
        top.apply_status(top.orders[tmall[1]], {"status": "TRADE_CLOSED_BY_TAOBAO"})
        top.apply_refund(top.orders[tmall[2]], {"state": "refunded"})
        for tid in tmall[:3]:
            top.touch(top.orders[tid], top.clock.now())
    with h.sim_time_shifted(sims["pdd"], -30), pdd_app.lock:
        for sn, change in zip(
            pdd[:3], ({"refund_status": 3}, {"confirm_status": 2}, {"risk_control_status": 1}), strict=True
        ):
            pdd_app.orders[sn].update(change)
            pdd_app.touch(pdd_app.orders[sn], pdd_app.clock.now())

    jobs.plan_platform_syncs()
    run_worker()

    assert "refund_pending" in h.open_holds(clean_db, tmall[0])
    assert h.order_by_external(clean_db, tmall[1]).status == "cancelled"
    assert h.order_by_external(clean_db, tmall[2]).status == "refunded"
    assert "refund_pending" in h.open_holds(clean_db, pdd[0])
    assert h.order_by_external(clean_db, pdd[1]).status == "cancelled"
    assert "risk_review" in h.open_holds(clean_db, pdd[2])


def test_a_rerun_changes_nothing(configure_workers, run_worker, sims, clean_db):
    configure_workers(sync_initial_lookback_minutes=28)
    h.seed_orders(sims["taobao"], 15, seed=5, oldest_min=10)
    h.seed_orders(sims["pdd"], 15, seed=6, oldest_min=10)
    jobs.plan_platform_syncs()
    run_worker()
    before = h.snapshot(clean_db)

    # The next tick re-reads the overlap; running a whole old window again re-reads everything.
    jobs.plan_platform_syncs()
    run_worker()
    first_window = (clock.now() - timedelta(minutes=29)).replace(microsecond=0).isoformat()
    jobs.sync_platform_window("taobao", "tmall-01", first_window)
    jobs.sync_platform_window("pdd", "pdd-01", first_window)

    assert h.snapshot(clean_db) == before
