"""Packages and the dock over HTTP, as a PDA uses them: pack in two boxes (new-box is a ScanAnswer),
weigh and a lead's acceptance, a batch per courier with ScanAnswer-style answers, the close, and the
manifest (the CSV lists exactly the batch's parcels; the PDF has one page per N parcels and carries
their tracking numbers)."""

from __future__ import annotations

import csv
import io
import math
import uuid
from typing import Any

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server.api.labels_routes import CONNECTORS_KEY
from server.orders.transitions import apply_transition
from server.ports import RecordingJobQueue
from tests.support import DEMO_BADGES, FakeCourier, auth, make_order, user_token

TSHIRT, MUG = "6938012000012", "6938012000180"
ROWS_PER_PAGE = 2


class FakeConnectors:
    def __init__(self) -> None:
        self.port = FakeCourier()

    def courier(self, code: str = "ZTO") -> FakeCourier:
        return self.port


@pytest.fixture
def app(runtime: Any) -> Flask:
    from server.app import create_app

    runtime.settings = runtime.settings.with_(manifest_rows_per_page=ROWS_PER_PAGE)
    flask_app = create_app(runtime=runtime)
    flask_app.extensions[CONNECTORS_KEY] = FakeConnectors()
    return flask_app


class Hand:
    def __init__(self, client: FlaskClient, session: Session, username: str, locale: str | None = None):
        self.client, self.headers = client, auth(user_token(session, username), locale)

    def post(self, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        r = self.client.post(f"/api/v1{path}", json=body or {}, headers=self.headers)
        assert r.status_code == status, (path, r.status_code, r.json)
        return r.json

    def get(self, path: str, status: int = 200) -> Any:
        r = self.client.get(f"/api/v1{path}", headers=self.headers)
        assert r.status_code == status, (path, r.status_code, r.json)
        return r

    def pack(self, code: str, station: str = "PK01", **extra: Any) -> dict[str, Any]:
        return self.post(
            "/pack/scan", {"station": station, "code": code, "client_scan_id": uuid.uuid4().hex, **extra}
        )

    def new_box(self, station: str = "PK01") -> dict[str, Any]:
        return self.post("/pack/new-box", {"station": station, "client_scan_id": uuid.uuid4().hex})


def _packed(hand: Hand, session: Session, *boxes: list[str]) -> Any:
    order = make_order(session, "printed")
    hand.pack(order.order_number)
    for n, box in enumerate(boxes):
        if n:
            hand.new_box()
        for code in box:
            hand.pack(code)
    assert hand.pack(order.order_number)["code"] == "PACK_COMPLETED"
    return order


def test_split_pack_weigh_hand_over_and_manifest(
    client: FlaskClient, session: Session, app: Flask, jobs: RecordingJobQueue
) -> None:
    packer = Hand(client, session, "packer.hz1")
    order = make_order(session, "printed")
    packer.pack(order.order_number)
    packer.pack(TSHIRT)
    packer.pack(TSHIRT)
    box = packer.new_box()
    assert {"result", "code", "message", "severity", "sound", "step", "order", "remaining"} <= set(box)
    assert (box["code"], box["severity"], box["sound"], box["step"], box["details"]["box"]) == (
        "BOX_CLOSED",
        "success",
        "success",
        "scan_items",
        1,
    )
    assert box["message"] == "第 1 箱已封箱(2 件),请把商品装入第 2 箱"
    empty = packer.new_box()
    assert (empty["result"], empty["code"], empty["severity"]) == ("rejected", "BOX_EMPTY", "warning")
    packer.pack(MUG)
    assert packer.pack(order.order_number)["code"] == "PACK_COMPLETED"

    view = packer.get(f"/orders/{order.order_number}/packages").json
    assert view["shipment_state"] == "packed" and [p["package_no"] for p in view["packages"]] == [1, 2]
    first, second = view["packages"]
    assert first["tracking_number"] == order.tracking_number and second["tracking_number"] is None
    second = packer.post(f"/packages/{second['id']}/waybill")
    assert second["tracking_number"] and second["waybill_status"] == "issued"
    assert list(app.extensions[CONNECTORS_KEY].port.issued) == [f"{order.order_number}-P2-L1"]

    weighed = packer.post(f"/packages/{first['id']}/weight", {"grams": 990, "source": "scale"})
    assert (weighed["result"], weighed["code"], weighed["severity"]) == (
        "mismatch",
        "WEIGHT_MISMATCH",
        "warning",
    )
    assert weighed["details"] == {"grams": 990, "expected": 500, "tolerance": 50, "difference": 490}
    lead = Hand(client, session, "lead.hz", "en")
    accepted = lead.post(f"/packages/{first['id']}/weight/accept", {"reason": "double-walled box"})
    assert accepted["code"] == "WEIGHT_ACCEPTED" and accepted["package"]["weight_check"] == "accepted"
    assert accepted["message"] == "Lead 王组长 (lead.hz) accepted the weight of 990 g: double-walled box"
    packer.post(f"/packages/{second['id']}/weight", {"grams": 400, "source": "manual"})

    third = _packed(packer, session, [TSHIRT, TSHIRT, MUG])
    couriers = packer.get("/handover/couriers?station=DOCK1").json
    assert {"code": "ZTO", "name": "中通快递", "waiting": 3} in couriers
    batch = packer.post("/handover/batches", {"station": "DOCK1", "courier": "ZTO"}, status=201)
    assert (
        packer.post("/handover/batches", {"station": "DOCK1", "courier": "zto"}, status=200)["id"]
        == batch["id"]
    )
    for tracking in (order.tracking_number, second["tracking_number"], third.tracking_number):
        answer = packer.post(
            f"/handover/batches/{batch['id']}/scan", {"code": tracking, "client_scan_id": uuid.uuid4().hex}
        )
        assert (answer["result"], answer["code"], answer["severity"], answer["sound"]) == (
            "ok",
            "PARCEL_ADDED",
            "success",
            "success",
        )
    assert answer["batch"]["counts"] == {"scanned": 3, "intercepted": 0, "weight_g": 1390}
    closed = packer.post(f"/handover/batches/{batch['id']}/close")
    assert (
        sorted(closed["shipped"]) == sorted([order.order_number, third.order_number])
        and closed["status"] == "closed"
    )
    assert closed["manifest"]["pdf"] == f"/api/v1/handover/batches/{batch['id']}/manifest.pdf"
    confirm_jobs = [j for j in jobs.jobs if j[0].endswith("confirm_package_shipment")]
    assert len(confirm_jobs) == 3 and {j[2] for j in confirm_jobs} == {"sync"}

    lines = packer.get(f"/handover/batches/{batch['id']}/manifest").json
    expected = [order.tracking_number, second["tracking_number"], third.tracking_number]
    assert [line["tracking_number"] for line in lines["lines"]] == expected
    assert lines["pages"] == [expected[:2], expected[2:]] and lines["total_weight_g"] == 1390

    response = packer.get(f"/handover/batches/{batch['id']}/manifest.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["batch", "courier", "warehouse", "station", "closed_at"] and rows[1][:4] == [
        closed["number"],
        "ZTO",
        "HZ01",
        "DOCK1",
    ]
    assert rows[2] == ["no", "tracking_number", "order_number", "package", "weight_g", "gift"]
    parcels = rows[3:-1]
    assert [(r[1], r[2], r[3], r[4]) for r in parcels] == [
        (order.tracking_number, order.order_number, "1/2", "990"),
        (second["tracking_number"], order.order_number, "2/2", "400"),
        (third.tracking_number, third.order_number, "1/1", ""),
    ]
    assert rows[-1][:2] == ["total", "3"] and rows[-1][4] == "1390"

    pdf = packer.get(f"/handover/batches/{batch['id']}/manifest.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(pdf.data)
    assert len(doc) == math.ceil(3 / ROWS_PER_PAGE)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    for page_text, page_lines in zip(texts, lines["pages"], strict=True):
        assert all(t in page_text for t in page_lines)
        assert closed["number"] in page_text
    assert "total 3" in texts[-1] and "total" not in texts[0]


def test_an_intercepted_parcel_is_a_loud_answer_and_the_void_job_is_queued(
    client: FlaskClient, session: Session, jobs: RecordingJobQueue
) -> None:
    packer = Hand(client, session, "packer.hz1", "en")
    order = _packed(packer, session, [TSHIRT, TSHIRT, MUG])
    session.refresh(order)  # packed over HTTP meanwhile
    apply_transition(
        session, order, "refunded", actor="taobao", source_system="taobao", reason=None, now=order.created_at
    )
    batch = packer.post("/handover/batches", {"station": "DOCK1", "courier": "ZTO"}, status=201)
    scan = {"code": order.tracking_number, "client_scan_id": "dock-scan-1"}
    answer = packer.post(f"/handover/batches/{batch['id']}/scan", scan)
    assert (answer["result"], answer["code"], answer["severity"], answer["sound"], answer["intercepted"]) == (
        "rejected",
        "ORDER_ON_HOLD",
        "error",
        "error",
        True,
    )
    assert answer["message"].startswith(f"STOP! Order {order.order_number} (refunded)")
    assert packer.post(f"/handover/batches/{batch['id']}/scan", scan)["replayed"] is True
    assert [j[0].rsplit(".", 1)[1] for j in jobs.jobs] == [
        "void_intercepted_labels_job"
    ]  # the replay queued nothing
    detail = packer.get(f"/handover/batches/{batch['id']}").json
    assert (
        detail["counts"]["intercepted"] == 1
        and detail["interceptions"][0]["order_number"] == order.order_number
    )
    r = client.post(f"/api/v1/handover/batches/{batch['id']}/close", headers=packer.headers)
    assert r.status_code == 409 and r.json["code"] == "BATCH_EMPTY"


def test_roles_and_warehouses(client: FlaskClient, session: Session) -> None:
    packer = Hand(client, session, "packer.hz1")
    batch = packer.post("/handover/batches", {"station": "DOCK1", "courier": "ZTO"}, status=201)
    sh = Hand(client, session, "packer.sh1")
    assert sh.get(f"/handover/batches/{batch['id']}", status=403).json["code"] == "WRONG_WAREHOUSE"
    cs = Hand(client, session, "cs")
    cs.get(f"/handover/batches/{batch['id']}", status=403)
    assert (
        packer.post("/handover/batches", {"station": "PK01", "courier": "ZTO"}, status=400)["code"]
        == "NOT_A_DOCK"
    )
    bad = client.post(
        "/api/v1/handover/batches", json={"station": "DOCK1", "courier": "Z T O"}, headers=packer.headers
    )
    assert bad.status_code == 422 and bad.json["code"] == "INVALID_INPUT"
    order = _packed(packer, session, [TSHIRT, TSHIRT, MUG])
    package_id = packer.get(f"/orders/{order.order_number}/packages").json["packages"][0]["id"]
    assert (
        sh.post(f"/packages/{package_id}/weight", {"grams": 10, "source": "scale"}, status=403)["code"]
        == "WRONG_WAREHOUSE"
    )
    packer.post(f"/packages/{package_id}/weight", {"grams": 5000, "source": "scale"})
    refused = packer.post(f"/packages/{package_id}/weight/accept", {"reason": "x"}, status=403)
    assert refused["code"] == "DOCK_NOT_A_LEAD"
    ok = packer.post(
        f"/packages/{package_id}/weight/accept", {"reason": "x", "lead_badge": DEMO_BADGES["lead.hz"]}
    )
    assert ok["package"]["weight_check"] == "accepted"
