"""ZTO open-API simulator: waybill create/cancel with signed headers, routing codes, trace pushes to Packline.

Faults: ``rate_limit`` (``S206``; ``{"code": "S221"}`` for the QPS flavour), ``malformed`` (``variant``
truncated | no_bill_code), ``bad_signature`` (``S211``), generic kinds. ``response_delay`` setting
slows every answer. Codes for unknown/collected waybills on cancel are the simulator's choice.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from werkzeug.wrappers import Request, Response

from server.integrations.signing import zto_data_digest
from simulators.base import Route, Simulator, SimulatorHandle, json_response, read_json, serve
from simulators.faults import Fault
from simulators.outbound import check_loopback, post
from simulators.timefmt import china_wall_clock

LIMIT_MESSAGES = {"S206": "api qos limit", "S221": "api qps flow limit"}
PROVINCE_ROUTES = {
    "北京市": ("100", "北京分拨"),
    "上海市": ("200", "沪西"),
    "江苏省": ("210", "南京转运"),
    "山东省": ("260", "济南转运"),
    "浙江省": ("300", "杭州转运"),
    "福建省": ("350", "厦门转运"),
    "湖北省": ("430", "武汉转运"),
    "河南省": ("450", "郑州转运"),
    "广东省": ("510", "广州转运"),
    "海南省": ("570", "海口转运"),
    "四川省": ("610", "成都转运"),
}
TRACE_ACTIONS = (
    "GOT",
    "DEPARTURE",
    "ARRIVAL",
    "DISPATCH",
    "INBOUND",
    "SIGNED",
    "DEPARTURE_SIGNED",
    "HANDOVERSCAN_SIGNED",
)


def zto_error(code: str, message: str) -> dict[str, Any]:
    return {"status": False, "statusCode": code, "message": message}


def routing_for(province: str, city: str, district: str) -> tuple[str, str, str]:
    """``(mark, bagAddr, siteCode)``: a stable 三段码 per destination, e.g. ``300- H12 09``."""
    prefix, bag = PROVINCE_ROUTES.get(province, ("999", "总部集包"))
    digest = zlib.crc32(f"{city}{district}".encode())
    letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[digest % 24]
    return f"{prefix}- {letter}{digest // 24 % 90 + 10} {digest // 2160 % 99 + 1:02d}", bag, f"{prefix}01"


class ZtoSimulator(Simulator):
    name = "courier"
    fault_kinds = frozenset({"rate_limit", "malformed", "bad_signature"})

    def __init__(
        self,
        *,
        app_key: str = "ztokey",
        app_secret: str = "ztosecret",
        first_serial: int = 1,
        response_delay: float = 0.0,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.app_key, self.app_secret, self.first_serial = app_key, app_secret, first_serial
        self.settings["response_delay"] = response_delay
        self.settings["push_timeout_seconds"] = 5.0
        self.reset_state()

    def reset_state(self) -> None:
        self.waybills: dict[str, dict[str, Any]] = {}
        self._by_partner_code: dict[str, str] = {}
        self._serial = self.first_serial - 1

    def routes(self) -> list[Route]:
        return [
            Route(
                "/zto.open.createOrder", self._api("zto.open.createOrder", self._create_order), locked=False
            ),
            Route(
                "/zto.open.cancelOrder", self._api("zto.open.cancelOrder", self._cancel_order), locked=False
            ),
            Route("/__sim/waybills", self._list_waybills, ("GET",)),
            Route("/__sim/push-trace", self._push_trace, locked=False),
        ]

    def _api(self, op: str, method: Any) -> Any:
        """A route handler for one API name; the name is also the fault ``op``."""

        def handle(request: Request) -> Response:
            self.pause(float(self.settings["response_delay"]))
            return self.serve_call(op, request, lambda: self._call(method, request))

        return handle

    def _call(self, method: Any, request: Request) -> Any:
        raw = request.get_data(cache=True)
        if request.headers.get("x-appKey") != self.app_key:
            return zto_error("S210", "no permission: unknown x-appKey")
        if request.headers.get("x-dataDigest") != zto_data_digest(raw, self.app_secret):
            return zto_error("S211", "signature verification failed")
        try:
            body = json.loads(raw)
        except ValueError:
            return zto_error("S208", "missing parameter: body is not JSON")
        return method(body)

    # --- faults --------------------------------------------------------------------------------------
    def fault_response(self, op: str, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "rate_limit":
            code = str(fault.option("code", "S206"))
            return json_response(zto_error(code, LIMIT_MESSAGES.get(code, "api qos limit")))
        if fault.kind == "bad_signature":
            return json_response(zto_error("S211", "signature verification failed"))
        return None

    def fault_after(self, op: str, fault: Fault, request: Request, response: Response) -> Response:
        if fault.kind == "malformed" and fault.option("variant") == "no_bill_code":
            payload = json.loads(response.get_data())
            (payload.get("result") or {}).pop("billCode", None)
            return json_response(payload)
        return super().fault_after(op, fault, request, response)

    # --- API -----------------------------------------------------------------------------------------
    def _create_order(self, body: dict[str, Any]) -> Any:
        partner_code = body.get("partnerOrderCode")
        receiver = body.get("receiveInfo") or {}
        if not partner_code:
            return zto_error("S208", "missing parameter: partnerOrderCode")
        for field in ("receiverName", "receiverMobile", "receiverProvince", "receiverAddress"):
            if not receiver.get(field):
                return zto_error("S208", f"missing parameter: receiveInfo.{field}")
        existing = self.waybills.get(self._by_partner_code.get(partner_code, ""))
        if existing is not None and existing["status"] != "voided":
            return self._created(existing, "重复下单，返回原运单号")
        self._serial += 1
        mark, bag, site = routing_for(
            receiver["receiverProvince"],
            receiver.get("receiverCity", ""),
            receiver.get("receiverDistrict", ""),
        )
        waybill = {
            "bill_code": f"7310{self._serial:010d}",
            "partner_order_code": partner_code,
            "status": "issued",
            "mark": mark,
            "bag_addr": bag,
            "site_code": site,
            "receiver": receiver,
            "created_at": self.clock.now().isoformat(),
            "voided_at": None,
        }
        self.waybills[waybill["bill_code"]] = waybill
        self._by_partner_code[partner_code] = waybill["bill_code"]
        return self._created(waybill, "下单成功")

    def _created(self, waybill: dict[str, Any], message: str) -> dict[str, Any]:
        result = {
            "billCode": waybill["bill_code"],
            "partnerOrderCode": waybill["partner_order_code"],
            "siteCode": waybill["site_code"],
            "bigMarkInfo": {"mark": waybill["mark"], "bagAddr": waybill["bag_addr"]},
        }
        return {"status": True, "statusCode": "0000", "message": message, "result": result}

    def _cancel_order(self, body: dict[str, Any]) -> Any:
        code = body.get("billCode") or self._by_partner_code.get(str(body.get("partnerOrderCode")), "")
        waybill = self.waybills.get(code)
        if waybill is None:
            return zto_error("BILL_NOT_FOUND", f"运单{code}不存在")
        if waybill["status"] in ("collected", "signed"):
            return zto_error("BILL_COLLECTED", "运单已揽收，不能取消")
        if waybill["status"] != "voided":
            waybill.update(status="voided", voided_at=self.clock.now().isoformat())
        return {"status": True, "statusCode": "0000", "message": "取消成功", "result": {"billCode": code}}

    # --- control endpoints ---------------------------------------------------------------------------
    def _list_waybills(self, request: Request) -> Response:
        return json_response({"waybills": list(self.waybills.values())})

    def _push_trace(self, request: Request) -> Response:
        """``{"bill_code", "action", "target_url", "repeat": 1, "bad_digest": false}`` → form POST to Packline."""
        command = read_json(request)
        action = str(command.get("action", "GOT"))
        if action not in TRACE_ACTIONS:
            return json_response({"error": f"action must be one of {TRACE_ACTIONS}"}, 400)
        try:
            url = check_loopback(str(command.get("target_url", "")))
        except ValueError as exc:
            return json_response({"error": str(exc)}, 400)
        data = self._trace_data(str(command["bill_code"]), action, str(command.get("desc", "")))
        digest = "bad-digest" if command.get("bad_digest") else zto_data_digest(data, self.app_secret)
        form = {"data": data, "data_digest": digest, "company_id": self.app_key, "msg_type": "Traces"}
        timeout = float(self.settings["push_timeout_seconds"])
        attempts = [post(url, data=form, timeout=timeout) for _ in range(int(command.get("repeat", 1)))]
        return json_response({"form": form, "attempts": attempts})

    def _trace_data(self, bill_code: str, action: str, desc: str) -> str:
        with self.lock:
            waybill = self.waybills.get(bill_code)
            if waybill is not None and waybill["status"] != "signed":
                waybill["status"] = "signed" if action.endswith("SIGNED") else "collected"
            site = waybill["site_code"] if waybill else "57101"
        trace = {
            "billCode": bill_code,
            "action": action,
            "actionTime": china_wall_clock(self.clock.now()),
            "desc": desc or {"GOT": "快件已揽收", "SIGNED": "快件已签收"}.get(action, "快件运输中"),
            "facilityCode": site,
            "facilityName": "中通模拟网点",
        }
        return json.dumps(trace, ensure_ascii=False, separators=(",", ":"))


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(ZtoSimulator(**options), port)
