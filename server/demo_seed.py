"""Seeds a realistic demo: 2 warehouses, channels and shops, products, promotions, users for every role,
and a few hundred orders in every state (a third with gift sub-orders), built through the real domain."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.services import create_user
from server.catalog.models import Channel, Product, ProductBarcode, PromotionRule, Shop, Station, Warehouse
from server.integrations.ports import Waybill, WaybillRequest
from server.labels.printing import print_label
from server.orders.addresses import AddressInput
from server.orders.holds import place_hold
from server.orders.ingest import IngestLine, IngestOrder, ingest_order
from server.orders.states import OrderStatus
from server.orders.transitions import apply_transition

CHANNELS = [
    ("taobao", "淘宝", 48),
    ("tmall", "天猫", 24),
    ("jd", "京东", 24),
    ("pdd", "拼多多", 48),
    ("miniapp", "小程序", 24),
    ("pos", "门店POS", 24),
    ("shopify", "Shopify", 48),
]
WAREHOUSES = [
    ("HZ01", "杭州一号仓", "杭州一号仓", "0571-88880001", "浙江省杭州市余杭区仓前路88号"),
    ("SH01", "上海二号仓", "上海二号仓", "021-66660002", "上海市嘉定区安亭镇墨玉路18号"),
]
SHOPS = [
    ("tmall-01", "DAB 天猫旗舰店", "DAB", "tmall"),
    ("taobao-01", "DAB 淘宝店", "DAB", "taobao"),
    ("pdd-01", "DAB 拼多多店", "DAB", "pdd"),
    ("jd-01", "DAB 京东自营", "DAB", "jd"),
    ("miniapp-01", "DAB 小程序商城", "DAB", "miniapp"),
    ("pos-01", "DAB 西湖门店", "DAB", "pos"),
]
# Packline's promotion rule table (which platform promotion binds which gift). The first is the seed
# case's "满199减20 gives a gift"; the others mirror the platform simulators' gift promotions.
PROMOTIONS = [
    ("P-199-20-CUP", "满199减20", Decimal("199"), "GIFT-CUP-01"),
    ("P-299-CUP", "满299赠保温水杯", Decimal("299"), "GIFT-CUP-01"),
    ("P-BAG", "下单送帆布袋", Decimal("0"), "GIFT-BAG-01"),
    ("P-NEW-SAMPLE", "新客专享试用装", Decimal("0"), "GIFT-SAMPLE-01"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    warehouse: str | None
    badge: str | None
    display_name: str


DEMO_USERS = [
    DemoUser("admin", "admin-pass-2026", "admin", None, None, "系统管理员"),
    DemoUser("lead.hz", "lead-pass-2026", "lead", "HZ01", "LEAD-HZ-001", "王组长"),
    DemoUser("packer.hz1", "packer-pass-2026", "packer", "HZ01", "PK-HZ-001", "李打包"),
    DemoUser("packer.hz2", "packer-pass-2026", "packer", "HZ01", "PK-HZ-002", "赵打包"),
    DemoUser("lead.sh", "lead-pass-2026", "lead", "SH01", "LEAD-SH-001", "陈组长"),
    DemoUser("packer.sh1", "packer-pass-2026", "packer", "SH01", "PK-SH-001", "周打包"),
    DemoUser("cs", "cs-pass-2026", "cs", None, None, "客服小美"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
]
CITIES = [
    ("浙江省", "杭州市", "西湖区"),
    ("浙江省", "宁波市", "鄞州区"),
    ("上海市", "上海市", "浦东新区"),
    ("江苏省", "南京市", "鼓楼区"),
    ("广东省", "深圳市", "南山区"),
    ("北京市", "北京市", "朝阳区"),
    ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"),
]
STREETS = ["文三路", "学院路", "人民路", "解放路", "中山路", "建国路", "科技园南路", "望京街"]


class SeedCourier:
    """Issues plausible ZTO waybills offline so the seeded history needs no courier (demo data only)."""

    courier_code = "ZTO"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        rng = self._rng
        return Waybill(
            tracking_number=f"7310{rng.randint(10**9, 10**10 - 1)}",
            routing_code=f"{rng.randint(100, 999)}-H{rng.randint(10, 99)} {rng.randint(1, 99):02d}",
            consolidation=rng.choice(["杭州转运", "上海转运", "沪西"]),
        )

    def cancel_waybill(self, tracking_number: str) -> None:
        return None


def seed_reference(session: Session, catalog: list[object]) -> None:
    """Warehouses, channels, shops, stations, products with barcodes, promotion rules (idempotent)."""
    if session.scalar(select(Warehouse.id).limit(1)) is not None:
        return
    for code, name, promise in CHANNELS:
        session.add(Channel(code=code, name=name, promised_ship_hours=promise))
    for code, name, sender, phone, address in WAREHOUSES:
        session.add(
            Warehouse(code=code, name=name, sender_name=sender, sender_phone=phone, sender_address=address)
        )
    for code, name, brand, channel in SHOPS:
        session.add(Shop(code=code, name=name, brand=brand, channel_code=channel))
    session.flush()
    for wh in session.scalars(select(Warehouse)):
        for n in range(1, 5):
            session.add(
                Station(
                    warehouse_id=wh.id,
                    code=f"PK{n:02d}",
                    name=f"打包台 {n}",
                    kind="pack",
                    printer_format="zpl" if n == 4 else "pdf",
                    printer_size="76x130",
                    printer_dpi=203 if n != 3 else 300,
                )
            )
        session.add(Station(warehouse_id=wh.id, code="DOCK1", name="交接口 1", kind="dock"))
        session.add(Station(warehouse_id=wh.id, code="PK99", name="未配打印机", kind="pack"))
    for item in catalog:
        session.add(
            Product(sku=item.sku, name=item.name, weight_g=item.weight_g, is_gift=item.is_gift)  # type: ignore[attr-defined]
        )
        session.flush()
        session.add(ProductBarcode(barcode=item.barcode, sku=item.sku, qty=1))  # type: ignore[attr-defined]
        if getattr(item, "case_barcode", None):
            session.add(ProductBarcode(barcode=item.case_barcode, sku=item.sku, qty=item.case_qty))  # type: ignore[attr-defined]
    session.flush()
    for code, name, minimum, gift_sku in PROMOTIONS:
        session.add(PromotionRule(code=code, name=name, min_amount=minimum, gift_sku=gift_sku, gift_qty=1))
    session.flush()


def seed_users(session: Session, now: datetime) -> None:
    from server.accounts.models import User

    if session.scalar(select(User.id).limit(1)) is not None:
        return
    for u in DEMO_USERS:
        create_user(
            session,
            username=u.username,
            password=u.password,
            role=u.role,
            display_name=u.display_name,
            badge=u.badge,
            warehouse_code=u.warehouse,
            now=now,
        )


# How far along the flow each seeded order gets; weights give "a few hundred orders in every state".
TARGETS = [
    (OrderStatus.PENDING_PAYMENT, 4),
    (OrderStatus.PAID, 12),
    (OrderStatus.PICKING, 10),
    (OrderStatus.PRINTED, 30),
    (OrderStatus.PACKED, 10),
    (OrderStatus.SHIPPED, 14),
    (OrderStatus.DELIVERED, 8),
    (OrderStatus.REFUNDED, 3),
    (OrderStatus.CANCELLED, 3),
]


def seed_orders(
    session: Session, catalog: list[object], *, count: int, now: datetime, tz: ZoneInfo, seed: int = 2026
) -> int:
    """Orders through the real ingest and transitions, so trails and gifts look like production."""
    from server.orders.models import Order

    if session.scalar(select(Order.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed)
    goods = [c for c in catalog if not c.is_gift]  # type: ignore[attr-defined]
    statuses = [s for s, _ in TARGETS]
    weights = [w for _, w in TARGETS]
    for n in range(count):
        shop_code, _, _, channel = rng.choice(SHOPS)
        target = rng.choices(statuses, weights)[0]
        paid_at = now - timedelta(minutes=rng.randint(10, 60 * 40))
        picked = rng.sample(goods, rng.choice([1, 1, 2, 2, 3]))
        lines = tuple(IngestLine(sku=p.sku, name=p.name, qty=rng.choice([1, 1, 1, 2])) for p in picked)
        amount = sum(
            (Decimal(str(p.price)) * ln.qty for p, ln in zip(picked, lines, strict=True)), Decimal("0")
        )
        promos: tuple[str, ...] = ()
        if n % 3 == 0:
            promos = (rng.choice(PROMOTIONS)[1],)
            amount = max(amount, Decimal("219.00"))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        province, city, district = rng.choice(CITIES)
        cmd = IngestOrder(
            source=channel,
            external_id=f"DEMO-{channel}-{n:05d}",
            shop_code=shop_code,
            warehouse_code=rng.choice(["HZ01", "HZ01", "SH01"]),
            customer_name=name,
            customer_phone=phone,
            status=OrderStatus.PENDING_PAYMENT if target == OrderStatus.PENDING_PAYMENT else OrderStatus.PAID,
            paid_at=None if target == OrderStatus.PENDING_PAYMENT else paid_at,
            paid_amount=amount,
            promotions=promos,
            address=AddressInput(
                name=name,
                phone=phone,
                province=province,
                city=city,
                district=district,
                detail=f"{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}幢{rng.randint(101, 2801)}室",
            ),
            lines=lines,
            source_modified_at=paid_at,
        )
        order = ingest_order(
            session, cmd, actor="system:demo", source_system=channel, now=paid_at, tz=tz
        ).order
        _walk(session, order, target, paid_at, rng)
        if target == OrderStatus.PRINTED and n % 17 == 0:
            place_hold(
                session,
                order,
                "refund_requested",
                reason="买家申请退款",
                actor="system:demo",
                source_system=channel,
                now=now,
            )
    session.flush()
    return count


def _walk(session: Session, order: object, target: OrderStatus, start: datetime, rng: random.Random) -> None:
    path = {
        OrderStatus.PICKING: [OrderStatus.PICKING],
        OrderStatus.PRINTED: [OrderStatus.PICKING, OrderStatus.PRINTED],
        OrderStatus.PACKED: [OrderStatus.PICKING, OrderStatus.PRINTED, OrderStatus.PACKED],
        OrderStatus.SHIPPED: [
            OrderStatus.PICKING,
            OrderStatus.PRINTED,
            OrderStatus.PACKED,
            OrderStatus.SHIPPED,
        ],
        OrderStatus.DELIVERED: [
            OrderStatus.PICKING,
            OrderStatus.PRINTED,
            OrderStatus.PACKED,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
        ],
        OrderStatus.REFUNDED: [OrderStatus.PICKING, OrderStatus.REFUNDED],
        OrderStatus.CANCELLED: [OrderStatus.CANCELLED],
    }.get(target, [])
    at = start
    for step in path:
        at = at + timedelta(minutes=rng.randint(5, 90))
        if step == OrderStatus.PRINTED:
            # The real print path (waybill record, print row, picking → printed), with an offline courier.
            print_label(
                session,
                order,  # type: ignore[arg-type]
                SeedCourier(rng),
                station="PK01",
                client_request_id=f"seed-{order.order_number}",  # type: ignore[attr-defined]
                actor="user:packer.hz1",
                now=at,
            )
            continue
        if step in (OrderStatus.PACKED,) and order.gift is not None:  # type: ignore[attr-defined]
            order.gift.status = "packed"  # type: ignore[attr-defined]
            order.gift.packed_at = at  # type: ignore[attr-defined]
        actor = "system:demo" if step not in (OrderStatus.PACKED,) else "user:packer.hz1"
        apply_transition(session, order, step, actor=actor, source_system="packline", reason="demo", now=at)  # type: ignore[arg-type]
