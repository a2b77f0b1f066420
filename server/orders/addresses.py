"""Address versions: every address an order has had; a change after printing puts the order on hold."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from server.events import DomainEvent
from server.orders.events import order_updated
from server.orders.holds import place_hold
from server.orders.models import AddressVersion, Order
from server.orders.states import HoldKind, OrderStatus

# Past picking the label already carries the old address: the pack must stop until it is reprinted.
HOLD_ON_CHANGE = frozenset({OrderStatus.PRINTED, OrderStatus.PACKED})


@dataclass(frozen=True)
class AddressInput:
    name: str
    phone: str
    detail: str
    province: str = ""
    city: str = ""
    district: str = ""


@dataclass(frozen=True)
class AddressChange:
    changed: bool
    version: AddressVersion | None
    held: bool
    events: list[DomainEvent]


def address_hash(addr: AddressInput) -> str:
    parts = [addr.name, addr.phone, addr.province, addr.city, addr.district, addr.detail]
    # Whitespace carries no meaning in a Chinese address ("文三路 1号" = "文三路1号"); full-width = half-width.
    normalised = "|".join("".join(unicodedata.normalize("NFKC", p).split()).lower() for p in parts)
    return hashlib.sha256(normalised.encode()).hexdigest()


def add_first_address(order: Order, addr: AddressInput, source_system: str, now: datetime) -> AddressVersion:
    version = _version(addr, 1, source_system, now)
    order.addresses.append(version)
    return version


def change_address(
    session: Session, order: Order, addr: AddressInput, *, actor: str, source_system: str, now: datetime
) -> AddressChange:
    """Store a new version if the normalised address differs; an unchanged address is a no-op."""
    current = order.current_address
    digest = address_hash(addr)
    if current is not None and current.address_hash == digest:
        return AddressChange(False, current, False, [])
    version = _version(addr, (current.version + 1) if current else 1, source_system, now)
    order.addresses.append(version)
    session.flush()
    events: list[DomainEvent] = []
    held = False
    if order.status in HOLD_ON_CHANGE:
        result = place_hold(
            session,
            order,
            HoldKind.ADDRESS_CHANGED,
            reason=f"address v{version.version} from {source_system}; reprint the label",
            actor=actor,
            source_system=source_system,
            now=now,
        )
        held = True
        events.extend(result.events)
    events.append(order_updated(order, "address_changed", address_version=version.version))
    return AddressChange(True, version, held, events)


def _version(addr: AddressInput, number: int, source_system: str, now: datetime) -> AddressVersion:
    return AddressVersion(
        version=number,
        name=addr.name,
        phone=addr.phone,
        province=addr.province,
        city=addr.city,
        district=addr.district,
        detail=addr.detail,
        address_hash=address_hash(addr),
        source_system=source_system,
        created_at=now,
    )
