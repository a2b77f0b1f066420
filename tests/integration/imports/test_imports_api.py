"""POST /api/v1/imports (admin, multipart) returns the import report; the import log is readable."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support import auth, user_token

URL = "/api/v1/imports"


def _upload(client: FlaskClient, token: str, path: Path, **form: str):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(path.read_bytes()), path.name), **form}
    return client.post(URL, data=data, headers=auth(token), content_type="multipart/form-data")


def test_admin_uploads_the_sample_and_gets_the_report(client: FlaskClient, session: Session, sample: Path) -> None:
    admin = user_token(session, "admin")
    response = _upload(client, admin, sample)  # 30 kB: above nothing, but the route allows PACKLINE_IMPORT_MAX_BYTES
    assert response.status_code == 200, response.json
    report = response.json
    assert (report["status"], report["orders_created"], report["rows_rejected"]) == ("completed", 60, 5)
    assert [(i["row"], i["column"]) for i in report["issues"]] == [(62, None), (63, "手机"), (64, "单号"), (65, "数量"), (66, "单号")]
    again = _upload(client, admin, sample).json
    assert again["status"] == "duplicate" and again["duplicate_of"] == report["run_id"]
    forced = _upload(client, admin, sample, force="true").json
    assert (forced["status"], forced["orders_unchanged"], forced["orders_created"]) == ("completed", 60, 0)
    runs = client.get(URL, headers=auth(user_token(session, "lead.hz"))).json
    assert [r["status"] for r in runs] == ["completed", "duplicate", "completed"]
    one = client.get(f"{URL}/{report['run_id']}", headers=auth(admin)).json
    assert one["digest"] == report["digest"] and one["orders_created"] == 60 and len(one["issues"]) == 5


def test_only_admins_upload_and_files_are_checked(client: FlaskClient, session: Session, sample: Path, tmp_path: Path) -> None:
    assert _upload(client, user_token(session, "lead.hz"), sample).status_code == 403
    admin = user_token(session, "admin")
    pdf = tmp_path / "orders.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    refused = _upload(client, admin, pdf)
    assert refused.status_code == 400 and refused.json["code"] == "IMPORT_UNSUPPORTED_FILE"
    assert _upload(client, admin, sample, mapping="nope").status_code == 422
    assert client.post(URL, data={}, headers=auth(admin), content_type="multipart/form-data").status_code == 422
    assert client.get(f"{URL}/999999", headers=auth(admin)).status_code == 404
