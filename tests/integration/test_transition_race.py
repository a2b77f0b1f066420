"""8 threads racing the same transition: exactly one winner and one trail row, on PostgreSQL and SQLite."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.db import make_session_factory, unit_of_work
from server.errors import DomainError
from server.orders.ingest import ingest_order
from server.orders.models import Order, StatusTransition
from server.orders.transitions import TransitionCommand, transition
from tests.support import ingest_command

THREADS = 8


@pytest.fixture
def committed_order(any_engine: Engine):  # type: ignore[no-untyped-def]
    factory = make_session_factory(any_engine)
    with unit_of_work(factory) as uow:
        order = ingest_order(
            uow.session,
            ingest_command(),
            actor="t",
            source_system="t",
            now=clock.now(),
            tz=ZoneInfo("Asia/Shanghai"),
        ).order
        order_id = order.id
    yield factory, order_id
    with unit_of_work(factory) as uow:
        uow.session.execute(delete(Order).where(Order.id == order_id))


def test_concurrent_transition_has_exactly_one_winner(committed_order) -> None:  # type: ignore[no-untyped-def]
    factory, order_id = committed_order
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(factory) as uow:
                transition(
                    uow.session,
                    TransitionCommand(order_id, "picking", f"user:p{n}", "packline"),
                    now=clock.now(),
                )
            result = "won"
        except DomainError as exc:
            result = exc.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes.count("won") == 1, outcomes
    assert set(outcomes) - {"won"} <= {"ILLEGAL_TRANSITION", "CONCURRENT_UPDATE"}
    with Session(bind=factory.kw["bind"]) as s:
        rows = s.scalar(
            select(func.count()).where(
                StatusTransition.order_id == order_id, StatusTransition.to_status == "picking"
            )
        )
        status = s.scalar(select(Order.status).where(Order.id == order_id))
    assert rows == 1
    assert status == "picking"
