"""What the order-platform simulators share: the order book and its ``/__sim/orders`` control endpoints."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Request, Response

from simulators.base import Route, Simulator, json_response, read_json
from simulators.clock import parse_iso
from simulators.orders import OrderSpec, generate_orders

Order = dict[str, Any]


class PlatformSimulator(Simulator):
    """Keeps native orders keyed by their platform id; subclasses say how an order is read and touched."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.orders: dict[str, Order] = {}
        self.shipments: list[dict[str, Any]] = []

    # --- platform specifics ----------------------------------------------------------------------
    def order_id(self, order: Order) -> str:
        raise NotImplementedError

    def modified_at(self, order: Order) -> datetime:
        raise NotImplementedError

    def touch(self, order: Order, now: datetime) -> None:
        """Record a change the way the platform does (bump ``modified`` / ``updated_at``)."""
        raise NotImplementedError

    def from_spec(self, spec: OrderSpec) -> Order:
        raise NotImplementedError

    def normalise(self, order: Order) -> Order:
        """Accept control-endpoint orders in the shape the platform answers with."""
        return order

    def apply_refund(self, order: Order, command: dict[str, Any]) -> None:
        raise NotImplementedError

    def apply_status(self, order: Order, command: dict[str, Any]) -> None:
        raise NotImplementedError

    timestamp_fields: tuple[str, ...] = ()

    # --- order book --------------------------------------------------------------------------------
    def reset_state(self) -> None:
        self.orders.clear()
        self.shipments.clear()

    def upsert(self, incoming: Order) -> str:
        """Add a new order, or merge changes into an existing one and bump its modified time."""
        incoming = self.normalise(dict(incoming))
        key = self.order_id(incoming)
        existing = self.orders.get(key)
        if existing is None:
            self.orders[key] = incoming
            return key
        existing.update(incoming)
        if not any(name in incoming for name in self.timestamp_fields):
            self.touch(existing, self.clock.now())
        return key

    def generate(self, count: int, seed: int, since: datetime, until: datetime) -> list[str]:
        return [self.upsert(self.from_spec(spec)) for spec in generate_orders(count, seed, since, until)]

    def window(self, start: datetime, end: datetime) -> list[Order]:
        """Orders modified in ``[start, end)``, newest first (ties by id, descending) as the platforms sort."""
        chosen = [order for order in self.orders.values() if start <= self.modified_at(order) < end]
        chosen.sort(key=lambda order: (self.modified_at(order), self.order_id(order)), reverse=True)
        return chosen

    def page_of(self, rows: list[Order], page: int, size: int) -> tuple[list[Order], bool]:
        """One page of ``rows`` and whether more follow; a ``duplicate`` fault adds a neighbour's order."""
        first = (page - 1) * size
        chosen = rows[first : first + size]
        if self.active_fault("duplicate") and rows:
            neighbour = rows[first + size] if first + size < len(rows) else rows[max(first - 1, 0)]
            chosen = [*chosen, neighbour]
        return chosen, first + size < len(rows)

    def find(self, order_id: str) -> Order:
        order = self.orders.get(str(order_id))
        if order is None:
            raise NotFound(f"no order {order_id}")
        return order

    # --- control endpoints ---------------------------------------------------------------------------
    def platform_control_routes(self) -> list[Route]:
        return [
            Route("/__sim/orders", self._orders, ("GET", "POST")),
            Route("/__sim/orders/generate", self._generate),
            Route("/__sim/orders/<order_id>", self._order, ("GET",)),
            Route("/__sim/orders/<order_id>/refund", self._refund),
            Route("/__sim/orders/<order_id>/status", self._status),
            Route("/__sim/shipments", self._shipments, ("GET",)),
        ]

    def _orders(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response({"orders": list(self.orders.values())})
        body = read_json(request)
        batch = body.get("orders") or [body.get("order", body)]
        return json_response({"ids": [self.upsert(order) for order in batch]})

    def _generate(self, request: Request) -> Response:
        body = read_json(request)
        now = self.clock.now()
        until = parse_iso(body["until"]) if body.get("until") else now - timedelta(minutes=4)
        since = parse_iso(body["since"]) if body.get("since") else until - timedelta(hours=2)
        ids = self.generate(int(body.get("count", 10)), int(body.get("seed", 1)), since, until)
        return json_response({"ids": ids})

    def _order(self, request: Request, order_id: str) -> Response:
        return json_response(self.find(order_id))

    def _refund(self, request: Request, order_id: str) -> Response:
        order = self.find(order_id)
        self.apply_refund(order, read_json(request))
        self.touch(order, self.clock.now())
        return json_response(order)

    def _status(self, request: Request, order_id: str) -> Response:
        order = self.find(order_id)
        self.apply_status(order, read_json(request))
        self.touch(order, self.clock.now())
        return json_response(order)

    def _shipments(self, request: Request) -> Response:
        return json_response({"shipments": self.shipments})
