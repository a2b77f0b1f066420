"""The courier label's zones (reference §4.4, top to bottom), laid out for any supported size.

Positions are in mm of the 76 x 130 design; the builder scales them. The stub starts at the dashed rule.
"""

from __future__ import annotations

from server.labels.content import LabelContent
from server.labels.fonts import FontBook
from server.labels.layout import LabelLayout
from server.labels.layout_builder import LayoutBuilder
from server.labels.profiles import PrinterProfile
from server.privacy import mask_name, mask_phone

MAIN_BAR_HEIGHT_MM = 12.0
STUB_BAR_HEIGHT_MM = 10.0
GIFT_MARK = "含赠品 / gift inside"


def _bar_height(layout: LayoutBuilder, reference_mm: float) -> float:
    # Taller labels get taller bars, within the 10-15 mm the scanners at the sorting hubs expect.
    return min(15.0, reference_mm * layout.vertical_scale)


def _header(layout: LayoutBuilder, content: LabelContent) -> None:
    m, width = layout.margin, layout.content_width
    layout.text(
        content.courier_name,
        m,
        layout.y(1.2),
        width * 3 // 5,
        layout.d(5.0),
        bold=True,
        min_size=layout.d(3.5),
    )
    printed = content.local_printed_at.strftime("%Y-%m-%d %H:%M")
    layout.text(printed, m, layout.y(1.2), width, layout.d(2.6), align="right")
    if content.package_marker:
        layout.text(content.package_marker, m, layout.y(4.4), width, layout.d(3.6), align="right", bold=True)
    layout.rule(layout.y(9.0))


def _tracking_block(layout: LayoutBuilder, content: LabelContent) -> None:
    bar = layout.barcode(content.tracking_number, layout.y(10.5), _bar_height(layout, MAIN_BAR_HEIGHT_MM))
    digits_y = bar.y + bar.geometry.height_dots + layout.d(0.6)
    layout.text(content.tracking_number, 0, digits_y, layout.width, layout.d(3.4), align="center", bold=True)
    layout.rule(layout.y(27.0))


def _routing_block(layout: LayoutBuilder, content: LabelContent) -> None:
    m, width = layout.margin, layout.content_width
    # The 三段码 is read from a metre away on the sorting belt: as large as the band allows, and
    # shrunk rather than cut, since a truncated routing code sends the parcel to the wrong hub.
    top, bottom = layout.y(27.0), layout.y(41.0)
    size = layout.fit_size(content.routing_code, width, layout.d(10.0), layout.d(4.0), bold=True)
    y = top + (bottom - top - layout.fonts.line_height(size)) // 2 + layout.d(0.4)
    layout.text(content.routing_code, m, y, width, size, align="center", bold=True)
    layout.rule(bottom)
    layout.text("集包地", m, layout.y(43.0), layout.d(9.0), layout.d(2.6))
    if content.consolidation:
        x = m + layout.d(10.0)
        layout.text(
            content.consolidation, x, layout.y(42.2), width - layout.d(10.0), layout.d(4.4), bold=True
        )
    layout.rule(layout.y(48.0))


def _party(
    layout: LayoutBuilder,
    mark: str,
    top_mm: float,
    headline: str,
    address: str,
    *,
    mark_mm: float,
    headline_mm: float,
    address_mm: float,
    address_lines: int,
) -> None:
    """收 / 寄 block: a white-on-black mark, then the name line and the wrapped address."""
    m = layout.margin
    top = layout.y(top_mm)
    mark_side = layout.d(mark_mm)
    layout.box(m, top + layout.d(0.6), mark_side, mark_side, filled=True)
    layout.text(
        mark, m, top + layout.d(0.6), mark_side, mark_side * 3 // 4, align="center", bold=True, inverted=True
    )
    x = m + mark_side + layout.d(1.6)
    width = layout.width - m - x
    line = layout.text(
        headline, x, top, width, layout.d(headline_mm), bold=True, min_size=layout.d(headline_mm * 0.8)
    )
    layout.paragraph(address, x, top + line.line_height, width, layout.d(address_mm), address_lines)


def _parties(layout: LayoutBuilder, content: LabelContent) -> None:
    # The courier sees only masked recipient details (PIPL); the sender is the shop or warehouse.
    recipient = f"{mask_name(content.recipient_name)}  {mask_phone(content.recipient_phone)}"
    _party(layout, "收", 49.0, recipient, content.recipient_address,
           mark_mm=7.0, headline_mm=4.0, address_mm=3.4, address_lines=3)  # fmt: skip
    layout.rule(layout.y(69.5))
    sender = f"{content.sender_name}  {content.sender_phone}"
    _party(layout, "寄", 70.4, sender, content.sender_address,
           mark_mm=5.0, headline_mm=2.8, address_mm=2.8, address_lines=2)  # fmt: skip
    layout.dashed_rule(layout.y(82.0), thickness=layout.d(0.4))


def _stub(layout: LayoutBuilder, content: LabelContent) -> None:
    m, width = layout.margin, layout.content_width
    bar = layout.barcode(content.tracking_number, layout.y(84.0), _bar_height(layout, STUB_BAR_HEIGHT_MM))
    layout.text(content.tracking_number, 0, bar.y + bar.geometry.height_dots + layout.d(0.4), layout.width,
                layout.d(2.6), align="center")  # fmt: skip
    small = layout.d(2.8)
    layout.text(f"订单 Order: {content.order_number}", m, layout.y(98.6), width, small)
    layout.paragraph(f"内容 Items: {content.sku_summary or '-'}", m, layout.y(102.4), width, small, 2)
    gift_y = layout.y(110.4)
    if content.gift_inside:
        size = layout.d(3.4)
        mark_width = layout.measure(GIFT_MARK, size, bold=True, inverted=True) + layout.d(2.0)
        line_height = layout.fonts.line_height(size)
        layout.box(m, gift_y, mark_width, line_height, filled=True)
        layout.text(GIFT_MARK, m, gift_y, mark_width, size, align="center", bold=True, inverted=True)
    if content.package_marker:
        layout.text(
            f"第 {content.package_marker} 件", m, gift_y, width, layout.d(3.6), align="right", bold=True
        )
    layout.rule(layout.y(117.0), thickness=1)
    layout.text("签收 Signature:", m, layout.y(118.0), width // 2, small)
    layout.text("已验视", m, layout.y(118.0), width, small, align="right")
    footer = f"{content.courier_code} · Label v{content.label_version}"
    layout.text(footer, m, layout.y(125.0), width, layout.d(2.4), align="right")


def layout_waybill(content: LabelContent, profile: PrinterProfile, fonts: FontBook) -> LabelLayout:
    """Every item of one courier label, positioned in printer dots for ``profile``."""
    layout = LayoutBuilder(profile, fonts)
    _header(layout, content)
    _tracking_block(layout, content)
    _routing_block(layout, content)
    _parties(layout, content)
    _stub(layout, content)
    return layout.build()
