"""Every documented endpoint × every kind of caller: the outcome the OpenAPI document promises.

Parametrized from the document itself, so a new endpoint is covered the day it is added: 401 without a
token (except the public endpoints), 403 for a role its `Allowed roles: …` description leaves out, neither
401 nor 403 for an allowed role, and WRONG_WAREHOUSE for another warehouse's packer on order-scoped and
warehouse-scoped endpoints."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server.app import create_app
from server.config import Settings
from tests.support import auth, make_order, user_token

METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC = {("POST", "/api/v1/auth/login"), ("POST", "/api/v1/webhooks/crm/address-changed")}
USERS = {
    "packer": "packer.hz1",
    "lead": "lead.hz",
    "cs": "cs",
    "admin": "admin",
    "other_packer": "packer.sh1",
}
PRINCIPALS = ["packer", "lead", "cs", "admin", "integration", "other_packer", "none"]
ROLE_OF = {"other_packer": "packer"}
NOT_AUTHENTICATED = {"UNAUTHORIZED", "TOKEN_INVALID"}


def _spec() -> dict[str, Any]:
    app = create_app(Settings(database_url="sqlite://"))
    return app.test_client().get("/api/openapi.json").get_json()  # type: ignore[no-any-return]


SPEC = _spec()
OPERATIONS = [
    (method.upper(), path, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method in METHODS
]


def allowed_roles(op: dict[str, Any]) -> set[str]:
    description = op["responses"]["403"]["description"]
    match = re.fullmatch(r"Allowed roles: (.+)", description)
    assert match, f"403 description does not list the allowed roles: {description!r}"
    return {r.strip() for r in match.group(1).split(",")}


def fill_path(path: str, order_number: str) -> str:
    values = {"order_number": order_number, "warehouse": "HZ01", "code": "PK01", "device_id": "pda-matrix"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "999999"), path)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def minimal(schema: dict[str, Any]) -> Any:
    """The smallest value the documented schema accepts, so a check behind input validation is reached."""
    schema = _resolve(schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return next(v for v in schema["enum"] if v is not None)
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: minimal(props[name]) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema.get("items", {}))] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return (
        "PK01"[: schema.get("maxLength", 4)] if schema.get("format") is None else "2026-11-25T00:00:00+00:00"
    )


def call(
    client: FlaskClient, method: str, url: str, op: dict[str, Any], token: str | None
) -> tuple[int, str]:
    headers = auth(token, "en") if token else {"Accept-Language": "en"}
    query = {
        p["name"]: minimal(p["schema"])
        for p in op.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    kwargs: dict[str, Any] = {"headers": headers, "query_string": query}
    if method in ("POST", "PUT", "PATCH"):
        content = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
        kwargs["json"] = minimal(content["schema"]) if "schema" in content else {}
    response = client.open(url, method=method, **kwargs)
    body = response.get_json(silent=True) or {}
    return response.status_code, str(body.get("code", "")) if isinstance(body, dict) else ""


@pytest.fixture
def tokens(client: FlaskClient, session: Session) -> dict[str, str | None]:
    out: dict[str, str | None] = {name: user_token(session, username) for name, username in USERS.items()}
    session.commit()
    issued = client.post(
        "/api/v1/auth/tokens",
        json={"kind": "integration", "name": "matrix-crm"},
        headers=auth(out["admin"]),  # type: ignore[arg-type]
    )
    assert issued.status_code == 201, issued.get_json()
    out["integration"] = issued.get_json()["token"]
    out["none"] = None
    return out


def test_only_login_and_webhooks_are_public() -> None:
    public = {(m, p) for m, p, op in OPERATIONS if op.get("security") == []}
    assert public == PUBLIC
    for method, path, op in OPERATIONS:
        if (method, path) not in PUBLIC:
            assert "401" in op["responses"] and "403" in op["responses"], (method, path)


def test_health_needs_no_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code not in (401, 403)


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_role_matrix(
    method: str,
    path: str,
    op: dict[str, Any],
    client: FlaskClient,
    session: Session,
    tokens: dict[str, str | None],
) -> None:
    order = make_order(session, "picking")  # a real HZ01 order for order-scoped paths
    session.commit()
    url = fill_path(path, order.order_number)
    public = (method, path) in PUBLIC
    allowed = set() if public else allowed_roles(op)
    scoped = "{order_number}" in path or "{warehouse}" in path
    wrong: list[str] = []
    for who in PRINCIPALS:
        status, code = call(client, method, url, op, tokens[who])
        role = ROLE_OF.get(who, who)
        if public:
            ok = status != 403 and code not in NOT_AUTHENTICATED
            expected = "no bearer check"
        elif who == "none":
            ok, expected = status == 401, "401"
        elif role not in allowed:
            ok, expected = status == 403, "403"
        elif who == "other_packer" and scoped:
            ok, expected = (status, code) == (403, "WRONG_WAREHOUSE"), "403 WRONG_WAREHOUSE"
        else:
            ok, expected = status not in (401, 403), "not 401/403"
        if not ok:
            wrong.append(f"{who}: expected {expected}, got {status} {code}")
    assert not wrong, f"{method} {url}: " + "; ".join(wrong)
