"""Fixtures for the simulator tests: start simulators on ephemeral ports, sign calls, receive pushes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from server.integrations.signing import gateway_sign
from simulators.base import SimulatorHandle
from simulators.timefmt import china_wall_clock

# Small delays keep the whole simulator suite within seconds.
FAST = {"timeout_seconds": 0.5}


@pytest.fixture
def start_sim() -> Iterator[Callable[..., SimulatorHandle]]:
    handles: list[SimulatorHandle] = []

    def start(starter: Callable[..., SimulatorHandle], **options: Any) -> SimulatorHandle:
        handle = starter(**{**FAST, **options})
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def top_params(
    method: str, *, secret: str = "topsecret", sign_method: str = "md5", **extra: Any
) -> dict[str, str]:
    params = {
        "method": method,
        "app_key": "12345678",
        "session": "sess",
        "timestamp": china_wall_clock(datetime.now(UTC)),
        "format": "json",
        "v": "2.0",
        "sign_method": sign_method,
        **{key: str(value) for key, value in extra.items()},
    }
    params["sign"] = gateway_sign(params, secret, sign_method)
    return params


@pytest.fixture
def signed_top_params() -> Callable[..., dict[str, str]]:
    return top_params


@pytest.fixture
def top_call() -> Callable[..., requests.Response]:
    def call(url: str, method: str, **extra: Any) -> requests.Response:
        return requests.post(f"{url}/router/rest", data=top_params(method, **extra), timeout=5)

    return call


def pdd_params(
    api: str, *, secret: str = "pddsecret", timestamp: int | None = None, **extra: Any
) -> dict[str, str]:
    params = {
        "type": api,
        "client_id": "pddclient",
        "access_token": "pddtoken",
        "timestamp": str(timestamp if timestamp is not None else int(datetime.now(UTC).timestamp())),
        "data_type": "JSON",
        "version": "V1",
        **{key: str(value) for key, value in extra.items()},
    }
    params["sign"] = gateway_sign(params, secret)
    return params


@pytest.fixture
def signed_pdd_params() -> Callable[..., dict[str, str]]:
    return pdd_params


@pytest.fixture
def pdd_call() -> Callable[..., requests.Response]:
    def call(url: str, api: str, **extra: Any) -> requests.Response:
        return requests.post(f"{url}/api/router", json=pdd_params(api, **extra), timeout=5)

    return call


def window(minutes_ago: int, length_minutes: int) -> tuple[datetime, datetime]:
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return end - timedelta(minutes=length_minutes), end


class Receiver:
    """A tiny HTTP server standing in for Packline: records posts, answers scripted statuses."""

    def __init__(self, answer: Callable[[Request], Response] | None = None) -> None:
        self.received: list[dict[str, Any]] = []
        self.answer = answer or (lambda request: Response(json.dumps({"status": "ok"}), 200))
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        raw = request.get_data(cache=True)
        self.received.append({"headers": dict(request.headers), "body": raw, "form": request.form.to_dict()})
        return self.answer(request)(environ, start_response)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    receivers: list[Receiver] = []

    def make(answer: Callable[[Request], Response] | None = None) -> Receiver:
        receiver = Receiver(answer)
        receivers.append(receiver)
        return receiver

    yield make
    for receiver in receivers:
        receiver.stop()
