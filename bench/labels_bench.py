"""Labels per second for each print format, rendered in one process (one core), fonts warm.

Every label has its own tracking number, recipient, order and items (seeded, reproducible).

Usage: .venv/bin/python bench/labels_bench.py [--count 200] [--size 76x130] [--dpi 203]
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from dataclasses import replace
from datetime import UTC, datetime

from server.labels import LabelContent, PrinterProfile, render_label

FORMATS = ("png", "pdf", "svg", "zpl")
WARM_UP = 5
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟")
REGIONS = ("浙江省杭州市西湖区", "上海市浦东新区", "广东省深圳市南山区", "北京市朝阳区", "四川省成都市武侯区")
STREETS = ("文一西路", "张江路", "科技园南路", "建国路", "天府大道", "人民路", "解放路")
ITEMS = (
    "纯棉T恤 白 L",
    "帆布袋",
    "保温杯 500ml",
    "蓝牙耳机",
    "数据线 Type-C 1m",
    "护手霜 3 支装",
    "袜子 5 双",
)


def sample_content() -> LabelContent:
    return LabelContent(
        tracking_number="73100000000000",
        courier_code="ZTO",
        courier_name="中通快递",
        routing_code="300-H12 09",
        consolidation="杭州转运",
        recipient_name="张三丰",
        recipient_phone="13812345678",
        recipient_address="浙江省杭州市西湖区文一西路998号海创园5幢301室",
        sender_name="杭州一号仓",
        sender_phone="0571-88886666",
        sender_address="浙江省杭州市余杭区仓前路88号",
        order_number="4012345678901234567",
        printed_at=datetime(2024, 6, 1, 2, 0, tzinfo=UTC),
        package_no=1,
        package_count=2,
        gift_inside=True,
        sku_summary="纯棉T恤 白 L ×2；帆布袋 ×1",
        label_version=1,
    )


def varied_content(base: LabelContent, n: int) -> LabelContent:
    """Per-parcel fields differ on every label, as in a real wave; warehouse and courier repeat."""
    rng = random.Random(n)
    return replace(
        base,
        tracking_number=f"731{rng.randrange(10**11):011d}",
        recipient_name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        recipient_phone=f"1{rng.randrange(30, 99)}{rng.randrange(10**8):08d}",
        recipient_address=f"{rng.choice(REGIONS)}{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        f"{rng.randrange(1, 30)}幢{rng.randrange(101, 2999)}室",
        order_number=f"40{rng.randrange(10**17):017d}",
        sku_summary=f"{rng.choice(ITEMS)} ×{rng.randrange(1, 4)}；{rng.choice(ITEMS)} ×1",
        gift_inside=rng.random() < 0.3,
    )


def bench_format(fmt: str, count: int, size: str, dpi: int) -> tuple[float, int]:
    """Seconds for ``count`` labels with distinct tracking numbers, and the mean output size."""
    profile = PrinterProfile(format=fmt, size=size, dpi=dpi)
    contents = [varied_content(sample_content(), n) for n in range(count + WARM_UP)]
    for content in contents[:WARM_UP]:
        render_label(content, profile)
    total_bytes = 0
    started = time.perf_counter()
    for content in contents[WARM_UP:]:
        total_bytes += len(render_label(content, profile).data)
    return time.perf_counter() - started, total_bytes // count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--size", default="76x130")
    parser.add_argument("--dpi", type=int, default=203)
    args = parser.parse_args()

    print(f"{args.count} labels per format, {args.size} mm @ {args.dpi} dpi, one process, "
          f"Python {platform.python_version()}\n")  # fmt: skip
    print("| format | labels | seconds | labels/s | ms/label | bytes/label |")
    print("|---|---:|---:|---:|---:|---:|")
    for fmt in FORMATS:
        seconds, mean_bytes = bench_format(fmt, args.count, args.size, args.dpi)
        rate = args.count / seconds
        print(
            f"| {fmt.upper()} | {args.count} | {seconds:.2f} | {rate:.0f} | {1000 / rate:.1f} | {mean_bytes} |"
        )


if __name__ == "__main__":
    main()
