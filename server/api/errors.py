"""Every error leaves as JSON {code, message, details}, localized by Accept-Language."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, request
from flask_smorest import Api
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from server import i18n
from server.api.schemas import ErrorSchema
from server.errors import DomainError

log = logging.getLogger("packline.api")

_HTTP_CODES = {
    400: "INVALID_INPUT",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "INVALID_INPUT",
    429: "TOO_MANY_ATTEMPTS",
    503: "SERVICE_UNAVAILABLE",
}
i18n.define("METHOD_NOT_ALLOWED", "不支持该请求方法", "Method not allowed")
i18n.define("PAYLOAD_TOO_LARGE", "请求内容过大", "Request body too large")
i18n.define("UNSUPPORTED_MEDIA_TYPE", "请以 JSON 发送请求内容", "Send the request body as JSON")
i18n.define(
    "DATABASE_UNAVAILABLE", "数据库暂时不可用,请稍后重试", "The database is unavailable; retry shortly"
)


def locale() -> str:
    return i18n.pick_locale(request.headers.get("Accept-Language"))


def error_body(
    code: str, details: dict[str, Any] | None = None, message: str | None = None
) -> dict[str, Any]:
    loc = locale()
    return {"code": code, "message": message or i18n.translate(code, loc, details), "details": details or {}}


class PacklineApi(Api):
    """flask-smorest Api whose documented and actual error payload is {code, message, details}."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
        status = error.code or 500
        code = _HTTP_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "INVALID_INPUT")
        data = getattr(error, "data", None) or {}
        details: dict[str, Any] = {}
        if "messages" in data:
            details["fields"] = _flatten_validation(data["messages"])
        if "errors" in data:
            details["fields"] = data["errors"]
        if status == 404 and not details:
            details = {"what": "resource", "path": request.path}
        headers = data.get("headers") or {}
        return error_body(code, details), status, headers


def _flatten_validation(messages: dict[str, Any]) -> dict[str, Any]:
    # webargs nests by location ("json", "query"); callers care about the field names.
    if len(messages) == 1 and next(iter(messages)) in (
        "json",
        "query",
        "form",
        "files",
        "headers",
        "view_args",
    ):
        return next(iter(messages.values()))  # type: ignore[no-any-return]
    return messages


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> tuple[dict[str, Any], int]:
        loc = locale()
        return {"code": error.code, "message": error.message(loc), "details": error.localized_details(loc)}, (
            error.http_status
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(error: Exception) -> tuple[dict[str, Any], int, dict[str, str]]:
        log.warning("database unavailable: %s", type(error).__name__)
        return error_body("DATABASE_UNAVAILABLE"), 503, {"Retry-After": "5"}

    @app.errorhandler(DataError)
    def _bad_data(error: Exception) -> tuple[dict[str, Any], int]:
        # e.g. a NUL byte PostgreSQL refuses: the input is wrong, the database is fine.
        return error_body("INVALID_INPUT", {"reason": "value not storable"}), 400

    @app.errorhandler(IntegrityError)
    def _integrity(error: Exception) -> tuple[dict[str, Any], int]:
        log.info("integrity conflict: %s", type(error.__cause__ or error).__name__)
        return error_body("CONFLICT"), 409

    @app.errorhandler(DBAPIError)
    def _other_db_error(error: Exception) -> tuple[dict[str, Any], int]:
        if isinstance(getattr(error, "orig", None), ValueError):  # psycopg refuses NUL bytes with ValueError
            return error_body("INVALID_INPUT", {"reason": "value not storable"}), 400
        log.exception("database error")
        return error_body("INTERNAL_ERROR"), 500

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[dict[str, Any], int]:
        if isinstance(error, HTTPException):
            raise error
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_body("INTERNAL_ERROR"), 500
