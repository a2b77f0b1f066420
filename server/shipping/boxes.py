"""Boxes at the pack station: "new box" records the pack's counts so far; completion splits the final
counts into boxes. The split is pure and clamps, so an undo after a box was closed never goes negative."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.shipping.models import PackBox


@dataclass(frozen=True)
class Snapshot:
    counts: Mapping[str, int]  # cumulative units scanned per SKU when the box was closed
    gift: bool  # the gift slip had been scanned by then


@dataclass
class BoxContent:
    units: dict[str, int] = field(default_factory=dict)
    gift: bool = False

    @property
    def empty(self) -> bool:
        return not self.gift and not any(self.units.values())


def split_boxes(closed: Sequence[Snapshot], final: Mapping[str, int], gift_packed: bool) -> list[BoxContent]:
    """The content of every box: closed boxes in order, then the open one; empty boxes are dropped. The
    gift goes in the box during which its slip was scanned (the last box when it never showed in one)."""
    done: dict[str, int] = {}
    boxes: list[BoxContent] = []
    gift_given = False
    for snap in [*closed, Snapshot(final, gift_packed)]:
        box = BoxContent()
        for sku, total in final.items():
            upto = max(done.get(sku, 0), min(int(snap.counts.get(sku, 0)), total))
            if upto > done.get(sku, 0):
                box.units[sku] = upto - done.get(sku, 0)
            done[sku] = upto
        if gift_packed and snap.gift and not gift_given:
            box.gift = gift_given = True
        boxes.append(box)
    if gift_packed and not gift_given:
        boxes[-1].gift = True
    kept = [box for box in boxes if not box.empty]
    return kept or [BoxContent()]


def closed_boxes(session: Session, pack_id: int) -> list[PackBox]:
    return list(session.scalars(select(PackBox).where(PackBox.pack_id == pack_id).order_by(PackBox.seq)))


def close_box(
    session: Session, pack_id: int, counts: Mapping[str, int], gift: bool, *, actor: str, now: datetime
) -> PackBox | None:
    """Close the current box; None when nothing went into it since the last one (no units, no gift)."""
    boxes = closed_boxes(session, pack_id)
    last = Snapshot(boxes[-1].counts, boxes[-1].gift) if boxes else Snapshot({}, False)
    grew = any(int(n) > int(last.counts.get(sku, 0)) for sku, n in counts.items()) or (gift and not last.gift)
    if not grew:
        return None
    seq = (session.scalar(select(func.max(PackBox.seq)).where(PackBox.pack_id == pack_id)) or 0) + 1
    box = PackBox(pack_id=pack_id, seq=seq, counts=dict(counts), gift=gift, closed_by=actor, closed_at=now)
    nested = session.begin_nested()
    try:
        session.add(box)
        session.flush()
    except IntegrityError:  # a double tap on another device closed this box number first
        nested.rollback()
        return None
    nested.commit()
    return box


def current_box_no(session: Session, pack_id: int) -> int:
    return (session.scalar(select(func.count(PackBox.id)).where(PackBox.pack_id == pack_id)) or 0) + 1
