"""A small PDF writer: one raster image per page (drawn with Pillow, so Chinese text needs only a font
file) plus an invisible text layer with the ASCII values on it, so the PDF is searchable and a test or a
courier's system can read the tracking numbers back — what scanned-and-OCR'd PDFs do."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

POINTS_PER_INCH = 72


@dataclass(frozen=True)
class TextRun:
    """Text at (x, baseline y) in image pixels from the top left; `size` in pixels."""

    x: float
    y: float
    size: float
    text: str


def _escape(text: str) -> str:
    ascii_only = "".join(ch if " " <= ch <= "~" else "?" for ch in text)
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(image: Image.Image, runs: Sequence[TextRun], scale: float) -> bytes:
    width, height = image.width * scale, image.height * scale
    parts = [f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im0 Do Q"]
    if runs:
        parts.append("BT 3 Tr")  # render mode 3: neither fill nor stroke (invisible, still extractable)
        for run in runs:
            x, y = run.x * scale, height - run.y * scale
            parts.append(f"/F1 {run.size * scale:.2f} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ({_escape(run.text)}) Tj")
        parts.append("ET")
    return "\n".join(parts).encode("ascii")


def raster_pdf(pages: Sequence[tuple[Image.Image, Sequence[TextRun]]], dpi: int) -> bytes:
    if not pages:
        raise ValueError("a PDF needs at least one page")
    scale = POINTS_PER_INCH / dpi
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for image, runs in pages:
        gray = image.convert("L")
        data = zlib.compress(gray.tobytes())
        img = add(
            f"<< /Type /XObject /Subtype /Image /Width {gray.width} /Height {gray.height} /ColorSpace /DeviceGray"
            f" /BitsPerComponent 8 /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode()
            + data
            + b"\nendstream"
        )
        stream = _content(gray, runs, scale)
        content = add(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
        box = f"[0 0 {gray.width * scale:.2f} {gray.height * scale:.2f}]"
        kids.append(
            add(
                f"<< /Type /Page /Parent {tree} 0 R /MediaBox {box} /Contents {content} 0 R"
                f" /Resources << /XObject << /Im0 {img} 0 R >> /Font << /F1 {font} 0 R >> >> >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    refs = " ".join(f"{k} 0 R" for k in kids)
    objects[tree - 1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
