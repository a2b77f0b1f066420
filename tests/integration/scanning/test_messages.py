"""Every answer code has a zh-CN and an English text, and no message leaves a placeholder unfilled."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import i18n
from server.scanning import messages
from server.scanning.models import ScanEvent
from tests.integration.scanning.conftest import MUG, NOT_ORDERED, TSHIRT, Desk, printed_order

CONTRACT_CODES = [
    "ORDER_OPENED", "ITEM_ACCEPTED", "GIFT_ACCEPTED", "PACK_COMPLETED", "GIFT_OVERRIDDEN", "SCAN_UNDONE",
    "PACK_ABANDONED", "ORDER_NOT_READY", "ALREADY_PACKED", "ORDER_ON_HOLD", "ITEM_NOT_IN_ORDER", "OVER_SCAN",
    "GIFT_MISMATCH", "GIFT_REQUIRED", "ITEMS_MISSING", "ORDER_LOCKED", "UNKNOWN_CODE", "INVALID_INPUT",
    "NO_OPEN_PACK", "STATION_UNKNOWN", "NOT_A_LEAD",
]  # fmt: skip
ALL_CODES = sorted(
    {v for k, v in vars(messages).items() if k.isupper() and isinstance(v, str) and k != "UNDO_LABELS"}
    | set(CONTRACT_CODES)
)


@pytest.mark.parametrize("code", ALL_CODES)
def test_code_has_both_languages(code: str) -> None:
    texts = i18n.catalog()[code]
    assert texts["zh-CN"] and texts["en"] and texts["zh-CN"] != texts["en"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_no_placeholder_left_in_a_session_of_mixed_scans(session: Session, locale: str) -> None:
    desk = Desk(session, locale=locale)
    order = printed_order(session, gift=True)
    for code in [
        order.order_number,
        TSHIRT,
        NOT_ORDERED,
        "??",
        "",
        MUG,
        MUG,
        order.order_number,
        "X" + "GIFT",
    ]:
        desk.scan(code)
    desk.undo()
    desk.complete()
    desk.abandon("x")
    answers = session.scalars(select(ScanEvent.answer).where(ScanEvent.order_id == order.id)).all()
    assert len(answers) == 12
    for answer in answers:
        assert answer is not None
        assert "{" not in answer["message"] and "{" not in answer["prompt"], answer
