"""The composition of database, publisher and job queue that every entry point (web, socket, worker) uses.

`Runtime.work()` is the one transaction of an entry point: events and jobs registered on it go out only
after a successful commit, so a PDA never hears "packed" for a transaction that rolled back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server.config import Settings
from server.db import UnitOfWork, make_engine, make_session_factory, unit_of_work
from server.events import DomainEvent
from server.ports import JobQueue, Publisher, RecordingJobQueue, RecordingPublisher


class Work:
    """Handed to an entry point inside `Runtime.work()`."""

    def __init__(self, uow: UnitOfWork, publisher: Publisher, jobs: JobQueue) -> None:
        self._uow = uow
        self._publisher = publisher
        self._jobs = jobs
        self.session: Session = uow.session

    def publish(self, events: Iterable[DomainEvent]) -> None:
        batch = list(events)
        if batch:
            self._uow.after_commit(lambda: self._publisher.publish(batch))

    def enqueue(self, func: str, *args: Any, queue: str = "default", job_id: str | None = None) -> None:
        self._uow.after_commit(lambda: self._jobs.enqueue(func, *args, queue=queue, job_id=job_id))

    def after_commit(self, effect: Callable[[], None]) -> None:
        self._uow.after_commit(effect)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: Callable[[], Session]
    publisher: Publisher = field(default_factory=RecordingPublisher)
    jobs: JobQueue = field(default_factory=RecordingJobQueue)

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        publisher: Publisher | None = None,
        jobs: JobQueue | None = None,
        session_factory: Callable[[], Session] | None = None,
        engine: Engine | None = None,
    ) -> Runtime:
        engine = engine or make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=session_factory or make_session_factory(engine),
            publisher=publisher or RecordingPublisher(),
            jobs=jobs or RecordingJobQueue(),
        )

    @contextmanager
    def work(self) -> Iterator[Work]:
        with unit_of_work(self.session_factory) as uow:
            yield Work(uow, self.publisher, self.jobs)

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring loaded objects, so they serialise afterwards.
            session.close()
