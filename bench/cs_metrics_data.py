"""Bulk data for bench/cs_metrics_bench.py, generated inside PostgreSQL (generate_series + random(), set
seed): N orders paid over D warehouse-local days ending now, each with an address, a status trail and —
every third — a gift sub-order; plus scan events, CS lookups and daily consistency checks.

The distribution mirrors a busy shop: ~4 % refunded/cancelled, ~94 % tracked within the promise, ~5 %
tracked late, ~1 % stuck without tracking; tmall/jd/miniapp promise 24 h, taobao/pdd 48 h."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from server import clock

TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
]

STAGE = """
CREATE UNLOGGED TABLE bench_stage AS
WITH draws AS (
  SELECT i, random() AS r_day, random() AS r_ch, random() AS r_exit, random() AS r_exit_at, random() AS r_kind,
         random() AS r_track, random() AS r_track_at, random() AS r_pack, random() AS r_ship, random() AS r_deliv,
         random() AS r_wh, floor(random() * 1e9)::bigint AS r_phone, 1 + floor(random() * 20)::int AS r_sur,
         1 + floor(random() * 20)::int AS r_given
  FROM generate_series(1, :n) AS i
), paid AS (
  SELECT d.*, least(:start + (((i - 1) * :days) / :n) * interval '1 day' + r_day * interval '1 day',
                    :now - r_day * interval '1 hour') AS paid_at,
         CASE WHEN r_ch < 0.30 THEN 'tmall' WHEN r_ch < 0.55 THEN 'taobao' WHEN r_ch < 0.70 THEN 'jd'
              WHEN r_ch < 0.90 THEN 'pdd' ELSE 'miniapp' END AS channel
  FROM draws d
), promise AS (
  SELECT p.*, CASE WHEN channel IN ('taobao', 'pdd') THEN 48 ELSE 24 END AS hours FROM paid p
), fate AS (
  SELECT p.*, paid_at + hours * interval '1 hour' AS ship_by,
         CASE WHEN r_exit < 0.04 THEN least(paid_at + r_exit_at * hours * 1.2 * interval '1 hour', :now) END AS exit_at,
         CASE WHEN r_exit < 0.04 THEN NULL
              WHEN r_track < 0.94 THEN paid_at + (0.1 + r_track_at * (hours - 0.15)) * interval '1 hour'
              WHEN r_track < 0.99 THEN paid_at + hours * interval '1 hour' + (5 + r_track_at * 1195) * interval '1 minute'
         END AS tracked_raw
  FROM promise p
), steps AS (
  SELECT f.*, CASE WHEN tracked_raw <= :now THEN tracked_raw END AS tracked FROM fate f
), times AS (
  SELECT s.*,
         CASE WHEN exit_at IS NULL THEN coalesce(paid_at + (tracked - paid_at) / 2, paid_at + interval '30 minutes') END AS picking_at,
         tracked + (0.15 + r_pack * 0.3) * interval '1 hour' AS packed_raw,
         tracked + (2 + r_ship * 4) * interval '1 hour' AS shipped_raw,
         tracked + (30 + r_deliv * 48) * interval '1 hour' AS delivered_raw
  FROM steps s
)
SELECT t.*,
       CASE WHEN packed_raw <= :now THEN packed_raw END AS packed_at,
       CASE WHEN shipped_raw <= :now THEN shipped_raw END AS shipped_at,
       CASE WHEN delivered_raw <= :now THEN delivered_raw END AS delivered_at,
       CASE WHEN exit_at IS NOT NULL THEN CASE WHEN r_kind < 0.6 THEN 'refunded' ELSE 'cancelled' END
            WHEN delivered_raw <= :now THEN 'delivered' WHEN shipped_raw <= :now THEN 'shipped'
            WHEN packed_raw <= :now THEN 'packed' WHEN tracked IS NOT NULL THEN 'printed'
            WHEN picking_at <= :now THEN 'picking' ELSE 'paid' END AS status,
       '1' || (3 + r_phone % 6)::text || lpad((r_phone % 1000000000)::text, 9, '0') AS phone,
       (CAST(:surnames AS text[]))[r_sur] || (CAST(:given AS text[]))[r_given] AS name,
       CASE WHEN r_wh < 0.67 THEN :hz ELSE :sh END AS warehouse_id
FROM times t
"""

ORDERS = """
INSERT INTO orders (id, order_number, source, external_id, shop_id, warehouse_id, customer_name, customer_phone,
  phone_last4, paid_amount, paid_at, promised_ship_hours, ship_by, status, tracking_number, tracking_assigned_at,
  courier_code, label_version, printed_at, packed_at, shipped_at, created_at, updated_at, version)
SELECT i, 'DAB' || to_char(paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
         || lpad(row_number() OVER (PARTITION BY (paid_at AT TIME ZONE 'Asia/Shanghai')::date ORDER BY i)::text, 6, '0'),
       channel, upper(channel) || '-' || lpad(i::text, 9, '0'), sh.id, warehouse_id, s.name, phone, right(phone, 4),
       129.00, paid_at, hours, ship_by, status, CASE WHEN tracked IS NOT NULL THEN '7310' || lpad(i::text, 10, '0') END,
       tracked, CASE WHEN tracked IS NOT NULL THEN 'ZTO' END, CASE WHEN tracked IS NOT NULL THEN 1 ELSE 0 END,
       tracked, packed_at, shipped_at, paid_at, greatest(paid_at, coalesce(delivered_at, shipped_at, packed_at, tracked, exit_at, paid_at)), 1
FROM bench_stage s JOIN shops sh ON sh.channel_code = s.channel
"""

CHILDREN = [
    """INSERT INTO address_versions (order_id, version, name, phone, province, city, district, detail, address_hash,
         source_system, created_at)
       SELECT i, 1, name, phone, '浙江省', '杭州市', '西湖区', '文三路' || (i % 999) || '号', md5(i::text), channel, paid_at
       FROM bench_stage""",
    """INSERT INTO status_transitions (order_id, subject, from_status, to_status, actor, source_system, reason, at)
       SELECT i, v.subject, v.from_status, v.to_status, v.actor, v.source_system, v.reason, v.at
       FROM bench_stage CROSS JOIN LATERAL (VALUES
         ('order', NULL, 'paid', 'system:sync', channel, 'ingested', paid_at),
         ('order', 'paid', 'picking', 'system:wms', 'packline', NULL, picking_at),
         ('order', 'picking', 'printed', 'user:packer.hz1', 'packline', NULL, tracked),
         ('order', 'printed', 'packed', 'user:packer.hz1', 'packline', NULL, packed_at),
         ('order', 'packed', 'shipped', 'system:courier', 'packline', NULL, shipped_at),
         ('order', 'shipped', 'delivered', 'system:courier', channel, NULL, delivered_at),
         ('order', CASE WHEN picking_at IS NULL THEN 'paid' END, status, 'system:sync', channel, 'asserted by source', exit_at),
         ('gift', NULL, 'pending', 'system:sync', channel, 'promotion', CASE WHEN i % 3 = 0 THEN paid_at END),
         ('gift', 'pending', 'packed', 'user:packer.hz1', 'pda', NULL, CASE WHEN i % 3 = 0 THEN packed_at END)
       ) AS v(subject, from_status, to_status, actor, source_system, reason, at)
       WHERE v.at IS NOT NULL""",
    """INSERT INTO gift_orders (id, order_id, gift_number, promotion_code, status, packed_at, created_at)
       SELECT i / 3, i, o.order_number || 'GIFT', 'P-199-20-CUP',
              CASE WHEN s.packed_at IS NOT NULL THEN 'packed' ELSE 'pending' END, s.packed_at, s.paid_at
       FROM bench_stage s JOIN orders o ON o.id = s.i WHERE i % 3 = 0""",
    """INSERT INTO gift_lines (gift_order_id, sku, name, qty) SELECT i / 3, 'GIFT-CUP-01', '保温水杯', 1
       FROM bench_stage WHERE i % 3 = 0""",
    # Mostly accepted item scans; ~2 % ORDER_ON_HOLD and ~1 % GIFT_REQUIRED rejections.
    """INSERT INTO scan_events (kind, raw_length, qty, result, code, actor, warehouse_id, order_id, created_at)
       SELECT 'scan', 14, 1, CASE WHEN r < 0.03 THEN 'rejected' ELSE 'ok' END,
              CASE WHEN r < 0.02 THEN 'ORDER_ON_HOLD' WHEN r < 0.03 THEN 'GIFT_REQUIRED' ELSE 'ITEM_ACCEPTED' END,
              'user:packer.hz1', CASE WHEN random() < 0.67 THEN :hz ELSE :sh END, 1 + floor(random() * :n)::int,
              :start + random() * (:now - :start)
       FROM (SELECT random() AS r FROM generate_series(1, :scans)) AS x""",
    """INSERT INTO cs_lookups (at, "user", via, key_kind, found, matches, latency_ms)
       SELECT :start + random() * (:now - :start), 'user:cs', 'desk', 'order', random() < 0.93, 1,
              round((1.5 + random() * random() * 20)::numeric, 3)
       FROM generate_series(1, :lookups)""",
    """INSERT INTO consistency_checks (day, warehouse_code, compared, consistent, checked_at)
       SELECT d::date, w.code, 10000, 10000 - floor(random() * 40)::int, :now
       FROM generate_series((:start AT TIME ZONE 'Asia/Shanghai')::date,
                            (:now AT TIME ZONE 'Asia/Shanghai')::date, interval '1 day') AS d
       CROSS JOIN warehouses w""",
]


BIG_TABLES = (
    "orders",
    "address_versions",
    "status_transitions",
    "gift_orders",
    "gift_lines",
    "scan_events",
    "cs_lookups",
)


def _drop_secondary_indexes(conn: Connection) -> list[str]:
    """Drop every index but the primary keys of the big tables; returns the DDL that rebuilds them.
    Building an index once over loaded rows is several times faster than maintaining it row by row."""
    restore: list[str] = []
    for table in BIG_TABLES:
        for name, definition in conn.execute(
            text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) AND contype = 'u'"),
            {"t": table},
        ):  # fmt: skip
            conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in conn.execute(
            text("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                 "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary"),
            {"t": table},
        ):  # fmt: skip
            conn.execute(text(f'DROP INDEX "{name}"'))
            restore.append(definition)
    return restore


def generate(
    engine: Engine, *, orders: int, days: int, now: datetime, scans: int, lookups: int
) -> dict[str, float]:
    """Fill the database; returns seconds per step."""
    start = clock.day_bounds(clock.local_day(now, TZ) - timedelta(days=days - 1), TZ)[0]
    with engine.connect() as conn:
        hz, sh = conn.execute(text("SELECT id FROM warehouses ORDER BY code")).scalars().all()
    params = {"n": orders, "days": days, "now": now, "start": start, "hz": hz, "sh": sh, "surnames": SURNAMES,
              "given": GIVEN, "scans": scans, "lookups": lookups}  # fmt: skip
    timings: dict[str, float] = {}
    with engine.begin() as conn:
        # The data is generated consistent; skipping the per-row FK triggers (superuser) halves the load.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(text("SELECT setseed(0.42)"))
        restore = _drop_secondary_indexes(conn)
        steps = [
            ("stage", STAGE),
            ("orders", ORDERS),
            *((f"child{n}", sql) for n, sql in enumerate(CHILDREN)),
        ]
        for name, sql in steps:
            started = clock.now()
            conn.execute(text(sql), params)
            timings[name] = (clock.now() - started).total_seconds()
        started = clock.now()
        for ddl in restore:
            conn.execute(text(ddl))
        timings["indexes"] = (clock.now() - started).total_seconds()
        for table in ("orders", "gift_orders"):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
        conn.execute(text("DROP TABLE bench_stage"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        started = clock.now()
        conn.execute(text("VACUUM ANALYZE"))
        timings["vacuum analyze"] = (clock.now() - started).total_seconds()
    return timings
