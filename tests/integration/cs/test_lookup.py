"""The CS desk finds an order by every key kind, tolerates how agents type, and records every lookup."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.cs.desk import desk_lookup
from server.cs.models import CsLookup
from tests.integration.cs.helpers import ADMIN, CS, gift_order, lead_of, person
from tests.support import make_order


def _lookup(session: Session, text: str, kind: str | None = None, asker=CS, locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
    return desk_lookup(session, text, kind, asker=asker, now=clock.now(), locale=locale)


def test_by_order_number(session: Session) -> None:
    order = make_order(session, "printed")
    result = _lookup(session, order.order_number)
    assert result.found and result.kind == "order" and result.kind_label == "订单号"
    assert result.answer is not None and result.answer["order_number"] == order.order_number


def test_by_gift_number(session: Session) -> None:
    order = gift_order(session)
    result = _lookup(session, order.gift.gift_number)  # type: ignore[union-attr]
    assert result.kind == "gift" and result.answer["order_number"] == order.order_number  # type: ignore[index]


def test_by_tracking_number_with_courier(session: Session) -> None:
    order = make_order(session, "printed")
    result = _lookup(session, order.tracking_number, locale="en")  # type: ignore[arg-type]
    assert result.kind == "tracking" and result.kind_label == "tracking number"
    assert result.answer["tracking"] == {  # type: ignore[index]
        "number": order.tracking_number,
        "courier": "ZTO",
        "courier_label": "ZTO Express",
    }


def test_by_platform_order_id(session: Session) -> None:
    order = make_order(session, "paid", external_id="TB-8812-3344")
    result = _lookup(session, "TB-8812-3344")
    assert result.kind == "external_id" and result.answer["order_number"] == order.order_number  # type: ignore[index]


def test_by_phone_last4_and_name_one_match_gives_the_answer(session: Session) -> None:
    order = make_order(session, "paid", **person("欧阳修", "13900007788"))
    for typed in ("7788 欧阳修", "欧阳修 7788", "欧阳修7788", "尾号7788,欧阳修", "７７８８　欧阳修"):
        result = _lookup(session, typed)
        assert result.kind == "phone_name", typed
        assert result.answer is not None and result.answer["order_number"] == order.order_number, typed


def test_by_phone_last4_and_name_several_matches_give_a_list(session: Session) -> None:
    older = make_order(session, "shipped", **person("司马光", "13600001234"))
    newer = make_order(session, "paid", **person("司马光", "13700001234"))
    make_order(session, "paid", **person("司马迁", "13700001234"))  # other name: not a match
    result = _lookup(session, "1234 司马光")
    assert result.found and result.answer is None
    assert [m["order_number"] for m in result.matches] == [newer.order_number, older.order_number]
    assert {m["customer_name"] for m in result.matches} == {"司**"}  # cs sees names masked


def test_latin_names_match_case_insensitively(session: Session) -> None:
    order = make_order(session, "paid", **person("John Smith", "+1 415 555 2671"))
    result = _lookup(session, "john smith 2671")
    assert result.answer is not None and result.answer["order_number"] == order.order_number


@pytest.mark.parametrize(
    "typed",
    [
        "{n}",
        "  {n}  ",
        "{lower}",
        "订单号:{n}",
        "{fullwidth}",
        "{spaced}",
    ],
)
def test_input_is_normalised(session: Session, typed: str) -> None:
    order = make_order(session, "paid", order_number="DAB2026021700882")
    n = order.order_number
    text = typed.format(
        n=n,
        lower=n.lower(),
        fullwidth="".join(chr(ord(c) + 0xFEE0) for c in n),
        spaced=f"{n[:3]} {n[3:11]} {n[11:]}",
    )
    assert _lookup(session, text).answer["order_number"] == n  # type: ignore[index]


def test_forced_kind_only_tries_that_kind(session: Session) -> None:
    order = make_order(session, "printed")
    assert not _lookup(session, order.order_number, kind="tracking").found
    assert _lookup(session, order.tracking_number, kind="tracking").found  # type: ignore[arg-type]


def test_not_found_and_garbage_are_answers_not_errors(session: Session) -> None:
    missing = _lookup(session, "DAB1999010100001")
    assert not missing.found and missing.answer is None and missing.matches == []
    garbage = _lookup(session, "!!!")
    assert not garbage.found and garbage.kind == "none"


def test_a_lead_only_finds_orders_of_their_warehouse(session: Session) -> None:
    order = make_order(session, "paid", warehouse_code="HZ01")
    assert _lookup(session, order.order_number, asker=lead_of(session, "HZ01")).found
    assert not _lookup(session, order.order_number, asker=lead_of(session, "SH01")).found
    assert _lookup(session, order.order_number, asker=ADMIN).found


def test_every_lookup_is_recorded_with_its_latency_and_no_search_text(session: Session) -> None:
    order = make_order(session, "paid", **person("欧阳修", "13900007788"))
    before = set(session.scalars(select(CsLookup.id)))
    _lookup(session, order.order_number)
    _lookup(session, "7788 欧阳修")
    _lookup(session, "NOPE-404")
    rows = [r for r in session.scalars(select(CsLookup).order_by(CsLookup.id)) if r.id not in before]
    assert [(r.key_kind, r.found, r.matches, r.via, r.user) for r in rows] == [
        ("order", True, 1, "desk", "user:cs"),
        ("phone_name", True, 1, "desk", "user:cs"),
        ("order", False, 0, "desk", "user:cs"),  # not found: recorded under the first kind tried
    ]
    assert all(0 < r.latency_ms < 1000 for r in rows)
    assert not hasattr(CsLookup, "query")  # the searched phone/name is never stored
