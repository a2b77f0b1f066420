"""Generated order numbers: DAB + warehouse-local yyyymmdd + 5-digit daily sequence."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.orders.models import OrderNumberSequence

PREFIX = "DAB"
GIFT_SUFFIX = "GIFT"


def next_order_number(session: Session, now: datetime, tz: ZoneInfo) -> str:
    return reserve_order_numbers(session, now, tz, 1)[0]


def reserve_order_numbers(session: Session, now: datetime, tz: ZoneInfo, count: int) -> list[str]:
    """`count` consecutive numbers of today's sequence in one UPDATE (a batch of new orders)."""
    if count < 1:
        return []
    day = now.astimezone(tz).strftime("%Y%m%d")
    for _ in range(3):
        last = session.execute(
            update(OrderNumberSequence)
            .where(OrderNumberSequence.day == day)
            .values(last_value=OrderNumberSequence.last_value + count)
            .returning(OrderNumberSequence.last_value)
        ).scalar()
        if last is not None:
            return [f"{PREFIX}{day}{value:05d}" for value in range(last - count + 1, last + 1)]
        nested = session.begin_nested()
        try:
            session.add(OrderNumberSequence(day=day, last_value=0))
            session.flush()
            nested.commit()
        except IntegrityError:
            nested.rollback()
    raise RuntimeError("could not allocate an order number")  # pragma: no cover - three lost races in a row


def gift_number(order_number: str) -> str:
    return f"{order_number}{GIFT_SUFFIX}"


def main_number_of_gift(code: str) -> str | None:
    return (
        code[: -len(GIFT_SUFFIX)]
        if code.upper().endswith(GIFT_SUFFIX) and len(code) > len(GIFT_SUFFIX)
        else None
    )


def current_max(session: Session, day: str) -> int:
    return session.scalar(select(OrderNumberSequence.last_value).where(OrderNumberSequence.day == day)) or 0
