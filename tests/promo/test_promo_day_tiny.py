"""A tiny promo day (a couple of hundred orders, a day replayed in under a minute) through the whole
harness on the production shape, so bench/promo_day.py cannot rot: the must-be-0 rows are 0 and the day
really was packed and handed over (the run cannot pass by doing nothing)."""

from __future__ import annotations

import pytest

from bench.promo.outcomes import MUST_BE_ZERO
from bench.promo.run import run_day
from bench.promo.settings import RunSettings
from server.config import Settings, SettingsError

TINY = RunSettings(orders=200, packers=4, day_seconds=40, drain_seconds=60, seed=7, redis_db=10)


def test_a_tiny_enforced_promo_day_ships_nothing_it_must_not() -> None:
    result = run_day(TINY, log=lambda *_: None)

    assert result["dead_processes"] == []
    for key in MUST_BE_ZERO:
        assert result[key] == 0, (key, result["examples"], result["floor_outcomes"])
    assert result["orders_in_packline"] == result["orders_paid"] == TINY.orders
    # Not vacuous: most of the day left the dock, gifts were packed, the enforcement fired.
    assert result["orders_handed_over"] >= 0.7 * result["owed_orders"], result["floor_outcomes"]
    codes = result["answer_codes"]
    assert codes.get("PACK_COMPLETED", 0) >= result["orders_handed_over"]
    assert codes.get("GIFT_ACCEPTED", 0) > 0, codes
    assert codes.get("ORDER_ON_HOLD", 0) > 0, codes
    assert result["alerts_heard"] > 0 and result["lead_screens_connected_at_end"]
    assert result["scans"] > 0 and result["cs_lookups"] > 0


def test_enforcement_cannot_be_switched_off_in_production() -> None:
    with pytest.raises(SettingsError, match="PACKLINE_ENFORCEMENT"):
        Settings(env="production", secret_key="s" * 32, enforcement=False).validate()
    Settings(env="production", secret_key="s" * 32).validate()
