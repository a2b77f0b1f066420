"""The import log: which file (by SHA-256) was imported when, with what counts and which refused rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.errors import NotFound
from server.imports.models import ImportRun
from server.imports.report import ImportReport

STORED_ISSUES = 1000  # the log keeps the first refusals; the report of the run itself has them all


def completed_run(session: Session, digest: str, mapping: str) -> ImportRun | None:
    return session.scalars(
        select(ImportRun)
        .where(ImportRun.digest == digest, ImportRun.mapping == mapping, ImportRun.status == "completed")
        .order_by(ImportRun.id)
        .limit(1)
    ).first()


def start_run(session: Session, report: ImportReport, *, actor: str, status: str = "running") -> ImportRun:
    run = ImportRun(
        file_name=report.file_name[:255],
        digest=report.digest,
        mapping=report.mapping,
        status=status,
        actor=actor[:64],
        duplicate_of=report.duplicate_of,
        started_at=report.started_at,
        finished_at=report.finished_at,
        issues=[],
    )
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run_id: int, report: ImportReport, *, now: datetime) -> None:
    issues = report.to_dict()["issues"][:STORED_ISSUES]
    session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id)
        .values(status=report.status, finished_at=now, issues=issues, **report.counts())
    )


def list_runs(session: Session, *, limit: int = 50) -> list[ImportRun]:
    return list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))


def get_run(session: Session, run_id: int) -> ImportRun:
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound("import run", run_id=run_id)
    return run
