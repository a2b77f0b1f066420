"""What goes on a courier label: the waybill data as received, unmasked, plus print metadata.

The renderers mask the recipient's name and phone; callers pass the raw values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class LabelContentError(ValueError):
    """Label data that cannot be printed as a scannable, truthful label."""


def check_code128_text(value: str, what: str) -> None:
    """Code 128 subsets A/B/C cover printable ASCII only; anything else cannot be encoded."""
    if not value:
        raise LabelContentError(f"{what} is empty")
    if not all(" " <= char <= "~" for char in value):
        raise LabelContentError(f"{what} {value!r} has characters Code 128 cannot encode")


@dataclass(frozen=True)
class LabelContent:
    """One courier label. Times are aware datetimes; the label prints them in ``time_zone``."""

    tracking_number: str
    courier_code: str
    courier_name: str
    routing_code: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    sender_name: str
    sender_phone: str
    sender_address: str
    order_number: str
    printed_at: datetime
    consolidation: str | None = None
    package_no: int | None = None
    package_count: int | None = None
    gift_inside: bool = False
    sku_summary: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    label_version: int = 1

    def __post_init__(self) -> None:
        check_code128_text(self.tracking_number, "tracking number")
        if self.printed_at.tzinfo is None or self.printed_at.utcoffset() is None:
            raise LabelContentError("printed_at must be an aware datetime")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise LabelContentError(f"unknown time zone {self.time_zone!r}") from exc
        if (self.package_no is None) != (self.package_count is None):
            raise LabelContentError("package_no and package_count go together")
        if (
            self.package_no is not None
            and self.package_count is not None
            and not (1 <= self.package_no <= self.package_count)
        ):
            raise LabelContentError(
                f"package {self.package_no}/{self.package_count} is not within 1..{self.package_count}"
            )
        if self.label_version < 1:
            raise LabelContentError("label_version starts at 1")

    @property
    def local_printed_at(self) -> datetime:
        return self.printed_at.astimezone(ZoneInfo(self.time_zone))

    @property
    def package_marker(self) -> str:
        """Parcel marker such as "1/2"; empty when the shipment is not split into parcels."""
        if self.package_no is None or self.package_count is None:
            return ""
        return f"{self.package_no}/{self.package_count}"
