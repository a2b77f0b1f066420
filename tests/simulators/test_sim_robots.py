"""DingTalk and WeCom robot simulator: signatures, keywords, byte limits, per-minute limits, lockout."""

import time

import pytest
import requests

from server.integrations.signing import dingtalk_sign
from simulators import robots

SECRET = "SECexample0123456789"
MARKDOWN = {"msgtype": "markdown", "markdown": {"title": "Packline 告警", "text": "### 打单失败 3 单"}}
WECOM_KEY = "packline-wecom-key"


@pytest.fixture
def sim(start_sim):
    return start_sim(robots.start)


def ding(sim, message=MARKDOWN, *, token="dingtoken", timestamp_ms=None, secret=SECRET):
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    params = {"access_token": token, "timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)}
    return requests.post(f"{sim.url}/robot/send", params=params, json=message).json()


def wecom(sim, message, key=WECOM_KEY):
    return requests.post(f"{sim.url}/cgi-bin/webhook/send", params={"key": key}, json=message).json()


def test_dingtalk_accepts_signed_messages_and_lists_them(sim):
    assert ding(sim) == {"errcode": 0, "errmsg": "ok"}
    [message] = requests.get(f"{sim.url}/__sim/messages").json()["messages"]
    assert (message["robot"], message["msgtype"], message["payload"]) == ("dingtalk", "markdown", MARKDOWN)


def test_dingtalk_refusals(sim):
    old = int(time.time() * 1000) - 3601 * 1000
    assert ding(sim, secret="SECwrong")["errcode"] == 310000
    assert ding(sim, timestamp_ms=old)["errcode"] == 310000
    assert "timestamp" in ding(sim, timestamp_ms=old)["errmsg"]
    no_keyword = {"msgtype": "text", "text": {"content": "打单失败"}}
    assert ding(sim, no_keyword)["errmsg"].startswith("keywords not in content")
    assert ding(sim, token="other") == {"errcode": 300001, "errmsg": "token is not exist"}
    unsigned = requests.post(
        f"{sim.url}/robot/send", params={"access_token": "dingtoken"}, json=MARKDOWN
    ).json()
    assert unsigned["errcode"] == 310000
    assert requests.get(f"{sim.url}/__sim/messages").json()["messages"] == []


def test_dingtalk_skew_within_an_hour_is_fine(sim):
    assert ding(sim, timestamp_ms=int(time.time() * 1000) - 3500 * 1000)["errcode"] == 0


def test_dingtalk_21st_message_in_a_minute_locks_the_robot(sim):
    requests.post(f"{sim.url}/__sim/clock", json={"now": "2024-06-01T02:00:00Z", "frozen": True})
    stamp = 1717207200000
    assert [ding(sim, timestamp_ms=stamp)["errcode"] for _ in range(20)] == [0] * 20
    assert ding(sim, timestamp_ms=stamp) == {
        "errcode": 130101,
        "errmsg": "send too fast, exceed 20 times per minute",
    }
    requests.post(f"{sim.url}/__sim/clock", json={"advance_seconds": 120})
    assert ding(sim, timestamp_ms=stamp + 120_000)["errcode"] == 130101  # still inside the 10-minute lockout
    requests.post(f"{sim.url}/__sim/clock", json={"advance_seconds": 481})
    assert ding(sim, timestamp_ms=stamp + 601_000)["errcode"] == 0
    assert len(requests.get(f"{sim.url}/__sim/messages?robot=dingtalk").json()["messages"]) == 21


def test_lockout_seconds_are_configurable_in_real_time(start_sim):
    sim = start_sim(robots.start, lockout_seconds=0.3, per_minute=2)
    assert [ding(sim)["errcode"] for _ in range(3)] == [0, 0, 130101]
    assert ding(sim)["errcode"] == 130101
    time.sleep(0.35)
    assert [ding(sim)["errcode"] for _ in range(3)] == [0, 0, 130101]


def test_wecom_invalid_key(sim):
    assert wecom(sim, {"msgtype": "text", "text": {"content": "x"}}, key="nope")["errcode"] == 93000


@pytest.mark.parametrize(("msgtype", "limit"), [("text", 2048), ("markdown", 4096)])
def test_wecom_byte_limits_count_utf8_bytes(sim, msgtype, limit):
    exactly = "告" * (limit // 3) + "x" * (limit % 3)
    assert len(exactly.encode()) == limit
    assert wecom(sim, {"msgtype": msgtype, msgtype: {"content": exactly}})["errcode"] == 0
    over = wecom(sim, {"msgtype": msgtype, msgtype: {"content": exactly + "x"}})
    assert over["errcode"] != 0


def test_wecom_21st_message_in_a_minute_is_throttled_without_lockout(sim):
    requests.post(f"{sim.url}/__sim/clock", json={"now": "2024-06-01T02:00:00Z", "frozen": True})
    text = {"msgtype": "text", "text": {"content": "波次 W240601-07 拣货超时", "mentioned_list": ["@all"]}}
    assert [wecom(sim, text)["errcode"] for _ in range(21)] == [0] * 20 + [45009]
    requests.post(f"{sim.url}/__sim/clock", json={"advance_seconds": 61})
    assert wecom(sim, text)["errcode"] == 0


def test_malformed_fault_answers_a_non_json_page(sim):
    requests.post(f"{sim.url}/__sim/faults", json={"op": "dingtalk", "kind": "malformed"})
    answer = requests.post(f"{sim.url}/robot/send", params={"access_token": "dingtoken"}, json=MARKDOWN)
    assert answer.headers["Content-Type"].startswith("text/html")
    with pytest.raises(requests.JSONDecodeError):
        answer.json()
