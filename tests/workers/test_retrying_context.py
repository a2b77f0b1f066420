"""In-place retries (ban + jitter, exponential backoff, auth never retried) and the fork-safe context."""

from __future__ import annotations

import pytest

from server.config import Settings
from server.integrations.http import IntegrationError, Outcome
from server.integrations.retrying import RetryPolicy, call_with_retries
from server.runtime import Runtime
from workers import context


def _flaky(errors: list[IntegrationError]):
    calls = []

    def call() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "ok"

    return call, calls


def _retryable(**kw) -> IntegrationError:
    return IntegrationError("top", Outcome.RETRYABLE, "x", **kw)


def test_a_ban_is_waited_out_and_other_errors_back_off():
    sleeps: list[float] = []
    call, calls = _flaky([_retryable(retry_after=2.0), _retryable(), _retryable()])
    result = call_with_retries(
        call, RetryPolicy(attempts=4, backoff=1.0), sleep=sleeps.append, jitter=lambda a, b: b
    )
    assert result == "ok" and len(calls) == 4
    assert sleeps == [2.5, 3.0, 6.0]  # ban + jitter; then 2 s and 4 s, each + up to half again (max jitter)


@pytest.mark.parametrize("outcome", [Outcome.AUTH, Outcome.REJECTED])
def test_auth_and_rejected_are_not_retried_in_place(outcome):
    call, calls = _flaky([IntegrationError("pdd", outcome, "10016")])
    with pytest.raises(IntegrationError):
        call_with_retries(call, RetryPolicy(attempts=5), sleep=lambda s: None)
    assert len(calls) == 1


def test_the_last_retryable_error_goes_up_to_the_job():
    call, calls = _flaky([_retryable() for _ in range(5)])
    with pytest.raises(IntegrationError):
        call_with_retries(call, RetryPolicy(attempts=3, backoff=0.01), sleep=lambda s: None)
    assert len(calls) == 3


def test_sleeps_are_capped():
    assert RetryPolicy(max_sleep=5).delay(1, _retryable(retry_after=3600), lambda a, b: 0) == 5


def test_a_forked_process_gets_its_own_pool_and_connectors(monkeypatch, tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ctx.db'}")
    rt = Runtime.create(settings)
    disposed: list[bool] = []
    monkeypatch.setattr(rt.engine, "dispose", lambda close=True: disposed.append(close))
    context.configure(rt)
    try:
        conns = context.connectors()
        assert context.runtime() is rt and context.connectors() is conns and disposed == []
        monkeypatch.setattr(context.os, "getpid", lambda: -1)  # as in an RQ work horse after fork
        assert context.runtime() is rt
        assert disposed == [False]  # the parent's connections stay open for the parent
        assert context.connectors() is not conns
    finally:
        monkeypatch.undo()
        context.reset()
