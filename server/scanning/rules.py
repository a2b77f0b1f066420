"""Pure packing rules: which order states can be packed, the next step, and how each answer sounds."""

from __future__ import annotations

from server.orders.states import OrderStatus
from server.scanning import messages as m
from server.shipping.messages import BOX_CLOSED, BOX_EMPTY


class Result:
    OK = "ok"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class Step:
    SCAN_ORDER = "scan_order"
    SCAN_ITEMS = "scan_items"
    SCAN_GIFT = "scan_gift"
    CONFIRM = "confirm"
    DONE = "done"


class Matched:
    ORDER = "order"
    TRACKING = "tracking"
    ITEM = "item"
    GIFT = "gift"
    UNKNOWN = "unknown"


ALREADY_PACKED_STATES = frozenset({OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})

# (severity, sound) of each answer code; anything not listed is a plain rejection (error, error).
_TONES: dict[str, tuple[str, str]] = {
    m.ORDER_OPENED: ("info", "success"),
    m.ITEM_ACCEPTED: ("success", "success"),
    m.GIFT_ACCEPTED: ("success", "success"),
    m.GIFT_ALREADY_SCANNED: ("info", "warning"),
    m.PACK_COMPLETED: ("success", "success"),
    m.GIFT_OVERRIDDEN: ("warning", "warning"),
    m.SCAN_UNDONE: ("info", "warning"),
    m.PACK_ABANDONED: ("warning", "warning"),
    m.PACK_STATE: ("info", "success"),
    # A misread is not a packing mistake: warn and let the packer scan again.
    m.UNKNOWN_CODE: ("warning", "warning"),
    m.INVALID_INPUT: ("warning", "warning"),
    m.NOTHING_TO_UNDO: ("warning", "warning"),
    BOX_CLOSED: ("success", "success"),
    BOX_EMPTY: ("warning", "warning"),
}


def tone(code: str) -> tuple[str, str]:
    return _TONES.get(code, ("error", "error"))


def status_rejection(status: str) -> str | None:
    """The rejection code for an order that is not `printed`, or None when it can be packed."""
    if status == OrderStatus.PRINTED:
        return None
    return m.ALREADY_PACKED if status in ALREADY_PACKED_STATES else m.ORDER_NOT_READY


def next_step(*, open_pack: bool, remaining_items: int, gift_pending: bool) -> str:
    if not open_pack:
        return Step.SCAN_ORDER
    if remaining_items > 0:
        return Step.SCAN_ITEMS
    return Step.SCAN_GIFT if gift_pending else Step.CONFIRM


def lock_expired(idle_seconds: float, lock_seconds: int) -> bool:
    return idle_seconds >= lock_seconds
