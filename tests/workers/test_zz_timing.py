import time
from sqlalchemy.orm import configure_mappers
from workers.jobs import sync as jobs
from server import clock
from datetime import timedelta

def test_timing(configure_workers, sims, clean_db):
    configure_workers()
    t = time.time(); configure_mappers(); print("configure", time.time() - t)
    since = (clock.now() - timedelta(minutes=200)).replace(microsecond=0).isoformat()
    t = time.time()
    jobs.sync_platform_window("pdd", "pdd-01", since)
    print("one", time.time() - t)
