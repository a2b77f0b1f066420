"""/api/v1/metrics: the KPI dashboard (JSON), its CSV export, selector values, and an on-demand rollup."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server import clock
from server.accounts.roles import Role
from server.accounts.services import Principal
from server.api.auth import current_principal, requires, runtime
from server.api.errors import locale
from server.errors import Forbidden
from server.metrics.export import to_csv
from server.metrics.reports import BY, Filters, dashboard, dimensions
from server.metrics.rollup import roll_up, roll_up_recent
from server.metrics.sources import make_scope

blp = Blueprint("metrics", __name__, url_prefix="/api/v1/metrics", description="Fulfilment KPIs")

READERS = (Role.ADMIN, Role.LEAD, Role.CS)


class RangeArgs(Schema):
    start = fields.Date(
        load_default=None, metadata={"description": "Warehouse-local day (default: 13 days ago)"}
    )
    end = fields.Date(load_default=None, metadata={"description": "Warehouse-local day (default: today)"})
    warehouse = fields.String(load_default=None, validate=validate.Length(max=32))
    channel = fields.String(load_default=None, validate=validate.Length(max=20))
    shop = fields.String(load_default=None, validate=validate.Length(max=50))
    brand = fields.String(load_default=None, validate=validate.Length(max=100))
    by = fields.String(
        load_default="channel", validate=validate.OneOf(BY), metadata={"description": "Drill-down"}
    )


class ExportArgs(RangeArgs):
    table = fields.String(load_default="days", validate=validate.OneOf(["days", "breakdown"]))


class RollupArgs(Schema):
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)


class DimensionsSchema(Schema):
    warehouses = fields.List(fields.Dict())
    channels = fields.List(fields.Dict())
    shops = fields.List(fields.Dict())
    brands = fields.List(fields.String())
    by = fields.List(fields.Dict(), metadata={"description": "Drill-down dimensions and their names"})


class RollupResultSchema(Schema):
    days = fields.Integer(metadata={"description": "(day, scope) pairs recomputed"})
    cells = fields.Integer()


class DashboardSchema(Schema):
    start = fields.String()
    end = fields.String()
    by = fields.String()
    by_label = fields.String()
    totals = fields.Dict(metadata={"description": "due, on_time, late, pending, unshipped, rate, counters"})
    days = fields.List(fields.Dict(), metadata={"description": "One row per warehouse-local day"})
    breakdown = fields.List(fields.Dict(), metadata={"description": "Totals per drill-down key"})
    series = fields.List(fields.Dict(), metadata={"description": "Per-day points of the largest keys"})
    sources = fields.Dict(
        metadata={"description": "Counter sources (e.g. interceptions:pack_on_hold) and names"}
    )


def _report(args: dict[str, Any]) -> dict[str, Any]:
    rt = runtime()
    now = clock.now()
    today = clock.local_day(now, rt.settings.tz)
    last: date = args["end"] or today
    first: date = args["start"] or last - timedelta(days=13)
    scope = make_scope(
        first,
        last,
        _warehouses(current_principal(), args["warehouse"]),
        max_days=rt.settings.metrics_max_range_days,
    )
    filters = Filters(args["channel"], args["shop"], args["brand"])
    with rt.read() as session:
        return dashboard(session, scope, filters, args["by"], now=now, tz=rt.settings.tz, locale=locale())


def _warehouses(principal: Principal, wanted: str | None) -> tuple[str, ...] | None:
    """A lead sees their own warehouse only; others see the one asked for, or all."""
    if principal.warehouse_code is not None:
        if wanted and wanted != principal.warehouse_code:
            raise Forbidden("WRONG_WAREHOUSE", warehouse=wanted)
        return (principal.warehouse_code,)
    return (wanted,) if wanted else None


@blp.route("/dashboard")
class Dashboard(MethodView):
    @requires(blp, *READERS)
    @blp.arguments(RangeArgs, location="query")
    @blp.response(200, DashboardSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """On-time rate per day with drill-down (channel, shop, brand, warehouse, hour of payment), status
        consistency, interceptions, gift omissions prevented, CS lookups and their p50/p95."""
        return _report(args)


@blp.route("/export.csv")
class Export(MethodView):
    @requires(blp, *READERS)
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description="text/csv (UTF-8 with BOM)")
    def get(self, args: dict[str, Any]) -> Response:
        """The dashboard as CSV: `table=days` (one row per day) or `table=breakdown` (per drill-down key)."""
        report = _report(args)
        name = f"packline-kpi-{args['table']}-{report['start']}-{report['end']}.csv"
        return Response(
            to_csv(report, args["table"], locale()),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@blp.route("/dimensions")
class Dimensions(MethodView):
    @requires(blp, *READERS)
    @blp.response(200, DimensionsSchema)
    def get(self) -> Any:
        """Values for the dashboard's selectors: warehouses (a lead's own only), channels, shops, brands."""
        principal = current_principal()
        scope = (principal.warehouse_code,) if principal.warehouse_code else None
        with runtime().read() as session:
            return dimensions(session, locale(), scope)


@blp.route("/rollup")
class Rollup(MethodView):
    @requires(blp, Role.ADMIN)
    @blp.arguments(RollupArgs)
    @blp.response(200, RollupResultSchema)
    def post(self, args: dict[str, Any]) -> dict[str, int]:
        """Run the daily rollup now (the worker runs it every 5 minutes): recent days, or start..end (backfill)."""
        rt = runtime()
        now = clock.now()
        with rt.work() as work:
            if args["start"] or args["end"]:
                last = args["end"] or clock.local_day(now, rt.settings.tz)
                first = args["start"] or last
                make_scope(first, last, None, max_days=rt.settings.metrics_max_range_days)
                result = roll_up(work.session, first=first, last=last, now=now, tz=rt.settings.tz)
            else:
                result = roll_up_recent(work.session, now=now, tz=rt.settings.tz)
        return {"days": len(result.days), "cells": result.cells}
