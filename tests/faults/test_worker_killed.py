"""An RQ worker SIGKILLed in the middle of a job (the courier call of a waybill job): the job runs again
and the end state is the one of a single clean run — one waybill per order, the courier asked again under
the same package ref, nothing failed. Two ways to die: the OOM killer takes the work horse (the worker's
parent process retries at once), or the whole worker goes (a new worker retries the job RQ finds
abandoned once its heartbeat lapses)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server.alerts.models import Alert
from server.config import Settings
from server.db import make_engine
from server.labels.followups import LABELS_QUEUE, REQUEST_WAYBILL_JOB
from server.labels.models import WaybillRecord
from server.orders.models import Order
from simulators import courier
from tests.faults.own_services import OwnRedis
from tests.faults.packline_procs import Proc, packline_env, rq_worker
from tests.support import make_order
from workers.rq_queue import RqJobQueue, rq_job_id

pytestmark = pytest.mark.faults

COURIER_DELAY = 2.5  # the courier answers this late: the window in which the worker dies
CREATE = "zto.open.createOrder"


@dataclass
class Site:
    redis: OwnRedis
    db: Engine
    courier: courier.SimulatorHandle
    env: dict[str, str]
    jobs: RqJobQueue

    def order(self) -> str:
        with Session(self.db) as session:
            number = make_order(session, "picking").order_number
            session.commit()
        return number

    def enqueue(self, number: str) -> Job:
        job_id = f"waybill:{number}:L1"
        assert self.jobs.submit(REQUEST_WAYBILL_JOB, number, 1, queue=LABELS_QUEUE, job_id=job_id)
        return Job.fetch(rq_job_id(job_id), connection=self.jobs.connection)

    @property
    def courier_port(self) -> int:
        return int(self.courier.url.rsplit(":", 1)[1].split("/")[0])

    def courier_calls(self) -> int:
        return len(self.courier.app.journal.entries(CREATE))

    def outcome(self, number: str) -> tuple[object, ...]:
        """Everything a waybill job leaves behind, minus the values that differ per order."""
        with Session(self.db) as session:
            order = session.scalars(select(Order).where(Order.order_number == number)).one()
            records = session.scalars(select(WaybillRecord).where(WaybillRecord.order_id == order.id)).all()
            alerts = session.scalars(select(Alert.kind).where(Alert.order_id == order.id)).all()
            issued = [
                w for w in self.courier.app.waybills.values() if w["bill_code"] == order.tracking_number
            ]
            return (
                order.status,
                order.tracking_number is not None,
                [(r.label_version, r.status, r.tracking_number == order.tracking_number) for r in records],
                sorted(alerts),
                len(issued),
            )


@pytest.fixture
def site(packline_db: str) -> Iterator[Site]:
    own_redis = OwnRedis().start()
    db_url = packline_db
    sim = courier.start(response_delay=COURIER_DELAY)
    engine = None
    try:
        engine = make_engine(db_url)
        settings = {"courier_base_url": sim.url, "zto_app_key": "ztokey", "zto_app_secret": "ztosecret"}
        env = packline_env(db_url, own_redis.url, job_retry_base_seconds=1, **settings)
        jobs = RqJobQueue.from_settings(
            Settings(database_url=db_url, redis_url=own_redis.url, job_retry_base_seconds=1)
        )
        yield Site(own_redis, engine, sim, env, jobs)
    finally:
        sim.stop()
        if engine is not None:
            engine.dispose()
        own_redis.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def work_horse(worker: Proc) -> int | None:
    """The worker's child running the job. RQ starts it with setpgrp() (its process group id is its pid),
    which tells it from the worker's scheduler process (the other child)."""
    assert worker.proc is not None
    pid = worker.proc.pid
    children = [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    for child in children:
        try:
            group = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[2])
        except (OSError, IndexError, ValueError):
            continue
        if group == int(child):
            return int(child)
    return None


def calling(pid: int, port: int) -> bool:
    """`pid` holds an open TCP connection to 127.0.0.1:`port` (its request is waiting for the answer)."""
    try:
        inodes = {
            link[8:-1]
            for fd in Path(f"/proc/{pid}/fd").iterdir()
            if (link := os.readlink(fd)).startswith("socket:[")
        }
    except OSError:  # the process is gone
        return False
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote_port, state, inode = int(fields[2].rsplit(":", 1)[1], 16), fields[3], fields[9]
        if remote_port == port and state == "01" and inode in inodes:  # 01: ESTABLISHED
            return True
    return False


def kill_work_horse_mid_call(worker: Proc, courier_port: int) -> None:
    """Kill the work horse while its courier request is in flight (the simulator answers COURIER_DELAY s
    late and journals the call only then, so the journal cannot tell the moment)."""
    wait_for(
        lambda: (horse := work_horse(worker)) is not None and calling(horse, courier_port),
        "the work horse calling the courier",
    )
    horse = work_horse(worker)
    assert horse is not None
    os.kill(horse, signal.SIGKILL)


def finished(job: Job) -> bool:
    status = job.get_status(refresh=True)
    assert status != JobStatus.FAILED, job.latest_result()
    return status == JobStatus.FINISHED


def test_a_job_killed_mid_courier_call_ends_as_one_clean_run(site: Site) -> None:
    worker = rq_worker(site.env, LABELS_QUEUE).start()
    second_worker = None
    try:
        clean, horse_killed, worker_killed = site.order(), site.order(), site.order()

        job = site.enqueue(clean)
        wait_for(lambda: finished(job), "the clean run")
        assert site.courier_calls() == 1

        # 1. The work horse dies mid-call (the OOM killer's pick): the worker retries it after 1 s.
        job = site.enqueue(horse_killed)
        kill_work_horse_mid_call(worker, site.courier_port)
        wait_for(lambda: finished(job), "the retry after the work horse was killed")
        assert site.courier_calls() == 3  # asked again, same package ref

        # 2. The whole worker dies mid-call, work horse included (the horse runs in a process group of its
        # own, so that takes its pid too: what systemd's SIGKILL of the unit's cgroup does); a new one starts.
        job = site.enqueue(worker_killed)
        kill_work_horse_mid_call(worker, site.courier_port)
        worker.stop()
        wait_for(lambda: site.courier_calls() == 4, "the courier journalling the killed call")
        connection = Redis.from_url(site.redis.url)
        registry = StartedJobRegistry(LABELS_QUEUE, connection=connection)
        assert job.id in registry.get_job_ids()  # abandoned: nobody runs it, nobody failed it
        # RQ's own timing, fast-forwarded: the dead worker's scheduler lock expires after 61 s (until then
        # no retry with a delay is scheduled), its job counts as abandoned once the heartbeat lapsed
        # (monitoring interval 30 s + 60 s), and a worker's maintenance looks for both (every 60 s in
        # `packline worker`, RQ's default of 10 min was a finding of this test). The new worker's
        # maintenance then runs RQ's abandoned-job handling, which retries the job.
        connection.delete(f"rq:scheduler-lock:{LABELS_QUEUE}")
        second_worker = rq_worker(site.env, LABELS_QUEUE).start()
        registry.cleanup(timestamp=time.time() + 90 + 1)
        assert job.get_status(refresh=True) == JobStatus.SCHEDULED  # a retry, after the 1 s interval
        wait_for(lambda: finished(job), "the retry of the abandoned job")
        assert site.courier_calls() == 5

        baseline = site.outcome(clean)
        assert baseline == ("picking", True, [(1, "issued", True)], [], 1), baseline
        assert site.outcome(horse_killed) == baseline
        assert site.outcome(worker_killed) == baseline
        assert len(site.courier.app.waybills) == 3  # one per order, none issued twice
    finally:
        worker.stop()
        if second_worker is not None:
            second_worker.stop()
