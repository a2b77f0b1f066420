"""Posting from a simulator to Packline (CRM webhooks, courier trace pushes): loopback targets only."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from simulators.base import LOOPBACK_HOSTS


def check_loopback(url: str) -> str:
    """Refuse anything but a loopback http(s) URL: simulators never reach beyond this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"target_url must be an http URL on loopback, got {url!r}")
    return url


def post(url: str, *, timeout: float, **kwargs: object) -> dict[str, object]:
    """One POST; the outcome as a JSON-able record (status + body, or the connection error)."""
    try:
        response = requests.post(check_loopback(url), timeout=timeout, **kwargs)  # type: ignore[arg-type]
    except requests.RequestException as exc:
        return {"status": None, "error": f"{type(exc).__name__}: {exc}"}
    return {"status": response.status_code, "body": response.text}
