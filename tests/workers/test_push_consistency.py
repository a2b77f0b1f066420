"""Statuses out (push_status to the WMS and the ERP, idempotent under retries and lost replies) and the
consistency check (external statuses stored, one status_mismatch alert per order, the day's ratio)."""

from __future__ import annotations

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.integrations.models import ConsistencyCheck, ExternalStatus, StatusPush
from tests.support import make_order
from tests.workers import harness as h
from workers import queues
from workers.jobs import sync as jobs

CONFIRM = "taobao.qimen.deliveryorder.confirm"


def _orders(engine, *statuses: str) -> list[tuple[str, str]]:
    """(order number, platform id) of new orders walked to each status, committed."""
    with Session(engine) as s:
        orders = [make_order(s, status) for status in statuses]
        s.commit()
        return [(o.order_number, o.external_id) for o in orders]


def _pushes(engine) -> set[tuple[str, str]]:
    with Session(engine) as s:
        return {tuple(row) for row in s.execute(select(StatusPush.status, StatusPush.system))}


def test_push_status_is_idempotent_under_retry(configure_workers, run_worker, sims, clean_db):
    rt = configure_workers()
    [(number, _)] = _orders(clean_db, "shipped")
    # WMS: the first confirm is applied but its answer is lost. ERP: the session is lost twice in a row
    # (one re-login is not enough: the job fails and RQ retries it), then Save's answer is lost too.
    h.fault(sims["wms"], op=CONFIRM, kind="timeout_after", seconds=1.0)
    h.fault(sims["kingdee"], op="ExecuteBillQuery", kind="session_lost", times=2)
    h.fault(sims["kingdee"], op="Save", kind="timeout_after", seconds=1.0)

    for status in ("packed", "shipped", "shipped"):  # a duplicate delivery of the same push, too
        rt.jobs.enqueue(jobs.PUSH_STATUS, number, status, queue=queues.SYNC)
    run_worker(queues.SYNC)

    confirmations = {c["outBizCode"]: c for c in sims["wms"].app.confirmations}
    assert set(confirmations) == {f"{number}-packed", f"{number}-shipped"}
    assert confirmations[f"{number}-packed"]["calls"] == 2  # the lost answer was retried, applied once
    assert confirmations[f"{number}-shipped"]["calls"] == 1  # the ERP retry did not push the WMS again
    assert sims["wms"].app.delivery_orders[number]["status"] == "DELIVERED"
    (bill,) = sims["kingdee"].app.bills["SAL_OUTSTOCK"]
    assert bill["header"]["fnote"] == f"packline {number}"
    assert bill["header"]["fcustomerid.fnumber"] == "CUST-TMALL-01"
    assert _pushes(clean_db) == {("packed", "wms"), ("shipped", "wms"), ("shipped", "erp")}
    assert sims["kingdee"].app.faults.pending() == [] and sims["wms"].app.faults.pending() == []

    calls = (h.calls(sims["wms"], CONFIRM), h.calls(sims["kingdee"], "Save"))
    assert jobs.push_status(number, "shipped")["pushed"] == []
    assert (h.calls(sims["wms"], CONFIRM), h.calls(sims["kingdee"], "Save")) == calls


def test_push_status_converges_through_every_wms_and_erp_fault(configure_workers, run_worker, sims, clean_db):
    # Enough retries for the whole script: 4 tries in place per run, and every auth/rejected ends a run.
    rt = configure_workers(job_max_retries=4)
    [(number, _)] = _orders(clean_db, "shipped")
    for spec in (
        {"kind": "rate_limit"},
        {"kind": "server_error", "status": 500},
        {"kind": "malformed", "variant": "no_flag"},
        {"kind": "malformed", "variant": "invalid_xml"},
        {"kind": "timeout", "seconds": 1.0},
        {"kind": "bad_signature"},  # auth: the job fails, RQ runs it again
    ):
        h.fault(sims["wms"], op=CONFIRM, **spec)
    h.fault(sims["kingdee"], op="ExecuteBillQuery", kind="malformed")  # the nested-list error on the look-up
    h.fault(sims["kingdee"], op="Save", kind="server_error")
    h.fault(sims["kingdee"], op="Save", kind="timeout", seconds=1.0)

    rt.jobs.enqueue(jobs.PUSH_STATUS, number, "shipped", queue=queues.SYNC, job_id=jobs.push_job_id(number, "shipped"))
    run_worker(queues.SYNC)

    assert [c["outBizCode"] for c in sims["wms"].app.confirmations] == [f"{number}-shipped"]
    assert len(sims["kingdee"].app.bills["SAL_OUTSTOCK"]) == 1
    assert _pushes(clean_db) == {("shipped", "wms"), ("shipped", "erp")}
    assert sims["kingdee"].app.faults.pending() == [] and sims["wms"].app.faults.pending() == []
    assert h.alerts(clean_db, "sync_failing") == []


def test_a_status_the_order_never_reached_is_not_pushed(configure_workers, sims, clean_db):
    configure_workers()
    [(number, _)] = _orders(clean_db, "packed")
    assert jobs.push_status(number, "shipped") == {"skipped": "nothing to push"}
    assert jobs.push_status("NO-SUCH-ORDER", "packed") == {"skipped": "nothing to push"}
    assert sims["wms"].app.confirmations == [] and sims["kingdee"].app.bills["SAL_OUTSTOCK"] == []


def test_consistency_check_compares_stores_and_alerts_once(configure_workers, run_worker, sims, clean_db):
    configure_workers()
    (a, a_ext), (_, b_ext), (c, _), (d, _), (e, _) = _orders(
        clean_db, "paid", "paid", "picking", "shipped", "paid"
    )
    erp_orders = [{"platform_order_id": a_ext, "cancel_status": "B"}, {"platform_order_id": b_ext}]
    requests.post(f"{sims['kingdee'].url}/__sim/erp-orders", json={"orders": erp_orders}, timeout=5)
    wms_orders = [{"deliveryOrderCode": c, "status": "PICK"}, {"deliveryOrderCode": d, "status": "PACKAGE"}]
    requests.post(f"{sims['wms'].url}/__sim/wms-orders", json={"orders": wms_orders}, timeout=5)

    for _ in range(2):
        assert jobs.plan_consistency_checks() == 2  # HZ01 and SH01
        run_worker(queues.SYNC)

    mismatches = h.alerts(clean_db, "status_mismatch")
    assert sorted(x.params["order_number"] for x in mismatches) == sorted([a, d])
    by_order = {x.params["order_number"]: x.params for x in mismatches}
    assert (by_order[a]["system"], by_order[a]["ours"]) == ("erp", "paid")
    assert (by_order[d]["system"], by_order[d]["theirs"]) == ("wms", "PACKAGE")
    with Session(clean_db) as s:
        checks = {
            row.warehouse_code: (row.compared, row.consistent) for row in s.scalars(select(ConsistencyCheck))
        }
        stored = sorted(
            tuple(r)
            for r in s.execute(select(ExternalStatus.system, ExternalStatus.status, ExternalStatus.agrees))
        )
    assert checks == {"HZ01": (4, 2), "SH01": (0, 0)}  # e is known to neither system: not compared
    assert stored == [
        ("erp", "C/A/A", True),
        ("erp", "C/A/B", False),
        ("wms", "PACKAGE", False),
        ("wms", "PICK", True),
    ]
    assert e not in by_order
