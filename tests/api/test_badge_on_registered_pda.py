"""Badge login only on a registered PDA of the badge's warehouse; the session is bound to the PDA, so
revoking the PDA (lost, stolen) ends it. Password login keeps working everywhere."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.pda_devices import on_pda, register_pda
from tests.support import DEMO_BADGES, DEMO_PASSWORDS, auth, user_token

LOGIN = "/api/v1/auth/login"
PACKER_BADGE = DEMO_BADGES["packer.hz1"]


@pytest.fixture
def hz_pda(session: Session) -> str:
    token = register_pda(session, "pda-hz-07", "HZ01")
    session.commit()
    return token


def test_badge_on_a_registered_pda_of_the_same_warehouse(client: FlaskClient, hz_pda: str) -> None:
    r = client.post(
        LOGIN, json={"badge": PACKER_BADGE, "device_id": "claimed-by-client"}, headers=on_pda(hz_pda)
    )
    assert r.status_code == 200, r.json
    assert r.json["user"] == {
        "name": "packer.hz1",
        "role": "packer",
        "kind": "user",
        "warehouse": "HZ01",
        "device_id": "pda-hz-07",  # the token names the PDA, not the request body
    }
    assert client.get("/api/v1/auth/me", headers=auth(r.json["token"])).status_code == 200


@pytest.mark.parametrize(
    ("locale", "text"),
    [("zh-CN", "工牌登录只能在登记过的 PDA 上使用"), ("en", "Badge login works only on a registered PDA")],
)
def test_badge_without_a_device_token_is_refused(client: FlaskClient, locale: str, text: str) -> None:
    r = client.post(
        LOGIN, json={"badge": PACKER_BADGE, "device_id": "PDA-7"}, headers={"Accept-Language": locale}
    )
    assert r.status_code == 401
    assert r.json == {"code": "BADGE_NEEDS_DEVICE", "message": text, "details": {}}


def test_an_unknown_badge_and_a_known_one_look_alike_without_a_device(client: FlaskClient) -> None:
    # The device is checked first: a client that is no registered PDA cannot probe badges.
    codes = {client.post(LOGIN, json={"badge": b}).json["code"] for b in (PACKER_BADGE, "NO-SUCH-BADGE")}
    assert codes == {"BADGE_NEEDS_DEVICE"}


@pytest.mark.parametrize("kind", ["garbage", "user_token", "integration_token"])
def test_a_token_that_is_no_device_token_is_refused(client: FlaskClient, session: Session, kind: str) -> None:
    admin = user_token(session, "admin")
    session.commit()
    token = {
        "garbage": "pl_not-a-real-token",
        "user_token": user_token(session, "lead.hz"),
        "integration_token": client.post(
            "/api/v1/auth/tokens", json={"kind": "integration", "name": "crm"}, headers=auth(admin)
        ).json["token"],
    }[kind]
    session.commit()
    r = client.post(LOGIN, json={"badge": PACKER_BADGE}, headers=on_pda(token, **{"Accept-Language": "en"}))
    assert r.status_code == 401 and r.json["code"] == "DEVICE_NOT_REGISTERED"
    assert r.json["message"].startswith("This PDA is not registered")


def test_a_pda_of_another_warehouse_is_refused(client: FlaskClient, session: Session) -> None:
    sh_pda = register_pda(session, "pda-sh-01", "SH01")
    session.commit()
    r = client.post(LOGIN, json={"badge": PACKER_BADGE}, headers=on_pda(sh_pda))
    assert r.status_code == 403
    assert r.json["code"] == "DEVICE_OF_OTHER_WAREHOUSE" and r.json["details"] == {"warehouse": "SH01"}
    assert "SH01" in r.json["message"]
    sh = client.post(LOGIN, json={"badge": DEMO_BADGES["packer.sh1"]}, headers=on_pda(sh_pda))
    assert sh.status_code == 200 and sh.json["user"]["warehouse"] == "SH01"


def test_revoking_the_pda_refuses_it_and_ends_its_sessions(
    client: FlaskClient, session: Session, hz_pda: str
) -> None:
    packer = client.post(LOGIN, json={"badge": PACKER_BADGE}, headers=on_pda(hz_pda)).json["token"]
    lead_on_pda = client.post(
        LOGIN, json={"username": "lead.hz", "password": DEMO_PASSWORDS["lead.hz"]}, headers=on_pda(hz_pda)
    ).json
    assert lead_on_pda["user"]["device_id"] == "pda-hz-07"  # a password session on the PDA is bound too
    elsewhere = user_token(session, "packer.hz2")
    lead = user_token(session, "lead.hz")
    session.commit()
    assert client.get("/api/v1/stations", headers=auth(packer)).status_code == 200

    revoked = client.post("/api/v1/auth/devices/pda-hz-07/revoke", headers=auth(lead))
    assert revoked.status_code == 200 and revoked.json == {"revoked": 3}  # the PDA + two sessions on it

    for token in (packer, lead_on_pda["token"], hz_pda):
        r = client.get("/api/v1/stations", headers=auth(token))
        assert r.status_code == 401 and r.json["code"] == "TOKEN_INVALID"
    again = client.post(LOGIN, json={"badge": PACKER_BADGE}, headers=on_pda(hz_pda))
    assert again.status_code == 401 and again.json["code"] == "DEVICE_NOT_REGISTERED"
    assert client.get("/api/v1/stations", headers=auth(elsewhere)).status_code == 200  # other sessions live


def test_password_login_works_without_a_device_but_not_with_a_revoked_one(
    client: FlaskClient, session: Session, hz_pda: str
) -> None:
    creds = {"username": "packer.hz1", "password": DEMO_PASSWORDS["packer.hz1"]}
    assert client.post(LOGIN, json=creds).status_code == 200
    lead = user_token(session, "lead.hz")
    session.commit()
    client.post("/api/v1/auth/devices/pda-hz-07/revoke", headers=auth(lead))
    r = client.post(LOGIN, json=creds, headers=on_pda(hz_pda))
    assert r.status_code == 401 and r.json["code"] == "DEVICE_NOT_REGISTERED"


def test_a_lead_registers_a_pda_of_their_own_warehouse_only(client: FlaskClient, session: Session) -> None:
    lead = user_token(session, "lead.hz")
    session.commit()
    issued = client.post(
        "/api/v1/auth/tokens", json={"kind": "device", "name": "PDA-NEW1"}, headers=auth(lead)
    )
    assert issued.status_code == 201 and issued.json["user"]["warehouse"] == "HZ01"
    assert issued.json["user"]["kind"] == "device" and issued.json["user"]["device_id"] == "PDA-NEW1"
    r = client.post(LOGIN, json={"badge": PACKER_BADGE}, headers=on_pda(issued.json["token"]))
    assert r.status_code == 200

    other = client.post(
        "/api/v1/auth/tokens", json={"kind": "device", "name": "X", "warehouse": "SH01"}, headers=auth(lead)
    )
    assert other.status_code == 403 and other.json["code"] == "WRONG_WAREHOUSE"
    integration = client.post(
        "/api/v1/auth/tokens", json={"kind": "integration", "name": "X"}, headers=auth(lead)
    )
    assert integration.status_code == 403 and integration.json["code"] == "FORBIDDEN"


def test_a_lead_cannot_revoke_another_warehouses_pda(client: FlaskClient, session: Session) -> None:
    sh_pda = register_pda(session, "pda-sh-02", "SH01")
    lead = user_token(session, "lead.hz")
    session.commit()
    r = client.post("/api/v1/auth/devices/pda-sh-02/revoke", headers=auth(lead))
    assert r.status_code == 403 and r.json["code"] == "WRONG_WAREHOUSE"
    assert client.get("/api/v1/auth/me", headers=auth(sh_pda)).status_code == 200


def test_failed_device_logins_count_towards_the_rate_limit(client: FlaskClient, session: Session) -> None:
    from server.accounts.models import LoginAttempt

    client.post(LOGIN, json={"badge": PACKER_BADGE})
    assert session.query(LoginAttempt).filter(LoginAttempt.key.like("badge:%")).count() == 1
