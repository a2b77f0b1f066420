"""/api/v1/imports: upload a daily order file (.xlsx/.csv) and get the import report; the import log."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from server.accounts.roles import Role
from server.api.auth import current_principal, requires, runtime
from server.imports import runs
from server.imports.mapping import mapping_names
from server.imports.pipeline import ImportRequest, import_file

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    description="Daily order files (POS exports) through a configured field mapping into the order hub",
)


@blp.before_request
def _upload_limit() -> None:
    # The app-wide body limit is small; an order file may be several MB (PACKLINE_IMPORT_MAX_BYTES).
    request.max_content_length = runtime().settings.import_max_bytes


class UploadSchema(Schema):
    file = Upload(required=True, metadata={"description": ".xlsx or .csv, e.g. orders_daily.xlsx"})


class UploadOptionsSchema(Schema):
    mapping = fields.String(load_default=None, validate=validate.OneOf(mapping_names()))
    force = fields.Boolean(load_default=False, metadata={"description": "upsert again even if this file was imported"})


class IssueSchema(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "row number as Excel shows it; null = whole file"})
    column = fields.String(allow_none=True, metadata={"description": "the column header, e.g. 手机"})
    field = fields.String(allow_none=True)
    code = fields.String()
    level = fields.String(metadata={"description": "error (row refused) | skipped (blank or duplicate row)"})
    message = fields.String()
    message_en = fields.String()
    value = fields.Raw(allow_none=True)


class ReportSchema(Schema):
    run_id = fields.Integer(allow_none=True)
    file_name = fields.String()
    digest = fields.String(metadata={"description": "SHA-256 of the file"})
    mapping = fields.String()
    status = fields.String(metadata={"description": "completed | duplicate (same file already imported) | failed"})
    duplicate_of = fields.Integer(allow_none=True)
    rows_total = fields.Integer()
    rows_imported = fields.Integer()
    rows_rejected = fields.Integer()
    orders_created = fields.Integer()
    orders_updated = fields.Integer()
    orders_unchanged = fields.Integer()
    issues = fields.List(fields.Nested(IssueSchema))
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)


class RunSchema(ReportSchema):
    run_id = fields.Integer(attribute="id")
    actor = fields.String()
    started_at = fields.DateTime()  # type: ignore[assignment]
    finished_at = fields.DateTime(allow_none=True)  # type: ignore[assignment]


@blp.route("")
class Imports(MethodView):
    @requires(blp, Role.ADMIN)
    @blp.arguments(UploadSchema, location="files")
    @blp.arguments(UploadOptionsSchema, location="form")
    @blp.response(200, ReportSchema)
    def post(self, files: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        """Import an uploaded file (admin, multipart/form-data). Good rows land, refused rows are listed
        by row and column; the same file again changes nothing (`status: duplicate`)."""
        upload = files["file"]
        report = import_file(
            runtime(),
            ImportRequest(
                upload.read(), upload.filename or "upload.xlsx", mapping=options["mapping"],
                force=options["force"], actor=current_principal().actor,
            ),
        )
        return report.to_dict()

    @requires(blp, Role.ADMIN, Role.LEAD)
    @blp.response(200, RunSchema(many=True))
    def get(self) -> Any:
        """The import log, newest first (file, digest, counts, status)."""
        with runtime().read() as session:
            return runs.list_runs(session)


@blp.route("/<int:run_id>")
class ImportRun(MethodView):
    @requires(blp, Role.ADMIN, Role.LEAD)
    @blp.response(200, RunSchema)
    def get(self, run_id: int) -> Any:
        """One import run with its stored report (the first 1000 refused rows)."""
        with runtime().read() as session:
            return runs.get_run(session, run_id)
