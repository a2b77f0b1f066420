"""`packline import <file>` and `packline import-folder`: the daily order import from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from server.cli import command
from server.config import Settings


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=".xlsx or .csv export, e.g. orders_daily.xlsx")
    p.add_argument("--mapping", help="field mapping from server/imports/mappings.json (default: PACKLINE_IMPORT_MAPPING)")
    p.add_argument("--force", action="store_true", help="run the idempotent upsert even if this file was imported before")
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")


@command("import", "import an order file (.xlsx/.csv) through the field mapping; prints the report", _configure_import)
def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from server.imports.pipeline import ImportRequest, import_file
    from server.runtime import Runtime

    path = Path(args.file)
    rt = Runtime.create(settings)
    report = import_file(
        rt, ImportRequest(path.read_bytes(), path.name, mapping=args.mapping, force=args.force, actor="cli:import")
    )
    _print(report.to_dict(), as_json=args.json)
    return 0 if report.status in ("completed", "duplicate") else 1


def _configure_folder(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", help="folder to import from (default: PACKLINE_IMPORT_DIR)")


@command("import-folder", "import every file in the import folder now and archive it (what 08:00 does)", _configure_folder)
def cmd_import_folder(args: argparse.Namespace, settings: Settings) -> int:
    from server.imports.folder import import_folder
    from server.runtime import Runtime

    results = import_folder(Runtime.create(settings), args.dir)
    for result in results:
        status = result.report.status if result.report else f"refused: {result.error}"
        print(f"{result.file_name}: {status} -> archive/{result.archived_as}")
    if not results:
        print("nothing to import")
    return 0


def _print(report: dict[str, object], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(
        f"{report['file_name']}: {report['status']} (run #{report['run_id']}) — "
        f"{report['orders_created']} created, {report['orders_updated']} updated, "
        f"{report['orders_unchanged']} unchanged; rows imported {report['rows_imported']}, "
        f"refused {report['rows_rejected']}"
    )
    for issue in report["issues"]:  # type: ignore[attr-defined]
        where = f"row {issue['row']}" if issue["row"] else "file"
        column = f" [{issue['column']}]" if issue["column"] else ""
        print(f"  {where}{column}: {issue['message']} / {issue['message_en']}")
