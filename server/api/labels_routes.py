"""Courier labels at the pack station: the station's printer, label and gift-slip documents, print,
audited reprint and print status. Each route is one domain call in one transaction."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.accounts.roles import Role
from server.api.auth import check_warehouse, current_principal, requires, runtime
from server.catalog.models import Warehouse
from server.errors import InvalidInput
from server.integrations.factory import Connectors, NotConfigured
from server.integrations.ports import CourierPort, Waybill, WaybillRequest
from server.labels import documents, printing
from server.labels.budget import BudgetedCourier
from server.labels.print_messages import CourierNotConfigured
from server.labels.profiles import FORMATS
from server.labels.render import RenderedLabel
from server.labels.stations import printer_for
from server.orders import queries
from server.orders.messages import UNKNOWN_WAREHOUSE
from server.orders.models import Order

blp = Blueprint("labels", __name__, url_prefix="/api/v1/orders", description="Courier labels and gift slips")
stations_blp = Blueprint(
    "station_printers", __name__, url_prefix="/api/v1/stations", description="Station printers"
)
PACKING = (Role.PACKER, Role.LEAD)
# app.extensions key of the web process's Connectors (built on first use; tests put fakes there).
CONNECTORS_KEY = "packline.connectors"
_DOCUMENTS = {fmt: {} for fmt in ("application/pdf", "image/png", "image/svg+xml", "application/x-zpl")}


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


class _LazyCourier:
    """Resolved on first use: printing a label that already has its waybill needs no courier at all."""

    def __init__(self, code: str) -> None:
        self._code = code
        self._courier: CourierPort | None = None

    def _get(self) -> CourierPort:
        if self._courier is None:
            rt = runtime()
            connectors = current_app.extensions.setdefault(CONNECTORS_KEY, Connectors(rt.settings))
            try:
                inner = connectors.courier(self._code)
            except NotConfigured as exc:
                raise CourierNotConfigured(self._code) from exc
            self._courier = BudgetedCourier(inner, rt.settings.label_waybill_budget_ms / 1000)
        return self._courier

    @property
    def courier_code(self) -> str:
        return self._get().courier_code

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        return self._get().request_waybill(package_ref, order)

    def cancel_waybill(self, tracking_number: str) -> None:
        self._get().cancel_waybill(tracking_number)


def _scoped_order(session: Session, order_number: str) -> Order:
    order = queries.get_order(session, order_number)
    check_warehouse(current_principal(), order.warehouse_id, order.warehouse.code)
    return order


def _document_url(order_number: str, station: str, fmt: str, version: int) -> str:
    query = urlencode({"format": fmt, "station": station, "version": version})
    return f"/api/v1/orders/{quote(order_number)}/label?{query}"


def _print_answer(result: printing.PrintResult) -> dict[str, Any]:
    row = result.printed
    url = None
    if result.tracking_number:
        url = _document_url(
            result.order.order_number,
            result.printer.station.code,
            result.printer.profile.format,
            result.label_version,
        )
    return {
        "print_status": result.print_status,
        "tracking_number": result.tracking_number,
        "routing_code": result.routing_code,
        "label_version": result.label_version,
        "document_url": url,
        "count": row.count if row is not None else None,
        "printed_at": row.at if row is not None else None,
    }


def _file(rendered: RenderedLabel, **headers: str) -> Response:
    response = Response(rendered.data, mimetype=rendered.media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    response.headers["Cache-Control"] = "no-store"
    if rendered.font_fallback:
        response.headers["X-Label-Font-Fallback"] = "1"  # no CJK font on this server: Chinese is missing
    response.headers.update(headers)
    return response


@stations_blp.route("/<code>/printer")
class StationPrinter(MethodView):
    @requires(stations_blp, Role.PACKER, Role.LEAD, Role.ADMIN)
    @stations_blp.arguments(PrinterArgs, location="query")
    @stations_blp.response(200, PrinterOutSchema)
    @stations_blp.alt_response(409, description="NO_PRINTER_PROFILE or PRINTER_PROFILE_INVALID")
    def get(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """The station's printer profile; call it when the packer picks a station. `format=pdf` asks for
        PDF at the station's size and resolution (a ZPL station whose printer the PDA cannot reach)."""
        principal = current_principal()
        with runtime().read() as session:
            warehouse_id = principal.warehouse_id or _warehouse_id(session, args["warehouse"])
            printer = printer_for(session, warehouse_id, code, args["format"])
            station = printer.station
            return {
                "station": station.code,
                "name": station.name,
                "warehouse": station.warehouse.code,
                "format": printer.profile.format,
                "configured_format": printer.configured_format,
                "fallback": printer.fallback,
                "size": printer.profile.size,
                "dpi": printer.profile.dpi,
                "media_type": printer.media_type,
            }


def _warehouse_id(session: Session, code: str | None) -> int:
    if not code:
        raise InvalidInput(
            "INVALID_INPUT", field="warehouse", reason="required for callers without a warehouse"
        )
    found = session.scalar(select(Warehouse.id).where(Warehouse.code == code))
    if found is None:
        raise InvalidInput(UNKNOWN_WAREHOUSE, warehouse=code)
    return found


@blp.route("/<order_number>/label")
class OrderLabel(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(DocumentArgs, location="query")
    @blp.doc(responses={"200": {"description": "The current label version", "content": _DOCUMENTS}})
    @blp.alt_response(
        409, description="LABEL_NO_WAYBILL, LABEL_VERSION_STALE, LABEL_OUTDATED, NO_PRINTER_PROFILE"
    )
    def get(self, args: dict[str, Any], order_number: str) -> Response:
        """The current label version in the station's profile (or `format`): masked recipient, sender,
        routing code, order number, gift mark, print time, SKU summary, version."""
        with runtime().read() as session:
            order = _scoped_order(session, order_number)
            printer = printer_for(session, order.warehouse_id, args["station"], args["format"])
            rendered = documents.order_label(
                session, order, printer, now=clock.now(), version=args["version"]
            )
            return _file(rendered, **{"X-Label-Version": str(order.label_version)})


@blp.route("/<order_number>/gift-slip")
class GiftSlip(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(DocumentArgs, location="query")
    @blp.doc(
        responses={"200": {"description": "Gift slip with the <order>GIFT barcode", "content": _DOCUMENTS}}
    )
    def get(self, args: dict[str, Any], order_number: str) -> Response:
        """The gift slip (Code 128 of `<order number>GIFT` and the gift names); 422 `GIFT_SLIP_EMPTY` without a gift."""
        with runtime().read() as session:
            order = _scoped_order(session, order_number)
            printer = printer_for(session, order.warehouse_id, args["station"], args["format"])
            return _file(documents.order_gift_slip(order, printer))


@blp.route("/<order_number>/label/print")
class PrintLabel(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(PrintSchema)
    @blp.response(200, PrintOutSchema)
    @blp.alt_response(
        202, schema=PrintOutSchema, description="waybill_pending: poll the status, then print again"
    )
    def post(self, body: dict[str, Any], order_number: str) -> Any:
        """Print the current label: requests the waybill if needed (idempotent), records the print and moves
        the order picking → printed. The same `client_request_id` again answers `duplicate`."""
        principal = current_principal()
        with runtime().work() as work:
            order = _scoped_order(work.session, order_number)
            result = printing.print_label(
                work.session,
                order,
                _LazyCourier(order.courier_code or runtime().settings.label_default_courier),
                station=body["station"],
                client_request_id=body["client_request_id"],
                actor=principal.actor,
                now=clock.now(),
                fmt=body["format"],
            )
            work.publish(result.events)
            for job in result.jobs:
                work.enqueue(job.func, *job.args, queue=job.queue, job_id=job.job_id)
            answer = _print_answer(result)
        if result.error is not None:
            raise result.error  # after the commit: the failed attempt stays recorded
        return answer, (202 if result.print_status == printing.PrintStatus.WAYBILL_PENDING else 200)


@blp.route("/<order_number>/label/reprint")
class ReprintLabel(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(ReprintSchema)
    @blp.response(200, PrintOutSchema)
    def post(self, body: dict[str, Any], order_number: str) -> dict[str, Any]:
        """Print the current label again, with a reason; who, where, why and the copy number are recorded."""
        principal = current_principal()
        with runtime().work() as work:
            order = _scoped_order(work.session, order_number)
            result = printing.reprint_label(
                work.session,
                order,
                station=body["station"],
                reason=body["reason"],
                actor=principal.actor,
                now=clock.now(),
                fmt=body["format"],
                client_request_id=body["client_request_id"],
            )
            work.publish(result.events)
            return _print_answer(result)


@blp.route("/<order_number>/label/status")
class LabelStatus(MethodView):
    @requires(blp, *PACKING)
    @blp.response(200, LabelStatusSchema)
    def get(self, order_number: str) -> dict[str, Any]:
        """What the PDA shows: label version, tracking number, whether (where, when) it was printed."""
        with runtime().read() as session:
            order = _scoped_order(session, order_number)
            state = printing.label_status(session, order)
            return {
                "order_number": order.order_number,
                "status": order.status,
                "holds": sorted({h.kind for h in order.open_holds}),
                "label": state,
            }
