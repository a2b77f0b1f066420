"""Reading `label_prints`: what the PDA shows (label status) and the lookups printing and the gate need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.labels.models import LabelPrint
from server.labels.records import is_outdated, label_record
from server.orders.models import Order


@dataclass(frozen=True)
class LabelStatus:
    version: int
    tracking_number: str | None
    routing_code: str | None
    waybill_status: str | None
    outdated: bool
    printed: bool
    printed_at: datetime | None
    station: str | None
    print_count: int


def label_status(session: Session, order: Order) -> LabelStatus:
    record = label_record(session, order)
    version = record.label_version if record is not None else order.label_version
    last = last_print(session, order.id, version)
    return LabelStatus(
        version=version,
        tracking_number=order.tracking_number,
        routing_code=order.routing_code,
        waybill_status=record.status if record is not None else None,
        outdated=record is not None and is_outdated(order, record),
        printed=last is not None,
        printed_at=last.at if last is not None else None,
        station=last.station if last is not None else None,
        print_count=last.count if last is not None else 0,
    )


def last_print(session: Session, order_id: int, version: int) -> LabelPrint | None:
    return session.scalars(
        select(LabelPrint)
        .where(LabelPrint.order_id == order_id, LabelPrint.label_version == version)
        .order_by(LabelPrint.count.desc())
    ).first()


def by_client_request(session: Session, order_id: int, client_request_id: str) -> LabelPrint | None:
    return session.scalars(
        select(LabelPrint).where(
            LabelPrint.order_id == order_id, LabelPrint.client_request_id == client_request_id
        )
    ).first()


def first_print(session: Session, order_id: int, version: int) -> LabelPrint | None:
    return session.scalars(
        select(LabelPrint).where(
            LabelPrint.order_id == order_id, LabelPrint.label_version == version, LabelPrint.count == 1
        )
    ).first()


def print_count(session: Session, order_id: int, version: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.max(LabelPrint.count), 0)).where(
                LabelPrint.order_id == order_id, LabelPrint.label_version == version
            )
        )
        or 0
    )
