"""A settable clock shared by the simulators so time windows, bans and lockouts test deterministically."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SimClock:
    """Real time by default; tests may move it (``set_now``, ``advance``) or freeze it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._frozen_at: float | None = None

    def timestamp(self) -> float:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def set_now(self, when: datetime, *, frozen: bool = False) -> None:
        """Jump to ``when`` (naive means UTC); unless frozen, time keeps running from there."""
        target = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
        with self._lock:
            self._frozen_at = target if frozen else None
            self._offset = 0.0 if frozen else target - time.time()

    def set_offset(self, seconds: float) -> None:
        with self._lock:
            self._frozen_at = None
            self._offset = seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._frozen_at = None
            self._offset = 0.0

    def describe(self) -> dict[str, object]:
        with self._lock:
            frozen = self._frozen_at is not None
            offset = self._offset
        return {"now": self.now().isoformat(), "frozen": frozen, "offset_seconds": offset}

    def apply(self, command: dict[str, object]) -> None:
        """Apply a ``POST /__sim/clock`` body: ``now`` (+``frozen``), ``offset_seconds``, ``advance_seconds`` or ``real``."""
        if command.get("real"):
            self.reset()
        if "now" in command:
            self.set_now(parse_iso(str(command["now"])), frozen=bool(command.get("frozen", False)))
        if "offset_seconds" in command:
            self.set_offset(float(command["offset_seconds"]))  # type: ignore[arg-type]
        if "advance_seconds" in command:
            self.advance(float(command["advance_seconds"]))  # type: ignore[arg-type]


def parse_iso(text: str) -> datetime:
    """ISO-8601 with optional ``Z``; a naive value is taken as UTC."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
