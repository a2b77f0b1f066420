"""Scans are never dropped or doubled: queued behind a slow request, kept in IndexedDB while the network
is down (also across a reload), replayed in order with their original client_scan_id."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.fake_pack_api import FakePackApi
from tests.browser.helpers import line_count, login, open_pda, scan, shot, sounds, wait_until

pytestmark = pytest.mark.browser

TEE = "SKU-1001-BLK-M"
MUG = "SKU-4001"


def outbox_ids(page: Page) -> list[str]:
    return page.evaluate("() => window.__pda.outbox.records().map((r) => r.body.client_scan_id)")  # type: ignore[no-any-return]


def test_scans_during_a_slow_request_are_queued_and_sent_in_order(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    fake_api.hold()  # the first request hangs in the server
    scan(page, "SO1001")
    scan(page, "6901001")
    scan(page, "6901001")
    scan(page, "6904001")
    # Read at once, sent one at a time: the packer sees what is waiting.
    pending = page.locator("#pending .pending-code")
    expect(pending).to_have_text(["SO1001", "6901001", "6901001", "6904001"])
    expect(page.locator("#queue-badge")).to_have_text("待发送 4")
    shot(page, "12-queued-behind-slow-request")
    wait_until(lambda: fake_api.in_flight == 1)
    assert fake_api.received == []  # the first is stuck, the others were not sent alongside
    fake_api.slow_seconds = 0.2
    fake_api.release()
    expect(line_count(page, MUG)).to_have_text("1")
    expect(line_count(page, TEE)).to_have_text("2")
    expect(page.locator("#pending")).to_be_hidden()
    expect(page.locator("#queue-badge")).to_be_hidden()
    assert fake_api.processed_codes() == ["SO1001", "6901001", "6901001", "6904001"]
    assert fake_api.max_in_flight == 1
    assert len({r.client_scan_id for r in fake_api.received}) == 4


def test_offline_scans_wait_in_indexeddb_and_replay_when_back_online(
    page: Page, context: BrowserContext, fake_api: FakePackApi
) -> None:
    login(page)
    scan(page, "SO1001")
    expect(line_count(page, TEE)).to_have_text("0")
    context.set_offline(True)
    scan(page, "6901001")
    scan(page, "6901001")
    scan(page, "6904001")
    badge = page.locator("#queue-badge")
    expect(badge).to_have_text("离线 3")
    expect(badge).to_have_attribute("data-state", "offline")
    # What the packer sees meanwhile: the codes waiting, and +N beside the lines they belong to.
    expect(page.locator("#pending .pending-code")).to_have_text(["6901001", "6901001", "6904001"])
    expect(page.locator(f'.line[data-sku="{TEE}"] .queued')).to_have_text("+2")
    assert "queued" in sounds(page)
    shot(page, "13-offline-3")
    queued = outbox_ids(page)
    assert len(queued) == 3
    assert fake_api.processed_codes() == ["SO1001"]

    context.set_offline(False)  # the 'online' event replays at once
    expect(badge).to_be_hidden()
    expect(line_count(page, TEE)).to_have_text("2")
    expect(line_count(page, MUG)).to_have_text("1")
    scans = fake_api.processed("scan")
    assert [r.code for r in scans] == ["SO1001", "6901001", "6901001", "6904001"]
    assert [r.client_scan_id for r in scans[1:]] == queued
    assert not [r for r in fake_api.received if r.duplicate]


def test_queue_survives_a_reload_while_the_server_is_unreachable(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")
    expect(line_count(page, TEE)).to_have_text("0")
    fake_api.set_fault("network")  # Wi-Fi says connected, the server is not reachable
    scan(page, "6901001")
    scan(page, "SO1001GIFT")
    expect(page.locator("#queue-badge")).to_have_text("离线 2")
    queued = outbox_ids(page)

    open_pda(page)  # reload: the pages still load, the API does not answer
    expect(page.locator("#screen-pack")).to_be_visible()
    expect(page.locator("#queue-badge")).to_have_text("离线 2")
    expect(page.locator(".order-no")).to_have_text("SO1001")  # last answer kept for this station
    assert outbox_ids(page) == queued
    scan(page, "6901001")
    expect(page.locator("#queue-badge")).to_have_text("离线 3")
    queued = outbox_ids(page)

    fake_api.set_fault(None)  # back: replayed by the retry timer, in order, with the original ids
    expect(page.locator("#queue-badge")).to_be_hidden(timeout=10000)
    expect(line_count(page, TEE)).to_have_text("2")
    expect(page.locator(".gift")).to_have_attribute("data-state", "done")
    scans = fake_api.processed("scan")
    assert [r.code for r in scans] == ["SO1001", "6901001", "SO1001GIFT", "6901001"]
    assert [r.client_scan_id for r in scans[1:]] == queued
    assert fake_api.refused >= 1
    assert outbox_ids(page) == []


def test_lost_answer_is_replayed_with_the_same_id_and_not_counted_twice(
    page: Page, fake_api: FakePackApi
) -> None:
    login(page)
    scan(page, "SO1001")
    expect(line_count(page, TEE)).to_have_text("0")
    fake_api.set_fault("drop_response", times=1)  # processed, then the connection dies
    scan(page, "6901001")
    expect(line_count(page, TEE)).to_have_text("1")
    wait_until(lambda: any(r.duplicate for r in fake_api.received))
    first, *replays = [r for r in fake_api.received if r.code == "6901001"]
    assert not first.duplicate and replays and all(r.duplicate for r in replays)
    assert {r.client_scan_id for r in replays} == {first.client_scan_id}
    scan(page, "6901001")
    expect(line_count(page, TEE)).to_have_text("2")
    assert fake_api.processed_codes() == ["SO1001", "6901001", "6901001"]


def test_expired_token_goes_back_to_login_and_keeps_the_queue(page: Page, fake_api: FakePackApi) -> None:
    login(page)
    scan(page, "SO1001")
    expect(line_count(page, TEE)).to_have_text("0")
    fake_api.expire_tokens()
    scan(page, "6901001")
    expect(page.locator("#screen-login")).to_be_visible()
    expect(page.locator("#login-error")).to_contain_text("登录已过期")
    assert len(outbox_ids(page)) == 1
    scan(page, "PK-HZ-001")
    expect(page.locator("#screen-stations")).to_be_visible()
    scan(page, "PK01")
    expect(line_count(page, TEE)).to_have_text("1")
    assert fake_api.processed_codes() == ["SO1001", "6901001"]


def test_server_errors_are_retried_and_refused_requests_are_loud_not_blocking(
    page: Page, fake_api: FakePackApi
) -> None:
    login(page)
    scan(page, "SO1001")
    expect(line_count(page, TEE)).to_have_text("0")
    fake_api.set_fault("http_500", times=1)  # a one-off 500: retried with the same id
    scan(page, "6901001")
    expect(line_count(page, TEE)).to_have_text("1")
    fake_api.set_fault("http_422", times=1)  # the server refuses this one: never retried
    scan(page, "6901001")
    expect(page.locator("#alarm-code")).to_have_text("INVALID_INPUT")
    expect(page.locator("#alarm-scanned")).to_contain_text("6901001")
    scan(page, "6904001")  # dismisses the red screen, and the queue was not blocked
    expect(line_count(page, MUG)).to_have_text("1")
    expect(line_count(page, TEE)).to_have_text("1")
    assert fake_api.processed_codes() == ["SO1001", "6901001", "6904001"]
    assert outbox_ids(page) == []
