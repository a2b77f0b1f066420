"""Couriers for the pack station: one with a wall-clock budget (the station waits this long for a waybill,
then moves on) and one built lazily.

The connector's own timeouts (connect, read, its one in-place retry after a lost reply) can add up to
far more than a packer should wait, so the call runs in a helper thread and the caller stops waiting
when the budget is spent. Running out of budget is an unknown outcome, exactly like a read timeout: the
call may still create the waybill, and the retry (a job) asks again with the same package ref."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from server.integrations.http import IntegrationError, Outcome
from server.integrations.ports import CourierPort, Waybill, WaybillRequest

T = TypeVar("T")
BUDGET_EXCEEDED = "budget_exceeded"


class BudgetedCourier:
    """Wraps any `CourierPort`; raises `IntegrationError(retryable, unknown_outcome=True)` past `seconds`."""

    def __init__(self, inner: CourierPort, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self.courier_code = inner.courier_code

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        return self._within(lambda: self.inner.request_waybill(package_ref, order))

    def cancel_waybill(self, tracking_number: str) -> None:
        self._within(lambda: self.inner.cancel_waybill(tracking_number))

    def _within(self, call: Callable[[], T]) -> T:
        done = threading.Event()
        box: dict[str, object] = {}

        def run() -> None:
            try:
                box["value"] = call()
            except BaseException as exc:  # handed over to the waiting thread
                box["error"] = exc
            finally:
                done.set()

        # A daemon thread: an abandoned call finishes (or times out in the connector) on its own.
        threading.Thread(target=run, name=f"courier-{self.courier_code}", daemon=True).start()
        if not done.wait(self.seconds):
            raise IntegrationError(
                self.courier_code,
                Outcome.RETRYABLE,
                BUDGET_EXCEEDED,
                f"no answer within {self.seconds:g}s",
                unknown_outcome=True,
            )
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]  # type: ignore[return-value]


class LazyCourier:
    """A courier built on first use: printing a label whose waybill exists needs no courier at all, so
    a courier that is down or not configured must not stop it."""

    def __init__(self, courier_code: str, build: Callable[[str], CourierPort]) -> None:
        self.courier_code = courier_code
        self._build = build
        self._courier: CourierPort | None = None

    def _get(self) -> CourierPort:
        if self._courier is None:
            self._courier = self._build(self.courier_code)
        return self._courier

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        return self._get().request_waybill(package_ref, order)

    def cancel_waybill(self, tracking_number: str) -> None:
        self._get().cancel_waybill(tracking_number)
