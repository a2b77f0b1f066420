"""Kingdee K3 Cloud WebAPI connector: cookie session with one re-login on "session lost", ExecuteBillQuery
that refuses the nested-list error as data, and a SAL_OUTSTOCK Save that never saves twice (reference §2).
Implements `ErpPort`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from server.integrations.http import (
    DEFAULT_TIMEOUTS,
    HttpClient,
    IntegrationError,
    Outcome,
    Timeouts,
    malformed,
)
from server.integrations.mappings import (
    KINGDEE_OUTSTOCK_BILL_TYPE,
    KINGDEE_PLATFORM_ORDER_FIELD,
    KINGDEE_UNIT,
)
from server.integrations.ports import ErpBill, ErpOrderStatus, OutstockBill

SYSTEM = "kingdee"
STUB = "/K3Cloud/Kingdee.BOS.WebApi.ServicesStub.{service}.{method}.common.kdsvc"
SESSION_LOST = "会话信息已丢失"
QUERY_LIMIT = 2000
STATUS_BATCH = 200


class SessionLost(Exception):
    """Raised inside `_call` so the one re-login happens in one place."""


class KingdeeConnector:
    def __init__(
        self,
        base_url: str,
        *,
        acct_id: str,
        username: str,
        password: str,
        lcid: int = 2052,
        org_number: str = "100",
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        settle_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = HttpClient(SYSTEM, base_url, timeouts)
        self.acct_id, self.username, self.password, self.lcid = acct_id, username, password, lcid
        self.org_number = org_number
        # How long a Save whose reply was lost may still take on the other side: as long again as we waited.
        self.settle_seconds = timeouts.read if settle_seconds is None else settle_seconds
        self._sleep = sleep
        self._logged_in = False

    # --- session --------------------------------------------------------------------------------------------
    def login(self) -> None:
        body = {
            "acctID": self.acct_id,
            "username": self.username,
            "password": self.password,
            "lcid": self.lcid,
        }
        reply = self.http.post(
            STUB.format(service="AuthService", method="ValidateUser"),
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        data = reply.data
        if not isinstance(data, dict) or "LoginResultType" not in data:
            raise malformed(SYSTEM, "login reply without LoginResultType")
        if data.get("LoginResultType") not in (1, -5):
            raise IntegrationError(SYSTEM, Outcome.AUTH, "login_failed", str(data.get("Message") or ""))
        self._logged_in = True

    def _call(self, method: str, payload: dict[str, Any]) -> Any:
        """POST a DynamicFormService method; "session lost" → log in again and retry once."""
        for attempt in (1, 2):
            if not self._logged_in:
                self.login()
            reply = self.http.post(
                STUB.format(service="DynamicFormService", method=method),
                body=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json"},
            )
            try:
                return _check_session(reply.data)
            except SessionLost:
                self._logged_in = False
                if attempt == 2:
                    raise IntegrationError(SYSTEM, Outcome.AUTH, "session_lost", SESSION_LOST) from None
        raise AssertionError("unreachable")

    # --- ErpPort --------------------------------------------------------------------------------------------
    def query(
        self,
        form_id: str,
        field_keys: Sequence[str],
        filter_string: str = "",
        order_string: str = "",
        limit: int = QUERY_LIMIT,
    ) -> list[list[Any]]:
        rows: list[list[Any]] = []
        start = 0
        while True:
            query = {
                "FormId": form_id,
                "FieldKeys": ",".join(field_keys),
                "FilterString": filter_string,
                "OrderString": order_string,
                "TopRowCount": 0,
                "StartRow": start,
                "Limit": limit,
            }
            # SDKs send `data` as a JSON string; the real service and the simulator take both.
            page = self._call("ExecuteBillQuery", {"data": json.dumps(query, ensure_ascii=False)})
            page = _query_rows(page)
            rows.extend(page)
            if len(page) < limit:
                return rows
            start += limit

    def find_outstock(self, reference: str) -> ErpBill | None:
        rows = self.query(
            "SAL_OUTSTOCK",
            ["FID", "FBillNo", "FDocumentStatus"],
            f"FNote = {_quote(reference)}",
            "FID ASC",
        )
        if not rows:
            return None
        fid, bill_no, status = rows[0][:3]
        return ErpBill(bill_id=int(fid), bill_no=str(bill_no), status=str(status), created=False)

    def save_outstock(self, bill: OutstockBill) -> ErpBill:
        """Save has no idempotency key, so: look up by reference first (an earlier attempt may have saved
        before dying). After a lost reply, give a Save that may still be running on the other side time to
        land, then look again; if it is still not there, the error goes up and the caller's retry comes
        back here later, looking up before it saves again. Saving again at once would duplicate the bill
        whenever the first request was merely slow."""
        existing = self.find_outstock(bill.reference)
        if existing is not None:
            return existing
        try:
            return self._save(bill)
        except IntegrationError as exc:
            if not exc.unknown_outcome:
                raise
            self._sleep(self.settle_seconds)
            existing = self.find_outstock(bill.reference)
            if existing is not None:
                return existing
            raise

    def _save(self, bill: OutstockBill) -> ErpBill:
        model = {
            "FID": 0,
            "FBillTypeID": {"FNUMBER": KINGDEE_OUTSTOCK_BILL_TYPE},
            "FDate": bill.bill_date,
            "FSaleOrgId": {"FNumber": self.org_number},
            "FStockOrgId": {"FNumber": self.org_number},
            "FCustomerID": {"FNumber": bill.customer_number},
            "FNote": bill.reference,
            "FEntity": [
                {
                    "FMaterialID": {"FNumber": line.sku},
                    "FUnitID": {"FNumber": KINGDEE_UNIT},
                    "FRealQty": line.qty,
                    "FStockID": {"FNumber": bill.stock_number},
                }
                for line in bill.lines
            ],
        }
        data = {
            "NeedUpDateFields": [],
            "NeedReturnFields": ["FBillNo"],
            "IsDeleteEntry": "true",
            "IsVerifyBaseDataField": "false",
            "IsEntryBatchFill": "true",
            "ValidateFlag": "true",
            "NumberSearch": "true",
            "Model": model,
        }
        result = _save_result(self._call("Save", {"formid": "SAL_OUTSTOCK", "data": data}))
        entity = (result.get("ResponseStatus", {}).get("SuccessEntitys") or [{}])[0]
        bill_id = result.get("Id") or entity.get("Id")
        bill_no = result.get("Number") or entity.get("Number")
        if not bill_id or not bill_no:
            raise malformed(SYSTEM, "Save succeeded without Id/Number")
        return ErpBill(bill_id=int(bill_id), bill_no=str(bill_no), status="A", created=True)

    def sale_order_statuses(self, platform_order_ids: Sequence[str]) -> list[ErpOrderStatus]:
        ids = sorted(set(platform_order_ids))
        found: list[ErpOrderStatus] = []
        for first in range(0, len(ids), STATUS_BATCH):
            chunk = ids[first : first + STATUS_BATCH]
            rows = self.query(
                "SAL_SaleOrder",
                [KINGDEE_PLATFORM_ORDER_FIELD, "FBillNo", "FDocumentStatus", "FCloseStatus", "FCancelStatus"],
                f"{KINGDEE_PLATFORM_ORDER_FIELD} in ({','.join(_quote(i) for i in chunk)})",
                "FID ASC",
            )
            for ref, bill_no, doc, close, cancel in (row[:5] for row in rows):
                found.append(ErpOrderStatus(str(ref), str(bill_no), str(doc), str(close), str(cancel)))
        return found

    def close(self) -> None:
        self.http.close()


def _errors_of(envelope: Any) -> list[dict[str, Any]] | None:
    """The Errors list of a failed Save-style `{"Result": {"ResponseStatus": …}}`, else None."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("Result"), dict):
        return None
    status = envelope["Result"].get("ResponseStatus") or {}
    if status.get("IsSuccess") is False:
        return list(status.get("Errors") or [{"Message": "IsSuccess=false"}])
    return None


def _nested_error(data: Any) -> Any:
    """A failed query is *also* a list of lists, its only row a Save-style result (reference §2)."""
    if (
        isinstance(data, list)
        and data
        and isinstance(data[0], list)
        and data[0]
        and isinstance(data[0][0], dict)
    ):
        return data[0][0]
    return None


def _check_session(data: Any) -> Any:
    envelope = _nested_error(data) or data
    errors = _errors_of(envelope) or []
    if any(SESSION_LOST in str(e.get("Message") or "") for e in errors):
        raise SessionLost()
    return data


def _query_rows(data: Any) -> list[list[Any]]:
    nested = _nested_error(data)
    if nested is not None:
        raise _failure(_errors_of(nested) or [{"Message": json.dumps(nested, ensure_ascii=False)[:200]}])
    if not isinstance(data, list) or any(not isinstance(row, list) for row in data):
        raise malformed(SYSTEM, "ExecuteBillQuery reply is not a list of rows")
    return data


def _save_result(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("Result"), dict):
        raise malformed(SYSTEM, "Save reply without Result")
    errors = _errors_of(data)
    if errors is not None:
        raise _failure(errors)
    return dict(data["Result"])


def _failure(errors: list[dict[str, Any]]) -> IntegrationError:
    message = "; ".join(str(e.get("Message") or "") for e in errors)[:300]
    return IntegrationError(SYSTEM, Outcome.REJECTED, "business_error", message)


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
