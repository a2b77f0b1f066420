"""``python -m simulators [--port-base 9100] [--flow]``: run every simulator until interrupted."""

from __future__ import annotations

import argparse
import signal
import threading

from simulators import runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators", description=__doc__)
    parser.add_argument(
        "--port-base", type=int, default=None, help="first port; ephemeral ports when omitted"
    )
    parser.add_argument(
        "--initial-orders", type=int, default=20, help="orders per platform paid in the last 2 h"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flow", action="store_true", help="keep generating new platform orders")
    parser.add_argument("--flow-interval", type=float, default=5.0, help="seconds between new orders")
    args = parser.parse_args(argv)

    urls = runner.start_all(args.port_base, initial_orders=args.initial_orders, seed=args.seed)
    if args.flow:
        runner.start_flow(args.flow_interval, seed=args.seed * 1000)
    for name, url in urls.items():
        print(f"{name:<8} {url}", flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
