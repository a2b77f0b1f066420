"""Labels over HTTP: station printers, print / reprint / status, documents in every format (the PNG read
back with zxing-cpp), the slow-courier path, roles and warehouse scope."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session

from server import clock
from server.api.labels_routes import CONNECTORS_KEY
from server.orders.addresses import AddressInput, change_address
from server.orders.models import Order
from server.orders.transitions import apply_transition
from server.ports import RecordingJobQueue
from tests.integration.labels.conftest import RecordingCourier
from tests.support import GIFT_AMOUNT, GIFT_PROMOTION, auth, make_order, user_token

MEDIA = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml", "zpl": "application/x-zpl"}


class FakeConnectors:
    def __init__(self, courier: RecordingCourier) -> None:
        self.port = courier

    def courier(self, code: str = "ZTO") -> RecordingCourier:
        return self.port


@pytest.fixture
def courier(app: Flask) -> RecordingCourier:
    fake = RecordingCourier()
    app.extensions[CONNECTORS_KEY] = FakeConnectors(fake)
    return fake


@pytest.fixture
def packer(session: Session) -> dict[str, str]:
    return auth(user_token(session, "packer.hz1"), "en")


def picking(session: Session, **overrides: Any) -> Order:
    order = make_order(session, "paid", **overrides)
    apply_transition(session, order, "picking", actor="t", source_system="t", reason=None, now=clock.now())
    session.flush()
    return order


def print_body(station: str = "PK01", **extra: Any) -> dict[str, Any]:
    return {"station": station, "client_request_id": uuid.uuid4().hex, **extra}


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image, formats=[zxingcpp.BarcodeFormat.Code128])]


def test_print_then_every_format_downloads_with_its_media_type(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    r = client.post(f"/api/v1/orders/{order.order_number}/label/print", json=print_body(), headers=packer)
    assert r.status_code == 200, r.json
    body = r.json
    session.refresh(order)  # the request ran in its own session
    assert body["print_status"] == "printed" and body["label_version"] == 1 and body["count"] == 1
    assert body["tracking_number"] == order.tracking_number and body["routing_code"] == "300- H12 09"
    assert (
        body["document_url"] == f"/api/v1/orders/{order.order_number}/label?format=pdf&station=PK01&version=1"
    )
    assert client.get(body["document_url"], headers=packer).mimetype == "application/pdf"

    for fmt, media in MEDIA.items():
        doc = client.get(
            f"/api/v1/orders/{order.order_number}/label?format={fmt}&station=PK01", headers=packer
        )
        assert doc.status_code == 200 and doc.mimetype == media
        assert (
            doc.headers["Content-Disposition"] == f'inline; filename="label-{order.tracking_number}-v1.{fmt}"'
        )
        assert doc.headers["X-Label-Version"] == "1"
    png = client.get(f"/api/v1/orders/{order.order_number}/label?format=png&station=PK01", headers=packer)
    assert decode(png.data) == [order.tracking_number] * 2  # the main barcode and the stub's
    zpl = client.get(
        f"/api/v1/orders/{order.order_number}/label?format=zpl&station=PK04", headers=packer
    ).data
    assert zpl.startswith(b"^XA") and order.tracking_number.encode() in zpl
    assert client.get(
        f"/api/v1/orders/{order.order_number}/label?format=pdf&station=PK01", headers=packer
    ).data.startswith(b"%PDF")


def test_the_station_format_is_the_default_and_300_dpi_decodes_too(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    client.post(f"/api/v1/orders/{order.order_number}/label/print", json=print_body("PK03"), headers=packer)
    session.refresh(order)
    assert client.get(f"/api/v1/orders/{order.order_number}/label?station=PK04", headers=packer).mimetype == (
        "application/x-zpl"
    )
    png = client.get(f"/api/v1/orders/{order.order_number}/label?station=PK03&format=png", headers=packer)
    assert Image.open(io.BytesIO(png.data)).size == (898, 1535)  # 76 x 130 mm at 300 dpi
    assert decode(png.data) == [order.tracking_number] * 2


def test_the_label_shows_what_the_station_needs_and_masks_the_recipient(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session, promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
    client.post(f"/api/v1/orders/{order.order_number}/label/print", json=print_body(), headers=packer)
    svg = client.get(f"/api/v1/orders/{order.order_number}/label?format=svg&station=PK01", headers=packer)
    root = ET.fromstring(svg.data)
    texts = " | ".join(element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "138****5678" in texts and "13812345678" not in texts  # masked by the renderer
    assert "张*" in texts and "张三" not in texts
    for expected in (
        "300- H12 09",
        "杭州一号仓",
        "0571-88880001",
        order.order_number,
        "含赠品",
        "纯棉T恤",
        "v1",
    ):
        assert expected in texts, expected


def test_a_double_click_answers_duplicate(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    body = print_body()
    url = f"/api/v1/orders/{order.order_number}/label/print"
    first, second = client.post(url, json=body, headers=packer), client.post(url, json=body, headers=packer)
    assert (first.json["print_status"], second.json["print_status"]) == ("printed", "duplicate")
    assert first.json["tracking_number"] == second.json["tracking_number"]
    assert len(courier.requests) == 1
    other = client.post(url, json=print_body(), headers=packer)
    assert other.status_code == 409 and other.json["code"] == "LABEL_ALREADY_PRINTED"


def test_a_slow_courier_answers_202_and_enqueues_the_waybill_job(
    client: FlaskClient,
    session: Session,
    courier: RecordingCourier,
    packer: dict[str, str],
    jobs: RecordingJobQueue,
) -> None:
    order = picking(session)
    courier.script = ["timeout"]
    r = client.post(f"/api/v1/orders/{order.order_number}/label/print", json=print_body(), headers=packer)
    assert r.status_code == 202
    assert r.json["print_status"] == "waybill_pending" and r.json["tracking_number"] is None
    assert r.json["document_url"] is None
    number = order.order_number
    assert jobs.jobs == [
        ("workers.jobs.labels.request_waybill_job", (number, 1), "labels", f"waybill:{number}:L1")
    ]
    status = client.get(f"/api/v1/orders/{number}/label/status", headers=packer).json
    assert status["label"]["waybill_status"] == "pending" and status["label"]["printed"] is False


def test_a_refusing_courier_is_a_502_with_its_reason(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    courier.script = ["reject"]
    r = client.post(f"/api/v1/orders/{order.order_number}/label/print", json=print_body(), headers=packer)
    assert r.status_code == 502 and r.json["code"] == "WAYBILL_REFUSED"
    assert "receiverAddress" in r.json["message"]
    status = client.get(f"/api/v1/orders/{order.order_number}/label/status", headers=packer).json
    assert status["label"]["waybill_status"] == "failed"  # the attempt was kept


def test_reprint_is_audited_and_needs_a_reason(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    number = order.order_number
    client.post(f"/api/v1/orders/{number}/label/print", json=print_body(), headers=packer)
    session.refresh(order)
    missing = client.post(f"/api/v1/orders/{number}/label/reprint", json={"station": "PK02"}, headers=packer)
    assert missing.status_code == 422 and "reason" in missing.json["details"]["fields"]
    r = client.post(
        f"/api/v1/orders/{number}/label/reprint", json={"station": "PK02", "reason": "torn"}, headers=packer
    )
    assert r.status_code == 200 and (r.json["print_status"], r.json["count"]) == ("reprinted", 2)
    status = client.get(f"/api/v1/orders/{number}/label/status", headers=packer)
    assert status.status_code == 200
    assert status.json["status"] == "printed" and status.json["holds"] == []
    label = status.json["label"]
    assert (
        label["version"],
        label["tracking_number"],
        label["printed"],
        label["station"],
        label["print_count"],
    ) == (
        1,
        order.tracking_number,
        True,
        "PK02",
        2,
    )


@pytest.mark.parametrize(("locale", "text"), [("zh-CN", "没有配置打印机"), ("en", "has no printer set up")])
def test_picking_a_station_without_printer_is_409(
    client: FlaskClient, session: Session, locale: str, text: str
) -> None:
    headers = auth(user_token(session, "packer.hz1"), locale)
    r = client.get("/api/v1/stations/PK99/printer", headers=headers)
    assert r.status_code == 409 and r.json["code"] == "NO_PRINTER_PROFILE"
    assert text in r.json["message"] and r.json["details"]["station"] == "PK99"


def test_station_printer_profile_and_pdf_fallback(client: FlaskClient, packer: dict[str, str]) -> None:
    r = client.get("/api/v1/stations/PK04/printer", headers=packer)
    assert r.status_code == 200
    assert r.json == {
        "station": "PK04",
        "name": "打包台 4",
        "warehouse": "HZ01",
        "format": "zpl",
        "configured_format": "zpl",
        "fallback": False,
        "size": "76x130",
        "dpi": 203,
        "media_type": "application/x-zpl",
    }
    pdf = client.get("/api/v1/stations/PK04/printer?format=pdf", headers=packer).json
    assert (pdf["format"], pdf["fallback"], pdf["media_type"]) == ("pdf", True, "application/pdf")
    assert client.get("/api/v1/stations/NOPE/printer", headers=packer).status_code == 404


def test_admin_names_the_warehouse_of_a_station(client: FlaskClient, session: Session) -> None:
    admin = auth(user_token(session, "admin"))
    assert client.get("/api/v1/stations/PK01/printer", headers=admin).status_code == 400
    assert (
        client.get("/api/v1/stations/PK01/printer?warehouse=SH01", headers=admin).json["warehouse"] == "SH01"
    )


def test_print_at_a_station_without_printer_buys_nothing(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    r = client.post(
        f"/api/v1/orders/{order.order_number}/label/print", json=print_body("PK99"), headers=packer
    )
    assert r.status_code == 409 and r.json["code"] == "NO_PRINTER_PROFILE"
    assert courier.requests == []


def test_documents_before_a_waybill_and_for_a_void_version_are_409(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    number = order.order_number
    before = client.get(f"/api/v1/orders/{number}/label?station=PK01", headers=packer)
    assert before.status_code == 409 and before.json["code"] == "LABEL_NO_WAYBILL"
    client.post(f"/api/v1/orders/{number}/label/print", json=print_body(), headers=packer)
    stale = client.get(f"/api/v1/orders/{number}/label?station=PK01&version=2", headers=packer)
    assert stale.status_code == 409 and stale.json["code"] == "LABEL_VERSION_STALE"


def test_gift_slip(client: FlaskClient, session: Session, packer: dict[str, str]) -> None:
    gifted = picking(session, promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)
    r = client.get(f"/api/v1/orders/{gifted.order_number}/gift-slip?station=PK01&format=png", headers=packer)
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert decode(r.data) == [f"{gifted.order_number}GIFT"]
    plain = picking(session)
    r = client.get(f"/api/v1/orders/{plain.order_number}/gift-slip?station=PK01", headers=packer)
    assert r.status_code == 422 and r.json["code"] == "GIFT_SLIP_EMPTY"


def test_scanning_the_new_label_releases_the_address_hold(
    client: FlaskClient, session: Session, courier: RecordingCourier, packer: dict[str, str]
) -> None:
    order = picking(session)
    number = order.order_number
    client.post(f"/api/v1/orders/{number}/label/print", json=print_body(), headers=packer)
    session.refresh(order)
    old = order.tracking_number
    change_address(
        session,
        order,
        AddressInput(name="李四", phone="13900002222", detail="漕溪北路88弄", province="上海市"),
        actor="crm",
        source_system="crm",
        now=clock.now(),
    )
    session.flush()
    reprint = client.post(
        f"/api/v1/orders/{number}/label/reprint", json={"station": "PK01", "reason": "x"}, headers=packer
    )
    assert reprint.status_code == 409 and reprint.json["code"] == "LABEL_OUTDATED"
    printed = client.post(
        f"/api/v1/orders/{number}/label/print", json=print_body("PK02"), headers=packer
    ).json
    assert printed["label_version"] == 2 and printed["tracking_number"] != old
    url = f"/api/v1/orders/{number}/label/scan"
    stale = client.post(url, json={"station": "PK02", "code": old}, headers=packer).json
    assert stale == {"matches": False, "released": False, "holds": ["address_changed"]}
    fresh = client.post(
        url, json={"station": "PK02", "code": printed["tracking_number"]}, headers=packer
    ).json
    assert fresh == {"matches": True, "released": True, "holds": []}
    assert courier.cancelled == [old]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/label?station=PK01"),
        ("get", "/gift-slip?station=PK01"),
        ("get", "/label/status"),
        ("post", "/label/print"),
        ("post", "/label/reprint"),
        ("post", "/label/scan"),
    ],
)
def test_roles_and_warehouse_scope(client: FlaskClient, session: Session, method: str, path: str) -> None:
    order = picking(session)
    url = f"/api/v1/orders/{order.order_number}{path}"
    field = {"/label/reprint": "reason", "/label/scan": "code"}.get(path, "client_request_id")
    body = {"station": "PK01", field: "x"}

    def call(headers: dict[str, str]) -> Any:
        return getattr(client, method)(url, headers=headers, **({"json": body} if method == "post" else {}))

    assert call({}).status_code == 401
    for user in ("cs", "admin"):
        r = call(auth(user_token(session, user)))
        assert r.status_code == 403 and r.json["code"] == "FORBIDDEN"
    other = call(auth(user_token(session, "packer.sh1")))
    assert other.status_code == 403 and other.json["code"] == "WRONG_WAREHOUSE"


def test_a_courier_that_is_not_configured_is_503(
    client: FlaskClient, session: Session, packer: dict[str, str]
) -> None:
    order = picking(session)
    r = client.post(f"/api/v1/orders/{order.order_number}/label/print", json=print_body(), headers=packer)
    assert r.status_code == 503 and r.json["code"] == "COURIER_NOT_CONFIGURED"
    assert order.status == "picking"
