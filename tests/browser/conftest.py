"""Browser fixtures: one headless Chromium and one FAKE pack API per session, and a fresh context (a
412×915 handheld with empty storage) per test. Helpers live in helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.fake_pack_api import FakePackApi
from tests.browser.helpers import new_context, open_pda

expect.set_options(timeout=8000)


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakePackApi]:
    api = FakePackApi().start()
    yield api
    api.stop()


@pytest.fixture
def context(chromium: Browser, fake_api: FakePackApi) -> Iterator[BrowserContext]:
    fake_api.reset()
    ctx = new_context(chromium, fake_api)
    yield ctx
    ctx.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    item.stash.setdefault(_FAILED, False)
    if report.failed:
        item.stash[_FAILED] = True
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(request: pytest.FixtureRequest, context: BrowserContext, fake_api: FakePackApi) -> Iterator[Page]:
    """The PDA page, loaded and ready; fails the test on any uncaught JavaScript error and, when a test
    fails, prints what the fake server saw (the page's half of the story is in the assertion)."""
    page = context.new_page()
    errors: list[str] = []
    console: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    open_pda(page)
    yield page
    if request.node.stash.get(_FAILED, False):
        print("fake API logins:", [x.get("badge") or x.get("username") for x in fake_api.logins])
        print("fake API received:", [(r.path, r.code, r.duplicate) for r in fake_api.received])
        print("page console:", console[-20:])
    assert errors == [], f"JavaScript errors on the page: {errors}"
