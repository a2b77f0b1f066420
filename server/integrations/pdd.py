"""Pinduoduo connector (`/api/router`): signed calls, incremental order windows (Unix seconds, ≤ 30 min),
live status and online shipment confirmation. Implements `PlatformPort`."""

from __future__ import annotations

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
from server.integrations.mappings import PDD_ANOMALY_STATUS, PDD_LOGISTICS_IDS
from server.integrations.ports import LiveStatus, PlatformPage
from server.integrations.signing import gateway_sign

SYSTEM = "pdd"
# The throttle code is not pinned by the reference [U]: the known ones plus a wording check.
THROTTLE_CODES = frozenset({70031, 70032, 54001})
THROTTLE_WORDS = ("频率", "限流", "limit")
# 10016 sign, 10017 timestamp skew, 10019 token: nothing a retry fixes without a person or a clock fix.
AUTH_CODES = frozenset({10016, 10017, 10019})
STATUS_BATCH = 50


class PddConnector:
    platform = "pdd"

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        tokens: Mapping[str, str],
        default_token: str | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.http = HttpClient(SYSTEM, base_url, timeouts)
        self.client_id, self.client_secret = client_id, client_secret
        self.tokens, self.default_token = dict(tokens), default_token
        self._now = now

    def fetch_page(
        self, shop: str, start: datetime, end: datetime, page: int, page_size: int
    ) -> PlatformPage:
        body = self.call(
            shop,
            "pdd.order.number.list.increment.get",
            {
                "start_updated_at": int(start.timestamp()),
                "end_updated_at": int(end.timestamp()),
                "order_status": 5,
                "refund_status": 5,
                "page": page,
                "page_size": page_size,
            },
        )
        orders = body.get("order_sn_list")
        if "total_count" not in body or not isinstance(orders, list):
            raise malformed(SYSTEM, "no total_count/order_sn_list")
        return PlatformPage(total=int(body["total_count"]), orders=list(orders))

    def live_status(self, shop: str, external_ids: Sequence[str]) -> list[LiveStatus]:
        result: list[LiveStatus] = []
        ids = list(external_ids)
        for first in range(0, len(ids), STATUS_BATCH):
            body = self.call(
                shop, "pdd.order.status.get", {"order_sns": ",".join(ids[first : first + STATUS_BATCH])}
            )
            for row in body.get("order_status_list") or []:
                status = int(row.get("order_status", -1))
                result.append(
                    LiveStatus(
                        external_id=str(row.get("orderSn")),
                        native_status=str(status),
                        order=dict(row),
                        anomaly=status == PDD_ANOMALY_STATUS,
                    )
                )
        return result

    def confirm_shipment(self, shop: str, external_id: str, tracking_number: str, courier_code: str) -> None:
        logistics_id = PDD_LOGISTICS_IDS.get(courier_code)
        if logistics_id is None:
            raise IntegrationError(SYSTEM, Outcome.REJECTED, "unknown_courier", courier_code)
        body = self.call(
            shop,
            "pdd.logistics.online.send",
            {"order_sn": external_id, "logistics_id": logistics_id, "tracking_number": tracking_number},
        )
        if not body.get("is_success"):
            raise IntegrationError(SYSTEM, Outcome.REJECTED, "not_shipped", str(body)[:200])

    def call(self, shop: str, api_type: str, business: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "type": api_type,
            "client_id": self.client_id,
            "access_token": self.tokens.get(shop, self.default_token),
            "timestamp": int(self._now().timestamp()),
            "data_type": "JSON",
            "version": "V1",
            **business,
        }
        params = {k: str(v) for k, v in params.items() if v is not None}
        params["sign"] = gateway_sign(params, self.client_secret)
        reply = self.http.post("/api/router", data=params)
        return classify(reply.data, api_type)

    def close(self) -> None:
        self.http.close()


def classify(data: Any, api_type: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise malformed(SYSTEM, "reply is not a JSON object")
    error = data.get("error_response")
    if isinstance(error, dict):
        raise pdd_error(error)
    key = {
        "pdd.order.number.list.increment.get": "order_sn_increment_get_response",
        "pdd.order.status.get": "order_status_get_response",
        "pdd.logistics.online.send": "logistics_online_send_response",
    }[api_type]
    body = data.get(key)
    if not isinstance(body, dict):
        raise malformed(SYSTEM, f"no {key}")
    return body


def pdd_error(error: Mapping[str, Any]) -> IntegrationError:
    code = int(error.get("error_code") or 0)
    message = f"{error.get('error_msg', '')} {error.get('sub_msg', '')}".strip()
    if code in THROTTLE_CODES or any(word in message for word in THROTTLE_WORDS):
        return IntegrationError(SYSTEM, Outcome.RETRYABLE, str(code), message)
    if code in AUTH_CODES:
        return IntegrationError(SYSTEM, Outcome.AUTH, str(code), message)
    return IntegrationError(SYSTEM, Outcome.REJECTED, str(code), message)
