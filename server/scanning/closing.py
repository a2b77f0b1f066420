"""Ending a pack: complete (order and gift sub-order packed in one transaction), a lead's gift override,
undo of the last accepted scan, abandon."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from server.accounts.models import User
from server.accounts.roles import Role
from server.accounts.services import badge_digest
from server.config import enforcement_on
from server.errors import DomainError
from server.i18n import Localized
from server.labels.gate import label_gate
from server.orders.states import GiftStatus, OrderStatus
from server.orders.transitions import apply_transition, record_gift_transition
from server.scanning import messages as m
from server.scanning import recorder
from server.scanning.codes import clean_text
from server.scanning.desk import Call, Outcome
from server.scanning.gate import gate
from server.scanning.models import PackItem, PackSession, PackStatus
from server.scanning.rules import Matched
from server.shipping.packing import packages_from_pack

OVERRIDE_ATTEMPTS_PER_MINUTE = 5
UNDO_LABELS = {Matched.ITEM: m.UNDO_LABELS["item"], Matched.GIFT: m.UNDO_LABELS["gift"]}


def complete(call: Call, matched: str | None = None) -> Outcome:
    assert call.card is not None and call.pack is not None
    card = call.card
    rejection = gate(card, matched) or _missing_items(call, matched)
    if rejection is not None:
        return rejection
    if card.gift_pending and enforcement_on():  # off only in the promo-day baseline
        assert card.gift is not None
        return Outcome.rejected(
            m.GIFT_REQUIRED, matched=matched, details={"gift_number": card.gift.gift_number}
        )
    unprinted = _label_not_printed(call, matched)
    if unprinted is not None:
        return unprinted
    failed = _pack_order(
        call, GiftStatus.PACKED, gift_actor=call.actor.audit_name, gift_reason="scanned at packing"
    )
    if failed is not None:
        failed.matched = matched
        return failed
    return Outcome.ok(
        m.PACK_COMPLETED, matched=matched, done=True, details={"order_number": card.order.order_number}
    )


def override_gift(call: Call, lead_badge: str, reason: str) -> Outcome:
    """A lead accepts a missing gift (out of stock): the order is packed, the gift sub-order is to be reshipped."""
    assert call.card is not None and call.pack is not None and call.station is not None
    card = call.card
    rejection = gate(card)
    if rejection is not None:
        return rejection
    if not card.gift_pending:
        return Outcome.rejected(m.NO_GIFT_TO_OVERRIDE, details={"order_number": card.order.order_number})
    rejection = _missing_items(call, None) or _label_not_printed(call, None)
    if rejection is not None:
        return rejection
    reason = clean_text(reason, 500)
    if not reason:
        return Outcome.rejected(
            m.INVALID_INPUT, message_code=m.OVERRIDE_REASON_REQUIRED, details={"field": "reason"}
        )
    since = call.now - timedelta(minutes=1)
    if (
        recorder.recent_failures(call.session, call.actor.username, m.NOT_A_LEAD, since)
        >= OVERRIDE_ATTEMPTS_PER_MINUTE
    ):
        return Outcome.rejected(m.TOO_MANY_ATTEMPTS, details={"retry_after": 60})
    lead = call.session.scalars(
        select(User).where(
            User.badge_hash == badge_digest(clean_text(lead_badge, 128)), User.active.is_(True)
        )
    ).first()
    if lead is None or lead.role != Role.LEAD or lead.warehouse_id != call.station.warehouse_id:
        return Outcome.rejected(m.NOT_A_LEAD)
    gift_reason = f"gift missing, override by lead {lead.display_name} ({lead.username}) for {call.actor.username}: {reason}"
    failed = _pack_order(
        call, GiftStatus.TO_RESHIP, gift_actor=f"user:{lead.username}", gift_reason=gift_reason
    )
    if failed is not None:
        return failed
    call.session.execute(
        update(PackSession)
        .where(PackSession.id == call.pack.id)
        .values(gift_override_by=f"{lead.display_name} ({lead.username})", gift_override_reason=reason)
    )
    return Outcome.ok(
        m.GIFT_OVERRIDDEN,
        done=True,
        details={
            "order_number": card.order.order_number,
            "lead": lead.display_name,
            "lead_username": lead.username,
            "reason": reason,
        },
    )


def undo(call: Call) -> Outcome:
    assert call.pack is not None and call.card is not None
    last = recorder.last_undoable(call.session, call.pack.id)
    if last is None or not recorder.mark_undone(call.session, last.id, call.event_id, call.now):
        return Outcome.rejected(m.NOTHING_TO_UNDO)
    if last.matched == Matched.ITEM and last.sku is not None:
        call.session.execute(
            update(PackItem)
            .where(PackItem.pack_id == call.pack.id, PackItem.sku == last.sku, PackItem.scanned >= last.qty)
            .values(scanned=PackItem.scanned - last.qty)
        )
        line = call.card.lines.get(last.sku)
        if line is not None:
            line.scanned = max(0, line.scanned - last.qty)
            for item in call.pack.items:
                if item.sku == last.sku:
                    set_committed_value(item, "scanned", line.scanned)
    elif last.matched == Matched.GIFT:
        call.session.execute(
            update(PackSession).where(PackSession.id == call.pack.id).values(gift_scanned=False)
        )
        set_committed_value(call.pack, "gift_scanned", False)
        call.card.gift_scanned = False
    zh, en = UNDO_LABELS.get(last.matched or "", ("", ""))
    label = Localized(
        f"{zh} {last.sku or last.normalized or ''}".strip(),
        f"{en} {last.sku or last.normalized or ''}".strip(),
    )
    return Outcome.ok(
        m.SCAN_UNDONE,
        matched=last.matched,
        sku=last.sku,
        qty=last.qty,
        details={"what": label, "undone_scan_id": last.id, "client_scan_id": last.client_scan_id},
    )


def abandon(call: Call, reason: str | None, *, code: str = m.PACK_ABANDONED) -> Outcome:
    assert call.pack is not None
    text = clean_text(reason or "", 500) or None
    done = call.session.execute(
        update(PackSession)
        .where(PackSession.id == call.pack.id, PackSession.status == PackStatus.OPEN)
        .values(
            status=PackStatus.ABANDONED,
            closed_at=call.now,
            closed_by=call.actor.audit_name,
            close_reason=text,
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        call.pack, call.card = None, None
        return Outcome.rejected(m.NO_OPEN_PACK)
    set_committed_value(call.pack, "status", PackStatus.ABANDONED)
    order_number = call.card.order.order_number if call.card else None
    return Outcome.ok(code, details={"order_number": order_number, "reason": text})


def _label_not_printed(call: Call, matched: str | None) -> Outcome | None:
    """The box must carry the current label version (an address change voids the old one)."""
    assert call.card is not None
    station = call.station.code if call.station else call.station_code
    try:
        label_gate(call.session, call.card.order, station)
    except DomainError as err:
        return Outcome.rejected(err.code, matched=matched, details=dict(err.details))
    return None


def _missing_items(call: Call, matched: str | None) -> Outcome | None:
    assert call.card is not None
    if call.card.remaining_items <= 0:
        return None
    lines = [
        {"sku": ln.sku, "name": ln.name, "missing": ln.required - ln.scanned}
        for ln in call.card.lines.values()
        if ln.scanned < ln.required
    ]
    return Outcome.rejected(
        m.ITEMS_MISSING, matched=matched, details={"missing": call.card.remaining_items, "lines": lines}
    )


def _pack_order(call: Call, gift_to: str, *, gift_actor: str, gift_reason: str) -> Outcome | None:
    """Close the pack, move the gift sub-order and pack the main order, all or nothing (a SAVEPOINT):
    a hold that lands between our check and the UPDATE still stops it (apply_transition checks atomically)."""
    assert call.card is not None and call.pack is not None
    session, card, pack = call.session, call.card, call.pack
    order, gift = card.order, card.gift
    station = call.station.code if call.station else call.station_code
    nested = session.begin_nested()
    try:
        closed = session.execute(
            update(PackSession)
            .where(PackSession.id == pack.id, PackSession.status == PackStatus.OPEN)
            .values(status=PackStatus.COMPLETED, closed_at=call.now, closed_by=call.actor.audit_name)
        )
        if closed.rowcount != 1:  # type: ignore[attr-defined]
            nested.rollback()
            call.pack, call.card = None, None
            return Outcome.rejected(m.NO_OPEN_PACK)
        if gift is not None and gift.status == GiftStatus.PENDING:
            gift.status = gift_to
            gift.status_reason = gift_reason[:255]
            if gift_to == GiftStatus.PACKED:
                gift.packed_at = call.now
            record_gift_transition(
                session,
                order,
                GiftStatus.PENDING,
                gift_to,
                actor=gift_actor,
                source_system="packline",
                reason=gift_reason,
                now=call.now,
            )
            session.flush()
        _, events = apply_transition(
            session,
            order,
            OrderStatus.PACKED,
            actor=call.actor.audit_name,
            source_system="packline",
            reason=f"packed at {station} (pack {pack.id})",
            now=call.now,
        )
        # The pack's boxes (and lines shipped from another warehouse) become the order's packages.
        events += packages_from_pack(session, order, pack, actor=call.actor.audit_name, now=call.now)
        nested.commit()
    except DomainError as err:
        nested.rollback()
        card = call.load_order(order.id, pack)
        session.refresh(pack)
        return gate(card) or Outcome.rejected(err.code, details=dict(err.details))
    set_committed_value(pack, "status", PackStatus.COMPLETED)
    call.events.extend(events)
    return None
