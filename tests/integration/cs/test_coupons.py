"""Delay compensation coupons: amount by lateness, one per order, ORDER_NOT_LATE, visible on the order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server import clock
from server.cs.coupons import issue_delay_coupon, parse_rules
from server.cs.desk import desk_lookup
from server.cs.models import DelayCoupon
from server.errors import Rejected
from tests.integration.cs.helpers import CS
from tests.support import make_order

RULES = parse_rules(("0:5", "24:10"))


@pytest.mark.parametrize(
    ("hours_since_paid", "amount", "rule"), [(30, "5.00", "late>=0h"), (50, "10.00", "late>=24h")]
)
def test_amount_follows_how_late(session: Session, hours_since_paid: int, amount: str, rule: str) -> None:
    now = clock.now()
    order = make_order(session, "picking", paid_at=now - timedelta(hours=hours_since_paid))
    result = issue_delay_coupon(session, order, rules=RULES, actor="user:cs", now=now)
    assert result.created
    coupon = result.coupon
    assert (coupon.amount, coupon.rule, coupon.issued_by, coupon.currency) == (
        Decimal(amount),
        rule,
        "user:cs",
        "CNY",
    )
    assert coupon.late_minutes == (hours_since_paid - 24) * 60 and coupon.issued_at == now


def test_a_repeat_returns_the_same_coupon(session: Session) -> None:
    now = clock.now()
    order = make_order(session, "paid", paid_at=now - timedelta(hours=30))
    first = issue_delay_coupon(session, order, rules=RULES, actor="user:cs", now=now)
    again = issue_delay_coupon(session, order, rules=RULES, actor="user:admin", now=now + timedelta(hours=30))
    assert not again.created and again.coupon.id == first.coupon.id and again.coupon.issued_by == "user:cs"
    count = session.scalar(
        select(func.count()).select_from(DelayCoupon).where(DelayCoupon.order_id == order.id)
    )
    assert count == 1


def test_the_database_refuses_a_second_coupon(session: Session) -> None:
    from sqlalchemy.exc import IntegrityError

    now = clock.now()
    order = make_order(session, "paid", paid_at=now - timedelta(hours=30))
    issue_delay_coupon(session, order, rules=RULES, actor="user:cs", now=now)
    nested = session.begin_nested()
    session.add(
        DelayCoupon(
            order_id=order.id,
            code="DCDUPLICATE",
            amount=5,
            rule="x",
            late_minutes=1,
            issued_by="x",
            issued_at=now,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    nested.rollback()


@pytest.mark.parametrize("case", ["within_promise", "tracked_on_time", "unpaid", "cancelled_early"])
def test_not_late_is_rejected_with_order_not_late(session: Session, case: str) -> None:
    now = clock.now()
    if case == "within_promise":
        order = make_order(session, "paid", paid_at=now - timedelta(hours=2))
    elif case == "tracked_on_time":
        order = make_order(session, "shipped", paid_at=now - timedelta(hours=40))
        order.tracking_assigned_at = now - timedelta(hours=39)
        session.flush()
    elif case == "unpaid":
        order = make_order(session, "pending_payment")
    else:
        order = make_order(
            session, "cancelled", paid_at=now - timedelta(hours=40), now=now - timedelta(hours=30)
        )
    with pytest.raises(Rejected) as caught:
        issue_delay_coupon(session, order, rules=RULES, actor="user:cs", now=now)
    assert caught.value.code == "ORDER_NOT_LATE"
    assert "未超时" in caught.value.message("zh-CN") and "not late" in caught.value.message("en")


def test_the_coupon_shows_on_the_order(session: Session) -> None:
    now = clock.now()
    order = make_order(session, "paid", paid_at=now - timedelta(hours=50))
    before = desk_lookup(session, order.order_number, None, asker=CS, now=now, locale="zh-CN").answer
    assert before["coupon"] is None and before["coupon_eligible"] is True  # type: ignore[index]
    issue_delay_coupon(session, order, rules=RULES, actor="user:cs", now=now)
    after = desk_lookup(session, order.order_number, None, asker=CS, now=now, locale="zh-CN").answer
    coupon = after["coupon"]  # type: ignore[index]
    assert (coupon["amount"], coupon["rule_text"], coupon["issued_by"]) == (
        "10.00",
        "超时 ≥ 24 小时",
        "user:cs",
    )
    assert after["coupon_eligible"] is False  # type: ignore[index]


@pytest.mark.parametrize("bad", [("5",), ("24:10",), ("0:-1",), ("x:5",), ()])
def test_rules_are_validated(bad: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        parse_rules(bad)
