"""ZTO courier connector (`/<api name>`, JSON POST, `x-appKey` + `x-dataDigest` headers, reference §4.3).
Implements `CourierPort`: the package reference is ZTO's `partnerOrderCode`, so asking again for the same
package (after a lost reply, or from a retried job) returns the original waybill."""

from __future__ import annotations

import json
from typing import Any

from server.integrations.http import (
    DEFAULT_TIMEOUTS,
    HttpClient,
    IntegrationError,
    Outcome,
    Timeouts,
    malformed,
)
from server.integrations.ports import Party, Waybill, WaybillRequest
from server.integrations.signing import zto_data_digest

SYSTEM = "zto"
CREATE = "zto.open.createOrder"
CANCEL = "zto.open.cancelOrder"  # API name not pinned by the reference [U]; the simulator's choice
RETRYABLE_CODES = frozenset({"S206", "S221"})  # api qos limit / api qps flow limit
AUTH_CODES = frozenset({"S211", "S214", "S210", "E404", "E409", "E413", "E416", "E418"})


class ZtoConnector:
    courier_code = "ZTO"

    def __init__(
        self,
        base_url: str,
        *,
        app_key: str,
        app_secret: str,
        account_id: str = "",
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
    ) -> None:
        self.http = HttpClient(SYSTEM, base_url, timeouts)
        self.app_key, self.app_secret, self.account_id = app_key, app_secret, account_id

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        body: dict[str, Any] = {
            "partnerType": "2",
            "orderType": "1",
            "partnerOrderCode": package_ref,
            "accountInfo": {"accountId": self.account_id, "type": 1},
            "senderInfo": _party(order.sender, "sender"),
            "receiveInfo": _party(order.receiver, "receiver"),
            "orderItems": [{"name": name, "quantity": qty} for name, qty in order.items],
            "remark": order.remark,
        }
        if order.weight_g:
            body["orderItems"][0]["weight"] = order.weight_g
        if order.cod_amount:
            body["orderVasList"] = [{"vasType": "COD", "vasAmount": order.cod_amount}]
        try:
            result = self.call(CREATE, body)
        except IntegrationError as exc:
            if not exc.unknown_outcome:
                raise
            # The waybill may exist already: the same partnerOrderCode answers the original billCode.
            result = self.call(CREATE, body)
        bill_code = result.get("billCode")
        if not bill_code:
            raise malformed(SYSTEM, "createOrder succeeded without billCode")
        mark = result.get("bigMarkInfo") or {}
        return Waybill(
            tracking_number=str(bill_code),
            routing_code=str(mark.get("mark") or ""),
            consolidation=str(mark.get("bagAddr") or ""),
            site_code=str(result.get("siteCode") or ""),
        )

    def cancel_waybill(self, tracking_number: str) -> None:
        self.call(CANCEL, {"billCode": tracking_number, "cancelType": "1"})

    def call(self, api: str, body: dict[str, Any]) -> dict[str, Any]:
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json;charset=utf-8",
            "x-appKey": self.app_key,
            "x-dataDigest": zto_data_digest(raw, self.app_secret),
        }
        reply = self.http.post(f"/{api}", body=raw, headers=headers)
        return classify(reply.data)

    def close(self) -> None:
        self.http.close()


def classify(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or "status" not in data:
        raise malformed(SYSTEM, "reply without status")
    if data["status"] is True:
        result = data.get("result")
        return result if isinstance(result, dict) else {}
    code = str(data.get("statusCode") or data.get("code") or "")
    message = str(data.get("message") or "")
    if code in RETRYABLE_CODES:
        raise IntegrationError(SYSTEM, Outcome.RETRYABLE, code, message)
    if code in AUTH_CODES:
        raise IntegrationError(SYSTEM, Outcome.AUTH, code, message)
    raise IntegrationError(SYSTEM, Outcome.REJECTED, code, message)


def _party(party: Party, prefix: str) -> dict[str, str]:
    return {
        f"{prefix}Name": party.name,
        f"{prefix}Mobile": party.mobile,
        f"{prefix}Province": party.province,
        f"{prefix}City": party.city,
        f"{prefix}District": party.district,
        f"{prefix}Address": party.address,
    }
