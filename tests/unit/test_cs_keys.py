"""Turning what an agent types or a customer sends into a lookup key."""

from __future__ import annotations

import pytest

from server.cs.keys import parse_chat, parse_query


@pytest.mark.parametrize(
    ("typed", "kinds", "codes"),
    [
        ("DAB2026021700882", ("order", "tracking", "external_id"), ("DAB2026021700882",)),
        (
            "dab2026021700882gift",
            ("gift", "order", "tracking", "external_id"),
            ("dab2026021700882gift", "DAB2026021700882GIFT"),
        ),
        ("订单号：DAB 2026 0217 00882", ("order", "tracking", "external_id"), ("DAB2026021700882",)),
        ("ＤＡＢ２０２６０２１７００８８２", ("order", "tracking", "external_id"), ("DAB2026021700882",)),
        ("73100000001234", ("order", "tracking", "external_id"), ("73100000001234",)),
        ("1234ABCD", ("order", "tracking", "external_id"), ("1234ABCD",)),  # a code, not phone + name
        ("TB-001#", ("order", "tracking", "external_id"), ("TB-001",)),
    ],
)
def test_codes(typed: str, kinds: tuple[str, ...], codes: tuple[str, ...]) -> None:
    key = parse_query(typed)
    assert key is not None and key.kinds == kinds and key.codes == codes


@pytest.mark.parametrize(
    ("typed", "last4", "name"),
    [
        ("5678 张三", "5678", "张三"),
        ("张三 5678", "5678", "张三"),
        ("张三5678", "5678", "张三"),
        ("尾号5678,张三", "5678", "张三"),
        ("５６７８　张三", "5678", "张三"),
        ("John Smith 5678", "5678", "John Smith"),
        ("5678, john", "5678", "john"),
    ],
)
def test_phone_last4_and_name(typed: str, last4: str, name: str) -> None:
    key = parse_query(typed)
    assert key is not None and key.kinds == ("phone_name",) and (key.last4, key.name) == (last4, name)


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "张三", "ab"])
def test_nothing_to_look_up(typed: str) -> None:
    assert parse_query(typed) is None


def test_forced_kind() -> None:
    assert parse_query("DAB2026021700882", "tracking").kinds == ("tracking",)  # type: ignore[union-attr]
    assert parse_query("DAB2026021700882", "phone_name") is None


@pytest.mark.parametrize(
    ("message", "code", "locale"),
    [
        ("查订单 DAB2026021700882", "DAB2026021700882", "zh-CN"),
        ("查订单：ＤＡＢ２０２６０２１７００８８２。", "DAB2026021700882", "zh-CN"),
        ("order DAB2026021700882", "DAB2026021700882", "en"),
        ("Order: DAB 2026 0217 00882 please", "DAB2026021700882", "en"),
        ("check order #DAB2026021700882GIFT, thanks!", "DAB2026021700882GIFT", "en"),
        ("DAB2026021700882", "DAB2026021700882", "zh-CN"),
        ("你好", None, "zh-CN"),
        ("hello", None, "en"),
    ],
)
def test_chat_messages(message: str, code: str | None, locale: str) -> None:
    assert parse_chat(message) == (code, locale)
