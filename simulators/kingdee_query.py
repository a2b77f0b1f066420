"""ExecuteBillQuery for the Kingdee simulator: field metadata, a small FilterString parser, rows, paging."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from simulators.timefmt import CHINA, kingdee_datetime

Row = dict[str, Any]
Bill = dict[str, Any]  # {"header": {key: value}, "entries": [{key: value}]}, keys in lower case

HEADER, ENTRY = "header", "entry"
# Known fields per form: lower-case key → (level, type). Custom fields (``F_…``) are header strings.
FORMS: dict[str, dict[str, tuple[str, str]]] = {
    "SAL_OUTSTOCK": {
        "fid": (HEADER, "int"),
        "fbillno": (HEADER, "str"),
        "fdocumentstatus": (HEADER, "str"),
        "fdate": (HEADER, "date"),
        "fnote": (HEADER, "str"),
        "fbilltypeid.fnumber": (HEADER, "str"),
        "fcustomerid.fnumber": (HEADER, "str"),
        "fsaleorgid.fnumber": (HEADER, "str"),
        "fstockorgid.fnumber": (HEADER, "str"),
        "fcreatedate": (HEADER, "date"),
        "fmodifydate": (HEADER, "date"),
        "fapprovedate": (HEADER, "date"),
        "fentryid": (ENTRY, "int"),
        "fmaterialid.fnumber": (ENTRY, "str"),
        "funitid.fnumber": (ENTRY, "str"),
        "fstockid.fnumber": (ENTRY, "str"),
        "frealqty": (ENTRY, "float"),
        "fmustqty": (ENTRY, "float"),
    },
    "SAL_SaleOrder": {
        "fid": (HEADER, "int"),
        "fbillno": (HEADER, "str"),
        "fdocumentstatus": (HEADER, "str"),
        "fclosestatus": (HEADER, "str"),
        "fcancelstatus": (HEADER, "str"),
        "fdate": (HEADER, "date"),
        "fnote": (HEADER, "str"),
        "fmodifydate": (HEADER, "date"),
        "f_pkl_platformorderid": (HEADER, "str"),
        "f_pkl_shop": (HEADER, "str"),
    },
    "BD_MATERIAL": {
        "fmaterialid": (HEADER, "int"),
        "fnumber": (HEADER, "str"),
        "fname": (HEADER, "str"),
        "fbarcode": (HEADER, "str"),
        "fdocumentstatus": (HEADER, "str"),
    },
}
_ENTRY_PREFIX = re.compile(r"^(fentity_|f[a-z_]*entry_)", re.IGNORECASE)


class QueryError(Exception):
    """Becomes Kingdee's nested-list error: ``[[{"Result": {"ResponseStatus": …}}]]``."""

    def __init__(self, message: str, msg_code: int = 9) -> None:
        super().__init__(message)
        self.message, self.msg_code = message, msg_code


def resolve_field(form_id: str, key: str) -> tuple[str, str, str]:
    """``(canonical key, level, type)`` of a FieldKeys entry; unknown keys raise the metadata error."""
    fields = FORMS[form_id]
    lowered = key.strip().lower()
    for candidate in (lowered, _ENTRY_PREFIX.sub("", lowered)):
        if candidate in fields:
            return (candidate, *fields[candidate])
    if lowered.startswith("f_"):
        return lowered, HEADER, "str"
    raise QueryError(f"元数据中标识为{key.strip()}的字段不存在")


def execute(form_id: str, bills: list[Bill], query: dict[str, Any]) -> list[list[Any]]:
    if form_id not in FORMS:
        raise QueryError(f"业务对象{form_id}不存在", msg_code=9)
    keys = [resolve_field(form_id, key) for key in str(query.get("FieldKeys", "")).split(",") if key.strip()]
    if not keys:
        raise QueryError("FieldKeys不能为空", msg_code=8)
    matches = compile_filter(form_id, str(query.get("FilterString") or ""))
    per_entry = any(level == ENTRY for _, level, _ in keys)
    rows = [row for row in _rows(bills, per_entry) if matches(row)]
    rows.sort(key=lambda row: row.get("fid", 0))
    # Stable sorts from the last key to the first give the multi-key ORDER BY.
    for key, descending in reversed(_order_by(form_id, str(query.get("OrderString") or ""))):
        rows.sort(key=_sort_key(key), reverse=descending)
    top = int(query.get("TopRowCount") or 0)
    if top > 0:
        rows = rows[:top]
    start = int(query.get("StartRow") or 0)
    limit = min(int(query.get("Limit") or 0), 2000) or len(rows)
    return [[_output(row.get(key), kind) for key, _, kind in keys] for row in rows[start : start + limit]]


def _rows(bills: list[Bill], per_entry: bool) -> list[Row]:
    rows: list[Row] = []
    for bill in bills:
        entries = bill.get("entries") or [{}]
        for entry in entries if per_entry else [{}]:
            rows.append({**bill["header"], **entry})
    return rows


def _sort_key(key: str) -> Callable[[Row], tuple[int, Any]]:
    """Nulls first, as SQL Server sorts them ascending."""
    return lambda row: (0, "") if row.get(key) is None else (1, row.get(key))


def _order_by(form_id: str, text: str) -> list[tuple[str, bool]]:
    order = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        words = part.split()
        key, _, _ = resolve_field(form_id, words[0])
        order.append((key, len(words) > 1 and words[1].upper() == "DESC"))
    return order


def _output(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        return kingdee_datetime(value)
    if kind == "float":
        return float(value)
    return value


# --- FilterString: comparisons joined by and/or/not with parentheses ----------------------------------
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><>|!=|>=|<=|=|>|<)|(?P<paren>[(),])|(?P<word>[\w.]+))"
)
Predicate = Callable[[Row], bool]


def compile_filter(form_id: str, text: str) -> Predicate:
    if not text.strip():
        return lambda row: True
    tokens = _tokenise(text)
    parser = _FilterParser(form_id, tokens)
    predicate = parser.expression()
    if parser.position != len(tokens):
        raise QueryError(f"过滤条件语法错误: {text}", msg_code=8)
    return predicate


def _tokenise(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryError(f"过滤条件语法错误: {text}", msg_code=8)
        kind = match.lastgroup or "word"
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _FilterParser:
    def __init__(self, form_id: str, tokens: list[tuple[str, str]]) -> None:
        self.form_id, self.tokens, self.position = form_id, tokens, 0

    def _peek_word(self) -> str:
        if self.position < len(self.tokens) and self.tokens[self.position][0] == "word":
            return self.tokens[self.position][1].lower()
        return ""

    def _next(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise QueryError("过滤条件语法错误: 意外结束", msg_code=8)
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expression(self) -> Predicate:
        terms = [self.conjunction()]
        while self._peek_word() == "or":
            self.position += 1
            terms.append(self.conjunction())
        return lambda row: any(term(row) for term in terms)

    def conjunction(self) -> Predicate:
        factors = [self.factor()]
        while self._peek_word() == "and":
            self.position += 1
            factors.append(self.factor())
        return lambda row: all(factor(row) for factor in factors)

    def factor(self) -> Predicate:
        if self._peek_word() == "not":
            self.position += 1
            inner = self.factor()
            return lambda row: not inner(row)
        if self.tokens[self.position : self.position + 1] == [("paren", "(")]:
            self.position += 1
            inner = self.expression()
            if self._next() != ("paren", ")"):
                raise QueryError("过滤条件语法错误: 缺少右括号", msg_code=8)
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        kind, name = self._next()
        if kind != "word":
            raise QueryError(f"过滤条件语法错误: {name}", msg_code=8)
        key, _, field_type = resolve_field(self.form_id, name)
        op_kind, op = self._next()
        op = op.lower()
        if op == "is":
            negate = self._peek_word() == "not"
            self.position += 1 if negate else 0
            self._next()  # null
            return lambda row: (row.get(key) is None) != negate
        if op == "in":
            values = self._value_list(field_type)
            return lambda row: row.get(key) in values
        if op == "like":
            pattern = _like_pattern(self._literal("str"))
            return lambda row: row.get(key) is not None and bool(pattern.fullmatch(str(row.get(key))))
        if op_kind != "op":
            raise QueryError(f"过滤条件语法错误: {op}", msg_code=8)
        value = self._literal(field_type)
        compare = _COMPARE[op]
        return lambda row: row.get(key) is not None and compare(row.get(key), value)

    def _value_list(self, field_type: str) -> list[Any]:
        if self._next() != ("paren", "("):
            raise QueryError("过滤条件语法错误: in 需要括号", msg_code=8)
        values = [self._literal(field_type)]
        while self._next() == ("paren", ","):
            values.append(self._literal(field_type))
        return values

    def _literal(self, field_type: str) -> Any:
        kind, raw = self._next()
        text = raw[1:-1].replace("''", "'") if kind == "str" else raw
        try:
            if field_type == "date":
                return datetime.fromisoformat(text.replace("T", " ")).replace(tzinfo=CHINA)
            if field_type == "int":
                return int(float(text))
            if field_type == "float":
                return float(text)
        except ValueError:
            raise QueryError(f"过滤条件中的值{raw}格式错误", msg_code=8) from None
        return text


def _like_pattern(text: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in text), re.DOTALL
    )


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
