"""The seeded day: which orders are paid when (a curve peaking just after midnight), on which platform,
and what happens to each — gift sub-order, address change, refund, the packer's mistakes with it.

The same seed gives the same day, so an enforced and a baseline run replay identical work."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bench.promo.settings import RunSettings
from simulators.catalog import PROMOTIONS
from simulators.orders import OrderSpec, generate_orders

# Relative share of the day's payments per hour, 00:00..23:00: the promo opens at midnight.
HOURLY_WEIGHTS = (16, 12, 7, 4, 2, 1, 1, 1, 2, 3, 4, 4, 5, 4, 4, 3, 3, 3, 4, 5, 6, 7, 6, 4)
PLATFORMS = (("taobao", "tmall-01", "HZ01", 0.6), ("pdd", "pdd-01", "SH01", 0.4))
GIFT_PROMOTIONS = [p for p in PROMOTIONS if p.gift_sku]
PLAIN_PROMOTIONS = [p for p in PROMOTIONS if not p.gift_sku]


@dataclass(frozen=True)
class PlannedOrder:
    index: int
    platform: str
    shop: str
    warehouse: str
    sim_paid: float  # seconds since the day's 00:00
    spec: OrderSpec
    gift: bool
    address_change: str | None  # "timed" | "mid_pack" | "after_pack"
    refund: str | None  # "timed" | "after_print"
    event_delay: float  # simulated seconds after payment for the timed events
    forget_gift: bool
    wrong_item: bool
    double_scan: bool
    network_drop: bool


def plan_day(settings: RunSettings) -> list[PlannedOrder]:
    rng = random.Random(settings.seed)
    epoch = datetime(2026, 11, 11, tzinfo=UTC)  # placeholder times; the feeder stamps real ones
    specs = generate_orders(settings.orders, settings.seed, epoch, epoch.replace(hour=23))
    moments = sorted(_paid_moment(rng) for _ in specs)
    orders = []
    for index, (spec, moment) in enumerate(zip(specs, moments, strict=True)):
        platform, shop, warehouse, _ = _pick(rng, PLATFORMS)
        gift = rng.random() < settings.gift_share
        spec = replace(spec, promotion=_promotion(rng, spec, gift), risky=False, paid=spec.created)
        change = rng.random()
        address = refund = None
        if change < settings.address_change_share:
            address = rng.choice(("timed", "mid_pack", "mid_pack", "after_pack"))
        elif change < settings.address_change_share + settings.refund_share:
            refund = rng.choice(("timed", "after_print"))
        orders.append(
            PlannedOrder(
                index=index,
                platform=platform,
                shop=shop,
                warehouse=warehouse,
                sim_paid=moment,
                spec=spec,
                gift=gift,
                address_change=address,
                refund=refund,
                event_delay=rng.uniform(600, 3 * 3600),
                forget_gift=gift and rng.random() < settings.forget_gift,
                wrong_item=rng.random() < settings.wrong_item,
                double_scan=rng.random() < settings.double_scan,
                network_drop=rng.random() < settings.network_drop,
            )
        )
    return orders


def _paid_moment(rng: random.Random) -> float:
    hour = rng.choices(range(24), weights=HOURLY_WEIGHTS)[0]
    return hour * 3600 + rng.uniform(0, 3600)


def _pick(rng: random.Random, options: tuple) -> tuple:
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def _promotion(rng: random.Random, spec: OrderSpec, gift: bool):  # type: ignore[no-untyped-def]
    total = spec.goods_total
    if gift:
        return rng.choice([p for p in GIFT_PROMOTIONS if total >= p.threshold])
    eligible = [p for p in PLAIN_PROMOTIONS if total >= p.threshold]
    return rng.choice(eligible) if eligible and rng.random() < 0.4 else None


def summary(orders: list[PlannedOrder]) -> dict[str, int]:
    return {
        "orders": len(orders),
        "with_gift": sum(o.gift for o in orders),
        "address_changes": sum(o.address_change is not None for o in orders),
        "address_changes_mid_pack": sum(o.address_change == "mid_pack" for o in orders),
        "refunds": sum(o.refund is not None for o in orders),
        "refunds_after_print": sum(o.refund == "after_print" for o in orders),
        "packer_forgets_gift": sum(o.forget_gift for o in orders),
        "packer_wrong_item": sum(o.wrong_item for o in orders),
        "packer_double_scan": sum(o.double_scan for o in orders),
        "packer_network_drop": sum(o.network_drop for o in orders),
    }
