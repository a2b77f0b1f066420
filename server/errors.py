"""Domain errors with a stable code and details; the adapters turn them into {code, message, details}."""

from __future__ import annotations

from server import i18n

i18n.define("NOT_FOUND", "未找到{what}", "{what} not found")
i18n.define(
    "CONFLICT", "数据已被他人修改,请刷新后重试", "The record was changed by someone else; reload and retry"
)
i18n.define("INVALID_INPUT", "输入有误,请检查标出的字段", "Invalid input; check the listed fields")
i18n.define("FORBIDDEN", "您的角色无权执行此操作", "Your role is not allowed to do this")
i18n.define("UNAUTHORIZED", "请先登录", "Please log in first")
i18n.define("INTERNAL_ERROR", "系统内部错误,请联系管理员", "Internal error; please contact an administrator")
i18n.define(
    "SERVICE_UNAVAILABLE", "服务暂时不可用,请稍后重试", "Service temporarily unavailable; retry shortly"
)


class DomainError(Exception):
    """A rejection the user can understand: stable code, localized message, structured details."""

    http_status = 422

    def __init__(self, code: str, *, message_code: str | None = None, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.message_code = message_code or code
        self.details = details

    def message(self, locale: str = i18n.DEFAULT_LOCALE) -> str:
        return i18n.translate(self.message_code, locale, self.details)

    def localized_details(self, locale: str) -> dict[str, object]:
        return {k: i18n.localize_value(v, locale) for k, v in self.details.items()}

    def __str__(self) -> str:
        return f"{self.code}: {self.message('en')}"


class NotFound(DomainError):
    http_status = 404

    def __init__(self, what: str, **details: object) -> None:
        super().__init__("NOT_FOUND", what=what, **details)


class Conflict(DomainError):
    http_status = 409


class Rejected(DomainError):
    http_status = 422


class InvalidInput(DomainError):
    http_status = 400


class Forbidden(DomainError):
    http_status = 403

    def __init__(self, code: str = "FORBIDDEN", **details: object) -> None:
        super().__init__(code, **details)


class TooManyRequests(DomainError):
    http_status = 429


class Unauthorized(DomainError):
    http_status = 401

    def __init__(self, code: str = "UNAUTHORIZED", **details: object) -> None:
        super().__init__(code, **details)
