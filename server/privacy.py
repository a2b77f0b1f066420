"""Masking of personal data (phone, name, address) for labels, the CS desk and logs.

Pure string functions: they never raise on odd input and never reveal more than they are asked to keep.
"""

from __future__ import annotations

import re

_MASK = "*"

# "转" is how Chinese platforms write the extension of a virtual (privacy) number.
_EXTENSION = re.compile(r"\s*(?:转|ext\.?|x|#|,)\s*(\d+)\s*$", re.IGNORECASE)
_COUNTRY_CODE = re.compile(r"^\s*(\+\d{1,3})[\s-]*")
_LANDLINE = re.compile(r"^(0\d{2,3})[\s-]+(\d{7,8})$")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Administrative prefix of a Chinese address: province (or municipality / region), city, district.
# Each level is short and holds no street words, so "市场路", "某某小区" or "园林街道" stay in the detail.
_PROVINCE = r"(?:北京市?|天津市?|上海市?|重庆市?|[^\s省市]{2,7}?(?:省|自治区|特别行政区))"
_CITY = r"(?:[^\s省]{1,9}?(?:自治州|地区|盟|市))"
_DISTRICT = r"(?:[^\s\d路街巷弄号栋幢楼室]{1,9}?(?:新区|(?<![小社园校])区|县|旗|市))"
_ADMIN_PREFIX = re.compile(rf"^(?:{_PROVINCE}\s*)?(?:{_CITY}\s*)?(?:{_DISTRICT}\s*)?")


def _mask_digits(digits: str) -> str:
    """Keep a prefix and the last digits of a number, masking at least half of it."""
    count = len(digits)
    if count >= 11:
        head, tail = 3, 4
    elif count >= 7:
        head, tail = 0, 4
    elif count >= 3:
        head, tail = 0, 2
    else:
        head, tail = 0, 0
    return digits[:head] + _MASK * (count - head - tail) + digits[count - tail :]


def mask_phone(phone: str | None) -> str:
    """Mask a phone number: "13812345678" -> "138****5678", "0571-88886666" -> "0571-****6666".

    A country code and an extension ("转1234") stay visible; neither identifies a person alone.
    """
    text = (phone or "").strip()
    if not text:
        return ""
    extension = ""
    match = _EXTENSION.search(text)
    if match and match.start() > 0:
        extension = f"转{match.group(1)}"
        text = text[: match.start()]
    country = ""
    match = _COUNTRY_CODE.match(text)
    if match:
        country = match.group(1) + " "
        text = text[match.end() :]
    landline = _LANDLINE.match(text.strip())
    if landline:
        area, local = landline.groups()
        return f"{country}{area}-{_mask_digits(local)}{extension}"
    digits = re.sub(r"\D", "", text)
    if not country and len(digits) == 13 and digits.startswith("861"):
        country, digits = "+86 ", digits[2:]
    if not digits:
        return _MASK * 3
    return f"{country}{_mask_digits(digits)}{extension}"


def mask_name(name: str | None) -> str:
    """Mask a person's name: "张三丰" -> "张**", "John Smith" -> "J*** S****"."""
    text = " ".join((name or "").split())
    if not text:
        return ""
    if _CJK.search(text):
        compact = text.replace(" ", "")
        if len(compact) == 1:
            return _MASK
        return compact[0] + _MASK * (len(compact) - 1)
    words = text.split(" ")
    if len(words) == 1 and len(text) == 1:
        return _MASK
    return " ".join(word[0] + _MASK * (len(word) - 1) for word in words)


def mask_address(address: str | None) -> str:
    """Keep province, city and district of an address and mask the street and house detail.

    "浙江省杭州市西湖区文一西路998号5幢" -> "浙江省杭州市西湖区***"; the mask does not reveal the length.
    Latin addresses keep everything after the first comma: "221B Baker St, London" -> "***, London".
    """
    text = " ".join((address or "").split())
    if not text:
        return ""
    if not _CJK.search(text):
        _street, separator, rest = text.partition(",")
        return f"{_MASK * 3}, {rest.strip()}" if separator and rest.strip() else _MASK * 3
    prefix = _ADMIN_PREFIX.match(text)
    kept = prefix.group(0).rstrip() if prefix else ""
    return kept + _MASK * 3
