"""/api/v1/auth: log in with username+password or a badge, log out, who am I, service tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server import clock
from server.accounts import services as accounts
from server.accounts.roles import Role
from server.api.auth import current_principal, requires, runtime
from server.api.schemas import ErrorSchema
from server.errors import Unauthorized

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in, log out, tokens")


class LoginSchema(Schema):
    username = fields.String(validate=validate.Length(min=1, max=64))
    password = fields.String(validate=validate.Length(min=1, max=256))
    badge = fields.String(
        validate=validate.Length(min=1, max=128), metadata={"description": "Scanned badge code (PDA)"}
    )
    device_id = fields.String(validate=validate.Length(max=64), metadata={"description": "PDA identifier"})

    @validates_schema
    def one_way(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("badge"):
            return
        if not (data.get("username") and data.get("password")):
            raise ValidationError("give username and password, or badge", "_schema")


class PrincipalSchema(Schema):
    name = fields.String()
    role = fields.String()
    kind = fields.String()
    warehouse = fields.String(attribute="warehouse_code", allow_none=True)
    device_id = fields.String(allow_none=True)


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(allow_none=True)
    user = fields.Nested(PrincipalSchema, attribute="principal")
    display_name = fields.String(allow_none=True)


class ServiceTokenRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["device", "integration"]))
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    warehouse = fields.String(load_default=None, validate=validate.Length(max=32))
    ttl_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3650))


@blp.route("/login")
class Login(MethodView):
    @blp.doc(security=[])
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Wrong credentials or unknown badge")
    @blp.alt_response(429, schema=ErrorSchema, description="Too many failed attempts")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Log in: username+password (any role) or a scanned badge (PDA). Returns a bearer token."""
        rt = runtime()
        now = clock.now()
        key = (
            f"badge:{accounts.badge_digest(body['badge'])[:16]}"
            if body.get("badge")
            else f"user:{body['username']}"
        )
        addr_key = f"addr:{request.remote_addr}"
        limit = rt.settings.login_rate_limit_per_minute
        with rt.work() as work:
            accounts.check_rate_limit(work.session, key, limit=limit, now=now)
            accounts.check_rate_limit(work.session, addr_key, limit=limit * 5, now=now)
        try:
            with rt.work() as work:
                if body.get("badge"):
                    user = accounts.login_with_badge(work.session, body["badge"])
                else:
                    user = accounts.login_with_password(work.session, body["username"], body["password"])
                issued = accounts.issue_user_token(
                    work.session,
                    user,
                    now=now,
                    ttl=timedelta(hours=rt.settings.token_ttl_hours),
                    device_id=body.get("device_id"),
                )
                display = user.display_name
        except Unauthorized:
            with rt.work() as work:
                accounts.record_failure(work.session, key, now)
                accounts.record_failure(work.session, addr_key, now)
            raise
        return {
            "token": issued.token,
            "expires_at": issued.expires_at,
            "principal": issued.principal,
            "display_name": display,
        }


@blp.route("/logout")
class Logout(MethodView):
    @requires(blp, *Role)
    @blp.response(204)
    def post(self) -> None:
        """Revoke the token this request carries."""
        with runtime().work() as work:
            accounts.revoke_token(work.session, current_principal().token_id, clock.now())


@blp.route("/me")
class Me(MethodView):
    @requires(blp, *Role)
    @blp.response(200, PrincipalSchema)
    def get(self) -> Any:
        """Who the token belongs to: name, role, warehouse."""
        return current_principal()


@blp.route("/tokens")
class ServiceTokens(MethodView):
    @requires(blp, Role.ADMIN)
    @blp.arguments(ServiceTokenRequestSchema)
    @blp.response(201, TokenSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Issue a device token (a PDA, bound to a warehouse) or an integration token (admin only)."""
        now = clock.now()
        role = Role.PACKER if body["kind"] == "device" else Role.INTEGRATION
        ttl = timedelta(days=body["ttl_days"]) if body.get("ttl_days") else None
        with runtime().work() as work:
            issued = accounts.issue_service_token(
                work.session,
                kind=body["kind"],
                name=body["name"],
                role=role,
                warehouse_code=body["warehouse"],
                now=now,
                ttl=ttl,
            )
        return {
            "token": issued.token,
            "expires_at": issued.expires_at,
            "principal": issued.principal,
            "display_name": None,
        }


class RevokedSchema(Schema):
    revoked = fields.Integer(metadata={"description": "How many tokens were revoked"})


@blp.route("/devices/<device_id>/revoke")
class RevokeDevice(MethodView):
    @requires(blp, Role.ADMIN, Role.LEAD)
    @blp.response(200, RevokedSchema)
    def post(self, device_id: str) -> dict[str, int]:
        """A lost PDA: revoke every token issued to it or used to log in on it."""
        with runtime().work() as work:
            return {"revoked": accounts.revoke_device(work.session, device_id, clock.now())}
