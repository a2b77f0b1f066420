"""Gift pick slip: the Code 128 of ``<order number>GIFT`` and the gift names, for the picker.

Printed on the station's label stock (same profile), content from the top; the packer scans it to
prove the gift went into the parcel.
"""

from __future__ import annotations

from collections.abc import Sequence

from server.labels.fonts import FontBook
from server.labels.layout import LabelLayout
from server.labels.layout_builder import LayoutBuilder
from server.labels.profiles import PrinterProfile

GIFT_SUFFIX = "GIFT"
TITLE = "赠品拣货单 / Gift pick slip"


def gift_code(order_number: str) -> str:
    """The scannable code of an order's gift sub-order."""
    return f"{order_number.strip()}{GIFT_SUFFIX}"


def layout_gift_slip(
    order_number: str, gift_lines: Sequence[str], profile: PrinterProfile, fonts: FontBook
) -> LabelLayout:
    layout = LayoutBuilder(profile, fonts)
    m, width = layout.margin, layout.content_width
    layout.text(TITLE, m, layout.y(1.5), width, layout.d(4.4), bold=True, min_size=layout.d(3.2))
    layout.text(f"订单 Order: {order_number}", m, layout.y(8.0), width, layout.d(3.0))
    layout.rule(layout.y(12.6))
    code = gift_code(order_number)
    bar = layout.barcode(code, layout.y(14.5), min(15.0, 12.0 * layout.vertical_scale))
    digits_y = bar.y + bar.geometry.height_dots + layout.d(0.6)
    layout.text(code, 0, digits_y, layout.width, layout.d(3.2), align="center", bold=True)
    layout.rule(layout.y(33.0))

    size = layout.d(3.4)
    step = layout.fonts.line_height(size) + layout.d(0.6)
    y, bottom = layout.y(35.0), layout.height - layout.d(10.0)
    room = max(1, (bottom - y) // step)
    # When the list is longer than the slip, the last line says how many are missing.
    shown = list(gift_lines) if len(gift_lines) <= room else list(gift_lines[: room - 1])
    for number, name in enumerate(shown, start=1):
        layout.text(f"{number}. {name}", m, y, width, size)
        y += step
    if len(shown) < len(gift_lines):
        layout.text(f"… 另有 {len(gift_lines) - len(shown)} 件 / more", m, y, width, size)
    layout.text(f"共 {len(gift_lines)} 件赠品 / {len(gift_lines)} gift(s)", m, bottom + layout.d(2.0), width,
                layout.d(3.0), align="right", bold=True)  # fmt: skip
    return layout.build()
