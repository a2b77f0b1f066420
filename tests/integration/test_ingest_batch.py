"""Batch ingest (a platform page, an import batch): the semantics of `ingest_order` in a few statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from server import clock
from server.catalog.models import PromotionRule
from server.errors import InvalidInput
from server.orders.ingest import ingest_order
from server.orders.ingest_batch import ingest_orders
from server.orders.models import GiftOrder, Hold, Order, StatusTransition
from server.orders.reference import IngestReferences
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, ingest_command, make_order

TZ = ZoneInfo("Asia/Shanghai")


def _batch(session: Session, commands, refs=None, known=None):  # type: ignore[no-untyped-def]
    return ingest_orders(
        session, commands, actor="sync:taobao", source_system="taobao", now=clock.now(), tz=TZ, refs=refs, known=known
    )


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind().engine  # type: ignore[union-attr]

    def count(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_page_of_new_orders_is_a_handful_of_statements(session: Session) -> None:
    _batch(session, [ingest_command()])  # today's order-number sequence exists from here on
    commands = [ingest_command() for _ in range(40)]
    commands[3] = replace(commands[3], promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
    commands[7] = replace(commands[7], platform_holds=("risk_review",))
    with _statements(session) as seen:
        results = _batch(session, commands)
    # look-up, channel/shop/warehouse/rules, number block, savepoint, 6 batched INSERTs, trail, release
    assert len(seen) <= 16, "\n".join(s[:70] for s in seen)
    assert [r.created for r in results] == [True] * 40
    numbers = [r.order.order_number for r in results]
    assert len(set(numbers)) == 40 and numbers == sorted(numbers)
    gifted = results[3].order
    assert gifted.gift is not None and gifted.gift.gift_number == gifted.order_number + "GIFT"
    held = results[7].order
    assert [h.kind for h in held.open_holds] == ["risk_review"] and held.version == 2
    stored_holds = session.scalars(select(Hold.kind).where(Hold.order_id == held.id, Hold.released_at.is_(None)))
    assert list(stored_holds) == ["risk_review"]
    assert session.scalar(select(func.count()).select_from(GiftOrder).where(GiftOrder.order_id == gifted.id)) == 1
    trail = session.scalars(select(StatusTransition).where(StatusTransition.order_id == gifted.id)).all()
    assert sorted((t.subject, t.to_status, t.reason) for t in trail) == [
        ("gift", "pending", "promotion"),
        ("order", "paid", "ingested"),
    ]
    event_ = results[0].events[0]
    assert event_.name == "order_updated" and event_.payload["change"] == "created"
    assert event_.payload["order"]["warehouse"] == "HZ01" and event_.warehouse == "HZ01"


def test_same_result_as_one_by_one(session: Session) -> None:
    one = ingest_command(promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT, platform_holds=("risk_review",))
    two = replace(one, external_id=one.external_id + "-b")
    single = ingest_order(session, one, actor="a", source_system="taobao", now=clock.now(), tz=TZ).order
    batched = _batch(session, [two])[0].order
    fields = ("status", "ship_by", "promised_ship_hours", "phone_last4", "promotions", "version", "warehouse_id")
    assert [getattr(single, f) for f in fields] == [getattr(batched, f) for f in fields]
    assert [(line.sku, line.qty) for line in single.lines] == [(line.sku, line.qty) for line in batched.lines]
    assert single.gift.promotion_code == batched.gift.promotion_code  # type: ignore[union-attr]
    assert [h.kind for h in single.open_holds] == [h.kind for h in batched.open_holds]


def test_known_orders_are_updated_never_stepping_back(session: Session) -> None:
    picking = make_order(session, "picking")
    newer = make_order(session, "paid", source_modified_at=clock.now())
    commands = [
        ingest_command(external_id=picking.external_id, status="paid"),  # platform still says paid
        ingest_command(external_id=newer.external_id, source_modified_at=clock.now() - timedelta(hours=1)),
        ingest_command(),
    ]
    before = (picking.version, newer.version)
    results = _batch(session, commands)
    assert [r.created for r in results].count(True) == 1
    session.refresh(picking)
    session.refresh(newer)
    assert picking.status == "picking"
    assert (picking.version, newer.version) == before


def test_a_repeat_of_the_page_changes_nothing(session: Session) -> None:
    commands = [ingest_command(source_modified_at=clock.now()) for _ in range(5)]
    _batch(session, commands)
    counts = [session.scalar(select(func.count()).select_from(m)) for m in (Order, StatusTransition, Hold)]
    again = _batch(session, commands)
    assert not any(r.created or r.changed for r in again)
    assert [session.scalar(select(func.count()).select_from(m)) for m in (Order, StatusTransition, Hold)] == counts


def test_a_second_copy_in_the_same_batch_updates_the_first(session: Session) -> None:
    first = ingest_command(source_modified_at=clock.now() - timedelta(minutes=5))
    later = replace(first, status="refunded", source_modified_at=clock.now())
    results = _batch(session, [first, later])
    assert [r.created for r in results] == [True, False]
    assert results[1].order is results[0].order and results[0].order.status == "refunded"


def test_a_race_on_the_insert_falls_back_to_one_by_one(session: Session) -> None:
    taken = make_order(session, "picking")
    fresh = ingest_command()
    # `known` as another worker's earlier look-up saw it: without the order created meanwhile.
    results = _batch(session, [fresh, ingest_command(external_id=taken.external_id)], known={})
    assert [r.created for r in results] == [True, False]
    assert results[1].order.id == taken.id and taken.status == "picking"
    assert session.scalar(select(func.count()).select_from(Order).where(Order.external_id == fresh.external_id)) == 1


def test_reference_rows_are_read_once_per_refs(session: Session) -> None:
    refs = IngestReferences()
    gift = {"promotions": (GIFT_PROMOTION,), "paid_amount": GIFT_AMOUNT}
    _batch(session, [ingest_command(**gift)], refs=refs)
    rule = session.scalars(select(PromotionRule)).first()
    assert rule is not None
    with _statements(session) as seen:
        _batch(session, [ingest_command(**gift)], refs=refs)
    tables = " ".join(seen)
    assert "FROM channels" not in tables and "FROM shops" not in tables and "FROM promotion_rules" not in tables
    assert session.scalar(select(func.count()).select_from(GiftOrder)) == 2


def test_an_unknown_shop_fails_the_batch(session: Session) -> None:
    with pytest.raises(InvalidInput):
        _batch(session, [ingest_command(), ingest_command(shop_code="nope")])
    assert session.scalar(select(func.count()).select_from(Order)) == 0
