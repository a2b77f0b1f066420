"""Marshmallow schemas shared by several resources (errors, addresses, the order card)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable machine code, e.g. GIFT_REQUIRED"})
    message = fields.String(
        required=True, metadata={"description": "Localized text (Accept-Language: zh-CN, en)"}
    )
    details = fields.Dict(required=True, metadata={"description": "Structured context of the error"})


class AddressSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(required=True, validate=validate.Length(min=3, max=32))
    province = fields.String(load_default="", validate=validate.Length(max=50))
    city = fields.String(load_default="", validate=validate.Length(max=50))
    district = fields.String(load_default="", validate=validate.Length(max=50))
    detail = fields.String(required=True, validate=validate.Length(min=1, max=255))


class AddressOutSchema(Schema):
    version = fields.Integer()
    name = fields.String()
    phone = fields.String()
    province = fields.String()
    city = fields.String()
    district = fields.String()
    detail = fields.String()
    source_system = fields.String()
    created_at = fields.DateTime()


class HoldOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    reason = fields.String(allow_none=True)
    placed_by = fields.String()
    source_system = fields.String()
    placed_at = fields.DateTime()
    released_by = fields.String(allow_none=True)
    released_at = fields.DateTime(allow_none=True)
    release_reason = fields.String(allow_none=True)


class LineOutSchema(Schema):
    line_no = fields.Integer()
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()
    refund_state = fields.String()


class GiftLineOutSchema(Schema):
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()


class GiftOutSchema(Schema):
    gift_number = fields.String()
    promotion_code = fields.String()
    status = fields.String(metadata={"description": "pending | packed | to_reship"})
    status_reason = fields.String(allow_none=True)
    packed_at = fields.DateTime(allow_none=True)
    lines = fields.List(fields.Nested(GiftLineOutSchema))


class TransitionOutSchema(Schema):
    subject = fields.String(metadata={"description": "order or gift"})
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String()
    source_system = fields.String()
    reason = fields.String(allow_none=True)
    at = fields.DateTime()


class OrderSummarySchema(Schema):
    order_number = fields.String()
    source = fields.String()
    external_id = fields.String()
    shop = fields.Function(lambda o: o.shop.code)
    warehouse = fields.Function(lambda o: o.warehouse.code)
    status = fields.String()
    customer_name = fields.String()
    paid_at = fields.DateTime(allow_none=True)
    ship_by = fields.DateTime(allow_none=True)
    promised_ship_hours = fields.Integer()
    tracking_number = fields.String(allow_none=True)
    courier_code = fields.String(allow_none=True)
    has_gift = fields.Function(lambda o: o.gift is not None)
    gift_status = fields.Function(lambda o: o.gift.status if o.gift else None, allow_none=True)
    holds = fields.Function(lambda o: sorted({h.kind for h in o.open_holds}))
    version = fields.Integer()


class OrderDetailSchema(OrderSummarySchema):
    customer_phone = fields.String(allow_none=True)
    paid_amount = fields.Decimal(as_string=True)
    promotions = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineOutSchema))
    gift = fields.Nested(GiftOutSchema, allow_none=True)
    address = fields.Function(
        lambda o: AddressOutSchema().dump(o.current_address) if o.current_address else None
    )
    address_versions = fields.Function(lambda o: len(o.addresses))
    all_holds = fields.Function(lambda o: HoldOutSchema(many=True).dump(o.holds))
    trail = fields.List(fields.Nested(TransitionOutSchema))
