"""Import jobs: the daily folder pick-up at `import_at` warehouse time, and one file by path."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from server import clock
from server.imports.folder import import_folder
from server.imports.pickup import claim_day, due_day, finish_day, release_day
from server.imports.pipeline import ImportRequest, import_file
from workers import context, queues

log = logging.getLogger("packline.imports")

IMPORT_DAILY = "workers.jobs.imports.import_daily_files"


def plan_daily_import() -> str | None:
    """Periodic (every minute): once local time passes PACKLINE_IMPORT_AT, enqueue that day's pick-up."""
    rt = context.runtime()
    if not rt.settings.import_dir:
        return None
    with rt.read() as session:
        day = due_day(session, now=clock.now(), tz=rt.settings.tz, import_at=rt.settings.import_at)
    if day is not None:
        rt.jobs.enqueue(IMPORT_DAILY, day, queue=queues.DEFAULT, job_id=f"import-folder:{day}")
    return day


def import_daily_files(day: str) -> dict[str, Any]:
    """Import and archive every file in PACKLINE_IMPORT_DIR, once per warehouse-local `day`."""
    rt = context.runtime()
    with rt.work() as work:
        claimed = claim_day(work.session, day, now=clock.now())
    if not claimed:
        return {"day": day, "skipped": "already picked up"}
    try:
        results = import_folder(rt)
    except BaseException:
        with rt.work() as work:
            release_day(work.session, day)
        raise
    with rt.work() as work:
        finish_day(work.session, day, now=clock.now(), files=len(results))
    return {
        "day": day,
        "files": [
            {"file": r.file_name, "archived_as": r.archived_as, "status": r.report.status if r.report else r.error}
            for r in results
        ],
    }


def import_path(path: str, mapping: str | None = None, force: bool = False) -> dict[str, Any]:
    """Import one file from a path the worker can read (for files too big to import inside a request)."""
    rt = context.runtime()
    file = Path(path)
    report = import_file(rt, ImportRequest(file.read_bytes(), file.name, mapping=mapping, force=force))
    return report.to_dict()
