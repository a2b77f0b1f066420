"""/api/v1/metrics over HTTP: the dashboard on the hand-computed data set, drill-down, scope, CSV, rollup."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server import clock
from tests.integration.metrics.dataset import EXPECTED, EXPECTED_17_BY_CHANNEL, NOW, seed
from tests.support import auth, user_token

RANGE = "start=2026-02-16&end=2026-02-18"


@pytest.fixture
def seeded(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    seed(session)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return session


def _get(client: FlaskClient, token: str, query: str, locale: str | None = None):  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/metrics/dashboard?{query}", headers=auth(token, locale))


def test_dashboard_per_day_equals_the_hand_computed_figures(client: FlaskClient, seeded: Session) -> None:
    r = _get(client, user_token(seeded, "admin"), RANGE)
    assert r.status_code == 200, r.json
    got = {d["day"]: {k: d[k] for k in EXPECTED["2026-02-17"]} for d in r.json["days"]}
    assert got == EXPECTED
    assert r.json["totals"]["rate"] == 0.5 and r.json["by"] == "channel" and r.json["by_label"] == "渠道"


def test_drill_down_and_filters(client: FlaskClient, seeded: Session) -> None:
    token = user_token(seeded, "admin")
    rows = _get(client, token, "start=2026-02-17&end=2026-02-17&by=channel").json["breakdown"]
    assert {r["key"]: {k: r[k] for k in ("due", "on_time", "late")} for r in rows} == EXPECTED_17_BY_CHANNEL
    en = _get(client, token, "start=2026-02-17&end=2026-02-17&by=channel", "en").json
    assert {r["key"]: r["label"] for r in en["breakdown"]}["pdd"] == "Pinduoduo"
    hours = _get(client, token, "start=2026-02-17&end=2026-02-17&by=paid_hour&warehouse=HZ01").json
    assert {r["key"] for r in hours["breakdown"]} == {"0", "9", "10", "12", "15", "23"}
    assert _get(client, token, f"{RANGE}&channel=pdd").json["totals"]["due"] == 1
    assert _get(client, token, f"{RANGE}&brand=DAB&by=brand").json["breakdown"][0]["key"] == "DAB"


def test_a_lead_sees_only_their_warehouse(client: FlaskClient, seeded: Session) -> None:
    lead_sh = user_token(seeded, "lead.sh")
    body = _get(client, lead_sh, "start=2026-02-17&end=2026-02-17&by=warehouse").json
    assert [r["key"] for r in body["breakdown"]] == ["SH01"]
    assert _get(client, lead_sh, f"{RANGE}&warehouse=HZ01").status_code == 403
    dims = client.get("/api/v1/metrics/dimensions", headers=auth(lead_sh)).json
    assert [w["code"] for w in dims["warehouses"]] == ["SH01"]


def test_roles(client: FlaskClient, seeded: Session) -> None:
    assert _get(client, user_token(seeded, "cs"), RANGE).status_code == 200
    assert _get(client, user_token(seeded, "packer.hz1"), RANGE).status_code == 403
    assert client.get(f"/api/v1/metrics/dashboard?{RANGE}").status_code == 401


def test_bad_ranges(client: FlaskClient, seeded: Session) -> None:
    token = user_token(seeded, "admin")
    backwards = _get(client, token, "start=2026-02-18&end=2026-02-16")
    assert backwards.status_code == 400 and backwards.json["code"] == "METRICS_BAD_RANGE"
    too_long = _get(client, token, "start=2024-01-01&end=2026-02-16", "en")
    assert too_long.json["code"] == "METRICS_RANGE_TOO_LONG" and "366" in too_long.json["message"]
    assert _get(client, token, "by=nonsense").status_code == 422


def test_csv_export(client: FlaskClient, seeded: Session) -> None:
    token = user_token(seeded, "admin")
    r = client.get(f"/api/v1/metrics/export.csv?{RANGE}", headers=auth(token))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(row["日期"], row["应发单量"], row["按时"], row["超时"], row["按时率"]) for row in rows] == [
        ("2026-02-16", "2", "1", "1", "0.5"),
        ("2026-02-17", "7", "3", "4", "0.4286"),
        ("2026-02-18", "4", "2", "1", "0.6667"),
    ]
    en = client.get(
        f"/api/v1/metrics/export.csv?{RANGE}&table=breakdown&by=channel", headers=auth(token, "en")
    )
    table = list(csv.reader(io.StringIO(en.data.decode("utf-8").lstrip("\ufeff"))))
    assert table[0] == [
        "channel",
        "label",
        "due",
        "on time",
        "late",
        "not yet due",
        "late, no tracking",
        "on-time rate",
    ]
    assert table[1][:6] == ["tmall", "Tmall", "11", "5", "5", "1"]  # I A N M O on time; J B E G L late; K


def test_rollup_endpoint_and_the_dashboard_reading_it(client: FlaskClient, seeded: Session) -> None:
    admin = user_token(seeded, "admin")
    r = client.post(
        "/api/v1/metrics/rollup", json={"start": "2026-02-16", "end": "2026-02-18"}, headers=auth(admin)
    )
    assert r.status_code == 200 and r.json["days"] == 9  # 3 days x (HZ01, SH01, global)
    body = _get(client, admin, RANGE).json
    assert all(not d["live"] for d in body["days"])
    assert {d["day"]: d["due"] for d in body["days"]} == {k: v["due"] for k, v in EXPECTED.items()}
    recent = client.post("/api/v1/metrics/rollup", json={}, headers=auth(admin))
    assert recent.status_code == 200 and recent.json["days"] == 9
    cs = user_token(seeded, "cs")
    assert client.post("/api/v1/metrics/rollup", json={}, headers=auth(cs)).status_code == 403


def test_dimensions_in_both_languages(client: FlaskClient, seeded: Session) -> None:
    admin = user_token(seeded, "admin")
    zh = client.get("/api/v1/metrics/dimensions", headers=auth(admin)).json
    assert {c["code"]: c["label"] for c in zh["channels"]}["tmall"] == "天猫"
    assert [b["key"] for b in zh["by"]] == ["day", "warehouse", "channel", "shop", "brand", "paid_hour"]
    en = client.get("/api/v1/metrics/dimensions", headers=auth(admin, "en")).json
    assert {b["key"]: b["label"] for b in en["by"]}["paid_hour"] == "hour of payment"
