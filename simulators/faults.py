"""Fault scripts: "the next N calls of this operation misbehave like so", plus the generic 5xx page."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from werkzeug.wrappers import Response

# Every simulator understands these; each adds its own kinds (rate_limit, malformed, …).
GENERIC_FAULT_KINDS = frozenset({"timeout", "timeout_after", "server_error"})

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable"}


@dataclass
class Fault:
    """One scripted misbehaviour; ``options`` keeps the extra keys (seconds, code, variant, …)."""

    op: str
    kind: str
    times: int = 1
    options: dict[str, object] = field(default_factory=dict)

    def matches(self, op: str) -> bool:
        return self.op in ("*", op)

    def option(self, name: str, default: object = None) -> object:
        return self.options.get(name, default)

    def describe(self) -> dict[str, object]:
        return {"op": self.op, "kind": self.kind, "times": self.times, **self.options}


class FaultBook:
    """Pending faults in arrival order; ``take`` consumes one use of the first that matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []

    def add(self, spec: dict[str, object], allowed_kinds: frozenset[str]) -> Fault:
        kind = str(spec.get("kind", ""))
        if kind not in allowed_kinds:
            raise ValueError(f"unknown fault kind {kind!r}; this simulator knows {sorted(allowed_kinds)}")
        times = int(spec.get("times", 1))  # type: ignore[call-overload]
        if times < 1:
            raise ValueError("times must be at least 1")
        options = {k: v for k, v in spec.items() if k not in ("op", "kind", "times")}
        fault = Fault(op=str(spec.get("op", "*")), kind=kind, times=times, options=options)
        with self._lock:
            self._pending.append(fault)
        return fault

    def take(self, op: str) -> Fault | None:
        with self._lock:
            for fault in self._pending:
                if fault.matches(op):
                    fault.times -= 1
                    if fault.times == 0:
                        self._pending.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [fault.describe() for fault in self._pending]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()


def server_error_response(fault: Fault) -> Response:
    """A proxy's 5xx: ``status`` 500/502/503 (default 502), ``body`` ``html`` (default) or ``empty``."""
    status = int(fault.option("status", 502))  # type: ignore[call-overload]
    if fault.option("body", "html") == "empty":
        return Response(b"", status=status)
    title = f"{status} {_REASONS.get(status, 'Server Error')}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        f"<hr><center>{fault.option('server', 'nginx')}</center>\r\n</body>\r\n</html>\r\n"
    )
    return Response(page, status=status, content_type="text/html")


def truncated(response: Response) -> Response:
    """The same reply cut in the middle, as when a proxy drops the connection mid-body."""
    body = response.get_data()
    response.set_data(body[: max(1, len(body) // 2)])
    return response
