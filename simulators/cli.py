"""`packline sim`: run every simulator in the foreground (registered on import by server.cli)."""

from __future__ import annotations

import argparse
import importlib

from server.config import Settings
from simulators.__main__ import main

# Looked up rather than imported statically, as workers.cli does: server.cli owns the registry.
command = importlib.import_module("server.cli").command


def _configure_sim(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port-base", type=int, default=9100, help="first port (default 9100)")
    p.add_argument("--initial-orders", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--flow", action="store_true", help="keep generating new platform orders")
    p.add_argument("--flow-interval", type=float, default=5.0)


@command(
    "sim", "run the outside-system simulators (platforms, ERP, WMS, courier, CRM, robots)", _configure_sim
)
def cmd_sim(args: argparse.Namespace, _settings: Settings) -> int:
    argv = [
        "--port-base",
        str(args.port_base),
        "--initial-orders",
        str(args.initial_orders),
        "--seed",
        str(args.seed),
    ]
    if args.flow:
        argv += ["--flow", "--flow-interval", str(args.flow_interval)]
    return main(argv)
