"""Kingdee WebAPI shapes: Save-style result envelopes and the flattening of posted bill models."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from simulators.kingdee_query import Bill
from simulators.timefmt import CHINA, kingdee_datetime

QUERY_METHODS = ("ExecuteBillQuery",)


def failure(message: str, msg_code: int, field_name: str | None = None) -> dict[str, Any]:
    status = {
        "ErrorCode": 500,
        "IsSuccess": False,
        "Errors": [{"FieldName": field_name, "Message": message, "DIndex": 0}],
        "SuccessEntitys": [],
        "SuccessMessages": [],
        "MsgCode": msg_code,
    }
    return {"Result": {"ResponseStatus": status}}


def success(bills: list[Bill], need_return: list[str] | None = None) -> dict[str, Any]:
    entities = [
        {"Id": b["header"]["fid"], "Number": b["header"]["fbillno"], "DIndex": i} for i, b in enumerate(bills)
    ]
    status = {
        "IsSuccess": True,
        "Errors": [],
        "SuccessEntitys": entities,
        "SuccessMessages": [],
        "MsgCode": 0,
    }
    result: dict[str, Any] = {"ResponseStatus": status}
    if need_return is not None:
        first = bills[0]["header"]
        result.update(Id=first["fid"], Number=first["fbillno"])
        result["NeedReturnData"] = [{f: json_value(first.get(f.lower())) for f in need_return}]
    return {"Result": result}


class KingdeeError(Exception):
    def __init__(self, message: str, msg_code: int, field_name: str | None = None) -> None:
        super().__init__(message)
        self.envelope = failure(message, msg_code, field_name)


def form_and_data(method: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Accept ``{"formid", "data"}`` and the older ``{"parameters": [formid, data]}``; ``data`` may be a JSON string."""
    if "parameters" in body:
        params = [*body["parameters"], None, None]
        form_id, data = ("", params[0]) if method in QUERY_METHODS else (params[0], params[1])
    else:
        form_id, data = body.get("formid", ""), body.get("data", {})
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise KingdeeError("data不是合法的JSON", 8) from None
    if not isinstance(data, dict):
        raise KingdeeError("data必须是JSON对象", 8)
    return str(form_id or ""), data


def flatten(model: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Model → lower-case header keys; base data ``{"FNumber": x}`` becomes ``key.fnumber``."""
    header = flat_fields({k: v for k, v in model.items() if k != "FEntity"})
    if isinstance(header.get("fdate"), str):
        header["fdate"] = datetime.fromisoformat(header["fdate"]).replace(tzinfo=CHINA)
    entries = [flat_fields(entry) for entry in model.get("FEntity") or []]
    return header, entries


def flat_fields(fields: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            number = value.get("FNumber", value.get("FNUMBER"))
            flat[f"{key.lower()}.fnumber"] = number
        else:
            flat[key.lower()] = value
    return flat


def json_value(value: Any) -> Any:
    return kingdee_datetime(value) if isinstance(value, datetime) else value


def bill_json(bill: Bill) -> dict[str, Any]:
    header = {k: json_value(v) for k, v in bill["header"].items()}
    return {
        "header": header,
        "entries": [{k: json_value(v) for k, v in e.items()} for e in bill.get("entries", [])],
    }
