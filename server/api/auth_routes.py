"""/api/v1/auth: log in with username+password (anywhere) or a badge (on a registered PDA only), log out,
who am I, device and integration tokens, revoking a lost PDA."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.orm import Session

from server import clock
from server.accounts import devices
from server.accounts import services as accounts
from server.accounts.roles import Role
from server.api.auth import current_principal, requires, runtime
from server.api.schemas import ErrorSchema
from server.errors import Forbidden, Unauthorized

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in, log out, tokens")


class LoginSchema(Schema):
    username = fields.String(validate=validate.Length(min=1, max=64))
    password = fields.String(validate=validate.Length(min=1, max=256))
    badge = fields.String(
        validate=validate.Length(min=1, max=128), metadata={"description": "Scanned badge code (PDA)"}
    )
    device_id = fields.String(
        validate=validate.Length(max=64),
        metadata={
            "description": "PDA identifier; ignored when a device token is sent (the token names the PDA)"
        },
    )

    @validates_schema
    def one_way(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("badge"):
            return
        if not (data.get("username") and data.get("password")):
            raise ValidationError("give username and password, or badge", "_schema")


DEVICE_TOKEN_HEADER = "X-Packline-Device-Token"


class DeviceHeaderSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    device_token = fields.String(
        data_key=DEVICE_TOKEN_HEADER,
        load_default=None,
        validate=validate.Length(max=128),
        metadata={
            "description": "The PDA's device token (kind `device`). Required for badge login; with a "
            "password it binds the session to the PDA, so revoking the PDA ends it."
        },
    )


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
    @blp.arguments(DeviceHeaderSchema, location="headers")
    @blp.response(200, TokenSchema)
    @blp.alt_response(
        401,
        schema=ErrorSchema,
        description="Wrong credentials, unknown badge, badge without a device token (BADGE_NEEDS_DEVICE), "
        "or a device token that is unknown, expired or revoked (DEVICE_NOT_REGISTERED)",
    )
    @blp.alt_response(
        403,
        schema=ErrorSchema,
        description="Badge of another warehouse than the PDA's (DEVICE_OF_OTHER_WAREHOUSE)",
    )
    @blp.alt_response(429, schema=ErrorSchema, description="Too many failed attempts")
    def post(self, body: dict[str, Any], headers: dict[str, Any]) -> dict[str, Any]:
        """Log in: username+password (any role, anywhere) or a scanned badge on a registered PDA.

        A badge login must carry the PDA's device token in the `X-Packline-Device-Token` header, and the
        badge's user must belong to the PDA's warehouse. The session is bound to the PDA (`device_id`):
        `POST /api/v1/auth/devices/{device_id}/revoke` ends it together with the PDA's own token."""
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
                ttl = timedelta(hours=rt.settings.token_ttl_hours)
                return _log_in(work.session, body, headers.get("device_token"), now=now, ttl=ttl)
        except (Unauthorized, Forbidden):
            with rt.work() as work:
                accounts.record_failure(work.session, key, now)
                accounts.record_failure(work.session, addr_key, now)
            raise


def _log_in(
    session: Session, body: dict[str, Any], device_token: str | None, *, now: datetime, ttl: timedelta
) -> dict[str, Any]:
    # The device is checked before the badge: a client that is no registered PDA learns nothing about badges.
    if body.get("badge"):
        device = devices.registered_device(session, device_token, now=now)
        user = accounts.login_with_badge(session, body["badge"])
        devices.check_user_on_device(user, device)
        device_id: str | None = device.device_id
    else:
        device_id = body.get("device_id")
        if device_token:  # a password on a registered PDA: the session is bound to it as well
            device_id = devices.registered_device(session, device_token, now=now).device_id
        user = accounts.login_with_password(session, body["username"], body["password"])
    issued = accounts.issue_user_token(session, user, now=now, ttl=ttl, device_id=device_id)
    return {
        "token": issued.token,
        "expires_at": issued.expires_at,
        "principal": issued.principal,
        "display_name": user.display_name,
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
    @requires(blp, Role.ADMIN, Role.LEAD)
    @blp.arguments(ServiceTokenRequestSchema)
    @blp.response(201, TokenSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Issue a device token (registers a PDA to a warehouse) or an integration token.

        Admins issue both kinds. A lead registers the PDAs of their own warehouse only (kind `device`;
        `warehouse` defaults to the lead's): that is how a new handheld is enrolled on the floor."""
        principal = current_principal()
        warehouse = body["warehouse"]
        if principal.role == Role.LEAD:
            if body["kind"] != "device":
                raise Forbidden(role=principal.role, allowed=[str(Role.ADMIN)])
            if warehouse and warehouse != principal.warehouse_code:
                raise Forbidden("WRONG_WAREHOUSE", warehouse=warehouse)
            warehouse = principal.warehouse_code
        now = clock.now()
        role = Role.PACKER if body["kind"] == "device" else Role.INTEGRATION
        ttl = timedelta(days=body["ttl_days"]) if body.get("ttl_days") else None
        with runtime().work() as work:
            issued = accounts.issue_service_token(
                work.session,
                kind=body["kind"],
                name=body["name"],
                role=role,
                warehouse_code=warehouse,
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
        """A lost PDA: revoke its device token and every session opened on it (a lead: own warehouse)."""
        principal = current_principal()
        scope = principal.warehouse_id if principal.role == Role.LEAD else None
        with runtime().work() as work:
            revoked = accounts.revoke_device(work.session, device_id, clock.now(), warehouse_id=scope)
        return {"revoked": revoked}
