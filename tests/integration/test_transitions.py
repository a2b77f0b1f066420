"""The transition table, holds and the trail, on real PostgreSQL and SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from server import clock
from server.errors import Rejected
from server.orders.holds import place_hold, release_hold
from server.orders.queries import trail
from server.orders.states import TRANSITIONS, EdgeKind, OrderStatus
from server.orders.transitions import TransitionCommand, transition
from tests.support import make_order


def _move(session: Session, order_id: int, to: str, actor: str = "user:lead.hz") -> None:
    transition(session, TransitionCommand(order_id, to, actor, "packline", reason="test"), now=clock.now())


def test_forward_flow_leaves_one_trail_row_per_step(session: Session) -> None:
    order = make_order(session, status="paid")
    for step in ["picking", "printed", "packed", "shipped", "delivered"]:
        _move(session, order.id, step)
    rows = [(r.from_status, r.to_status) for r in trail(session, order.id) if r.subject == "order"]
    assert rows == [
        (None, "paid"),
        ("paid", "picking"),
        ("picking", "printed"),
        ("printed", "packed"),
        ("packed", "shipped"),
        ("shipped", "delivered"),
    ]
    assert trail(session, order.id)[-1].actor == "user:lead.hz"


@pytest.mark.parametrize("start", ["pending_payment", "paid", "picking", "printed", "packed"])
@pytest.mark.parametrize("exit_to", ["refunded", "cancelled"])
def test_refund_and_cancel_reachable_before_shipping(session: Session, start: str, exit_to: str) -> None:
    order = make_order(session, start)
    assert order.status == start
    _move(session, order.id, exit_to)
    assert order.status == exit_to


def test_table_has_no_edge_out_of_terminal_states() -> None:
    for (frm, _to), _kind in TRANSITIONS.items():
        assert frm not in (OrderStatus.REFUNDED, OrderStatus.CANCELLED, OrderStatus.DELIVERED)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("paid", "printed"),
        ("paid", "packed"),
        ("picking", "paid"),
        ("printed", "shipped"),
        ("packed", "paid"),
    ],
)
def test_illegal_transition_names_both_states(session: Session, start: str, to: str) -> None:
    order = make_order(session, status=start)
    with pytest.raises(Rejected) as err:
        _move(session, order.id, to)
    assert err.value.code == "ILLEGAL_TRANSITION"
    assert err.value.details["from"] == start and err.value.details["to"] == to
    assert start in str(err.value.details) and to in str(err.value.details)
    assert "「" in err.value.message("zh-CN")


def test_refund_after_shipping_says_returns_are_out_of_scope(session: Session) -> None:
    order = make_order(session, status="shipped")
    with pytest.raises(Rejected) as err:
        _move(session, order.id, "refunded")
    assert err.value.code == "ILLEGAL_TRANSITION"
    assert "returns are out of Packline's scope" in err.value.message("en")
    assert "退货" in err.value.message("zh-CN")


def test_open_hold_blocks_forward_but_not_refund(session: Session) -> None:
    order = make_order(session, status="printed")
    hold = place_hold(
        session, order, "address_changed", reason="CRM", actor="crm", source_system="crm", now=clock.now()
    )
    with pytest.raises(Rejected) as err:
        _move(session, order.id, "packed")
    assert err.value.code == "ORDER_ON_HOLD"
    assert err.value.details["holds"] == ["address_changed"]
    assert "address changed" in err.value.message("en")
    release_hold(session, order, hold.hold.id, actor="user:lead.hz", reason="reprinted", now=clock.now())
    _move(session, order.id, "packed")
    assert order.status == "packed"


def test_hold_does_not_block_exit(session: Session) -> None:
    order = make_order(session, status="printed")
    place_hold(
        session,
        order,
        "refund_requested",
        reason="buyer",
        actor="tmall",
        source_system="tmall",
        now=clock.now(),
    )
    _move(session, order.id, "refunded")
    assert order.status == "refunded"


def test_placing_the_same_hold_twice_is_one_hold(session: Session) -> None:
    order = make_order(session, status="printed")
    first = place_hold(
        session, order, "manual", reason="x", actor="a", source_system="packline", now=clock.now()
    )
    second = place_hold(
        session, order, "manual", reason="y", actor="b", source_system="packline", now=clock.now()
    )
    assert first.changed and not second.changed
    assert first.hold.id == second.hold.id
    assert len(order.open_holds) == 1


def test_exit_edges_are_marked_exit() -> None:
    assert TRANSITIONS[(OrderStatus.PRINTED, OrderStatus.REFUNDED)] is EdgeKind.EXIT
    assert TRANSITIONS[(OrderStatus.PRINTED, OrderStatus.PACKED)] is EdgeKind.FORWARD
