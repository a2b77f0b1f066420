"""The daily pick-up: every .xlsx/.csv in the import folder is imported and moved to `archive/`.

A file is claimed by renaming it into `processing/` first (atomic on one file system), so two workers
started by a duplicated schedule never import the same file at the same time. A file left in
`processing/` by a crash is picked up again on the next run (the import is idempotent).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from server import clock
from server.errors import DomainError
from server.imports.pipeline import ImportRequest, import_file
from server.imports.reader import KINDS
from server.imports.report import ImportReport
from server.runtime import Runtime

log = logging.getLogger("packline.imports")
ARCHIVE = "archive"
PROCESSING = "processing"
STALE_CLAIM_SECONDS = 3600


@dataclass(frozen=True)
class FolderResult:
    file_name: str
    archived_as: str | None
    report: ImportReport | None
    error: str | None = None


def import_folder(rt: Runtime, folder: str | Path | None = None, *, now: datetime | None = None) -> list[FolderResult]:
    root = Path(folder or rt.settings.import_dir or "")
    if not str(folder or rt.settings.import_dir or "") or not root.is_dir():
        log.info("no import folder configured or found: nothing to import")
        return []
    (root / ARCHIVE).mkdir(exist_ok=True)
    (root / PROCESSING).mkdir(exist_ok=True)
    results = []
    for path in _candidates(root):
        claimed = _claim(root, path)
        if claimed is None:
            continue
        results.append(_import_one(rt, root, claimed, now or clock.now()))
    return results


def _candidates(root: Path) -> list[Path]:
    fresh = [p for p in root.iterdir() if _importable(p)]
    stale_before = clock.now().timestamp() - STALE_CLAIM_SECONDS
    leftover = [p for p in (root / PROCESSING).iterdir() if _importable(p) and p.stat().st_mtime < stale_before]
    return sorted(leftover, key=lambda p: p.name) + sorted(fresh, key=lambda p: (p.stat().st_mtime, p.name))


def _importable(path: Path) -> bool:
    # "~$x.xlsx" is Excel's lock file for an open workbook; dot files are editors' and sync tools'.
    return path.is_file() and path.suffix.lower().lstrip(".") in KINDS and not path.name.startswith(("~$", "."))


def _claim(root: Path, path: Path) -> Path | None:
    if path.parent.name == PROCESSING:
        os.utime(path)  # re-claim a stale leftover: refresh its age so no one else takes it now
        return path
    target = root / PROCESSING / path.name
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None  # another worker took it
    return target


def _import_one(rt: Runtime, root: Path, path: Path, now: datetime) -> FolderResult:
    original = path.name
    report: ImportReport | None = None
    error = None
    try:
        report = import_file(rt, ImportRequest(path.read_bytes(), original, actor="system:import-folder"))
        log.info("imported %s: %s %s", original, report.status, report.counts())
    except DomainError as exc:  # unsupported file or mapping: archived with the reason, never retried daily
        error = exc.message("en")
        log.warning("import of %s refused: %s", original, error)
    except BaseException:
        os.replace(path, root / original)  # e.g. the database is down: hand it back for the job's retry
        raise
    stamp = now.astimezone(rt.settings.tz).strftime("%Y%m%d-%H%M%S")
    archived = root / ARCHIVE / f"{stamp}_{original}"
    n = 1
    while archived.exists():
        archived = root / ARCHIVE / f"{stamp}-{n}_{original}"
        n += 1
    os.replace(path, archived)
    return FolderResult(original, archived.name, report, error)
