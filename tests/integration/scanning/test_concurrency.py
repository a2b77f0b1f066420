"""Races between real transactions (threads, each its own connection and commit), on PostgreSQL and SQLite:
two stations opening one order, a retried scan arriving twice at once, a burst of scans of one item."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from server import clock
from server.db import make_session_factory, unit_of_work
from server.orders.ingest import IngestLine
from server.orders.models import Order
from server.scanning import services
from server.scanning.models import PackItem, PackSession, ScanEvent
from server.scanning.services import ScanCommand
from tests.integration.scanning.conftest import LOCK_SECONDS, MUG, actor_of
from tests.support import make_order


@pytest.fixture
def committed(any_engine: Engine) -> Iterator[tuple[sessionmaker[Session], list[int]]]:
    factory = make_session_factory(any_engine)
    created: list[int] = []
    yield factory, created
    with unit_of_work(factory) as uow:
        uow.session.execute(delete(Order).where(Order.id.in_(created)))


def _printed(factory: sessionmaker[Session], created: list[int], **overrides: Any) -> str:
    with unit_of_work(factory) as uow:
        order = make_order(uow.session, "printed", **overrides)
        created.append(order.id)
        return order.order_number


def _race(workers: list[Callable[[], dict[str, Any]]]) -> list[dict[str, Any]]:
    barrier = threading.Barrier(len(workers))
    answers: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(work: Callable[[], dict[str, Any]]) -> None:
        barrier.wait()
        try:
            answer = work()
        except BaseException as exc:  # surfaced below; a thread must not swallow it
            with lock:
                errors.append(exc)
            return
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return answers


def _scanner(
    factory: sessionmaker[Session], username: str, station: str, code: str, scan_id: str | None = None
):  # type: ignore[no-untyped-def]
    with factory() as s:
        actor = actor_of(s, username)

    def work() -> dict[str, Any]:
        with unit_of_work(factory) as uow:
            cmd = ScanCommand(station, code, scan_id or uuid.uuid4().hex)
            return services.scan(
                uow.session, cmd, actor, now=clock.now(), lock_seconds=LOCK_SECONDS, locale="en"
            ).answer

    return work


def test_two_stations_open_the_same_order_one_wins(committed) -> None:  # type: ignore[no-untyped-def]
    factory, created = committed
    number = _printed(factory, created)
    answers = _race(
        [_scanner(factory, "packer.hz1", "PK01", number), _scanner(factory, "packer.hz2", "PK02", number)]
    )
    assert sorted(a["code"] for a in answers) == ["ORDER_LOCKED", "ORDER_OPENED"]
    locked = next(a for a in answers if a["code"] == "ORDER_LOCKED")
    opened = next(a for a in answers if a["code"] == "ORDER_OPENED")
    assert locked["details"]["station"] == opened["pack"]["station"]
    with factory() as s:
        open_packs = s.scalar(
            select(func.count())
            .select_from(PackSession)
            .where(PackSession.order_id == created[0], PackSession.status == "open")
        )
    assert open_packs == 1


def test_a_retry_racing_its_original_is_answered_once(committed) -> None:  # type: ignore[no-untyped-def]
    factory, created = committed
    number = _printed(factory, created)
    _scanner(factory, "packer.hz1", "PK03", number)()
    scan_id = f"race-{uuid.uuid4().hex}"
    answers = _race([_scanner(factory, "packer.hz1", "PK03", MUG, scan_id) for _ in range(2)])
    assert [a["code"] for a in answers] == ["ITEM_ACCEPTED", "ITEM_ACCEPTED"]
    first, second = sorted(answers, key=lambda a: a.get("replayed", False))
    assert second["replayed"] is True and {**first, "replayed": True} == second
    with factory() as s:
        assert s.scalar(select(func.count()).where(ScanEvent.client_scan_id == scan_id)) == 1
        scanned = s.scalar(
            select(PackItem.scanned)
            .join(PackSession)
            .where(PackSession.order_id == created[0], PackItem.sku == "SKU-4001")
        )
    assert scanned == 1


def test_a_burst_of_scans_never_over_counts(committed) -> None:  # type: ignore[no-untyped-def]
    factory, created = committed
    number = _printed(factory, created, lines=(IngestLine("SKU-4001", "陶瓷马克杯 350ml", 2),))
    _scanner(factory, "packer.hz2", "PK04", number)()
    answers = _race([_scanner(factory, "packer.hz2", "PK04", MUG) for _ in range(6)])
    assert sorted(a["code"] for a in answers) == ["ITEM_ACCEPTED"] * 2 + ["OVER_SCAN"] * 4
    with factory() as s:
        scanned = s.scalar(
            select(PackItem.scanned).join(PackSession).where(PackSession.order_id == created[0])
        )
    assert scanned == 2
