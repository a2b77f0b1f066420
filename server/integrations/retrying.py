"""Retrying one call in place: a rate limit sleeps the advertised ban plus jitter, other retryable replies
(isp.*, 5xx, timeouts, malformed bodies) back off exponentially. `auth` and `rejected` are never retried
here; after the last attempt the error goes up to the job, whose queue retries it later."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from server.integrations.http import IntegrationError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff: float = 1.0  # seconds before the second attempt; doubles each time
    max_sleep: float = 60.0

    def delay(self, attempt: int, error: IntegrationError, jitter: Callable[[float, float], float]) -> float:
        if error.retry_after is not None:
            return min(error.retry_after + jitter(0.1, 0.5), self.max_sleep)
        base = self.backoff * (2 ** (attempt - 1))
        return min(base + jitter(0, base / 2), self.max_sleep)


def call_with_retries(
    func: Callable[[], T],
    policy: RetryPolicy,
    *,
    what: str = "",
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[float, float], float] = random.uniform,
) -> T:
    for attempt in range(1, policy.attempts + 1):
        try:
            return func()
        except IntegrationError as exc:
            if not exc.retryable or attempt == policy.attempts:
                raise
            pause = policy.delay(attempt, exc, jitter)
            log.info(
                "%s: %s; attempt %d/%d again in %.1fs",
                what or exc.system,
                exc,
                attempt,
                policy.attempts,
                pause,
            )
            sleep(pause)
    raise AssertionError("unreachable")
