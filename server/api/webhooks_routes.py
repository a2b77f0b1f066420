"""/api/v1/webhooks: inbound webhooks. No bearer token: the HMAC over the raw body is the credential.

Every attempt leaves a row in `webhook_audit` (outcome, delivery id, remote address; never a secret).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import RequestEntityTooLarge

from server import clock
from server.alerts.robot_digest import enqueue_digest
from server.api.auth import runtime
from server.api.schemas import ErrorSchema
from server.integrations.crm_address import UnknownOrder, apply_address_change, parse_address_changed
from server.integrations.webhooks import (
    WebhookRefused,
    check_signature,
    claim_delivery,
    invalid_payload,
    record_audit,
    too_large,
)
from server.runtime import Runtime

log = logging.getLogger("packline.webhooks")

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    description="Signed inbound webhooks (X-Packline-Signature: t=<unix>,v1=<hex HMAC-SHA256>; reference §6)",
)
CRM_ENDPOINT = "crm.address_changed"
SIGNATURE_HEADERS = [
    {"in": "header", "name": "X-Packline-Signature", "required": True, "schema": {"type": "string"},
     "description": "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, '<t>.' + raw body)>[,v1=…] (two during a secret rotation)"},
    {"in": "header", "name": "X-Packline-Delivery-Id", "required": False, "schema": {"type": "string"},
     "description": "Stable across retries; equals the body's `id`"},
    {"in": "header", "name": "X-Packline-Event", "required": False, "schema": {"type": "string"},
     "description": "order.address_changed"},
]


class WebhookAnswerSchema(Schema):
    status = fields.String(metadata={"description": "accepted | unchanged | duplicate"})
    delivery_id = fields.String()
    order_number = fields.String(allow_none=True)
    address_version = fields.Integer(allow_none=True)
    held = fields.Boolean(metadata={"description": "the order went on hold (address changed after printing)"})
    alert_id = fields.Integer(allow_none=True)


@blp.route("/crm/address-changed")
class CrmAddressChanged(MethodView):
    @blp.doc(security=[], parameters=SIGNATURE_HEADERS, requestBody={
        "required": True,
        "content": {"application/json": {"example": {
            "id": "dlv_0001", "type": "order.address_changed", "platform": "taobao", "shop": "tmall-01",
            "platform_order_id": "4012345678901234567",
            "address": {"name": "张三", "mobile": "13800001111", "province": "浙江省", "city": "杭州市",
                        "district": "西湖区", "detail": "文三路100号"},
        }}},
    })
    @blp.response(200, WebhookAnswerSchema)
    @blp.alt_response(400, schema=ErrorSchema, description="Malformed signature header, or a signed body that is not a valid event")
    @blp.alt_response(401, schema=ErrorSchema, description="Stale timestamp (±300 s) or signature mismatch")
    @blp.alt_response(404, schema=ErrorSchema, description="No such order (not recorded as seen: a retry is processed)")
    @blp.alt_response(413, schema=ErrorSchema, description="Body over the limit (64 KiB by default)")
    @blp.alt_response(503, schema=ErrorSchema, description="Webhook secrets not configured or database down; retry")
    def post(self) -> dict[str, Any]:
        """The CRM reports a new delivery address: store it as a new version, hold the order if it is
        past picking, alert the lead screen and the packing station. A repeated delivery id answers
        `{"status": "duplicate"}` and changes nothing."""
        rt = runtime()
        now = clock.now()
        settings = rt.settings
        delivery_header = request.headers.get("X-Packline-Delivery-Id")
        try:
            body = _raw_body(settings.webhook_max_body_bytes)
            check_signature(
                request.headers.get("X-Packline-Signature"), body, settings.webhook_secrets,
                now=now, tolerance=settings.webhook_tolerance_seconds,
            )
            change = parse_address_changed(body)
            if delivery_header and delivery_header != change.delivery_id:
                raise invalid_payload("X-Packline-Delivery-Id differs from the body's id")
        except WebhookRefused as refused:
            _audit(rt, now, refused.outcome, refused.http_status, delivery_header, detail=refused.code)
            raise
        try:
            with rt.work() as work:
                answer: dict[str, Any] = {"delivery_id": change.delivery_id}
                if not claim_delivery(work.session, "crm", change.delivery_id, now=now):
                    _record(work.session, now, "duplicate", 200, change.delivery_id)
                    return {**answer, "status": "duplicate"}
                result = apply_address_change(work.session, change, now=now)
                status = "accepted" if result.changed else "unchanged"
                _record(work.session, now, status, 200, change.delivery_id, order_number=result.order.order_number)
                work.publish(result.events)
                if result.alert is not None and result.alert.warehouse_code:
                    warehouse = result.alert.warehouse_code
                    work.after_commit(lambda: enqueue_digest(rt.jobs, warehouse, now, settings.robot_digest_interval_seconds))
                return {
                    **answer,
                    "status": status,
                    "order_number": result.order.order_number,
                    "address_version": result.address_version,
                    "held": result.held,
                    "alert_id": result.alert.id if result.alert else None,
                }
        except UnknownOrder as exc:
            _audit(rt, now, "unknown_order", exc.http_status, change.delivery_id, detail=change.reference)
            raise


def _raw_body(limit: int) -> bytes:
    """The exact bytes the MAC covers, refused before reading when over the limit."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    request.max_content_length = limit  # also caps a chunked body while it streams in
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large(limit) from None


def _record(session: Any, now: datetime, outcome: str, status: int, delivery_id: str | None, **extra: Any) -> None:
    record_audit(
        session, endpoint=CRM_ENDPOINT, outcome=outcome, http_status=status, now=now,
        delivery_id=delivery_id, remote_addr=request.remote_addr, **extra,
    )


def _audit(rt: Runtime, now: datetime, outcome: str, status: int, delivery_id: str | None, **extra: Any) -> None:
    """A refusal is audited in a transaction of its own (the delivery's own work rolled back)."""
    log.warning("webhook %s refused: %s (%s) delivery=%r from %r", CRM_ENDPOINT, outcome, status, delivery_id, request.remote_addr)
    with rt.work() as work:
        _record(work.session, now, outcome, status, delivery_id, **extra)
