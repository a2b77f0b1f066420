"""Registered PDAs. A device token (kind "device", bound to a warehouse) is what makes a handheld trusted
for badge login; the user sessions opened on it carry its device_id, so revoking the device ends them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import messages
from server.accounts.models import ApiToken, User
from server.accounts.services import token_digest
from server.errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Device:
    device_id: str
    warehouse_id: int
    warehouse_code: str


def registered_device(session: Session, raw_token: str | None, *, now: datetime) -> Device:
    """The PDA a login comes from; refused when it sent no device token or one that no longer works."""
    if not raw_token:
        raise Unauthorized(messages.BADGE_NEEDS_DEVICE)
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_digest(raw_token))).first()
    if (
        row is None
        or row.kind != "device"
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= now)
        or row.warehouse is None
        or not row.device_id
    ):
        raise Unauthorized(messages.DEVICE_NOT_REGISTERED)
    return Device(row.device_id, row.warehouse.id, row.warehouse.code)


def check_user_on_device(user: User, device: Device) -> None:
    """A PDA serves one warehouse: a badge of another warehouse (or of a user bound to none) is refused."""
    if user.warehouse_id != device.warehouse_id:
        raise Forbidden(messages.DEVICE_OF_OTHER_WAREHOUSE, warehouse=device.warehouse_code)
