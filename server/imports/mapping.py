"""Field mappings of import files, kept as configuration in `mappings.json` (one entry per source).

A mapping names, per Packline field, the column headers a source may use, which fields are required,
and where the orders go (channel, shop, warehouse; optionally per store).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from server.errors import InvalidInput
from server.imports import messages

MAPPINGS_FILE = Path(__file__).with_name("mappings.json")
FIELDS = (
    "order_number", "store", "customer_name", "phone", "province", "city", "district", "detail",
    "sku", "barcode", "product_name", "qty", "paid_amount", "paid_at", "promotions",
)
# Values that belong to the order, not the line: every row of one order must agree on them.
ORDER_FIELDS = ("store", "customer_name", "phone", "province", "city", "district", "detail", "paid_at")


@dataclass(frozen=True)
class Columns:
    index: dict[str, int]  # field -> position in the row
    header: dict[str, str]  # field -> the header text the file used (what the report names)
    missing: tuple[str, ...]  # header names of required fields the file lacks


@dataclass(frozen=True)
class Mapping:
    name: str
    source: str
    shop: str
    warehouse: str
    fields: dict[str, tuple[str, ...]]
    required: frozenset[str]
    status: str = "paid"
    sheet: str | None = None
    stores: dict[str, dict[str, str]] = field(default_factory=dict)

    def columns(self, headers: list[Any]) -> Columns:
        position = {_norm(h): i for i, h in reversed(list(enumerate(headers))) if _norm(h)}
        index: dict[str, int] = {}
        header: dict[str, str] = {}
        for name, aliases in self.fields.items():
            for alias in aliases:
                if _norm(alias) in position:
                    index[name] = position[_norm(alias)]
                    header[name] = str(headers[index[name]]).strip()
                    break
            else:
                header[name] = aliases[0]
        missing = tuple(self.fields[f][0] for f in FIELDS if f in self.required and f not in index)
        return Columns(index, header, missing)

    def destination(self, store: str | None) -> tuple[str, str]:
        """(shop code, warehouse code) of an order from `store`."""
        override = self.stores.get(store or "", {})
        return override.get("shop", self.shop), override.get("warehouse", self.warehouse)


def load_mapping(name: str, path: Path | None = None) -> Mapping:
    entries = _load(str(path or MAPPINGS_FILE))
    raw = entries.get(name)
    if raw is None:
        raise InvalidInput(messages.UNKNOWN_MAPPING, mapping=name, available=sorted(entries))
    unknown = set(raw["fields"]) - set(FIELDS)
    if unknown:
        raise ValueError(f"mapping {name!r} names unknown fields {sorted(unknown)}")
    return Mapping(
        name=name,
        source=raw["source"],
        shop=raw["shop"],
        warehouse=raw["warehouse"],
        status=raw.get("status", "paid"),
        sheet=raw.get("sheet"),
        fields={k: tuple(v) if isinstance(v, list) else (v,) for k, v in raw["fields"].items()},
        required=frozenset(raw.get("required", ())),
        stores=dict(raw.get("stores") or {}),
    )


def mapping_names(path: Path | None = None) -> list[str]:
    return sorted(_load(str(path or MAPPINGS_FILE)))


@cache
def _load(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _norm(header: Any) -> str:
    if header is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(header)).split()).lower()
