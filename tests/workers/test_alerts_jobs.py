"""Alert jobs: the watchdog job, the purge of webhook delivery ids, and an address change travelling from
the CRM webhook to the DingTalk group in the embedded mode (in-process job queue, real HTTP robot)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.alerts.models import Alert
from server.app import create_app
from server.integrations.signing import webhook_signature_header
from server.integrations.webhook_models import WebhookDelivery
from server.orders.transitions import apply_transition
from server.runtime import Runtime
from simulators import robots
from simulators.base import SimulatorHandle
from tests.integration.alerts.conftest import add_robot
from tests.support import make_order
from workers import context
from workers.inprocess import InProcessJobQueue
from workers.jobs.alerts import purge_webhook_deliveries, run_watchdogs
from workers.schedule import SCHEDULE, validate


@pytest.fixture
def rt(runtime: Runtime) -> Iterator[Runtime]:
    context.configure(runtime)
    yield runtime
    context.reset()


def test_watchdog_job_raises_once_and_asks_for_robot_digests(rt: Runtime, session: Session) -> None:
    now = clock.now()
    late = make_order(session, "picking", now=now - timedelta(hours=4), ship_by=now - timedelta(hours=1))
    apply_transition(
        session,
        late,
        "printed",
        actor="test",
        source_system="test",
        reason=None,
        now=now - timedelta(hours=3),
    )
    session.flush()
    assert run_watchdogs() == {"raised": 2, "resolved": 0}  # no tracking for 3 h, and past ship-by
    kinds = sorted(session.scalars(select(Alert.kind).where(Alert.order_id == late.id)))
    assert kinds == ["no_tracking", "overdue"]
    assert [(job[0], job[1]) for job in rt.jobs.jobs] == [
        ("workers.jobs.alerts.send_robot_digest", ("HZ01",))
    ]  # type: ignore[attr-defined]
    assert run_watchdogs() == {"raised": 0, "resolved": 0}


def test_purge_forgets_delivery_ids_after_the_retention(rt: Runtime, session: Session) -> None:
    now = clock.now()
    session.add_all(
        [
            WebhookDelivery(source="crm", delivery_id="old", received_at=now - timedelta(hours=80)),
            WebhookDelivery(source="crm", delivery_id="recent", received_at=now - timedelta(hours=30)),
        ]
    )
    session.flush()
    assert purge_webhook_deliveries() == 1
    assert session.scalars(select(WebhookDelivery.delivery_id)).all() == ["recent"]


def test_schedule_lists_the_alert_and_import_jobs() -> None:
    validate(SCHEDULE)
    names = {p.name: p for p in SCHEDULE}
    assert names["alert-watchdogs"].func == "workers.jobs.alerts.run_watchdogs"
    assert names["robot-digests"].func == "workers.jobs.alerts.plan_robot_digests"
    assert names["daily-import"].func == "workers.jobs.imports.plan_daily_import"
    assert names["webhook-ids-purge"].func == "workers.jobs.alerts.purge_webhook_deliveries"


def test_address_change_reaches_the_dingtalk_group_in_embedded_mode(
    runtime: Runtime, session: Session
) -> None:
    robot = robots.start(timeout_seconds=0.5)
    jobs = InProcessJobQueue(intervals=[])
    settings = runtime.settings.with_(webhook_secrets=("whsec_e2e",), dingtalk_base_url=robot.url)
    embedded = Runtime(settings, runtime.engine, runtime.session_factory, runtime.publisher, jobs)
    context.configure(embedded)
    try:
        order = make_order(session, "printed")
        add_robot(session, kind="dingtalk", name="hz-ding", key="dingtoken", secret="SECexample0123456789")
        session.commit()  # the savepoint: visible to the job thread on the same test connection
        body = json.dumps(
            {
                "id": "dlv_e2e",
                "type": "order.address_changed",
                "order_number": order.order_number,
                "address": {"name": "张三", "mobile": "13800001111", "detail": "文三路 500 号"},
            },
            ensure_ascii=False,
        ).encode()
        header = webhook_signature_header(["whsec_e2e"], int(clock.now().timestamp()), body)
        response = (
            create_app(runtime=embedded)
            .test_client()
            .post(
                "/api/v1/webhooks/crm/address-changed",
                data=body,
                headers={"X-Packline-Signature": header, "Content-Type": "application/json"},
            )
        )
        assert response.status_code == 200 and response.json["held"] is True
        assert jobs.drain(timeout=30)
        [message] = _messages(robot)
        assert order.order_number in message and "已拦截" in message and "Packline" in message
    finally:
        jobs.stop()
        context.reset()
        robot.stop()


def _messages(robot: SimulatorHandle) -> list[str]:
    return [m["payload"]["markdown"]["text"] for m in robot.app.messages if m["robot"] == "dingtalk"]
