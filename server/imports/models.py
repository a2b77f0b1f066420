"""The import log: one row per file import attempt, keyed by the file's SHA-256, with counts and the report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class ImportRun(Base):
    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_digest_status", "digest", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[str] = mapped_column(String(32))
    # running -> completed | failed; duplicate = the same bytes were already imported (nothing done)
    status: Mapped[str] = mapped_column(String(12), default="running")
    actor: Mapped[str] = mapped_column(String(64))
    duplicate_of: Mapped[int | None] = mapped_column()
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_imported: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    orders_created: Mapped[int] = mapped_column(default=0)
    orders_updated: Mapped[int] = mapped_column(default=0)
    orders_unchanged: Mapped[int] = mapped_column(default=0)
    issues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class ImportPickup(Base):
    """The daily folder pick-up of one warehouse-local day: claimed once, so a duplicated schedule tick
    or a second cron never imports twice, and a missed 08:00 (cron down) still happens later that day."""

    __tablename__ = "import_pickups"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, warehouse-local
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    files: Mapped[int] = mapped_column(default=0)
