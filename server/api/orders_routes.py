"""/api/v1/orders: ingest (idempotent upsert), read, list with keyset paging, transitions, holds."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server import clock
from server.accounts.roles import Role
from server.api.auth import ANYONE, check_warehouse, current_principal, requires, runtime
from server.api.schemas import AddressSchema, HoldOutSchema, OrderDetailSchema, OrderSummarySchema
from server.orders import holds, queries
from server.orders.addresses import AddressInput
from server.orders.ingest import ASSERTABLE, IngestLine, IngestOrder, ingest_order
from server.orders.models import Order
from server.orders.states import HoldKind, OrderStatus
from server.orders.transitions import TransitionCommand, transition

blp = Blueprint("orders", __name__, url_prefix="/api/v1/orders", description="The order hub")


class IngestLineSchema(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    qty = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))


class IngestSchema(Schema):
    source = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata={"example": "tmall"}
    )
    external_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    order_number = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z0-9-]{4,40}$"))
    shop = fields.String(required=True, validate=validate.Length(min=1, max=50))
    warehouse = fields.String(required=True, validate=validate.Length(min=1, max=32))
    customer_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    customer_phone = fields.String(load_default=None, validate=validate.Length(max=32))
    status = fields.String(required=True, validate=validate.OneOf(sorted(ASSERTABLE)))
    paid_at = fields.AwareDateTime(load_default=None)
    paid_amount = fields.Decimal(
        load_default=0,
        places=2,
        validate=validate.Range(min=0, max=10_000_000),
        # apispec would print the Decimal bounds as strings ("0.00"), which is not a valid JSON Schema.
        metadata={"minimum": 0, "maximum": 10_000_000, "default": 0},
    )
    promotions = fields.List(
        fields.String(validate=validate.Length(max=64)), load_default=list, validate=validate.Length(max=20)
    )
    ship_by = fields.AwareDateTime(load_default=None)
    source_modified_at = fields.AwareDateTime(load_default=None)
    platform_holds = fields.List(
        fields.String(validate=validate.OneOf([k.value for k in HoldKind])), load_default=list
    )
    address = fields.Nested(AddressSchema, required=True)
    lines = fields.List(
        fields.Nested(IngestLineSchema), required=True, validate=validate.Length(min=1, max=500)
    )


class IngestResultSchema(Schema):
    created = fields.Boolean()
    changed = fields.Boolean()
    order = fields.Nested(OrderDetailSchema)


class ListArgsSchema(Schema):
    status = fields.List(
        fields.String(validate=validate.OneOf([s.value for s in OrderStatus])), load_default=list
    )
    warehouse = fields.String(load_default=None)
    channel = fields.String(load_default=None)
    shop = fields.String(load_default=None)
    ship_by_before = fields.AwareDateTime(load_default=None)
    ship_by_after = fields.AwareDateTime(load_default=None)
    has_gift = fields.Boolean(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))


class OrderPageSchema(Schema):
    items = fields.List(fields.Nested(OrderSummarySchema))
    next_cursor = fields.String(allow_none=True)


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in OrderStatus]))
    reason = fields.String(load_default=None, validate=validate.Length(max=500))
    expected_status = fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in OrderStatus])
    )


class HoldSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in HoldKind]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReleaseSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _scoped_order(session: Any, order_number: str) -> Order:
    order = queries.get_order(session, order_number)
    check_warehouse(current_principal(), order.warehouse_id, order.warehouse.code)
    return order


@blp.route("")
class Orders(MethodView):
    @requires(blp, Role.ADMIN, Role.INTEGRATION)
    @blp.arguments(IngestSchema)
    @blp.response(200, IngestResultSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Ingest or update an order (idempotent on source + external_id); binds a gift sub-order by promotion."""
        rt = runtime()
        cmd = IngestOrder(
            source=body["source"],
            external_id=body["external_id"],
            order_number=body["order_number"],
            shop_code=body["shop"],
            warehouse_code=body["warehouse"],
            customer_name=body["customer_name"],
            customer_phone=body["customer_phone"],
            status=body["status"],
            paid_at=body["paid_at"],
            paid_amount=body["paid_amount"],
            promotions=tuple(body["promotions"]),
            ship_by=body["ship_by"],
            source_modified_at=body["source_modified_at"],
            platform_holds=tuple(body["platform_holds"]),
            address=AddressInput(**body["address"]),
            lines=tuple(IngestLine(**line) for line in body["lines"]),
        )
        principal = current_principal()
        with rt.work() as work:
            result = ingest_order(
                work.session,
                cmd,
                actor=principal.actor,
                source_system=body["source"],
                now=clock.now(),
                tz=rt.settings.tz,
                default_ship_hours=rt.settings.default_promised_ship_hours,
            )
            work.publish(result.events)
            return {
                "created": result.created,
                "changed": result.changed,
                "order": queries.preload(result.order),
            }

    @requires(blp, *ANYONE)
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, OrderPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List orders, newest first; filters combine; follow `next_cursor` for the next page."""
        principal = current_principal()
        flt = queries.OrderFilter(
            status=tuple(args["status"]),
            warehouse=args["warehouse"],
            warehouse_ids=principal.warehouse_scope,
            channel=args["channel"],
            shop=args["shop"],
            ship_by_before=args["ship_by_before"],
            ship_by_after=args["ship_by_after"],
            has_gift=args["has_gift"],
        )
        with runtime().read() as session:
            page = queries.list_orders(session, flt, limit=args["limit"], cursor=args["cursor"])
            return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route("/<order_number>")
class OrderDetail(MethodView):
    @requires(blp, *ANYONE)
    @blp.response(200, OrderDetailSchema)
    def get(self, order_number: str) -> Any:
        """One order with lines, gift sub-order and its status, current address, holds and the full trail."""
        with runtime().read() as session:
            return queries.preload(_scoped_order(session, order_number))


@blp.route("/<order_number>/transitions")
class Transitions(MethodView):
    @requires(blp, Role.LEAD, Role.ADMIN, Role.INTEGRATION)
    @blp.arguments(TransitionSchema)
    @blp.response(200, OrderDetailSchema)
    def post(self, body: dict[str, Any], order_number: str) -> Any:
        """Move the order to another state (checked against the transition table and open holds)."""
        principal = current_principal()
        with runtime().work() as work:
            order = _scoped_order(work.session, order_number)
            order, events = transition(
                work.session,
                TransitionCommand(
                    order_id=order.id,
                    to_status=body["to"],
                    actor=principal.actor,
                    source_system="packline",
                    reason=body["reason"],
                    expected_status=body["expected_status"],
                ),
                now=clock.now(),
            )
            work.publish(events)
            return queries.preload(order)


@blp.route("/<order_number>/holds")
class Holds(MethodView):
    @requires(blp, Role.LEAD, Role.ADMIN, Role.CS, Role.INTEGRATION)
    @blp.arguments(HoldSchema)
    @blp.response(201, HoldOutSchema)
    def post(self, body: dict[str, Any], order_number: str) -> Any:
        """Place a hold (idempotent per kind while open): blocks every forward transition."""
        principal = current_principal()
        with runtime().work() as work:
            order = _scoped_order(work.session, order_number)
            result = holds.place_hold(
                work.session,
                order,
                body["kind"],
                reason=body["reason"],
                actor=principal.actor,
                source_system="packline",
                now=clock.now(),
            )
            work.publish(result.events)
            return result.hold


@blp.route("/<order_number>/holds/<int:hold_id>/release")
class ReleaseHold(MethodView):
    @requires(blp, Role.LEAD, Role.ADMIN)
    @blp.arguments(ReleaseSchema)
    @blp.response(200, HoldOutSchema)
    def post(self, body: dict[str, Any], order_number: str, hold_id: int) -> Any:
        """Release an open hold (lead or admin), with a reason."""
        principal = current_principal()
        with runtime().work() as work:
            order = _scoped_order(work.session, order_number)
            result = holds.release_hold(
                work.session, order, hold_id, actor=principal.actor, reason=body["reason"], now=clock.now()
            )
            work.publish(result.events)
            return result.hold
