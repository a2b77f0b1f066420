"""What every connector shares: the four reply outcomes, the error that carries them, and one HTTP client
per connector (one `requests.Session`, `timeout=(connect, read)`, transport failures classified)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import requests


class Outcome(StrEnum):
    OK = "ok"
    RETRYABLE = "retryable"  # rate limit, isp.*, 5xx, timeout, malformed body: try again later
    AUTH = "auth"  # signature, token, session: a person or a re-login has to fix it
    REJECTED = "rejected"  # the other side said no to this request: never retried


class IntegrationError(Exception):
    """A reply that is not `ok`. `retry_after` is the ban the other side advertised (seconds);
    `unknown_outcome` marks a timeout after the request left: the work may have been done."""

    def __init__(
        self,
        system: str,
        outcome: Outcome,
        code: str,
        message: str = "",
        *,
        retry_after: float | None = None,
        unknown_outcome: bool = False,
    ) -> None:
        super().__init__(f"{system} {outcome}: {code} {message}".strip())
        self.system = system
        self.outcome = outcome
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.unknown_outcome = unknown_outcome

    @property
    def retryable(self) -> bool:
        return self.outcome is Outcome.RETRYABLE


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.0
    read: float = 10.0

    @classmethod
    def from_ms(cls, connect_ms: int, read_ms: int) -> Timeouts:
        return cls(connect_ms / 1000, read_ms / 1000)


DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class HttpReply:
    status: int
    data: Any
    headers: dict[str, str]


class HttpClient:
    """Thin wrapper over one `requests.Session`: cookies (Kingdee's session) and keep-alive live here."""

    def __init__(self, system: str, base_url: str, timeouts: Timeouts) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.timeouts = timeouts
        self.session = requests.Session()

    def post(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply:
        """POST and parse JSON. Transport trouble, 5xx pages and unparseable bodies raise `retryable`;
        a parsed body is returned whatever the status, because the body decides (reference §0)."""
        try:
            response = self.session.post(
                f"{self.base_url}{path}",
                params=params,
                data=body if body is not None else data,
                headers=headers,
                timeout=(self.timeouts.connect, self.timeouts.read),
            )
        except requests.ConnectTimeout as exc:
            raise IntegrationError(self.system, Outcome.RETRYABLE, "connect_timeout", str(exc)) from exc
        except requests.ReadTimeout as exc:
            # The request reached the other side: a create may have happened.
            raise IntegrationError(
                self.system, Outcome.RETRYABLE, "read_timeout", str(exc), unknown_outcome=True
            ) from exc
        except requests.RequestException as exc:
            # A connection dropped mid-reply is as unknown as a read timeout.
            raise IntegrationError(
                self.system, Outcome.RETRYABLE, "transport", str(exc), unknown_outcome=True
            ) from exc
        try:
            parsed = json.loads(response.content.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            status = response.status_code
            outcome = Outcome.REJECTED if 400 <= status < 500 and status != 429 else Outcome.RETRYABLE
            code = f"http_{status}" if status >= 400 else "malformed"
            raise IntegrationError(
                self.system, outcome, code, response.text[:200], unknown_outcome=status < 400
            ) from exc
        return HttpReply(response.status_code, parsed, dict(response.headers))

    def close(self) -> None:
        self.session.close()


def malformed(system: str, what: str) -> IntegrationError:
    """A body that parsed but lacks what every reply must carry (no wrapper, no flag, no billCode)."""
    return IntegrationError(system, Outcome.RETRYABLE, "malformed", what)
