"""The CRM simulator sends real signed HTTP deliveries to a real Packline server (werkzeug in a thread,
running create_app): retries after a 5xx, duplicates, a burst, a rotated secret and every misbehaviour."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server.app import create_app
from server.integrations.webhook_models import WebhookAudit
from server.orders.models import AddressVersion, Order
from server.runtime import Runtime
from simulators import crm
from simulators.base import SimulatorHandle
from tests.support import make_order

PATH = "/api/v1/webhooks/crm/address-changed"
OLD, NEW = "whsec_packline_old", "whsec_packline_new"


class Flaky:
    """WSGI middleware in front of Packline: answers 503 to the next `before` requests without passing
    them on (an overloaded node), or passes the next `after` on and then loses the answer (502)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.before = 0
        self.after = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.before:
            self.before -= 1
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))  # a server reads the request
            start_response("503 Service Unavailable", [("Content-Type", "text/html")])
            return [b"<html>busy</html>"]
        if self.after:
            self.after -= 1
            b"".join(self.app(environ, lambda *args, **kwargs: None))
            start_response("502 Bad Gateway", [("Content-Type", "text/html")])
            return [b"<html>bad gateway</html>"]
        return self.app(environ, start_response)


@pytest.fixture
def packline(runtime: Runtime) -> Iterator[tuple[str, Flaky]]:
    """Packline on a loopback port. One request at a time: the test's database connection is shared."""
    runtime.settings = runtime.settings.with_(webhook_secrets=(NEW, OLD))
    app = create_app(runtime=runtime)
    flaky = Flaky(app.wsgi_app)
    app.wsgi_app = flaky  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PATH}", flaky
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def crm_sim() -> Iterator[SimulatorHandle]:
    handle = crm.start(secrets=[NEW])
    handle.app.settings.update(retry_backoff_seconds=0.05)
    yield handle
    handle.stop()


@pytest.fixture
def order(session: Session) -> Order:
    return make_order(session, "picking", source="tmall", shop_code="tmall-01", external_id="4099000000000000001")


def send(sim: SimulatorHandle, url: str, order: Order, detail: str = "文三路 100 号", **command: Any) -> list[dict[str, Any]]:
    body = {
        "target_url": url,
        "order": {"platform": "taobao", "shop": order.shop.code, "platform_order_id": order.external_id},
        "address": {"name": "张三", "mobile": "13800001111", "province": "浙江省", "city": "杭州市",
                    "district": "西湖区", "detail": detail},
        **command,
    }
    reply = requests.post(f"{sim.url}/__sim/send", json=body, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()["deliveries"]  # type: ignore[no-any-return]


def last_answer(delivery: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    attempt = delivery["attempts"][-1]
    try:
        return attempt["status"], json.loads(attempt["body"])
    except ValueError:
        return attempt["status"], None


def address_versions(session: Session, order: Order) -> int:
    return len(session.scalars(select(AddressVersion).where(AddressVersion.order_id == order.id)).all())


def outcomes(session: Session) -> list[str]:
    return list(session.scalars(select(WebhookAudit.outcome).order_by(WebhookAudit.id)))


def test_signed_delivery_is_accepted_and_a_duplicate_is_answered_duplicate(packline, crm_sim, order, session) -> None:  # type: ignore[no-untyped-def]
    url, _ = packline
    first, second = send(crm_sim, url, order, duplicate=True)
    assert first["delivery_id"] == second["delivery_id"]
    status, answer = last_answer(first)
    assert status == 200 and answer is not None and answer["status"] == "accepted"
    assert last_answer(second) == (200, {"status": "duplicate", "delivery_id": first["delivery_id"]})
    assert address_versions(session, order) == 2
    assert outcomes(session) == ["accepted", "duplicate"]


def test_sender_retries_after_5xx_and_the_change_lands_once(packline, crm_sim, order, session) -> None:  # type: ignore[no-untyped-def]
    url, flaky = packline
    flaky.before = 2  # two 503s from an overloaded node: Packline never saw them
    [delivery] = send(crm_sim, url, order, detail="文三路 1 号")
    assert [a["status"] for a in delivery["attempts"]] == [503, 503, 200]
    assert len({a["t"] for a in delivery["attempts"]}) >= 1  # every attempt is signed afresh
    assert last_answer(delivery)[1]["status"] == "accepted"  # type: ignore[index]
    flaky.after = 1  # Packline processes it, the answer is lost on the way back: the retry is a duplicate
    [lost] = send(crm_sim, url, order, detail="文三路 2 号")
    assert [a["status"] for a in lost["attempts"]] == [502, 200]
    assert last_answer(lost)[1]["status"] == "duplicate"  # type: ignore[index]
    assert address_versions(session, order) == 3
    assert outcomes(session) == ["accepted", "accepted", "duplicate"]


def test_burst_of_deliveries(packline, crm_sim, order, session) -> None:  # type: ignore[no-untyped-def]
    url, _ = packline
    deliveries = send(crm_sim, url, order, detail="文三路 5 号", count=8)
    statuses = [last_answer(d)[1]["status"] for d in deliveries]  # type: ignore[index]
    assert statuses == ["accepted"] + ["unchanged"] * 7  # the same address eight times: one new version
    assert address_versions(session, order) == 2


def test_rotated_secret(packline, crm_sim, order, session, runtime) -> None:  # type: ignore[no-untyped-def]
    url, _ = packline
    # Receiver holds NEW and OLD (newest first): a sender still on the old secret gets through.
    [old_only] = send(crm_sim, url, order, detail="文三路 6 号", secrets=[OLD])
    assert last_answer(old_only)[0] == 200
    # The overlap is over: the receiver keeps only NEW; a sender signing with both still passes, one
    # still on OLD alone does not (and is not retried: 401 is final).
    runtime.settings = runtime.settings.with_(webhook_secrets=(NEW,))
    [both] = send(crm_sim, url, order, detail="文三路 7 号", secrets=[NEW, OLD])
    [stale_secret] = send(crm_sim, url, order, detail="文三路 8 号", secrets=[OLD])
    assert last_answer(both)[0] == 200
    assert [a["status"] for a in stale_secret["attempts"]] == [401]
    assert outcomes(session) == ["accepted", "accepted", "signature_mismatch"]


@pytest.mark.parametrize(
    ("flag", "status", "outcome"),
    [
        ("stale", 401, "stale"),
        ("tamper", 401, "signature_mismatch"),
        ("bad_signature", 401, "signature_mismatch"),
        ("no_header", 400, "malformed"),
        ("non_json", 400, "invalid_payload"),
    ],
)
def test_misbehaving_sender_is_refused_and_audited(packline, crm_sim, order, session, flag, status, outcome) -> None:  # type: ignore[no-untyped-def]
    url, _ = packline
    [delivery] = send(crm_sim, url, order, **{flag: True})
    assert [a["status"] for a in delivery["attempts"]] == [status]
    assert outcomes(session) == [outcome]
    assert address_versions(session, order) == 1
    audit = session.scalars(select(WebhookAudit)).one()
    assert audit.remote_addr == "127.0.0.1" and audit.delivery_id == delivery["delivery_id"]
