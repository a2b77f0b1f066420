"""Helpers for the browser tests: a handheld-sized context, and driving the PDA like a wedge scanner."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.fake_pack_api import FAKE_PDA, FakePackApi

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 412, "height": 915}
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Playwright delivers each key over CDP; on a loaded CI box that leaves 30–60 ms gaps between keys and
# now and then a stall of 250 ms+, which a real wedge (1–10 ms apart) never does. So the test PDA
# starts like one that has been used before: it has learned that its scanner sends Enter (a pause
# inside a code never cuts it), and its silence cuts are longer than the 50 ms/300 ms defaults, which
# test_scanner_unit pins down with a fake clock.
TEST_SCANNER_SETTINGS = {"silenceMs": 250, "suffixWaitMs": 800}


def new_context(
    chromium: Browser, fake_api: FakePackApi, *, enrolment: dict[str, str] | None = FAKE_PDA, **options: Any
) -> BrowserContext:
    """`enrolment`: the PDA registration the device starts with (the fake API's PDA; None: not registered)."""
    options.setdefault("service_workers", "block")
    ctx = chromium.new_context(
        viewport=VIEWPORT,
        is_mobile=True,
        has_touch=True,
        base_url=fake_api.url,
        locale="zh-CN",
        **options,
    )
    settings = json.dumps(json.dumps(TEST_SCANNER_SETTINGS))
    enrol = (
        f" localStorage.setItem('packline.pda.enrolment', {json.dumps(json.dumps(enrolment))});"
        if enrolment
        else ""
    )
    ctx.add_init_script(
        "try { if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1');"
        f" localStorage.setItem('packline.scanner', {settings});{enrol}"
        " localStorage.setItem('packline.scanner.suffix', 'yes'); } } catch (e) {}"
    )
    return ctx


def open_pda(page: Page, path: str = "/pda") -> None:
    page.goto(path)
    expect(page.locator("body")).to_have_attribute("data-ready", "yes")


def scan(page: Page, text: str, end: str = "\n") -> None:
    """What a keyboard-wedge scanner does: type the code fast, then its terminator (maybe none)."""
    page.keyboard.type(text + end, delay=5)


def login(page: Page, station: str = "PK01") -> None:
    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-stations")).to_be_visible()
    expect(page.locator(f".station[data-code={station}]")).to_be_visible()
    scan(page, station)
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#step-prompt")).to_have_text("扫描订单号或运单号")


def line_count(page: Page, sku: str) -> Locator:
    return page.locator(f'.line[data-sku="{sku}"] .scanned')


def sounds(page: Page) -> list[str]:
    return page.evaluate("() => window.__pda.feedbackLog.map((e) => e.kind)")  # type: ignore[no-any-return]


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"pda-{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_until(condition: Callable[[], bool], timeout: float = 8.0, message: str = "") -> None:
    """Poll a condition on the Python side (what the fake server received)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met in time")
        time.sleep(0.02)
