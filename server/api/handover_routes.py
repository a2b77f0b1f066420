"""/api/v1/handover: the dock. A batch per courier pickup, a ScanAnswer-style answer per parcel scanned
(an intercepted parcel is `ORDER_ON_HOLD` with severity error), the close that ships the orders, and the
manifest the courier signs (PDF, CSV, and the JSON lines the PDF is drawn from)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from server import clock
from server.accounts.roles import Role
from server.api.auth import current_principal, requires, runtime
from server.api.errors import locale
from server.api.schemas import ErrorSchema
from server.api.shipping_routes import worker
from server.api.shipping_schemas import (
    BatchDetailSchema,
    BatchQuerySchema,
    BatchSchema,
    CourierSchema,
    HandoverAnswerSchema,
    ManifestSchema,
    NewBatchSchema,
    ParcelScanSchema,
    StationArgSchema,
)
from server.i18n import localize_value
from server.shipping import closing, dock_log, handover, queries
from server.shipping.handover import ParcelScan
from server.shipping.manifest import Manifest, build_manifest, manifest_csv, manifest_pdf

blp = Blueprint(
    "handover", __name__, url_prefix="/api/v1/handover", description="Dock handover to the courier"
)
DOCK = (Role.PACKER, Role.LEAD)


def _enqueue(work: Any, jobs: list[Any]) -> None:
    for job in jobs:
        work.enqueue(job.func, *job.args, queue=job.queue, job_id=job.job_id)


def _links(batch_id: int) -> dict[str, str]:
    base = f"/api/v1/handover/batches/{batch_id}/manifest"
    return {"json": base, "pdf": f"{base}.pdf", "csv": f"{base}.csv"}


def _detail(session: Any, batch: Any, **extra: Any) -> dict[str, Any]:
    return {
        **dock_log.batch_dict(session, batch),
        "parcels": queries.batch_parcels(session, batch.id),
        "interceptions": queries.batch_interceptions(session, batch.id),
        "manifest": _links(batch.id),
        **extra,
    }


@blp.route("/couriers")
class Couriers(MethodView):
    @requires(blp, *DOCK)
    @blp.arguments(StationArgSchema, location="query")
    @blp.response(200, CourierSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Couriers to hand over to at this dock, with how many packed parcels wait for each."""
        with runtime().read() as session:
            station = handover.dock_station(session, worker(), args["station"])
            return queries.waiting_by_courier(session, station.warehouse_id)


@blp.route("/batches")
class Batches(MethodView):
    @requires(blp, *DOCK)
    @blp.arguments(BatchQuerySchema, location="query")
    @blp.response(200, BatchSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Recent batches of your warehouse (newest first), e.g. `status=open` to resume one."""
        with runtime().read() as session:
            found = queries.batches(session, current_principal().warehouse_id, args["status"])
            views = [dock_log.batch_dict(session, b) for b in found]
            return [v for v in views if args["station"] in (None, v["station"])]

    @requires(blp, *DOCK)
    @blp.arguments(NewBatchSchema)
    @blp.response(201, BatchDetailSchema, description="A new batch")
    @blp.alt_response(200, schema=BatchDetailSchema, description="The dock's open batch for this courier")
    def post(self, body: dict[str, Any]) -> Any:
        """Start (or resume) the pickup of one courier at one dock station."""
        with runtime().work() as work:
            batch, created = handover.open_batch(
                work.session, body["station"], body["courier"], worker(), now=clock.now()
            )
            return _detail(work.session, batch), 201 if created else 200


@blp.route("/batches/<int:batch_id>")
class BatchOne(MethodView):
    @requires(blp, *DOCK)
    @blp.response(200, BatchDetailSchema)
    def get(self, batch_id: int) -> dict[str, Any]:
        with runtime().read() as session:
            return _detail(session, handover.get_batch(session, batch_id, worker()))


@blp.route("/batches/<int:batch_id>/scan")
class Scan(MethodView):
    @requires(blp, *DOCK)
    @blp.arguments(ParcelScanSchema)
    @blp.response(200, HandoverAnswerSchema)
    def post(self, body: dict[str, Any], batch_id: int) -> dict[str, Any]:
        """Scan a parcel's tracking number onto the batch. Idempotent per `client_scan_id`; a parcel already
        in the batch is `duplicate`; a parcel whose order is held, refunded or cancelled is `ORDER_ON_HOLD`
        (severity error: the PDA's red screen), recorded as an interception (a refunded/cancelled order's
        labels are voided by a job)."""
        cmd = ParcelScan(batch_id, body["code"], body["client_scan_id"], body["device_id"])
        with runtime().work() as work:
            result = handover.scan_parcel(work.session, cmd, worker(), now=clock.now(), locale=locale())
            work.publish(result.events)
            _enqueue(work, result.jobs)
            return result.answer


@blp.route("/batches/<int:batch_id>/close")
class Close(MethodView):
    @requires(blp, *DOCK)
    @blp.response(200, BatchDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="BATCH_CLOSED or BATCH_EMPTY")
    def post(self, batch_id: int) -> dict[str, Any]:
        """Close the batch: parcels whose order got a hold since their scan are intercepted here; the rest
        are handed over, orders whose last package left become shipped (the others stay packed,
        partially shipped), and one shipment confirmation per package is queued."""
        with runtime().work() as work:
            result = closing.close_batch(work.session, batch_id, worker(), now=clock.now())
            work.publish(result.events)
            _enqueue(work, result.jobs)
            stopped = [{k: localize_value(v, locale()) for k, v in s.items()} for s in result.stopped]
            return _detail(
                work.session,
                result.batch,
                shipped=result.shipped,
                partially_shipped=result.partial,
                stopped=stopped,
            )


def _manifest(batch_id: int) -> Manifest:
    with runtime().read() as session:
        batch = handover.get_batch(session, batch_id, worker())
        return build_manifest(session, batch, runtime().settings.manifest_rows_per_page)


@blp.route("/batches/<int:batch_id>/manifest")
class ManifestJson(MethodView):
    @requires(blp, *DOCK)
    @blp.response(200, ManifestSchema)
    def get(self, batch_id: int) -> dict[str, Any]:
        """The manifest's lines and its pages (tracking numbers per PDF page) — what the PDF is drawn from."""
        manifest = _manifest(batch_id)
        return {
            **manifest.__dict__,
            "total_weight_g": manifest.total_weight_g,
            "pages": [[line.tracking_number for line in page] for page in manifest.pages],
        }


def _file(data: bytes, media_type: str, name: str) -> Response:
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/batches/<int:batch_id>/manifest.pdf")
class ManifestPdf(MethodView):
    @requires(blp, *DOCK)
    @blp.response(200, description="application/pdf: the manifest, `manifest_rows_per_page` parcels a page")
    def get(self, batch_id: int) -> Response:
        manifest = _manifest(batch_id)
        return _file(manifest_pdf(manifest), "application/pdf", f"manifest-{manifest.batch_number}.pdf")


@blp.route("/batches/<int:batch_id>/manifest.csv")
class ManifestCsv(MethodView):
    @requires(blp, *DOCK)
    @blp.response(200, description="text/csv (UTF-8 with BOM): one row per parcel, then the total")
    def get(self, batch_id: int) -> Response:
        manifest = _manifest(batch_id)
        return _file(
            manifest_csv(manifest), "text/csv; charset=utf-8", f"manifest-{manifest.batch_number}.csv"
        )
