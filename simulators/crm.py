"""The CRM that sends signed ``order.address_changed`` webhooks to Packline, with retries on 5xx.

``POST /__sim/send`` builds, signs and posts deliveries; ``GET /__sim/sent`` lists what went out and
what Packline answered. Misbehaviours are flags on the send call: duplicate, tamper, stale,
no_header, bad_signature, non_json.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

from werkzeug.wrappers import Request, Response

from server.integrations.signing import webhook_signature_header
from simulators.base import Route, Simulator, SimulatorHandle, json_bytes, json_response, read_json, serve
from simulators.outbound import check_loopback, post

EVENT = "order.address_changed"
DEFAULT_SECRETS = ("whsec_packline_test_1",)
STALE_SECONDS = 600


class CrmSimulator(Simulator):
    name = "crm"

    def __init__(self, *, secrets: list[str] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.default_secrets = list(secrets or DEFAULT_SECRETS)
        self.settings.update(max_attempts=4, retry_backoff_seconds=0.2, request_timeout_seconds=5.0)
        self._run = _run_prefix()
        self._serial = 0
        self._sent_lock = threading.Lock()
        self.sent: list[dict[str, Any]] = []

    def reset_state(self) -> None:
        with self._sent_lock:
            self.sent.clear()

    def routes(self) -> list[Route]:
        return [
            Route("/__sim/send", self._send, locked=False),
            Route("/__sim/sent", self._list_sent, ("GET",)),
        ]

    def _list_sent(self, request: Request) -> Response:
        with self._sent_lock:
            return json_response({"deliveries": list(self.sent)})

    def _send(self, request: Request) -> Response:
        """Body: ``target_url``, ``order``, ``address``, optional ``secrets``, ``t``, ``delivery_id``,
        ``count`` (a burst of distinct deliveries) and the misbehaviour flags."""
        command = read_json(request)
        try:
            url = check_loopback(str(command.get("target_url", "")))
        except ValueError as exc:
            return json_response({"error": str(exc)}, 400)
        deliveries = []
        for _ in range(int(command.get("count", 1))):
            delivery_id = str(command.get("delivery_id") or self._next_delivery_id())
            body = {
                "id": delivery_id,
                "type": EVENT,
                **command.get("order", {}),
                "address": command.get("address", {}),
            }
            deliveries.append(self._deliver(url, body, command))
            if command.get("duplicate"):
                deliveries.append(self._deliver(url, body, command))
        with self._sent_lock:
            self.sent.extend(deliveries)
        return json_response({"deliveries": deliveries})

    def _next_delivery_id(self) -> str:
        with self._sent_lock:
            self._serial += 1
            return f"dlv_{self._run}_{self._serial:04d}"

    def _deliver(self, url: str, body: dict[str, Any], command: dict[str, Any]) -> dict[str, Any]:
        """Post one delivery, retrying 5xx and connection errors with doubling back-off."""
        attempts: list[dict[str, Any]] = []
        for attempt in range(int(self.settings["max_attempts"])):
            if attempt:
                self.pause(float(self.settings["retry_backoff_seconds"]) * 2 ** (attempt - 1))
            payload, headers, t = self._signed(body, command)
            outcome = post(
                url, data=payload, headers=headers, timeout=float(self.settings["request_timeout_seconds"])
            )
            attempts.append({**outcome, "t": t})
            status = outcome["status"]
            if isinstance(status, int) and status < 500:
                break
        return {
            "delivery_id": body["id"],
            "body": payload.decode("utf-8", errors="replace"),
            "headers": headers,
            "attempts": attempts,
            "final_status": attempts[-1]["status"],
        }

    def _signed(self, body: dict[str, Any], command: dict[str, Any]) -> tuple[bytes, dict[str, str], int]:
        """Sign at send time (each retry gets a fresh ``t``), then apply the requested misbehaviour."""
        signed_body = (
            b"id=" + body["id"].encode() + b"&not-json" if command.get("non_json") else json_bytes(body)
        )
        now = int(self.clock.timestamp())
        t = (
            int(command["t"])
            if command.get("t") is not None
            else now - STALE_SECONDS
            if command.get("stale")
            else now
        )
        keys = [str(s) for s in command.get("secrets") or self.default_secrets]
        headers = {
            "Content-Type": "application/json",
            "X-Packline-Delivery-Id": body["id"],
            "X-Packline-Event": EVENT,
        }
        if command.get("bad_signature"):
            headers["X-Packline-Signature"] = f"t={t},v1={'0' * 64}"
        elif not command.get("no_header"):
            headers["X-Packline-Signature"] = webhook_signature_header(
                [k.encode() for k in keys], t, signed_body
            )
        if command.get("tamper"):
            address = dict(body.get("address", {}))
            address["detail"] = f"{address.get('detail', '')} 改"
            return json_bytes({**body, "address": address}), headers, t
        return signed_body, headers, t


def _run_prefix() -> str:
    """Delivery ids must not repeat after a restart, or Packline would drop them as duplicates."""
    return secrets.token_hex(3)


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(CrmSimulator(**options), port)
