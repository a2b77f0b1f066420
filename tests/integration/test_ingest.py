"""Ingest: idempotent upsert per source + external id, gift binding by promotion rule, address versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server import clock
from server.errors import InvalidInput
from server.orders.addresses import AddressInput
from server.orders.ingest import ingest_order
from server.orders.models import AddressVersion, GiftOrder, Order, StatusTransition
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, ingest_command, make_order

TZ = ZoneInfo("Asia/Shanghai")


def _ingest(session: Session, cmd, now=None):  # type: ignore[no-untyped-def]
    return ingest_order(session, cmd, actor="tmall", source_system="tmall", now=now or clock.now(), tz=TZ)


def _count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_qualifying_promotion_creates_gift_sub_order(any_engine, request) -> None:  # type: ignore[no-untyped-def]
    session = request.getfixturevalue("session")
    result = _ingest(session, ingest_command(promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT))
    gift = result.order.gift
    assert gift is not None
    assert gift.gift_number == result.order.order_number + "GIFT"
    assert gift.status == "pending"
    assert [(line.sku, line.qty) for line in gift.lines] == [("GIFT-CUP-01", 1)]
    subjects = {r.subject for r in result.order.trail}
    assert subjects == {"order", "gift"}


def test_promotion_below_threshold_gives_no_gift(session: Session) -> None:
    result = _ingest(session, ingest_command(promotions=(GIFT_PROMOTION,), paid_amount=Decimal("150.00")))
    assert result.order.gift is None


def test_reingesting_the_same_order_changes_nothing(session: Session) -> None:
    cmd = ingest_command(
        promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT, source_modified_at=clock.now()
    )
    first = _ingest(session, cmd)
    counts = [_count(session, m) for m in (Order, GiftOrder, AddressVersion, StatusTransition)]
    second = _ingest(session, cmd)
    assert first.created and not second.created
    assert not second.changed and second.events == []
    assert [_count(session, m) for m in (Order, GiftOrder, AddressVersion, StatusTransition)] == counts
    assert second.order.version == first.order.version


def test_explicit_order_number_is_kept_and_generated_ones_are_unique(session: Session) -> None:
    kept = _ingest(session, ingest_command(order_number="DAB2026021700882")).order
    assert kept.order_number == "DAB2026021700882"
    a = _ingest(session, ingest_command()).order
    b = _ingest(session, ingest_command()).order
    assert a.order_number != b.order_number
    assert a.order_number.startswith("DAB") and len(a.order_number) == len("DAB2026021700882")


def test_ship_by_is_paid_at_plus_channel_promise(session: Session) -> None:
    paid = clock.now() - timedelta(hours=3)
    tmall = _ingest(session, ingest_command(paid_at=paid)).order
    assert tmall.promised_ship_hours == 24 and tmall.ship_by == paid + timedelta(hours=24)
    pdd = _ingest(session, ingest_command(source="pdd", shop_code="pdd-01", paid_at=paid)).order
    assert pdd.promised_ship_hours == 48 and pdd.ship_by == paid + timedelta(hours=48)


def test_platform_refund_moves_a_printed_order_to_refunded(session: Session) -> None:
    order = make_order(session, "printed")
    cmd = ingest_command(external_id=order.external_id, status="refunded", address=_addr(order))
    result = _ingest(session, cmd)
    assert result.order.status == "refunded"


def test_platform_paid_never_steps_back_over_picking(session: Session) -> None:
    order = make_order(session, "picking")
    cmd = ingest_command(external_id=order.external_id, status="paid", address=_addr(order))
    assert _ingest(session, cmd).order.status == "picking"


def test_older_snapshot_never_overwrites_a_newer_one(session: Session) -> None:
    now = clock.now()
    cmd = ingest_command(source_modified_at=now)
    order = _ingest(session, cmd).order
    stale = replace(cmd, status="cancelled", source_modified_at=now - timedelta(minutes=5))
    assert _ingest(session, stale).order.status == "paid"
    assert order.status == "paid"


def test_address_change_after_printing_holds_the_order(session: Session) -> None:
    order = make_order(session, "printed")
    moved = AddressInput(
        name="张三",
        phone="13812345678",
        province="浙江省",
        city="杭州市",
        district="余杭区",
        detail="仓前路1号",
    )
    result = _ingest(session, ingest_command(external_id=order.external_id, address=moved))
    assert [h.kind for h in result.order.open_holds] == ["address_changed"]
    assert [a.version for a in result.order.addresses] == [1, 2]
    assert result.order.current_address.detail == "仓前路1号"


def test_same_address_with_different_spacing_is_not_a_change(session: Session) -> None:
    order = make_order(session, "printed")
    addr = _addr(order)
    spaced = replace(addr, detail="  " + addr.detail.replace("路", " 路 ") + " ")
    result = _ingest(session, ingest_command(external_id=order.external_id, address=spaced))
    assert len(result.order.addresses) == 1 and result.order.open_holds == []


def test_unknown_shop_is_a_clear_error(session: Session) -> None:
    with pytest.raises(InvalidInput) as err:
        _ingest(session, ingest_command(shop_code="nope"))
    assert err.value.code == "UNKNOWN_SHOP"
    assert "nope" in err.value.message("en")


def _addr(order: Order) -> AddressInput:
    a = order.current_address
    assert a is not None
    return AddressInput(
        name=a.name, phone=a.phone, province=a.province, city=a.city, district=a.district, detail=a.detail
    )
