"""DingTalk custom-robot and WeCom group-robot simulator: signatures, keywords, byte limits, throttling.

DingTalk: 20 accepted messages per minute, the 21st gets ``130101`` and locks the robot for
``lockout_seconds`` (600 by default). WeCom: 20 per minute → ``45009``, unknown key → ``93000``.
Fault ``malformed`` answers a non-JSON page; generic kinds apply too.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from werkzeug.wrappers import Request, Response

from server.integrations.signing import dingtalk_sign
from simulators.base import Route, Simulator, SimulatorHandle, json_response, serve
from simulators.faults import Fault

OK = {"errcode": 0, "errmsg": "ok"}
DING_DOC = "more: [https://open.dingtalk.com/document/robots/custom-robot-access]"
TOO_FAST = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
WECOM_LIMITS = {"text": 2048, "markdown": 4096, "markdown_v2": 4096}
DEFAULT_DINGTALK = {"dingtoken": {"secret": "SECexample0123456789", "keywords": ["Packline"]}}
DEFAULT_WECOM_KEYS = ("packline-wecom-key",)


def _error(code: int, message: str) -> dict[str, Any]:
    return {"errcode": code, "errmsg": message}


class RobotsSimulator(Simulator):
    name = "robots"
    fault_kinds = frozenset({"malformed"})

    def __init__(
        self,
        *,
        dingtalk: dict[str, dict[str, Any]] | None = None,
        wecom_keys: list[str] | None = None,
        lockout_seconds: float = 600,
        per_minute: int = 20,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.dingtalk_robots = dict(DEFAULT_DINGTALK if dingtalk is None else dingtalk)
        self.wecom_keys = set(DEFAULT_WECOM_KEYS if wecom_keys is None else wecom_keys)
        self.settings.update(lockout_seconds=lockout_seconds, per_minute=per_minute, max_skew_seconds=3600)
        self.reset_state()

    def reset_state(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._recent: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/robot/send", self._dingtalk, locked=False),
            Route("/cgi-bin/webhook/send", self._wecom, locked=False),
            Route("/__sim/messages", self._list_messages, ("GET",)),
        ]

    def fault_after(self, op: str, fault: Fault, request: Request, response: Response) -> Response:
        if fault.kind == "malformed":
            return Response("<html><body>system busy</body></html>", content_type="text/html")
        return super().fault_after(op, fault, request, response)

    # --- DingTalk ------------------------------------------------------------------------------------
    def _dingtalk(self, request: Request) -> Response:
        return self.serve_call("dingtalk", request, lambda: self._dingtalk_send(request))

    def _dingtalk_send(self, request: Request) -> Any:
        token = request.args.get("access_token", "")
        robot = self.dingtalk_robots.get(token)
        if robot is None:
            return _error(300001, "token is not exist")
        robot_id = f"dingtalk:{token}"
        now = self.clock.timestamp()
        if self._locked_until.get(robot_id, 0.0) > now:
            return TOO_FAST
        if robot.get("secret"):
            refusal = self._check_dingtalk_sign(request, robot["secret"], now)
            if refusal is not None:
                return refusal
        message = _parse(request)
        if message is None:
            return _error(40035, "缺少参数 json")
        keywords = robot.get("keywords") or []
        if keywords and not any(word in _dingtalk_text(message) for word in keywords):
            return _error(310000, f"keywords not in content, {DING_DOC}")
        if not self._admit(robot_id, now):
            # The lockout outlasts the minute window, so the robot comes back with a clean slate.
            self._locked_until[robot_id] = now + float(self.settings["lockout_seconds"])
            self._recent.pop(robot_id, None)
            return TOO_FAST
        self._accept("dingtalk", token, message)
        return OK

    def _check_dingtalk_sign(self, request: Request, secret: str, now: float) -> dict[str, Any] | None:
        timestamp, sign = request.args.get("timestamp", ""), request.args.get("sign", "")
        if not timestamp.isdigit() or not sign:
            return _error(310000, f"sign not match, {DING_DOC}")
        if abs(now * 1000 - int(timestamp)) > float(self.settings["max_skew_seconds"]) * 1000:
            return _error(310000, f"invalid timestamp, {DING_DOC}")
        if dingtalk_sign(secret, int(timestamp)) != sign:
            return _error(310000, f"sign not match, {DING_DOC}")
        return None

    # --- WeCom ---------------------------------------------------------------------------------------
    def _wecom(self, request: Request) -> Response:
        return self.serve_call("wecom", request, lambda: self._wecom_send(request))

    def _wecom_send(self, request: Request) -> Any:
        key = request.args.get("key", "")
        if key not in self.wecom_keys:
            return _error(93000, "invalid webhook url, hint: [key is not valid]")
        message = _parse(request)
        if message is None or not isinstance(message.get(message.get("msgtype", "")), dict):
            return _error(40008, "invalid message type")
        msgtype = message["msgtype"]
        limit = WECOM_LIMITS.get(msgtype)
        content = str(message[msgtype].get("content", ""))
        if limit is not None and len(content.encode()) > limit:
            return _error(40058, f"{msgtype}.content exceed max length {limit}")
        if not self._admit(f"wecom:{key}", self.clock.timestamp()):
            return _error(45009, "api freq out of limit")
        self._accept("wecom", key, message)
        return OK

    # --- shared --------------------------------------------------------------------------------------
    def _admit(self, robot_id: str, now: float) -> bool:
        """Sliding one-minute window of accepted messages per robot."""
        recent = self._recent.setdefault(robot_id, deque())
        while recent and recent[0] <= now - 60:
            recent.popleft()
        if len(recent) >= int(self.settings["per_minute"]):
            return False
        recent.append(now)
        return True

    def _accept(self, robot: str, credential: str, message: dict[str, Any]) -> None:
        entry = {"robot": robot, "msgtype": message.get("msgtype"), "payload": message}
        entry.update(credential=credential, at=self.clock.now().isoformat())
        self.messages.append(entry)

    def _list_messages(self, request: Request) -> Response:
        robot = request.args.get("robot")
        return json_response({"messages": [m for m in self.messages if robot in (None, m["robot"])]})


def _parse(request: Request) -> dict[str, Any] | None:
    try:
        message = json.loads(request.get_data(cache=True))
    except ValueError:
        return None
    return message if isinstance(message, dict) and message.get("msgtype") else None


def _dingtalk_text(message: dict[str, Any]) -> str:
    """Everything a keyword may appear in, per message type."""
    body = message.get(message.get("msgtype", ""), {})
    if not isinstance(body, dict):
        return ""
    parts = [str(body.get(key, "")) for key in ("content", "title", "text")]
    parts += [str(link.get("title", "")) for link in body.get("links", []) if isinstance(link, dict)]
    return "\n".join(parts)


def start(port: int = 0, **options: Any) -> SimulatorHandle:
    return serve(RobotsSimulator(**options), port)
