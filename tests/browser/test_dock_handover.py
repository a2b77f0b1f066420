"""The dock (handover) screen of the PDA in headless Chromium against the real app, served by werkzeug in
a thread over a seeded PostgreSQL database of this module's own: badge login, courier choice, parcels
typed like a keyboard-wedge scanner, a refunded parcel on the red screen, close, manifest download.
Screenshots at 412×915 go to tests/browser/screenshots/dock-*.png."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server import clock
from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.orders.models import Order
from server.orders.transitions import apply_transition
from server.shipping.models import Interception
from server.shipping.waybills import ensure_package_waybill
from server.shipping.weighing import weigh
from tests.browser.helpers import CHROMIUM_ARGS, SCREENSHOTS, TEST_SCANNER_SETTINGS, VIEWPORT, scan
from tests.integration.shipping.conftest import MUG, POLICY, TSHIRT, pack, packages, worker_of
from tests.pda_devices import register_pda
from tests.realtime.procs import drop_pg_database, prepare_database
from tests.support import FakeCourier, make_order

pytestmark = pytest.mark.browser
assert CHROMIUM_ARGS == ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class Site:
    base: str
    db_url: str
    parcels: list[str]  # tracking numbers that may leave, in scan order
    refunded: str  # the tracking number of an order refunded after packing
    refunded_order: str
    split_order: str
    pda: dict[str, str]  # the dock PDA's registration (device token), seeded into its localStorage


def _seed(session: Session) -> tuple[list[str], str, str, str]:
    one, two = make_order(session, "printed"), make_order(session, "printed")
    split, refunded = make_order(session, "printed"), make_order(session, "printed")
    for order in (one, two, refunded):
        pack(session, order, [TSHIRT, TSHIRT, MUG])
    pack(session, split, [TSHIRT, TSHIRT], [MUG])
    second = packages(session, split)[1]
    tracking_2 = ensure_package_waybill(
        session, second.id, FakeCourier(), actor="test", now=clock.now()
    ).package.tracking_number
    for order, grams in ((one, 820), (split, 520)):
        weigh(
            session,
            packages(session, order)[0],
            grams,
            "scale",
            worker_of(session, "packer.hz1"),
            POLICY,
            now=clock.now(),
        )
    session.refresh(refunded)
    apply_transition(
        session,
        refunded,
        "refunded",
        actor="taobao",
        source_system="taobao",
        reason="TRADE_CLOSED",
        now=clock.now(),
    )
    parcels = [one.tracking_number, two.tracking_number, split.tracking_number, tracking_2]
    return parcels, refunded.tracking_number, refunded.order_number, split.order_number


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    url = prepare_database("packline_dock")
    engine = make_engine(url)
    with Session(engine) as session:
        parcels, refunded, refunded_order, split_order = _seed(session)
        pda = {
            "token": register_pda(session, "PDA-DOCK1", "HZ01"),
            "device_id": "PDA-DOCK1",
            "warehouse": "HZ01",
        }
        session.commit()
    app = create_app(Settings(database_url=url, login_rate_limit_per_minute=1000))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(
            f"http://127.0.0.1:{server.server_port}", url, parcels, refunded, refunded_order, split_order, pda
        )
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["packline"].engine.dispose()
        engine.dispose()
        drop_pg_database(url)


@pytest.fixture
def dock(chromium: Browser, site: Site) -> Iterator[Page]:
    context = chromium.new_context(
        viewport=VIEWPORT,
        is_mobile=True,
        has_touch=True,
        base_url=site.base,
        locale="zh-CN",
        service_workers="block",
        accept_downloads=True,
    )
    settings = json.dumps(json.dumps(TEST_SCANNER_SETTINGS))
    pda = json.dumps(json.dumps(site.pda))
    context.add_init_script(
        f"try {{ localStorage.setItem('packline.scanner', {settings}); localStorage.setItem('packline.scanner.suffix', 'yes');"
        f" localStorage.setItem('packline.pda.enrolment', {pda}); }} catch (e) {{}}"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the dock page: {errors}"


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _sounds(page: Page) -> list[str]:
    return page.evaluate("() => window.__dock.feedbackLog.map((e) => e.kind)")  # type: ignore[no-any-return]


def test_hand_over_a_courier_pickup_with_an_interception(dock: Page, site: Site) -> None:
    dock.goto("/pda/dock?station=DOCK1")
    expect(dock.locator("body")).to_have_attribute("data-ready", "yes")
    expect(dock.locator("#screen-login")).to_be_visible()
    expect(dock.locator("#scanbox")).to_be_focused()
    scan(dock, "PK-HZ-001")
    expect(dock.locator("#screen-couriers")).to_be_visible()
    expect(dock.locator("#who")).to_have_text("李打包")
    expect(dock.locator("#dock-chip")).to_have_text("DOCK1")
    zto = dock.locator('.courier[data-code="ZTO"]')
    expect(zto).to_contain_text("中通快递")
    expect(zto.locator(".courier-waiting")).to_have_text(
        "待交接 4 件"
    )  # the refunded order's parcel is not offered
    _shot(dock, "dock-01-couriers")

    zto.click()
    expect(dock.locator("#screen-batch")).to_be_visible()
    expect(dock.locator("#batch-courier")).to_have_text("中通快递 揽收")
    first, second, split_1, split_2 = site.parcels
    scan(dock, first)  # Enter
    expect(dock.locator("#count-scanned")).to_have_text("1")
    scan(dock, f" {second} ", end="\r\n")  # padded, CR+LF
    expect(dock.locator("#count-scanned")).to_have_text("2")
    scan(dock, f"{split_1}\t", end="")  # Tab terminator
    expect(dock.locator("#count-scanned")).to_have_text("3")
    scan(dock, first)  # the same parcel again: a duplicate, no red screen
    expect(dock.locator(f'#recent li[data-code="{first}"]').first).to_have_attribute(
        "data-result", "duplicate"
    )
    expect(dock.locator("#alarm")).to_be_hidden()
    expect(dock.locator("#count-scanned")).to_have_text("3")

    scan(dock, site.refunded)
    alarm = dock.locator("#alarm")
    expect(alarm).to_be_visible()
    expect(dock.locator("#alarm-title")).to_have_text("拦截!不要交给快递")
    expect(dock.locator("#alarm-message")).to_contain_text(f"拦截!订单 {site.refunded_order}(已退款)")
    expect(dock.locator("#alarm-code")).to_have_text("ORDER_ON_HOLD")
    expect(dock.locator("#count-intercepted")).to_have_text("1")
    assert _sounds(dock)[-1] == "error"
    _shot(dock, "dock-02-intercepted")

    scan(dock, split_2, end="")  # no terminator: cut by the silence; the scan also closes the red screen
    expect(alarm).to_be_hidden()
    expect(dock.locator("#count-scanned")).to_have_text("4")
    expect(dock.locator("#count-weight")).to_have_text("1.34")
    expect(dock.locator(".count.stop")).to_have_class("count stop has")
    assert _sounds(dock).count("success") >= 5
    _shot(dock, "dock-03-batch")

    dock.locator("#btn-close").click()
    expect(dock.locator("#dialog")).to_contain_text("共 4 件交给 ZTO")
    dock.locator('#dialog button[data-role="confirm"]').click()
    expect(dock.locator("#screen-closed")).to_be_visible()
    summary = dock.locator("#closed-summary")
    expect(summary).to_contain_text("已交接 4 件,3 个订单已发货")
    expect(summary).to_contain_text("本批次共拦截 1 件")
    with dock.expect_download() as download:
        dock.locator("#btn-csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as saved:
        text = saved.read()
    assert all(t in text for t in site.parcels) and site.refunded not in text
    _shot(dock, "dock-04-closed")
    with dock.expect_popup() as popup:
        dock.locator("#btn-pdf").click()
    assert popup.value.url.startswith("blob:")  # the manifest PDF, fetched with the PDA's token

    engine = make_engine(site.db_url)
    with Session(engine) as session:
        statuses = dict(session.execute(select(Order.order_number, Order.status)).all())
        stopped = session.scalars(select(Interception.tracking_number)).all()
    engine.dispose()
    assert statuses[site.split_order] == "shipped" and statuses[site.refunded_order] == "refunded"
    assert stopped == [site.refunded]


def test_the_dock_speaks_english_and_refuses_an_unknown_courier(dock: Page, site: Site) -> None:
    dock.goto("/pda/dock")
    expect(dock.locator("body")).to_have_attribute("data-ready", "yes")
    dock.locator("#lang-btn").click()
    expect(dock.locator("#scan-label")).to_have_text("Scan your badge")
    scan(dock, "PK-HZ-002")
    expect(dock.locator("#screen-couriers")).to_be_visible()
    expect(dock.locator("#screen-couriers h1")).to_have_text("Choose the courier")
    expect(dock.locator('.courier[data-code="ZTO"]')).to_be_visible()
    scan(dock, "NOPE")
    expect(dock.locator("#alarm")).to_be_visible()
    expect(dock.locator("#alarm-message")).to_have_text("Unknown courier NOPE")
    scan(dock, "zto")
    expect(dock.locator("#screen-batch")).to_be_visible()
    expect(dock.locator("#batch-courier")).to_have_text("ZTO Express pickup")
    _shot(dock, "dock-05-english")
