"""Marshmallow schemas of the CS desk API (documented shapes of the lookup answer and coupons)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

KINDS = ["order", "gift", "tracking", "external_id", "phone_name"]


class LookupSchema(Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Order no., gift no. (…GIFT), tracking no., platform order id, or '5678 张三'"
        },
    )
    kind = fields.String(
        load_default=None, validate=validate.OneOf(KINDS), metadata={"description": "Force a key kind"}
    )


class StepSchema(Schema):
    at = fields.DateTime()
    subject = fields.String()
    subject_label = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    from_label = fields.String()
    to_label = fields.String()
    actor = fields.String()
    source_system = fields.String()
    reason = fields.String(allow_none=True)


class PromiseSchema(Schema):
    ship_by = fields.DateTime(allow_none=True)
    promised_ship_hours = fields.Integer()
    state = fields.String(metadata={"description": "on_time | late | pending | not_due"})
    minutes_left = fields.Integer(allow_none=True)
    minutes_late = fields.Integer(allow_none=True)
    text = fields.String()


class CouponSchema(Schema):
    code = fields.String()
    amount = fields.String()
    currency = fields.String()
    rule = fields.String()
    rule_text = fields.String()
    late_minutes = fields.Integer()
    issued_by = fields.String()
    issued_at = fields.DateTime()


class PersonSchema(Schema):
    name = fields.String()
    phone = fields.String()


class AddressOutSchema(PersonSchema):
    text = fields.String()
    masked = fields.Boolean()
    note = fields.String(allow_none=True)


class AnswerSchema(Schema):
    order_number = fields.String()
    external_id = fields.String()
    channel = fields.String()
    shop = fields.String()
    brand = fields.String(allow_none=True)
    warehouse = fields.String()
    warehouse_name = fields.String()
    timezone = fields.String()
    status = fields.String()
    status_label = fields.String()
    last_operator = fields.Nested(StepSchema, allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    paid_amount = fields.String()
    promise = fields.Nested(PromiseSchema)
    tracking = fields.Dict(allow_none=True, metadata={"description": "{number, courier, courier_label}"})
    packages = fields.List(fields.Dict(), metadata={"description": "Every package: tracking number, state…"})
    shipment_state = fields.String(metadata={"description": "not_packed|packed|partially_shipped|shipped"})
    gift = fields.Dict(
        allow_none=True, metadata={"description": "{gift_number, status, status_label, items}"}
    )
    gift_line = fields.String(metadata={"example": "赠品: 保温水杯 (已打包)"})
    holds = fields.List(fields.Dict())
    customer = fields.Nested(PersonSchema)
    address = fields.Nested(AddressOutSchema, allow_none=True)
    lines = fields.List(fields.Dict())
    trail = fields.List(fields.Nested(StepSchema), metadata={"description": "Newest first"})
    coupon = fields.Nested(CouponSchema, allow_none=True)
    coupon_eligible = fields.Boolean()


class MatchSchema(Schema):
    order_number = fields.String()
    status = fields.String()
    status_label = fields.String()
    customer_name = fields.String()
    shop = fields.String()
    warehouse = fields.String()
    paid_at = fields.DateTime(allow_none=True)
    ship_by = fields.DateTime(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    gift_line = fields.String(allow_none=True)


class LookupResultSchema(Schema):
    found = fields.Boolean()
    kind = fields.String(metadata={"description": "The key kind that matched (or none)"})
    kind_label = fields.String()
    latency_ms = fields.Float(metadata={"description": "Server time of the lookup"})
    answer = fields.Nested(AnswerSchema, allow_none=True, metadata={"description": "When exactly one order"})
    matches = fields.List(fields.Nested(MatchSchema), metadata={"description": "When several: choose one"})


class ChatSchema(Schema):
    message = fields.String(required=True, validate=validate.Length(min=1, max=500))
    locale = fields.String(load_default=None, validate=validate.OneOf(["zh-CN", "en"]))


class ChatReplySchema(Schema):
    reply = fields.String()
    found = fields.Boolean()
    locale = fields.String()
    order_number = fields.String(allow_none=True)


class CouponResultSchema(Schema):
    created = fields.Boolean(metadata={"description": "False when the order already had its coupon"})
    order_number = fields.String()
    coupon = fields.Nested(CouponSchema)
