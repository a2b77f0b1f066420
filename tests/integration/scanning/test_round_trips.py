"""The scan call's round trips: an item scan is six statements (claim, station+pack+card, lines with
barcodes, heartbeat, count, answer) whatever the order, and the joined card reads the same on both
databases as the separate loads did."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from server import clock
from server.accounts.models import ApiToken, User
from server.accounts.services import authenticate, issue_service_token
from server.errors import Unauthorized
from server.orders.addresses import AddressInput, change_address
from server.orders.ingest import IngestLine
from simulators.catalog import PRODUCTS
from tests.integration.scanning.conftest import CUP_GIFT_PRODUCT, MUG, TSHIRT, Desk, printed_order
from tests.integration.scanning.test_query_budget import counted
from tests.support import user_token

ITEM_SCAN_STATEMENTS = ["INSERT", "SELECT", "SELECT", "UPDATE", "UPDATE", "UPDATE"]
NEW_ADDRESS = AddressInput(
    name="李四",
    phone="13900001111",
    province="浙江省",
    city="杭州市",
    district="滨江区",
    detail="江南大道1号",
)


@pytest.mark.parametrize("gift", [False, True])
@pytest.mark.parametrize("lines", [1, 25])
def test_an_item_scan_is_six_statements(session: Session, gift: bool, lines: int) -> None:
    products = PRODUCTS[:lines]
    order = printed_order(session, gift=gift, lines=tuple(IngestLine(p.sku, p.name, 3) for p in products))
    desk = Desk(session)
    desk.scan(order.order_number)
    with counted(session) as statements:
        assert desk.scan(TSHIRT)["code"] == "ITEM_ACCEPTED"
    assert statements == ITEM_SCAN_STATEMENTS


def test_a_gift_product_is_still_told_apart_from_a_stranger(any_session: Session) -> None:
    """The gift's barcodes are looked up only when a scan misses the order's own: same answers as before."""
    desk = Desk(any_session)
    order = printed_order(any_session, gift=True)
    desk.scan(order.order_number)
    answer = desk.scan(CUP_GIFT_PRODUCT)
    assert (answer["code"], answer["details"]["is_gift"]) == ("ITEM_NOT_IN_ORDER", True)
    assert desk.scan(TSHIRT)["code"] == "ITEM_ACCEPTED"
    assert desk.scan(TSHIRT)["order"]["lines"][0]["barcodes"]


def test_the_joined_card_on_both_databases(any_session: Session) -> None:
    desk = Desk(any_session)
    order = printed_order(any_session, gift=True)
    opened = desk.scan(order.order_number)
    assert opened["order"]["address"]["version"] == 1 and opened["order"]["address"]["changed"] is False
    assert opened["order"]["gift"]["gift_number"] == order.gift.gift_number  # type: ignore[union-attr]
    assert [line["sku"] for line in opened["order"]["lines"]] == [line.sku for line in order.lines]
    change_address(any_session, order, NEW_ADDRESS, actor="crm", source_system="crm", now=clock.now())
    held = desk.scan(MUG)  # holds are re-read on every scan
    assert held["code"] == "ORDER_ON_HOLD" and held["details"]["holds"] == ["address_changed"]
    address = held["order"]["address"]
    assert (address["version"], address["changed"], address["district"]) == (2, True, "滨江区")
    assert held["remaining"]["items"] == 3 and held["order"]["holds"] == ["address_changed"]


def test_the_token_lookup_is_one_query_and_still_refuses(any_session: Session) -> None:
    now = clock.now()
    raw = user_token(any_session, "packer.hz1")
    with counted(any_session) as statements:
        principal = authenticate(any_session, raw, now=now)
    assert statements == ["SELECT"]
    assert (principal.name, principal.role, principal.warehouse_code) == ("packer.hz1", "packer", "HZ01")
    device = issue_service_token(
        any_session, kind="device", name="PDA-9", role="packer", warehouse_code="HZ01", now=now, ttl=None
    )
    seen = authenticate(any_session, device.token, now=now)
    assert (seen.name, seen.user_id, seen.device_id, seen.warehouse_code) == ("PDA-9", None, "PDA-9", "HZ01")
    with pytest.raises(Unauthorized):
        authenticate(any_session, raw, now=now + timedelta(hours=2))  # expired
    any_session.execute(update(User).where(User.username == "packer.hz1").values(active=False))
    with pytest.raises(Unauthorized):
        authenticate(any_session, raw, now=now)  # a deactivated user's token
    any_session.execute(update(ApiToken).where(ApiToken.name == "PDA-9").values(revoked_at=now))
    with pytest.raises(Unauthorized):
        authenticate(any_session, device.token, now=now)
