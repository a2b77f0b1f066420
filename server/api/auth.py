"""Bearer-token authentication and role checks for every endpoint, documented in the OpenAPI spec."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_smorest import Blueprint
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.accounts.roles import Role
from server.accounts.services import Principal, authenticate
from server.api.schemas import ErrorSchema
from server.errors import Forbidden, Unauthorized
from server.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])

ALL_PEOPLE = (Role.PACKER, Role.LEAD, Role.CS, Role.ADMIN)
ANYONE = (*ALL_PEOPLE, Role.INTEGRATION)


def runtime() -> Runtime:
    return current_app.extensions["packline"]  # type: ignore[no-any-return]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def current_principal() -> Principal:
    principal: Principal | None = g.get("principal")
    if principal is None:
        raise Unauthorized()
    return principal


def resolve_principal() -> Principal:
    token = bearer_token()
    if not token:
        raise Unauthorized()
    with runtime().read() as session:
        _without_transaction(session)
        return authenticate(session, token, now=clock.now())


def _without_transaction(session: Session) -> None:
    """The lookup is one SELECT and needs no transaction: in autocommit the driver sends no BEGIN and no
    ROLLBACK, two of the three round trips of a lookup that runs before every API call. A session bound
    to a connection already in a transaction (the tests' rolled-back one) keeps using it."""
    if isinstance(session.get_bind(), Engine):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def requires(blp: Blueprint, *roles: Role | str) -> Callable[[F], F]:
    """Authenticate the bearer token and allow only `roles`; adds 401/403 to the endpoint's documentation."""
    allowed = {str(r) for r in roles}

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = resolve_principal()
            if principal.role not in allowed:
                raise Forbidden(role=principal.role, allowed=sorted(allowed))
            g.principal = principal
            return view(*args, **kwargs)

        documented = blp.alt_response(401, schema=ErrorSchema, description="No valid token")(wrapper)
        documented = blp.alt_response(
            403, schema=ErrorSchema, description=f"Allowed roles: {', '.join(sorted(allowed))}"
        )(documented)
        return blp.doc(security=[{"bearerAuth": []}])(documented)  # type: ignore[no-any-return]

    return decorate


def check_warehouse(principal: Principal, warehouse_id: int, warehouse_code: str) -> None:
    if not principal.can_access_warehouse(warehouse_id):
        raise Forbidden("WRONG_WAREHOUSE", warehouse=warehouse_code)
