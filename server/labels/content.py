"""What goes on a courier label: the waybill data as received, unmasked, plus print metadata.

The renderers mask the recipient's name and phone; callers pass the raw values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import Rejected
from server.i18n import Localized
from server.labels import messages

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class LabelContentError(Rejected, ValueError):
    """Label data that cannot be printed as a scannable, truthful label."""


def _invalid(field: str, zh: str, en: str) -> LabelContentError:
    return LabelContentError(messages.LABEL_CONTENT_INVALID, field=field, reason=Localized(zh, en))


def check_code128_text(value: str, what: Localized = messages.BARCODE_DATA) -> None:
    """Code 128 subsets A/B/C cover printable ASCII only; anything else cannot be encoded."""
    if not value or not all(" " <= char <= "~" for char in value):
        raise LabelContentError(messages.LABEL_BARCODE_DATA_INVALID, what=what, value=value)


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
        check_code128_text(self.tracking_number, messages.TRACKING_NUMBER)
        if self.printed_at.tzinfo is None or self.printed_at.utcoffset() is None:
            raise _invalid("printed_at", "须为带时区的时间", "must be an aware datetime")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _invalid(
                "time_zone", f"未知时区 {self.time_zone}", f"unknown time zone {self.time_zone}"
            ) from exc
        if (self.package_no is None) != (self.package_count is None):
            raise _invalid("package_no", "须与 package_count 同时给出", "goes together with package_count")
        if (
            self.package_no is not None
            and self.package_count is not None
            and not (1 <= self.package_no <= self.package_count)
        ):
            marker = f"{self.package_no}/{self.package_count}"
            raise _invalid("package_no", f"{marker} 超出 1..总件数", f"{marker} is outside 1..package_count")
        if self.label_version < 1:
            raise _invalid("label_version", "从 1 开始", "starts at 1")

    @property
    def local_printed_at(self) -> datetime:
        return self.printed_at.astimezone(ZoneInfo(self.time_zone))

    @property
    def package_marker(self) -> str:
        """Parcel marker such as "1/2"; empty when the shipment is not split into parcels."""
        if self.package_no is None or self.package_count is None:
            return ""
        return f"{self.package_no}/{self.package_count}"
