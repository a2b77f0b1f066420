"""Taobao/Tmall TOP router simulator (``/router/rest``): signed calls, incremental trade sync, shipping.

Faults: ``rate_limit`` (code 7, ban enforced for ``ban_seconds``), ``isp_error``, ``malformed``
(``variant`` truncated | no_wrapper | numeric_tid_only), ``duplicate`` (a trade on two pages),
``bad_signature``, ``invalid_session``, plus the generic ``timeout``/``timeout_after``/``server_error``.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

from werkzeug.wrappers import Request, Response

from server.integrations.signing import GATEWAY_SIGN_METHODS, gateway_sign
from simulators import taobao_trades as trades
from simulators.base import Route, SimulatorHandle, json_response, random_request_id, serve
from simulators.faults import Fault
from simulators.orders import OrderSpec, taobao_trade
from simulators.platform import Order, PlatformSimulator
from simulators.taobao_errors import TopError, int_param, invalid, missing
from simulators.timefmt import china_wall_clock, parse_china_wall_clock

API_SCOPED_LIMITS = (
    "accesscontrol.limited-by-api-access-count",
    "accesscontrol.limited-by-app-api-access-count",
)


class TaobaoSimulator(PlatformSimulator):
    name = "taobao"
    fault_kinds = frozenset(
        {"rate_limit", "isp_error", "malformed", "duplicate", "bad_signature", "invalid_session"}
    )
    timestamp_fields = ("modified",)

    def __init__(
        self,
        *,
        app_key: str = "12345678",
        app_secret: str = "topsecret",
        session: str = "sess",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.app_key, self.app_secret, self.session = app_key, app_secret, session
        self.settings["max_timestamp_skew_seconds"] = 600
        self._bans: dict[str, tuple[float, str]] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/router/rest", self._router, ("GET", "POST"), locked=False),
            *self.platform_control_routes(),
        ]

    def reset_state(self) -> None:
        super().reset_state()
        self._bans.clear()

    # --- order book hooks ----------------------------------------------------------------------------
    def order_id(self, order: Order) -> str:
        return str(order.get("tid_str") or order["tid"])

    def modified_at(self, order: Order) -> datetime:
        return parse_china_wall_clock(order["modified"])

    def touch(self, order: Order, now: datetime) -> None:
        order["modified"] = china_wall_clock(now)

    def from_spec(self, spec: OrderSpec) -> Order:
        return taobao_trade(spec)

    def normalise(self, order: Order) -> Order:
        return trades.unwrap(order)

    def apply_refund(self, order: Order, command: dict[str, Any]) -> None:
        trades.apply_refund(order, command)

    def apply_status(self, order: Order, command: dict[str, Any]) -> None:
        trades.apply_status(order, command, self.clock.now())

    # --- gateway -------------------------------------------------------------------------------------
    def _router(self, request: Request) -> Response:
        params = {**request.args.to_dict(), **request.form.to_dict()}
        op = params.get("method", "")
        return self.serve_call(op, request, lambda: self._call(op, params))

    def _call(self, op: str, params: dict[str, str]) -> Any:
        try:
            self._check_gateway(op, params)
            handler = self._methods().get(op)
            if handler is None:
                raise TopError(22, "Invalid method")
            return handler(params)
        except TopError as exc:
            return self.error(exc.code, exc.msg, exc.sub_code, exc.sub_msg)

    def _methods(self) -> dict[str, Any]:
        return {
            "taobao.trades.sold.increment.get": self._increment_get,
            "taobao.trade.fullinfo.get": self._fullinfo_get,
            "taobao.logistics.offline.send": self._offline_send,
        }

    def _check_gateway(self, op: str, params: dict[str, str]) -> None:
        if not op:
            raise TopError(21, "Missing method")
        if not params.get("app_key"):
            raise TopError(28, "Missing app key")
        if params["app_key"] != self.app_key:
            raise TopError(29, "Invalid app Key")
        ban = self._active_ban(op)
        if ban is not None:
            raise self._limit_error(*ban)
        sign_method = params.get("sign_method", "md5")
        if not params.get("sign"):
            raise TopError(24, "Missing signature")
        if sign_method not in GATEWAY_SIGN_METHODS:
            raise TopError(
                25, "Invalid signature", "isv.invalid-sign-method", f"unsupported sign_method {sign_method}"
            )
        self._check_timestamp(params.get("timestamp"))
        if gateway_sign(params, self.app_secret, sign_method) != params["sign"].upper():
            raise TopError(25, "Invalid signature")
        if not params.get("session"):
            raise TopError(26, "Missing session")
        if params["session"] != self.session:
            raise TopError(27, "Invalid session", "invalid-sessionkey", "SessionKey非法")

    def _check_timestamp(self, value: str | None) -> None:
        if not value:
            raise TopError(30, "Missing timestamp")
        try:
            sent = parse_china_wall_clock(value)
        except ValueError:
            raise TopError(31, "Invalid timestamp") from None
        skew = self.settings["max_timestamp_skew_seconds"]
        if skew is not None and abs((self.clock.now() - sent).total_seconds()) > skew:
            raise TopError(
                31, "Invalid timestamp", "isv.invalid-timestamp", "时间戳与服务器时间相差超过10分钟"
            )

    def error(self, code: int, msg: str, sub_code: str | None = None, sub_msg: str | None = None) -> Any:
        body: dict[str, Any] = {"code": code, "msg": msg}
        if sub_code:
            body["sub_code"] = sub_code
        if sub_msg:
            body["sub_msg"] = sub_msg
        body["request_id"] = random_request_id()
        return {"error_response": body}

    # --- rate-limit bans -----------------------------------------------------------------------------
    def _active_ban(self, op: str) -> tuple[int, str] | None:
        now = self.clock.timestamp()
        for scope in (op, "*"):
            until, sub_code = self._bans.get(scope, (0.0, ""))
            if until > now:
                return math.ceil(until - now), sub_code
        return None

    def _limit_error(self, seconds: int, sub_code: str) -> TopError:
        return TopError(7, "App Call Limited", sub_code, f"This ban will last for {seconds} more seconds")

    # --- faults --------------------------------------------------------------------------------------
    def fault_response(self, op: str, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "rate_limit":
            seconds = int(fault.option("ban_seconds", 2))  # type: ignore[call-overload]
            sub_code = str(fault.option("sub_code", "accesscontrol.limited-by-app-access-count"))
            with self.lock:
                scope = op if sub_code in API_SCOPED_LIMITS else "*"
                self._bans[scope] = (self.clock.timestamp() + seconds, sub_code)
            error = self._limit_error(seconds, sub_code)
        elif fault.kind == "isp_error":
            sub_code = str(fault.option("sub_code", "isp.top-remote-connection-timeout"))
            error = TopError(
                15, "Remote service error", sub_code, str(fault.option("sub_msg", "远程服务调用超时"))
            )
        elif fault.kind == "bad_signature":
            error = TopError(25, "Invalid signature")
        elif fault.kind == "invalid_session":
            error = TopError(27, "Invalid session", "invalid-sessionkey", "SessionKey非法")
        else:
            return None
        return json_response(self.error(error.code, error.msg, error.sub_code, error.sub_msg))

    def fault_after(self, op: str, fault: Fault, request: Request, response: Response) -> Response:
        variant = fault.option("variant", "truncated")
        if fault.kind != "malformed" or variant == "truncated":
            return super().fault_after(op, fault, request, response)
        payload = json.loads(response.get_data())
        reshaped = (
            trades.strip_wrappers(payload) if variant == "no_wrapper" else trades.strip_id_strings(payload)
        )
        return json_response(reshaped)

    # --- API methods ---------------------------------------------------------------------------------
    def _increment_get(self, params: dict[str, str]) -> Any:
        fields = params.get("fields") or ""
        if not fields:
            raise missing("fields")
        start, end = self._window(params)
        page_no = int_param(params, "page_no", 1, 1, None)
        page_size = int_param(params, "page_size", 40, 1, 100)
        types = {t for t in params.get("type", "").split(",") if t} or trades.DEFAULT_TRADE_TYPES
        status = params.get("status")
        rows = [
            trade
            for trade in self.window(start, end)
            if trade.get("type") in types and (not status or trade.get("status") == status)
        ]
        page, has_next = self.page_of(rows, page_no, page_size)
        simplify = params.get("simplify") == "true"
        body: dict[str, Any] = {}
        if params.get("use_has_next") == "true":
            body["has_next"] = has_next
        else:
            body["total_results"] = len(rows)
        if page:  # TOP leaves ``trades`` out entirely when the page is empty
            selected = [trades.select_fields(trade, fields, simplify) for trade in page]
            body["trades"] = selected if simplify else {"trade": selected}
        body["request_id"] = random_request_id()
        return {"trades_sold_increment_get_response": body}

    def _window(self, params: dict[str, str]) -> tuple[datetime, datetime]:
        moments = []
        for name in ("start_modified", "end_modified"):
            if not params.get(name):
                raise missing(name)
            try:
                moments.append(parse_china_wall_clock(params[name]))
            except ValueError:
                raise invalid(name) from None
        start, end = moments
        if end < start:
            raise invalid("end_modified", "结束时间不能早于开始时间")
        if end - start > timedelta(days=1):
            raise invalid("end_modified", "修改时间跨度不能大于一天")
        return start, end

    def _trade_or_error(self, params: dict[str, str]) -> Order:
        tid = params.get("tid")
        if not tid:
            raise missing("tid")
        trade = self.orders.get(tid)
        if trade is None:
            raise TopError(15, "Remote service error", "isv.trade-not-exist", f"交易{tid}不存在")
        return trade

    def _fullinfo_get(self, params: dict[str, str]) -> Any:
        if not params.get("fields"):
            raise missing("fields")
        trade = self._trade_or_error(params)
        selected = trades.select_fields(trade, params["fields"], params.get("simplify") == "true")
        return {"trade_fullinfo_get_response": {"trade": selected, "request_id": random_request_id()}}

    def _offline_send(self, params: dict[str, str]) -> Any:
        for name in ("tid", "out_sid", "company_code"):
            if not params.get(name):
                raise missing(name)
        trade = self._trade_or_error(params)
        tid, out_sid = trade["tid_str"], params["out_sid"]
        previous = next((s for s in self.shipments if s["tid"] == tid and s["out_sid"] == out_sid), None)
        if previous is not None:
            previous["calls"] += 1  # a retried confirmation: success, nothing shipped twice
        elif trade["status"] in trades.SHIPPABLE:
            now = self.clock.now()
            trades.ship(trade, out_sid, params["company_code"], now)
            self.touch(trade, now)
            self.shipments.append(
                {
                    "tid": tid,
                    "out_sid": out_sid,
                    "company_code": params["company_code"],
                    "at": now.isoformat(),
                    "calls": 1,
                }
            )
        else:
            raise TopError(
                15,
                "Remote service error",
                "isv.logistics-offline-service-error:B04",
                f"订单状态{trade['status']}不允许发货",
            )
        return {
            "logistics_offline_send_response": {
                "shipping": {"is_success": True},
                "request_id": random_request_id(),
            }
        }


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(TaobaoSimulator(**options), port)
