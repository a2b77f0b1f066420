"""The demo's registered PDAs: one per warehouse, with an enrolment code printed by `packline demo`, so a
visitor can register the browser they try /pda in (scan or type the code on the PDA's enrol screen).
Demo only: the codes are public, like the demo passwords."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import ApiToken
from server.accounts.roles import Role
from server.accounts.services import token_digest
from server.catalog.models import Warehouse

DEMO_PDAS = (("demo-pda-hz01", "HZ01"), ("demo-pda-sh01", "SH01"))


def enrolment_code(device_name: str) -> str:
    return f"pl_{device_name}-enrol"


def seed_demo_pdas(session: Session, now: datetime) -> None:
    """Idempotent: a demo PDA revoked while trying the lead screen stays revoked on the next start."""
    for name, warehouse in DEMO_PDAS:
        digest = token_digest(enrolment_code(name))
        if session.scalar(select(ApiToken.id).where(ApiToken.token_hash == digest)) is not None:
            continue
        warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse))
        if warehouse_id is None:
            continue
        session.add(
            ApiToken(
                token_hash=digest,
                kind="device",
                name=name,
                role=Role.PACKER,
                warehouse_id=warehouse_id,
                device_id=name,
                created_at=now,
            )
        )
    session.flush()


def enrolment_lines() -> list[str]:
    lines = ["PDA: badge login works on a registered PDA only. On /pda, register this browser once:"]
    lines += [f"  scan or type the enrolment code {enrolment_code(n):28} ({w})" for n, w in DEMO_PDAS]
    lines.append("  or tap 组长登记本机 (Lead: register this PDA) and sign in as lead.hz / lead-pass-2026")
    return lines
