"""client_scan_id: a retry gets the original answer and changes nothing, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.scanning.models import PackItem, ScanEvent
from tests.integration.scanning.conftest import TSHIRT, Desk, printed_order


def test_retry_of_a_scan_replays_the_answer(any_session: Session) -> None:
    desk = Desk(any_session)
    order = printed_order(any_session)
    desk.scan(order.order_number)
    first = desk.scan_result(TSHIRT, client_scan_id="retry-1")
    again = desk.scan_result(TSHIRT, client_scan_id="retry-1")
    assert again.replayed and again.events == []
    assert again.answer == {**first.answer, "replayed": True}
    assert any_session.scalar(select(func.count()).where(ScanEvent.client_scan_id == "retry-1")) == 1
    assert (
        any_session.scalar(
            select(PackItem.scanned).where(PackItem.sku == "SKU-1001-BLK-M").order_by(PackItem.id.desc())
        )
        == 1
    )
    assert desk.state()["order"]["lines"][0]["scanned"] == 1


def test_retry_of_a_rejection_and_of_a_completion(any_session: Session) -> None:
    desk = Desk(any_session)
    order = printed_order(any_session)
    bad = desk.scan("NOPE", client_scan_id="retry-2")
    assert desk.scan("NOPE", client_scan_id="retry-2") == {**bad, "replayed": True}
    desk.scan(order.order_number)
    desk.scan_all_items()
    done = desk.complete(client_scan_id="retry-3")
    assert done["code"] == "PACK_COMPLETED"
    assert desk.complete(client_scan_id="retry-3") == {**done, "replayed": True}


def test_retry_replays_in_the_original_words_even_with_another_code(any_session: Session) -> None:
    desk = Desk(any_session)
    order = printed_order(any_session)
    opened = desk.scan(order.order_number, client_scan_id="retry-4")
    assert desk.scan("SOMETHING-ELSE", client_scan_id="retry-4") == {**opened, "replayed": True}


def test_someone_elses_scan_id_is_refused_without_leaking_their_answer(any_session: Session) -> None:
    order = printed_order(any_session)
    Desk(any_session, "packer.hz1", "PK01").scan(order.order_number, client_scan_id="retry-5")
    answer = Desk(any_session, "packer.hz2", "PK02").scan(order.order_number, client_scan_id="retry-5")
    assert answer["code"] == "INVALID_INPUT" and answer["order"] is None and answer["scan"]["id"] is None
    assert "replayed" not in answer
