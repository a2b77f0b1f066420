"""Typed settings read from PACKLINE_* environment variables; a bad value fails fast with a clear message."""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingsError(ValueError):
    """A PACKLINE_* variable has a value Packline cannot use."""


def _default_sqlite_url() -> str:
    instance = Path.cwd() / "instance"
    return f"sqlite:///{instance / 'packline.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_sqlite_url)
    redis_url: str | None = None
    secret_key: str = "packline-dev-secret-change-me"
    env: str = "development"
    timezone: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8000
    # Embedded mode (no Redis): `packline serve`/`demo` run the periodic jobs of workers/schedule.py
    # (platform syncs, watchdogs, digests, KPI rollup) on a thread; with Redis, `packline cron` does.
    periodic_jobs: bool = True
    token_ttl_hours: int = 12
    device_token_ttl_days: int = 365
    default_promised_ship_hours: int = 24
    pack_lock_seconds: int = 300
    countdown_interval_seconds: int = 30
    yellow_threshold_minutes: int = 120
    no_tracking_alert_minutes: int = 120
    socketio_async_mode: str = "threading"
    # Redis pub/sub channels are global to a Redis server (not per db number): one name per deployment.
    socketio_channel: str = "packline-socketio"
    # How often the realtime tier looks for orders that crossed yellow/red (the snapshot has its own interval).
    threshold_check_seconds: int = 5
    countdown_snapshot_limit: int = 100
    webhook_secrets: tuple[str, ...] = ()
    webhook_tolerance_seconds: int = 300
    import_dir: str | None = None
    import_at: str = "08:00"
    login_rate_limit_per_minute: int = 10
    max_body_bytes: int = 1_048_576
    log_json: bool = False
    # Outside systems: the path mirrors production, the base URL is configuration.
    taobao_base_url: str | None = None
    pdd_base_url: str | None = None
    jd_base_url: str | None = None
    kingdee_base_url: str | None = None
    wms_base_url: str | None = None
    courier_base_url: str | None = None
    dingtalk_base_url: str | None = None
    wecom_base_url: str | None = None
    # --- integration workers: connectors, sync windows, job retries ---
    http_connect_timeout_ms: int = 3000
    http_read_timeout_ms: int = 10000
    taobao_app_key: str | None = None
    taobao_app_secret: str | None = None
    taobao_sign_method: str = "md5"
    taobao_session: str | None = None
    pdd_client_id: str | None = None
    pdd_client_secret: str | None = None
    pdd_access_token: str | None = None
    # Per-shop seller tokens "shop=token"; a shop without one uses the platform-wide token above.
    shop_tokens: tuple[str, ...] = ()
    # Shops to pull, "platform:shop" or "platform:shop@warehouse" (e.g. "taobao:tmall-01@HZ01").
    sync_shops: tuple[str, ...] = ()
    sync_default_warehouse: str = "HZ01"
    sync_window_minutes: int = 30
    sync_overlap_seconds: int = 90
    sync_lag_seconds: int = 200
    sync_page_size: int = 50
    sync_initial_lookback_minutes: int = 180
    sync_page_attempts: int = 5
    sync_backoff_ms: int = 1000
    kingdee_acct_id: str | None = None
    kingdee_username: str | None = None
    kingdee_password: str | None = None
    kingdee_lcid: int = 2052
    kingdee_org_number: str = "100"
    wms_app_key: str | None = None
    wms_app_secret: str | None = None
    wms_customer_id: str | None = None
    zto_app_key: str | None = None
    zto_app_secret: str | None = None
    zto_account_id: str | None = None
    job_max_retries: int = 3
    job_retry_base_seconds: int = 30
    job_timeout_seconds: int = 900
    consistency_lookback_hours: int = 72
    # --- labels: how long a pack station waits for the courier before a job takes over ---
    label_waybill_budget_ms: int = 3000
    label_default_courier: str = "ZTO"
    consistency_settle_minutes: int = 15
    # --- alerts, robots, CRM webhook, daily import ---
    robot_digest_interval_seconds: int = 60
    webhook_max_body_bytes: int = 65_536
    webhook_delivery_keep_hours: int = 72
    import_max_bytes: int = 20_971_520
    import_mapping: str = "pos"
    import_batch_size: int = 500
    # --- CS desk and KPI ---
    # Delay compensation coupon amounts "HOURS_LATE:AMOUNT" (CNY), e.g. late < 24 h -> 5, >= 24 h -> 10.
    delay_coupon_rules: tuple[str, ...] = ("0:5", "24:10")
    metrics_max_range_days: int = 366
    # --- dock: packages, weighing, handover manifest ---
    package_allowance_g: int = 80  # packaging (box, filler, label) on top of the goods' weight
    weight_tolerance_g: int = 50  # a reading within max(grams, percent of expected) passes
    weight_tolerance_percent: int = 10
    manifest_rows_per_page: int = 25
    # The gift gate, holds and alerts. Off only for `bench/promo_day.py --baseline` (what enforcement
    # changes); refused in production, warned about loudly everywhere else.
    enforcement: bool = True

    @property
    def embedded(self) -> bool:
        """No Redis: jobs run in-process and Socket.IO lives in one process."""
        return not self.redis_url

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"PACKLINE_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, f.type, raw)
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        if not settings.enforcement:
            logging.getLogger("packline.config").warning(
                "PACKLINE_ENFORCEMENT=off: the gift gate, holds and alerts are DISABLED (benchmark baseline only)"
            )
        return settings

    def with_(self, **changes: object) -> Settings:
        updated = replace(self, **changes)  # type: ignore[arg-type]
        updated.validate()
        return updated

    def validate(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"PACKLINE_TIMEZONE={self.timezone!r} is not a known IANA time zone") from exc
        if not self.database_url.startswith(("sqlite:", "postgresql")):
            raise SettingsError(
                f"PACKLINE_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, got {self.database_url!r}"
            )
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(f"PACKLINE_REDIS_URL must start with redis://, got {self.redis_url!r}")
        if not 1 <= self.port <= 65535:
            raise SettingsError(f"PACKLINE_PORT must be 1–65535, got {self.port}")
        if self.socketio_async_mode not in ("threading", "gevent"):
            raise SettingsError(
                "PACKLINE_SOCKETIO_ASYNC_MODE must be 'threading' or 'gevent' (eventlet is not supported)"
            )
        hh, _, mm = self.import_at.partition(":")
        if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise SettingsError(f"PACKLINE_IMPORT_AT must be HH:MM, got {self.import_at!r}")
        _check_delay_coupon_rules(self.delay_coupon_rules)
        if self.metrics_max_range_days < 1:
            raise SettingsError(f"PACKLINE_METRICS_MAX_RANGE_DAYS must be at least 1, got {self.metrics_max_range_days}")
        if self.env == "production" and not self.enforcement:
            raise SettingsError("PACKLINE_ENFORCEMENT=off is a benchmark baseline switch and is refused in production")
        if self.env == "production" and self.secret_key == Settings.secret_key:
            raise SettingsError("PACKLINE_SECRET_KEY must be set in production")


@functools.cache
def enforcement_on() -> bool:
    """PACKLINE_ENFORCEMENT for the domain (which gets no Settings): read once per process."""
    raw = os.environ.get("PACKLINE_ENFORCEMENT", "")
    return bool(_parse("enforcement", "bool", raw)) if raw else True


def _check_delay_coupon_rules(specs: tuple[str, ...]) -> None:
    """HOURS:AMOUNT pairs, e.g. 0:5,24:10 — whole hours ≥ 0, a positive amount, one rule at 0 hours."""
    hours_seen = []
    for spec in specs:
        hours, sep, amount = spec.partition(":")
        try:
            ok = bool(sep) and int(hours) >= 0 and Decimal(amount) > 0
        except (ValueError, InvalidOperation):
            ok = False
        if not ok:
            raise SettingsError(f"PACKLINE_DELAY_COUPON_RULES: {spec!r} is not HOURS:AMOUNT with a positive amount")
        hours_seen.append(int(hours))
    if 0 not in hours_seen:
        raise SettingsError("PACKLINE_DELAY_COUPON_RULES needs one rule starting at 0 hours, e.g. 0:5,24:10")


def _parse(name: str, type_: object, raw: str) -> object:
    type_name = str(type_)
    var = f"PACKLINE_{name.upper()}"
    if type_name == "int":
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{var} must be a whole number, got {raw!r}") from None
    if type_name == "bool":
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{var} must be true or false, got {raw!r}")
    if type_name.startswith("tuple"):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
