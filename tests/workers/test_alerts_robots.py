"""Robot digests against the DingTalk/WeCom simulator over real HTTP: one markdown message per robot per
interval, signed DingTalk URLs, WeCom byte limits, throttles retried later without losing an alert, a
possibly-delivered message never posted twice, and no credential in any log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select

from server import clock
from server.alerts.models import RobotDelivery, RobotDigest, RobotTarget
from server.alerts.services import raise_alert
from server.runtime import Runtime
from simulators import robots
from simulators.base import SimulatorHandle
from tests.integration.alerts.conftest import add_robot
from workers import context
from workers.jobs.alerts import plan_robot_digests, send_robot_digest

DING_TOKEN, DING_SECRET = "dingtoken", "SECexample0123456789"
WECOM_KEY = "packline-wecom-key"


@pytest.fixture(scope="module")
def robot_sim() -> Iterator[SimulatorHandle]:
    handle = robots.start(timeout_seconds=0.5)
    yield handle
    handle.stop()


@pytest.fixture
def sim(robot_sim: SimulatorHandle) -> SimulatorHandle:
    app = robot_sim.app
    with app.lock:
        app.journal.clear()
        app.faults.clear()
        app.reset_state()
        app.clock.reset()
        app.settings["per_minute"] = 20
    return robot_sim


class Clock:
    """Moves Packline's clock and the simulator's together (DingTalk checks the signed timestamp)."""

    def __init__(self, sim: SimulatorHandle) -> None:
        self.sim = sim
        self.offset = timedelta()

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
        self.sim.app.clock.advance(seconds)


_real_now = clock.now


@pytest.fixture
def moving_clock(sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(sim)
    monkeypatch.setattr(clock, "now", lambda: _real_now() + fake.offset)
    return fake


@pytest.fixture
def rt(runtime: Runtime, sim: SimulatorHandle) -> Iterator[Runtime]:
    settings = runtime.settings.with_(
        dingtalk_base_url=sim.url,
        wecom_base_url=sim.url,
        http_read_timeout_ms=500,
        robot_digest_interval_seconds=60,
    )
    worker_rt = Runtime(settings, runtime.engine, runtime.session_factory, runtime.publisher, runtime.jobs)
    context.configure(worker_rt)
    yield worker_rt
    context.reset()


def _robots(rt: Runtime, **dingtalk: Any) -> tuple[int, int]:
    with rt.work() as work:
        ding = add_robot(
            work.session, kind="dingtalk", name="hz-ding", key=DING_TOKEN, secret=DING_SECRET, **dingtalk
        )
        wecom = add_robot(work.session, kind="wecom", name="hz-wecom", key=WECOM_KEY)
        return ding.id, wecom.id


def _alerts(
    rt: Runtime, count: int, *, warehouse: str | None = "HZ01", prefix: str = "a", **extra: Any
) -> None:
    with rt.work() as work:
        for n in range(count):
            raise_alert(
                work.session,
                kind=extra.get("kind", "pack_exception"),
                severity=extra.get("severity", "warning"),
                warehouse_code=warehouse,
                order_id=None,
                dedupe_key=f"{prefix}:{n}",
                params={
                    "order_number": f"DAB20260217{n:05d}",
                    "station": "PK01",
                    "reason": extra.get("reason", "少件"),
                },
                now=clock.now(),
            )


def _messages(sim: SimulatorHandle, robot: str) -> list[dict[str, Any]]:
    return [m for m in sim.app.messages if m["robot"] == robot]


def _text(message: dict[str, Any]) -> str:
    body = message["payload"]["markdown"]
    return str(body.get("text") or body.get("content"))


def _fault(sim: SimulatorHandle, **spec: Any) -> None:
    assert requests.post(f"{sim.url}/__sim/faults", json=spec, timeout=5).status_code == 200


def test_many_alerts_make_one_message_per_robot(
    rt: Runtime, sim: SimulatorHandle, moving_clock: Clock
) -> None:
    _robots(rt)
    _alerts(rt, 30)
    _alerts(rt, 1, warehouse=None, prefix="global", kind="sync_failing", severity="critical")
    _alerts(rt, 1, warehouse="SH01", prefix="sh")
    result = send_robot_digest("HZ01")
    assert sorted(result["digests"].values()) == ["sent", "sent"]
    [ding] = _messages(sim, "dingtalk")
    [wecom] = _messages(sim, "wecom")
    text = _text(ding)
    assert ding["payload"]["markdown"]["title"] == "Packline 告警 31 条"
    assert "DAB2026021700029" in text and "同步异常" in text and text.index("严重") < text.index("警告")
    assert "杭州一号仓" in text and _text(wecom).startswith("### Packline 告警 31 条")
    # Within the interval nothing goes out; after it, there is nothing left to send.
    assert send_robot_digest("HZ01")["digests"] == {}
    moving_clock.advance(61)
    assert send_robot_digest("HZ01")["digests"] == {}
    # A new alert goes out alone in the next interval.
    _alerts(rt, 1, prefix="late", reason="条码不符")
    moving_clock.advance(61)
    send_robot_digest("HZ01")
    assert len(_messages(sim, "dingtalk")) == 2
    assert "条码不符" in _text(_messages(sim, "dingtalk")[1]) and "31 条" not in _text(
        _messages(sim, "dingtalk")[1]
    )


def test_severity_filter_and_robots_of_other_warehouses(rt: Runtime, sim: SimulatorHandle) -> None:
    with rt.work() as work:
        add_robot(work.session, "SH01", kind="wecom", name="sh-wecom", key=WECOM_KEY, min_severity="critical")
    _alerts(rt, 3, warehouse="SH01")  # warnings: below this robot's threshold
    assert send_robot_digest("SH01")["digests"] == {}
    _alerts(rt, 1, warehouse="SH01", prefix="crit", severity="critical")
    send_robot_digest("SH01")
    [message] = _messages(sim, "wecom")
    assert "1 条" in _text(message) and "上海二号仓" in _text(message)


def test_dingtalk_throttle_keeps_every_alert_for_later(
    rt: Runtime, sim: SimulatorHandle, moving_clock: Clock
) -> None:
    ding_id, _ = _robots(rt)
    _alerts(rt, 5)
    sim.app.settings["per_minute"] = 0  # DingTalk answers 130101 and locks itself for 10 min; WeCom 45009
    statuses = send_robot_digest("HZ01")["digests"]
    assert sorted(statuses.values()) == ["throttled", "throttled"]
    with rt.read() as session:
        target = session.get(RobotTarget, ding_id)
        assert target.last_outcome == "throttled"
        assert target.next_send_at >= clock.now() + timedelta(minutes=9)
        assert session.scalars(select(RobotDelivery).where(RobotDelivery.target_id == ding_id)).all() == []
    sim.app.settings["per_minute"] = 20
    moving_clock.advance(120)
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["sent"]  # WeCom; DingTalk still rests
    assert _messages(sim, "dingtalk") == []
    moving_clock.advance(600)
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["sent"]
    [ding] = _messages(sim, "dingtalk")
    assert all(f"DAB2026021700{n:03d}" in _text(ding) for n in range(5))


def test_wecom_throttle_45009_is_retried_after_a_minute(
    rt: Runtime, sim: SimulatorHandle, moving_clock: Clock
) -> None:
    with rt.work() as work:
        add_robot(work.session, kind="wecom", name="hz-wecom", key=WECOM_KEY)
    _alerts(rt, 2)
    sim.app.settings["per_minute"] = 0
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["throttled"]
    sim.app.settings["per_minute"] = 20
    moving_clock.advance(61)
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["sent"]
    assert len(_messages(sim, "wecom")) == 1


@pytest.mark.parametrize("fault", [{"kind": "malformed"}, {"kind": "timeout_after", "seconds": 1.5}])
def test_a_possibly_delivered_digest_is_never_posted_again(
    rt: Runtime, sim: SimulatorHandle, moving_clock: Clock, fault: dict[str, Any]
) -> None:
    with rt.work() as work:
        add_robot(work.session, kind="dingtalk", name="hz-ding", key=DING_TOKEN, secret=DING_SECRET)
    _alerts(rt, 3)
    _fault(sim, op="dingtalk", **fault)  # the robot posts the message, then the answer is garbage / late
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["unknown"]
    for _ in range(3):
        moving_clock.advance(700)
        send_robot_digest("HZ01")
    assert len(_messages(sim, "dingtalk")) == 1
    with rt.read() as session:
        assert [d.status for d in session.scalars(select(RobotDigest))] == ["unknown"]


def test_server_error_and_bad_signature_are_sent_again_later(
    rt: Runtime, sim: SimulatorHandle, moving_clock: Clock
) -> None:
    ding_id, _ = _robots(rt)
    _alerts(rt, 2)
    _fault(sim, op="dingtalk", kind="server_error", status=502)
    assert sorted(send_robot_digest("HZ01")["digests"].values()) == ["failed", "sent"]
    with rt.work() as work:  # the operator pasted a wrong secret: 310000
        work.session.get(RobotTarget, ding_id).secret = "SECwrong"
    moving_clock.advance(61)
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["failed"]
    with rt.work() as work:
        work.session.get(RobotTarget, ding_id).secret = DING_SECRET
    moving_clock.advance(601)
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["sent"]
    [ding] = _messages(sim, "dingtalk")
    assert "DAB2026021700000" in _text(ding) and "DAB2026021700001" in _text(ding)


def test_wecom_digest_is_cut_by_utf8_bytes(rt: Runtime, sim: SimulatorHandle) -> None:
    with rt.work() as work:
        add_robot(work.session, kind="wecom", name="hz-wecom", key=WECOM_KEY)
    _alerts(rt, 120, reason="打包台扫描到的商品与订单不符,请组长到场核对并重新拣货" * 2)
    assert list(send_robot_digest("HZ01")["digests"].values()) == ["sent"]  # over 4096 bytes → 40058
    [message] = _messages(sim, "wecom")
    content = _text(message)
    assert len(content.encode()) <= 4096
    assert "另有" in content and "请在看板查看" in content
    with rt.read() as session:
        assert session.scalars(select(RobotDigest.alert_count)).one() == 120


def test_credentials_never_reach_the_logs(
    rt: Runtime, sim: SimulatorHandle, caplog: pytest.LogCaptureFixture
) -> None:
    secret_key = "wecom-key-should-never-be-logged"
    with rt.work() as work:
        add_robot(work.session, kind="dingtalk", name="hz-ding", key=DING_TOKEN, secret=DING_SECRET)
        add_robot(work.session, kind="wecom", name="hz-wecom-bad", key=secret_key)
        add_robot(
            work.session,
            kind="wecom",
            name="closed-port",
            url=f"http://127.0.0.1:9/cgi-bin/webhook/send?key={secret_key}",
        )
    _alerts(rt, 2)
    with caplog.at_level(logging.DEBUG):
        statuses = send_robot_digest("HZ01")["digests"]
    assert sorted(statuses.values()) == ["failed", "failed", "sent"]
    for credential in (DING_TOKEN, DING_SECRET, secret_key):
        assert credential not in caplog.text
    assert "hz-wecom-bad" in caplog.text  # robots are named in the logs by their name


def test_planner_enqueues_one_digest_job_per_warehouse_with_robots(rt: Runtime) -> None:
    _robots(rt)
    assert plan_robot_digests() == 1
    [(func, args, queue, job_id)] = rt.jobs.jobs  # type: ignore[attr-defined]
    assert (func, args, queue) == ("workers.jobs.alerts.send_robot_digest", ("HZ01",), "alerts")
    assert job_id.startswith("robot-digest:HZ01:")
