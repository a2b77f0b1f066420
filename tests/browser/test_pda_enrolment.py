"""Registering a PDA (once) before badge login works on it: a lead signs in on the handheld, or the admin's
enrolment code is scanned; a revoked PDA goes back to the enrol screen. Against the fake API (what the page
sends and shows); the real server's side is in test_pda_real_server.py and tests/api."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.fake_pack_api import FAKE_PDA, FakePackApi
from tests.browser.helpers import new_context, open_pda, scan, shot, sounds

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_pda(chromium: Browser, fake_api: FakePackApi) -> Iterator[Page]:
    """A handheld that was never registered."""
    fake_api.reset()
    ctx = new_context(chromium, fake_api, enrolment=None)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    open_pda(page)
    yield page
    ctx.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def enrolment(page: Page) -> dict[str, str] | None:
    return page.evaluate("() => JSON.parse(localStorage.getItem('packline.pda.enrolment') ?? 'null')")  # type: ignore[no-any-return]


def test_a_lead_registers_the_pda_then_badges_work(fresh_pda: Page, fake_api: FakePackApi) -> None:
    page = fresh_pda
    expect(page.locator("#screen-enrol")).to_be_visible()
    expect(page.locator("#screen-enrol h1")).to_have_text("登记这台 PDA")
    expect(page.locator("#scan-label")).to_have_text("扫描登记码")
    shot(page, "enrol-01-unregistered")

    page.locator("#enrol-lead-btn").click()
    form = page.locator("#enrol-form")
    form.locator("input[name=username]").fill("lead.hz")
    form.locator("input[name=password]").fill("lead-pass-2026")
    shot(page, "enrol-02-lead-form")
    form.locator("button[type=submit]").click()

    expect(page.locator("#screen-login")).to_be_visible()
    device = enrolment(page)
    assert device is not None and device["warehouse"] == "HZ01" and device["device_id"].startswith("PDA-")
    expect(page.locator("#login-error")).to_have_text(
        f"本机已登记:{device['device_id']} · HZ01 仓。请扫描工牌登录。"
    )
    expect(page.locator("#login-error")).to_have_class("notice ok")
    expect(page.locator("#screen-login .device-id")).to_have_text(device["device_id"])
    shot(page, "enrol-03-registered")
    lead_login = fake_api.logins[-1]
    assert lead_login["username"] == "lead.hz" and lead_login["device_token"] is None

    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-stations")).to_be_visible()
    assert fake_api.logins[-1]["badge"] == "PK-HZ-001"
    assert fake_api.logins[-1]["device_token"] == device["token"]


def test_scanning_the_enrolment_code_registers_the_pda(fresh_pda: Page, fake_api: FakePackApi) -> None:
    page = fresh_pda
    scan(page, "PK-HZ-001")  # a badge is no enrolment code: said so, nothing sent as a login
    expect(page.locator("#enrol-error")).to_contain_text("这不是登记码")
    assert fake_api.logins == []
    scan(page, "pl_revoked-or-made-up")
    expect(page.locator("#enrol-error")).to_contain_text("登记码无效或已被撤销")
    scan(page, FAKE_PDA["token"])
    expect(page.locator("#screen-login")).to_be_visible()
    expect(page.locator("#login-error")).to_contain_text("PDA-FAKE01 · HZ01")
    assert enrolment(page) == FAKE_PDA


def test_a_revoked_pda_goes_back_to_the_enrol_screen(page: Page, fake_api: FakePackApi) -> None:
    expect(page.locator("#screen-login")).to_be_visible()
    expect(page.locator("#login-device-warehouse")).to_have_text("· 已登记 HZ01 仓")
    fake_api.revoke_pda()
    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-enrol")).to_be_visible()
    expect(page.locator("#enrol-error")).to_have_text("本机未登记或登记已被撤销,请组长重新登记本机")
    assert enrolment(page) is None
    assert sounds(page)[-1] == "error"
    shot(page, "enrol-04-revoked")


def test_password_login_works_on_an_unregistered_pda(fresh_pda: Page, fake_api: FakePackApi) -> None:
    page = fresh_pda
    page.locator("#enrol-password-btn").click()
    expect(page.locator("#screen-login")).to_be_visible()
    form = page.locator("#password-form")
    form.locator("input[name=username]").fill("packer.hz1")
    form.locator("input[name=password]").fill("packer-pass-2026")
    form.locator("button[type=submit]").click()
    expect(page.locator("#screen-stations")).to_be_visible()
    assert fake_api.logins[-1]["device_token"] is None


def test_the_enrol_screen_in_english(fresh_pda: Page) -> None:
    page = fresh_pda
    page.locator("#lang-btn").click()
    expect(page.locator("#screen-enrol h1")).to_have_text("Register this PDA")
    expect(page.locator("#enrol-lead-btn")).to_have_text("Lead: register this PDA")
    expect(page.locator("#scan-label")).to_have_text("Scan the enrolment code")
    shot(page, "enrol-05-english")


def test_a_pasted_enrolment_code_registers_the_pda(fresh_pda: Page) -> None:
    """The demo on a desktop: the printed code is pasted into the scan box (no scanner, no Enter)."""
    page = fresh_pda
    page.locator("#scanbox").focus()
    page.keyboard.insert_text(FAKE_PDA["token"])
    expect(page.locator("#screen-login")).to_be_visible()
    assert enrolment(page) == FAKE_PDA


def test_the_dock_of_an_unregistered_pda_points_to_registration(
    fresh_pda: Page, fake_api: FakePackApi
) -> None:
    page = fresh_pda
    open_pda(page, "/pda/dock")
    expect(page.locator("#dock-enrol")).to_be_visible()
    expect(page.locator("#dock-enrol a")).to_have_attribute("href", "/pda")
    scan(page, "PK-HZ-001")
    expect(page.locator("#login-error")).to_have_text("工牌登录只能在登记过的 PDA 上使用")
    assert fake_api.logins[-1]["device_token"] is None
    shot(page, "enrol-06-dock-unregistered")
