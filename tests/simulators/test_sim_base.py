"""The common simulator machinery: journal, fault scripts, 5xx pages, timeouts, clock, config, reset."""

import time
from datetime import UTC, datetime

import pytest
import requests

from simulators import robots, taobao
from simulators.base import serve
from simulators.robots import RobotsSimulator

WECOM = "/cgi-bin/webhook/send?key=packline-wecom-key"
TEXT = {"msgtype": "text", "text": {"content": "Packline 测试"}}


@pytest.fixture
def sim(start_sim):
    return start_sim(robots.start)


def test_handle_exposes_url_port_and_health(sim):
    assert sim.url == f"http://127.0.0.1:{sim.port}"
    assert requests.get(f"{sim.url}/__sim/health").json() == {"name": "robots", "ok": True}


def test_requests_are_recorded_and_can_be_cleared(sim):
    requests.post(sim.url + WECOM, json=TEXT)
    entries = requests.get(f"{sim.url}/__sim/requests").json()["requests"]
    assert [(e["op"], e["path"], e["json"]) for e in entries] == [("wecom", "/cgi-bin/webhook/send", TEXT)]
    assert entries[0]["query"] == {"key": "packline-wecom-key"}
    assert requests.get(f"{sim.url}/__sim/requests?op=dingtalk").json()["requests"] == []
    requests.delete(f"{sim.url}/__sim/requests")
    assert requests.get(f"{sim.url}/__sim/requests").json()["requests"] == []


def test_unknown_fault_kind_is_refused(sim):
    answer = requests.post(f"{sim.url}/__sim/faults", json={"op": "*", "kind": "rate_limitt"})
    assert answer.status_code == 400
    assert "rate_limitt" in answer.json()["error"]


def test_fault_applies_to_the_next_n_matching_calls_only(sim):
    requests.post(f"{sim.url}/__sim/faults", json={"op": "wecom", "kind": "server_error", "times": 2})
    assert requests.get(f"{sim.url}/__sim/faults").json()["faults"][0]["times"] == 2
    statuses = [requests.post(sim.url + WECOM, json=TEXT).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]
    assert requests.get(f"{sim.url}/__sim/faults").json()["faults"] == []


def test_server_error_pages(sim):
    requests.post(
        f"{sim.url}/__sim/faults",
        json=[{"kind": "server_error"}, {"kind": "server_error", "status": 503, "body": "empty"}],
    )
    first = requests.post(sim.url + WECOM, json=TEXT)
    assert first.status_code == 502
    assert first.content == (
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    second = requests.post(sim.url + WECOM, json=TEXT)
    assert (second.status_code, second.content) == (503, b"")


def test_timeout_sleeps_past_the_read_timeout_then_calls_work_again(sim):
    requests.post(f"{sim.url}/__sim/faults", json={"op": "wecom", "kind": "timeout", "seconds": 0.6})
    with pytest.raises(requests.ReadTimeout):
        requests.post(sim.url + WECOM, json=TEXT, timeout=(1, 0.2))
    assert requests.post(sim.url + WECOM, json=TEXT, timeout=2).json() == {"errcode": 0, "errmsg": "ok"}


def test_timeout_defaults_to_the_configured_delay(sim):
    requests.post(f"{sim.url}/__sim/config", json={"timeout_seconds": 0.4})
    requests.post(f"{sim.url}/__sim/faults", json={"kind": "timeout"})
    started = time.monotonic()
    requests.post(sim.url + WECOM, json=TEXT, timeout=3)
    assert time.monotonic() - started >= 0.4


def test_default_timeout_is_three_seconds():
    assert RobotsSimulator().settings["timeout_seconds"] == 3.0


def test_config_refuses_unknown_settings(sim):
    answer = requests.post(f"{sim.url}/__sim/config", json={"timeout_secs": 1})
    assert answer.status_code == 400


def test_clock_can_be_set_frozen_advanced_and_reset(sim):
    clock = f"{sim.url}/__sim/clock"
    state = requests.post(clock, json={"now": "2024-06-01T01:00:00Z", "frozen": True}).json()
    assert (state["now"], state["frozen"]) == ("2024-06-01T01:00:00+00:00", True)
    assert requests.post(clock, json={"advance_seconds": 90}).json()["now"] == "2024-06-01T01:01:30+00:00"
    running = requests.post(clock, json={"now": "2024-06-01T01:00:00+00:00"}).json()
    assert running["frozen"] is False
    assert datetime.fromisoformat(running["now"]) >= datetime(2024, 6, 1, 1, tzinfo=UTC)
    real = requests.post(clock, json={"real": True}).json()
    assert abs(datetime.fromisoformat(real["now"]) - datetime.now(UTC)).total_seconds() < 5
    assert requests.post(clock, json={"now": "not a date"}).status_code == 400


def test_reset_forgets_requests_faults_and_state(sim):
    requests.post(sim.url + WECOM, json=TEXT)
    requests.post(f"{sim.url}/__sim/faults", json={"kind": "server_error"})
    requests.post(f"{sim.url}/__sim/reset")
    assert requests.get(f"{sim.url}/__sim/requests").json()["requests"] == []
    assert requests.get(f"{sim.url}/__sim/faults").json()["faults"] == []
    assert requests.get(f"{sim.url}/__sim/messages").json()["messages"] == []


def test_unknown_path_is_404(sim):
    assert requests.get(f"{sim.url}/nope").status_code == 404


def test_simulators_listen_on_loopback_only():
    with pytest.raises(ValueError):
        serve(RobotsSimulator(), 0, host="0.0.0.0")


def test_two_simulators_run_side_by_side(start_sim):
    first, second = start_sim(taobao.start), start_sim(taobao.start)
    assert first.port != second.port
    assert requests.get(f"{second.url}/__sim/health").ok


def test_bad_control_input_is_a_400_not_a_crash(start_sim):
    top = start_sim(taobao.start)
    answer = requests.post(f"{top.url}/__sim/orders/generate", json={"count": "many"})
    assert answer.status_code == 400 and "bad request" in answer.json()["error"]
    assert requests.post(f"{top.url}/__sim/faults", data=b"{not json").status_code == 400
