"""Robot targets are seedable: upsert by (warehouse, name), listed without credentials; digest texts."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from server import clock
from server.alerts.robot_targets import describe_targets, upsert_robot_target
from server.errors import InvalidInput


def test_seeding_twice_updates_in_place_and_listing_hides_credentials(db: Session) -> None:
    values = {"warehouse_code": "HZ01", "kind": "dingtalk", "name": "hz-ops", "key": "tok-123",
              "secret": "SECabc", "now": clock.now()}
    first, created = upsert_robot_target(db, **values)
    again, created_again = upsert_robot_target(db, **{**values, "min_severity": "critical"})
    assert created and not created_again and again.id == first.id and again.min_severity == "critical"
    [listed] = describe_targets(db)
    assert listed["name"] == "hz-ops" and listed["signed"] is True and listed["configured_by"] == "key"
    assert "tok-123" not in str(listed) and "SECabc" not in str(listed)


@pytest.mark.parametrize(
    "bad", [{"kind": "slack"}, {"min_severity": "loud"}, {"warehouse_code": "XX99"}, {"key": None}],
)
def test_refuses_what_cannot_work(db: Session, bad: dict[str, object]) -> None:
    values = {"warehouse_code": "HZ01", "kind": "wecom", "name": "hz", "key": "k", "now": clock.now(), **bad}
    with pytest.raises(InvalidInput):
        upsert_robot_target(db, **values)  # type: ignore[arg-type]
