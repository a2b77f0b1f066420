"""Registered PDAs for tests: a device token as an admin (or a lead on the floor) would issue it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server import clock
from server.accounts.roles import Role
from server.accounts.services import issue_service_token

DEVICE_HEADER = "X-Packline-Device-Token"


def register_pda(session: Session, name: str = "pda-hz-07", warehouse: str = "HZ01") -> str:
    """The device token of a PDA registered to `warehouse` (the caller commits)."""
    issued = issue_service_token(
        session,
        kind="device",
        name=name,
        role=Role.PACKER,
        warehouse_code=warehouse,
        now=clock.now(),
        ttl=None,
    )
    return issued.token


def on_pda(device_token: str, **headers: str) -> dict[str, str]:
    return {DEVICE_HEADER: device_token, **headers}
