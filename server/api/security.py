"""Security headers on every response: a strict Content-Security-Policy (scripts, styles and connections
from our own origin, plus ws:/wss: for Socket.IO), no sniffing, no framing, no referrer leaks."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g

PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def csp_nonce() -> str:
    """A per-request nonce for the few server-rendered inline blocks (the /api/docs page)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "connect-src 'self' ws: wss:",
            "img-src 'self' data: blob:",
            "media-src 'self'",
            "font-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.context_processor(lambda: {"csp_nonce": csp_nonce})
