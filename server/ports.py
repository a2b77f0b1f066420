"""Ports: what the domain and the entry points ask of the outside (publishing events, enqueueing jobs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from server.events import DomainEvent


class Publisher(Protocol):
    def publish(self, events: Iterable[DomainEvent]) -> None: ...


class JobQueue(Protocol):
    def enqueue(self, func: str, *args: Any, queue: str = "default", job_id: str | None = None) -> None:
        """`func` is a dotted path to a job function in workers.jobs; args are ids and plain values."""


@dataclass
class RecordingPublisher:
    """In-memory publisher for tests and for runs where nobody listens. It keeps the latest `keep` events
    only, so a long-running process (the demo, `packline serve`) does not grow without bound."""

    events: list[DomainEvent] = field(default_factory=list)
    keep: int = 10_000

    def publish(self, events: Iterable[DomainEvent]) -> None:
        self.events.extend(events)
        if len(self.events) > 2 * self.keep:  # trimmed now and then, not on every call
            del self.events[: -self.keep]

    def names(self) -> list[str]:
        return [e.name for e in self.events]


@dataclass
class RecordingJobQueue:
    jobs: list[tuple[str, Sequence[Any], str, str | None]] = field(default_factory=list)

    def enqueue(self, func: str, *args: Any, queue: str = "default", job_id: str | None = None) -> None:
        self.jobs.append((func, args, queue, job_id))
