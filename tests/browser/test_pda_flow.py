"""The PDA page driven like a keyboard-wedge scanner against the FAKE pack API: login, station choice,
a whole pack with every terminator style, rejections on the red screen, buttons and dialogs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.fake_pack_api import FakePackApi
from tests.browser.helpers import VIEWPORT, line_count, login, open_pda, scan, shot, sounds, wait_until

pytestmark = pytest.mark.browser

TEE = "SKU-1001-BLK-M"
MUG = "SKU-4001"


def test_badge_login_and_station_remembered(page: Page, fake_api: FakePackApi) -> None:
    expect(page.locator("#screen-login")).to_be_visible()
    expect(page.locator("#scanbox")).to_be_focused()
    assert page.locator("#scanbox").get_attribute("inputmode") == "none"
    shot(page, "01-login")
    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-stations")).to_be_visible()
    expect(page.locator("#who")).to_have_text("李打包")
    assert fake_api.logins[-1]["badge"] == "PK-HZ-001" and fake_api.logins[-1]["device_id"].startswith("PDA-")
    expect(page.locator(".station[data-code=PK99] .station-printer")).to_contain_text("无打印机")
    page.locator(".station[data-code=PK02]").click()
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#station-chip")).to_have_text("PK02")

    # Reload: straight back to the scan screen of the same station.
    open_pda(page)
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#station-chip")).to_have_text("PK02")
    # Changing station: the last one is offered first.
    page.locator("#station-chip").click()
    expect(page.locator(".station").first).to_have_attribute("data-code", "PK02")
    expect(page.locator(".station.is-last")).to_contain_text("上次使用")
    shot(page, "02-stations")


def test_whole_pack_with_every_terminator_style(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")  # Enter
    expect(page.locator(".order-no")).to_have_text("SO1001")
    expect(page.locator("#step-prompt")).to_have_text("扫描商品")
    expect(line_count(page, TEE)).to_have_text("0")
    expect(page.locator(".gift")).to_have_attribute("data-state", "pending")
    shot(page, "03-order-open")
    scan(page, " 6901001 ", end="\r\n")  # CR+LF and padding: one scan, trimmed
    expect(line_count(page, TEE)).to_have_text("1")
    # Three codes in one burst (double CR, CR+LF): the second T-shirt, the mug, the gift.
    scan(page, "6901001\r\r6904001\r\nSO1001GIFT\t", end="")
    expect(page.locator(".gift")).to_have_attribute("data-state", "done")
    expect(line_count(page, TEE)).to_have_text("2")
    expect(page.locator(f'.line[data-sku="{TEE}"]')).to_have_class("line is-done")
    expect(line_count(page, MUG)).to_have_text("1")
    expect(page.locator("#step-prompt")).to_have_text("再扫一次订单号完成")
    scan(page, "SO1001", end="")  # no terminator at all: cut by the silence
    expect(page.locator("#step-prompt")).to_have_text("已完成 · 扫描下一单")
    shot(page, "04-done")

    assert fake_api.processed_codes() == ["SO1001", "6901001", "6901001", "6904001", "SO1001GIFT", "SO1001"]
    ids = [r.client_scan_id for r in fake_api.received]
    assert len(ids) == len(set(ids)) == 6
    assert not [r for r in fake_api.received if r.duplicate]
    assert fake_api.max_in_flight == 1
    assert "error" not in sounds(page) and sounds(page).count("success") >= 7


def test_rejection_fills_the_screen_until_the_next_scan(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")
    expect(line_count(page, TEE)).to_have_text("0")
    scan(page, "BAD-CODE-9")
    alarm = page.locator("#alarm")
    expect(alarm).to_be_visible()
    expect(page.locator("#alarm-message")).to_have_text("条码不属于此订单")
    expect(page.locator("#alarm-code")).to_have_text("UNKNOWN_BARCODE")
    expect(page.locator("#alarm-scanned")).to_contain_text("BAD-CODE-9")
    box = alarm.bounding_box()
    assert box == {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": VIEWPORT["height"]}
    assert page.evaluate("() => document.elementFromPoint(206, 60).closest('#alarm') !== null")
    ok_box = page.locator("#alarm-ok").bounding_box()
    assert ok_box and ok_box["height"] >= 48 and ok_box["width"] >= 300
    assert sounds(page)[-1] == "error"
    shot(page, "05-red-screen")

    # A scan while the red screen is up dismisses it AND is processed.
    scan(page, "6901001")
    expect(alarm).to_be_hidden()
    expect(line_count(page, TEE)).to_have_text("1")
    assert fake_api.processed_codes() == ["SO1001", "BAD-CODE-9", "6901001"]

    # Too many of an item: red again; the big OK button dismisses it and the scan box keeps focus.
    scan(page, "6901001")
    scan(page, "6901001")
    expect(page.locator("#alarm-code")).to_have_text("TOO_MANY")
    page.locator("#alarm-ok").tap()
    expect(alarm).to_be_hidden()
    expect(page.locator("#scanbox")).to_be_focused()
    expect(line_count(page, TEE)).to_have_text("2")


def test_english_switch_and_accept_language(page: Page, fake_api: FakePackApi) -> None:
    page.locator("#lang-btn").click()
    expect(page.locator("#screen-login h1")).to_have_text("Scan your badge")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    login_en(page)
    scan(page, "SO1001")
    expect(page.locator("#step-prompt")).to_have_text("Scan the items")
    expect(page.locator("#pack-message")).to_have_text("Order SO1001 opened")
    scan(page, "NOPE-1")
    expect(page.locator("#alarm-message")).to_have_text("This barcode is not in the order")
    expect(page.locator("#alarm-ok")).to_have_text("OK")
    assert {r.accept_language for r in fake_api.received} == {"en"}
    shot(page, "06-english-red")
    # The choice survives a reload.
    open_pda(page)
    expect(page.locator("#step-prompt")).to_have_text("Scan the items")


def login_en(page: Page) -> None:
    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-stations")).to_be_visible()
    expect(page.locator("#screen-stations h1")).to_have_text("Choose your station")
    scan(page, "PK01")
    expect(page.locator("#screen-pack")).to_be_visible()


def test_password_login(page: Page) -> None:
    page.locator("#show-password").click()
    page.locator("#password-form input[name=username]").fill("packer.hz1")
    page.locator("#password-form input[name=password]").fill("packer-pass-2026")
    # Typing in the form keeps its focus (the scan box does not steal it).
    expect(page.locator("#password-form input[name=password]")).to_be_focused()
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#screen-stations")).to_be_visible()
    # Logging out asks first and comes back to the badge screen without an "expired" notice.
    page.locator("#logout-btn").click()
    page.locator("#dialog [data-role=confirm]").click()
    expect(page.locator("#screen-login")).to_be_visible()
    expect(page.locator("#login-error")).to_be_hidden()
    expect(page.locator("#scanbox")).to_be_focused()


def test_station_scanned_right_after_the_badge_is_not_taken_for_a_badge(
    page: Page, fake_api: FakePackApi
) -> None:
    scan(page, "PK-HZ-001")
    scan(page, "PK04")  # before the login answer arrives
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#station-chip")).to_have_text("PK04")
    assert [x["badge"] for x in fake_api.logins] == ["PK-HZ-001"]


def test_unknown_badge_is_loud(page: Page) -> None:
    scan(page, "NOT-A-BADGE")
    expect(page.locator("#alarm")).to_be_visible()
    expect(page.locator("#alarm-code")).to_have_text("WRONG_CREDENTIALS")
    scan(page, "PK-HZ-001")
    expect(page.locator("#alarm")).to_be_hidden()
    expect(page.locator("#screen-stations")).to_be_visible()


def test_station_without_printer_warns_loudly(page: Page) -> None:
    scan(page, "PK-HZ-001")
    expect(page.locator(".station[data-code=PK99]")).to_be_visible()
    scan(page, "PK99")
    dialog = page.locator("#dialog .dialog-box")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("没有打印机")
    assert sounds(page)[-1] == "warning"
    shot(page, "07-no-printer-dialog")
    page.locator("#dialog [data-role=confirm]").click()
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#no-printer")).to_be_visible()
    expect(page.locator("#station-chip")).to_have_class("chip warn")
    shot(page, "08-no-printer-pack")


def test_holds_address_change_and_countdown_colours(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "7310000002")  # the held order, by tracking number
    expect(page.locator("#alarm-code")).to_have_text("ORDER_ON_HOLD")
    page.locator("#alarm-ok").click()
    expect(page.locator(".holds")).to_be_visible()
    expect(page.locator(".holds")).to_contain_text("买家申请退款")
    shot(page, "09-hold")

    scan(page, "SO1003")  # overdue, address changed
    expect(page.locator(".address-changed")).to_be_visible()
    expect(page.locator(".countdown")).to_have_class("countdown overdue")
    expect(page.locator(".countdown")).to_contain_text("超时 0:12:")
    assert sounds(page)[-1] == "warning"
    shot(page, "10-overdue-address")

    # Abandon asks first; then the next order (1 h 20 min left) shows a yellow countdown.
    page.locator("#btn-abandon").click()
    expect(page.locator("#dialog")).to_be_visible()
    page.locator("#dialog [data-role=confirm]").click()
    expect(page.locator("#pack-message")).to_have_text("已放弃 SO1003")
    scan(page, "SO1004")
    expect(page.locator(".countdown")).to_have_class("countdown soon")
    expect(page.locator(".countdown")).to_contain_text("剩 1:19:")
    assert [r.path for r in fake_api.received] == ["scan", "scan", "abandon", "scan"]


def test_undo_complete_and_gift_override(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")
    scan(page, "6901001")
    expect(line_count(page, TEE)).to_have_text("1")
    page.locator("#btn-undo").click()
    expect(line_count(page, TEE)).to_have_text("0")
    scan(page, "6901001\n6901001\n6904001")
    expect(page.locator("#step-prompt")).to_have_text("扫描赠品")
    expect(page.locator(".gift.is-pending")).to_be_visible()

    # Completing without the gift is refused.
    page.locator("#btn-complete").click()
    expect(page.locator("#alarm-code")).to_have_text("GIFT_REQUIRED")
    page.locator("#alarm-ok").click()

    # Override: the lead scans a badge (a packer's is refused by the server), picks a reason.
    page.locator("#btn-override").click()
    expect(page.locator(".override-badge")).to_have_text("请组长扫描工牌")
    expect(page.locator("#dialog [data-role=submit]")).to_be_disabled()
    scan(page, "LEAD-HZ-001")
    expect(page.locator(".override-badge")).to_contain_text("已扫描组长工牌")
    page.locator("[data-reason='override.reason.out_of_stock']").click()
    shot(page, "11-override-dialog")
    page.locator("#dialog [data-role=submit]").click()
    expect(page.locator("#dialog")).to_be_hidden()
    expect(page.locator(".gift")).to_have_attribute("data-state", "overridden")
    expect(page.locator("#step-prompt")).to_have_text("再扫一次订单号完成")
    page.locator("#btn-complete").click()
    expect(page.locator("#step-prompt")).to_have_text("已完成 · 扫描下一单")

    override = fake_api.processed("gift-override")[0].body
    assert override["lead_badge"] == "LEAD-HZ-001" and override["reason"] == "赠品缺货"
    assert [r.path for r in fake_api.received] == ["scan"] * 2 + ["undo"] + ["scan"] * 3 + [
        "complete",
        "gift-override",
        "complete",
    ]
    assert len({r.client_scan_id for r in fake_api.received}) == len(fake_api.received)
    # Every button is a big touch target.
    for button in page.locator(".actions .btn:visible").all():
        box = button.bounding_box()
        assert box and box["height"] >= 48 and box["width"] >= 48


def test_focus_comes_back_after_dialogs_and_taps(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")
    page.locator("#btn-abandon").click()
    page.locator("#dialog [data-role=cancel]").click()
    expect(page.locator("#scanbox")).to_be_focused()
    # A button keeps focus somehow: the wedge's keys still become a scan and do not "click" it.
    page.locator("#btn-abandon").evaluate("(b) => b.focus()")
    scan(page, "6901001")
    expect(line_count(page, TEE)).to_have_text("1")
    expect(page.locator("#dialog")).to_be_hidden()
    # Hidden and shown again (the PDA screen went off): still focused.
    page.evaluate(
        "() => { document.activeElement.blur(); document.dispatchEvent(new Event('visibilitychange')); }"
    )
    expect(page.locator("#scanbox")).to_be_focused()
    assert fake_api.processed_codes() == ["SO1001", "6901001"]


def test_realtime_events_on_the_bus_refresh_the_state(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")
    expect(page.locator(".order-no")).to_have_text("SO1001")
    before = fake_api.state_requests
    emit = "([t, p]) => window.__pda.bus.emit(t, p)"
    page.evaluate(emit, ["realtime:order_updated", {"order_number": "SO1001", "v": 5}])
    wait_until(lambda: fake_api.state_requests == before + 1)
    page.evaluate(emit, ["realtime:order_updated", {"order_number": "SO1001", "v": 4}])  # stale: ignored
    page.evaluate(emit, ["realtime:order_updated", {"order_number": "SO9999", "v": 9}])  # not ours
    page.evaluate(emit, ["realtime:connected", {}])  # a reconnect always re-fetches
    wait_until(lambda: fake_api.state_requests == before + 2)
    page.wait_for_timeout(200)
    assert fake_api.state_requests == before + 2
    page.evaluate(emit, ["realtime:alert_raised", {"id": "a1", "v": 1, "message": "SO1003 即将超时"}])
    expect(page.locator("#pack-message")).to_have_text("SO1003 即将超时")
