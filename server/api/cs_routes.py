"""/api/v1/cs: the customer service desk — lookup by any key, the chat-bot reply, delay coupons."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from server import clock
from server.accounts.roles import Role
from server.api.auth import check_warehouse, current_principal, requires, runtime
from server.api.cs_schemas import (
    ChatReplySchema,
    ChatSchema,
    CouponResultSchema,
    LookupResultSchema,
    LookupSchema,
)
from server.api.errors import locale
from server.api.schemas import ErrorSchema
from server.cs.answer import coupon_view
from server.cs.coupons import issue_delay_coupon, parse_rules
from server.cs.desk import Asker, chat_reply, desk_lookup
from server.orders import queries

blp = Blueprint("cs", __name__, url_prefix="/api/v1/cs", description="Customer service desk")

REVEALING = frozenset({Role.ADMIN, Role.LEAD})


@blp.route("/lookup")
class Lookup(MethodView):
    @requires(blp, Role.CS, Role.ADMIN, Role.LEAD)
    @blp.arguments(LookupSchema)
    @blp.response(200, LookupResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Find an order by order no., gift no., tracking no., platform id, or phone last 4 + name.

        POST so that phone digits and names stay out of URLs and access logs. CS sees phone and house
        details masked; admin and lead see them in full (a lead only in their warehouse)."""
        principal = current_principal()
        asker = Asker(principal.actor, principal.warehouse_scope, principal.role in REVEALING)
        with runtime().work() as work:
            return desk_lookup(
                work.session, body["q"], body["kind"], asker=asker, now=clock.now(), locale=locale()
            )


@blp.route("/chat-reply")
class ChatReply(MethodView):
    @requires(blp, Role.INTEGRATION, Role.CS, Role.ADMIN)
    @blp.arguments(ChatSchema)
    @blp.response(200, ChatReplySchema)
    def post(self, body: dict[str, Any]) -> Any:
        """The reply a WeCom/DingTalk bot posts for "查订单 DAB…" / "order DAB…"; unknown orders get a polite
        text, never an error. The reply language follows the message (or `locale`)."""
        with runtime().work() as work:
            return chat_reply(
                work.session,
                body["message"],
                actor=current_principal().actor,
                now=clock.now(),
                locale=body["locale"],
            )


@blp.route("/orders/<order_number>/coupon")
class Coupon(MethodView):
    @requires(blp, Role.CS, Role.ADMIN, Role.LEAD)
    @blp.response(201, CouponResultSchema, description="Coupon issued")
    @blp.alt_response(200, schema=CouponResultSchema, description="The order's existing coupon (repeat)")
    @blp.alt_response(422, schema=ErrorSchema, description="ORDER_NOT_LATE")
    def post(self, order_number: str) -> Any:
        """Issue the delay compensation coupon of a late order (one per order; a repeat returns it)."""
        rt = runtime()
        principal = current_principal()
        rules = parse_rules(rt.settings.delay_coupon_rules)
        with rt.work() as work:
            order = queries.get_order(work.session, order_number)
            check_warehouse(principal, order.warehouse_id, order.warehouse.code)
            result = issue_delay_coupon(
                work.session, order, rules=rules, actor=principal.actor, now=clock.now()
            )
            coupon = coupon_view(result.coupon, locale())
        body = {"created": result.created, "order_number": order_number, "coupon": coupon}
        return body, 201 if result.created else 200
