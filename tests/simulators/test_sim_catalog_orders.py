"""Catalog data and the seeded order generator."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from simulators.catalog import ALL_PRODUCTS, BY_SKU, GIFTS, PRODUCTS, PROMOTIONS
from simulators.orders import generate_orders, pdd_order, taobao_trade
from simulators.timefmt import parse_china_wall_clock

SINCE = datetime(2024, 6, 1, 1, 0, tzinfo=UTC)
UNTIL = SINCE + timedelta(hours=2)


def ean13_ok(code: str) -> bool:
    digits = [int(c) for c in code]
    return (
        len(code) == 13
        and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10 == (10 - digits[12]) % 10
    )


def gtin14_ok(code: str) -> bool:
    digits = [int(c) for c in code]
    return (
        len(code) == 14
        and (sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:13])) + digits[13]) % 10 == 0
    )


def test_catalog_shape():
    assert len(PRODUCTS) == 30 and len(GIFTS) == 3
    assert {gift.sku for gift in GIFTS} == {"GIFT-CUP-01", "GIFT-BAG-01", "GIFT-SAMPLE-01"}
    assert all(gift.is_gift and gift.price == Decimal("0.00") for gift in GIFTS)
    assert len(BY_SKU) == len(ALL_PRODUCTS)
    barcodes = [p.barcode for p in ALL_PRODUCTS] + [p.case_barcode for p in ALL_PRODUCTS if p.case_barcode]
    assert len(set(barcodes)) == len(barcodes)


def test_barcodes_have_valid_check_digits():
    assert all(ean13_ok(product.barcode) for product in ALL_PRODUCTS)
    cases = [product for product in ALL_PRODUCTS if product.case_barcode]
    assert len(cases) >= 3
    assert all(gtin14_ok(p.case_barcode) and p.case_qty == 6 for p in cases)


def test_promotions_reference_real_gifts():
    assert any(promo.name == "满199减20" and promo.discount == Decimal("20.00") for promo in PROMOTIONS)
    assert all(promo.gift_sku is None or BY_SKU[promo.gift_sku].is_gift for promo in PROMOTIONS)


def test_generator_is_deterministic_and_stays_in_the_window():
    first, again = generate_orders(25, 42, SINCE, UNTIL), generate_orders(25, 42, SINCE, UNTIL)
    assert first == again
    assert generate_orders(25, 43, SINCE, UNTIL) != first
    paid = [spec.paid for spec in first if spec.paid]
    assert paid and all(SINCE <= moment <= UNTIL for moment in paid)


def test_taobao_trades_are_consistent():
    for spec in generate_orders(40, 1, SINCE, UNTIL):
        trade = taobao_trade(spec)
        assert trade["tid"] > 2**53 and trade["tid_str"] == str(trade["tid"]) and len(trade["tid_str"]) == 19
        assert sum(Decimal(line["payment"]) for line in trade["orders"]) == Decimal(trade["payment"])
        assert Decimal(trade["total_fee"]) - Decimal(trade["discount_fee"]) == Decimal(trade["payment"])
        assert "*" in trade["receiver_name"] and "****" in trade["receiver_mobile"]
        assert parse_china_wall_clock(trade["modified"]) >= parse_china_wall_clock(trade["created"])
        assert all(line["outer_sku_id"] in BY_SKU for line in trade["orders"])
        assert trade["status"] in ("WAIT_BUYER_PAY", "WAIT_SELLER_SEND_GOODS", "PAID_FORBID_CONSIGN")


def test_pdd_orders_are_consistent():
    specs = generate_orders(40, 2, SINCE, UNTIL)
    orders = [pdd_order(spec) for spec in specs]
    assert len({order["order_sn"] for order in orders}) == 40
    for order in orders:
        assert order["receiver_phone"].isdigit() and len(order["receiver_phone"]) == 11
        assert order["order_sn"].startswith("2406")
        assert Decimal(order["pay_amount"]) == Decimal(order["goods_amount"]) - Decimal(
            order["discount_amount"]
        )
    assert any(order["remark"] for order in orders)  # promotions travel in the seller remark


def test_county_level_city_appears_only_in_district():
    trades = [taobao_trade(spec) for spec in generate_orders(200, 3, SINCE, UNTIL)]
    jiyuan = [t for t in trades if t["receiver_district"] == "济源市"]
    assert jiyuan and all(t["receiver_city"] == "" for t in jiyuan)
