"""The label jobs other entry points enqueue after their commit, named as data (dotted path, ids, queue,
deterministic job id) so the domain can say what should happen next without importing the workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LABELS_QUEUE = "labels"
REQUEST_WAYBILL_JOB = "workers.jobs.labels.request_waybill_job"
REISSUE_LABEL_JOB = "workers.jobs.labels.reissue_label_job"


@dataclass(frozen=True)
class FollowUp:
    func: str
    args: tuple[Any, ...]
    job_id: str
    queue: str = LABELS_QUEUE


def request_waybill_followup(order_number: str, label_version: int) -> FollowUp:
    """Ask the courier again (same package ref) for a waybill the station could not wait for."""
    return FollowUp(
        REQUEST_WAYBILL_JOB, (order_number, label_version), f"waybill:{order_number}:L{label_version}"
    )


def reissue_label_followup(order_number: str, address_version: int) -> FollowUp:
    """Void and replace the label after an address change. The job id carries the address version: a
    second change while the first job runs is not swallowed as a duplicate."""
    return FollowUp(REISSUE_LABEL_JOB, (order_number,), f"reissue:{order_number}:A{address_version}")
