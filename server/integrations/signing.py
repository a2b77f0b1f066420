"""Request signatures of the outside systems and of Packline's inbound webhooks.

Pure standard library, shared by the connectors and the simulators so both sides sign the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Literal
from urllib.parse import quote_plus

WebhookVerdict = Literal["ok", "malformed", "stale", "mismatch"]

GATEWAY_SIGN_METHODS = ("md5", "hmac", "hmac-sha256")


def gateway_sign(
    params: Mapping[str, object], secret: str, sign_method: str = "md5", body: bytes = b""
) -> str:
    """TOP / JD / PDD / Qimen signature: sorted ``key+value`` pairs (empty values skipped) plus the raw body.

    ``md5`` wraps the string in the secret; ``hmac`` and ``hmac-sha256`` key an HMAC with it.
    The result is uppercase hex.
    """
    signed = (
        "".join(f"{key}{value}" for key, value in sorted(params.items()) if _is_signed(key, value)).encode()
        + body
    )
    key = secret.encode()
    if sign_method == "md5":
        return hashlib.md5(key + signed + key).hexdigest().upper()
    if sign_method == "hmac":
        return hmac.new(key, signed, hashlib.md5).hexdigest().upper()
    if sign_method == "hmac-sha256":
        return hmac.new(key, signed, hashlib.sha256).hexdigest().upper()
    raise ValueError(f"unknown sign_method {sign_method!r}")


def _is_signed(key: str, value: object) -> bool:
    return key != "sign" and value is not None and value != ""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk robot signature, base64 of HMAC-SHA256 over ``"<timestamp>\\n<secret>"``.

    This is the decoded value of the ``sign`` query parameter: pass it through ``params=`` (which
    URL-encodes it) or ``quote_plus`` it when building the URL by hand.
    """
    message = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def sf_msg_digest(msg_data: str, timestamp: int | str, checkword: str) -> str:
    """SF Express ``msgDigest``: Base64(MD5(quote_plus(msgData + timestamp + checkword)))."""
    quoted = quote_plus(f"{msg_data}{timestamp}{checkword}")
    return base64.b64encode(hashlib.md5(quoted.encode()).digest()).decode()


def zto_data_digest(body: bytes | str, secret: str) -> str:
    """ZTO ``x-dataDigest`` (and trace-push ``data_digest``): Base64(MD5(body + secret))."""
    raw = body.encode() if isinstance(body, str) else body
    return base64.b64encode(hashlib.md5(raw + secret.encode()).digest()).decode()


def shopify_webhook_hmac(secret: str, body: bytes) -> str:
    """Shopify ``X-Shopify-Hmac-Sha256``: base64 HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_sign(secret: bytes, t: int, body: bytes) -> str:
    """Packline webhook ``v1``: hex HMAC-SHA256(secret, ``"<t>." + raw body``)."""
    return hmac.new(secret, str(t).encode() + b"." + body, hashlib.sha256).hexdigest()


def webhook_signature_header(secrets: Iterable[bytes | str], t: int, body: bytes) -> str:
    """``X-Packline-Signature`` value: ``t=<t>`` then one ``v1`` per secret (two during a rotation)."""
    signatures = [f"v1={webhook_sign(_as_bytes(secret), t, body)}" for secret in secrets]
    return ",".join([f"t={t}", *signatures])


def verify_webhook(
    header: str | None,
    body: bytes,
    secrets: Iterable[bytes | str],
    now: int,
    tolerance: int = 300,
) -> WebhookVerdict:
    """Check an ``X-Packline-Signature`` header against the raw body and every active secret.

    ``malformed`` → answer 400; ``stale`` and ``mismatch`` → 401. Deduplicate only after ``ok``.
    """
    if not header:
        return "malformed"
    pairs = [part.strip().split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for key, value in pairs if key == "t"]
    candidates = [value for key, value in pairs if key == "v1"]
    if len(timestamps) != 1 or not (timestamps[0].isascii() and timestamps[0].isdigit()) or not candidates:
        return "malformed"
    t = int(timestamps[0])
    if abs(now - t) > tolerance:
        return "stale"
    expected = [webhook_sign(_as_bytes(secret), t, body) for secret in secrets]
    # compare_digest on every pair: the time taken must not reveal which secret or prefix matched.
    matched = False
    for mac in expected:
        for candidate in candidates:
            matched |= hmac.compare_digest(mac.encode(), candidate.encode())
    return "ok" if matched else "mismatch"


def _as_bytes(secret: bytes | str) -> bytes:
    return secret if isinstance(secret, bytes) else secret.encode()
