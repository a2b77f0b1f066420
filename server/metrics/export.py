"""CSV of the dashboard: the per-day table or the drill-down table, headers in the reader's language."""

from __future__ import annotations

import csv
import io
from typing import Any

from server.metrics import messages as m

DAY_COLUMNS = (
    "day", "due", "on_time", "late", "pending", "unshipped", "rate", "compared", "consistent",
    "consistency_rate", "interceptions", "gift_omissions_prevented", "cs_lookups", "cs_latency_p50",
    "cs_latency_p95", "computed_at",
)  # fmt: skip
BREAKDOWN_COLUMNS = ("key", "label", "due", "on_time", "late", "pending", "unshipped", "rate")


def to_csv(report: dict[str, Any], table: str, locale: str) -> str:
    """UTF-8 with a BOM so Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "breakdown":
        first = m.text(m.DIMENSIONS[report["by"]], locale)
        writer.writerow([first, *(m.text(m.COLUMNS[c], locale) for c in BREAKDOWN_COLUMNS[1:])])
        for row in report["breakdown"]:
            writer.writerow([_cell(row.get(c)) for c in BREAKDOWN_COLUMNS])
        return out.getvalue()
    sources = list(report.get("sources", {}))
    writer.writerow(
        [m.text(m.COLUMNS[c], locale) for c in DAY_COLUMNS] + [report["sources"][s] for s in sources]
    )
    for row in report["days"]:
        writer.writerow(
            [_cell(row.get(c)) for c in DAY_COLUMNS] + [_cell(row["by_source"].get(s, 0)) for s in sources]
        )
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
    return str(value)
