"""Draws the PDA's app icons (a scanner's barcode on a package) with Pillow; the PNGs are committed.

Run: python -m pda_web.make_icons
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).parent / "static" / "icons"
NAVY = (15, 23, 42, 255)
AMBER = (245, 158, 11, 255)
WHITE = (255, 255, 255, 255)
# Bar widths of a made-up barcode, in modules: bold and readable at 48 px.
BARS = [3, 1, 2, 1, 1, 3, 2, 1, 3, 1, 1, 2, 3, 1, 2]


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    img = Image.new("RGBA", (size, size), NAVY if maskable else (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    # Maskable icons are cropped to a circle by the launcher: keep the art inside the safe 80 %.
    pad = size * (0.2 if maskable else 0.04)
    if not maskable:
        d.rounded_rectangle([pad, pad, size - pad, size - pad], radius=size * 0.18, fill=NAVY)
        pad = size * 0.16
    box = [pad, pad + (size - 2 * pad) * 0.12, size - pad, size - pad - (size - 2 * pad) * 0.08]
    d.rounded_rectangle(box, radius=size * 0.04, fill=AMBER)
    # The package's tape.
    mid = (box[0] + box[2]) / 2
    d.rectangle(
        [mid - size * 0.035, box[1], mid + size * 0.035, box[1] + (box[3] - box[1]) * 0.28],
        fill=(180, 110, 0, 255),
    )
    # A white label with a barcode.
    label = [
        box[0] + size * 0.07,
        box[1] + (box[3] - box[1]) * 0.38,
        box[2] - size * 0.07,
        box[3] - size * 0.06,
    ]
    d.rounded_rectangle(label, radius=size * 0.02, fill=WHITE)
    modules = sum(BARS)
    inner = [label[0] + size * 0.03, label[1] + size * 0.025, label[2] - size * 0.03, label[3] - size * 0.025]
    unit = (inner[2] - inner[0]) / modules
    x = inner[0]
    for i, width in enumerate(BARS):
        if i % 2 == 0:
            d.rectangle([x, inner[1], x + width * unit - 0.5, inner[3]], fill=NAVY)
        x += width * unit
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    draw_icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
