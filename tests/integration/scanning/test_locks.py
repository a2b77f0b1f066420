"""One order at one station: the lock, its expiry after inactivity, a lead's release — on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import clock
from server.scanning import services
from server.scanning.models import PackSession
from tests.integration.scanning.conftest import LOCK_SECONDS, MUG, TSHIRT, Desk, actor_of, printed_order


def test_lock_holds_while_the_pack_is_active(any_session: Session) -> None:
    order = printed_order(any_session)
    t0 = clock.now()
    first, second = Desk(any_session, "packer.hz1", "PK01"), Desk(any_session, "packer.hz2", "PK02")
    first.now = t0
    first.scan(order.order_number)
    first.now = t0 + timedelta(seconds=LOCK_SECONDS - 10)
    first.scan(TSHIRT)  # activity renews the lock
    second.now = t0 + timedelta(seconds=LOCK_SECONDS + 10)
    locked = second.scan(order.order_number)
    assert locked["code"] == "ORDER_LOCKED" and locked["details"]["expires_in_seconds"] == LOCK_SECONDS - 20


def test_expired_lock_is_taken_over_and_the_idle_pack_abandoned(any_session: Session) -> None:
    order = printed_order(any_session)
    t0 = clock.now()
    first, second = Desk(any_session, "packer.hz1", "PK01"), Desk(any_session, "packer.hz2", "PK02")
    first.now = t0
    first.scan(order.order_number)
    first.scan(TSHIRT)
    second.now = t0 + timedelta(seconds=LOCK_SECONDS + 1)
    taken = second.scan(order.order_number)
    assert taken["code"] == "ORDER_OPENED" and taken["details"]["took_over"]["packer"] == "李打包"
    assert taken["order"]["lines"][0]["scanned"] == 0  # counts start again: the parcel moved
    packs = any_session.scalars(
        select(PackSession).where(PackSession.order_id == order.id).order_by(PackSession.id)
    )
    assert [(p.status, p.closed_by) for p in packs] == [("abandoned", "user:packer.hz2"), ("open", None)]
    first.now = second.now
    assert first.scan(MUG)["code"] == "NO_OPEN_PACK"  # the first station is idle again
    assert first.state()["step"] == "scan_order"


def test_lead_releases_a_lock(any_session: Session) -> None:
    order = printed_order(any_session)
    Desk(any_session, "packer.hz1", "PK01").scan(order.order_number)
    lead = actor_of(any_session, "lead.hz")
    result = services.release_lock(any_session, lead, order.order_number, now=clock.now(), locale="zh-CN")
    answer = result.answer
    assert (answer["result"], answer["code"]) == ("ok", "LOCK_RELEASED")
    assert answer["details"]["packer"] == "李打包" and answer["details"]["station"] == "PK01"
    assert answer["pack"]["status"] == "abandoned" and answer["step"] == "scan_order"
    [progress] = result.events
    assert progress.station == "PK01" and progress.payload["code"] == "LOCK_RELEASED"
    again = services.release_lock(any_session, lead, order.order_number, now=clock.now(), locale="en").answer
    assert again["code"] == "NO_OPEN_PACK"
    assert Desk(any_session, "packer.hz2", "PK02").scan(order.order_number)["code"] == "ORDER_OPENED"


def test_a_station_packs_one_order_at_a_time(any_session: Session) -> None:
    order, other = printed_order(any_session), printed_order(any_session)
    desk = Desk(any_session)
    desk.scan(order.order_number)
    assert desk.scan(other.order_number)["code"] == "WRONG_ORDER"
    assert Desk(any_session, "packer.hz2", "PK01").scan(MUG)["pack"]["packer"] == "李打包"


@pytest.mark.parametrize("column", ["order_id", "station_id"])
def test_database_refuses_a_second_open_pack(any_session: Session, column: str) -> None:
    order, other = printed_order(any_session), printed_order(any_session)
    Desk(any_session).scan(order.order_number)
    pack = any_session.scalars(select(PackSession).where(PackSession.order_id == order.id)).one()
    values = {
        "station_id": pack.station_id + (0 if column == "station_id" else 1),
        "order_id": order.id if column == "order_id" else other.id,
    }
    nested = any_session.begin_nested()
    with pytest.raises(IntegrityError):
        any_session.add(
            PackSession(
                **values,
                warehouse_id=pack.warehouse_id,
                packer="x",
                packer_name="x",
                opened_at=clock.now(),
                last_activity_at=clock.now(),
            )
        )
        any_session.flush()
    nested.rollback()
