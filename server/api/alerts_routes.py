"""/api/v1/alerts: list alerts (warehouse-scoped for packers and leads), acknowledge and resolve them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server import clock
from server.accounts.roles import Role
from server.alerts import queries, services
from server.alerts.messages import KINDS, SEVERITIES, render
from server.alerts.models import Alert
from server.api.auth import ALL_PEOPLE, check_warehouse, current_principal, requires, runtime
from server.api.errors import locale

blp = Blueprint(
    "alerts",
    __name__,
    url_prefix="/api/v1/alerts",
    description="Alerts raised by watchdogs, webhooks and sync jobs; pushed live as `alert_raised`.",
)


class AlertListArgsSchema(Schema):
    status = fields.List(
        fields.String(validate=validate.OneOf(queries.STATUSES)),
        load_default=lambda: ["open", "acknowledged"],
        metadata={"description": "open (new), acknowledged (seen, not resolved), resolved; repeatable"},
    )
    warehouse = fields.String(load_default=None, validate=validate.Length(max=32))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    station = fields.String(load_default=None, validate=validate.Length(max=32))
    order_number = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = fields.Integer(load_default=None, metadata={"description": "`next_cursor` of the previous page"})


class AlertOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": ", ".join(KINDS)})
    severity = fields.String(metadata={"description": ", ".join(SEVERITIES)})
    status = fields.String(metadata={"description": "open | acknowledged | resolved"})
    warehouse = fields.String(allow_none=True, metadata={"description": "null for alerts about no one warehouse"})
    order_number = fields.String(allow_none=True)
    station = fields.String(allow_none=True, metadata={"description": "the station packing the order, if any"})
    title = fields.String(metadata={"description": "In the language of Accept-Language"})
    message = fields.String(metadata={"description": "In the language of Accept-Language"})
    params = fields.Dict()
    raised_at = fields.DateTime()
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolve_reason = fields.String(allow_none=True)


class AlertPageSchema(Schema):
    items = fields.List(fields.Nested(AlertOutSchema))
    next_cursor = fields.Integer(allow_none=True)


class ResolveSchema(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


_COPIED = (
    "id", "kind", "severity", "status", "order_number", "station", "params", "raised_at",
    "acknowledged_by", "acknowledged_at", "resolved_by", "resolved_at", "resolve_reason",
)


def _out(alert: Alert) -> dict[str, Any]:
    title, message = render(alert.kind, alert.params or {}, locale(), station=alert.station)
    return {
        **{name: getattr(alert, name) for name in _COPIED},
        "warehouse": alert.warehouse_code,
        "title": title,
        "message": message,
    }


def _scoped(session: Any, alert_id: int) -> Alert:
    alert = services.get_alert(session, alert_id)
    if alert.warehouse_id is not None:
        check_warehouse(current_principal(), alert.warehouse_id, alert.warehouse_code or "")
    return alert


@blp.route("")
class Alerts(MethodView):
    @requires(blp, *ALL_PEOPLE)
    @blp.arguments(AlertListArgsSchema, location="query")
    @blp.response(200, AlertPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Alerts newest first (default: not resolved). Packers and leads see their warehouse and global alerts."""
        flt = queries.AlertFilter(
            statuses=tuple(args["status"]),
            warehouse=args["warehouse"],
            warehouse_ids=current_principal().warehouse_scope,
            kind=args["kind"],
            station=args["station"],
            order_number=args["order_number"],
        )
        with runtime().read() as session:
            page = queries.list_alerts(session, flt, limit=args["limit"], before_id=args["cursor"])
            return {"items": [_out(a) for a in page.items], "next_cursor": page.next_cursor}


@blp.route("/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @requires(blp, Role.LEAD, Role.ADMIN, Role.CS)
    @blp.response(200, AlertOutSchema)
    def post(self, alert_id: int) -> dict[str, Any]:
        """Mark an alert as seen (lead, admin, cs; idempotent). Emits `alert_acknowledged`."""
        with runtime().work() as work:
            _scoped(work.session, alert_id)
            result = services.acknowledge_alert(work.session, alert_id, actor=current_principal().actor, now=clock.now())
            work.publish(result.events)
            return _out(result.alert)  # type: ignore[arg-type]


@blp.route("/<int:alert_id>/resolve")
class Resolve(MethodView):
    @requires(blp, Role.LEAD, Role.ADMIN)
    @blp.arguments(ResolveSchema)
    @blp.response(200, AlertOutSchema)
    def post(self, body: dict[str, Any], alert_id: int) -> dict[str, Any]:
        """Close an alert by hand (lead, admin; idempotent), e.g. an address change once the label is reprinted."""
        principal = current_principal()
        with runtime().work() as work:
            _scoped(work.session, alert_id)
            result = services.resolve_alert(
                work.session, alert_id, actor=principal.actor, now=clock.now(), reason=body["reason"]
            )
            work.publish(result.events)
            return _out(result.alert)  # type: ignore[arg-type]
