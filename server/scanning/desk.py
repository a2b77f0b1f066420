"""One call at a station: claim the scan id, find the station, its open pack and the order card, then turn
an outcome into the answer the PDA gets (stored with the event, replayed on a retry)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, joinedload

from server import i18n
from server.catalog.models import Station
from server.events import DomainEvent
from server.orders.models import Order
from server.scanning import messages as m
from server.scanning import recorder
from server.scanning.card import OrderCard, build_card, card_columns, join_card, load_card
from server.scanning.codes import ScannedCode
from server.scanning.models import PackSession, PackStatus
from server.scanning.rules import Result, Step, next_step, tone


@dataclass(frozen=True)
class Actor:
    """Who scans: taken from the caller's token by the adapter."""

    username: str
    user_id: int | None
    role: str
    warehouse_id: int | None
    device_id: str | None = None

    @property
    def audit_name(self) -> str:
        return f"user:{self.username}" if self.user_id is not None else f"device:{self.username}"


@dataclass
class ScanResult:
    answer: dict[str, Any]
    events: list[DomainEvent]
    replayed: bool = False


@dataclass
class Outcome:
    result: str
    code: str
    message_code: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    matched: str | None = None
    sku: str | None = None
    qty: int = 0
    done: bool = False

    @classmethod
    def ok(cls, code: str, **kwargs: Any) -> Outcome:
        return cls(Result.OK, code, **kwargs)

    @classmethod
    def rejected(cls, code: str, **kwargs: Any) -> Outcome:
        return cls(Result.REJECTED, code, **kwargs)


@dataclass
class Call:
    session: Session
    actor: Actor
    now: datetime
    locale: str
    kind: str
    station_code: str
    client_scan_id: str | None = None
    device_id: str | None = None
    scanned: ScannedCode | None = None
    event_id: int | None = None
    station: Station | None = None
    pack: PackSession | None = None
    card: OrderCard | None = None
    order_id: int | None = None
    events: list[DomainEvent] = field(default_factory=list)

    def load_order(self, order_id: int, pack: PackSession | None = None) -> OrderCard:
        self.order_id = order_id
        self.card = load_card(self.session, order_id, pack)
        return self.card


def begin(call: Call) -> ScanResult | None:
    """Record the call; a repeat of a client_scan_id returns the stored answer and changes nothing."""
    scanned = call.scanned
    values = {
        "client_scan_id": call.client_scan_id,
        "kind": call.kind,
        "raw": scanned.raw if scanned else None,
        "raw_length": scanned.raw_length if scanned else 0,
        "normalized": scanned.code if scanned else None,
        "user_id": call.actor.user_id,
        "actor": call.actor.username,
        "device_id": call.device_id,
        "warehouse_id": call.actor.warehouse_id,
        "station_code": call.station_code[:32],
        "created_at": call.now,
    }
    call.event_id = recorder.claim(call.session, values)
    if call.event_id is not None:
        return None
    earlier = recorder.previous(call.session, call.client_scan_id or "")
    if earlier is None or earlier.answer is None:  # pragma: no cover - the claim saw it, so it is there
        return finish(call, Outcome.rejected(m.INVALID_INPUT, message_code=m.SCAN_ID_REUSED))
    if earlier.actor != call.actor.username:
        # Someone else's id: never hand their answer (an order card) to another user.
        return finish(call, Outcome.rejected(m.INVALID_INPUT, message_code=m.SCAN_ID_REUSED))
    return ScanResult({**earlier.answer, "replayed": True}, [], replayed=True)


def find_station(call: Call) -> bool:
    """Load the station (in the caller's warehouse), its open pack with its items and that pack's order
    card: one query (one row per item and open hold) plus the card's lines."""
    if call.actor.warehouse_id is None:
        return False
    params = {"warehouse_id": call.actor.warehouse_id, "station_code": call.station_code}
    rows = call.session.execute(_STATION_QUERY, params).unique().all()
    if not rows or rows[0][0].kind != "pack":
        return False
    call.station, call.pack = rows[0][0], rows[0][1]
    if call.pack is not None:
        call.order_id = call.pack.order_id
        call.card = build_card(call.session, rows, call.pack)
    return True


# Built once: building its joins and loader options on every scan was a measurable share of its CPU.
_STATION_QUERY = join_card(
    select(Station, PackSession, *card_columns())
    .select_from(Station)
    .outerjoin(PackSession, and_(PackSession.station_id == Station.id, PackSession.status == PackStatus.OPEN))
    .outerjoin(Order, Order.id == PackSession.order_id)
    .where(Station.warehouse_id == bindparam("warehouse_id"), Station.code == bindparam("station_code"))
    .options(joinedload(PackSession.items))
)


def finish(call: Call, outcome: Outcome) -> ScanResult:
    answer = build_answer(call, outcome)
    if call.event_id is not None:
        recorder.store(
            call.session,
            call.event_id,
            {
                "matched": outcome.matched,
                "sku": outcome.sku,
                "qty": outcome.qty,
                "result": outcome.result,
                "code": outcome.code,
                "station_id": call.station.id if call.station else None,
                "pack_id": call.pack.id if call.pack else None,
                "order_id": call.card.order.id if call.card else call.order_id,
                "answer": answer,
            },
        )
    events = list(call.events)
    if call.station is not None:
        events.append(progress_event(call, answer))
    return ScanResult(answer, events)


def build_answer(call: Call, outcome: Outcome) -> dict[str, Any]:
    card, pack = call.card, call.pack
    open_pack = pack is not None and pack.status == PackStatus.OPEN
    items, gift = (card.remaining_items, card.gift_pending) if card and open_pack else (0, False)
    remaining = {"items": items, "gift": gift}
    step = (
        Step.DONE
        if outcome.done
        else next_step(open_pack=open_pack, remaining_items=items, gift_pending=gift)
    )
    severity, sound = tone(outcome.code)
    if outcome.result == Result.DUPLICATE:
        severity, sound = "info", "warning"
    details = {k: i18n.localize_value(v, call.locale) for k, v in outcome.details.items()}
    return {
        "result": outcome.result,
        "code": outcome.code,
        "message": i18n.translate(outcome.message_code or outcome.code, call.locale, outcome.details),
        "prompt": _prompt(step, remaining, card, call.locale),
        "severity": severity,
        "sound": sound,
        "step": step,
        "details": details,
        "pack": pack_dict(pack, call.station.code if call.station else call.station_code) if pack else None,
        "order": card.as_dict(call.now) if card else None,
        "remaining": remaining,
        "scan": _scan_dict(call, outcome),
    }


def pack_dict(pack: PackSession, station_code: str) -> dict[str, Any]:
    return {
        "id": pack.id,
        "station": station_code,
        "packer": pack.packer_name,
        "packer_username": pack.packer,
        "opened_at": pack.opened_at.isoformat(),
        "status": pack.status,
    }


def progress_event(call: Call, answer: dict[str, Any]) -> DomainEvent:
    assert call.station is not None
    warehouse = call.station.warehouse.code
    card = call.card
    return DomainEvent(
        name="pack_progress",
        payload={
            "station": call.station.code,
            "warehouse": warehouse,
            "order_number": card.order.order_number if card else None,
            "pack_id": call.pack.id if call.pack else None,
            "packer": call.pack.packer_name if call.pack else None,
            "counts": {
                "required": card.required_units if card else 0,
                "scanned": card.scanned_units if card else 0,
            },
            "remaining": answer["remaining"],
            "gift": answer["order"]["gift"] if answer["order"] else None,
            "step": answer["step"],
            "result": answer["result"],
            "code": answer["code"],
        },
        warehouse=warehouse,
        station=call.station.code,
    )


def _prompt(step: str, remaining: dict[str, Any], card: OrderCard | None, locale: str) -> str:
    code = {
        Step.SCAN_ORDER: m.PROMPT_SCAN_ORDER,
        Step.SCAN_ITEMS: m.PROMPT_SCAN_ITEMS,
        Step.SCAN_GIFT: m.PROMPT_SCAN_GIFT,
        Step.CONFIRM: m.PROMPT_CONFIRM,
        Step.DONE: m.PROMPT_DONE,
    }[step]
    gift = card.gift if card else None
    return i18n.translate(
        code, locale, {"items": remaining["items"], "gift_number": gift.gift_number if gift else ""}
    )


def _scan_dict(call: Call, outcome: Outcome) -> dict[str, Any] | None:
    if call.event_id is None and call.client_scan_id is None:
        return None
    scanned = call.scanned
    return {
        "id": call.event_id,
        "client_scan_id": call.client_scan_id,
        "kind": call.kind,
        "raw": scanned.raw if scanned else None,
        "normalized": scanned.code if scanned else None,
        "matched": outcome.matched,
        "sku": outcome.sku,
        "qty": outcome.qty,
    }
