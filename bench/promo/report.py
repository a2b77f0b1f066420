"""The run's outputs: JSON with everything, a short markdown table (enforced vs baseline), and a PNG
chart of the day's backlog and on-time rate."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from bench.promo.outcomes import MUST_BE_ZERO

ROWS = (
    ("gift omissions shipped (must be 0)", "gift_omissions_shipped"),
    ("wrong-address shipments (must be 0)", "wrong_address_shipments"),
    ("refunded orders shipped (must be 0)", "refunded_orders_shipped"),
    ("lost orders (must be 0)", "lost_orders"),
    ("doubled orders (must be 0)", "doubled_orders"),
    ("orders paid / handed over", ("orders_paid", "orders_handed_over")),
    ("on-time rate (handed over within the promise)", "on_time_rate"),
    ("alert latency p50 / p99 ms (CRM push → lead screen)", ("alert_p50_ms", "alert_p99_ms")),
    ("alerts heard / address changes", ("alerts_heard", "alerts_expected")),
    ("CS lookup p99 ms", "cs_lookup_p99_ms"),
    ("scan latency p50 / p95 / p99 ms", ("scan_p50_ms", "scan_p95_ms", "scan_p99_ms")),
    ("scans / scans per second", ("scans", "scans_per_second")),
    ("worker backlog peak (queued jobs)", "worker_backlog_peak"),
    ("refunds that raced a pickup (asked after the courier arrived)", "refund_raced_pickup"),
    ("address pushes Packline refused (order not synced yet; CRM retried)", "address_pushes_refused"),
    ("wall time s (day + drain)", "wall_seconds"),
    ("load average at the end (1 min)", "load_1m"),
)


def cell(result: dict[str, Any], key: str | tuple[str, ...]) -> str:
    if isinstance(key, tuple):
        return " / ".join(cell(result, k) for k in key)
    value = result.get(key)
    if value is None:
        return "–"
    if key == "on_time_rate":
        return f"{100 * value:.1f} %"
    return str(value)


def markdown(results: list[dict[str, Any]]) -> str:
    head = "| outcome | " + " | ".join(r["label"] for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]
    lines += [f"| {title} | " + " | ".join(cell(r, key) for r in results) + " |" for title, key in ROWS]
    return "\n".join(lines)


def zero_rows_ok(result: dict[str, Any]) -> bool:
    return all(result.get(key) == 0 for key in MUST_BE_ZERO)


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    load = os.getloadavg()
    return (f"{os.cpu_count()} vCPU {cpu}, Python {platform.python_version()}, "
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def write(out: Path, results: list[dict[str, Any]], header: str) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "promo-day.json", "md": out / "promo-day.md", "png": out / "promo-day.png"}
    paths["json"].write_text(json.dumps({"header": header, "runs": results}, indent=1, default=str))
    paths["md"].write_text(f"{header}\n\n{markdown(results)}\n")
    chart(paths["png"], results)
    return paths


def chart(path: Path, results: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for result in results:
        samples = result["samples"]
        hours = [s["sim"] / 3600 for s in samples]
        top.plot(hours, [s["released"] - s["shipped"] for s in samples], label=f"{result['label']}: paid, not handed over")
        top.plot(hours, [s["backlog"] for s in samples], linestyle="--", label=f"{result['label']}: open work in Packline")
        top.plot(hours, [s["jobs_queued"] for s in samples], linestyle=":", label=f"{result['label']}: queued jobs")
        rates = result.get("on_time_by_paid_hour", {})
        bottom.plot([int(h) + 0.5 for h in rates], [100 * v for v in rates.values()], marker="o",
                    label=f"{result['label']}: on time, by hour of payment")
    paid = results[0].get("paid_by_hour", {}) if results else {}
    twin = bottom.twinx()
    twin.bar([int(h) + 0.5 for h in paid], list(paid.values()), width=0.8, alpha=0.15, color="grey")
    twin.set_ylabel("orders paid in the hour (bars)")
    top.set_ylabel("orders / jobs")
    top.set_title("Promo day: backlog (on-time rate: " + ", ".join(
        f"{r['label']} {cell(r, 'on_time_rate')}" for r in results) + ")")
    top.legend(fontsize=7)
    bottom.set_xlabel("simulated hour of the day")
    bottom.set_ylabel("on-time rate %")
    bottom.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
