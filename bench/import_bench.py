"""Daily Excel import into PostgreSQL: a generated orders_daily-style .xlsx of N rows through the full
import (read, validate, group, upsert through the batch ingest `ingest_orders` in batches, run log), then
the same file again (digest check) and once more forced (the idempotent upsert finding every order
unchanged).

The database is created for the run and dropped afterwards (`--keep` leaves it). Besides wall-clock
seconds it reports CPU per order of this process and of the PostgreSQL backends serving it (read from
/proc, so PostgreSQL must run on this machine): on a shared VM the CPU figures barely move with the load.

Usage: .venv/bin/python bench/import_bench.py [--rows 100000] [--batch 500]
       PACKLINE_BENCH_PG_ADMIN_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (default)
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import models
from server.config import Settings
from server.db import make_engine
from server.demo_seed import seed_reference
from server.imports.drafts import build_drafts
from server.imports.mapping import load_mapping
from server.imports.pipeline import ImportRequest, import_file
from server.imports.reader import read_table
from server.orders.models import Order
from server.runtime import Runtime
from simulators.catalog import ALL_PRODUCTS

HEADERS = ["单号", "门店", "收货人", "手机", "省", "市", "区", "详细地址", "商品编码", "商品条码", "商品名称", "数量",
           "实付金额", "付款时间", "促销活动"]
STORES = ("杭州滨江店", "宁波鄞州店", "宁波海曙店")
GOODS = (("SKU-WIPE-80", "6901234567892", "婴儿湿巾80抽", 29.9), ("SKU-DIAPER-L", "6901234567908", "纸尿裤L码", 119.0),
         ("SKU-BOTTLE-240", "6901234567915", "奶瓶240ml", 69.0))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛")
PLACES = (("浙江省", "杭州市", "滨江区"), ("浙江省", "宁波市", "鄞州区"), ("浙江省", "宁波市", "海曙区"))
STREETS = ("文化路", "世纪大道", "天童南路", "江南大道", "中山西路")


def generate(path: Path, rows: int, seed: int = 2026) -> int:
    """`rows` rows, one order per row or two (a fifth of the orders have two lines); returns the orders."""
    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("订单")
    sheet.append(HEADERS)
    start = datetime(2026, 2, 17, 0, 0)
    written = orders = 0
    while written < rows:
        orders += 1
        number = f"POS20260217{orders:07d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        province, city, district = rng.choice(PLACES)
        detail = f"{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}幢{rng.randint(101, 2801)}室"
        paid_at = start + timedelta(seconds=orders * 0.8)
        store = rng.choice(STORES)
        lines = rng.sample(GOODS, 2 if rng.random() < 0.2 and written + 1 < rows else 1)
        for sku, barcode, title, price in lines:
            qty = rng.randint(1, 4)
            amount = round(price * qty, 2)
            promotion = "满199减20" if amount >= 199 and rng.random() < 0.5 else None
            sheet.append([number, store, name, phone, province, city, district, detail, sku, barcode, title, qty,
                          amount, paid_at, promotion])
            written += 1
    book.save(path)
    return orders


def pg_cpu_seconds(engine: Engine, database: str) -> float:
    """user+system CPU of the PostgreSQL backends connected to `database` (same machine only)."""
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": database}).scalars().all()
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} vCPU {cpu}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500, help="orders per transaction (PACKLINE_IMPORT_BATCH_SIZE)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    admin_url = os.environ.get("PACKLINE_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"packline_bench_import_{os.getpid()}_{uuid.uuid4().hex[:4]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        version = conn.execute(text("SHOW server_version")).scalar()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    try:
        models.Base.metadata.create_all(engine)
        with Session(engine) as session:
            seed_reference(session, list(ALL_PRODUCTS))
            session.commit()
        settings = Settings(database_url=url, import_batch_size=args.batch)
        rt = Runtime.create(settings, engine=engine)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "orders_daily.xlsx"
            started = time.perf_counter()
            orders = generate(path, args.rows)
            generated = time.perf_counter() - started
            data = path.read_bytes()
            print(f"generated {args.rows} rows / {orders} orders, {len(data) / 1e6:.1f} MB in {generated:.1f} s")

            started = time.perf_counter()
            table = read_table(data, "xlsx")
            read = time.perf_counter() - started
            mapping = load_mapping("pos")
            started = time.perf_counter()
            drafts = build_drafts(table, mapping, mapping.columns(table.headers), settings.tz)
            validated = time.perf_counter() - started
            del table, drafts

            runs = []
            for label, force in (("first import", False), ("same file again", False), ("forced re-import", True)):
                load = os.getloadavg()[0]
                cpu, pg_cpu, started = time.process_time(), pg_cpu_seconds(admin, name), time.perf_counter()
                report = import_file(rt, ImportRequest(data, path.name, force=force, actor="bench"))
                wall = time.perf_counter() - started
                cpu, pg_cpu = time.process_time() - cpu, pg_cpu_seconds(admin, name) - pg_cpu
                runs.append((label, wall, report, cpu, pg_cpu))
                print(f"{label}: {wall:.1f} s (load {load:.1f} -> {os.getloadavg()[0]:.1f}), python CPU {cpu:.1f} s, "
                      f"PostgreSQL CPU {pg_cpu:.1f} s, {report.status}, {report.counts()}")
        with Session(engine) as session:
            landed = session.scalar(select(func.count()).select_from(Order))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print()
        print(f"Machine: {machine()}, PostgreSQL {version}; read xlsx {read:.1f} s, validate+group {validated:.1f} s,"
              f" peak RSS {peak:.0f} MiB")
        print("| run | rows | orders | seconds | orders/s | Python CPU ms/order | PostgreSQL CPU ms/order |")
        for label, wall, report, cpu, pg_cpu in runs:
            n = report.orders_total
            if not n:  # the digest check: nothing per order to speak of
                print(f"| {label} ({report.status}) | {args.rows} | 0 | {wall:.2f} | — | — | — |")
                continue
            print(f"| {label} | {report.rows_total} | {n} | {wall:.1f} | {n / wall:.0f} |"
                  f" {cpu * 1000 / n:.1f} | {pg_cpu * 1000 / n:.1f} |")
        print(f"orders in the database: {landed}")
    finally:
        engine.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
