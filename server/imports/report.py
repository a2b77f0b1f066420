"""What an import tells the person who dropped the file: counts, and every refused row by row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.i18n import translate


@dataclass(frozen=True)
class RowIssue:
    """`row` as Excel numbers it (None for the whole file); `column` is the header the file used."""

    row: int | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    field: str | None = None
    level: str = "error"  # error: the row was refused | skipped: nothing to import (blank, duplicate)

    def to_dict(self) -> dict[str, Any]:
        params = {"column": self.column, **self.params}
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "level": self.level,
            "message": translate(self.code, "zh-CN", params),
            "message_en": translate(self.code, "en", params),
            **({"value": self.params["value"]} if "value" in self.params else {}),
        }


@dataclass
class ImportReport:
    file_name: str
    digest: str
    mapping: str
    status: str = "running"  # completed | duplicate | failed
    run_id: int | None = None
    duplicate_of: int | None = None
    rows_total: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    orders_created: int = 0
    orders_updated: int = 0
    orders_unchanged: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def orders_total(self) -> int:
        return self.orders_created + self.orders_updated + self.orders_unchanged

    def counts(self) -> dict[str, int]:
        return {
            "rows_total": self.rows_total,
            "rows_imported": self.rows_imported,
            "rows_rejected": self.rows_rejected,
            "orders_created": self.orders_created,
            "orders_updated": self.orders_updated,
            "orders_unchanged": self.orders_unchanged,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "file_name": self.file_name,
            "digest": self.digest,
            "mapping": self.mapping,
            "status": self.status,
            "duplicate_of": self.duplicate_of,
            **self.counts(),
            "issues": [issue.to_dict() for issue in sorted(self.issues, key=_issue_order)],
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _issue_order(issue: RowIssue) -> tuple[int, str]:
    return (issue.row or 0, issue.column or "")
