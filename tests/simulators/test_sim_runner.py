"""Starting everything at once: the runner API, the shared clock, order flow and ``python -m simulators``."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from simulators import runner


@pytest.fixture
def all_sims():
    urls = runner.start_all(initial_orders=3)
    yield urls
    runner.stop_all()


def test_start_all_runs_every_simulator(all_sims):
    assert set(all_sims) == {"taobao", "pdd", "kingdee", "wms", "courier", "crm", "robots"}
    for name, url in all_sims.items():
        assert requests.get(f"{url}/__sim/health").json()["name"] == name
    assert len(requests.get(f"{all_sims['taobao']}/__sim/orders").json()["orders"]) == 3
    with pytest.raises(RuntimeError):
        runner.start_all()


def test_the_clock_is_shared(all_sims):
    requests.post(f"{all_sims['taobao']}/__sim/clock", json={"now": "2024-06-01T02:00:00Z", "frozen": True})
    assert requests.get(f"{all_sims['robots']}/__sim/clock").json()["now"] == "2024-06-01T02:00:00+00:00"


def test_flow_keeps_orders_coming(all_sims):
    runner.start_flow(interval=0.1, per_tick=1)
    time.sleep(0.45)
    runner.stop_flow()
    assert len(requests.get(f"{all_sims['pdd']}/__sim/orders").json()["orders"]) > 3


def test_courier_numbers_survive_a_restart(all_sims):
    first = runner.handles()["courier"].app.first_serial
    assert first > 1


def test_stop_all_frees_the_ports(all_sims):
    url = all_sims["wms"]
    runner.stop_all()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/__sim/health", timeout=1)


def free_port_block(size=7):
    for _ in range(20):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size < 65535 and all(_free(base + i) for i in range(size)):
            return base
    pytest.skip("no free block of ports")


def _free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_module_entry_point_prints_urls(tmp_path):
    base = free_port_block()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulators", "--port-base", str(base), "--initial-orders", "2"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = [process.stdout.readline().split() for _ in range(7)]
        assert lines[0] == ["taobao", f"http://127.0.0.1:{base}"]
        assert lines[6] == ["robots", f"http://127.0.0.1:{base + 6}"]
        assert len(requests.get(f"http://127.0.0.1:{base + 1}/__sim/orders").json()["orders"]) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
