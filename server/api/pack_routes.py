"""/api/v1/pack: the packing station, server-driven. Every call answers a ScanAnswer with HTTP 200 —
a rejected scan is data, not an HTTP failure; only auth and malformed requests are 4xx."""

from __future__ import annotations

import re
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from server import clock
from server.accounts.roles import Role
from server.api.auth import ALL_PEOPLE, current_principal, requires, runtime
from server.api.errors import locale
from server.api.pack_schemas import (
    AbandonSchema,
    GiftOverrideSchema,
    OrderScansSchema,
    PackActionSchema,
    ScanAnswerSchema,
    ScanRequestSchema,
    StationQuerySchema,
)
from server.errors import NotFound
from server.scanning import queries, services
from server.scanning.desk import Actor, ScanResult
from server.scanning.services import OverrideCommand, PackCommand, ScanCommand

blp = Blueprint(
    "pack",
    __name__,
    url_prefix="/api/v1",
    description="Packing station: scans, completion, gift override, locks",
)
PACKING = (Role.PACKER, Role.LEAD)
_ORDER_NUMBER = re.compile(r"[\x21-\x7e]{1,48}")


def _actor() -> Actor:
    p = current_principal()
    return Actor(
        username=p.name, user_id=p.user_id, role=p.role, warehouse_id=p.warehouse_id, device_id=p.device_id
    )


def _answer(result: ScanResult, work: Any) -> dict[str, Any]:
    work.publish(result.events)
    return result.answer


def _checked_order_number(order_number: str) -> str:
    if not _ORDER_NUMBER.fullmatch(order_number):
        raise NotFound("order", order_number=order_number[:48])
    return order_number


@blp.route("/pack/scan")
class Scan(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(ScanRequestSchema)
    @blp.response(200, ScanAnswerSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """The one scan: opens a pack (order/tracking number), counts an item, takes the gift slip,
        or completes (the order's own number/tracking number again)."""
        rt = runtime()
        cmd = ScanCommand(body["station"], body["code"], body["client_scan_id"], body["device_id"])
        with rt.work() as work:
            result = services.scan(
                work.session,
                cmd,
                _actor(),
                now=clock.now(),
                lock_seconds=rt.settings.pack_lock_seconds,
                locale=locale(),
            )
            return _answer(result, work)


@blp.route("/pack/complete")
class Complete(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(PackActionSchema)
    @blp.response(200, ScanAnswerSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Complete the open pack: the order (and its gift sub-order) become packed in one transaction."""
        cmd = PackCommand(body["station"], body["client_scan_id"], body["device_id"])
        with runtime().work() as work:
            return _answer(
                services.complete(work.session, cmd, _actor(), now=clock.now(), locale=locale()), work
            )


@blp.route("/pack/undo")
class Undo(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(PackActionSchema)
    @blp.response(200, ScanAnswerSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Undo the last accepted item or gift scan of the open pack (the undo is recorded too)."""
        cmd = PackCommand(body["station"], body["client_scan_id"], body["device_id"])
        with runtime().work() as work:
            return _answer(services.undo(work.session, cmd, _actor(), now=clock.now(), locale=locale()), work)


@blp.route("/pack/abandon")
class Abandon(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(AbandonSchema)
    @blp.response(200, ScanAnswerSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Give up the open pack (its counts are discarded; the order stays printed)."""
        cmd = PackCommand(body["station"], body["client_scan_id"], body["device_id"], body["reason"])
        with runtime().work() as work:
            return _answer(
                services.abandon(work.session, cmd, _actor(), now=clock.now(), locale=locale()), work
            )


@blp.route("/pack/gift-override")
class GiftOverride(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(GiftOverrideSchema)
    @blp.response(200, ScanAnswerSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """A lead's badge accepts a missing gift: the order is packed, the gift sub-order becomes to_reship."""
        cmd = OverrideCommand(
            body["station"], body["client_scan_id"], body["lead_badge"], body["reason"], body["device_id"]
        )
        with runtime().work() as work:
            return _answer(
                services.override_gift(work.session, cmd, _actor(), now=clock.now(), locale=locale()), work
            )


@blp.route("/pack/state")
class State(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(StationQuerySchema, location="query")
    @blp.response(200, ScanAnswerSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The station's current answer, for resync after a reload or reconnect (step scan_order when idle)."""
        with runtime().read() as session:
            return services.station_state(
                session, _actor(), args["station"], now=clock.now(), locale=locale()
            )


@blp.route("/pack/locks/<order_number>/release")
class ReleaseLock(MethodView):
    @requires(blp, Role.LEAD)
    @blp.response(200, ScanAnswerSchema)
    def post(self, order_number: str) -> dict[str, Any]:
        """Lead only: free an order held by another packer's open pack (that pack is abandoned, audited)."""
        order_number = _checked_order_number(order_number)
        with runtime().work() as work:
            result = services.release_lock(
                work.session, _actor(), order_number, now=clock.now(), locale=locale()
            )
            return _answer(result, work)


@blp.route("/orders/<order_number>/scans")
class OrderScans(MethodView):
    @requires(blp, *ALL_PEOPLE)
    @blp.response(200, OrderScansSchema)
    def get(self, order_number: str) -> Any:
        """Every scan and pack action on the order, accepted or rejected, oldest first."""
        order_number = _checked_order_number(order_number)
        with runtime().read() as session:
            found = queries.scans_of_order(session, order_number, current_principal().warehouse_scope)
            return {"order_number": found.order_number, "scans": found.events}
