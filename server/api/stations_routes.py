"""/api/v1/stations: the pack and dock stations of the caller's warehouse, with their printer profile."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from server.accounts.roles import Role
from server.api.auth import current_principal, requires, runtime
from server.api.pack_schemas import StationSchema
from server.scanning import queries

blp = Blueprint("stations", __name__, url_prefix="/api/v1/stations", description="Pack and dock stations")


@blp.route("")
class Stations(MethodView):
    @requires(blp, Role.PACKER, Role.LEAD)
    @blp.response(200, StationSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """The stations of your warehouse; `printer` is null where no printer is set up."""
        with runtime().read() as session:
            return queries.stations(session, current_principal().warehouse_id)
