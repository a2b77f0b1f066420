"""`packline robot-target`: add or update a warehouse's DingTalk/WeCom robot, or list them (no credentials).

Credentials can come from environment variables (`--key-env`, `--secret-env`, `--url-env`) so they stay
out of the shell history.
"""

from __future__ import annotations

import argparse
import os
import sys

from server.cli import command
from server.config import Settings


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("warehouse", nargs="?", help="warehouse code, e.g. HZ01 (omit with --list)")
    p.add_argument("kind", nargs="?", choices=["dingtalk", "wecom"])
    p.add_argument("--name", help="what logs call this robot (default: <warehouse>-<kind>)")
    p.add_argument("--url", help="the full webhook URL as shown by DingTalk/WeCom")
    p.add_argument("--key", help="only the access_token (DingTalk) or key (WeCom)")
    p.add_argument("--secret", help="DingTalk signing secret (SEC…)")
    p.add_argument("--url-env", help="read the URL from this environment variable")
    p.add_argument("--key-env", help="read the token/key from this environment variable")
    p.add_argument("--secret-env", help="read the secret from this environment variable")
    p.add_argument("--locale", default="zh-CN", choices=["zh-CN", "en"])
    p.add_argument("--min-severity", default="warning", choices=["info", "warning", "critical"])
    p.add_argument("--disable", action="store_true")
    p.add_argument("--list", action="store_true", help="list the configured robots")


@command("robot-target", "add/update a warehouse's DingTalk or WeCom alert robot, or --list them", _configure)
def cmd_robot_target(args: argparse.Namespace, settings: Settings) -> int:
    from server import clock
    from server.alerts.robot_targets import describe_targets, upsert_robot_target
    from server.runtime import Runtime

    rt = Runtime.create(settings)
    if args.list:
        with rt.read() as session:
            for target in describe_targets(session):
                print(" ".join(f"{k}={v}" for k, v in target.items()))
        return 0
    if not (args.warehouse and args.kind):
        print("give WAREHOUSE and KIND (or --list)", file=sys.stderr)
        return 2
    with rt.work() as work:
        _, created = upsert_robot_target(
            work.session,
            warehouse_code=args.warehouse,
            kind=args.kind,
            name=args.name or f"{args.warehouse}-{args.kind}",
            url=_value(args.url, args.url_env),
            key=_value(args.key, args.key_env),
            secret=_value(args.secret, args.secret_env),
            locale=args.locale,
            min_severity=args.min_severity,
            active=not args.disable,
            now=clock.now(),
        )
    print(f"robot {'added' if created else 'updated'}: {args.name or f'{args.warehouse}-{args.kind}'}")
    return 0


def _value(direct: str | None, env_name: str | None) -> str | None:
    return os.environ.get(env_name) if env_name else direct
