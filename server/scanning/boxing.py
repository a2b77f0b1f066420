"""The "new box" action at the pack station: close the current box with what was scanned so far, start the next.
The boxes are kept by `server.shipping.boxes`; completion turns them into the order's packages."""

from __future__ import annotations

from server.scanning.desk import Call, Outcome
from server.scanning.gate import gate
from server.shipping import boxes
from server.shipping import messages as sm


def new_box(call: Call) -> Outcome:
    assert call.pack is not None and call.card is not None
    rejection = gate(call.card)
    if rejection is not None:
        return rejection
    counts = {line.sku: line.scanned for line in call.card.lines.values()}
    box = boxes.close_box(
        call.session, call.pack.id, counts, call.card.gift_scanned, actor=call.actor.audit_name, now=call.now
    )
    if box is None:
        return Outcome.rejected(
            sm.BOX_EMPTY, details={"box": boxes.current_box_no(call.session, call.pack.id)}
        )
    previous = boxes.closed_boxes(call.session, call.pack.id)[:-1]
    before = previous[-1].counts if previous else {}
    units = sum(max(0, n - int(before.get(sku, 0))) for sku, n in counts.items())
    return Outcome.ok(sm.BOX_CLOSED, details={"box": box.seq, "next_box": box.seq + 1, "units": units})
