"""The CRM's `order.address_changed` webhook: find the order, store the new address version, alert.

Past picking the address change puts the order on hold (`server.orders.addresses`); the alert goes to
the lead screen and to the station packing the order, and names what to do for the order's stage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from server.alerts.models import Alert
from server.alerts.services import raise_alert, resolve_alert
from server.alerts.stations import station_holding
from server.catalog.models import Shop
from server.errors import DomainError
from server.events import DomainEvent
from server.i18n import define
from server.integrations.webhooks import invalid_payload
from server.orders.addresses import AddressInput, change_address
from server.orders.models import Order
from server.orders.states import OrderStatus

EVENT_TYPE = "order.address_changed"
SOURCE_SYSTEM = "crm"
ACTOR = "integration:crm"
UNKNOWN_ORDER = define(
    "UNKNOWN_ORDER",
    "找不到订单 {reference}",
    "No order matches {reference}",
)
_NO_ALERT = frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED, OrderStatus.CANCELLED})


class UnknownOrder(DomainError):
    http_status = 404


@dataclass(frozen=True)
class AddressChanged:
    delivery_id: str
    address: AddressInput
    platform: str | None = None
    shop: str | None = None
    platform_order_id: str | None = None
    order_number: str | None = None

    @property
    def reference(self) -> str:
        if self.platform_order_id:
            return f"{self.platform or self.shop}:{self.platform_order_id}"
        return str(self.order_number)


@dataclass(frozen=True)
class CrmResult:
    order: Order
    changed: bool
    held: bool
    address_version: int | None
    alert: Alert | None
    events: list[DomainEvent]


def parse_address_changed(body: bytes) -> AddressChanged:
    """The body after its MAC checked out; anything unusable is a 400 (a sender bug, not a retry)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise invalid_payload("body is not JSON") from None
    if not isinstance(data, dict):
        raise invalid_payload("body is not a JSON object")
    if data.get("type") != EVENT_TYPE:
        raise invalid_payload(f"type must be {EVENT_TYPE}")
    delivery_id = _text(data, "id", 100)
    if not delivery_id:
        raise invalid_payload("id is required")
    address = data.get("address")
    if not isinstance(address, dict):
        raise invalid_payload("address is required")
    addr = AddressInput(
        name=_text(address, "name", 100),
        phone=_text(address, "mobile", 32) or _text(address, "phone", 32),
        detail=_text(address, "detail", 255),
        province=_text(address, "province", 50),
        city=_text(address, "city", 50),
        district=_text(address, "district", 50),
    )
    if not (addr.name and addr.phone and addr.detail):
        raise invalid_payload("address needs name, mobile and detail")
    change = AddressChanged(
        delivery_id=delivery_id,
        address=addr,
        platform=_text(data, "platform", 20) or None,
        shop=_text(data, "shop", 50) or None,
        platform_order_id=_text(data, "platform_order_id", 64) or None,
        order_number=_text(data, "order_number", 40) or None,
    )
    if not (change.platform_order_id or change.order_number):
        raise invalid_payload("platform_order_id or order_number is required")
    return change


def find_order(session: Session, change: AddressChanged) -> Order:
    """By platform + platform order id (orders.source + external_id; a Tmall shop's orders may come
    as platform "taobao", so the shop also identifies the channel), else by Packline order number."""
    order = None
    if change.platform_order_id:
        channel = []
        if change.platform:
            channel.append(Order.source == change.platform)
        if change.shop:
            channel.append(Order.shop_id.in_(select(Shop.id).where(Shop.code == change.shop)))
        query = select(Order).where(Order.external_id == change.platform_order_id)
        matches = list(session.scalars(query.where(or_(*channel)) if channel else query))
        matches.sort(key=lambda o: o.source != change.platform)  # an exact platform match wins
        order = matches[0] if matches else None
    if order is None and change.order_number:
        order = session.scalars(select(Order).where(Order.order_number == change.order_number)).first()
    if order is None:
        raise UnknownOrder(UNKNOWN_ORDER, reference=change.reference)
    return order


def apply_address_change(session: Session, change: AddressChanged, *, now: datetime) -> CrmResult:
    order = find_order(session, change)
    result = change_address(session, order, change.address, actor=ACTOR, source_system=SOURCE_SYSTEM, now=now)
    version = result.version.version if result.version else None
    if not result.changed or order.status in _NO_ALERT:
        return CrmResult(order, result.changed, result.held, version, None, list(result.events))
    events = list(result.events)
    events.extend(_supersede(session, order.id, version, now))
    variant, severity = _stage(order.status, result.held)
    raised = raise_alert(
        session,
        kind="address_changed",
        severity=severity,
        warehouse_code=order.warehouse.code,
        order_id=order.id,
        dedupe_key=f"address_changed:{order.id}:v{version}",
        params={"variant": variant, "address_version": version, "status": order.status, "delivery_id": change.delivery_id},
        now=now,
        station=station_holding(session, order.id),
    )
    events.extend(raised.events)
    return CrmResult(order, True, result.held, version, raised.alert, events)


def _stage(status: str, held: bool) -> tuple[str, str]:
    if held:
        return "held", "critical"
    if status == OrderStatus.SHIPPED:
        return "shipped", "critical"
    if status == OrderStatus.PICKING:
        return "", "warning"
    return "paid", "info"


def _supersede(session: Session, order_id: int, version: int | None, now: datetime) -> list[DomainEvent]:
    """An earlier address alert of the order is answered by the newer one."""
    events: list[DomainEvent] = []
    older = session.scalars(
        select(Alert.id).where(Alert.order_id == order_id, Alert.kind == "address_changed", Alert.resolved_at.is_(None))
    ).all()
    for alert_id in older:
        events.extend(
            resolve_alert(session, alert_id, actor=ACTOR, now=now, reason=f"superseded by address v{version}").events
        )
    return events


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()[:limit]
