"""Roles and what they are bound to."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PACKER = "packer"
    LEAD = "lead"
    CS = "cs"
    ADMIN = "admin"
    INTEGRATION = "integration"


# Roles that only ever see their own warehouse.
WAREHOUSE_BOUND = frozenset({Role.PACKER, Role.LEAD})
PEOPLE = frozenset({Role.PACKER, Role.LEAD, Role.CS, Role.ADMIN})
