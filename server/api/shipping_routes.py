"""/api/v1: packages — "new box" at the pack station (a ScanAnswer), an order's packages, weighing with a
lead's acceptance of a mismatch, a further package's waybill, and which warehouse ships an order line."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from server import clock, i18n
from server.accounts.roles import Role
from server.api.auth import ALL_PEOPLE, check_warehouse, current_principal, requires, runtime
from server.api.errors import locale
from server.api.labels_routes import CONNECTORS_KEY
from server.api.pack_schemas import PackActionSchema, ScanAnswerSchema
from server.api.shipping_schemas import (
    AcceptWeightSchema,
    LineWarehouseSchema,
    OrderPackagesSchema,
    PackageSchema,
    WeighAnswerSchema,
    WeighSchema,
)
from server.integrations.factory import Connectors, NotConfigured
from server.integrations.ports import CourierPort
from server.labels.print_messages import CourierNotConfigured
from server.orders import queries as order_queries
from server.orders.models import Order
from server.scanning import services as packing
from server.scanning.desk import Actor
from server.scanning.services import PackCommand
from server.shipping import messages as m
from server.shipping import queries, sources, weighing
from server.shipping.common import WeighPolicy, Worker, get_package
from server.shipping.interceptions import waybill_followup
from server.shipping.models import Package
from server.shipping.waybills import ensure_package_waybill

blp = Blueprint("shipping", __name__, url_prefix="/api/v1", description="Packages: boxes, weighing, waybills")
FLOOR = (Role.PACKER, Role.LEAD)


def worker() -> Worker:
    p = current_principal()
    return Worker(p.name, p.user_id, p.role, p.warehouse_id, p.device_id)


def pack_actor() -> Actor:
    p = current_principal()
    return Actor(p.name, p.user_id, p.role, p.warehouse_id, p.device_id)


def policy() -> WeighPolicy:
    s = runtime().settings
    return WeighPolicy(s.package_allowance_g, s.weight_tolerance_g, s.weight_tolerance_percent)


def package_out(session: Any, package: Package) -> dict[str, Any]:
    view = queries.order_packages(session, session.get(Order, package.order_id), locale())
    return next(p for p in view["packages"] if p["id"] == package.id)


def courier_port(code: str | None) -> CourierPort:
    rt = runtime()
    connectors = current_app.extensions.get(CONNECTORS_KEY)
    if connectors is None:
        connectors = current_app.extensions.setdefault(CONNECTORS_KEY, Connectors(rt.settings))
    code = code or rt.settings.label_default_courier
    try:
        return connectors.courier(code)  # type: ignore[no-any-return]
    except NotConfigured as exc:
        raise CourierNotConfigured(code) from exc


@blp.route("/pack/new-box")
class NewBox(MethodView):
    @requires(blp, *FLOOR)
    @blp.arguments(PackActionSchema)
    @blp.response(200, ScanAnswerSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Close the current box of the station's open pack (the items scanned so far) and start the next.
        Completion makes one package per box; box 1 carries the order's label, the others get their own."""
        cmd = PackCommand(body["station"], body["client_scan_id"], body["device_id"])
        with runtime().work() as work:
            result = packing.new_box(work.session, cmd, pack_actor(), now=clock.now(), locale=locale())
            work.publish(result.events)
            return result.answer


@blp.route("/orders/<order_number>/packages")
class OrderPackages(MethodView):
    @requires(blp, *ALL_PEOPLE)
    @blp.response(200, OrderPackagesSchema)
    def get(self, order_number: str) -> dict[str, Any]:
        """Every package of the order with its tracking number, state and confirmations;
        `partially_shipped` while some packages left and others did not (the order stays packed)."""
        with runtime().read() as session:
            order = order_queries.get_order(session, order_number[:48])
            check_warehouse(current_principal(), order.warehouse_id, order.warehouse.code)
            return queries.order_packages(session, order, locale())


@blp.route("/orders/<order_number>/lines/<int:line_no>/warehouse")
class LineWarehouse(MethodView):
    @requires(blp, Role.LEAD, Role.ADMIN)
    @blp.arguments(LineWarehouseSchema)
    @blp.response(200, OrderPackagesSchema)
    def put(self, body: dict[str, Any], order_number: str, line_no: int) -> dict[str, Any]:
        """Ship this line from another warehouse (stock split): it becomes that warehouse's own package."""
        with runtime().work() as work:
            order = order_queries.get_order(work.session, order_number[:48])
            check_warehouse(current_principal(), order.warehouse_id, order.warehouse.code)
            sources.assign_line_warehouse(
                work.session,
                order,
                line_no,
                body["warehouse"],
                actor=current_principal().actor,
                now=clock.now(),
            )
            return queries.order_packages(work.session, order, locale())


@blp.route("/packages/<int:package_id>")
class PackageOne(MethodView):
    @requires(blp, *ALL_PEOPLE)
    @blp.response(200, PackageSchema)
    def get(self, package_id: int) -> dict[str, Any]:
        with runtime().read() as session:
            return package_out(session, get_package(session, package_id, worker()))


def _weigh_answer(
    result: weighing.WeighResult, extra: dict[str, Any], package: dict[str, Any]
) -> dict[str, Any]:
    ok = result.code != m.WEIGHT_MISMATCH
    params = {**result.details, **extra}
    return {
        "result": {m.WEIGHT_OK: "ok", m.WEIGHT_MISMATCH: "mismatch"}.get(result.code, "accepted"),
        "code": result.code,
        "message": i18n.translate(result.code, locale(), params),
        "severity": "success" if ok else "warning",
        "sound": "success" if ok else "warning",
        "details": result.details,
        "package": package,
    }


@blp.route("/packages/<int:package_id>/weight")
class Weigh(MethodView):
    @requires(blp, *FLOOR)
    @blp.arguments(WeighSchema)
    @blp.response(200, WeighAnswerSchema)
    def post(self, body: dict[str, Any], package_id: int) -> dict[str, Any]:
        """Record the weight (scale or typed). Outside the tolerance (Settings: packaging allowance, grams,
        percent) the answer is `WEIGHT_MISMATCH` and the parcel stops at the dock until a lead accepts."""
        with runtime().work() as work:
            package = get_package(work.session, package_id, worker(), lock=True)
            result = weighing.weigh(
                work.session, package, body["grams"], body["source"], worker(), policy(), now=clock.now()
            )
            return _weigh_answer(result, {}, package_out(work.session, package))


@blp.route("/packages/<int:package_id>/weight/accept")
class AcceptWeight(MethodView):
    @requires(blp, *FLOOR)
    @blp.arguments(AcceptWeightSchema)
    @blp.response(200, WeighAnswerSchema)
    def post(self, body: dict[str, Any], package_id: int) -> dict[str, Any]:
        """A lead lets a mismatched weight go: the caller's own lead token, or a lead's badge scanned on the
        caller's device. Audited on the package (who, why, the weight)."""
        with runtime().work() as work:
            package = get_package(work.session, package_id, worker(), lock=True)
            result = weighing.accept_weight(
                work.session,
                package,
                worker(),
                lead_badge=body["lead_badge"],
                reason=body["reason"],
                policy=policy(),
                now=clock.now(),
            )
            extra = {"lead": package.weight_accepted_by, "reason": package.weight_accept_reason}
            return _weigh_answer(result, extra, package_out(work.session, package))


@blp.route("/packages/<int:package_id>/waybill")
class PackageWaybill(MethodView):
    @requires(blp, *FLOOR)
    @blp.response(200, PackageSchema)
    def post(self, package_id: int) -> dict[str, Any]:
        """The package's tracking number: package 1 has the order's; a further package's waybill is asked
        for once under its package ref (a slow courier: a job asks again, poll this package)."""
        with runtime().work() as work:
            package = get_package(work.session, package_id, worker())
            answer = ensure_package_waybill(
                work.session,
                package_id,
                courier_port(package.courier_code),
                actor=current_principal().actor,
                now=clock.now(),
            )
            if answer.error is not None and answer.error.retryable:
                job = waybill_followup(answer.package)
                work.enqueue(job.func, *job.args, queue=job.queue, job_id=job.job_id)
            return package_out(work.session, answer.package)
