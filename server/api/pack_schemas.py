"""Marshmallow schemas of the packing station API: the requests and the ScanAnswer every call returns."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

STATION_CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}\Z", error="a station code such as PK01")
CLIENT_SCAN_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{1,64}\Z", error="1-64 of A-Z a-z 0-9 . _ : -")
DEVICE_ID = validate.Regexp(r"^[\x20-\x7e]{1,64}\Z", error="1-64 printable ASCII characters")

_CLIENT_SCAN_ID_DOC = "Unique per scan (a UUID from the PDA); a retry with the same id gets the same answer"


def _enum(*values: str) -> dict[str, object]:
    return {"enum": list(values)}


class ScanRequestSchema(Schema):
    station = fields.String(required=True, validate=STATION_CODE, metadata={"example": "PK01"})
    code = fields.Raw(
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "What the scanner sent, as is. Garbage (empty, control characters only, over 128 "
            "characters, not a string) is answered as a rejected scan (INVALID_INPUT/UNKNOWN_CODE), never a 4xx.",
            "example": "DAB2026112500001",
        },
    )
    client_scan_id = fields.String(
        required=True, validate=CLIENT_SCAN_ID, metadata={"description": _CLIENT_SCAN_ID_DOC}
    )
    device_id = fields.String(load_default=None, validate=DEVICE_ID)


class PackActionSchema(Schema):
    station = fields.String(required=True, validate=STATION_CODE, metadata={"example": "PK01"})
    client_scan_id = fields.String(
        required=True, validate=CLIENT_SCAN_ID, metadata={"description": _CLIENT_SCAN_ID_DOC}
    )
    device_id = fields.String(load_default=None, validate=DEVICE_ID)


class AbandonSchema(PackActionSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class GiftOverrideSchema(PackActionSchema):
    lead_badge = fields.String(
        required=True, validate=validate.Length(max=128), metadata={"description": "The lead's scanned badge"}
    )
    reason = fields.String(
        required=True, validate=validate.Length(max=500), metadata={"description": "Why the gift is missing"}
    )


class StationQuerySchema(Schema):
    station = fields.String(required=True, validate=STATION_CODE, metadata={"example": "PK01"})


class PackOutSchema(Schema):
    id = fields.Integer()
    station = fields.String()
    packer = fields.String(metadata={"description": "Display name of the packer"})
    packer_username = fields.String()
    opened_at = fields.String(metadata={"format": "date-time"})
    status = fields.String(metadata=_enum("open", "completed", "abandoned"))


class CardLineSchema(Schema):
    sku = fields.String()
    name = fields.String()
    required = fields.Integer()
    scanned = fields.Integer()
    barcodes = fields.List(fields.String())


class CardGiftLineSchema(Schema):
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()


class CardGiftSchema(Schema):
    gift_number = fields.String(metadata={"description": "The code on the gift slip: order number + GIFT"})
    status = fields.String(metadata=_enum("pending", "packed", "to_reship"))
    scanned = fields.Boolean()
    lines = fields.List(fields.Nested(CardGiftLineSchema))


class CardAddressSchema(Schema):
    name = fields.String(metadata={"description": "Masked"})
    phone = fields.String(metadata={"description": "Masked"})
    province = fields.String()
    city = fields.String()
    district = fields.String()
    detail = fields.String()
    version = fields.Integer()
    changed = fields.Boolean(metadata={"description": "True when the order has had more than one address"})


class OrderCardSchema(Schema):
    order_number = fields.String()
    status = fields.String()
    tracking_number = fields.String(allow_none=True)
    ship_by = fields.String(allow_none=True, metadata={"format": "date-time"})
    seconds_left = fields.Integer(
        allow_none=True, metadata={"description": "Until ship_by; negative when late"}
    )
    holds = fields.List(fields.String(), metadata={"description": "Kinds of the open holds"})
    lines = fields.List(fields.Nested(CardLineSchema))
    gift = fields.Nested(CardGiftSchema, allow_none=True)
    address = fields.Nested(CardAddressSchema, allow_none=True)


class RemainingSchema(Schema):
    items = fields.Integer(metadata={"description": "Units still to scan"})
    gift = fields.Boolean(metadata={"description": "The gift slip still has to be scanned"})


class ScanInfoSchema(Schema):
    id = fields.Integer(allow_none=True)
    client_scan_id = fields.String(allow_none=True)
    kind = fields.String(metadata=_enum("scan", "complete", "undo", "abandon", "gift_override", "release"))
    raw = fields.String(
        allow_none=True, metadata={"description": "Input as received, control characters as \\xNN"}
    )
    normalized = fields.String(allow_none=True)
    matched = fields.String(allow_none=True, metadata=_enum("order", "tracking", "item", "gift", "unknown"))
    sku = fields.String(allow_none=True)
    qty = fields.Integer()


class ScanAnswerSchema(Schema):
    result = fields.String(required=True, metadata=_enum("ok", "rejected", "duplicate"))
    code = fields.String(
        required=True, metadata={"description": "Stable code, e.g. ITEM_ACCEPTED, GIFT_REQUIRED"}
    )
    message = fields.String(
        required=True, metadata={"description": "Localized (Accept-Language zh-CN or en)"}
    )
    prompt = fields.String(metadata={"description": "Localized instruction for the next step"})
    severity = fields.String(required=True, metadata=_enum("success", "info", "warning", "error"))
    sound = fields.String(required=True, metadata=_enum("success", "warning", "error"))
    step = fields.String(
        required=True, metadata=_enum("scan_order", "scan_items", "scan_gift", "confirm", "done")
    )
    details = fields.Dict(
        metadata={"description": "Structured context (hold kinds, locking packer, missing lines...)"}
    )
    pack = fields.Nested(PackOutSchema, allow_none=True)
    order = fields.Nested(OrderCardSchema, allow_none=True)
    remaining = fields.Nested(RemainingSchema)
    scan = fields.Nested(ScanInfoSchema, allow_none=True)
    replayed = fields.Boolean(
        metadata={"description": "Present and true when this is the stored answer of a retry"}
    )


class PrinterSchema(Schema):
    format = fields.String(allow_none=True, metadata={"example": "zpl"})
    size = fields.String(allow_none=True, metadata={"example": "76x130"})
    dpi = fields.Integer(allow_none=True, metadata={"example": 203})


class StationSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata=_enum("pack", "dock"))
    warehouse = fields.String()
    printer = fields.Nested(
        PrinterSchema, allow_none=True, metadata={"description": "null: no printer set up"}
    )


class ScanEventSchema(Schema):
    id = fields.Integer()
    client_scan_id = fields.String(allow_none=True)
    kind = fields.String()
    raw = fields.String(allow_none=True)
    raw_length = fields.Integer()
    normalized = fields.String(allow_none=True)
    matched = fields.String(allow_none=True)
    sku = fields.String(allow_none=True)
    qty = fields.Integer()
    result = fields.String()
    code = fields.String()
    message = fields.String(
        allow_none=True, metadata={"description": "As answered, in the caller's language then"}
    )
    user = fields.String()
    device_id = fields.String(allow_none=True)
    station = fields.String(allow_none=True)
    pack_id = fields.Integer(allow_none=True)
    at = fields.DateTime()
    undone_at = fields.DateTime(allow_none=True)


class OrderScansSchema(Schema):
    order_number = fields.String()
    scans = fields.List(fields.Nested(ScanEventSchema))
