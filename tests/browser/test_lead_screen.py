"""The lead's wall screen in headless Chromium against a real server process (embedded mode, PostgreSQL):
log in, see the board, watch it change without a reload when an order is packed elsewhere, acknowledge an
alert, switch to English. Screenshots at 1920×1080 go to tests/browser/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.alerts.services import raise_alert
from server.db import make_engine
from server.orders.transitions import apply_transition
from tests.realtime.procs import ServerProcess, drop_pg_database, prepare_database
from tests.support import DEMO_PASSWORDS, make_order, user_token

pytestmark = pytest.mark.browser

SCREENSHOTS = __import__("pathlib").Path(__file__).parent / "screenshots"
TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Site:
    server: ServerProcess
    engine: Engine
    to_pack: str
    alert_id: int


def _seed(session: Session) -> tuple[str, int]:
    now = clock.now()
    overdue = [
        make_order(session, status, ship_by=now - timedelta(minutes=minutes))
        for status, minutes in (
            ("printed", 187),
            ("picking", 95),
            ("printed", 48),
            ("picking", 12),
            ("picking", 3),
        )
    ]
    for minutes in (25, 70, 100):
        make_order(session, "paid", ship_by=now + timedelta(minutes=minutes))
    for hours in (5, 9, 20):
        make_order(session, "picking", ship_by=now + timedelta(hours=hours))
    stuck = make_order(session, "printed", ship_by=now + timedelta(hours=6))
    stuck.tracking_number = None
    stuck.printed_at = now - timedelta(hours=2, minutes=35)
    day_start, _ = clock.day_bounds(clock.local_day(now, TZ), TZ)
    for i in range(14):
        at = max(day_start, now - timedelta(minutes=17 + 23 * i))
        packer = "user:packer.hz1" if i % 3 else "user:packer.hz2"
        order = make_order(session, "printed", ship_by=now + timedelta(hours=10))
        apply_transition(session, order, "packed", actor=packer, source_system="pda", reason=None, now=at)
    alert = raise_alert(
        session,
        kind="no_tracking",
        severity="critical",
        warehouse_code="HZ01",
        order_id=stuck.id,
        dedupe_key=f"no_tracking:{stuck.id}",
        params={"minutes": 155},
        now=now - timedelta(minutes=5),
    ).alert
    session.flush()
    return overdue[0].order_number, alert.id


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    url = prepare_database("packline_lead_screen")
    engine = make_engine(url)
    with Session(engine) as session:
        to_pack, alert_id = _seed(session)
        session.commit()
    env = {
        "PACKLINE_DATABASE_URL": url,
        "PACKLINE_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
        "PACKLINE_COUNTDOWN_INTERVAL_SECONDS": "5",
        "PACKLINE_THRESHOLD_CHECK_SECONDS": "1",
    }
    server = ServerProcess("lead-screen", env, mode="threading")
    try:
        server.start()
        yield Site(server, engine, to_pack, alert_id)
    finally:
        server.stop()
        engine.dispose()
        drop_pg_database(url)


@pytest.fixture
def wall(chromium: Browser, site: Site) -> Iterator[Page]:
    context = chromium.new_context(
        viewport={"width": 1920, "height": 1080}, locale="zh-CN", base_url=site.server.url
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the lead screen: {errors}"


def _login(page: Page) -> None:
    page.goto("/lead")
    page.fill("input[name=username]", "lead.hz")
    page.fill("input[name=password]", DEMO_PASSWORDS["lead.hz"])
    page.click("button[type=submit]")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(page.locator("#overdue .row").first).to_be_visible()


def test_lead_screen_follows_an_order_packed_elsewhere(wall: Page, site: Site) -> None:
    _login(wall)
    expect(wall.locator("#overdue .row")).to_have_count(5)
    packed_total = wall.locator('.tile[data-status="packed"] .tile-total')
    before = int(packed_total.inner_text())
    first = wall.locator("#overdue .row").first
    expect(first).to_have_attribute("data-order", site.to_pack)
    expect(first.locator(".countdown")).to_have_attribute("data-band", "red")
    text_before = first.locator(".countdown").inner_text()
    expect(wall.locator("#notrack .row")).to_have_count(1)
    expect(wall.locator("#alerts .alert")).to_have_count(1)
    expect(wall.locator("#legend li")).to_have_count(2)
    expect(first.locator(".countdown")).not_to_have_text(text_before)  # it ticks, locally, every second

    with Session(site.engine) as session:
        token = user_token(session, "lead.hz")
        session.commit()
    r = requests.post(
        f"{site.server.url}/api/v1/orders/{site.to_pack}/transitions",
        json={"to": "packed"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text

    expect(wall.locator(f'#overdue .row[data-order="{site.to_pack}"]')).to_have_count(0)
    expect(wall.locator("#overdue .row")).to_have_count(4)
    expect(packed_total).to_have_text(str(before + 1))
    expect(wall.locator("#legend li")).to_have_count(3)  # the lead who packed it joins the chart
    SCREENSHOTS.mkdir(exist_ok=True)
    wall.screenshot(path=str(SCREENSHOTS / "lead_screen.png"))


def test_acknowledge_an_alert_and_switch_to_english(wall: Page, site: Site) -> None:
    _login(wall)
    alert = wall.locator(f'#alerts .alert[data-alert-id="{site.alert_id}"]')
    alert.locator("button.ack").click()
    expect(alert).to_have_class("alert sev-critical acked")
    wall.click("#lang")
    expect(wall.locator("h1 [data-i18n=title]")).to_have_text("Packing live board")
    expect(wall.locator("#conn")).to_have_text("Live")
    expect(wall.locator('.tile[data-status="picking"] .tile-label')).to_have_text("Picking")
    wall.screenshot(path=str(SCREENSHOTS / "lead_screen_en.png"))
    wall.reload()  # the session and the language survive a reload (sessionStorage)
    expect(wall.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(wall.locator("h1 [data-i18n=title]")).to_have_text("Packing live board")
