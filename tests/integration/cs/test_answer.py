"""The answer card: gift line in each gift state, status and promise in words, holds, masking, trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from server import clock
from server.cs.desk import desk_lookup
from server.orders.holds import place_hold
from tests.integration.cs.helpers import ADMIN, CS, gift_order, lead_of, person
from tests.support import make_order


def _answer(session: Session, text: str, asker=CS, locale: str = "zh-CN", now=None):  # type: ignore[no-untyped-def]
    result = desk_lookup(session, text, None, asker=asker, now=now or clock.now(), locale=locale)
    assert result.answer is not None
    return result.answer


@pytest.mark.parametrize(
    ("gift_status", "zh", "en"),
    [
        ("packed", "赠品: 保温水杯 (已打包)", "Gift: 保温水杯 (packed)"),
        ("to_reship", "赠品: 保温水杯 (待补发)", "Gift: 保温水杯 (to be reshipped)"),
        ("pending", "赠品: 保温水杯 (待打包)", "Gift: 保温水杯 (to be packed)"),
    ],
)
def test_gift_line_in_every_gift_state(session: Session, gift_status: str, zh: str, en: str) -> None:
    order = gift_order(session, "printed", gift_status=gift_status)
    assert _answer(session, order.order_number)["gift_line"] == zh
    english = _answer(session, order.order_number, locale="en")
    assert english["gift_line"] == en
    assert english["gift"]["gift_number"] == order.order_number + "GIFT"
    assert english["gift"]["status"] == gift_status


def test_an_order_without_gift_says_so(session: Session) -> None:
    order = make_order(session, "paid")
    assert _answer(session, order.order_number)["gift"] is None
    assert _answer(session, order.order_number)["gift_line"] == "无赠品"
    assert _answer(session, order.order_number, locale="en")["gift_line"] == "no gift"


def test_status_last_operator_and_trail_in_words(session: Session) -> None:
    order = make_order(session, "printed")
    answer = _answer(session, order.order_number)
    assert answer["status"] == "printed" and answer["status_label"] == "已打单"
    assert answer["last_operator"] == answer["trail"][0]  # the newest step, with who did it
    assert answer["last_operator"]["to_label"] == "已打单" and answer["last_operator"]["actor"]
    steps = [(s["from_label"], s["to_label"]) for s in answer["trail"]]
    assert steps == [("拣货中", "已打单"), ("已付款", "拣货中"), ("创建", "已付款")]  # newest first
    english = _answer(session, order.order_number, locale="en")
    assert english["status_label"] == "printed" and english["trail"][-1]["from_label"] == "created"


def test_time_left_before_ship_by(session: Session) -> None:
    now = clock.now()
    order = make_order(session, "paid", paid_at=now - timedelta(hours=20, minutes=30))  # tmall: 24 h
    promise = _answer(session, order.order_number, now=now)["promise"]
    assert promise["state"] == "pending" and promise["minutes_left"] == 210
    assert promise["text"] == "剩余 3小时30分"
    assert _answer(session, order.order_number, locale="en", now=now)["promise"]["text"] == "3 h 30 min left"


def test_how_late_without_tracking(session: Session) -> None:
    now = clock.now()
    order = make_order(session, "picking", paid_at=now - timedelta(hours=50))
    answer = _answer(session, order.order_number, now=now)
    assert answer["promise"]["state"] == "late" and answer["promise"]["minutes_late"] == 26 * 60
    assert answer["promise"]["text"] == "已超时 1天2小时"
    assert answer["coupon_eligible"] is True


def test_tracking_issued_on_time(session: Session) -> None:
    order = make_order(session, "printed")
    order.tracking_assigned_at = order.paid_at + timedelta(hours=2)  # type: ignore[operator]
    session.flush()
    answer = _answer(session, order.order_number)
    assert answer["promise"]["text"] == "已按时生成运单" and answer["coupon_eligible"] is False


def test_open_holds_in_words(session: Session) -> None:
    order = make_order(session, "printed")
    place_hold(
        session,
        order,
        "address_changed",
        reason="买家改地址",
        actor="crm",
        source_system="crm",
        now=clock.now(),
    )
    holds = _answer(session, order.order_number)["holds"]
    assert [(h["kind"], h["label"], h["reason"]) for h in holds] == [
        ("address_changed", "地址已变更", "买家改地址")
    ]
    assert _answer(session, order.order_number, locale="en")["holds"][0]["label"] == "address changed"


def test_cs_sees_phone_and_house_details_masked(session: Session) -> None:
    order = make_order(session, "paid", **person("张三丰", "13812345678"))
    answer = _answer(session, order.order_number, asker=CS)
    assert answer["customer"] == {"name": "张**", "phone": "138****5678"}
    address = answer["address"]
    assert address["masked"] is True and address["phone"] == "138****5678" and address["name"] == "张**"
    assert address["text"].startswith("浙江省杭州市西湖区") and "478" not in address["text"]
    assert "1201" not in str(answer)


@pytest.mark.parametrize("who", ["admin", "lead"])
def test_admin_and_lead_see_the_full_address(session: Session, who: str) -> None:
    order = make_order(session, "paid", **person("张三丰", "13812345678"))
    asker = ADMIN if who == "admin" else lead_of(session, "HZ01")
    answer = _answer(session, order.order_number, asker=asker)
    assert answer["customer"] == {"name": "张三丰", "phone": "13812345678"}
    assert answer["address"] == {
        "name": "张三丰",
        "phone": "13812345678",
        "text": "浙江省杭州市西湖区文三路478号5幢1201室",
        "masked": False,
        "note": None,
    }
