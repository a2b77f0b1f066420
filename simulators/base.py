"""The common simulator: routing, ``/__sim/*`` control endpoints, fault hooks, and serving on loopback."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from simulators.clock import SimClock
from simulators.faults import GENERIC_FAULT_KINDS, Fault, FaultBook, server_error_response, truncated
from simulators.journal import RequestJournal

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
Handler = Callable[..., Any]


def json_bytes(payload: object) -> bytes:
    """Compact UTF-8 JSON, the byte shape the reference envelopes are written in."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(payload: object, status: int = 200) -> Response:
    return Response(json_bytes(payload), status=status, content_type="application/json;charset=UTF-8")


def random_request_id() -> str:
    """A 12-character id in the style of the gateways' ``request_id``."""
    return "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(12))


def read_json(request: Request) -> Any:
    """The JSON body of a control call; an empty body is ``{}``."""
    raw = request.get_data(cache=True)
    return json.loads(raw) if raw.strip() else {}


@dataclass(frozen=True)
class Route:
    rule: str
    handler: Handler
    methods: tuple[str, ...] = ("POST",)
    # Control handlers run under the simulator lock. API handlers pass False: serve_call locks only
    # around the work, not around fault pauses; handlers that call out over HTTP pass False too.
    locked: bool = True


class Simulator:
    """Base WSGI app. Subclasses list ``routes()`` and wrap API calls in :meth:`serve_call`."""

    name = "simulator"
    fault_kinds: frozenset[str] = frozenset()

    def __init__(self, *, clock: SimClock | None = None, timeout_seconds: float = 3.0) -> None:
        self.clock = clock or SimClock()
        self.lock = threading.RLock()
        self.faults = FaultBook()
        self.journal = RequestJournal(self.clock)
        self.settings: dict[str, Any] = {"timeout_seconds": timeout_seconds}
        self.stopping = threading.Event()
        self._call_context = threading.local()
        routes = [*self._control_routes(), *self.routes()]
        self._url_map = Map([Rule(r.rule, endpoint=i, methods=list(r.methods)) for i, r in enumerate(routes)])
        self._routes = routes

    # --- to override -------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        return []

    def reset_state(self) -> None:
        """Forget business state (orders, bills, messages); called by ``POST /__sim/reset``."""

    def fault_response(self, op: str, fault: Fault, request: Request) -> Response | None:
        """Answer a simulator-specific fault before the call runs; ``None`` lets the call run."""
        return None

    def fault_after(self, op: str, fault: Fault, request: Request, response: Response) -> Response:
        """Alter the normal answer for faults that need it (default: ``malformed`` truncates)."""
        if fault.kind == "malformed":
            return truncated(response)
        return response

    # --- API call pipeline -------------------------------------------------------------------
    def serve_call(self, op: str, request: Request, handle: Callable[[], Any]) -> Response:
        """Record, apply the next matching fault, run ``handle`` under the lock, answer."""
        self.journal.record(op, request)
        fault = self.faults.take(op)
        if fault is not None:
            if fault.kind == "timeout":
                self.pause(self._fault_seconds(fault))
            elif fault.kind == "server_error":
                return server_error_response(fault)
            else:
                early = self.fault_response(op, fault, request)
                if early is not None:
                    return early
        with self.lock:
            self._call_context.fault = fault
            try:
                result = handle()
            finally:
                self._call_context.fault = None
        response = result if isinstance(result, Response) else json_response(result)
        if fault is None:
            return response
        if fault.kind == "timeout_after":
            # The work is done; only the answer is late (Save / waybill "outcome unknown").
            self.pause(self._fault_seconds(fault))
            return response
        return self.fault_after(op, fault, request, response)

    def active_fault(self, kind: str) -> Fault | None:
        """The fault of the call being handled, if it is of ``kind`` (for faults shaped inside the handler)."""
        fault = getattr(self._call_context, "fault", None)
        return fault if fault is not None and fault.kind == kind else None

    def pause(self, seconds: float) -> None:
        self.stopping.wait(seconds)

    def _fault_seconds(self, fault: Fault) -> float:
        return float(fault.option("seconds", self.settings["timeout_seconds"]))  # type: ignore[arg-type]

    # --- control endpoints -------------------------------------------------------------------
    def _control_routes(self) -> list[Route]:
        return [
            Route("/__sim/health", self._health, ("GET",)),
            Route("/__sim/requests", self._requests, ("GET", "DELETE")),
            Route("/__sim/faults", self._faults, ("GET", "POST", "DELETE")),
            Route("/__sim/reset", self._reset),
            Route("/__sim/clock", self._clock, ("GET", "POST")),
            Route("/__sim/config", self._config, ("GET", "POST")),
        ]

    def _health(self, request: Request) -> Response:
        return json_response({"name": self.name, "ok": True})

    def _requests(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.journal.clear()
            return json_response({"cleared": True})
        return json_response({"requests": self.journal.entries(request.args.get("op"))})

    def _faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
        elif request.method == "POST":
            body = read_json(request)
            specs = body if isinstance(body, list) else [body]
            try:
                for spec in specs:
                    self.faults.add(spec, self.fault_kinds | GENERIC_FAULT_KINDS)
            except (ValueError, TypeError) as exc:
                return json_response({"error": str(exc)}, 400)
        return json_response({"faults": self.faults.pending()})

    def _reset(self, request: Request) -> Response:
        self.journal.clear()
        self.faults.clear()
        self.reset_state()
        return json_response({"reset": True})

    def _clock(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self.clock.apply(read_json(request))
            except (ValueError, TypeError) as exc:
                return json_response({"error": str(exc)}, 400)
        return json_response(self.clock.describe())

    def _config(self, request: Request) -> Response:
        if request.method == "POST":
            changes = read_json(request)
            unknown = sorted(set(changes) - set(self.settings))
            if unknown:
                return json_response(
                    {"error": f"unknown settings {unknown}", "known": sorted(self.settings)}, 400
                )
            self.settings.update(changes)
        return json_response(self.settings)

    # --- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        try:
            index, args = self._url_map.bind_to_environ(environ).match()
            route = self._routes[index]
            if route.locked:
                with self.lock:
                    response = route.handler(request, **args)
            else:
                response = route.handler(request, **args)
        except HTTPException as exc:
            response = exc.get_response(environ)
        except json.JSONDecodeError as exc:
            response = json_response({"error": f"invalid JSON: {exc}"}, 400)
        except (KeyError, ValueError, TypeError) as exc:
            # A control call missing a key or carrying a wrong type: say so instead of a bare 500.
            response = json_response({"error": f"bad request: {exc!r}"}, 400)
        return response(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    """Access lines would drown test output; errors still go to the log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class SimulatorHandle:
    """A running simulator: ``url`` to point a connector at, ``app`` to inspect in-process, ``stop()``."""

    app: Simulator
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.server.server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def stop(self) -> None:
        self.app.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(app: Simulator, port: int = 0, host: str = "127.0.0.1") -> SimulatorHandle:
    """Run ``app`` on a threaded werkzeug server in a daemon thread; loopback only."""
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"simulators listen on loopback only, not {host!r}")
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    # A short poll interval keeps stop() fast, which keeps per-test servers cheap.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=f"sim-{app.name}", daemon=True
    )
    thread.start()
    return SimulatorHandle(app=app, server=server, thread=thread)
