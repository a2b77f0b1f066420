"""Courier labels at the pack station: the station's printer, label and gift-slip documents, print,
audited reprint and print status. Each route is one domain call in one transaction."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.accounts.roles import Role
from server.api.auth import check_warehouse, current_principal, requires, runtime
from server.api.labels_schemas import (
    DocumentArgs,
    LabelStatusSchema,
    PrinterArgs,
    PrinterOutSchema,
    PrintOutSchema,
    PrintSchema,
    ReprintSchema,
    ScanOutSchema,
    ScanSchema,
)
from server.catalog.models import Warehouse
from server.errors import InvalidInput
from server.i18n import Localized
from server.integrations.factory import Connectors, NotConfigured
from server.integrations.ports import CourierPort
from server.labels import documents, gate, printing, prints
from server.labels.budget import BudgetedCourier, LazyCourier
from server.labels.print_messages import CourierNotConfigured
from server.labels.render import MEDIA_TYPES, RenderedLabel
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
_DOCUMENTS: dict[str, dict[str, Any]] = {media: {} for media in MEDIA_TYPES.values()}


def _station_courier(code: str) -> CourierPort:
    """The process's connector for `code`, behind the station's wait budget."""
    rt = runtime()
    connectors = current_app.extensions.get(CONNECTORS_KEY)
    if connectors is None:
        connectors = current_app.extensions.setdefault(CONNECTORS_KEY, Connectors(rt.settings))
    try:
        inner = connectors.courier(code)
    except NotConfigured as exc:
        raise CourierNotConfigured(code) from exc
    return BudgetedCourier(inner, rt.settings.label_waybill_budget_ms / 1000)


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
        reason = Localized("没有所属仓库的账号须指定仓库", "required for callers without a warehouse")
        raise InvalidInput("INVALID_INPUT", field="warehouse", reason=reason)
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
                LazyCourier(order.courier_code or runtime().settings.label_default_courier, _station_courier),
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
            state = prints.label_status(session, order)
            return {
                "order_number": order.order_number,
                "status": order.status,
                "holds": sorted({h.kind for h in order.open_holds}),
                "label": state,
            }


@blp.route("/<order_number>/label/scan")
class ScanLabel(MethodView):
    @requires(blp, *PACKING)
    @blp.arguments(ScanSchema)
    @blp.response(200, ScanOutSchema)
    def post(self, body: dict[str, Any], order_number: str) -> dict[str, Any]:
        """Check a scanned label barcode against the current label; after an address change, scanning the
        newly printed label releases the `address_changed` hold."""
        principal = current_principal()
        with runtime().work() as work:
            order = _scoped_order(work.session, order_number)
            scan = gate.scan_label(
                work.session, order, body["code"], body["station"], principal.actor, clock.now()
            )
            work.publish(scan.events)
            holds = sorted({h.kind for h in order.open_holds})
            return {"matches": scan.matches, "released": scan.released, "holds": holds}
