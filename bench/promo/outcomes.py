"""The day's outcomes, judged from Packline's database and the simulators' books against what the world
did (the event log) — never from what the harness believes it did."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.promo.dayplan import PlannedOrder
from bench.promo.settings import DayClock, RunSettings
from server.clock import ensure_aware
from server.labels.models import WaybillRecord
from server.orders.models import AddressVersion, GiftOrder, Order
from server.scanning.models import PackSession
from server.shipping.models import HandoverBatch, HandoverParcel, Package

MUST_BE_ZERO = ("gift_omissions_shipped", "wrong_address_shipments", "refunded_orders_shipped",
                "lost_orders", "doubled_orders")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def judge(engine: Engine, plan: list[PlannedOrder], world: Any, sims: dict[str, Any], clock: DayClock,
          settings: RunSettings) -> dict[str, Any]:
    by_index = {o.index: o for o in plan}
    external = world.external_ids  # plan index → platform order id, for every order the buyers paid
    with engine.connect() as conn:
        orders = {r.external_id: r for r in conn.execute(
            select(Order.id, Order.order_number, Order.external_id, Order.status, Order.shipped_at,
                   GiftOrder.status.label("gift_status"), GiftOrder.id.label("gift_id"))
            .outerjoin(GiftOrder, GiftOrder.order_id == Order.id))}
        gift_scanned = {r[0] for r in conn.execute(
            select(PackSession.order_id).where(PackSession.status == "completed", PackSession.gift_scanned.is_(True)))}
        per_external = Counter(r[0] for r in conn.execute(select(Order.external_id)))
        double_packs = conn.execute(
            select(func.count()).select_from(
                select(PackSession.order_id).where(PackSession.status == "completed")
                .group_by(PackSession.order_id).having(func.count() > 1).subquery())).scalar()
        handed = {r.order_id: r for r in conn.execute(
            select(HandoverParcel.order_id, HandoverBatch.opened_at, HandoverBatch.closed_at,
                   WaybillRecord.address_version)
            .join(HandoverBatch, HandoverBatch.id == HandoverParcel.batch_id)
            .join(Package, Package.id == HandoverParcel.package_id)
            .outerjoin(WaybillRecord, WaybillRecord.tracking_number == Package.tracking_number)
            .where(HandoverBatch.status == "closed"))}
        addresses = conn.execute(select(AddressVersion.order_id, AddressVersion.version,
                                        AddressVersion.created_at)).all()
    shipped = {ext: r for ext, r in orders.items() if r.shipped_at is not None and r.id in handed}
    index_of = {ext: i for i, ext in external.items()}
    refunds = world.log.first("refund_requested")
    moves = world.log.first("address_changed")

    # A gift whose slip was never scanned into the box (a lead's to_reship override is a known gap, not an omission).
    gift_omissions = [r.order_number for r in shipped.values()
                      if r.gift_id and r.id not in gift_scanned and r.gift_status != "to_reship"]
    wrong_address = []
    for r in shipped.values():
        at = ensure_aware(handed[r.id].closed_at or r.shipped_at)
        latest = max((v for o, v, c in addresses if o == r.id and ensure_aware(c) <= at), default=1)
        # The world's view too: a change the CRM pushed before the courier came must be on the label.
        moved = moves.get(index_of.get(r.external_id, -1))
        if moved is not None and moved < ensure_aware(handed[r.id].opened_at).timestamp():
            latest = max(latest, 2)
        if (handed[r.id].address_version or 0) < latest:
            wrong_address.append(r.order_number)
    refunded_shipped, raced = [], []
    for ext, r in shipped.items():
        asked = refunds.get(index_of.get(ext, -1))
        if asked is None:
            continue
        opened = ensure_aware(handed[r.id].opened_at).timestamp()
        (refunded_shipped if asked < opened else raced).append(r.order_number)
    lost = [ext for ext in external.values() if ext not in orders]
    confirmations = Counter(s.get("tid") or s.get("order_sn") for sim in ("taobao", "pdd")
                            for s in sims[sim].app.shipments)
    doubled = sum(n > 1 for n in per_external.values()) + int(double_packs or 0) + sum(
        n > 1 for n in confirmations.values())

    # On time: handed over within the promise, in simulated time; a refunded order is not owed a parcel.
    owed = [i for i in external if i not in refunds]
    by_hour: dict[int, list[bool]] = {}
    for i in owed:
        r = orders.get(external[i])
        ok = False
        if r is not None and r.external_id in shipped:
            sim_shipped = clock.sim_at(ensure_aware(r.shipped_at).timestamp())
            ok = sim_shipped <= by_index[i].sim_paid + settings.promise_hours * 3600
        by_hour.setdefault(int(by_index[i].sim_paid // 3600), []).append(ok)
    on_time = sum(sum(flags) for flags in by_hour.values())
    number_of = {i: orders[e].order_number for i, e in external.items() if e in orders}
    return {
        "gift_omissions_shipped": len(gift_omissions),
        "wrong_address_shipments": len(wrong_address),
        "refunded_orders_shipped": len(refunded_shipped),
        "lost_orders": len(lost),
        "doubled_orders": doubled,
        "examples": {"gift_omissions": gift_omissions[:5], "wrong_address": wrong_address[:5],
                     "refunded_shipped": refunded_shipped[:5], "lost": lost[:5]},
        "refund_raced_pickup": len(raced),
        "address_pushes_refused": len(world.log.first("address_change_refused")),
        "orders_paid": len(external),
        "orders_in_packline": sum(e in orders for e in external.values()),
        "orders_handed_over": len(shipped),
        "platform_confirmations": len(confirmations),
        "on_time_rate": on_time / len(owed) if owed else None,
        "owed_orders": len(owed),
        "on_time_by_paid_hour": {h: round(sum(f) / len(f), 3) for h, f in sorted(by_hour.items())},
        "paid_by_hour": {h: len(f) for h, f in sorted(by_hour.items())},
        "number_of": number_of,
        "moves": moves,
    }


def alert_latency(moves: dict[int, float], number_of: dict[int, str], heard: dict[str, float]) -> dict[str, Any]:
    """CRM push → `alert_raised` at a lead screen, per address change that was heard."""
    latencies = [heard[number_of[i]] - at for i, at in moves.items() if i in number_of and number_of[i] in heard]
    return {"alerts_expected": len(moves), "alerts_heard": len(latencies),
            "alert_p50_ms": _ms(percentile(latencies, 50)), "alert_p99_ms": _ms(percentile(latencies, 99))}


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
