"""Queue names by workload. A worker lists the queues it serves in priority order: a packer waiting for a
label comes before a robot message, which comes before a platform window."""

from __future__ import annotations

LABELS = "labels"  # waybill requests and label rendering: a packer is waiting at the bench
ALERTS = "alerts"  # alert rules, watchdogs, robot digests
SYNC = "sync"  # platform windows, status pushes, consistency checks (sync_failing is raised for these)
DEFAULT = "default"

ALL = (LABELS, ALERTS, SYNC, DEFAULT)


def validate(names: list[str] | tuple[str, ...]) -> list[str]:
    unknown = sorted(set(names) - set(ALL))
    if unknown:
        raise ValueError(f"unknown queues {unknown}; Packline has {list(ALL)}")
    return list(names)
