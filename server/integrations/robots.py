"""DingTalk custom-robot and WeCom group-robot connectors (reference §5): one markdown message per call.

The webhook URL, access token, key and signing secret are credentials: nothing here logs them, and no
exception text (which would carry the URL) leaves this module. The reply body decides the outcome:

- ``ok``         accepted (errcode 0)
- ``throttled``  20 messages/min exceeded (DingTalk 130101, WeCom 45009): send again later
- ``retryable``  never reached the robot (connection refused, connect timeout) or 5xx: send again
- ``auth``       bad signature / keyword / IP, unknown token or key: fix the configuration, then resend
- ``rejected``   any other errcode: the message itself is wrong, resending will not help
- ``unknown``    it may have been delivered (read timeout, non-JSON 2xx reply): never resend, or it doubles
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

import requests

from server import clock
from server.integrations.signing import dingtalk_sign

log = logging.getLogger("packline.robots")
_CREDENTIAL_PARAMS = re.compile(r"\b(access_token|key|sign)=[^&\s\"']+")


class RedactCredentials(logging.Filter):
    """urllib3 logs every request line, query string included, at DEBUG: mask the robot credentials."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _redact(record.msg)
        return True


def _redact(text: str) -> str:
    return _CREDENTIAL_PARAMS.sub(r"\1=***", text)


logging.getLogger("urllib3.connectionpool").addFilter(RedactCredentials())

Outcome = Literal["ok", "throttled", "retryable", "auth", "rejected", "unknown"]
KINDS = ("dingtalk", "wecom")
THROTTLED = {130101, 45009}
AUTH = {310000, 300001, 93000, 40014}
# WeCom counts UTF-8 bytes (a CJK character is 3); DingTalk does not publish a markdown limit, so
# Packline keeps its digests under the same budget.
MARKDOWN_MAX_BYTES = 4096
DEFAULT_BASE_URLS = {"dingtalk": "https://oapi.dingtalk.com", "wecom": "https://qyapi.weixin.qq.com"}
PATHS = {"dingtalk": "/robot/send", "wecom": "/cgi-bin/webhook/send"}
TOKEN_PARAM = {"dingtalk": "access_token", "wecom": "key"}


@dataclass(frozen=True)
class RobotEndpoint:
    kind: str
    name: str
    url: str | None = None
    key: str | None = None
    secret: str | None = None

    def __repr__(self) -> str:  # dataclass repr would print the credentials
        return f"RobotEndpoint(kind={self.kind!r}, name={self.name!r})"


@dataclass(frozen=True)
class SendOutcome:
    outcome: Outcome
    errcode: int | None = None
    detail: str = ""


def truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut to at most `max_bytes` UTF-8 bytes without splitting a character."""
    return text.encode()[:max_bytes].decode("utf-8", "ignore")


class RobotClient:
    def __init__(
        self,
        *,
        base_urls: dict[str, str | None] | None = None,
        timeout: tuple[float, float] = (3.05, 10.0),
        http: requests.Session | None = None,
    ) -> None:
        configured = {k: v for k, v in (base_urls or {}).items() if v}
        self._base = {**DEFAULT_BASE_URLS, **configured}
        self._timeout = timeout
        self._http = http or requests.Session()

    def send_markdown(self, endpoint: RobotEndpoint, title: str, text: str) -> SendOutcome:
        if endpoint.kind not in KINDS:
            return SendOutcome("rejected", None, f"unknown robot kind {endpoint.kind}")
        if endpoint.kind == "dingtalk":
            payload: dict[str, Any] = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        else:
            payload = {"msgtype": "markdown", "markdown": {"content": truncate_utf8(text, MARKDOWN_MAX_BYTES)}}
        url, params = self._target(endpoint)
        if url is None:
            return SendOutcome("auth", None, "robot has neither url nor key")
        result = self._post(url, params, payload)
        log.info("robot %s (%s): %s %s", endpoint.name, endpoint.kind, result.outcome, result.errcode or "")
        return result

    def _target(self, endpoint: RobotEndpoint) -> tuple[str | None, dict[str, str]]:
        params: dict[str, str] = {}
        if endpoint.url:
            url = endpoint.url
        elif endpoint.key:
            url = self._base[endpoint.kind].rstrip("/") + PATHS[endpoint.kind]
            params[TOKEN_PARAM[endpoint.kind]] = endpoint.key
        else:
            return None, params
        if endpoint.kind == "dingtalk" and endpoint.secret:
            timestamp = int(clock.now().timestamp() * 1000)
            params.update(timestamp=str(timestamp), sign=dingtalk_sign(endpoint.secret, timestamp))
        return url, params

    def _post(self, url: str, params: dict[str, str], payload: dict[str, Any]) -> SendOutcome:
        try:
            response = self._http.post(url, params=params, json=payload, timeout=self._timeout)
        except requests.ReadTimeout:
            return SendOutcome("unknown", None, "read timeout: the robot may have posted it")
        except requests.ConnectionError as exc:  # includes ConnectTimeout: the request never arrived
            return SendOutcome("retryable", None, type(exc).__name__)
        except requests.RequestException as exc:
            return SendOutcome("unknown", None, type(exc).__name__)
        if response.status_code >= 500:
            return SendOutcome("retryable", None, f"HTTP {response.status_code}")
        try:
            body = response.json()
            errcode = int(body.get("errcode", -1))
        except (ValueError, AttributeError, TypeError):
            return SendOutcome("unknown", None, f"HTTP {response.status_code}, reply is not JSON")
        detail = str(body.get("errmsg", ""))[:200]
        if errcode == 0:
            return SendOutcome("ok", 0, detail)
        if errcode in THROTTLED:
            return SendOutcome("throttled", errcode, detail)
        if errcode in AUTH:
            return SendOutcome("auth", errcode, detail)
        return SendOutcome("rejected", errcode, detail)
