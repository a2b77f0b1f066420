"""Settings from PACKLINE_* variables: defaults, typed parsing, fail fast with a clear message."""

from __future__ import annotations

import pytest

from server.config import Settings, SettingsError


def test_defaults_are_the_embedded_mode() -> None:
    s = Settings.from_env({})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("instance/packline.db")
    assert s.embedded and s.redis_url is None
    assert s.timezone == "Asia/Shanghai" and s.port == 8000


def test_values_are_parsed_and_typed() -> None:
    s = Settings.from_env(
        {
            "PACKLINE_DATABASE_URL": "postgresql+psycopg://u@db/packline",
            "PACKLINE_REDIS_URL": "redis://127.0.0.1:6379/0",
            "PACKLINE_PORT": "9000",
            "PACKLINE_WEBHOOK_SECRETS": "new, old",
            "PACKLINE_LOG_JSON": "true",
        }
    )
    assert not s.embedded and s.port == 9000 and s.webhook_secrets == ("new", "old") and s.log_json is True


@pytest.mark.parametrize(
    ("var", "value", "fragment"),
    [
        ("PACKLINE_PORT", "eighty", "PACKLINE_PORT must be a whole number"),
        ("PACKLINE_PORT", "70000", "PACKLINE_PORT must be 1–65535"),
        ("PACKLINE_TIMEZONE", "Mars/Olympus", "not a known IANA time zone"),
        ("PACKLINE_DATABASE_URL", "mysql://x", "PACKLINE_DATABASE_URL must be"),
        ("PACKLINE_REDIS_URL", "localhost:6379", "PACKLINE_REDIS_URL must start with redis://"),
        ("PACKLINE_SOCKETIO_ASYNC_MODE", "eventlet", "eventlet is not supported"),
        ("PACKLINE_IMPORT_AT", "8am", "PACKLINE_IMPORT_AT must be HH:MM"),
        ("PACKLINE_LOG_JSON", "maybe", "must be true or false"),
        ("PACKLINE_DELAY_COUPON_RULES", "24:10", "needs one rule starting at 0 hours"),
        ("PACKLINE_DELAY_COUPON_RULES", "0:5,1d:10", "'1d:10' is not HOURS:AMOUNT"),
        ("PACKLINE_DELAY_COUPON_RULES", "0:-5", "'0:-5' is not HOURS:AMOUNT"),
        ("PACKLINE_METRICS_MAX_RANGE_DAYS", "0", "PACKLINE_METRICS_MAX_RANGE_DAYS must be at least 1"),
    ],
)
def test_bad_values_fail_fast_naming_the_variable(var: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_env({var: value})


def test_production_requires_a_secret_key() -> None:
    with pytest.raises(SettingsError, match="PACKLINE_SECRET_KEY"):
        Settings.from_env({"PACKLINE_ENV": "production"})
    assert (
        Settings.from_env({"PACKLINE_ENV": "production", "PACKLINE_SECRET_KEY": "s3cret-value"}).env
        == "production"
    )
