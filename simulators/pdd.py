"""Pinduoduo open-platform simulator (``/api/router``): signed calls, incremental order sync, shipping.

Error codes beyond the envelope are not pinned by the reference; the simulator's choices are the
constants below. Faults: ``rate_limit`` (``code``/``msg`` configurable), ``malformed`` (``variant``
truncated | missing_item_list | masked_phone), ``duplicate``, ``bad_signature``, generic kinds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.wrappers import Request, Response

from server.integrations.signing import gateway_sign
from simulators.base import Route, SimulatorHandle, json_response, random_request_id, serve
from simulators.faults import Fault
from simulators.orders import OrderSpec, pdd_order
from simulators.people import mask_mobile
from simulators.platform import Order, PlatformSimulator
from simulators.timefmt import china_wall_clock, parse_china_wall_clock

PARAMETER_ERROR = 10000
SIGN_ERROR = 10016
TIMESTAMP_ERROR = 10017
TOKEN_ERROR = 10019
UNKNOWN_TYPE = 10020
RATE_LIMITED = 70031
BUSINESS_ERROR = 20004
MAX_SPAN = timedelta(minutes=30)
HISTORY = timedelta(days=90)
STATUS_KEYS = (
    "order_status",
    "refund_status",
    "confirm_status",
    "group_status",
    "risk_control_status",
    "anomaly",
)
REFUND_STATES = {"none": 1, "closed": 1, "after_sale": 2, "pending": 3, "refunded": 4}


class PddError(Exception):
    def __init__(self, code: int, msg: str, sub_msg: str = "") -> None:
        super().__init__(msg)
        self.code, self.msg, self.sub_msg = code, msg, sub_msg


def _param_error(sub_msg: str) -> PddError:
    return PddError(
        PARAMETER_ERROR, "公共参数错误" if sub_msg.startswith("公共") else "业务参数错误", sub_msg
    )


class PddSimulator(PlatformSimulator):
    name = "pdd"
    fault_kinds = frozenset({"rate_limit", "malformed", "duplicate", "bad_signature"})
    timestamp_fields = ("updated_at",)

    def __init__(
        self,
        *,
        client_id: str = "pddclient",
        client_secret: str = "pddsecret",
        access_token: str = "pddtoken",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.client_id, self.client_secret, self.access_token = client_id, client_secret, access_token
        # "error": a window ending closer than this to now is refused; "hide": its newest orders are
        # not visible yet, which is how a connector without lag silently loses orders.
        self.settings.update(
            {"recent_lag_seconds": 180, "recent_policy": "error", "max_timestamp_skew_seconds": 600}
        )

    def routes(self) -> list[Route]:
        return [Route("/api/router", self._router, ("POST",), locked=False), *self.platform_control_routes()]

    # --- order book hooks ----------------------------------------------------------------------------
    def order_id(self, order: Order) -> str:
        return str(order["order_sn"])

    def modified_at(self, order: Order) -> datetime:
        return parse_china_wall_clock(order["updated_at"])

    def touch(self, order: Order, now: datetime) -> None:
        order["updated_at"] = china_wall_clock(now)

    def from_spec(self, spec: OrderSpec) -> Order:
        return pdd_order(spec)

    def apply_refund(self, order: Order, command: dict[str, Any]) -> None:
        order["refund_status"] = int(
            command.get("refund_status") or REFUND_STATES[command.get("state", "pending")]
        )

    def apply_status(self, order: Order, command: dict[str, Any]) -> None:
        for key in STATUS_KEYS:
            if key in command:
                order[key] = command[key]

    # --- gateway -------------------------------------------------------------------------------------
    def _router(self, request: Request) -> Response:
        if request.is_json:
            params = {key: value for key, value in (request.get_json(silent=True) or {}).items()}
        else:
            params = {**request.args.to_dict(), **request.form.to_dict()}
        op = str(params.get("type", ""))
        return self.serve_call(op, request, lambda: self._call(op, params))

    def _call(self, op: str, params: dict[str, Any]) -> Any:
        try:
            self._check_gateway(params)
            handler = {
                "pdd.order.number.list.increment.get": self._increment_get,
                "pdd.order.status.get": self._status_get,
                "pdd.logistics.online.send": self._online_send,
            }.get(op)
            if handler is None:
                raise PddError(UNKNOWN_TYPE, "接口不存在", f"unknown type {op}")
            return handler(params)
        except PddError as exc:
            return self.error(exc.code, exc.msg, exc.sub_msg)

    def _check_gateway(self, params: dict[str, Any]) -> None:
        for name in ("type", "client_id", "timestamp", "sign"):
            if not params.get(name):
                raise _param_error(f"公共参数{name}缺失")
        if str(params["client_id"]) != self.client_id:
            raise PddError(PARAMETER_ERROR, "client_id不存在", "公共参数client_id无效")
        try:
            sent = int(params["timestamp"])
        except ValueError:
            raise PddError(TIMESTAMP_ERROR, "timestamp无效", "公共参数timestamp格式错误") from None
        if abs(self.clock.timestamp() - sent) > self.settings["max_timestamp_skew_seconds"]:
            raise PddError(TIMESTAMP_ERROR, "timestamp已过期", "timestamp与服务器时间相差超过10分钟")
        if gateway_sign(params, self.client_secret) != str(params["sign"]).upper():
            raise PddError(SIGN_ERROR, "签名验证失败", "sign不正确")
        if str(params.get("access_token", "")) != self.access_token:
            raise PddError(TOKEN_ERROR, "access_token已过期", "access_token无效或已过期")

    def error(self, code: int, msg: str, sub_msg: str = "", sub_code: str | None = None) -> Any:
        return {
            "error_response": {
                "error_code": code,
                "error_msg": msg,
                "sub_code": sub_code or str(code),
                "sub_msg": sub_msg,
                "request_id": random_request_id(),
            }
        }

    # --- faults --------------------------------------------------------------------------------------
    def fault_response(self, op: str, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "rate_limit":
            code = int(fault.option("code", RATE_LIMITED))  # type: ignore[call-overload]
            return json_response(self.error(code, str(fault.option("msg", "接口调用频率超限")), "请稍后重试"))
        if fault.kind == "bad_signature":
            return json_response(self.error(SIGN_ERROR, "签名验证失败", "sign不正确"))
        return None

    def fault_after(self, op: str, fault: Fault, request: Request, response: Response) -> Response:
        variant = fault.option("variant", "truncated")
        if fault.kind != "malformed" or variant == "truncated":
            return super().fault_after(op, fault, request, response)
        payload = json.loads(response.get_data())
        for order in payload.get("order_sn_increment_get_response", {}).get("order_sn_list", []):
            if variant == "missing_item_list":
                order.pop("item_list", None)
            elif variant == "masked_phone":
                order["receiver_phone"] = mask_mobile(order["receiver_phone"])
        return json_response(payload)

    # --- API methods ---------------------------------------------------------------------------------
    def _increment_get(self, params: dict[str, Any]) -> Any:
        start, end = self._window(params)
        page = _int(params, "page", 1, 1, None)
        page_size = _int(params, "page_size", 100, 1, 100)
        order_status = _int(params, "order_status", 5, 1, 5)
        refund_status = _int(params, "refund_status", 5, 1, 5)
        rows = [
            order
            for order in self.window(start, self._visible_until(end))
            if order_status in (5, order["order_status"]) and refund_status in (5, order["refund_status"])
        ]
        chosen, has_next = self.page_of(rows, page, page_size)
        return {
            "order_sn_increment_get_response": {
                "total_count": len(rows),
                "has_next": has_next,
                "order_sn_list": [self._listed(order) for order in chosen],
            }
        }

    def _window(self, params: dict[str, Any]) -> tuple[datetime, datetime]:
        try:
            start = datetime.fromtimestamp(int(params["start_updated_at"]), UTC)
            end = datetime.fromtimestamp(int(params["end_updated_at"]), UTC)
        except (KeyError, ValueError):
            raise _param_error("start_updated_at/end_updated_at缺失或格式错误") from None
        now = self.clock.now()
        if end <= start:
            raise _param_error("end_updated_at必须晚于start_updated_at")
        if end - start > MAX_SPAN:
            raise _param_error("时间跨度不能超过30分钟")
        if start < now - HISTORY:
            raise _param_error("只能查询最近三个月的订单")
        lag = timedelta(seconds=self.settings["recent_lag_seconds"])
        if self.settings["recent_policy"] == "error" and end > now - lag:
            raise _param_error(f"end_updated_at距当前时间不能少于{int(lag.total_seconds())}秒")
        return start, end

    def _visible_until(self, end: datetime) -> datetime:
        lag = timedelta(seconds=self.settings["recent_lag_seconds"])
        return min(end, self.clock.now() - lag)

    def _listed(self, order: Order) -> Order:
        """Receiver phone is plain only while the order awaits shipment."""
        listed = {key: value for key, value in order.items() if key != "anomaly"}
        if order["order_status"] != 1:
            listed["receiver_phone"] = mask_mobile(order["receiver_phone"])
        return listed

    def _status_get(self, params: dict[str, Any]) -> Any:
        sns = [sn.strip() for sn in str(params.get("order_sns", "")).split(",") if sn.strip()]
        if not sns or len(sns) > 50:
            raise _param_error("order_sns需要1到50个订单号")
        found = [self.orders[sn] for sn in sns if sn in self.orders]
        return {
            "order_status_get_response": {
                "order_status_list": [
                    {
                        "orderSn": order["order_sn"],
                        "order_status": 0 if order.get("anomaly") else order["order_status"],
                        "refund_status": order["refund_status"],
                    }
                    for order in found
                ]
            }
        }

    def _online_send(self, params: dict[str, Any]) -> Any:
        for name in ("order_sn", "logistics_id", "tracking_number"):
            if not params.get(name):
                raise _param_error(f"{name}缺失")
        order = self.orders.get(str(params["order_sn"]))
        if order is None:
            raise PddError(BUSINESS_ERROR, "订单不存在", f"order_sn {params['order_sn']} 不存在")
        tracking = str(params["tracking_number"])
        previous = next(
            (
                s
                for s in self.shipments
                if s["order_sn"] == order["order_sn"] and s["tracking_number"] == tracking
            ),
            None,
        )
        if previous is not None:
            previous["calls"] += 1
        elif order["order_status"] == 1 and order["refund_status"] != 4 and order["confirm_status"] == 1:
            now = self.clock.now()
            order.update(order_status=2, tracking_number=tracking, logistics_id=int(params["logistics_id"]))
            order["shipping_time"] = china_wall_clock(now)
            self.touch(order, now)
            self.shipments.append(
                {
                    "order_sn": order["order_sn"],
                    "tracking_number": tracking,
                    "logistics_id": int(params["logistics_id"]),
                    "at": now.isoformat(),
                    "calls": 1,
                }
            )
        else:
            raise PddError(BUSINESS_ERROR, "订单状态不允许发货", "订单已发货、已退款或未成交")
        return {"logistics_online_send_response": {"is_success": True}}


def _int(params: dict[str, Any], name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)  # type: ignore[arg-type]
    except ValueError:
        raise _param_error(f"{name}格式错误") from None
    if value < low or (high is not None and value > high):
        raise _param_error(f"{name}超出范围")
    return value


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(PddSimulator(**options), port)
