"""The lead's wall screen says so when the live feed breaks although its socket stays up: Redis (the
message queue between Packline processes) is killed, the badge turns to "实时推送中断" instead of going on
showing "实时连接" over figures that no longer move; when Redis is back, it returns to live by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.faults.own_services import OwnRedis
from tests.faults.packline_procs import packline_env, realtime_node
from tests.support import DEMO_PASSWORDS

pytestmark = pytest.mark.faults

SCREENSHOTS = Path(__file__).parent.parent / "browser" / "screenshots"


@pytest.fixture
def lead_site(packline_db: str) -> Iterator[tuple[str, OwnRedis]]:
    own_redis = OwnRedis().start()
    # Countdown snapshots every 2 s are the heartbeat: the screen calls the feed stale after 3 periods
    # (at least 10 s) without one.
    env = packline_env(packline_db, own_redis.url, countdown_interval_seconds=2, threshold_check_seconds=1)
    node = realtime_node(env).start()
    try:
        yield node.wait_ready().url, own_redis
    finally:
        node.stop()
        own_redis.close()


def test_lead_screen_shows_the_live_feed_interrupted_while_redis_is_down(
    chromium: Browser, lead_site: tuple[str, OwnRedis]
) -> None:
    url, own_redis = lead_site
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{url}/lead")
        page.fill("input[name=username]", "lead.hz")
        page.fill("input[name=password]", DEMO_PASSWORDS["lead.hz"])
        page.click("button[type=submit]")
        badge = page.locator("#conn")
        expect(badge).to_have_attribute("data-state", "connected", timeout=15000)

        own_redis.kill()
        expect(badge).to_have_attribute("data-state", "stale", timeout=30000)
        expect(badge).to_have_text("实时推送中断,数据可能过期")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lead-live-feed-interrupted.png"))

        own_redis.start()  # the realtime node's listener reconnects; the next snapshot arrives
        expect(badge).to_have_attribute("data-state", "connected", timeout=45000)
        expect(badge).to_have_text("实时连接")
    finally:
        context.close()
