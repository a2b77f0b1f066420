"""Reference data an ingest needs for every new order (channel, shop, warehouse, promotion rules), read
once per batch or job instead of once per order. Holds plain values, not ORM rows, so one instance can
serve several transactions; make a new one per job/import run, because rules and shops change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Channel, PromotionRule, Shop, Warehouse
from server.errors import InvalidInput
from server.orders import messages


@dataclass(frozen=True)
class ShopRef:
    id: int
    code: str
    promised_ship_hours: int | None


@dataclass(frozen=True)
class WarehouseRef:
    id: int
    code: str


@dataclass(frozen=True)
class RuleRef:
    code: str
    name: str
    min_amount: Decimal
    channel_code: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    gift_sku: str
    gift_name: str
    gift_qty: int


class IngestReferences:
    """Read-through, per-batch memo of the reference rows; each kind is read on first use."""

    def __init__(self) -> None:
        self._channels: dict[str, int | None] = {}
        self._shops: dict[str, ShopRef | None] = {}
        self._warehouses: dict[str, WarehouseRef | None] = {}
        self._rules: tuple[RuleRef, ...] | None = None

    def channel_hours(self, session: Session, code: str) -> int | None:
        """The channel's promised ship hours; raises for an unknown channel."""
        if code not in self._channels:
            channel = session.get(Channel, code)
            if channel is None:
                raise InvalidInput(messages.UNKNOWN_CHANNEL, channel=code)
            self._channels[code] = channel.promised_ship_hours
        return self._channels[code]

    def shop(self, session: Session, code: str) -> ShopRef:
        if code not in self._shops:
            row = session.scalars(select(Shop).where(Shop.code == code)).first()
            self._shops[code] = ShopRef(row.id, row.code, row.promised_ship_hours) if row else None
        found = self._shops[code]
        if found is None:
            raise InvalidInput(messages.UNKNOWN_SHOP, shop=code)
        return found

    def warehouse(self, session: Session, code: str) -> WarehouseRef:
        if code not in self._warehouses:
            row = session.scalars(select(Warehouse).where(Warehouse.code == code)).first()
            self._warehouses[code] = WarehouseRef(row.id, row.code) if row else None
        found = self._warehouses[code]
        if found is None:
            raise InvalidInput(messages.UNKNOWN_WAREHOUSE, warehouse=code)
        return found

    def matching_rules(
        self, session: Session, promotions: tuple[str, ...], paid_amount: Decimal, channel: str, at: datetime
    ) -> list[RuleRef]:
        wanted = {p.strip() for p in promotions if p.strip()}
        if not wanted:
            return []
        if self._rules is None:
            rows = session.scalars(select(PromotionRule).where(PromotionRule.active.is_(True))).all()
            self._rules = tuple(_rule_ref(r) for r in rows)
        return [
            r
            for r in self._rules
            if (r.code in wanted or r.name in wanted)
            and paid_amount >= r.min_amount
            and (r.channel_code is None or r.channel_code == channel)
            and (r.starts_at is None or r.starts_at <= at)
            and (r.ends_at is None or at < r.ends_at)
        ]


def _rule_ref(rule: PromotionRule) -> RuleRef:
    return RuleRef(
        code=rule.code,
        name=rule.name,
        min_amount=rule.min_amount,
        channel_code=rule.channel_code,
        starts_at=rule.starts_at,
        ends_at=rule.ends_at,
        gift_sku=rule.gift_sku,
        gift_name=rule.gift_product.name,
        gift_qty=rule.gift_qty,
    )
