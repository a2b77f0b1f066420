"""Qimen-style WMS simulator (``/qimen/router``): query-string signing over params + raw JSON body.

Methods: ``taobao.qimen.deliveryorder.create``, ``.order.cancel`` (refused once shipped),
``.deliveryorder.confirm`` (idempotent per ``outBizCode``) and ``.deliveryorder.query``. Error codes
are the simulator's choice (the reference marks the whole contract [U]). Faults: ``rate_limit``,
``malformed`` (``variant`` truncated | no_flag | invalid_xml), ``bad_signature``, generic kinds.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from server.integrations.signing import gateway_sign
from simulators.base import Route, Simulator, SimulatorHandle, json_response, read_json, serve
from simulators.faults import Fault
from simulators.timefmt import china_wall_clock

SIGN_FAILURE = ("sign-check-failure", "Illegal request")
SHIPPED = ("DELIVERED", "PARTDELIVERED")


def reply(flag: str = "success", code: str = "0", message: str = "", **extra: Any) -> dict[str, Any]:
    return {"response": {"flag": flag, "code": code, "message": message, **extra}}


class WmsError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class WmsSimulator(Simulator):
    name = "wms"
    fault_kinds = frozenset({"rate_limit", "malformed", "bad_signature"})

    def __init__(
        self,
        *,
        app_key: str = "wmskey",
        app_secret: str = "wmssecret",
        customer_id: str = "PACKLINE",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.app_key, self.app_secret, self.customer_id = app_key, app_secret, customer_id
        self.reset_state()

    def reset_state(self) -> None:
        self.delivery_orders: dict[str, dict[str, Any]] = {}
        self.confirmations: list[dict[str, Any]] = []
        self._serial = 0

    def routes(self) -> list[Route]:
        return [
            Route("/qimen/router", self._router, ("POST",), locked=False),
            Route("/__sim/wms-orders", self._seed_orders, ("GET", "POST")),
            Route("/__sim/confirmations", self._list_confirmations, ("GET",)),
        ]

    def _router(self, request: Request) -> Response:
        op = request.args.get("method", "")
        return self.serve_call(op, request, lambda: self._call(op, request))

    def _call(self, op: str, request: Request) -> Any:
        params = request.args.to_dict()
        raw = request.get_data(cache=True)
        try:
            self._check_gateway(params, raw)
            handler = {
                "taobao.qimen.deliveryorder.create": self._create,
                "taobao.qimen.order.cancel": self._cancel,
                "taobao.qimen.deliveryorder.confirm": self._confirm,
                "taobao.qimen.deliveryorder.query": self._query,
            }.get(op)
            if handler is None:
                raise WmsError("invalid-method", f"不支持的方法{op}")
            body = json.loads(raw) if raw.strip() else {}
            return handler(body.get("request", body))
        except ValueError:
            return reply("failure", "invalid-body", "请求体不是合法的JSON")
        except WmsError as exc:
            return reply("failure", exc.code, exc.message)

    def _check_gateway(self, params: dict[str, str], raw: bytes) -> None:
        for name in ("method", "app_key", "customerId", "timestamp", "sign"):
            if not params.get(name):
                raise WmsError("missing-parameter", f"缺少参数{name}")
        if params.get("format", "xml") != "json":
            raise WmsError("invalid-format", "模拟器只支持format=json")
        if params["app_key"] != self.app_key:
            raise WmsError("invalid-app-key", "app_key无效")
        if params["customerId"] != self.customer_id:
            raise WmsError("invalid-customerId", "customerId无效")
        sign_method = params.get("sign_method", "md5")
        if sign_method not in ("md5", "hmac", "hmac-sha256"):
            raise WmsError(*SIGN_FAILURE)
        if gateway_sign(params, self.app_secret, sign_method, body=raw) != params["sign"].upper():
            raise WmsError(*SIGN_FAILURE)

    # --- faults --------------------------------------------------------------------------------------
    def fault_response(self, op: str, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "rate_limit":
            code = str(fault.option("code", "isp.call-limited"))
            return json_response(
                reply("failure", code, str(fault.option("message", "调用频率超限，请稍后重试")))
            )
        if fault.kind == "bad_signature":
            return json_response(reply("failure", *SIGN_FAILURE))
        return None

    def fault_after(self, op: str, fault: Fault, request: Request, response: Response) -> Response:
        variant = fault.option("variant", "truncated")
        if fault.kind == "malformed" and variant == "no_flag":
            payload = json.loads(response.get_data())
            payload["response"].pop("flag", None)
            return json_response(payload)
        if fault.kind == "malformed" and variant == "invalid_xml":
            return Response("<response><flag>success</flag><code>0<code></response", content_type="text/xml")
        return super().fault_after(op, fault, request, response)

    # --- methods -------------------------------------------------------------------------------------
    def _create(self, body: dict[str, Any]) -> Any:
        header = body.get("deliveryOrder") or {}
        code = header.get("deliveryOrderCode")
        if not code:
            raise WmsError("missing-parameter", "缺少deliveryOrderCode")
        existing = self.delivery_orders.get(code)
        if existing is not None:
            return reply(message="单据已存在", deliveryOrderId=existing["deliveryOrderId"])
        lines = body.get("orderLines") or []
        self._serial += 1
        order = {
            **header,
            "deliveryOrderId": f"WMS{self._serial:08d}",
            "status": "ACCEPT",
            "orderLines": lines.get("orderLine", []) if isinstance(lines, dict) else lines,
            "createTime": china_wall_clock(self.clock.now()),
        }
        self.delivery_orders[code] = order
        return reply(deliveryOrderId=order["deliveryOrderId"], createTime=order["createTime"])

    def _cancel(self, body: dict[str, Any]) -> Any:
        order = self._order(body.get("orderCode"))
        if order["status"] in SHIPPED:
            raise WmsError("order-shipped", "单据已发货，不能取消")
        order["status"] = "CANCELED"
        return reply(message="取消成功")

    def _confirm(self, body: dict[str, Any]) -> Any:
        header = body.get("deliveryOrder") or {}
        code, out_biz_code = header.get("deliveryOrderCode"), header.get("outBizCode")
        if not code or not out_biz_code:
            raise WmsError("missing-parameter", "缺少deliveryOrderCode或outBizCode")
        seen = next((c for c in self.confirmations if c["outBizCode"] == out_biz_code), None)
        if seen is not None:
            seen["calls"] += 1
            return reply(message="重复的outBizCode，已忽略")
        order = self.delivery_orders.setdefault(code, {"deliveryOrderCode": code, "deliveryOrderId": None})
        if order.get("status") == "CANCELED":
            raise WmsError("order-canceled", "单据已取消，不能确认发货")
        order["status"] = header.get("status") or "DELIVERED"
        order["packages"] = body.get("packages") or []
        record = {
            "outBizCode": out_biz_code,
            "deliveryOrderCode": code,
            "status": order["status"],
            "calls": 1,
        }
        self.confirmations.append(
            {**record, "packages": order["packages"], "at": self.clock.now().isoformat()}
        )
        return reply()

    def _query(self, body: dict[str, Any]) -> Any:
        if "orderCodes" in body:
            codes = [str(code) for code in body["orderCodes"]]
            found = [self._public(self.delivery_orders[c]) for c in codes if c in self.delivery_orders]
            missing = [c for c in codes if c not in self.delivery_orders]
            return reply(deliveryOrders=found, notFound=missing)
        return reply(deliveryOrder=self._public(self._order(body.get("orderCode"))))

    def _order(self, code: object) -> dict[str, Any]:
        order = self.delivery_orders.get(str(code)) if code else None
        if order is None:
            raise WmsError("order-not-found", f"单据{code}不存在")
        return order

    def _public(self, order: dict[str, Any]) -> dict[str, Any]:
        keys = (
            "deliveryOrderCode",
            "deliveryOrderId",
            "status",
            "warehouseCode",
            "logisticsCode",
            "packages",
        )
        return {key: order.get(key) for key in keys if key in order}

    # --- control endpoints ---------------------------------------------------------------------------
    def _seed_orders(self, request: Request) -> Response:
        """``{"orders": [{"deliveryOrderCode": …, "status": "PICK", …}]}`` upserts WMS-side orders."""
        if request.method == "POST":
            for seed in read_json(request).get("orders", []):
                order = self.delivery_orders.setdefault(seed["deliveryOrderCode"], {"deliveryOrderId": None})
                order.update(seed)
        return json_response({"orders": list(self.delivery_orders.values())})

    def _list_confirmations(self, request: Request) -> Response:
        return json_response({"confirmations": self.confirmations})


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(WmsSimulator(**options), port)
