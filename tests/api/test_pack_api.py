"""The packing station over HTTP, as the PDA page uses it: scans only, retries, locks, languages, garbage."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.scanning.models import ScanEvent
from server.scanning.rules import Step
from tests.support import DEMO_BADGES, GIFT_AMOUNT, GIFT_PROMOTION, auth, make_order, user_token

TSHIRT, MUG = "6938012000012", "6938012000180"
ANSWER_KEYS = {"result", "code", "message", "severity", "sound", "step", "pack", "order", "remaining", "scan"}
CARD_KEYS = {
    "order_number",
    "status",
    "tracking_number",
    "ship_by",
    "seconds_left",
    "holds",
    "lines",
    "gift",
    "address",
}


class Pda:
    """A PDA logged in as one user at one station."""

    def __init__(
        self,
        client: FlaskClient,
        session: Session,
        username: str,
        station: str = "PK01",
        locale: str | None = None,
    ):
        self.client, self.station = client, station
        self.headers = auth(user_token(session, username), locale)

    def post(self, path: str, **body: Any) -> dict[str, Any]:
        body.setdefault("station", self.station)
        body.setdefault("client_scan_id", uuid.uuid4().hex)
        # json.dumps escapes lone surrogates (\ud800) the way a broken client would send them
        r = self.client.post(
            f"/api/v1/pack/{path}",
            data=json.dumps(body),
            headers={**self.headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.json
        return r.json  # type: ignore[no-any-return]

    def scan(self, code: object, **body: Any) -> dict[str, Any]:
        return self.post("scan", code=code, **body)

    def state(self) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/pack/state?station={self.station}", headers=self.headers)
        assert r.status_code == 200, r.json
        return r.json  # type: ignore[no-any-return]


def _gift_order(session: Session) -> Any:
    return make_order(session, "printed", promotions=(GIFT_PROMOTION,), paid_amount=GIFT_AMOUNT)


def test_full_pack_by_scans_only(client: FlaskClient, session: Session, publisher: Any) -> None:
    order = _gift_order(session)
    pda = Pda(client, session, "packer.hz1")
    steps = []
    for code in [
        order.order_number,
        TSHIRT,
        f"{TSHIRT}\r\n",
        MUG,
        f"{order.order_number}GIFT",
        order.tracking_number,
    ]:
        answer = pda.scan(code, device_id="PDA-7")
        assert answer["result"] == "ok", answer
        assert set(answer) >= ANSWER_KEYS
        steps.append((answer["code"], answer["step"]))
    assert steps == [
        ("ORDER_OPENED", Step.SCAN_ITEMS),
        ("ITEM_ACCEPTED", Step.SCAN_ITEMS),
        ("ITEM_ACCEPTED", Step.SCAN_ITEMS),
        ("ITEM_ACCEPTED", Step.SCAN_GIFT),
        ("GIFT_ACCEPTED", Step.CONFIRM),
        ("PACK_COMPLETED", Step.DONE),
    ]
    assert set(answer["order"]) >= CARD_KEYS and answer["order"]["status"] == "packed"
    assert answer["order"]["gift"]["status"] == "packed"
    detail = client.get(f"/api/v1/orders/{order.order_number}", headers=pda.headers).json
    assert detail["status"] == "packed" and detail["gift"]["status"] == "packed"
    assert pda.state()["step"] == Step.SCAN_ORDER
    progress = [e for e in publisher.events if e.name == "pack_progress"]
    assert len(progress) == 6 and progress[-1].payload["step"] == Step.DONE
    assert "order_updated" in [e.name for e in publisher.events]


def test_idempotent_retry(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed")
    pda = Pda(client, session, "packer.hz1")
    pda.scan(order.order_number)
    first = pda.scan(TSHIRT, client_scan_id="pda7-000042")
    again = pda.scan(TSHIRT, client_scan_id="pda7-000042")
    assert again == {**first, "replayed": True}
    assert session.scalar(select(func.count()).where(ScanEvent.client_scan_id == "pda7-000042")) == 1
    assert pda.state()["order"]["lines"][0]["scanned"] == 1


def test_station_lock_between_two_packers(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed")
    one = Pda(client, session, "packer.hz1", "PK01")
    two = Pda(client, session, "packer.hz2", "PK02", locale="en")
    assert one.scan(order.order_number)["code"] == "ORDER_OPENED"
    locked = two.scan(order.order_number)
    assert locked["result"] == "rejected" and locked["code"] == "ORDER_LOCKED"
    assert locked["details"]["packer"] == "李打包" and locked["details"]["station"] == "PK01"
    assert locked["message"] == "This order is being packed at PK01 by 李打包"
    forbidden = client.post(f"/api/v1/pack/locks/{order.order_number}/release", headers=two.headers)
    assert forbidden.status_code == 403
    lead = auth(user_token(session, "lead.hz"))
    released = client.post(f"/api/v1/pack/locks/{order.order_number}/release", headers=lead)
    assert released.status_code == 200 and released.json["code"] == "LOCK_RELEASED"
    assert two.scan(order.order_number)["code"] == "ORDER_OPENED"
    assert one.scan(TSHIRT)["code"] == "NO_OPEN_PACK"


@pytest.mark.parametrize(
    ("locale", "opened", "unknown"),
    [
        (None, "开始打包 {n},请扫描商品", "无法识别的条码 XYZ-404"),
        ("zh-CN", "开始打包 {n},请扫描商品", "无法识别的条码 XYZ-404"),
        ("en-US,en;q=0.9", "Packing {n}: scan the items", "Unknown code XYZ-404"),
    ],
)
def test_messages_follow_accept_language(
    client: FlaskClient, session: Session, locale: str | None, opened: str, unknown: str
) -> None:
    order = make_order(session, "printed")
    pda = Pda(client, session, "packer.hz1", locale=locale)
    assert pda.scan(order.order_number)["message"] == opened.format(n=order.order_number)
    assert pda.scan("xyz-404")["message"] == unknown


def test_complete_undo_abandon_and_override_endpoints(client: FlaskClient, session: Session) -> None:
    order = _gift_order(session)
    pda = Pda(client, session, "packer.hz1", locale="en")
    pda.scan(order.order_number)
    for code in (TSHIRT, TSHIRT, MUG):
        pda.scan(code)
    assert pda.post("complete")["code"] == "GIFT_REQUIRED"
    assert pda.post("undo")["remaining"] == {"items": 1, "gift": True}
    pda.scan(MUG)
    refused = pda.post("gift-override", lead_badge=DEMO_BADGES["packer.hz2"], reason="out of stock")
    assert refused["code"] == "NOT_A_LEAD"
    done = pda.post("gift-override", lead_badge=DEMO_BADGES["lead.hz"], reason="out of stock")
    assert done["code"] == "GIFT_OVERRIDDEN" and done["order"]["gift"]["status"] == "to_reship"
    other = make_order(session, "printed")
    pda.scan(other.order_number)
    abandoned = pda.post("abandon", reason="box damaged")
    assert abandoned["code"] == "PACK_ABANDONED" and abandoned["step"] == Step.SCAN_ORDER


def test_scans_list(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed")
    pda = Pda(client, session, "packer.hz1")
    pda.scan(order.order_number, client_scan_id="list-1", device_id="PDA-7")
    pda.scan("6938012000258")  # not in the order
    pda.scan(TSHIRT)
    pda.post("undo")
    for user in ("packer.hz1", "lead.hz", "cs", "admin"):
        r = client.get(f"/api/v1/orders/{order.order_number}/scans", headers=auth(user_token(session, user)))
        assert r.status_code == 200, user
    scans = r.json["scans"]
    assert [(s["kind"], s["code"]) for s in scans] == [
        ("scan", "ORDER_OPENED"),
        ("scan", "ITEM_NOT_IN_ORDER"),
        ("scan", "ITEM_ACCEPTED"),
        ("undo", "SCAN_UNDONE"),
    ]
    first = scans[0]
    assert (
        first["client_scan_id"] == "list-1"
        and first["device_id"] == "PDA-7"
        and first["user"] == "packer.hz1"
    )
    assert first["station"] == "PK01" and first["matched"] == "order" and first["raw"] == order.order_number
    assert scans[2]["undone_at"] is not None
    sh = client.get(
        f"/api/v1/orders/{order.order_number}/scans", headers=auth(user_token(session, "lead.sh"))
    )
    assert sh.status_code == 403
    missing = client.get("/api/v1/orders/NOPE-1/scans", headers=pda.headers)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "code",
    [
        "B" * 10_000,
        None,
        42,
        4.2,
        True,
        ["x"],
        {"a": 1},
        "",
        "\x00\x00",
        "\ud800",
        "🙂🙂",
        "'; DROP TABLE orders;--",
    ],
)
def test_garbage_code_is_an_answer_never_a_500(client: FlaskClient, session: Session, code: object) -> None:
    pda = Pda(client, session, "packer.hz1")
    answer = pda.scan(code, client_scan_id=f"garbage-{uuid.uuid4().hex[:8]}")
    assert answer["result"] == "rejected" and answer["code"] in ("INVALID_INPUT", "UNKNOWN_CODE")
    event = session.get(ScanEvent, answer["scan"]["id"])
    assert event is not None and event.code == answer["code"]


@pytest.mark.parametrize(
    "body",
    [
        {"station": "PK01", "code": "X"},  # no client_scan_id
        {"station": "PK01", "code": "X", "client_scan_id": "a" * 65},
        {"station": "PK01", "code": "X", "client_scan_id": "bad id\n"},
        {"station": "PK\x0001", "code": "X", "client_scan_id": "s1"},
        {"station": "P" * 5000, "code": "X", "client_scan_id": "s2"},
        {"code": "X", "client_scan_id": "s3"},
        {"station": "PK01", "client_scan_id": "s4"},
        {"station": "PK01", "code": "X", "client_scan_id": "s5", "device_id": "\x00"},
        [],
        "just a string",
    ],
)
def test_malformed_requests_are_4xx_never_5xx(client: FlaskClient, session: Session, body: object) -> None:
    headers = auth(user_token(session, "packer.hz1"))
    r = client.post("/api/v1/pack/scan", json=body, headers=headers)
    assert 400 <= r.status_code < 500 and r.json["code"] == "INVALID_INPUT"


def test_other_malformed_inputs(client: FlaskClient, session: Session) -> None:
    headers = auth(user_token(session, "packer.hz1"))
    assert client.post("/api/v1/pack/scan", data=b"\xff\xfe", headers=headers).status_code < 500
    assert (
        client.post(
            "/api/v1/pack/scan", data="{", headers={**headers, "Content-Type": "application/json"}
        ).status_code
        < 500
    )
    assert client.get("/api/v1/pack/state", headers=headers).status_code == 422
    assert client.get("/api/v1/pack/state?station=%00", headers=headers).status_code == 422
    assert client.get("/api/v1/orders/%00%01/scans", headers=headers).status_code == 404
    lead = auth(user_token(session, "lead.hz"))
    assert client.post("/api/v1/pack/locks/%00/release", headers=lead).status_code == 404
    override = {"station": "PK01", "client_scan_id": "o1", "lead_badge": "\ud800\x00", "reason": "\x00"}
    r = client.post(
        "/api/v1/pack/gift-override",
        data=json.dumps(override),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 200 and r.json["code"] == "NO_OPEN_PACK"


def test_roles_and_tokens(client: FlaskClient, session: Session) -> None:
    body = {"station": "PK01", "code": "X", "client_scan_id": "r1"}
    assert client.post("/api/v1/pack/scan", json=body).status_code == 401
    for user in ("cs", "admin"):
        r = client.post("/api/v1/pack/scan", json=body, headers=auth(user_token(session, user)))
        assert r.status_code == 403
    assert client.get("/api/v1/stations", headers=auth(user_token(session, "cs"))).status_code == 403


def test_stations_of_my_warehouse(client: FlaskClient, session: Session) -> None:
    r = client.get("/api/v1/stations", headers=auth(user_token(session, "packer.hz1")))
    assert r.status_code == 200
    by_code = {s["code"]: s for s in r.json}
    assert set(by_code) == {"PK01", "PK02", "PK03", "PK04", "PK99", "DOCK1"}
    assert {s["warehouse"] for s in r.json} == {"HZ01"}
    assert by_code["PK04"]["printer"] == {"format": "zpl", "size": "76x130", "dpi": 203}
    assert by_code["PK99"]["printer"] is None and by_code["DOCK1"]["kind"] == "dock"


def test_state_of_an_unknown_station(client: FlaskClient, session: Session) -> None:
    answer = Pda(client, session, "packer.hz1", "PK42").state()
    assert answer["result"] == "rejected" and answer["code"] == "STATION_UNKNOWN"


def test_openapi_documents_the_contract(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    for path in [
        "/api/v1/stations",
        "/api/v1/pack/scan",
        "/api/v1/pack/complete",
        "/api/v1/pack/undo",
        "/api/v1/pack/abandon",
        "/api/v1/pack/gift-override",
        "/api/v1/pack/state",
        "/api/v1/pack/locks/{order_number}/release",
        "/api/v1/orders/{order_number}/scans",
    ]:
        assert path in spec["paths"], path
    answer = spec["components"]["schemas"]["ScanAnswer"]["properties"]
    assert set(answer) >= ANSWER_KEYS
    assert answer["step"]["enum"] == ["scan_order", "scan_items", "scan_gift", "confirm", "done"]
    scan = spec["paths"]["/api/v1/pack/scan"]["post"]
    assert {"401", "403", "200"} <= set(scan["responses"])
