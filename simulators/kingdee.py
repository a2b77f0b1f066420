"""Kingdee K3 Cloud WebAPI simulator: cookie sessions, ExecuteBillQuery, Save/Submit/Audit of outbound bills.

Keeps the SAL_OUTSTOCK bills it receives (query them by ``FNote`` after a Save timeout) and seedable
SAL_SaleOrder statuses for mismatch checks. Faults: ``session_lost``, ``malformed`` (the nested-list
error on ExecuteBillQuery, a truncated body elsewhere), ``timeout_after`` (Save creates, then stalls).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Request, Response

from simulators import kingdee_bills as shapes
from simulators import kingdee_query as query
from simulators.base import Route, Simulator, SimulatorHandle, json_response, read_json, serve
from simulators.catalog import ALL_PRODUCTS, BY_SKU
from simulators.faults import Fault
from simulators.timefmt import CHINA

STUB = re.compile(r"^Kingdee\.BOS\.WebApi\.ServicesStub\.(?P<service>\w+)\.(?P<method>\w+)\.common\.kdsvc$")
SESSION_LOST = "会话信息已丢失，请重新登录"
SESSION_COOKIES = ("kdservice-sessionid", "ASP.NET_SessionId")


class KingdeeSimulator(Simulator):
    name = "kingdee"
    fault_kinds = frozenset({"session_lost", "malformed"})

    def __init__(
        self,
        *,
        acct_id: str = "packline-dc",
        username: str = "packline",
        password: str = "packline123",
        validate_materials: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.acct_id, self.username, self.password = acct_id, username, password
        self.validate_materials = validate_materials
        self.reset_state()

    def reset_state(self) -> None:
        self.sessions: dict[str, str] = {}
        self.bills: dict[str, list[query.Bill]] = {"SAL_OUTSTOCK": [], "SAL_SaleOrder": [], "BD_MATERIAL": []}
        self._next_id = 100000
        self._numbers: dict[str, int] = {}
        for product in ALL_PRODUCTS:
            header = {"fnumber": product.sku, "fname": product.name, "fbarcode": product.barcode}
            self.bills["BD_MATERIAL"].append(
                {"header": {"fmaterialid": self._new_id(), **header, "fdocumentstatus": "C"}}
            )

    def routes(self) -> list[Route]:
        return [
            Route("/K3Cloud/<stub>", self._service, ("POST",), locked=False),
            Route("/__sim/bills", self._list_bills, ("GET",)),
            Route("/__sim/erp-orders", self._erp_orders, ("GET", "POST")),
            Route("/__sim/sessions/expire", self._expire_sessions),
        ]

    # --- service dispatch ----------------------------------------------------------------------------
    def _service(self, request: Request, stub: str) -> Response:
        match = STUB.match(stub)
        if match is None:
            raise NotFound()
        method = match["method"]
        return self.serve_call(method, request, lambda: self._call(method, request))

    def _call(self, method: str, request: Request) -> Any:
        if method == "ValidateUser":
            return self._validate_user(read_json(request))
        if not self._has_session(request):
            return self._wrap(method, shapes.failure(SESSION_LOST, 1))
        handler = {
            "ExecuteBillQuery": self._execute_bill_query,
            "Save": self._save,
            "Submit": self._submit,
            "Audit": self._audit,
        }.get(method)
        try:
            if handler is None:
                raise shapes.KingdeeError(f"模拟器不支持{method}", 4)
            return handler(*shapes.form_and_data(method, read_json(request)))
        except shapes.KingdeeError as exc:
            return self._wrap(method, exc.envelope)
        except query.QueryError as exc:
            return [[shapes.failure(exc.message, exc.msg_code)]]

    def _wrap(self, method: str, envelope: dict[str, Any]) -> Any:
        """A query's error is itself a one-row list of lists; other methods answer the envelope."""
        return [[envelope]] if method in shapes.QUERY_METHODS else envelope

    def _has_session(self, request: Request) -> bool:
        kd, asp = (request.cookies.get(name) for name in SESSION_COOKIES)
        return kd is not None and self.sessions.get(kd) == asp

    def _validate_user(self, body: dict[str, Any]) -> Response:
        if "parameters" in body:
            body = dict(zip(("acctID", "username", "password", "lcid"), body["parameters"], strict=False))
        if body.get("acctID") != self.acct_id:
            return json_response({"Message": "数据中心不存在", "LoginResultType": 0, "IsSuccessByAPI": False})
        if (body.get("username"), body.get("password")) != (self.username, self.password):
            return json_response(
                {"Message": "用户名或密码错误！", "LoginResultType": 0, "IsSuccessByAPI": False}
            )
        kd, asp = secrets.token_hex(16), secrets.token_hex(12)
        self.sessions[kd] = asp
        context = {
            "UserLocale": "zh-CN",
            "DBid": self.acct_id,
            "SessionId": asp,
            "UserId": 100008,
            "UserName": self.username,
        }
        response = json_response(
            {
                "Message": None,
                "MessageCode": "CheckPasswordPolicy",
                "LoginResultType": 1,
                "Context": context,
                "KDSVCSessionId": kd,
                "IsSuccessByAPI": True,
                "AccessToken": None,
            }
        )
        response.set_cookie("kdservice-sessionid", kd, path="/")
        response.set_cookie("ASP.NET_SessionId", asp, path="/", httponly=True)
        return response

    # --- faults --------------------------------------------------------------------------------------
    def fault_response(self, op: str, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "session_lost":
            with self.lock:
                self.sessions.clear()
            return json_response(self._wrap(op, shapes.failure(SESSION_LOST, 1)))
        if fault.kind == "malformed" and op in shapes.QUERY_METHODS:
            return json_response(
                [[shapes.failure(str(fault.option("message", "元数据中标识为FXxx的字段不存在")), 9)]]
            )
        return None

    # --- bill methods --------------------------------------------------------------------------------
    def _execute_bill_query(self, form_id: str, data: dict[str, Any]) -> Any:
        form_id = str(data.get("FormId") or form_id)
        return query.execute(form_id, self.bills.get(form_id, []), data)

    def _save(self, form_id: str, data: dict[str, Any]) -> Any:
        if form_id != "SAL_OUTSTOCK":
            raise shapes.KingdeeError(f"模拟器只接受SAL_OUTSTOCK的保存，收到{form_id}", 5)
        model = data.get("Model")
        if not isinstance(model, dict):
            raise shapes.KingdeeError("Model不能为空", 8)
        header, entries = shapes.flatten(model)
        self._validate(header, entries)
        now = self.clock.now()
        fid = int(header.get("fid") or 0)
        if fid:
            bill = self._bill_by_id(form_id, fid)
            if bill["header"]["fdocumentstatus"] in ("B", "C"):
                raise shapes.KingdeeError("单据已提交或已审核，不允许修改", 12)
            bill["header"].update({k: v for k, v in header.items() if k != "fid"}, fmodifydate=now)
            if model.get("FEntity") is not None:
                bill["entries"] = self._numbered(entries)
        else:
            header.update(fid=self._new_id(), fbillno=self._bill_number("XSCKD"), fdocumentstatus="A")
            header.update(fcreatedate=now, fmodifydate=now)
            bill = {"header": header, "entries": self._numbered(entries)}
            self.bills[form_id].append(bill)
        return shapes.success([bill], list(data.get("NeedReturnFields") or []))

    def _validate(self, header: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        if not header.get("fid") and not header.get("fcustomerid.fnumber"):
            raise shapes.KingdeeError("字段“客户”是必填项", 11, "FCustomerID")
        for index, entry in enumerate(entries):
            number = entry.get("fmaterialid.fnumber")
            if not number or (self.validate_materials and number not in BY_SKU):
                raise shapes.KingdeeError(f"第{index + 1}行物料编码{number}不存在", 11, "FMaterialID")

    def _numbered(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**entry, "fentryid": self._new_id()} for entry in entries]

    def _submit(self, form_id: str, data: dict[str, Any]) -> Any:
        return self._transition(form_id, data, {"A": "B", "D": "B"}, "单据不是创建或重新审核状态，不能提交")

    def _audit(self, form_id: str, data: dict[str, Any]) -> Any:
        return self._transition(form_id, data, {"B": "C"}, "单据不是审核中状态，不能审核")

    def _transition(self, form_id: str, data: dict[str, Any], moves: dict[str, str], refusal: str) -> Any:
        numbers = set(data.get("Numbers") or [])
        ids = {int(i) for i in str(data.get("Ids") or "").split(",") if i.strip()}
        chosen = [
            b
            for b in self.bills.get(form_id, [])
            if b["header"]["fbillno"] in numbers or b["header"]["fid"] in ids
        ]
        if not chosen:
            raise shapes.KingdeeError("未找到对应的单据", 10)
        for bill in chosen:
            if bill["header"]["fdocumentstatus"] not in moves:
                raise shapes.KingdeeError(refusal, 12)
        now = self.clock.now()
        for bill in chosen:
            bill["header"]["fdocumentstatus"] = moves[bill["header"]["fdocumentstatus"]]
            bill["header"]["fmodifydate"] = now
            if bill["header"]["fdocumentstatus"] == "C":
                bill["header"]["fapprovedate"] = now
        return shapes.success(chosen)

    def _bill_by_id(self, form_id: str, fid: int) -> query.Bill:
        for bill in self.bills[form_id]:
            if bill["header"]["fid"] == fid:
                return bill
        raise shapes.KingdeeError(f"FID为{fid}的单据不存在", 10, "FID")

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _bill_number(self, prefix: str) -> str:
        day = self.clock.now().astimezone(CHINA).strftime("%y%m%d")
        self._numbers[prefix + day] = self._numbers.get(prefix + day, 0) + 1
        return f"{prefix}{day}{self._numbers[prefix + day]:04d}"

    # --- control endpoints -----------------------------------------------------------------------------
    def _list_bills(self, request: Request) -> Response:
        form_id = request.args.get("form_id", "SAL_OUTSTOCK")
        return json_response({"bills": [shapes.bill_json(b) for b in self.bills.get(form_id, [])]})

    def _erp_orders(self, request: Request) -> Response:
        if request.method == "POST":
            for order in read_json(request).get("orders", []):
                self._seed_sale_order(order)
        return json_response({"orders": [shapes.bill_json(b)["header"] for b in self.bills["SAL_SaleOrder"]]})

    def _seed_sale_order(self, order: dict[str, Any]) -> None:
        """Upsert by ``platform_order_id``: ``shop``, ``document_status``, ``close_status``, ``cancel_status``, ``note``."""
        ref = str(order["platform_order_id"])
        bill = next(
            (b for b in self.bills["SAL_SaleOrder"] if b["header"]["f_pkl_platformorderid"] == ref), None
        )
        if bill is None:
            header = {"fid": self._new_id(), "fbillno": order.get("bill_no") or self._bill_number("XSDD")}
            header.update(f_pkl_platformorderid=ref, fdate=self.clock.now(), fdocumentstatus="C")
            header.update(fclosestatus="A", fcancelstatus="A", fnote="", f_pkl_shop="")
            bill = {"header": header, "entries": []}
            self.bills["SAL_SaleOrder"].append(bill)
        names = {"shop": "f_pkl_shop", "document_status": "fdocumentstatus", "close_status": "fclosestatus"}
        names.update(cancel_status="fcancelstatus", note="fnote")
        bill["header"].update({names[k]: v for k, v in order.items() if k in names})
        bill["header"]["fmodifydate"] = self.clock.now()

    def _expire_sessions(self, request: Request) -> Response:
        self.sessions.clear()
        return json_response({"expired": True})


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(KingdeeSimulator(**options), port)
