"""Shipping jobs: confirm a handed-over package to the platform (tracking number upload), the WMS and the
ERP; void the labels of an order intercepted as refunded/cancelled; ask the courier for a further
package's waybill. Each takes ids, is safe to run twice, and calls the outside outside any transaction."""

from __future__ import annotations

import logging
from typing import Any

from server import clock
from server.integrations.factory import NotConfigured
from server.integrations.http import IntegrationError, Outcome
from server.integrations.ports import CourierPort
from server.integrations.retrying import RetryPolicy, call_with_retries
from server.orders.queries import get_order
from server.runtime import Runtime
from server.shipping import confirmations as c
from server.shipping.common import get_package
from server.shipping.waybills import ensure_package_waybill, void_intercepted_labels
from workers import context

log = logging.getLogger("packline.shipping")
ACTOR = "system:shipping"


class CancelsOutstanding(RuntimeError):
    """The courier has not confirmed every cancel yet: the job runs again later."""


def _policy(rt: Runtime) -> RetryPolicy:
    return RetryPolicy(attempts=rt.settings.sync_page_attempts, backoff=rt.settings.sync_backoff_ms / 1000)


def confirm_package_shipment(package_id: int) -> dict[str, Any]:
    """Tell the platform, the WMS and the ERP that one package left. A system that already has it is
    skipped (recorded in shipment_confirmations); each call is itself idempotent (same tracking number
    on the platform, WMS outBizCode, ERP look-up by FNote), so a lost reply retried does not ship twice."""
    rt = context.runtime()
    conns = context.connectors()
    with rt.read() as session:
        plan = c.plan_confirmation(session, package_id, rt.settings.tz, rt.settings.label_default_courier)
    if plan is None:
        return {"skipped": "not a handed-over package"}
    sent: dict[str, str] = {}
    for system in plan.todo:
        status, reference, detail = _send(rt, conns, plan, system)
        if status is None:
            continue
        with rt.work() as work:
            c.record_confirmation(
                work.session, plan, system, status, reference=reference, detail=detail, now=clock.now()
            )
        sent[system] = status
    return {"package": plan.package_ref, "sent": sent}


confirm_package_shipment.failure_source = lambda *_: "shipment_confirm"  # type: ignore[attr-defined]


def _send(
    rt: Runtime, conns: Any, plan: c.ConfirmPlan, system: str
) -> tuple[str | None, str | None, str | None]:
    """(status to record, reference, detail); status None: not configured here, try again another time."""
    try:
        if system == "platform":
            if plan.platform is None:
                return c.ConfirmStatus.SKIPPED, None, f"no platform connector for channel {plan.channel}"
            platform = conns.platform(plan.platform)

            def ship() -> None:
                platform.confirm_shipment(
                    plan.shop_code, plan.external_id, plan.tracking_number, plan.courier_code
                )

            call_with_retries(ship, _policy(rt), what=f"{plan.platform} ship {plan.package_ref}")
            return c.ConfirmStatus.CONFIRMED, plan.tracking_number, None
        if not conns.has(system):
            log.warning("%s is not configured; package %s not confirmed there", system, plan.package_ref)
            return None, None, None
        if system == "wms":
            call_with_retries(
                lambda: conns.wms().confirm(
                    plan.order_number, plan.wms_status, plan.out_biz_code, [plan.wms_package()]
                ),
                _policy(rt),
                what="wms",
            )
            return c.ConfirmStatus.CONFIRMED, plan.out_biz_code, plan.wms_status
        bill = call_with_retries(
            lambda: conns.erp().save_outstock(plan.outstock_bill()), _policy(rt), what="erp"
        )
        return c.ConfirmStatus.CONFIRMED, bill.bill_no, plan.erp_reference
    except NotConfigured as exc:
        log.warning("%s: %s", plan.package_ref, exc)
        return None, None, None
    except IntegrationError as exc:
        if exc.outcome is not Outcome.REJECTED:
            raise  # retryable after its in-place retries, or auth: the queue retries the job later
        # E.g. a platform that takes one tracking number per order refuses package 2: recorded, not retried.
        log.warning("%s refused package %s: %s", system, plan.package_ref, exc)
        return c.ConfirmStatus.REJECTED, None, f"{exc.code}: {exc.message}"


def void_intercepted_labels_job(order_number: str) -> str:
    """Cancel the waybills of an order intercepted at the dock as refunded/cancelled."""
    rt = context.runtime()
    with rt.work() as work:
        order = get_order(work.session, order_number)
        failed = void_intercepted_labels(
            work.session, order, _courier(rt, order.courier_code), now=clock.now()
        )
    if failed:
        raise CancelsOutstanding(f"{order_number}: {failed} waybill cancel(s) not confirmed yet")
    return "voided"


def request_package_waybill_job(package_id: int) -> str:
    """Ask again (same package ref) for a further package's waybill the station could not wait for."""
    rt = context.runtime()
    with rt.work() as work:
        package = get_package(work.session, package_id)
        courier = _courier(rt, package.courier_code)
        answer = ensure_package_waybill(work.session, package_id, courier, actor=ACTOR, now=clock.now())
    if answer.error is not None and answer.error.retryable:
        raise answer.error
    return answer.state


def _courier(rt: Runtime, code: str | None) -> CourierPort:
    return context.connectors().courier(code or rt.settings.label_default_courier)
