"""Shared label fixtures: one realistic waybill and the size x dpi matrix."""

from __future__ import annotations

import pytest

from server.labels.content import LabelContent

from .factories import DPIS, SIZES, make_content


@pytest.fixture
def content() -> LabelContent:
    return make_content()


@pytest.fixture(params=[(size, dpi) for size in SIZES for dpi in DPIS], ids=lambda p: f"{p[0]}@{p[1]}")
def size_dpi(request: pytest.FixtureRequest) -> tuple[str, int]:
    return request.param
