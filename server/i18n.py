"""Message catalog for user-facing texts in zh-CN (default) and English; domain packages define their codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")

_CATALOG: dict[str, dict[str, str]] = {}


class Localized(NamedTuple):
    """A value with a text per locale, for message parameters such as a state's name."""

    zh: str
    en: str

    def text(self, locale: str) -> str:
        return self.en if pick_locale(locale) == "en" else self.zh


def localize_value(value: object, locale: str) -> object:
    """Resolve Localized values (also inside lists and dicts) to plain text for one locale."""
    if isinstance(value, Localized):
        return value.text(locale)
    if isinstance(value, dict):
        return {k: localize_value(v, locale) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localize_value(v, locale) for v in value]
    return value


def define(code: str, zh: str, en: str) -> str:
    """Register the two texts of a message code; returns the code so modules can keep it as a constant.

    Two packages defining the same code with different texts would silently overwrite each other, so
    that is refused; define it once and import the constant."""
    texts = {"zh-CN": zh, "en": en}
    existing = _CATALOG.get(code)
    if existing is not None and existing != texts:
        raise ValueError(f"message code {code!r} is already defined with other texts")
    _CATALOG[code] = texts
    return code


def has(code: str) -> bool:
    return code in _CATALOG


def translate(code: str, locale: str = DEFAULT_LOCALE, params: Mapping[str, object] | None = None) -> str:
    texts = _CATALOG.get(code)
    if texts is None:
        return code
    locale = pick_locale(locale)
    template = texts.get(locale, texts[DEFAULT_LOCALE])
    resolved = {k: localize_value(v, locale) for k, v in (params or {}).items()}
    try:
        return template.format(**resolved)
    except (KeyError, IndexError, ValueError):
        return template


def pick_locale(accept_language: str | None) -> str:
    """Best supported locale for an Accept-Language header or a bare locale name."""
    if not accept_language:
        return DEFAULT_LOCALE
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    return DEFAULT_LOCALE


def catalog() -> dict[str, dict[str, str]]:
    return dict(_CATALOG)
