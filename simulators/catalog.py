"""The fixed product catalog the simulators sell and Packline's demo seeds its product table from.

Plain data: 30 sellable SKUs, 3 gift SKUs and the promotions that bind gifts. Barcodes are valid
EAN-13 (China prefix 693); case barcodes are GTIN-14 for a carton of ``case_qty`` units.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    barcode: str
    weight_g: int
    price: Decimal
    case_barcode: str | None = None
    case_qty: int | None = None
    is_gift: bool = False


@dataclass(frozen=True)
class Promotion:
    """A platform promotion as it appears on orders; ``gift_sku`` is what Packline must pack with it."""

    name: str
    threshold: Decimal
    discount: Decimal = Decimal("0.00")
    gift_sku: str | None = None


def _p(sku: str, name: str, barcode: str, weight_g: int, price: str, case: str | None = None) -> Product:
    return Product(sku, name, barcode, weight_g, Decimal(price), case, 6 if case else None)


PRODUCTS: tuple[Product, ...] = (
    _p("SKU-1001-BLK-M", "纯棉T恤 黑色 M", "6938012000012", 210, "69.00"),
    _p("SKU-1001-BLK-L", "纯棉T恤 黑色 L", "6938012000029", 220, "69.00"),
    _p("SKU-1001-WHT-M", "纯棉T恤 白色 M", "6938012000036", 210, "69.00"),
    _p("SKU-1001-WHT-L", "纯棉T恤 白色 L", "6938012000043", 220, "69.00"),
    _p("SKU-1002-NVY-M", "速干运动短裤 藏青 M", "6938012000050", 160, "59.00"),
    _p("SKU-1002-NVY-L", "速干运动短裤 藏青 L", "6938012000067", 170, "59.00"),
    _p("SKU-1003-GRY-L", "加绒连帽卫衣 灰色 L", "6938012000074", 520, "159.00"),
    _p("SKU-1003-GRY-XL", "加绒连帽卫衣 灰色 XL", "6938012000081", 540, "159.00"),
    _p("SKU-1004-BLU-30", "直筒牛仔裤 浅蓝 30码", "6938012000098", 610, "139.00"),
    _p("SKU-1004-BLU-32", "直筒牛仔裤 浅蓝 32码", "6938012000104", 630, "139.00"),
    _p("SKU-2001", "加厚纯棉毛巾 两条装", "6938012000111", 280, "29.90"),
    _p("SKU-2002", "竹纤维浴巾 70x140cm", "6938012000128", 450, "49.90"),
    _p("SKU-2003", "慢回弹记忆棉枕头", "6938012000135", 1350, "129.00"),
    _p("SKU-2004", "全棉四件套 1.8m床", "6938012000142", 2100, "299.00"),
    _p("SKU-3001", "桌面收纳盒 大号", "6938012000159", 380, "39.90"),
    _p("SKU-3002", "真空压缩袋 6件套", "6938012000166", 600, "45.00"),
    _p("SKU-3003", "不锈钢衣架 20只装", "6938012000173", 900, "36.90"),
    _p("SKU-4001", "陶瓷马克杯 350ml", "6938012000180", 330, "25.00", "16938012000187"),
    _p("SKU-4002", "耐热玻璃保鲜盒 三件套", "6938012000197", 1100, "79.00"),
    _p("SKU-4003", "麦饭石不粘炒锅 30cm", "6938012000203", 1850, "199.00"),
    _p("SKU-4004", "耐高温硅胶锅铲", "6938012000210", 120, "19.90"),
    _p("SKU-5001", "洗衣凝珠 52颗", "6938012000227", 860, "49.90", "16938012000224"),
    _p("SKU-5002", "厨房用纸 6卷装", "6938012000234", 720, "22.90", "16938012000231"),
    _p("SKU-5003", "原木抽纸 24包整箱", "6938012000241", 2600, "59.90"),
    _p("SKU-6001", "半入耳蓝牙耳机", "6938012000258", 95, "189.00"),
    _p("SKU-6002", "Type-C 快充数据线 1m", "6938012000265", 45, "19.90", "16938012000262"),
    _p("SKU-6003", "20000mAh 移动电源", "6938012000272", 410, "129.00"),
    _p("SKU-7001", "每日坚果礼盒 750g", "6938012000289", 980, "89.00"),
    _p("SKU-7002", "挂耳咖啡 30包", "6938012000296", 420, "69.90"),
    _p("SKU-7003", "新疆若羌灰枣 500g", "6938012000302", 540, "35.80"),
)

GIFTS: tuple[Product, ...] = (
    Product("GIFT-CUP-01", "保温水杯", "6938012000319", 260, Decimal("0.00"), is_gift=True),
    Product("GIFT-BAG-01", "帆布袋", "6938012000326", 90, Decimal("0.00"), is_gift=True),
    Product("GIFT-SAMPLE-01", "试用装", "6938012000333", 30, Decimal("0.00"), is_gift=True),
)

PROMOTIONS: tuple[Promotion, ...] = (
    Promotion("满199减20", Decimal("199.00"), discount=Decimal("20.00")),
    Promotion("满299赠保温水杯", Decimal("299.00"), gift_sku="GIFT-CUP-01"),
    Promotion("下单送帆布袋", Decimal("0.00"), gift_sku="GIFT-BAG-01"),
    Promotion("新客专享试用装", Decimal("0.00"), gift_sku="GIFT-SAMPLE-01"),
)

ALL_PRODUCTS: tuple[Product, ...] = PRODUCTS + GIFTS
BY_SKU: dict[str, Product] = {product.sku: product for product in ALL_PRODUCTS}
