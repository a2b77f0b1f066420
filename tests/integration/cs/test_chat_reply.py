"""The "查订单" chat reply in both languages: status, ship promise, tracking, gift line, payment link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.cs.desk import chat_reply
from server.cs.models import CsLookup
from server.cs.reply import SECTIONS, ReplyContext, Shipment, _shipments
from tests.integration.cs.helpers import gift_order
from tests.support import make_order

# 2026-02-17 10:00 in Shanghai; paid at 08:00, tmall promises 24 h -> ship by 2026-02-18 08:00 local.
NOW = datetime(2026, 2, 17, 2, 0, tzinfo=UTC)
PAID = NOW - timedelta(hours=2)


def _printed_gift_order(session: Session):  # type: ignore[no-untyped-def]
    order = gift_order(
        session,
        "printed",
        gift_status="packed",
        order_number="DAB2026021700882",
        paid_at=PAID,
        now=PAID + timedelta(minutes=30),
    )
    order.tracking_number = "73100000001234"
    session.flush()
    return order


def test_zh_reply(session: Session) -> None:
    _printed_gift_order(session)
    result = chat_reply(session, "查订单 DAB2026021700882", actor="integration:wecom", now=NOW)
    assert result.found and result.locale == "zh-CN" and result.order_number == "DAB2026021700882"
    assert result.reply == (
        "订单 DAB2026021700882\n"
        "状态: 已打单\n"
        "承诺发货: 2026-02-18 08:00 前(已按时生成运单)\n"
        "运单: 中通快递 73100000001234\n"
        "赠品: 保温水杯 (已打包)"
    )


def test_en_reply(session: Session) -> None:
    _printed_gift_order(session)
    result = chat_reply(session, "order DAB2026021700882", actor="integration:wecom", now=NOW)
    assert result.locale == "en"
    assert result.reply == (
        "Order DAB2026021700882\n"
        "Status: printed\n"
        "Ship by: 2026-02-18 08:00 (tracking issued on time)\n"
        "Tracking: ZTO Express 73100000001234\n"
        "Gift: 保温水杯 (packed)"
    )


@pytest.mark.parametrize(
    "message",
    [
        "查订单DAB2026021700882",
        "查订单：ＤＡＢ２０２６０２１７００８８２。",
        "查订单 DAB 2026 0217 00882 谢谢",
        "  查询订单  dab2026021700882！ ",
        "Order: DAB2026021700882, please",
        "order #DAB2026021700882?",
        "查订单 DAB2026021700882GIFT",
    ],
)
def test_tolerant_of_spaces_full_width_and_punctuation(session: Session, message: str) -> None:
    _printed_gift_order(session)
    result = chat_reply(session, message, actor="integration:wecom", now=NOW)
    assert result.found and result.order_number == "DAB2026021700882", message


def test_pending_payment_appends_the_payment_link_line(session: Session) -> None:
    make_order(session, "pending_payment", order_number="DAB2026021700900")
    zh = chat_reply(session, "查订单 DAB2026021700900", actor="bot", now=NOW).reply
    assert zh == "订单 DAB2026021700900\n状态: 待付款\n付款链接已私发,请查收"
    en = chat_reply(session, "order DAB2026021700900", actor="bot", now=NOW).reply
    assert en.splitlines()[-1] == "We have sent you the payment link privately; please check it"
    assert en.splitlines()[1] == "Status: awaiting payment"


def test_no_tracking_yet_is_said(session: Session) -> None:
    make_order(session, "paid", order_number="DAB2026021700901", paid_at=PAID)
    reply = chat_reply(session, "查订单 DAB2026021700901", actor="bot", now=NOW).reply
    assert reply.splitlines()[2:] == ["承诺发货: 2026-02-18 08:00 前(剩余 22小时0分)", "运单: 尚未生成"]


def test_chat_lookups_are_recorded_as_chat(session: Session) -> None:
    _printed_gift_order(session)
    chat_reply(session, "查订单 DAB2026021700882", actor="integration:wecom", now=NOW)
    chat_reply(session, "查订单 DAB1999010100001", actor="integration:wecom", now=NOW)
    rows = session.scalars(select(CsLookup).where(CsLookup.via == "chat").order_by(CsLookup.id)).all()
    assert [(r.user, r.key_kind, r.found) for r in rows] == [
        ("integration:wecom", "order", True),
        ("integration:wecom", "order", False),
    ]


def test_unknown_order_gets_a_polite_reply(session: Session) -> None:
    zh = chat_reply(session, "查订单 DAB1999010100001", actor="bot", now=NOW)
    assert not zh.found and zh.reply == "您好,未找到订单 DAB1999010100001,请核对订单号后再试。"
    en = chat_reply(session, "order DAB1999010100001", actor="bot", now=NOW)
    assert (
        en.reply == "Sorry, we could not find order DAB1999010100001; please check the number and try again."
    )
    empty = chat_reply(session, "你好", actor="bot", now=NOW)
    assert not empty.found and "查订单 订单号" in empty.reply


def test_the_reply_never_carries_personal_data(session: Session) -> None:
    order = _printed_gift_order(session)
    reply = chat_reply(session, "查订单 DAB2026021700882", actor="bot", now=NOW).reply
    assert order.customer_name not in reply and "138" not in reply and "文三路" not in reply


def test_split_shipments_section_is_ready_for_several_parcels(session: Session) -> None:
    order = _printed_gift_order(session)
    ctx = ReplyContext(order, NOW, "zh-CN", [Shipment("7310001", "ZTO"), Shipment("SF1002", "SF")])
    assert _shipments(ctx) == [
        "您的包裹已分2批发出:",
        "  1. 运单: 中通快递 7310001",
        "  2. 运单: 顺丰速运 SF1002",
    ]
    assert _shipments in SECTIONS
