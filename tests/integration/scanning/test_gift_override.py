"""The gift gate's way out: a lead's badge accepts a missing gift, the gift sub-order is to be reshipped."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.orders.models import GiftOrder, Order, StatusTransition
from server.scanning.models import PackSession
from tests.integration.scanning.conftest import Desk, printed_order
from tests.support import DEMO_BADGES

LEAD_BADGE = DEMO_BADGES["lead.hz"]


def _ready(session: Session, desk: Desk) -> Order:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    desk.scan_all_items()
    return order


def test_lead_override_packs_the_order_and_reships_the_gift(session: Session, desk: Desk) -> None:
    order = _ready(session, desk)
    result = desk.override(f" {LEAD_BADGE}\r\n", "赠品缺货")
    answer = result.answer
    assert (answer["result"], answer["code"], answer["step"]) == ("ok", "GIFT_OVERRIDDEN", "done")
    assert answer["details"]["lead"] == "王组长" and "王组长" in answer["message"]
    assert answer["order"]["status"] == "packed" and answer["order"]["gift"]["status"] == "to_reship"
    assert answer["severity"] == "warning"
    session.expire_all()
    gift = session.scalars(select(GiftOrder).where(GiftOrder.order_id == order.id)).one()
    assert gift.status == "to_reship" and gift.packed_at is None and "王组长" in (gift.status_reason or "")
    rows = session.scalars(
        select(StatusTransition).where(
            StatusTransition.order_id == order.id, StatusTransition.subject == "gift"
        )
    ).all()
    reship = [r for r in rows if r.to_status == "to_reship"]
    assert len(reship) == 1 and reship[0].actor == "user:lead.hz" and "赠品缺货" in (reship[0].reason or "")
    pack = session.scalars(select(PackSession).where(PackSession.order_id == order.id)).one()
    assert pack.status == "completed" and pack.gift_override_by == "王组长 (lead.hz)"
    assert pack.gift_override_reason == "赠品缺货"
    assert "order_updated" in [e.name for e in result.events]


def test_override_needs_a_lead_of_this_warehouse(session: Session, desk: Desk) -> None:
    _ready(session, desk)
    for badge in (DEMO_BADGES["packer.hz2"], DEMO_BADGES["lead.sh"], "NO-SUCH-BADGE", ""):
        answer = desk.override(badge, "缺货").answer
        assert answer["code"] == "NOT_A_LEAD", badge
        assert answer["step"] == "scan_gift"


def test_override_attempts_are_limited(session: Session, desk: Desk) -> None:
    _ready(session, desk)
    for _ in range(5):
        assert desk.override("GUESS", "缺货").answer["code"] == "NOT_A_LEAD"
    assert desk.override(LEAD_BADGE, "缺货").answer["code"] == "TOO_MANY_ATTEMPTS"


def test_override_needs_a_reason(session: Session, desk: Desk) -> None:
    _ready(session, desk)
    answer = desk.override(LEAD_BADGE, "  \t").answer
    assert answer["code"] == "INVALID_INPUT" and answer["message"] == "请填写缺赠品原因"


def test_override_needs_all_items(session: Session, desk: Desk) -> None:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    assert desk.override(LEAD_BADGE, "缺货").answer["code"] == "ITEMS_MISSING"


def test_override_without_a_pending_gift(session: Session, desk: Desk) -> None:
    plain = printed_order(session)
    desk.scan(plain.order_number)
    desk.scan_all_items()
    assert desk.override(LEAD_BADGE, "缺货").answer["code"] == "NO_GIFT_TO_OVERRIDE"
    desk.abandon()
    gifted = _ready(Session.object_session(plain) or session, desk)
    desk.scan(gifted.order_number + "GIFT")
    assert desk.override(LEAD_BADGE, "缺货").answer["code"] == "NO_GIFT_TO_OVERRIDE"


def test_gift_scanned_twice_is_a_duplicate(session: Session, desk: Desk) -> None:
    order = printed_order(session, gift=True)
    desk.scan(order.order_number)
    assert desk.scan(order.order_number + "GIFT")["code"] == "GIFT_ACCEPTED"
    again = desk.scan(order.order_number.lower() + "gift")
    assert (again["result"], again["code"], again["sound"]) == (
        "duplicate",
        "GIFT_ALREADY_SCANNED",
        "warning",
    )
