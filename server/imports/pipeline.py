"""One file import end to end: digest check, read, validate, upsert in batches, log the run, report.

Each batch of orders is its own transaction (a 100 000-row file does not hold one transaction open);
the run row is written first and finished last, so a crash leaves a `running`/`failed` run that does
not block importing the same file again. The same bytes after a completed run change nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from server import clock
from server.errors import DomainError
from server.events import DomainEvent
from server.imports import messages, runs
from server.imports.drafts import build_drafts
from server.imports.mapping import Mapping, load_mapping
from server.imports.reader import file_kind, read_table
from server.imports.report import ImportReport, RowIssue
from server.imports.upsert import upsert_drafts
from server.orders.reference import IngestReferences
from server.runtime import Runtime

# Up to this many orders, every created/changed order is published as `order_updated`; a bigger file
# publishes one `orders_imported` summary instead of flooding the screens.
ORDER_EVENT_LIMIT = 500


@dataclass(frozen=True)
class ImportRequest:
    data: bytes
    file_name: str
    mapping: str | None = None
    force: bool = False  # run the (idempotent) upsert even if these bytes were imported before
    actor: str = "system:import"


def import_file(rt: Runtime, request: ImportRequest) -> ImportReport:
    """Raises InvalidInput for an unsupported file type or unknown mapping; anything else is in the report."""
    kind = file_kind(request.file_name)
    mapping = load_mapping(request.mapping or rt.settings.import_mapping)
    digest = hashlib.sha256(request.data).hexdigest()
    started = clock.now()
    report = ImportReport(request.file_name, digest, mapping.name, started_at=started)
    with rt.work() as work:
        prior = runs.completed_run(work.session, digest, mapping.name)
        if prior is not None and not request.force:
            report.status, report.duplicate_of, report.finished_at = "duplicate", prior.id, started
            report.issues.append(RowIssue(None, None, messages.ALREADY_IMPORTED, {"run_id": prior.id}, level="skipped"))
            run = runs.start_run(work.session, report, actor=request.actor, status="duplicate")
            report.run_id = run.id
            runs.finish_run(work.session, run.id, report, now=started)
            return report
        report.run_id = runs.start_run(work.session, report, actor=request.actor).id
    try:
        _run(rt, request, kind, mapping, report)
    except DomainError as exc:
        report.status = "failed"
        report.issues.append(RowIssue(None, None, exc.message_code, dict(exc.details)))
    except BaseException:
        report.status = "failed"
        raise
    finally:
        report.finished_at = finished = clock.now()
        with rt.work() as work:
            runs.finish_run(work.session, report.run_id, report, now=finished)
    return report


def _run(rt: Runtime, request: ImportRequest, kind: str, mapping: Mapping, report: ImportReport) -> None:
    settings = rt.settings
    table = read_table(request.data, kind, mapping.sheet)
    columns = mapping.columns(table.headers)
    if columns.missing:
        report.status = "failed"
        report.issues.append(RowIssue(None, None, messages.MISSING_COLUMNS, {"columns": "、".join(columns.missing)}))
        return
    drafts = build_drafts(table, mapping, columns, settings.tz)
    report.rows_total = drafts.rows_total
    report.issues.extend(drafts.issues)
    per_order_events = len(drafts.orders) <= ORDER_EVENT_LIMIT
    size = max(settings.import_batch_size, 1)
    refs = IngestReferences()  # channel/shop/warehouse/promotion rules read once per run
    for start in range(0, len(drafts.orders), size):
        with rt.work() as work:
            outcome = upsert_drafts(
                work.session,
                drafts.orders[start : start + size],
                mapping,
                actor=request.actor,
                now=clock.now(),
                tz=settings.tz,
                default_ship_hours=settings.default_promised_ship_hours,
                number_header=columns.header.get("order_number"),
                refs=refs,
            )
            if per_order_events:
                work.publish(outcome.events)
        report.orders_created += outcome.created
        report.orders_updated += outcome.updated
        report.orders_unchanged += outcome.unchanged
        report.rows_imported += outcome.rows_imported
        report.issues.extend(outcome.issues)
    report.rows_rejected = len({i.row for i in report.issues if i.row is not None})
    report.status = "completed"
    if not per_order_events and (report.orders_created or report.orders_updated):
        summary = {"run_id": report.run_id, "file_name": report.file_name, **report.counts()}
        with rt.work() as work:
            work.publish([DomainEvent(name="orders_imported", payload=summary)])
