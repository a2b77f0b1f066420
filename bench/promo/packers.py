"""A simulated packer with a PDA: takes the next order of the warehouse, prints its label, scans it
through as the server's answers direct (server-driven handheld), and makes the plan's mistakes on the way:
forgets the gift, scans a wrong item, scans an item twice, drops off the network for a while."""

from __future__ import annotations

import random
import threading
import time
import uuid
from typing import Any

from bench.promo.floor import Floor, Task
from bench.promo.pda import Pda
from bench.promo.world import World
from simulators.catalog import PRODUCTS

MAX_SCANS = 80  # a pack needing more is a harness bug, not a packer


class Packer(threading.Thread):
    def __init__(self, name: str, pda: Pda, floor: Floor, world: World, warehouse: str, seed: int) -> None:
        super().__init__(name=name, daemon=True)
        self.pda, self.floor, self.world, self.warehouse = pda, floor, world, warehouse
        self.rng = random.Random(seed)
        self.packed = 0

    def run(self) -> None:
        while not self.floor.closing.is_set():  # the shift ends: finish the order in hand, take no other
            task = self.floor.next_task(self.warehouse)
            if task is None:
                continue
            try:
                self._relabel(task) if task.kind == "relabel" else self._pack(task)
            except Exception as exc:
                self.pda.stats.error(f"{self.name} {task.number}: {type(exc).__name__} {exc}")
                self.floor.finish(task, "harness_error")

    # --- one order ---------------------------------------------------------------------------------
    def _pack(self, task: Task) -> None:
        tracking, status = self.pda.print_label(task.number)
        if tracking is None:
            return self.floor.finish(task, f"print:{status}")
        if task.order.refund == "after_print":
            self.world.refund(task.order)
        answer = self.pda.scan(task.number)
        if answer.get("code") == "ORDER_ON_HOLD":
            answer = self._on_hold(task, answer, pack_open=False)
            if answer is None:
                return None
        if answer.get("code") != "ORDER_OPENED":
            return self.floor.finish(task, f"open:{answer.get('code')}")
        answer = self._scan_through(task, answer)
        if answer is None:
            return None
        if answer.get("step") != "done":
            self.pda.abandon("promo-day harness gave up")
            return self.floor.finish(task, f"stuck:{answer.get('code')}")
        self.packed += 1
        if task.order.address_change == "after_pack":
            self.world.change_address(task.order, wait=True)
        self.floor.to_dock(task, (answer.get("order") or {}).get("tracking_number") or tracking)
        return None

    def _scan_through(self, task: Task, answer: dict[str, Any]) -> dict[str, Any] | None:
        order = task.order
        forget, wrong, double = order.forget_gift, order.wrong_item, order.double_scan
        drop, move = order.network_drop, order.address_change == "mid_pack"
        for _ in range(MAX_SCANS):
            step, code = answer.get("step"), answer.get("code")
            if step == "done":
                return answer
            if code == "ORDER_ON_HOLD":
                answer = self._on_hold(task, answer, pack_open=True)
                if answer is None:
                    return None
                continue
            if code in ("LABEL_OUTDATED", "LABEL_NOT_PRINTED"):
                tracking, status = self.pda.print_label(task.number)
                answer = self.pda.scan(tracking) if tracking else {"code": status, "step": "stuck"}
                continue
            if step == "scan_order":  # the pack was closed under us (lock taken over): open it again
                answer = self.pda.scan(task.number)
                if answer.get("code") not in ("ORDER_OPENED", "ORDER_ON_HOLD"):
                    return answer
                continue
            if step == "scan_items":
                lines = (answer.get("order") or {}).get("lines") or []
                todo = next((ln for ln in lines if ln["scanned"] < ln["required"]), None)
                if todo is None:
                    return answer
                if wrong:
                    wrong = False
                    self.pda.scan(self._barcode_not_in(lines))
                barcode = todo["barcodes"][0]
                if drop:
                    drop = False
                    answer = self._drop_off_and_resend(barcode)
                else:
                    answer = self.pda.scan(barcode)
                if move and answer.get("code") == "ITEM_ACCEPTED":
                    move = False
                    self.world.change_address(order, wait=True)
                if double and answer.get("code") == "ITEM_ACCEPTED" and todo["scanned"] + 1 >= todo["required"]:
                    double = False
                    answer = self.pda.scan(barcode)  # OVER_SCAN: the line is full
                continue
            if step == "scan_gift":
                gift = (answer.get("order") or {}).get("gift") or {}
                if forget:
                    forget = False
                    answer = self.pda.scan(task.number)  # "done" — without the gift
                else:
                    answer = self.pda.scan(gift.get("gift_number") or f"{task.number}GIFT")
                continue
            if step == "confirm":
                answer = self.pda.scan(task.number)
                continue
            return answer
        return answer

    def _on_hold(self, task: Task, answer: dict[str, Any], *, pack_open: bool) -> dict[str, Any] | None:
        holds = (answer.get("details") or {}).get("holds") or ((answer.get("order") or {}).get("holds")) or []
        if "address_changed" not in holds or len(holds) > 1:
            if pack_open:
                self.pda.abandon(f"on hold: {','.join(holds)}")
            self.floor.finish(task, "held:" + ",".join(sorted(holds)))
            return None
        tracking, status = self.pda.print_label(task.number)  # the new address's label
        if tracking is None:
            self.floor.finish(task, f"reprint:{status}")
            return None
        if pack_open:
            return self.pda.scan(tracking)  # the new label on the box lifts the hold
        self.pda.label_scan(task.number, tracking)
        return self.pda.scan(task.number)

    def _relabel(self, task: Task) -> None:
        """A parcel the dock stopped for a new address: new label, scan it, back to the dock."""
        tracking, status = self.pda.print_label(task.number)
        if tracking is None:
            return self.floor.finish(task, f"relabel:{status}")
        self.pda.label_scan(task.number, tracking)
        self.floor.to_dock(task, tracking)
        return None

    def _drop_off_and_resend(self, barcode: str) -> dict[str, Any]:
        """The request reaches the server, the answer never reaches the PDA; it comes back and resends."""
        scan_id = uuid.uuid4().hex
        self.pda.scan(barcode, scan_id)
        time.sleep(self.floor.wall_seconds(self.rng.uniform(600, 1800)))
        return self.pda.scan(barcode, scan_id)

    def _barcode_not_in(self, lines: list[dict[str, Any]]) -> str:
        mine = {b for ln in lines for b in ln["barcodes"]}
        return self.rng.choice([p.barcode for p in PRODUCTS if p.barcode not in mine])
