"""GET /api/v1/live/<warehouse>: the lead screen's whole state, warehouse-scoped, on real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server import clock
from server.alerts.services import acknowledge_alert, raise_alert, resolve_alert
from server.orders.transitions import apply_transition
from tests.support import auth, make_order, user_token


def test_board_panels(client: FlaskClient, session: Session) -> None:
    now = clock.now()
    overdue = [make_order(session, "picking", ship_by=now - timedelta(minutes=30 + i)) for i in range(11)]
    worst = make_order(session, "printed", ship_by=now - timedelta(hours=5))
    make_order(session, "paid", ship_by=now - timedelta(hours=9))  # overdue but not picking/printed
    make_order(session, "picking", ship_by=now + timedelta(minutes=30))  # yellow
    make_order(session, "picking", ship_by=now + timedelta(hours=30))  # green
    make_order(session, "picking", ship_by=now - timedelta(hours=9), warehouse_code="SH01")  # other warehouse
    stuck = make_order(session, "printed", ship_by=now + timedelta(hours=30))
    stuck.tracking_number = None
    stuck.printed_at = now - timedelta(hours=3)
    fresh = make_order(session, "printed", ship_by=now + timedelta(hours=30))
    fresh.tracking_number = None
    fresh.printed_at = now - timedelta(minutes=20)
    session.flush()

    r = client.get("/api/v1/live/HZ01", headers=auth(user_token(session, "lead.hz")))
    assert r.status_code == 200, r.json
    assert r.headers["Cache-Control"] == "no-store"
    board = r.json
    assert board["v"] == 1 and board["warehouse"] == "HZ01" and board["server_time"]
    picking = board["counts"]["picking"]
    assert (picking["red"], picking["yellow"], picking["green"], picking["total"]) == (11, 1, 1, 13)
    assert board["counts"]["paid"]["red"] == 1
    assert board["totals"]["red"] == 13
    top = board["overdue_top"]
    assert len(top) == 10
    assert top[0]["order_number"] == worst.order_number and top[0]["overdue_seconds"] >= 5 * 3600 - 5
    assert {o["status"] for o in top} <= {"picking", "printed"}
    assert [o["overdue_seconds"] for o in top] == sorted((o["overdue_seconds"] for o in top), reverse=True)
    # 12 overdue picking/printed orders: the least overdue one drops out of the top 10.
    assert overdue[0].order_number not in {o["order_number"] for o in top}
    assert [o["order_number"] for o in board["printed_no_tracking"]] == [stuck.order_number]
    assert board["printed_no_tracking"][0]["minutes_since_printed"] >= 179
    assert board["countdown"]["totals"] == board["totals"]
    assert board["countdown"]["orders"][0]["band"] == "red"


def test_packed_per_hour_per_packer_today(client: FlaskClient, session: Session) -> None:
    now = clock.now()
    tz = ZoneInfo("Asia/Shanghai")
    day_start, _ = clock.day_bounds(clock.local_day(now, tz), tz)
    at = max(now - timedelta(minutes=1), day_start)
    for actor in ("user:packer.hz1", "user:packer.hz1", "user:packer.hz2"):
        order = make_order(session, "printed")
        apply_transition(session, order, "packed", actor=actor, source_system="pda", reason=None, now=at)
    yesterday = make_order(session, "printed")
    apply_transition(
        session,
        yesterday,
        "packed",
        actor="user:packer.hz1",
        source_system="pda",
        reason=None,
        now=day_start - timedelta(minutes=1),
    )
    other = make_order(session, "printed", warehouse_code="SH01")
    apply_transition(
        session, other, "packed", actor="user:packer.sh1", source_system="pda", reason=None, now=at
    )

    pph = client.get("/api/v1/live/HZ01", headers=auth(user_token(session, "lead.hz"))).json[
        "packed_per_hour"
    ]
    hour = at.astimezone(tz).hour
    by_name = {p["actor"]: p for p in pph["packers"]}
    assert set(by_name) == {"user:packer.hz1", "user:packer.hz2"}
    assert by_name["user:packer.hz1"]["total"] == 2 and by_name["user:packer.hz1"]["by_hour"][hour] == 2
    assert by_name["user:packer.hz1"]["name"] == "李打包"  # display name from the users table
    assert len(by_name["user:packer.hz2"]["by_hour"]) == 24
    assert pph["total"] == 3 and pph["packers"][0]["actor"] == "user:packer.hz1"


def test_open_alerts_of_the_warehouse_unacknowledged_first(client: FlaskClient, session: Session) -> None:
    now = clock.now()
    order = make_order(session, "picking")

    def raise_one(key: str, warehouse: str | None, minutes_ago: int, order_id: int | None = None) -> int:
        return raise_alert(
            session,
            kind="sync_failing" if order_id is None else "overdue",
            severity="critical",
            warehouse_code=warehouse,
            order_id=order_id,
            dedupe_key=key,
            params={"source": "taobao", "minutes": 5},
            now=now - timedelta(minutes=minutes_ago),
        ).alert.id

    acked = raise_one("a", "HZ01", 1)
    mine = raise_one("b", None, 5, order.id)
    global_one = raise_one("c", None, 3)
    raise_one("d", "SH01", 2)
    resolved = raise_one("e", "HZ01", 4)
    acknowledge_alert(session, acked, actor="user:lead.hz", now=now)
    resolve_alert(session, resolved, actor="user:lead.hz", now=now)

    alerts = client.get("/api/v1/live/HZ01", headers=auth(user_token(session, "lead.hz"))).json["alerts"]
    assert [a["id"] for a in alerts] == [global_one, mine, acked]
    assert alerts[1]["order_number"] == order.order_number and alerts[1]["title"] and alerts[1]["title_en"]
    assert alerts[2]["acknowledged_at"] and alerts[2]["acknowledged_by"] == "user:lead.hz"


def test_scope_and_roles(client: FlaskClient, session: Session) -> None:
    assert client.get("/api/v1/live/HZ01").status_code == 401
    assert client.get("/api/v1/live/HZ01", headers=auth(user_token(session, "lead.sh"))).status_code == 403
    assert client.get("/api/v1/live/HZ01", headers=auth(user_token(session, "packer.hz1"))).status_code == 200
    for user in ("cs", "admin"):
        assert client.get("/api/v1/live/SH01", headers=auth(user_token(session, user))).status_code == 200
    r = client.get("/api/v1/live/XX99", headers=auth(user_token(session, "admin")))
    assert r.status_code == 404 and r.json["code"] == "NOT_FOUND"


def test_documented_in_openapi(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    assert "/api/v1/live/{warehouse}" in spec["paths"]
    assert "docs/realtime.md" in spec["info"]["description"]
