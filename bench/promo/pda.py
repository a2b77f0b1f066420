"""One handheld's HTTP calls (pack scans, label prints, dock scans), timed. A call that dies on the
network is resent with the same idempotency key, as the PDA page does."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests


@dataclass
class CallStats:
    """Latencies (seconds) per kind of call, shared by all clients of a run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, code: str | None = None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if code:
                self.codes[code] = self.codes.get(code, 0) + 1

    def error(self, text: str) -> None:
        with self.lock:
            if len(self.errors) < 200:
                self.errors.append(text[:300])


class Pda:
    def __init__(self, base: str, token: str, station: str, stats: CallStats) -> None:
        self.base, self.station, self.stats = base, station, stats
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def scan(self, code: str, scan_id: str | None = None) -> dict[str, Any]:
        body = {"station": self.station, "code": code, "client_scan_id": scan_id or uuid.uuid4().hex}
        answer = self._post("scan", "/api/v1/pack/scan", body)
        return answer

    def abandon(self, reason: str) -> dict[str, Any]:
        body = {"station": self.station, "client_scan_id": uuid.uuid4().hex, "reason": reason}
        return self._post("abandon", "/api/v1/pack/abandon", body)

    def print_label(self, order_number: str, wait_seconds: float = 60) -> tuple[str | None, str]:
        """(tracking number, print status or error code); waits for a late waybill like the PDA does."""
        deadline = time.monotonic() + wait_seconds
        while True:
            body = {"station": self.station, "client_request_id": uuid.uuid4().hex}
            answer = self._post("print", f"/api/v1/orders/{order_number}/label/print", body)
            status = answer.get("print_status") or answer.get("code") or "?"
            # CONCURRENT_UPDATE: a platform sync touched the order in the same instant; press again.
            if status not in ("waybill_pending", "CONCURRENT_UPDATE") or time.monotonic() > deadline:
                return answer.get("tracking_number"), status
            time.sleep(0.5)

    def label_scan(self, order_number: str, code: str) -> dict[str, Any]:
        body = {"station": self.station, "code": code}
        return self._post("label_scan", f"/api/v1/orders/{order_number}/label/scan", body)

    def post_json(self, path: str, body: dict[str, Any], kind: str = "other") -> dict[str, Any]:
        return self._post(kind, path, body)

    def get(self, path: str) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            r = self.http.get(f"{self.base}{path}", timeout=30)
            answer = r.json()
        except (requests.RequestException, ValueError) as exc:
            answer = {"code": type(exc).__name__}
        self.stats.record("get", time.perf_counter() - started)
        return answer if isinstance(answer, dict) else {"items": answer}

    def dock(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._post("dock", f"/api/v1/handover{path}", body or {})

    def _post(self, kind: str, path: str, body: dict[str, Any], attempts: int = 5) -> dict[str, Any]:
        for attempt in range(attempts):
            started = time.perf_counter()
            try:
                r = self.http.post(f"{self.base}{path}", json=body, timeout=30)
            except requests.RequestException as exc:
                self.stats.record(kind, time.perf_counter() - started, type(exc).__name__)
                time.sleep(0.5 * (attempt + 1))
                continue
            try:
                answer = r.json()
            except ValueError:
                answer = {"code": f"HTTP_{r.status_code}"}
            answer = answer if isinstance(answer, dict) else {"items": answer}
            self.stats.record(kind, time.perf_counter() - started, answer.get("code") or answer.get("print_status"))
            if r.status_code >= 500:
                self.stats.error(f"{path} {r.status_code} {r.text[:200]}")
                time.sleep(0.5 * (attempt + 1))
                continue
            answer["http_status"] = r.status_code
            return answer
        return {"code": "NETWORK_FAILED", "http_status": 0}
