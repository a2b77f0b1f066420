"""Label jobs (`labels` queue): finish a waybill request the pack station could not wait for, and replace
a label after an address change. Both take ids, run in one transaction and are safe to run twice."""

from __future__ import annotations

import logging

from server import clock
from server.integrations.ports import CourierPort
from server.labels.followups import request_waybill_followup
from server.labels.records import current_version
from server.labels.waybills import (
    LABEL_STATES,
    ensure_waybill,
    retry_failed_cancels,
    void_label_for_address_change,
)
from server.orders.models import Order
from server.orders.queries import get_order
from server.runtime import Runtime
from workers import context

log = logging.getLogger("packline.labels")
ACTOR = "system:labels"


class CancelsOutstanding(RuntimeError):
    """The courier has not confirmed the cancel of a voided waybill yet: the job runs again later."""


def request_waybill_job(order_number: str, label_version: int) -> str:
    """Ask for the waybill of `label_version` (same key as the station used). A label that moved on (an
    address change voided it) or an order that left the floor is skipped. A courier that still does not
    answer raises, so the queue retries with backoff; the 2 h watchdog covers a courier that stays down."""
    rt = context.runtime()
    with rt.work() as work:
        order = get_order(work.session, order_number)
        if current_version(order) != label_version or order.status not in LABEL_STATES:
            log.info(
                "waybill job for %s L%s skipped: label is v%s, order %s",
                order_number,
                label_version,
                current_version(order),
                order.status,
            )
            return "skipped"
        outcome = ensure_waybill(work.session, order, _courier(rt, order), actor=ACTOR, now=clock.now())
        work.publish(outcome.events)
    if outcome.retry_later and outcome.error is not None:
        raise outcome.error
    if outcome.error is not None:
        log.warning("courier refused the waybill of %s L%s: %s", order_number, label_version, outcome.error)
    return outcome.state


def reissue_label_job(order_number: str) -> str:
    """After an address change: void the current label (cancelling its waybill) and ask for the next
    version's waybill; also re-try cancels the courier did not confirm earlier. Idempotent: a label that
    already carries the current address is left alone."""
    rt = context.runtime()
    with rt.work() as work:
        order = get_order(work.session, order_number)
        courier = _courier(rt, order)
        now = clock.now()
        result = void_label_for_address_change(work.session, order, courier, now, actor=ACTOR)
        unconfirmed = retry_failed_cancels(work.session, order, courier, now)
        work.publish(result.events)
        outcome = result.outcome
        if outcome is not None and outcome.retry_later:
            job = request_waybill_followup(order_number, outcome.record.label_version)
            work.enqueue(job.func, *job.args, queue=job.queue, job_id=job.job_id)
    if unconfirmed:
        raise CancelsOutstanding(f"{order_number}: {unconfirmed} voided waybill(s) not cancelled yet")
    if result.voided is None:
        return "unchanged"
    state = outcome.state if outcome is not None else "-"
    return f"voided v{result.voided.label_version}; v{result.voided.label_version + 1} {state}"


def _courier(rt: Runtime, order: Order) -> CourierPort:
    return context.connectors().courier(order.courier_code or rt.settings.label_default_courier)
