"""Taobao/Tmall TOP connector (`/router/rest`): signed form POSTs, incremental trade windows, live check
and offline shipment confirmation. Implements `PlatformPort`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from server import clock
from server.integrations.http import (
    DEFAULT_TIMEOUTS,
    HttpClient,
    IntegrationError,
    Outcome,
    Timeouts,
    malformed,
)
from server.integrations.mappings import TOP_TRADE_FIELDS
from server.integrations.native_orders import china_wall_clock, unwrap_list
from server.integrations.ports import LiveStatus, NativeOrder, PlatformPage
from server.integrations.signing import gateway_sign

SYSTEM = "taobao"
BAN = re.compile(r"(\d+)\s*more\s*seconds", re.IGNORECASE)
# Gateway codes (reference §1.3): 7 = throttled; 24–29 signature/session/app key; 30/31 timestamp.
AUTH_CODES = frozenset({24, 25, 26, 27, 28, 29, 30, 31})
THROTTLE_CODE = 7


class TaobaoConnector:
    platform = "taobao"

    def __init__(
        self,
        base_url: str,
        *,
        app_key: str,
        app_secret: str,
        sessions: Mapping[str, str],
        default_session: str | None = None,
        sign_method: str = "md5",
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.http = HttpClient(SYSTEM, base_url, timeouts)
        self.app_key, self.app_secret, self.sign_method = app_key, app_secret, sign_method
        self.sessions, self.default_session = dict(sessions), default_session
        self._now = now

    # --- PlatformPort ------------------------------------------------------------------------------------
    def fetch_page(
        self, shop: str, start: datetime, end: datetime, page: int, page_size: int
    ) -> PlatformPage:
        body = self.call(
            shop,
            "taobao.trades.sold.increment.get",
            {
                "fields": TOP_TRADE_FIELDS,
                "start_modified": china_wall_clock(start),
                "end_modified": china_wall_clock(end),
                "page_no": page,
                "page_size": page_size,
            },
        )
        if "total_results" not in body:
            raise malformed(SYSTEM, "no total_results in trades_sold_increment_get_response")
        trades = [normalise_trade(t) for t in unwrap_list(body.get("trades"), "trade")]
        return PlatformPage(total=int(body["total_results"]), orders=trades)

    def live_status(self, shop: str, external_ids: Sequence[str]) -> list[LiveStatus]:
        result = []
        for tid in external_ids:
            body = self.call(shop, "taobao.trade.fullinfo.get", {"fields": TOP_TRADE_FIELDS, "tid": tid})
            trade = body.get("trade")
            if not isinstance(trade, dict):
                raise malformed(SYSTEM, "no trade in trade_fullinfo_get_response")
            trade = normalise_trade(trade)
            result.append(
                LiveStatus(external_id=str(tid), native_status=str(trade.get("status")), order=trade)
            )
        return result

    def confirm_shipment(self, shop: str, external_id: str, tracking_number: str, courier_code: str) -> None:
        body = self.call(
            shop,
            "taobao.logistics.offline.send",
            {"tid": external_id, "out_sid": tracking_number, "company_code": courier_code},
        )
        if not (body.get("shipping") or {}).get("is_success"):
            raise IntegrationError(SYSTEM, Outcome.REJECTED, "not_shipped", str(body)[:200])

    # --- gateway --------------------------------------------------------------------------------------------
    def call(self, shop: str, method: str, business: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "method": method,
            "app_key": self.app_key,
            "session": self.sessions.get(shop, self.default_session),
            "timestamp": china_wall_clock(self._now()),
            "format": "json",
            "v": "2.0",
            "sign_method": self.sign_method,
            **{k: str(v) for k, v in business.items()},
        }
        params["sign"] = gateway_sign(params, self.app_secret, self.sign_method)
        reply = self.http.post("/router/rest", data=params)
        return classify(reply.data, method)

    def close(self) -> None:
        self.http.close()


def classify(data: Any, method: str) -> dict[str, Any]:
    """The body decides: `error_response` → throttle / isp / auth / rejected; else the method's response."""
    if not isinstance(data, dict):
        raise malformed(SYSTEM, "reply is not a JSON object")
    error = data.get("error_response")
    if isinstance(error, dict):
        raise top_error(error)
    key = method.removeprefix("taobao.").replace(".", "_") + "_response"
    body = data.get(key)
    if not isinstance(body, dict):
        raise malformed(SYSTEM, f"no {key}")
    return body


def top_error(error: Mapping[str, Any]) -> IntegrationError:
    code = _int(error.get("code"))
    sub_code = str(error.get("sub_code") or "")
    message = f"{error.get('msg', '')} {error.get('sub_msg', '')}".strip()
    label = f"{code}:{sub_code}" if sub_code else str(code)
    if code == THROTTLE_CODE:
        ban = BAN.search(str(error.get("sub_msg") or ""))
        return IntegrationError(
            SYSTEM, Outcome.RETRYABLE, label, message, retry_after=float(ban.group(1)) if ban else 1.0
        )
    if sub_code.startswith("isp."):
        return IntegrationError(SYSTEM, Outcome.RETRYABLE, label, message)
    if code in AUTH_CODES or "session" in sub_code:
        return IntegrationError(SYSTEM, Outcome.AUTH, label, message)
    return IntegrationError(SYSTEM, Outcome.REJECTED, label, message)


def normalise_trade(trade: dict[str, Any]) -> NativeOrder:
    """Unwrapped lists and string ids, whatever shape (simplify or not) the reply had."""
    trade = dict(trade)
    trade["orders"] = unwrap_list(trade.get("orders"), "order")
    trade["promotion_details"] = unwrap_list(trade.get("promotion_details"), "promotion_detail")
    if not trade.get("tid_str") and trade.get("tid") is not None:
        trade["tid_str"] = str(trade["tid"])
    return trade


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
