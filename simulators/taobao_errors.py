"""TOP gateway errors as the simulator raises them, and the parameter checks that produce them."""

from __future__ import annotations


class TopError(Exception):
    """Becomes ``{"error_response": {code, msg, sub_code, sub_msg, request_id}}``."""

    def __init__(self, code: int, msg: str, sub_code: str | None = None, sub_msg: str | None = None) -> None:
        super().__init__(msg)
        self.code, self.msg, self.sub_code, self.sub_msg = code, msg, sub_code, sub_msg


def missing(name: str) -> TopError:
    return TopError(40, f"Missing required arguments:{name}")


def invalid(name: str, sub_msg: str | None = None) -> TopError:
    return TopError(41, f"Invalid arguments:{name}", "isv.invalid-parameter" if sub_msg else None, sub_msg)


def int_param(params: dict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name) from None
    if value < low or (high is not None and value > high):
        raise invalid(name)
    return value
