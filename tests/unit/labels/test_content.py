"""Label content validation and the printed local time."""

from __future__ import annotations

from datetime import datetime

import pytest

from server.labels.content import LabelContentError

from .factories import make_content


def test_print_time_is_shown_in_the_warehouse_time_zone() -> None:
    content = make_content()
    assert content.local_printed_at.strftime("%Y-%m-%d %H:%M") == "2024-06-01 10:00"
    assert make_content(time_zone="Europe/Berlin").local_printed_at.hour == 4


def test_package_marker() -> None:
    assert make_content().package_marker == "1/2"
    assert make_content(package_no=None, package_count=None).package_marker == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"printed_at": datetime(2024, 6, 1, 10, 0)},
        {"time_zone": "Mars/Olympus"},
        {"package_no": 3, "package_count": 2},
        {"package_no": 0, "package_count": 2},
        {"package_no": 1, "package_count": None},
        {"tracking_number": ""},
        {"tracking_number": "7310０001"},
        {"label_version": 0},
    ],
    ids=lambda changes: "-".join(f"{key}={value}" for key, value in changes.items()),
)
def test_unprintable_content_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(LabelContentError) as raised:
        make_content(**changes)
    assert raised.value.code in {"LABEL_CONTENT_INVALID", "LABEL_BARCODE_DATA_INVALID"}
    assert isinstance(raised.value, ValueError)


def test_content_error_explains_itself_in_both_languages() -> None:
    with pytest.raises(LabelContentError) as raised:
        make_content(package_no=3, package_count=2)
    assert raised.value.message("zh-CN") == "面单字段 package_no 无效:3/2 超出 1..总件数"
    assert raised.value.message("en") == "Label field package_no is invalid: 3/2 is outside 1..package_count"
