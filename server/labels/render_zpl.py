"""Writes a label layout as one ZPL II format (^XA … ^XZ) in printer dots, UTF-8 text (^CI28).

CJK text needs a Unicode TrueType font stored on the printer; ``PRINTER_FONT`` names it (assumed).
"""

from __future__ import annotations

from server.labels.layout import BarcodeItem, BoxItem, LabelLayout, TextItem

# Zebra's Simplified Chinese font as stored on printers sold in China; override per fleet if different.
PRINTER_FONT = "E:ANMDS.TTF"
_JUSTIFY = {"left": "L", "center": "C", "right": "R"}
# "^" and "~" start commands even inside field data; "_" is the ^FH escape character itself.
_ESCAPES = {"^": "_5E", "~": "_7E", "_": "_5F"}


def field_data(text: str) -> str:
    """``^FD…^FS`` for ``text``; with ^FH hex escapes when it holds a ZPL control character."""
    if not any(char in _ESCAPES for char in text):
        return f"^FD{text}^FS"
    escaped = "".join(_ESCAPES.get(char, char) for char in text)
    return f"^FH_^FD{escaped}^FS"


def _text(item: TextItem) -> str:
    # A one-line field block gives the printer the box and the alignment: its font metrics differ
    # from ours, so centring is left to it.
    block = f"^FB{item.box_width},1,0,{_JUSTIFY[item.align]},0"
    reverse = "^FR" if item.inverted else ""
    return f"^FO{item.x},{item.y}^A1N,{item.size},{item.size}{block}{reverse}{field_data(item.text)}"


def _box(item: BoxItem) -> str:
    thickness = min(item.width, item.height) if item.filled else item.thickness
    return f"^FO{item.x},{item.y}^GB{item.width},{item.height},{thickness}^FS"


def _barcode(item: BarcodeItem) -> str:
    geometry = item.geometry
    # ^BY sets the module in dots; ^BC …,N (no printer HRI: the layout prints the digits), mode A picks subsets.
    return (
        f"^FO{item.x},{item.y}^BY{geometry.module_dots}"
        f"^BCN,{geometry.height_dots},N,N,N,A{field_data(geometry.data)}"
    )


def zpl_bytes(layout: LabelLayout) -> bytes:
    commands = ["^XA", "^CI28", f"^PW{layout.width}", f"^LL{layout.height}", "^LH0,0", f"^CW1,{PRINTER_FONT}"]
    for item in layout.items:
        if isinstance(item, TextItem):
            commands.append(_text(item))
        elif isinstance(item, BoxItem):
            commands.append(_box(item))
        elif isinstance(item, BarcodeItem):
            commands.append(_barcode(item))
    commands.extend(["^PQ1", "^XZ"])
    return ("\n".join(commands) + "\n").encode("utf-8")
