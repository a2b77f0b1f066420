"""The CS desk (/cs) and KPI page (/kpi) in headless Chromium against the real app, served by werkzeug in a
thread on an ephemeral port over a PostgreSQL database of this module's own. Screenshots at 1440×900."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server import clock
from server.app import create_app
from server.config import Settings
from server.cs.models import DelayCoupon
from server.db import make_engine
from tests.browser.cs_kpi_seed import LATE_ORDER, PACKED_GIFT, UNPAID, seed_all
from tests.realtime.procs import drop_pg_database, prepare_database
from tests.support import DEMO_PASSWORDS

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


class Site:
    def __init__(self, url: str, base: str) -> None:
        self.db_url = url
        self.base = base


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    url = prepare_database("packline_cs_kpi")
    engine = make_engine(url)
    with Session(engine) as session:
        seed_all(session, clock.now())
        session.commit()
    app = create_app(Settings(database_url=url, login_rate_limit_per_minute=1000))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(url, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["packline"].engine.dispose()
        engine.dispose()
        drop_pg_database(url)


@pytest.fixture
def desk(chromium: Browser, site: Site) -> Iterator[Page]:
    context: BrowserContext = chromium.new_context(
        viewport=VIEWPORT, base_url=site.base, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _shot(page: Page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _login(page: Page, path: str, user: str) -> None:
    page.goto(path)
    expect(page.locator("body")).to_have_attribute("data-ready", "yes")
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("[name=username]", user)
    page.fill("[name=password]", DEMO_PASSWORDS[user])
    page.click("#login-form button[type=submit]")
    expect(page.locator("#app")).to_be_visible()


def _search(page: Page, text: str) -> None:
    page.fill("#q", text)
    page.press("#q", "Enter")


def test_cs_desk_lookup_gift_line_timeline_and_masking(desk: Page) -> None:
    desk.goto("/cs")
    expect(desk.locator("#login-form")).to_be_visible()
    _shot(desk, "cs-01-login")
    _login(desk, "/cs", "cs")
    assert desk.evaluate(
        "() => JSON.parse(sessionStorage.getItem('packline.desk.session')).token"
    ).startswith("pl_")
    desk.fill("#q", PACKED_GIFT.lower())
    expect(desk.locator("#detect")).to_have_text("识别为: 订单号")
    desk.press("#q", "Enter")
    card = desk.locator(f".answer[data-order={PACKED_GIFT}]")
    expect(card).to_be_visible()
    expect(desk.locator("#gift-line")).to_contain_text("赠品: 保温水杯 (已打包)")
    expect(card.locator(".status").first).to_have_text("已打包")
    expect(card).to_contain_text("中通快递")
    expect(card).to_contain_text("138****5678")
    expect(card).not_to_contain_text("1201")
    expect(desk.locator(".timeline .step")).to_have_count(
        6
    )  # paid, gift created, picking, printed, gift, packed
    expect(desk.locator(".timeline .step").first).to_contain_text("已打单 → 已打包")
    expect(card).to_contain_text("user:packer.hz1")  # the last operator
    expect(desk.locator(".latency")).to_contain_text("ms")
    _shot(desk, "cs-02-answer")
    desk.reload()  # the session survives a reload (sessionStorage)
    expect(desk.locator("#app")).to_be_visible()


def test_cs_desk_several_matches_then_pick_one(desk: Page) -> None:
    _login(desk, "/cs", "cs")
    desk.fill("#q", "6688 王芳")
    expect(desk.locator("#detect")).to_have_text("识别为: 手机尾号 + 姓名")
    desk.press("#q", "Enter")
    rows = desk.locator(".matches tbody tr")
    expect(rows).to_have_count(2)
    expect(desk.locator(".matches")).to_contain_text("王*")
    _shot(desk, "cs-03-matches")
    number = rows.first.get_attribute("data-order")
    rows.first.click()
    expect(desk.locator(f".answer[data-order={number}]")).to_be_visible()
    expect(desk.locator("#gift-line")).to_have_text("无赠品")


def test_cs_desk_coupon_button_and_english(desk: Page, site: Site) -> None:
    _login(desk, "/cs", "cs")
    _search(desk, LATE_ORDER)
    expect(desk.locator("#gift-line")).to_contain_text("赠品: 保温水杯 (待打包)")
    expect(desk.locator(".promise-late")).to_contain_text("已超时")
    desk.click("#coupon-button")
    expect(desk.locator(".coupon-issued")).to_contain_text("已发放 ¥5.00")
    _shot(desk, "cs-04-coupon")
    engine = make_engine(site.db_url)
    with Session(engine) as session:
        coupons = session.scalars(select(DelayCoupon)).all()
        assert [(c.amount, c.issued_by) for c in coupons] == [(5, "user:cs")]
    engine.dispose()
    desk.click("#app .lang-toggle")
    expect(desk.locator("#gift-line")).to_contain_text("Gift: 保温水杯 (to be packed)")
    expect(desk.locator(".coupon-issued")).to_contain_text("Issued ¥5.00")
    expect(desk.locator(".top h1")).to_contain_text("Customer service desk")
    expect(desk.locator(".timeline h2")).to_have_text("History")
    _shot(desk, "cs-05-english")
    _search(desk, "NO-SUCH-ORDER-1")
    expect(desk.locator(".not-found h2")).to_have_text("No matching order")
    desk.click("#app .lang-toggle")  # back to Chinese for the next tests (the choice is remembered)


def test_cs_desk_admin_sees_the_full_address_and_unpaid_order(desk: Page) -> None:
    _login(desk, "/cs", "admin")
    _search(desk, PACKED_GIFT)
    expect(desk.locator(".address")).to_contain_text("文三路478号5幢1201室")
    expect(desk.locator(".address")).to_contain_text("13812345678")
    _search(desk, UNPAID)
    expect(desk.locator(".answer .status").first).to_have_text("待付款")
    expect(desk.locator("#coupon")).to_contain_text("订单未超时")


def test_kpi_overview_charts_drill_down_and_csv(desk: Page) -> None:
    _login(desk, "/kpi", "admin")
    expect(desk.locator("#t-rate")).not_to_have_text("—")
    expect(desk.locator("#c-rate svg path.line")).not_to_have_count(0)
    expect(desk.locator("#c-volume svg rect.bar")).not_to_have_count(0)
    expect(desk.locator("#breakdown tbody tr")).not_to_have_count(0)
    expect(desk.locator("#status")).to_contain_text("实时计算")
    desk.wait_for_timeout(200)
    _shot(desk, "kpi-01-overview")
    _shot(desk, "kpi-01-overview-full", full_page=True)

    # The hand-computed day: 3 on time of 7 due (tests/integration/metrics/dataset.py).
    desk.fill("[name=start]", "2026-02-17")
    desk.fill("[name=end]", "2026-02-17")
    desk.click("#filters button[type=submit]")
    expect(desk.locator("#t-rate")).to_have_text("42.9%")
    expect(desk.locator("#t-due")).to_have_text("7")
    expect(desk.locator("#breakdown tbody tr[data-key=tmall] td").nth(1)).to_have_text("5")
    desk.select_option("[name=by]", "paid_hour")
    expect(desk.locator("#breakdown tbody tr")).to_have_count(7)  # hours 0 9 10 11 12 15 23
    with desk.expect_download() as download_info:
        desk.click("#export-days")
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == ["日期", "应发单量", "按时", "超时", "未到期"]
    assert rows[1][:4] == ["2026-02-17", "7", "3", "4"]
    with desk.expect_download() as download_info:
        desk.click("#export-breakdown")
    assert download_info.value.suggested_filename.startswith("packline-kpi-breakdown-2026-02-17")


def test_kpi_in_english_and_a_lead_sees_only_their_warehouse(desk: Page) -> None:
    _login(desk, "/kpi", "lead.sh")
    expect(desk.locator("[name=warehouse] option")).to_have_count(1)
    expect(desk.locator("#t-rate")).not_to_have_text("—")
    desk.click("#app .lang-toggle")
    expect(desk.locator(".top h1")).to_contain_text("Fulfilment KPIs")
    expect(desk.locator("#h-breakdown")).to_have_text("By channel")
    expect(desk.locator("#breakdown tbody")).to_contain_text("Tmall")
    desk.wait_for_timeout(200)
    _shot(desk, "kpi-02-english-lead")
    desk.click("#app .lang-toggle")
