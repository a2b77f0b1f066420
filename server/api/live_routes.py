"""/api/v1/live/<warehouse>: everything the lead screen shows, for a first load and after every reconnect.

Socket.IO over Redis is at-most-once, so clients treat this as the truth and the events as hints."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from server import clock
from server.accounts.roles import Role
from server.api.auth import check_warehouse, current_principal, requires, runtime
from server.api.schemas import ErrorSchema
from server.live.board import lead_board
from server.live.countdown import warehouse_ref

blp = Blueprint(
    "live",
    __name__,
    url_prefix="/api/v1/live",
    description="Live warehouse: lead screen state and countdowns",
)


class BandCountsSchema(Schema):
    red = fields.Integer(metadata={"description": "ship_by reached (overdue)"})
    yellow = fields.Integer(metadata={"description": "yellow_threshold_minutes or less left"})
    green = fields.Integer()
    none = fields.Integer(metadata={"description": "no ship_by known"})
    total = fields.Integer()


class CountdownOrderSchema(Schema):
    order_number = fields.String()
    status = fields.String()
    ship_by = fields.String(allow_none=True, metadata={"description": "ISO-8601 UTC"})
    band = fields.String(metadata={"description": "red | yellow | green | none at server_time"})


class CountdownSnapshotSchema(Schema):
    warehouse = fields.String()
    server_time = fields.String()
    yellow_threshold_minutes = fields.Integer()
    statuses = fields.List(fields.String())
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(BandCountsSchema))
    totals = fields.Nested(BandCountsSchema)
    orders = fields.List(fields.Nested(CountdownOrderSchema), metadata={"description": "most urgent first"})
    truncated = fields.Boolean()


class OverdueSchema(Schema):
    order_number = fields.String()
    status = fields.String()
    ship_by = fields.String()
    overdue_seconds = fields.Integer()
    channel = fields.String()
    tracking_number = fields.String(allow_none=True)


class NoTrackingSchema(Schema):
    order_number = fields.String()
    printed_at = fields.String()
    minutes_since_printed = fields.Integer()
    ship_by = fields.String(allow_none=True)
    channel = fields.String()


class AlertSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    severity = fields.String()
    warehouse = fields.String(allow_none=True, metadata={"description": "null: a global alert"})
    order_number = fields.String(allow_none=True)
    station = fields.String(allow_none=True)
    title = fields.String()
    title_en = fields.String()
    message = fields.String()
    message_en = fields.String()
    raised_at = fields.String()
    acknowledged_at = fields.String(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)


class PackerHoursSchema(Schema):
    actor = fields.String()
    name = fields.String()
    total = fields.Integer()
    by_hour = fields.List(fields.Integer(), metadata={"description": "24 counts, warehouse-local hours 0–23"})


class PackedPerHourSchema(Schema):
    day = fields.String()
    timezone = fields.String()
    current_hour = fields.Integer()
    total = fields.Integer()
    packers = fields.List(fields.Nested(PackerHoursSchema))


class LiveBoardSchema(Schema):
    v = fields.Integer()
    warehouse = fields.String()
    timezone = fields.String()
    server_time = fields.String(metadata={"description": "the server clock; clients tick countdowns from it"})
    yellow_threshold_minutes = fields.Integer()
    no_tracking_minutes = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(BandCountsSchema))
    totals = fields.Nested(BandCountsSchema)
    overdue_top = fields.List(
        fields.Nested(OverdueSchema), metadata={"description": "picking/printed, overdue, top 10"}
    )
    printed_no_tracking = fields.List(fields.Nested(NoTrackingSchema))
    alerts = fields.List(
        fields.Nested(AlertSchema),
        metadata={"description": "not resolved; unacknowledged first, then newest first (max 50)"},
    )
    packed_per_hour = fields.Nested(PackedPerHourSchema)
    countdown = fields.Nested(CountdownSnapshotSchema)


@blp.route("/<warehouse>")
class LiveBoard(MethodView):
    @requires(blp, Role.LEAD, Role.PACKER, Role.CS, Role.ADMIN)
    @blp.response(200, LiveBoardSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown warehouse")
    def get(self, warehouse: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """The lead screen's state: counts by status and band, overdue top 10, printed without tracking,
        open alerts, packed per hour per packer today, and the countdown snapshot. Re-fetch after every
        Socket.IO (re)connect."""
        rt = runtime()
        settings = rt.settings
        with rt.read() as session:
            wh = warehouse_ref(session, warehouse)
            check_warehouse(current_principal(), wh.id, wh.code)
            board = lead_board(
                session,
                wh,
                now=clock.now(),
                yellow=timedelta(minutes=settings.yellow_threshold_minutes),
                no_tracking_after=timedelta(minutes=settings.no_tracking_alert_minutes),
                snapshot_limit=settings.countdown_snapshot_limit,
            )
        return board, 200, {"Cache-Control": "no-store"}
