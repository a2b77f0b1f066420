"""Tiny job functions for the queue tests: they record their runs in Redis so the parent test sees what
forked work horses (or the in-process thread) did."""

from __future__ import annotations

from redis import Redis

from workers import context


def _redis() -> Redis:
    return Redis.from_url(context.runtime().settings.redis_url or "redis://127.0.0.1:6379/15")


def record(key: str, value: str) -> None:
    _redis().rpush(key, value)


def fail_times(key: str, failures: int) -> str:
    """Fails the first `failures` runs, then succeeds; every run is counted under `key`."""
    runs = _redis().incr(key)
    if runs <= failures:
        raise RuntimeError(f"run {runs} fails on purpose")
    return "ok"


def always_fails(source: str) -> None:
    _redis().incr(f"runs:{source}")
    raise RuntimeError(f"{source} is down")


always_fails.failure_source = lambda source: source  # type: ignore[attr-defined]
