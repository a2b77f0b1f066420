"""Entry points of the packing station: each records the call, does one thing and returns the answer.

Every function takes the session, a command, the actor and explicit `now`/`locale`; it flushes, never
commits, and returns a ScanResult whose events the adapter publishes after its commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import ProductBarcode, Station
from server.errors import Forbidden, NotFound
from server.orders.models import Order
from server.scanning import boxing, closing, messages, opening, packing
from server.scanning.codes import Problem, ScannedCode, normalise
from server.scanning.desk import Actor, Call, Outcome, ScanResult, begin, build_answer, find_station, finish
from server.scanning.models import PackSession, PackStatus

__all__ = [
    "Actor",
    "ScanResult",
    "abandon",
    "complete",
    "new_box",
    "override_gift",
    "release_lock",
    "scan",
    "station_state",
    "undo",
]


@dataclass(frozen=True)
class ScanCommand:
    station: str
    code: object  # whatever the scanner sent; normalised here, garbage is answered, never raised
    client_scan_id: str
    device_id: str | None = None


@dataclass(frozen=True)
class PackCommand:
    """complete, undo and abandon: an action on the station's open pack."""

    station: str
    client_scan_id: str
    device_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class OverrideCommand:
    station: str
    client_scan_id: str
    lead_badge: str
    reason: str
    device_id: str | None = None


def scan(
    session: Session, cmd: ScanCommand, actor: Actor, *, now: datetime, lock_seconds: int, locale: str
) -> ScanResult:
    scanned = normalise(cmd.code)

    def handle(call: Call) -> Outcome:
        if not scanned.usable:
            return _unusable(scanned)
        if call.pack is not None:
            return packing.scan_in_pack(call)
        found = opening.find_order(session, scanned)
        if found is None:
            return _nothing_to_open(call, scanned)
        return opening.open_pack(call, found[0], found[1], lock_seconds)

    return _run(
        session, actor, "scan", cmd.station, cmd.client_scan_id, cmd.device_id, now, locale, handle, scanned
    )


def complete(session: Session, cmd: PackCommand, actor: Actor, *, now: datetime, locale: str) -> ScanResult:
    return _on_open_pack(session, cmd, actor, "complete", now, locale, closing.complete)


def new_box(session: Session, cmd: PackCommand, actor: Actor, *, now: datetime, locale: str) -> ScanResult:
    """Close the current box of the open pack (its items so far) and start the next one."""
    return _on_open_pack(session, cmd, actor, "new_box", now, locale, boxing.new_box)


def undo(session: Session, cmd: PackCommand, actor: Actor, *, now: datetime, locale: str) -> ScanResult:
    return _on_open_pack(session, cmd, actor, "undo", now, locale, closing.undo)


def abandon(session: Session, cmd: PackCommand, actor: Actor, *, now: datetime, locale: str) -> ScanResult:
    return _on_open_pack(
        session, cmd, actor, "abandon", now, locale, lambda call: closing.abandon(call, cmd.reason)
    )


def override_gift(
    session: Session, cmd: OverrideCommand, actor: Actor, *, now: datetime, locale: str
) -> ScanResult:
    action = PackCommand(cmd.station, cmd.client_scan_id, cmd.device_id)
    return _on_open_pack(
        session,
        action,
        actor,
        "gift_override",
        now,
        locale,
        lambda call: closing.override_gift(call, cmd.lead_badge, cmd.reason),
    )


def station_state(
    session: Session, actor: Actor, station: str, *, now: datetime, locale: str
) -> dict[str, Any]:
    """The answer the station would show now (after a reload or reconnect); records nothing."""
    call = Call(session, actor, now, locale, "state", station)
    if not find_station(call):
        return build_answer(call, Outcome.rejected(messages.STATION_UNKNOWN, details={"station": station}))
    answer = build_answer(call, Outcome.ok(messages.PACK_STATE))
    answer["message"] = answer["prompt"]
    return answer


def release_lock(
    session: Session, actor: Actor, order_number: str, *, now: datetime, locale: str
) -> ScanResult:
    """A lead frees an order held by another packer's open pack (that pack is abandoned, audited)."""
    order = session.scalars(select(Order).where(Order.order_number == order_number)).first()
    if order is None:
        raise NotFound("order", order_number=order_number)
    if actor.warehouse_id is not None and order.warehouse_id != actor.warehouse_id:
        raise Forbidden(messages.WRONG_WAREHOUSE, warehouse=order.warehouse.code)
    pack = session.scalars(
        select(PackSession).where(PackSession.order_id == order.id, PackSession.status == PackStatus.OPEN)
    ).first()
    station = session.get(Station, pack.station_id) if pack else None
    call = Call(
        session, actor, now, locale, "release", station.code if station else "", device_id=actor.device_id
    )
    begin(call)
    if pack is None or station is None:
        call.load_order(order.id)
        return finish(
            call, Outcome.rejected(messages.NO_OPEN_PACK, details={"order_number": order.order_number})
        )
    call.station, call.pack = station, pack
    call.load_order(order.id, pack)
    reason = f"lock released by lead {actor.username}"
    outcome = closing.abandon(call, reason, code=messages.LOCK_RELEASED)
    outcome.details.update({"packer": pack.packer_name, "station": station.code})
    return finish(call, outcome)


def _run(
    session: Session,
    actor: Actor,
    kind: str,
    station: str,
    client_scan_id: str,
    device_id: str | None,
    now: datetime,
    locale: str,
    handle: Callable[[Call], Outcome],
    scanned: ScannedCode | None = None,
) -> ScanResult:
    call = Call(
        session, actor, now, locale, kind, station, client_scan_id, device_id or actor.device_id, scanned
    )
    replay = begin(call)
    if replay is not None:
        return replay
    if not find_station(call):
        return finish(call, Outcome.rejected(messages.STATION_UNKNOWN, details={"station": station[:32]}))
    return finish(call, handle(call))


def _on_open_pack(
    session: Session,
    cmd: PackCommand,
    actor: Actor,
    kind: str,
    now: datetime,
    locale: str,
    action: Callable[[Call], Outcome],
) -> ScanResult:
    def handle(call: Call) -> Outcome:
        if call.pack is None:
            return Outcome.rejected(messages.NO_OPEN_PACK)
        if kind in ("complete", "gift_override", "undo", "new_box") and not opening.touch(call):
            return Outcome.rejected(messages.NO_OPEN_PACK)
        return action(call)

    return _run(session, actor, kind, cmd.station, cmd.client_scan_id, cmd.device_id, now, locale, handle)


def _unusable(scanned: ScannedCode) -> Outcome:
    if scanned.problem == Problem.BAD_CHARACTERS:
        return Outcome.rejected(messages.UNKNOWN_CODE, matched="unknown", details={"code": scanned.raw[:40]})
    return Outcome.rejected(
        messages.INVALID_INPUT,
        message_code=messages.SCAN_UNREADABLE,
        details={"problem": scanned.problem, "length": scanned.raw_length},
    )


def _nothing_to_open(call: Call, scanned: ScannedCode) -> Outcome:
    """Not an order: an item scanned before its order gets "scan the order first", anything else is unknown."""
    if any(candidate in _known_barcodes(call, scanned) for candidate in scanned.candidates):
        return Outcome.rejected(messages.NO_OPEN_PACK, matched="item")
    return Outcome.rejected(messages.UNKNOWN_CODE, matched="unknown", details={"code": scanned.code})


def _known_barcodes(call: Call, scanned: ScannedCode) -> set[str]:
    rows = call.session.scalars(
        select(ProductBarcode.barcode).where(ProductBarcode.barcode.in_(scanned.candidates))
    )
    return set(rows)
