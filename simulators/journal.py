"""The request log every simulator keeps, read by tests through ``GET /__sim/requests``."""

from __future__ import annotations

import json
import threading
from collections import deque

from werkzeug.wrappers import Request

from simulators.clock import SimClock

# Flow mode runs for hours; keep the newest calls only.
JOURNAL_LIMIT = 5000


class RequestJournal:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: deque[dict[str, object]] = deque(maxlen=JOURNAL_LIMIT)
        self._seq = 0

    def record(self, op: str, request: Request) -> dict[str, object]:
        raw = request.get_data(cache=True)
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        with self._lock:
            self._seq += 1
            entry: dict[str, object] = {
                "seq": self._seq,
                "at": self._clock.now().isoformat(),
                "op": op,
                "method": request.method,
                "path": request.path,
                "query": request.args.to_dict(),
                "form": request.form.to_dict(),
                "headers": {key: value for key, value in request.headers.items()},
                "body": text,
                "json": parsed,
            }
            self._entries.append(entry)
        return entry

    def entries(self, op: str | None = None) -> list[dict[str, object]]:
        with self._lock:
            return [entry for entry in self._entries if op is None or entry["op"] == op]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
