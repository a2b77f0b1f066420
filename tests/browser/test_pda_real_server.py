"""The PDA page against the REAL Packline app (no fake API): create_app on a PostgreSQL database of this
module's own, served by werkzeug in a thread; Chromium drives /pda like a wedge scanner and the test
checks both what the packer sees and what the server stored (orders, gift sub-order, scan_events)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server import clock, models
from server.accounts.models import ApiToken
from server.accounts.services import revoke_device
from server.app import create_app
from server.config import Settings
from server.orders.models import GiftOrder, Order
from server.runtime import Runtime
from server.scanning.models import ScanEvent
from simulators.catalog import BY_SKU
from tests.browser.helpers import line_count, new_context, open_pda, scan, shot, wait_until
from tests.pda_devices import register_pda
from tests.support import (
    GIFT_AMOUNT,
    GIFT_PROMOTION,
    create_pg_database,
    drop_pg_database,
    make_order,
    seed_reference_data,
)

pytestmark = pytest.mark.browser

TEE = "SKU-1001-BLK-M"  # make_order's default lines: 2 × TEE, 1 × MUG
MUG = "SKU-4001"


@dataclass
class RealServer:
    url: str
    runtime: Runtime
    pda: dict[str, str]  # a PDA registered to HZ01: what the test handheld starts with

    def register_pda(self, name: str) -> dict[str, str]:
        with self.runtime.work() as work:
            return {"token": register_pda(work.session, name, "HZ01"), "device_id": name, "warehouse": "HZ01"}

    def new_gift_order(self) -> tuple[str, str]:
        """A committed, printed order bound to a gift promotion: (order number, tracking number)."""
        with self.runtime.work() as work:
            order = make_order(work.session, "printed", promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
            assert order.gift is not None and order.tracking_number
            return order.order_number, order.tracking_number

    def session(self) -> Session:
        return self.runtime.session_factory()


@pytest.fixture(scope="module")
def real_server() -> Iterator[RealServer]:
    try:
        url = create_pg_database("packline_pda_real")
    except Exception as exc:  # a missing database must fail loudly, never skip
        pytest.fail(f"PostgreSQL is required for the tests (run `make services`): {exc}")
    runtime = None
    server = None
    thread = None
    try:
        settings = Settings(database_url=url, login_rate_limit_per_minute=1000)
        runtime = Runtime.create(settings)
        models.Base.metadata.create_all(runtime.engine)
        with runtime.work() as work:
            seed_reference_data(work.session)
        pda = {"token": "", "device_id": "PDA-REAL01", "warehouse": "HZ01"}
        with runtime.work() as work:
            pda["token"] = register_pda(work.session, pda["device_id"], "HZ01")
        server = make_server("127.0.0.1", 0, create_app(runtime=runtime), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="pda-real-server", daemon=True)
        thread.start()
        yield RealServer(f"http://127.0.0.1:{server.server_port}", runtime, pda)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if runtime is not None:
            runtime.engine.dispose()
        drop_pg_database(url)


@pytest.fixture
def real_context(chromium: Browser, real_server: RealServer) -> Iterator[BrowserContext]:
    # new_context only needs `.url` of the server it points at.
    ctx = new_context(chromium, SimpleNamespace(url=real_server.url), enrolment=real_server.pda)  # type: ignore[arg-type]
    yield ctx
    ctx.close()


@pytest.fixture
def real_page(real_context: BrowserContext) -> Iterator[Page]:
    page = real_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    open_pda(page)
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


def login_packer(page: Page) -> None:
    """Badge login as packer.hz1 (demo badge PK-HZ-001), then station PK01 — both by scanning."""
    expect(page.locator("#screen-login")).to_be_visible()
    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-stations")).to_be_visible()
    expect(page.locator("#who")).to_have_text("李打包")
    expect(page.locator(".station[data-code=PK01]")).to_be_visible()
    scan(page, "PK01")
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#station-chip")).to_have_text("PK01")


def stored_events(srv: RealServer, order_number: str) -> list[ScanEvent]:
    with srv.session() as s:
        order_id = s.scalars(select(Order.id).where(Order.order_number == order_number)).one()
        return list(s.scalars(select(ScanEvent).where(ScanEvent.order_id == order_id).order_by(ScanEvent.id)))


def test_gift_order_packed_end_to_end_on_the_real_server(real_page: Page, real_server: RealServer) -> None:
    page = real_page
    number, tracking = real_server.new_gift_order()
    tee, mug = BY_SKU[TEE].barcode, BY_SKU[MUG].barcode
    login_packer(page)

    scan(page, number)
    expect(page.locator(".order-no")).to_have_text(number)
    expect(line_count(page, TEE)).to_have_text("0")
    expect(page.locator(".gift")).to_have_attribute("data-state", "pending")
    scan(page, tee)
    expect(line_count(page, TEE)).to_have_text("1")
    scan(page, tee)
    expect(line_count(page, TEE)).to_have_text("2")
    scan(page, mug)
    expect(line_count(page, MUG)).to_have_text("1")

    # Completing before the gift slip: the red screen names the gift number.
    scan(page, tracking)
    alarm = page.locator("#alarm")
    expect(alarm).to_be_visible()
    expect(page.locator("#alarm-code")).to_have_text("GIFT_REQUIRED")
    expect(page.locator("#alarm-message")).to_have_text(f"请先扫描赠品单 {number}GIFT 再完成")
    shot(page, "real-01-gift-required")

    scan(page, number + "GIFT")  # dismisses the red screen and is processed
    expect(alarm).to_be_hidden()
    expect(page.locator(".gift")).to_have_attribute("data-state", "done")
    scan(page, tracking)
    expect(page.locator("#step-prompt")).to_have_text("已完成 · 扫描下一单")
    shot(page, "real-02-packed")

    with real_server.session() as s:
        order = s.scalars(select(Order).where(Order.order_number == number)).one()
        gift = s.scalars(select(GiftOrder).where(GiftOrder.order_id == order.id)).one()
        assert (order.status, gift.status, gift.gift_number) == ("packed", "packed", number + "GIFT")
        assert order.packed_at is not None and gift.packed_at is not None
    events = stored_events(real_server, number)
    got = [(e.raw, e.result == "rejected", e.code) for e in events]
    assert [e.raw for e in events] == [number, tee, tee, mug, tracking, number + "GIFT", tracking], got
    rejected = [e for e in events if e.code == "GIFT_REQUIRED"]
    assert len(rejected) == 1 and rejected[0].raw == tracking, got
    assert all(e.code != "GIFT_REQUIRED" for e in events[5:]), got
    ids = [e.client_scan_id for e in events]
    assert None not in ids and len(ids) == len(set(ids)), ids
    assert {e.station_code for e in events} == {"PK01"} and {e.actor for e in events} == {"packer.hz1"}


def test_offline_scans_are_replayed_once_on_the_real_server(
    real_page: Page, real_context: BrowserContext, real_server: RealServer
) -> None:
    page = real_page
    number, _ = real_server.new_gift_order()
    tee, mug = BY_SKU[TEE].barcode, BY_SKU[MUG].barcode
    login_packer(page)
    scan(page, number)
    expect(line_count(page, TEE)).to_have_text("0")

    real_context.set_offline(True)
    scan(page, tee)
    scan(page, mug)
    badge = page.locator("#queue-badge")
    expect(badge).to_have_text("离线 2")
    expect(badge).to_have_attribute("data-state", "offline")
    expect(page.locator("#pending .pending-code")).to_have_text([tee, mug])
    shot(page, "real-03-offline-2")
    assert [e.raw for e in stored_events(real_server, number)] == [number]  # nothing reached the server

    real_context.set_offline(False)  # the 'online' event replays the queue
    expect(badge).to_be_hidden()
    expect(line_count(page, TEE)).to_have_text("1")
    expect(line_count(page, MUG)).to_have_text("1")
    wait_until(lambda: len(stored_events(real_server, number)) >= 3, message="replayed scans not stored")
    events = stored_events(real_server, number)
    assert [(e.raw, e.code) for e in events][1:] == [(tee, "ITEM_ACCEPTED"), (mug, "ITEM_ACCEPTED")], [
        (e.raw, e.code) for e in events
    ]
    ids = [e.client_scan_id for e in events]
    assert len(ids) == len(set(ids)) == 3


def test_a_lead_registers_a_new_pda_and_revoking_it_ends_the_session(
    chromium: Browser, real_server: RealServer
) -> None:
    ctx = new_context(chromium, SimpleNamespace(url=real_server.url), enrolment=None)  # type: ignore[arg-type]
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        open_pda(page)
        expect(page.locator("#screen-enrol")).to_be_visible()
        page.locator("#enrol-lead-btn").click()
        page.locator("#enrol-form input[name=username]").fill("lead.hz")
        page.locator("#enrol-form input[name=password]").fill("lead-pass-2026")
        page.locator("#enrol-form button[type=submit]").click()
        expect(page.locator("#screen-login")).to_be_visible()
        device_id = page.locator("#screen-login .device-id").inner_text()
        shot(page, "real-04-registered")

        scan(page, "PK-HZ-001")
        expect(page.locator("#screen-stations")).to_be_visible()
        with real_server.session() as s:
            tokens = {
                (t.kind, t.name): t
                for t in s.scalars(
                    select(ApiToken).where(ApiToken.device_id == device_id, ApiToken.revoked_at.is_(None))
                )
            }
            lead_sessions = s.scalars(
                select(ApiToken).where(ApiToken.name == "lead.hz", ApiToken.revoked_at.is_(None))
            ).all()
        assert set(tokens) == {("device", device_id), ("user", "packer.hz1")}, tokens
        assert lead_sessions == []  # the lead's own session was closed right after registering

        with real_server.runtime.work() as work:
            assert revoke_device(work.session, device_id, clock.now()) == 2
        page.locator(".station[data-code=PK01]").click()  # the next call finds the session dead
        expect(page.locator("#screen-login")).to_be_visible()
        expect(page.locator("#login-error")).to_contain_text("登录已过期")
        scan(page, "PK-HZ-001")
        expect(page.locator("#screen-enrol")).to_be_visible()
        expect(page.locator("#enrol-error")).to_contain_text("登记已被撤销")
        shot(page, "real-05-revoked")
        assert errors == [], errors
    finally:
        ctx.close()
