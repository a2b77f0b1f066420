"""Masking of phones, names and addresses (labels, CS desk, logs)."""

from __future__ import annotations

import pytest

from server.privacy import mask_address, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("8613812345678", "+86 138****5678"),
        ("17012345678转1234", "170****5678转1234"),
        ("0571-88886666", "0571-****6666"),
        ("010 12345678", "010-****5678"),
        ("0571-88886666 ext 12", "0571-****6666转12"),
        ("88886666", "****6666"),
        ("95554", "***54"),
        ("12", "**"),
        ("+1 415 555 2671", "+1 ******2671"),
        ("abc", "***"),
        ("", ""),
        (None, ""),
        ("   ", ""),
    ],
)
def test_mask_phone(raw: str | None, masked: str) -> None:
    assert mask_phone(raw) == masked


def test_masked_mobile_never_shows_the_middle_digits() -> None:
    assert "1234" not in mask_phone("13812345678")


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("张", "*"),
        ("欧阳娜娜", "欧***"),
        ("张 三丰", "张**"),
        ("John Smith", "J*** S****"),
        ("  mary   ann lee ", "m*** a** l**"),
        ("Madonna", "M******"),
        ("J", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(raw: str | None, masked: str) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("浙江省杭州市西湖区文一西路998号5幢301", "浙江省杭州市西湖区***"),
        ("浙江省 杭州市 余杭区 仓前路 88 号", "浙江省 杭州市 余杭区***"),
        ("上海市浦东新区张江路88弄3号", "上海市浦东新区***"),
        ("北京市北京市朝阳区建国路88号", "北京市北京市朝阳区***"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放南路1号", "新疆维吾尔自治区乌鲁木齐市天山区***"),
        ("云南省大理白族自治州大理市下关镇人民路1号", "云南省大理白族自治州大理市***"),
        ("广东省深圳市南山区粤海街道科技园1栋", "广东省深圳市南山区***"),
        ("黑龙江省哈尔滨市道里区中央大街1号", "黑龙江省哈尔滨市道里区***"),
        ("湖北省潜江市园林街道某小区", "湖北省潜江市***"),
        ("浙江省杭州市阳光小区3栋", "浙江省杭州市***"),
        ("江苏省苏州市昆山市玉山镇1号", "江苏省苏州市昆山市***"),
        ("浙江省杭州市西湖区", "浙江省杭州市西湖区***"),
        ("阳光小区3栋", "***"),
        ("市场路8号", "***"),
        ("221B Baker Street, London NW1 6XE", "***, London NW1 6XE"),
        ("Somewhere", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_address_keeps_the_region_and_hides_street_and_house(raw: str | None, masked: str) -> None:
    assert mask_address(raw) == masked


def test_masked_address_does_not_reveal_the_length_of_the_detail() -> None:
    assert mask_address("浙江省杭州市西湖区文一西路1号") == mask_address(
        "浙江省杭州市西湖区文一西路998号海创园5幢301室"
    )
