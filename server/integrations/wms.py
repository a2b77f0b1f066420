"""Qimen-style WMS connector (`/qimen/router`): params in the query string, the document as the raw body,
the signature over both; replies `{"response": {"flag", "code", "message"}}` (reference §3). Implements `WmsPort`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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
from server.integrations.native_orders import china_wall_clock
from server.integrations.ports import WmsDeliveryOrder, WmsPackage
from server.integrations.signing import gateway_sign

SYSTEM = "wms"
AUTH_CODES = frozenset({"sign-check-failure", "invalid-app-key", "invalid-customerId"})
THROTTLE_HINTS = ("limit", "throttl", "频率")
STATUS_BATCH = 100


class WmsConnector:
    def __init__(
        self,
        base_url: str,
        *,
        app_key: str,
        app_secret: str,
        customer_id: str,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.http = HttpClient(SYSTEM, base_url, timeouts)
        self.app_key, self.app_secret, self.customer_id = app_key, app_secret, customer_id
        self._now = now

    def create_delivery_order(self, order: WmsDeliveryOrder) -> str:
        document = {
            "deliveryOrder": {
                "deliveryOrderCode": order.code,
                "orderType": "JYCK",
                "warehouseCode": order.warehouse_code,
                "sourcePlatformCode": order.platform_code,
                "shopNick": order.shop,
                "logisticsCode": order.logistics_code,
                "receiverInfo": dict(order.receiver),
            },
            "orderLines": [
                {"orderLineNo": line.line_no, "itemCode": line.sku, "planQty": line.qty}
                for line in order.lines
            ],
        }
        # Creating an existing code answers the original id: safe to repeat after a lost reply.
        reply = self.call("taobao.qimen.deliveryorder.create", document)
        return str(reply.get("deliveryOrderId") or "")

    def cancel(self, code: str) -> None:
        self.call("taobao.qimen.order.cancel", {"orderCode": code, "orderType": "JYCK"})

    def confirm(self, code: str, status: str, out_biz_code: str, packages: Sequence[WmsPackage] = ()) -> None:
        document = {
            "deliveryOrder": {
                "deliveryOrderCode": code,
                "status": status,
                "outBizCode": out_biz_code,
                "confirmType": 0,
            },
            "packages": [
                {"logisticsCode": p.logistics_code, "expressCode": p.tracking_number, "weight": p.weight_g}
                for p in packages
            ],
        }
        self.call("taobao.qimen.deliveryorder.confirm", document)

    def statuses(self, codes: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ids = list(dict.fromkeys(codes))
        for first in range(0, len(ids), STATUS_BATCH):
            reply = self.call(
                "taobao.qimen.deliveryorder.query", {"orderCodes": ids[first : first + STATUS_BATCH]}
            )
            for row in reply.get("deliveryOrders") or []:
                if row.get("deliveryOrderCode") and row.get("status"):
                    found[str(row["deliveryOrderCode"])] = str(row["status"])
        return found

    def call(self, method: str, document: dict[str, Any]) -> dict[str, Any]:
        raw = json.dumps({"request": document}, ensure_ascii=False, separators=(",", ":")).encode()
        params = {
            "method": method,
            "app_key": self.app_key,
            "customerId": self.customer_id,
            "format": "json",
            "v": "2.0",
            "sign_method": "md5",
            "timestamp": china_wall_clock(self._now()),
        }
        params["sign"] = gateway_sign(params, self.app_secret, "md5", body=raw)
        reply = self.http.post(
            "/qimen/router",
            params=params,
            body=raw,
            headers={"Content-Type": "application/json;charset=utf-8"},
        )
        return classify(reply.data)

    def close(self) -> None:
        self.http.close()


def classify(data: Any) -> dict[str, Any]:
    response = data.get("response") if isinstance(data, dict) else None
    if not isinstance(response, dict) or "flag" not in response:
        raise malformed(SYSTEM, "reply without response.flag")
    if response["flag"] == "success":
        return response
    code, message = str(response.get("code") or ""), str(response.get("message") or "")
    if code in AUTH_CODES:
        raise IntegrationError(SYSTEM, Outcome.AUTH, code, message)
    if code.startswith("isp.") or any(hint in f"{code} {message}".lower() for hint in THROTTLE_HINTS):
        raise IntegrationError(SYSTEM, Outcome.RETRYABLE, code, message)
    raise IntegrationError(SYSTEM, Outcome.REJECTED, code, message)
