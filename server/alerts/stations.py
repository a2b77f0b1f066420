"""Which station holds an order right now (its open pack session), so an alert can reach that PDA."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Station
from server.scanning.models import PackSession, PackStatus


def station_holding(session: Session, order_id: int) -> str | None:
    """Code of the station with an open pack session on the order, or None (nobody is packing it)."""
    return session.scalar(
        select(Station.code)
        .join(PackSession, PackSession.station_id == Station.id)
        .where(PackSession.order_id == order_id, PackSession.status == PackStatus.OPEN)
        .limit(1)
    )
