"""Marshmallow schemas of packages, weighing and the dock handover (its answer is ScanAnswer-style)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.api.pack_schemas import CLIENT_SCAN_ID, DEVICE_ID, STATION_CODE

COURIER = validate.Regexp(r"^[A-Za-z0-9]{1,20}\Z", error="a courier code such as ZTO")


def _enum(*values: str) -> dict[str, object]:
    return {"enum": list(values)}


class PackageLineSchema(Schema):
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()
    is_gift = fields.Boolean()


class PackageSchema(Schema):
    id = fields.Integer()
    package_no = fields.Integer()
    package_count = fields.Integer()
    warehouse = fields.String(allow_none=True)
    warehouse_id = fields.Integer()
    state = fields.String(metadata=_enum("to_pack", "packed", "handed_over", "voided"))
    state_label = fields.String()
    tracking_number = fields.String(allow_none=True)
    courier = fields.String(allow_none=True)
    courier_name = fields.String(allow_none=True)
    waybill_status = fields.String(metadata=_enum("pending", "issued", "failed", "voided"))
    contains_gift = fields.Boolean()
    weight_g = fields.Integer(allow_none=True)
    weight_check = fields.String(metadata=_enum("unweighed", "ok", "mismatch", "accepted"))
    handed_over_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    lines = fields.List(fields.Nested(PackageLineSchema))
    confirmations = fields.Dict(metadata={"description": "{platform|wms|erp: {status, detail}}"})


class OrderPackagesSchema(Schema):
    order_number = fields.String()
    status = fields.String()
    shipment_state = fields.String(metadata=_enum("not_packed", "packed", "partially_shipped", "shipped"))
    partially_shipped = fields.Boolean()
    packages = fields.List(fields.Nested(PackageSchema))


class WeighSchema(Schema):
    grams = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    source = fields.String(required=True, validate=validate.OneOf(["manual", "scale"]))


class AcceptWeightSchema(Schema):
    lead_badge = fields.String(
        load_default=None,
        validate=validate.Length(max=128),
        metadata={"description": "A lead's scanned badge; leave out when the caller is the lead"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class WeighAnswerSchema(Schema):
    result = fields.String(metadata=_enum("ok", "mismatch", "accepted"))
    code = fields.String(metadata={"description": "WEIGHT_OK, WEIGHT_MISMATCH or WEIGHT_ACCEPTED"})
    message = fields.String()
    severity = fields.String(metadata=_enum("success", "warning"))
    sound = fields.String(metadata=_enum("success", "warning"))
    details = fields.Dict(metadata={"description": "{grams, expected, tolerance, difference}"})
    package = fields.Nested(PackageSchema)


class LineWarehouseSchema(Schema):
    warehouse = fields.String(required=True, validate=validate.Length(min=1, max=32))


class NewBatchSchema(Schema):
    station = fields.String(required=True, validate=STATION_CODE, metadata={"example": "DOCK1"})
    courier = fields.String(required=True, validate=COURIER, metadata={"example": "ZTO"})


class BatchQuerySchema(Schema):
    station = fields.String(load_default=None, validate=STATION_CODE)
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "closed"]))


class StationArgSchema(Schema):
    station = fields.String(required=True, validate=STATION_CODE)


class CountsSchema(Schema):
    scanned = fields.Integer()
    intercepted = fields.Integer()
    weight_g = fields.Integer()


class BatchSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    courier = fields.String()
    station = fields.String()
    warehouse = fields.String()
    status = fields.String(metadata=_enum("open", "closed"))
    opened_at = fields.String(metadata={"format": "date-time"})
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    counts = fields.Nested(CountsSchema)


class BatchDetailSchema(BatchSchema):
    parcels = fields.List(fields.Dict())
    interceptions = fields.List(fields.Dict())
    shipped = fields.List(fields.String(), metadata={"description": "Orders shipped by the close"})
    partially_shipped = fields.List(
        fields.String(), metadata={"description": "Orders with parcels still to go"}
    )
    stopped = fields.List(fields.Dict(), metadata={"description": "Parcels intercepted at the close"})
    manifest = fields.Dict(metadata={"description": "{pdf, csv, json} links"})


class ParcelScanSchema(Schema):
    code = fields.Raw(
        required=True, allow_none=True, metadata={"type": "string", "description": "As scanned"}
    )
    client_scan_id = fields.String(required=True, validate=CLIENT_SCAN_ID)
    device_id = fields.String(load_default=None, validate=DEVICE_ID)


class ParcelSchema(Schema):
    package_id = fields.Integer()
    tracking_number = fields.String(allow_none=True)
    order_number = fields.String()
    package_no = fields.Integer()
    package_count = fields.Integer()
    weight_g = fields.Integer(allow_none=True)
    contains_gift = fields.Boolean()


class HandoverAnswerSchema(Schema):
    result = fields.String(required=True, metadata=_enum("ok", "rejected", "duplicate"))
    code = fields.String(
        required=True, metadata={"description": "PARCEL_ADDED, ORDER_ON_HOLD, PARCEL_DUPLICATE…"}
    )
    message = fields.String(required=True)
    severity = fields.String(required=True, metadata=_enum("success", "info", "warning", "error"))
    sound = fields.String(required=True, metadata=_enum("success", "warning", "error"))
    details = fields.Dict()
    batch = fields.Nested(BatchSchema, allow_none=True)
    parcel = fields.Nested(ParcelSchema, allow_none=True)
    intercepted = fields.Boolean(
        metadata={"description": "True: the parcel was stopped (interception recorded)"}
    )
    scan = fields.Dict()
    replayed = fields.Boolean()


class CourierSchema(Schema):
    code = fields.String()
    name = fields.String()
    waiting = fields.Integer(metadata={"description": "Packed parcels of this warehouse not handed over yet"})


class ManifestLineSchema(Schema):
    no = fields.Integer()
    tracking_number = fields.String()
    order_number = fields.String()
    package_no = fields.Integer()
    package_count = fields.Integer()
    weight_g = fields.Integer(allow_none=True)
    contains_gift = fields.Boolean()


class ManifestSchema(Schema):
    batch_number = fields.String()
    status = fields.String()
    courier_code = fields.String()
    courier_name = fields.String()
    warehouse_code = fields.String()
    station = fields.String()
    closed_at = fields.String(allow_none=True)
    rows_per_page = fields.Integer()
    total_weight_g = fields.Integer()
    lines = fields.List(fields.Nested(ManifestLineSchema))
    pages = fields.List(
        fields.List(fields.String()), metadata={"description": "Tracking numbers per PDF page, in order"}
    )
