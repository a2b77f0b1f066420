"""Users, password and badge login, hashed API tokens that expire and can be revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from server.accounts import messages
from server.accounts.models import ApiToken, LoginAttempt, User
from server.accounts.roles import PEOPLE, WAREHOUSE_BOUND, Role
from server.catalog.models import Warehouse
from server.errors import Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthorized

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("packline-dummy-password")


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from a token on every request."""

    token_id: int
    kind: str
    role: str
    name: str
    user_id: int | None
    warehouse_id: int | None
    warehouse_code: str | None
    device_id: str | None = None

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.name}"

    def can_access_warehouse(self, warehouse_id: int) -> bool:
        return self.warehouse_id is None or self.warehouse_id == warehouse_id

    @property
    def warehouse_scope(self) -> tuple[int, ...] | None:
        return None if self.warehouse_id is None else (self.warehouse_id,)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    principal: Principal
    expires_at: datetime | None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def badge_digest(badge: str) -> str:
    return hashlib.sha256(f"packline-badge:{badge.strip()}".encode()).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    badge: str | None = None,
    warehouse_code: str | None = None,
    now: datetime,
) -> User:
    if role not in PEOPLE:
        raise InvalidInput("INVALID_INPUT", field="role", allowed=sorted(PEOPLE))
    if len(password) < 8:
        raise InvalidInput("INVALID_INPUT", field="password", reason="at least 8 characters")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(messages.USER_EXISTS, username=username)
    warehouse_id = None
    if warehouse_code:
        warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
        if warehouse_id is None:
            raise InvalidInput("UNKNOWN_WAREHOUSE", warehouse=warehouse_code)
    if role in WAREHOUSE_BOUND and warehouse_id is None:
        raise InvalidInput(
            "INVALID_INPUT", field="warehouse", reason="packers and leads belong to a warehouse"
        )
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        badge_hash=badge_digest(badge) if badge else None,
        warehouse_id=warehouse_id,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def check_rate_limit(session: Session, key: str, *, limit: int, now: datetime) -> None:
    since = now - timedelta(minutes=1)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(hours=1)))
    failures = (
        session.scalar(select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at >= since)) or 0
    )
    if failures >= limit:
        raise TooManyRequests(messages.TOO_MANY_ATTEMPTS, retry_after=60)


def record_failure(session: Session, key: str, now: datetime) -> None:
    session.add(LoginAttempt(key=key, at=now))
    session.flush()


def login_with_password(session: Session, username: str, password: str) -> User:
    user = session.scalars(select(User).where(User.username == username, User.active.is_(True))).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise Unauthorized(messages.BAD_CREDENTIALS)
    return user


def login_with_badge(session: Session, badge: str) -> User:
    user = session.scalars(
        select(User).where(User.badge_hash == badge_digest(badge), User.active.is_(True))
    ).first()
    if user is None:
        raise Unauthorized(messages.UNKNOWN_BADGE)
    return user


def issue_user_token(
    session: Session, user: User, *, now: datetime, ttl: timedelta, device_id: str | None = None
) -> IssuedToken:
    return _issue(
        session,
        kind="user",
        name=user.username,
        role=user.role,
        user_id=user.id,
        warehouse_id=user.warehouse_id,
        device_id=device_id,
        now=now,
        expires_at=now + ttl,
    )


def issue_service_token(
    session: Session,
    *,
    kind: str,
    name: str,
    role: str,
    warehouse_code: str | None,
    now: datetime,
    ttl: timedelta | None,
) -> IssuedToken:
    """Device tokens (a PDA, bound to a warehouse) and integration tokens (a CRM, an ERP)."""
    if kind not in ("device", "integration"):
        raise InvalidInput("INVALID_INPUT", field="kind", allowed=["device", "integration"])
    warehouse_id = None
    if warehouse_code:
        warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
        if warehouse_id is None:
            raise InvalidInput("UNKNOWN_WAREHOUSE", warehouse=warehouse_code)
    if kind == "device" and warehouse_id is None:
        raise InvalidInput("INVALID_INPUT", field="warehouse", reason="a device belongs to a warehouse")
    return _issue(
        session,
        kind=kind,
        name=name,
        role=role,
        user_id=None,
        warehouse_id=warehouse_id,
        device_id=name if kind == "device" else None,
        now=now,
        expires_at=now + ttl if ttl else None,
    )


def _issue(
    session: Session,
    *,
    kind: str,
    name: str,
    role: str,
    user_id: int | None,
    warehouse_id: int | None,
    device_id: str | None,
    now: datetime,
    expires_at: datetime | None,
) -> IssuedToken:
    raw = f"pl_{secrets.token_urlsafe(32)}"
    row = ApiToken(
        token_hash=token_digest(raw),
        kind=kind,
        name=name,
        user_id=user_id,
        role=role,
        warehouse_id=warehouse_id,
        device_id=device_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    session.refresh(row)
    return IssuedToken(raw, _principal(row), expires_at)


def authenticate(session: Session, raw_token: str, *, now: datetime) -> Principal:
    """The caller behind a token, on every request: one query for the token's columns, its user's name
    and state and its warehouse's code (no ORM objects, this runs before every API call)."""
    row = session.execute(
        select(
            ApiToken.id,
            ApiToken.kind,
            ApiToken.role,
            ApiToken.name,
            ApiToken.user_id,
            ApiToken.warehouse_id,
            ApiToken.device_id,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            User.username,
            User.active,
            Warehouse.code,
        )
        .outerjoin(User, User.id == ApiToken.user_id)
        .outerjoin(Warehouse, Warehouse.id == ApiToken.warehouse_id)
        .where(ApiToken.token_hash == token_digest(raw_token))
    ).first()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise Unauthorized(messages.TOKEN_INVALID)
    if row.username is not None and not row.active:  # a token of a deactivated user
        raise Unauthorized(messages.TOKEN_INVALID)
    return Principal(
        token_id=row.id,
        kind=row.kind,
        role=row.role,
        name=row.username if row.username is not None else row.name,
        user_id=row.user_id,
        warehouse_id=row.warehouse_id,
        warehouse_code=row.code,
        device_id=row.device_id,
    )


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def revoke_token(session: Session, token_id: int, now: datetime) -> None:
    session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )


def revoke_device(
    session: Session, device_id: str, now: datetime, *, warehouse_id: int | None = None
) -> int:
    """A lost PDA: every token it holds, its own and the users' logged in on it, stops working.
    With `warehouse_id` (a lead) only a device registered to that warehouse may be revoked."""
    if warehouse_id is not None:
        elsewhere = session.scalar(
            select(Warehouse.code)
            .join(ApiToken, ApiToken.warehouse_id == Warehouse.id)
            .where(ApiToken.device_id == device_id, ApiToken.kind == "device", Warehouse.id != warehouse_id)
            .limit(1)
        )
        if elsewhere is not None:
            raise Forbidden(messages.WRONG_WAREHOUSE, warehouse=elsewhere)
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.device_id == device_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _principal(row: ApiToken) -> Principal:
    return Principal(
        token_id=row.id,
        kind=row.kind,
        role=row.role,
        name=row.user.username if row.user else row.name,
        user_id=row.user_id,
        warehouse_id=row.warehouse_id,
        warehouse_code=row.warehouse.code if row.warehouse else None,
        device_id=row.device_id,
    )


def is_role(principal: Principal, *roles: Role | str) -> bool:
    return principal.role in {str(r) for r in roles}
