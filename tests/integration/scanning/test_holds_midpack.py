"""Holds and state changes that land while an order is being packed stop it at the next scan."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from server import clock
from server.orders.addresses import AddressInput, change_address
from server.orders.holds import place_hold, release_hold
from server.orders.models import Hold
from server.orders.transitions import apply_transition
from server.scanning import closing
from tests.integration.scanning.conftest import MUG, TSHIRT, Desk, printed_order


def test_refund_request_mid_pack_stops_the_next_scan(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    desk.scan(TSHIRT)
    hold = place_hold(
        session,
        order,
        "refund_requested",
        reason="buyer",
        actor="tmall",
        source_system="tmall",
        now=clock.now(),
    )
    stopped = desk.scan(TSHIRT)
    assert stopped["code"] == "ORDER_ON_HOLD" and stopped["details"]["holds"] == ["refund_requested"]
    assert stopped["scan"]["matched"] == "item" and stopped["order"]["lines"][0]["scanned"] == 1
    desk.scan(TSHIRT)
    desk.scan(MUG)
    assert desk.complete()["code"] == "ORDER_ON_HOLD"
    assert desk.scan(order.order_number)["code"] == "ORDER_ON_HOLD"
    release_hold(session, order, hold.hold.id, actor="user:lead.hz", reason="buyer withdrew", now=clock.now())
    desk.scan(TSHIRT)
    desk.scan(MUG)
    assert desk.complete()["code"] == "PACK_COMPLETED"


def test_address_change_mid_pack(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    new = AddressInput(
        name="李四",
        phone="13900001111",
        province="浙江省",
        city="杭州市",
        district="滨江区",
        detail="江南大道1号",
    )
    change_address(session, order, new, actor="crm", source_system="crm", now=clock.now())
    answer = desk.scan(TSHIRT)
    assert answer["code"] == "ORDER_ON_HOLD" and answer["details"]["holds"] == ["address_changed"]
    address = answer["order"]["address"]
    assert address["changed"] is True and address["version"] == 2 and address["district"] == "滨江区"
    assert address["name"] == "李*" and address["phone"] == "139****1111"


def test_refund_mid_pack_makes_the_order_not_ready(session: Session, desk: Desk) -> None:
    order = printed_order(session)
    desk.scan(order.order_number)
    apply_transition(
        session, order, "refunded", actor="tmall", source_system="tmall", reason="refund", now=clock.now()
    )
    answer = desk.scan(TSHIRT)
    assert answer["code"] == "ORDER_NOT_READY" and answer["details"]["status"] == "refunded"
    assert desk.abandon()["code"] == "PACK_ABANDONED"  # the packer can still put it aside


def test_hold_landing_between_check_and_commit_still_wins(
    session: Session, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    desk.scan_all_items()
    desk.scan(order.order_number + "GIFT")
    real = closing._missing_items

    def hold_sneaks_in(*args: Any) -> Any:
        # Inserted behind the ORM's back, as another transaction would: the loaded card does not see it.
        session.execute(
            insert(Hold).values(
                order_id=order.id,
                kind="manual",
                placed_by="x",
                source_system="packline",
                placed_at=clock.now(),
            )
        )
        return real(*args)

    monkeypatch.setattr(closing, "_missing_items", hold_sneaks_in)
    answer = desk.complete()
    assert answer["code"] == "ORDER_ON_HOLD" and answer["details"]["holds"] == ["manual"]
    assert answer["order"]["status"] == "printed" and answer["order"]["gift"]["status"] == "pending"
    assert answer["pack"]["status"] == "open" and answer["step"] == "confirm"
