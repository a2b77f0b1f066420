"""The PDA installs and starts offline: manifest, icons, and a service worker that caches the app shell
(never API calls); plus the scanner diagnostics page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.fake_pack_api import FakePackApi
from tests.browser.helpers import login, new_context, open_pda, scan, shot

pytestmark = pytest.mark.browser


def test_service_worker_starts_the_pda_offline_with_its_queue(
    chromium: Browser, fake_api: FakePackApi
) -> None:
    fake_api.reset()
    context = new_context(chromium, fake_api, service_workers="allow")
    try:
        page = context.new_page()
        open_pda(page)
        page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active", timeout=15000)
        scope = page.evaluate("async () => (await navigator.serviceWorker.getRegistration('/pda')).scope")
        assert scope == f"{fake_api.url}/pda"
        open_pda(page)  # now controlled by the worker
        assert page.evaluate("() => !!navigator.serviceWorker.controller")
        login(page)
        scan(page, "SO1001")
        expect(page.locator(".order-no")).to_have_text("SO1001")

        context.set_offline(True)
        scan(page, "6901001")
        expect(page.locator("#queue-badge")).to_have_text("离线 1")
        open_pda(page)  # reload with no network at all: the shell comes from the cache
        expect(page.locator("#screen-pack")).to_be_visible()
        expect(page.locator("#step-prompt")).to_have_text("扫描商品")
        expect(page.locator("#queue-badge")).to_have_text("离线 1")
        cached = page.evaluate("async () => (await caches.keys()).length")
        assert cached == 1
        api_cached = page.evaluate(
            "async () => { const c = await caches.open((await caches.keys())[0]);"
            " return (await c.keys()).filter((r) => r.url.includes('/api/')).length; }"
        )
        assert api_cached == 0
        shot(page, "14-offline-start")

        context.set_offline(False)
        expect(page.locator("#queue-badge")).to_be_hidden()
        expect(page.locator('.line[data-sku="SKU-1001-BLK-M"] .scanned')).to_have_text("1")
        assert fake_api.processed_codes() == ["SO1001", "6901001"]
    finally:
        context.close()


def test_diagnostics_shows_each_burst_and_how_it_was_cut(page: Page) -> None:
    open_pda(page, "/pda/diagnostics")
    expect(page.locator("#scanbox")).to_be_focused()
    expect(page.locator("#silenceMs")).to_have_text("250")  # the test PDA's setting, see helpers
    scan(page, "ABC123", end="\r\n")
    first = page.locator(".burst").first
    expect(first).to_contain_text("结束符: 回车 + 回车")
    expect(first.locator(".cut-code")).to_have_text(["ABC123"])
    expect(first.locator(".segment.dropped")).to_contain_text("空段,已忽略")
    expect(first.locator(".keys tbody tr")).to_have_count(8)
    expect(first.locator(".keys tbody tr").first.locator("td").nth(2)).to_have_text("65")  # keyCode of A
    scan(page, "X11", end="")
    page.keyboard.press("Tab")  # a Tab key
    scan(page, "Y22\tZ33", end="")  # Playwright inserts this TAB as text: the IME-style wedge path
    newest = page.locator(".burst").first
    expect(newest.locator(".cut-code")).to_have_text(["X11", "Y22", "Z33"])
    expect(newest).to_contain_text("结束符: Tab + 文本内换行 + 静默")
    shot(page, "15-diagnostics")
    page.locator("[data-setting=silenceMs][data-delta='10']").click()
    expect(page.locator("#silenceMs")).to_have_text("260")
    assert page.evaluate("() => JSON.parse(localStorage.getItem('packline.scanner')).silenceMs") == 260
