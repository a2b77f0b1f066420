"""Request and response schemas of the label endpoints (`labels_routes`)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.labels.profiles import FORMATS


class FormatArgs(Schema):
    format = fields.String(load_default=None, validate=validate.OneOf(FORMATS))


class PrinterArgs(FormatArgs):
    warehouse = fields.String(
        load_default=None, metadata={"description": "Only for callers without a warehouse"}
    )


class DocumentArgs(FormatArgs):
    station = fields.String(required=True, validate=validate.Length(min=1, max=32))
    version = fields.Integer(
        load_default=None, metadata={"description": "Refuse unless this is the current version"}
    )


class PrintSchema(FormatArgs):
    station = fields.String(required=True, validate=validate.Length(min=1, max=32))
    client_request_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ReprintSchema(FormatArgs):
    station = fields.String(required=True, validate=validate.Length(min=1, max=32))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    client_request_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class ScanSchema(Schema):
    station = fields.String(required=True, validate=validate.Length(min=1, max=32))
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ScanOutSchema(Schema):
    matches = fields.Boolean(metadata={"description": "The code is the current label's tracking number"})
    released = fields.Boolean(metadata={"description": "That scan ended the address_changed hold"})
    holds = fields.List(fields.String())


class PrinterOutSchema(Schema):
    station = fields.String()
    name = fields.String()
    warehouse = fields.String()
    format = fields.String(metadata={"description": "What to print now (the requested format, if any)"})
    configured_format = fields.String()
    fallback = fields.Boolean(metadata={"description": "True when printing another format than configured"})
    size = fields.String()
    dpi = fields.Integer()
    media_type = fields.String()


class PrintOutSchema(Schema):
    print_status = fields.String(
        metadata={"description": "printed | reprinted | duplicate | waybill_pending"}
    )
    tracking_number = fields.String(allow_none=True)
    routing_code = fields.String(allow_none=True)
    label_version = fields.Integer()
    document_url = fields.String(allow_none=True)
    count = fields.Integer(allow_none=True, metadata={"description": "1 = first print, 2.. = reprints"})
    printed_at = fields.DateTime(allow_none=True)


class LabelStateSchema(Schema):
    version = fields.Integer()
    tracking_number = fields.String(allow_none=True)
    routing_code = fields.String(allow_none=True)
    waybill_status = fields.String(allow_none=True, metadata={"description": "pending | issued | failed"})
    outdated = fields.Boolean()
    printed = fields.Boolean()
    printed_at = fields.DateTime(allow_none=True)
    station = fields.String(allow_none=True)
    print_count = fields.Integer()


class LabelStatusSchema(Schema):
    order_number = fields.String()
    status = fields.String()
    holds = fields.List(fields.String())
    label = fields.Nested(LabelStateSchema)
