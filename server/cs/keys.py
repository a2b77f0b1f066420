"""What an agent typed (or a customer sent to the chat bot) turned into a lookup key. Pure functions.

Auto-detection: "…GIFT" is a gift number; 4 digits next to a name is phone last 4 + name; any other code is
tried as order number, then tracking number, then platform order id — each an indexed probe."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ORDER, GIFT, TRACKING, EXTERNAL, PHONE_NAME = "order", "gift", "tracking", "external_id", "phone_name"
KINDS = (ORDER, GIFT, TRACKING, EXTERNAL, PHONE_NAME)
CODE_KINDS = (ORDER, TRACKING, EXTERNAL)

_CODE = re.compile(r"^[A-Za-z0-9_-]{3,64}$")
_NOISE = re.compile(r"[\s\u3000.,;:!?'\"`~#*()\[\]{}<>|/\\。，、；：！？“”‘’「」『』《》（）【】…·]+")
_LABELS = re.compile(
    r"^(?:订单号|订单|运单号|运单|快递单号|单号|赠品单号|平台单号|平台订单号|order\s*(?:no\.?|number|id)?|"
    r"tracking(?:\s*(?:no\.?|number))?)\s*[:：#]?\s*",
    re.IGNORECASE,
)
_PHONE_WORDS = re.compile(
    r"(?:手机尾号|手机号尾号|电话尾号|尾号|手机|电话|phone|tel)\s*[:：]?", re.IGNORECASE
)
_LAST4_FIRST = re.compile(r"^(\d{4})([\s,，、]*)(\D+)$")
_NAME_FIRST = re.compile(r"^(\D+?)([\s,，、]*)(\d{4})$")
_NAME_CHAR = re.compile(r"[A-Za-z\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Chat commands and polite filler around the number (zh and en).
_CHAT_COMMANDS = re.compile(
    r"查询订单|查订单|查一下订单|查一下|帮我查|查单|查询|订单号|订单|运单号|快递|请问|谢谢|您好|你好|麻烦",
    re.IGNORECASE,
)
_EN_WORDS = frozenset(
    [
        "order",
        "orders",
        "check",
        "track",
        "tracking",
        "status",
        "of",
        "my",
        "the",
        "is",
        "please",
        "pls",
        "thanks",
        "thank",
        "you",
        "hi",
        "hello",
        "where",
        "number",
        "no",
        "id",
        "for",
        "a",
        "an",
        "what",
        "whats",
        "about",
        "query",
        "lookup",
        "find",
    ]
)
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class LookupKey:
    kinds: tuple[str, ...]  # tried in this order; the first that finds something wins
    codes: tuple[str, ...] = ()  # spellings of the code (as typed, upper-case)
    last4: str | None = None
    name: str | None = None


def clean(text: str) -> str:
    """Full-width to half-width, trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def parse_query(text: str, kind: str | None = None) -> LookupKey | None:
    """The desk's search box. `kind` forces a key kind; None auto-detects."""
    raw = clean(text)
    if not raw:
        return None
    if kind in (None, PHONE_NAME):
        person = _phone_and_name(raw)
        if person is not None:
            return LookupKey((PHONE_NAME,), last4=person[0], name=person[1])
        if kind == PHONE_NAME:
            return None
    code = _NOISE.sub("", _LABELS.sub("", raw))
    if not _CODE.match(code):
        return None
    return LookupKey(_kinds_for(code, kind), _spellings(code))


def parse_chat(message: str) -> tuple[str | None, str]:
    """The code in a chat message ("查订单 DAB2026021700882", "order: DAB 2026 0217 00882 pls") and the
    reply language: English when the message has English words and no Chinese."""
    raw = clean(message)
    locale = (
        "en" if not _CJK.search(raw) and any(t.lower() in _EN_WORDS for t in _TOKEN.findall(raw)) else "zh-CN"
    )
    text = _CHAT_COMMANDS.sub(" ", raw)
    tokens = [t for t in _TOKEN.findall(text) if t.lower() not in _EN_WORDS]
    kept = [
        t
        for i, t in enumerate(tokens)
        if any(ch.isdigit() for ch in t)
        or any(any(ch.isdigit() for ch in n) for n in tokens[max(0, i - 1) : i + 2])
    ]
    code = "".join(kept)
    return (code if _CODE.match(code) else None), locale


def code_key(code: str) -> LookupKey:
    return LookupKey(_kinds_for(code, None), _spellings(code))


def _kinds_for(code: str, kind: str | None) -> tuple[str, ...]:
    if kind in KINDS and kind != PHONE_NAME:
        return (kind,)
    if code.upper().endswith("GIFT"):
        return (GIFT, *CODE_KINDS)
    return CODE_KINDS


def _spellings(code: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([code, code.upper()]))


def _phone_and_name(raw: str) -> tuple[str, str] | None:
    text = _PHONE_WORDS.sub(" ", raw).strip()
    for pattern, last4_at, name_at in ((_LAST4_FIRST, 1, 3), (_NAME_FIRST, 3, 1)):
        match = pattern.match(text)
        if match is None:
            continue
        name = " ".join(_NOISE.sub(" ", match.group(name_at)).split())
        # "ABCD1234" is a code; a Latin name needs a separator ("John 1234"), a Chinese one does not.
        if _CJK.search(name) or (match.group(2) and _NAME_CHAR.search(name)):
            return match.group(last4_at), name
    return None
