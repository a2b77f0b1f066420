"""Askers and order factories shared by the CS desk tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.cs.desk import Asker
from server.orders.addresses import AddressInput
from server.orders.models import Order
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, make_order

CS = Asker("user:cs", None, reveal=False)
ADMIN = Asker("user:admin", None, reveal=True)


def lead_of(session: Session, code: str) -> Asker:
    wid = session.scalars(select(Warehouse.id).where(Warehouse.code == code)).one()
    return Asker(f"user:lead.{code.lower()}", (wid,), reveal=True)


def person(name: str, phone: str, **overrides: Any) -> dict[str, Any]:
    """Ingest overrides for a buyer with their own name and phone."""
    return {
        "customer_name": name,
        "customer_phone": phone,
        "address": AddressInput(
            name=name,
            phone=phone,
            province="浙江省",
            city="杭州市",
            district="西湖区",
            detail="文三路478号5幢1201室",
        ),
        **overrides,
    }


def gift_order(
    session: Session, status: str = "paid", gift_status: str = "pending", **overrides: Any
) -> Order:
    order = make_order(session, status, promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT, **overrides)
    assert order.gift is not None
    order.gift.status = gift_status
    session.flush()
    return order


def paid_hours_ago(now: datetime, hours: float) -> datetime:
    return now - timedelta(hours=hours)
