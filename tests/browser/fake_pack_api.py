"""FAKE pack API: a stand-in for the PDA page's network peer until the real pack API lands.

It serves the real pda_web blueprint plus a fake /api/v1 that follows the PDA contract (login, stations,
pack scan/complete/undo/abandon/gift-override/state) with a tiny in-memory state machine, and has
switches to answer slowly or to fail like a broken network. It tests nothing about the server: it lets
the browser tests see what the page sends (order, client_scan_ids, duplicates) and what it shows.
"""

from __future__ import annotations

import copy
import logging
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, abort, jsonify, request
from werkzeug.serving import make_server

from pda_web.blueprint import create_blueprint

USERS = {
    "PK-HZ-001": {
        "username": "packer.hz1",
        "password": "packer-pass-2026",
        "name": "李打包",
        "role": "packer",
    },
    "LEAD-HZ-001": {"username": "lead.hz", "password": "lead-pass-2026", "name": "王组长", "role": "lead"},
}
# The PDA a browser test starts as (helpers.new_context seeds it into localStorage): registered to HZ01.
FAKE_PDA = {"token": "pl_fake-pda-hz01", "device_id": "PDA-FAKE01", "warehouse": "HZ01"}
DEVICE_HEADER = "X-Packline-Device-Token"
STATIONS = [
    {
        "code": "PK01",
        "name": "打包台 1",
        "kind": "pack",
        "warehouse": "HZ01",
        "printer": {"format": "pdf", "size": "76x130", "dpi": 203},
    },
    {
        "code": "PK02",
        "name": "打包台 2",
        "kind": "pack",
        "warehouse": "HZ01",
        "printer": {"format": "pdf", "size": "76x130", "dpi": 203},
    },
    {
        "code": "PK04",
        "name": "打包台 4",
        "kind": "pack",
        "warehouse": "HZ01",
        "printer": {"format": "zpl", "size": "76x130", "dpi": 203},
    },
    {"code": "PK99", "name": "未配打印机", "kind": "pack", "warehouse": "HZ01", "printer": None},
]
MESSAGES = {
    "ORDER_OPENED": ("已打开订单 {order}", "Order {order} opened"),
    "ORDER_OPENED_ADDRESS": ("已打开订单 {order},地址已变更!", "Order {order} opened: the address changed!"),
    "ITEM_SCANNED": ("{name} {scanned}/{required}", "{name} {scanned}/{required}"),
    "GIFT_SCANNED": ("赠品已扫描", "Gift scanned"),
    "PACK_COMPLETED": ("打包完成 {order}", "Packed {order}"),
    "ORDER_NOT_FOUND": ("找不到订单 {code}", "No order {code}"),
    "ORDER_ON_HOLD": ("订单已拦截:买家申请退款", "Order on hold: refund requested"),
    "UNKNOWN_BARCODE": ("条码不属于此订单", "This barcode is not in the order"),
    "TOO_MANY": ("{name} 已经够数了", "{name} is already complete"),
    "ITEMS_MISSING": ("还有商品没扫", "Items are still missing"),
    "GIFT_REQUIRED": ("必须扫描赠品", "The gift must be scanned"),
    "GIFT_ALREADY_SCANNED": ("赠品已经扫过了", "The gift was already scanned"),
    "OTHER_ORDER_OPEN": ("请先完成当前订单 {order}", "Finish order {order} first"),
    "NO_OPEN_PACK": ("没有打开的订单", "No open order"),
    "UNDONE": ("已撤销 {name}", "Undone: {name}"),
    "NOTHING_TO_UNDO": ("没有可撤销的扫描", "Nothing to undo"),
    "PACK_ABANDONED": ("已放弃 {order}", "Abandoned {order}"),
    "GIFT_OVERRIDDEN": ("赠品已放行", "Gift overridden"),
    "NOT_A_LEAD": ("不是组长工牌", "That is not a lead's badge"),
    "DUPLICATE_SCAN": ("这次扫描已处理过", "This scan was already processed"),
    "UNAUTHORIZED": ("请重新登录", "Please log in again"),
    "WRONG_CREDENTIALS": ("工牌或密码不正确", "Unknown badge or wrong password"),
    "BADGE_NEEDS_DEVICE": ("工牌登录只能在登记过的 PDA 上使用", "Badge login works only on a registered PDA"),
    "DEVICE_NOT_REGISTERED": ("本机未登记或登记已被撤销,请组长重新登记本机", "This PDA is not registered"),
    "INVALID_INPUT": ("请求内容不正确", "The request is not valid"),
    "INTERNAL_ERROR": ("服务器内部错误", "Internal server error"),
}
HTTP_FAULTS = {"http_422": (422, "INVALID_INPUT"), "http_500": (500, "INTERNAL_ERROR")}


def device_fields(device: dict[str, Any]) -> dict[str, Any]:
    return {"warehouse": device["warehouse"], "device_id": device["device_id"]}


def _orders(now: datetime) -> dict[str, dict[str, Any]]:
    def address(n: int, changed: bool = False) -> dict[str, Any]:
        return {
            "name": "张三",
            "phone": "138****5678",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "detail": f"文三路{n}号",
            "version": 2 if changed else 1,
            "changed": changed,
        }

    orders = [
        {
            "order_number": "SO1001",
            "tracking_number": "7310000001",
            "status": "printed",
            "ship_by": now + timedelta(hours=3),
            "holds": [],
            "lines": [
                {"sku": "SKU-1001-BLK-M", "name": "纯棉T恤 黑色 M", "required": 2, "barcodes": ["6901001"]},
                {"sku": "SKU-4001", "name": "陶瓷马克杯 350ml", "required": 1, "barcodes": ["6904001"]},
            ],
            "gift": {
                "gift_number": "SO1001GIFT",
                "lines": [{"sku": "GIFT-CUP-01", "name": "保温水杯", "qty": 1}],
            },
            "address": address(1),
        },
        {
            "order_number": "SO1002",
            "tracking_number": "7310000002",
            "status": "printed",
            "ship_by": now + timedelta(hours=5),
            "holds": [{"kind": "refund_requested", "reason": "买家申请退款"}],
            "lines": [{"sku": "SKU-2001", "name": "帆布托特包", "required": 1, "barcodes": ["6902001"]}],
            "gift": None,
            "address": address(2),
        },
        {
            "order_number": "SO1003",
            "tracking_number": "7310000003",
            "status": "printed",
            "ship_by": now - timedelta(minutes=12, seconds=3),
            "holds": [],
            "lines": [{"sku": "SKU-2001", "name": "帆布托特包", "required": 1, "barcodes": ["6902001"]}],
            "gift": None,
            "address": address(3, changed=True),
        },
        {
            "order_number": "SO1004",
            "tracking_number": "7310000004",
            "status": "printed",
            "ship_by": now + timedelta(hours=1, minutes=20),
            "holds": [],
            "lines": [
                {"sku": "SKU-3001", "name": "不锈钢保温杯 500ml", "required": 1, "barcodes": ["6903001"]}
            ],
            "gift": None,
            "address": address(4),
        },
    ]
    return {o["order_number"]: o for o in orders}


@dataclass
class Received:
    """One pack request as the fake saw it (after any network fault let it through)."""

    path: str
    body: dict[str, Any]
    duplicate: bool
    accept_language: str
    at: float = field(default_factory=time.monotonic)

    @property
    def code(self) -> str | None:
        return self.body.get("code")

    @property
    def client_scan_id(self) -> str | None:
        return self.body.get("client_scan_id")


class FakePackApi:
    """In-memory pack state machine behind a real HTTP server on an ephemeral port."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.app = self._build_app()
        self.server: Any = None
        self.url = ""
        self.reset()

    # ---- switches used by the tests ------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.now = datetime.now(UTC)
            self.orders = _orders(self.now)
            self.packs: dict[str, dict[str, Any]] = {}
            self.tokens: dict[str, dict[str, Any]] = {}
            self.devices: dict[str, dict[str, Any]] = {FAKE_PDA["token"]: dict(FAKE_PDA)}
            self.answers: dict[str, dict[str, Any]] = {}
            self.received: list[Received] = []
            self.logins: list[dict[str, Any]] = []
            self.state_requests = 0
            self.refused = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.slow_seconds = 0.0
            self.gate = threading.Event()  # pack requests wait here while it is cleared (hold())
            self.gate.set()
            # "network": cut the connection before processing; "drop_response": after processing;
            # "http_422" / "http_500": answer that error without processing.
            self.fail: str | None = None
            self.fail_remaining: int | None = None  # None: until switched off

    def set_fault(self, mode: str | None, times: int | None = None) -> None:
        with self._lock:
            self.fail = mode
            self.fail_remaining = times

    def hold(self) -> None:
        """Pack requests wait (as if the server were stuck) until release()."""
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def revoke_pda(self, token: str = FAKE_PDA["token"]) -> None:
        with self._lock:
            self.devices.pop(token, None)

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def processed(self, path: str = "scan") -> list[Received]:
        """Requests the state machine acted on (not the replays it recognised as duplicates)."""
        return [r for r in self.received if r.path == path and not r.duplicate]

    def processed_codes(self) -> list[str]:
        return [r.code for r in self.processed("scan") if r.code]

    # ---- server ----------------------------------------------------------------------------------

    def start(self) -> FakePackApi:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, name="fake-pack-api", daemon=True).start()
        return self

    def stop(self) -> None:
        self.gate.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def _build_app(self) -> Flask:
        app = Flask("fake_pack_api", static_folder=None)
        app.json.ensure_ascii = False  # type: ignore[attr-defined]
        app.register_blueprint(create_blueprint())
        api = self

        @app.post("/api/v1/auth/login")
        def login() -> Any:
            body = request.get_json(silent=True) or {}
            api._fault("before")
            user = None
            device_token = request.headers.get(DEVICE_HEADER)
            with api._lock:
                api.logins.append({**body, "device_token": device_token})
                device = api.devices.get(device_token or "")
            if device_token and device is None:
                return api._error(401, "DEVICE_NOT_REGISTERED")
            if body.get("badge") and device is None:
                return api._error(401, "BADGE_NEEDS_DEVICE")
            if body.get("badge"):
                user = USERS.get(str(body["badge"]).strip())
            else:
                user = next(
                    (
                        u
                        for u in USERS.values()
                        if u["username"] == body.get("username") and u["password"] == body.get("password")
                    ),
                    None,
                )
            if user is None:
                return api._error(401, "WRONG_CREDENTIALS")
            token = f"tok-{uuid.uuid4().hex}"
            with api._lock:
                api.tokens[token] = user
            expires = (datetime.now(UTC) + timedelta(hours=12)).isoformat()
            principal = {"name": user["username"], "role": user["role"], "kind": "user", "warehouse": "HZ01"}
            return jsonify(token=token, expires_at=expires, user=principal, display_name=user["name"])

        @app.get("/api/v1/auth/me")
        def me() -> Any:
            token = request.headers.get("Authorization", "")[7:]
            with api._lock:
                device = api.devices.get(token)
            if device is not None:
                return jsonify(
                    name=device["device_id"], role="packer", kind="device", **device_fields(device)
                )
            user = api._user()
            return jsonify(
                name=user["username"], role=user["role"], kind="user", warehouse="HZ01", device_id=None
            )

        @app.post("/api/v1/auth/tokens")
        def device_token() -> Any:
            user = api._user()
            body = request.get_json(silent=True) or {}
            if user["role"] not in ("lead", "admin") or body.get("kind") != "device":
                return api._error(403, "UNAUTHORIZED")
            device = {
                "token": f"pl_{uuid.uuid4().hex}",
                "device_id": body["name"],
                "warehouse": body["warehouse"],
            }
            with api._lock:
                api.devices[device["token"]] = device
            principal = {
                "name": device["device_id"],
                "role": "packer",
                "kind": "device",
                **device_fields(device),
            }
            return jsonify(token=device["token"], expires_at=None, user=principal, display_name=None), 201

        @app.post("/api/v1/auth/logout")
        def logout() -> Any:
            return "", 204

        @app.get("/api/v1/stations")
        def stations() -> Any:
            api._user()
            api._fault("before")
            return jsonify(STATIONS)

        @app.get("/api/v1/pack/state")
        def state() -> Any:
            api._user()
            api._fault("before")
            station = request.args.get("station", "")
            with api._lock:
                api.state_requests += 1
                return jsonify(api._answer("ok", None, station, "info"))

        for action in ("scan", "complete", "undo", "abandon", "gift-override"):
            app.add_url_rule(
                f"/api/v1/pack/{action}", f"pack_{action}", api._pack_view(action), methods=["POST"]
            )
        return app

    # ---- plumbing --------------------------------------------------------------------------------

    def _pack_view(self, action: str):  # type: ignore[no-untyped-def]
        def view() -> Any:
            user = self._user()
            body = request.get_json(silent=True) or {}
            self._fault("before")
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                self.gate.wait(timeout=30)
                if self.slow_seconds:
                    time.sleep(self.slow_seconds)
                with self._lock:
                    answer = self._handle(action, body, user)
            finally:
                with self._lock:
                    self.in_flight -= 1
            self._fault("after")
            return jsonify(answer)

        return view

    def _fault(self, phase: str) -> None:
        with self._lock:
            wanted = {"before": ("network", *HTTP_FAULTS), "after": ("drop_response",)}[phase]
            if self.fail not in wanted:
                return
            if self.fail_remaining is not None:
                if self.fail_remaining <= 0:
                    return
                self.fail_remaining -= 1
            self.refused += 1
            mode = self.fail
        if mode in HTTP_FAULTS:
            abort(self._error(*HTTP_FAULTS[mode]))
        # Cut the TCP connection without an HTTP answer: what a dead Wi-Fi looks like to fetch().
        sock = request.environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        abort(500)

    def _user(self) -> dict[str, Any]:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with self._lock:
            user = self.tokens.get(token)
        if user is None:
            abort(self._error(401, "UNAUTHORIZED"))
        return user

    def _locale(self) -> str:
        return "en" if request.headers.get("Accept-Language", "").lower().startswith("en") else "zh-CN"

    def _text(self, code: str, **params: Any) -> str:
        zh, en = MESSAGES[code]
        return (en if self._locale() == "en" else zh).format(**params)

    def _error(self, status: int, code: str) -> Any:
        response = jsonify(code=code, message=self._text(code), details={})
        response.status_code = status
        return response

    # ---- the state machine (called with the lock held) ------------------------------------------

    def _handle(self, action: str, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        scan_id = str(body.get("client_scan_id") or "")
        lang = request.headers.get("Accept-Language", "")
        if scan_id and scan_id in self.answers:
            self.received.append(Received(action, body, True, lang))
            again = copy.deepcopy(self.answers[scan_id])
            again.update(
                result="duplicate", severity="info", sound="success", message=self._text("DUPLICATE_SCAN")
            )
            return again
        self.received.append(Received(action, body, False, lang))
        station = str(body.get("station") or "")
        handler = {
            "scan": self._scan,
            "complete": self._complete,
            "undo": self._undo,
            "abandon": self._abandon,
            "gift-override": self._override,
        }[action]
        answer = handler(station, body, user)
        answer["scan"] = {
            "id": len(self.received),
            "client_scan_id": scan_id,
            "raw": body.get("code"),
            "normalized": str(body.get("code") or "").strip().upper() or None,
            "matched": answer["result"] == "ok",
        }
        if scan_id:
            self.answers[scan_id] = copy.deepcopy(answer)
        return answer

    def _open_pack(self, station: str) -> dict[str, Any] | None:
        pack = self.packs.get(station)
        return pack if pack and not pack["done"] else None

    def _scan(self, station: str, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        code = str(body.get("code") or "").strip().upper()
        pack = self._open_pack(station)
        found = next(
            (o for o in self.orders.values() if code in (o["order_number"], o["tracking_number"])), None
        )
        if pack is None:
            if found is None:
                return self._reject("ORDER_NOT_FOUND", station, code=code)
            if found["holds"]:
                return self._reject("ORDER_ON_HOLD", station, show_order=found)
            self.packs[station] = {
                "id": len(self.packs) + 1,
                "station": station,
                "packer": user["username"],
                "opened_at": datetime.now(UTC).isoformat(),
                "order_number": found["order_number"],
                "scanned": {line["sku"]: 0 for line in found["lines"]},
                "gift": None,
                "history": [],
                "done": False,
            }
            key = "ORDER_OPENED_ADDRESS" if found["address"]["changed"] else "ORDER_OPENED"
            severity = "warning" if found["address"]["changed"] else "success"
            return self._answer("ok", key, station, severity, order=found["order_number"])
        order = self.orders[pack["order_number"]]
        if found is not None and found is order:
            return self._finish(station, pack, order)
        if found is not None:
            return self._reject("OTHER_ORDER_OPEN", station, order=order["order_number"])
        if order["gift"] and code == order["gift"]["gift_number"]:
            if pack["gift"]:
                return self._reject("GIFT_ALREADY_SCANNED", station)
            pack["gift"] = "scanned"
            pack["history"].append(("gift", None))
            return self._answer("ok", "GIFT_SCANNED", station, "success")
        line = next((ln for ln in order["lines"] if code in ln["barcodes"]), None)
        if line is None:
            return self._reject("UNKNOWN_BARCODE", station)
        if pack["scanned"][line["sku"]] >= line["required"]:
            return self._reject("TOO_MANY", station, name=line["name"])
        pack["scanned"][line["sku"]] += 1
        pack["history"].append(("item", line["sku"]))
        return self._answer(
            "ok",
            "ITEM_SCANNED",
            station,
            "success",
            name=line["name"],
            scanned=pack["scanned"][line["sku"]],
            required=line["required"],
        )

    def _finish(self, station: str, pack: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
        if any(pack["scanned"][ln["sku"]] < ln["required"] for ln in order["lines"]):
            return self._reject("ITEMS_MISSING", station)
        if order["gift"] and not pack["gift"]:
            return self._reject("GIFT_REQUIRED", station)
        pack["done"] = True
        order["status"] = "packed"
        return self._answer("ok", "PACK_COMPLETED", station, "success", order=order["order_number"])

    def _complete(self, station: str, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        pack = self._open_pack(station)
        if pack is None:
            return self._reject("NO_OPEN_PACK", station)
        return self._finish(station, pack, self.orders[pack["order_number"]])

    def _undo(self, station: str, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        pack = self._open_pack(station)
        if pack is None or not pack["history"]:
            return self._reject("NOTHING_TO_UNDO", station)
        kind, sku = pack["history"].pop()
        order = self.orders[pack["order_number"]]
        if kind == "gift":
            pack["gift"] = None
            name = order["gift"]["gift_number"]
        else:
            pack["scanned"][sku] -= 1
            name = next(ln["name"] for ln in order["lines"] if ln["sku"] == sku)
        return self._answer("ok", "UNDONE", station, "warning", name=name)

    def _abandon(self, station: str, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        pack = self._open_pack(station)
        if pack is None:
            return self._reject("NO_OPEN_PACK", station)
        del self.packs[station]
        answer = self._answer("ok", "PACK_ABANDONED", station, "warning", order=pack["order_number"])
        return answer

    def _override(self, station: str, body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        pack = self._open_pack(station)
        if pack is None:
            return self._reject("NO_OPEN_PACK", station)
        lead = USERS.get(str(body.get("lead_badge") or ""))
        if lead is None or lead["role"] != "lead" or not body.get("reason"):
            return self._reject("NOT_A_LEAD", station)
        pack["gift"] = "overridden"
        pack["history"].append(("gift", None))
        return self._answer("ok", "GIFT_OVERRIDDEN", station, "warning")

    def _reject(
        self, code: str, station: str, show_order: dict[str, Any] | None = None, **params: Any
    ) -> dict[str, Any]:
        answer = self._answer("rejected", code, station, "error", **params)
        if show_order is not None and answer["order"] is None:
            answer["order"] = self._order_json(show_order, None)
        return answer

    def _answer(
        self, result: str, code: str | None, station: str, severity: str, **params: Any
    ) -> dict[str, Any]:
        pack = self.packs.get(station)
        order = self.orders[pack["order_number"]] if pack else None
        sound = {"success": "success", "info": "success", "warning": "warning", "error": "error"}[severity]
        return {
            "result": result,
            "code": code,
            "message": self._text(code, **params) if code else "",
            "severity": severity,
            "sound": sound,
            "step": self._step(pack, order),
            "pack": {k: pack[k] for k in ("id", "station", "packer", "opened_at")} if pack else None,
            "order": self._order_json(order, pack) if order else None,
            "remaining": self._remaining(pack, order),
            "scan": None,
        }

    @staticmethod
    def _remaining(pack: dict[str, Any] | None, order: dict[str, Any] | None) -> dict[str, int]:
        if not pack or not order:
            return {"items": 0, "gift": 0}
        items = sum(max(0, ln["required"] - pack["scanned"][ln["sku"]]) for ln in order["lines"])
        return {"items": items, "gift": 1 if order["gift"] and not pack["gift"] else 0}

    def _step(self, pack: dict[str, Any] | None, order: dict[str, Any] | None) -> str:
        if not pack or not order:
            return "scan_order"
        if pack["done"]:
            return "done"
        remaining = self._remaining(pack, order)
        if remaining["items"]:
            return "scan_items"
        return "scan_gift" if remaining["gift"] else "confirm"

    def _order_json(self, order: dict[str, Any], pack: dict[str, Any] | None) -> dict[str, Any]:
        scanned = pack["scanned"] if pack else {}
        gift = None
        if order["gift"]:
            state = pack["gift"] if pack else None
            gift = {
                "gift_number": order["gift"]["gift_number"],
                "status": {"scanned": "packed", "overridden": "overridden"}.get(state or "", "pending"),
                "scanned": state == "scanned",
                "lines": order["gift"]["lines"],
            }
        return {
            "order_number": order["order_number"],
            "status": order["status"],
            "tracking_number": order["tracking_number"],
            "ship_by": order["ship_by"].isoformat(),
            "seconds_left": int((order["ship_by"] - datetime.now(UTC)).total_seconds()),
            "holds": order["holds"],
            "lines": [{**ln, "scanned": scanned.get(ln["sku"], 0)} for ln in order["lines"]],
            "gift": gift,
            "address": order["address"],
        }
