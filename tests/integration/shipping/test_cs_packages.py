"""Customer service sees every package: the answer card lists each with its tracking number and state,
the chat reply says "您的包裹已分N批发出" with each number, and package 2's number finds the order."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server import clock
from server.cs.desk import Asker, chat_reply, desk_lookup
from server.shipping.waybills import ensure_package_waybill
from tests.integration.shipping.conftest import MUG, TSHIRT, Dock, pack, packages, printed_order
from tests.support import FakeCourier


def test_the_cs_answer_and_the_chat_reply_list_every_package(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT], [MUG])
    _, second = packages(session, order)
    second_tracking = ensure_package_waybill(
        session, second.id, FakeCourier(), actor="test", now=clock.now()
    ).package.tracking_number
    dock = Dock(session)
    dock.scan(order.tracking_number)
    dock.close()

    asker = Asker("user:cs", None, reveal=False)
    found = desk_lookup(session, second_tracking, None, asker=asker, now=clock.now(), locale="zh-CN")
    assert found.found and found.kind == "tracking" and found.answer["order_number"] == order.order_number
    assert found.answer["shipment_state"] == "partially_shipped"
    assert [
        (p["package_no"], p["tracking_number"], p["state"], p["state_label"])
        for p in found.answer["packages"]
    ] == [
        (1, order.tracking_number, "handed_over", "已交快递"),
        (2, second_tracking, "packed", "已打包待交接"),
    ]

    zh = chat_reply(session, f"查订单 {order.order_number}", actor="bot", now=clock.now()).reply
    assert "您的包裹已分2批发出:" in zh
    assert (
        f"  1. 运单: 中通快递 {order.tracking_number}" in zh
        and f"  2. 运单: 中通快递 {second_tracking}" in zh
    )
    en = chat_reply(session, f"order {order.order_number}", actor="bot", now=clock.now(), locale="en").reply
    assert "Your parcel was shipped in 2 parts:" in en and second_tracking in en


def test_a_one_parcel_order_keeps_its_one_line_reply(session: Session) -> None:
    order = printed_order(session)
    pack(session, order, [TSHIRT, TSHIRT, MUG])
    reply = chat_reply(session, f"查订单 {order.order_number}", actor="bot", now=clock.now()).reply
    assert f"运单: 中通快递 {order.tracking_number}" in reply and "分" not in reply
