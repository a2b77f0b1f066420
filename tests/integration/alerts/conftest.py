"""Fixtures for the alert tests: a session on either database, open pack sessions, robot targets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.alerts.models import RobotTarget
from server.catalog.models import Station, Warehouse
from server.orders.models import Order
from server.scanning.models import PackSession


@pytest.fixture
def db(any_engine: Engine) -> Iterator[Session]:
    """A session on PostgreSQL or SQLite inside a transaction that is rolled back."""
    conn = any_engine.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    conn.close()


def open_pack(session: Session, order: Order, station_code: str = "PK02", now: datetime | None = None) -> PackSession:
    """An order being packed at a station (what the scanning desk records when a packer scans it)."""
    now = now or clock.now()
    station = session.scalars(
        select(Station).where(Station.warehouse_id == order.warehouse_id, Station.code == station_code)
    ).one()
    pack = PackSession(
        station_id=station.id,
        warehouse_id=order.warehouse_id,
        order_id=order.id,
        packer="packer.hz1",
        packer_name="李打包",
        status="open",
        opened_at=now,
        last_activity_at=now,
    )
    session.add(pack)
    session.flush()
    return pack


def add_robot(session: Session, warehouse: str = "HZ01", **values: object) -> RobotTarget:
    wid = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse))
    target = RobotTarget(
        warehouse_id=wid,
        kind=values.pop("kind", "dingtalk"),
        name=values.pop("name", "hz-ops"),
        created_at=values.pop("created_at", datetime(2020, 1, 1, tzinfo=clock.now().tzinfo)),
        **values,
    )
    session.add(target)
    session.flush()
    return target
