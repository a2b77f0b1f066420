"""The scan is the hot path: a fixed number of statements per call, whatever the size of the order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.orders.ingest import IngestLine
from simulators.catalog import PRODUCTS
from tests.integration.scanning.conftest import TSHIRT, Desk, printed_order

ITEM_SCAN_BUDGET = 6  # tests/integration/scanning/test_round_trips.py names them


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    connection = session.connection()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split()[0])

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def _statements_for_one_item_scan(session: Session, lines: int) -> list[str]:
    products = PRODUCTS[:lines]
    order = printed_order(session, gift=True, lines=tuple(IngestLine(p.sku, p.name, 3) for p in products))
    desk = Desk(session)
    desk.scan(order.order_number)
    with counted(session) as statements:
        assert desk.scan(TSHIRT)["code"] == "ITEM_ACCEPTED"
    desk.abandon()
    return statements


def test_item_scan_statement_count_does_not_grow_with_the_order(session: Session) -> None:
    small = _statements_for_one_item_scan(session, 1)
    large = _statements_for_one_item_scan(session, 25)
    assert len(small) == len(large) <= ITEM_SCAN_BUDGET, (small, large)
