"""The handover manifest the courier signs: the batch's parcels (tracking number, order, parcel n/N,
weight), totals, the courier signature line, as CSV and as a PDF of `rows_per_page` parcels a page. The
PDF is drawn from the same `Manifest` the JSON view returns."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.catalog.models import Station
from server.labels.fonts import find_font_book
from server.labels.order_facts import COURIER_NAMES
from server.orders.models import Order
from server.shipping.models import HandoverBatch, HandoverParcel, Package
from server.shipping.pdf import TextRun, raster_pdf

DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 70
COLUMNS = (
    (0, "序号", "No."),
    (80, "运单号", "Tracking no."),
    (420, "订单号", "Order no."),
    (760, "件数", "Parcel"),
    (890, "重量(克)", "Weight (g)"),
    (1040, "赠品", "Gift"),
)


@dataclass(frozen=True)
class ManifestLine:
    no: int
    tracking_number: str
    order_number: str
    package_no: int
    package_count: int
    weight_g: int | None
    contains_gift: bool


@dataclass(frozen=True)
class Manifest:
    batch_number: str
    status: str
    courier_code: str
    courier_name: str
    warehouse_code: str
    warehouse_name: str
    station: str
    opened_at: str
    closed_at: str | None
    closed_by: str | None
    lines: list[ManifestLine]
    rows_per_page: int

    @property
    def total_weight_g(self) -> int:
        return sum(line.weight_g or 0 for line in self.lines)

    @property
    def unweighed(self) -> int:
        return sum(1 for line in self.lines if line.weight_g is None)

    @property
    def pages(self) -> list[list[ManifestLine]]:
        size = max(1, self.rows_per_page)
        count = max(1, math.ceil(len(self.lines) / size))
        return [self.lines[n * size : (n + 1) * size] for n in range(count)]


def build_manifest(session: Session, batch: HandoverBatch, rows_per_page: int) -> Manifest:
    station = session.get(Station, batch.station_id)
    assert station is not None
    tz = ZoneInfo(station.warehouse.timezone or "Asia/Shanghai")
    counts = (
        select(Package.order_id, func.count(Package.id).label("n"))
        .where(
            Package.order_id.in_(select(HandoverParcel.order_id).where(HandoverParcel.batch_id == batch.id))
        )
        .group_by(Package.order_id)
        .subquery()
    )
    rows = session.execute(
        select(Package, Order.order_number, counts.c.n)
        .join(HandoverParcel, HandoverParcel.package_id == Package.id)
        .join(Order, Order.id == Package.order_id)
        .join(counts, counts.c.order_id == Package.order_id)
        .where(HandoverParcel.batch_id == batch.id)
        .order_by(HandoverParcel.scanned_at, HandoverParcel.id)
    ).all()
    lines = []
    for n, row in enumerate(rows, 1):
        p, number, total = cast(Package, row[0]), str(row[1]), int(row[2])
        lines.append(
            ManifestLine(n, p.tracking_number or "", number, p.seq, total, p.weight_g, p.contains_gift)
        )
    return Manifest(
        batch_number=batch.number or str(batch.id),
        status=batch.status,
        courier_code=batch.courier_code,
        courier_name=COURIER_NAMES.get(batch.courier_code, batch.courier_code),
        warehouse_code=station.warehouse.code,
        warehouse_name=station.warehouse.name,
        station=station.code,
        opened_at=_local(batch.opened_at, tz),
        closed_at=_local(batch.closed_at, tz) if batch.closed_at else None,
        closed_by=batch.closed_by,
        lines=lines,
        rows_per_page=rows_per_page,
    )


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def manifest_csv(manifest: Manifest) -> bytes:
    """UTF-8 with a BOM (Excel opens it with the Chinese intact), one row per parcel, then the total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["batch", "courier", "warehouse", "station", "closed_at"])
    writer.writerow(
        [
            manifest.batch_number,
            manifest.courier_code,
            manifest.warehouse_code,
            manifest.station,
            manifest.closed_at or "",
        ]
    )
    writer.writerow(["no", "tracking_number", "order_number", "package", "weight_g", "gift"])
    for line in manifest.lines:
        weight = "" if line.weight_g is None else line.weight_g
        parcel = f"{line.package_no}/{line.package_count}"
        writer.writerow(
            [
                line.no,
                line.tracking_number,
                line.order_number,
                parcel,
                weight,
                "Y" if line.contains_gift else "",
            ]
        )
    writer.writerow(["total", len(manifest.lines), "", "", manifest.total_weight_g, ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def manifest_pdf(manifest: Manifest) -> bytes:
    return raster_pdf([_page(manifest, n, rows) for n, rows in enumerate(manifest.pages, 1)], DPI)


def _page(manifest: Manifest, page_no: int, rows: list[ManifestLine]) -> tuple[Image.Image, list[TextRun]]:
    fonts = find_font_book()
    image = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(image)
    runs: list[TextRun] = []

    def text(x: float, y: float, value: str, size: int, *, layer: str | None = None) -> None:
        draw.text((x, y), value, fill=0, font=fonts.font(size))
        if layer:
            runs.append(TextRun(x, y + fonts.ascent(size), size, layer))

    pages = len(manifest.pages)
    text(MARGIN, 60, "交接清单  Handover manifest", 46)
    text(MARGIN, 130, f"批次 Batch: {manifest.batch_number}", 28, layer=manifest.batch_number)
    text(MARGIN + 640, 130, f"页 Page {page_no}/{pages}", 28)
    text(
        MARGIN,
        172,
        f"快递 Courier: {manifest.courier_name} ({manifest.courier_code})",
        28,
        layer=manifest.courier_code,
    )
    text(
        MARGIN,
        214,
        f"仓库 Warehouse: {manifest.warehouse_name} ({manifest.warehouse_code}) · {manifest.station}",
        28,
    )
    text(MARGIN, 256, f"交接时间 Time: {manifest.closed_at or manifest.opened_at}", 28)
    top, row_h = 320, min(44, (PAGE[1] - 320 - 60 - 330) // max(1, manifest.rows_per_page))
    for x, zh, en in COLUMNS:
        text(MARGIN + x, top, zh, 24)
        text(MARGIN + x, top + 28, en, 18)
    draw.line((MARGIN, top + 58, PAGE[0] - MARGIN, top + 58), fill=0, width=3)
    y = top + 66
    size = max(16, min(26, row_h - 12))
    for line in rows:
        cells = [
            str(line.no),
            line.tracking_number,
            line.order_number,
            f"{line.package_no}/{line.package_count}",
            "—" if line.weight_g is None else str(line.weight_g),
            "✓" if line.contains_gift else "",
        ]
        for (x, _, _), value in zip(COLUMNS, cells, strict=True):
            text(MARGIN + x, y, value, size)
        runs.append(
            TextRun(
                MARGIN + COLUMNS[1][0],
                y + fonts.ascent(size),
                size,
                f"{line.tracking_number} {line.order_number}",
            )
        )
        draw.line((MARGIN, y + row_h - 4, PAGE[0] - MARGIN, y + row_h - 4), fill=200, width=1)
        y += row_h
    bottom = PAGE[1] - 330
    draw.line((MARGIN, bottom, PAGE[0] - MARGIN, bottom), fill=0, width=3)
    if page_no == pages:
        kg = manifest.total_weight_g / 1000
        total = f"合计 Total: {len(manifest.lines)} 件 parcels · {kg:.2f} kg"
        if manifest.unweighed:
            total += f" (未称重 unweighed: {manifest.unweighed})"
        text(MARGIN, bottom + 20, total, 30, layer=f"total {len(manifest.lines)}")
    else:
        text(MARGIN, bottom + 20, "续下页  continued on the next page", 26)
    text(MARGIN, bottom + 100, "快递员签字 ________________", 34)
    text(MARGIN + 620, bottom + 100, "时间 ______________", 34)
    text(MARGIN, bottom + 150, "Courier signature / time", 22)
    text(MARGIN, bottom + 200, f"仓库交接人 Handed over by: {manifest.closed_by or ''}", 26)
    return image, runs
