"""Ports: what Packline asks of order platforms, the ERP, the WMS and couriers. Jobs and domain code
depend on these Protocols; `taobao.py`, `pdd.py`, `kingdee.py`, `wms.py`, `courier_zto.py` implement them,
tests may pass recording fakes. Every method raises `IntegrationError` for a reply that is not `ok`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

NativeOrder = dict[str, Any]


@dataclass(frozen=True)
class PlatformPage:
    """One page of a modified-time window, rows as the platform sent them (wrappers removed)."""

    total: int
    orders: list[NativeOrder]


@dataclass(frozen=True)
class LiveStatus:
    """A single-order live check (before printing / before confirming shipment)."""

    external_id: str
    native_status: str
    order: NativeOrder | None = None  # the full snapshot when the platform returns one (TOP fullinfo)
    anomaly: bool = False  # PDD status API `order_status = 0`


class PlatformPort(Protocol):
    platform: str

    def fetch_page(
        self, shop: str, start: datetime, end: datetime, page: int, page_size: int
    ) -> PlatformPage: ...

    def live_status(self, shop: str, external_ids: Sequence[str]) -> list[LiveStatus]: ...

    def confirm_shipment(self, shop: str, external_id: str, tracking_number: str, courier_code: str) -> None:
        """Idempotent on the platforms: the same tracking number twice is a success."""


@dataclass(frozen=True)
class OutstockLine:
    sku: str
    qty: int


@dataclass(frozen=True)
class OutstockBill:
    """A SAL_OUTSTOCK to save; `reference` ("packline <order number>") is written into FNote and is how a
    Save whose reply was lost is found again."""

    reference: str
    customer_number: str
    stock_number: str
    bill_date: str  # yyyy-mm-dd, warehouse-local
    lines: tuple[OutstockLine, ...]


@dataclass(frozen=True)
class ErpBill:
    bill_id: int
    bill_no: str
    status: str  # FDocumentStatus
    created: bool = False  # False when an earlier Save was found by reference


@dataclass(frozen=True)
class ErpOrderStatus:
    platform_order_id: str
    bill_no: str
    document_status: str
    close_status: str
    cancel_status: str


class ErpPort(Protocol):
    def query(
        self,
        form_id: str,
        field_keys: Sequence[str],
        filter_string: str = "",
        order_string: str = "",
        limit: int = 2000,
    ) -> list[list[Any]]:
        """ExecuteBillQuery, all pages; a nested-list error raises instead of coming back as rows."""

    def save_outstock(self, bill: OutstockBill) -> ErpBill: ...

    def find_outstock(self, reference: str) -> ErpBill | None: ...

    def sale_order_statuses(self, platform_order_ids: Sequence[str]) -> list[ErpOrderStatus]: ...


@dataclass(frozen=True)
class WmsLine:
    line_no: str
    sku: str
    qty: int


@dataclass(frozen=True)
class WmsDeliveryOrder:
    code: str  # Packline order number = deliveryOrderCode
    warehouse_code: str
    platform_code: str  # TB / TM / JD / PDD / OTHER
    shop: str
    receiver: dict[str, str]
    lines: tuple[WmsLine, ...]
    logistics_code: str = ""


@dataclass(frozen=True)
class WmsPackage:
    logistics_code: str
    tracking_number: str
    weight_g: int | None = None


class WmsPort(Protocol):
    def create_delivery_order(self, order: WmsDeliveryOrder) -> str:
        """Returns the WMS id; creating an existing code again answers the original."""

    def cancel(self, code: str) -> None: ...

    def confirm(self, code: str, status: str, out_biz_code: str, packages: Sequence[WmsPackage] = ()) -> None:
        """Idempotent by `out_biz_code`: a repeat is a success and nothing is applied twice."""

    def statuses(self, codes: Sequence[str]) -> dict[str, str]:
        """WMS status per delivery order code; codes the WMS does not know are left out."""


@dataclass(frozen=True)
class Party:
    name: str
    mobile: str
    province: str
    city: str
    district: str
    address: str


@dataclass(frozen=True)
class WaybillRequest:
    """What a courier needs to issue a waybill for one package."""

    order_number: str
    sender: Party
    receiver: Party
    items: tuple[tuple[str, int], ...]  # (name, quantity)
    weight_g: int = 0
    cod_amount: str | None = None
    remark: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Waybill:
    tracking_number: str
    routing_code: str  # 三段码 / 大头笔, printed large on the label
    consolidation: str  # 集包地
    site_code: str = ""


class CourierPort(Protocol):
    courier_code: str

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        """`package_ref` is the idempotency key: asking again for the same package returns the same waybill."""

    def cancel_waybill(self, tracking_number: str) -> None: ...
