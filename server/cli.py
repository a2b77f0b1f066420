"""`packline` command: demo | serve | migrate | create-user | token (more subcommands register themselves)."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from datetime import timedelta

from server import clock
from server.config import Settings, SettingsError

Command = Callable[[argparse.Namespace, Settings], int]
_COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None] | None = None):  # type: ignore[no-untyped-def]
    def register(func: Command) -> Command:
        _COMMANDS[name] = (func, configure or (lambda _p: None), help_text)
        return func

    return register


@command("migrate", "upgrade the database to the newest schema")
def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from server.db import make_engine
    from server.migrate import upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    print(f"database at head: {_redact(settings.database_url)}")
    return 0


def _configure_create_user(p: argparse.ArgumentParser) -> None:
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=["packer", "lead", "cs", "admin"])
    p.add_argument("--warehouse", help="warehouse code (required for packer and lead)")
    p.add_argument("--badge", help="badge code for PDA login")
    p.add_argument("--display-name")
    p.add_argument("--password", help="omit to be asked")


@command("create-user", "create a user with a role (and a badge)", _configure_create_user)
def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from server.accounts.services import create_user
    from server.runtime import Runtime

    password = args.password or getpass.getpass("password: ")
    rt = Runtime.create(settings)
    with rt.work() as work:
        user = create_user(
            work.session,
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.display_name,
            badge=args.badge,
            warehouse_code=args.warehouse,
            now=clock.now(),
        )
        print(f"created {user.role} {user.username}")
    return 0


def _configure_token(p: argparse.ArgumentParser) -> None:
    p.add_argument("name")
    p.add_argument("--kind", choices=["device", "integration"], default="integration")
    p.add_argument("--warehouse")
    p.add_argument("--days", type=int, default=365)


@command("token", "issue a device or integration API token", _configure_token)
def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from server.accounts.services import issue_service_token
    from server.runtime import Runtime

    rt = Runtime.create(settings)
    with rt.work() as work:
        issued = issue_service_token(
            work.session,
            kind=args.kind,
            name=args.name,
            role="packer" if args.kind == "device" else "integration",
            warehouse_code=args.warehouse,
            now=clock.now(),
            ttl=timedelta(days=args.days),
        )
    print(issued.token)
    return 0


def _configure_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host")
    p.add_argument("--port", type=int)


@command("serve", "run the web server (API, pages, Socket.IO) in one process", _configure_serve)
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from server.serve import serve

    serve(settings.with_(host=args.host or settings.host, port=args.port or settings.port))
    return 0


def _configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--orders", type=int, default=360, help="how many demo orders to seed")
    p.add_argument("--no-serve", action="store_true", help="set up and seed, then exit")
    p.add_argument("--no-simulators", action="store_true")


@command(
    "demo", "create/migrate the embedded database, seed demo data, start simulators, serve", _configure_demo
)
def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from server.demo import run_demo

    return run_demo(settings, orders=args.orders, serve=not args.no_serve, simulators=not args.no_simulators)


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _load_plugins() -> None:
    # Subcommands that live next to their adapters (worker, cron, sim, import) register on import.
    for module in ("workers.cli", "simulators.cli", "server.imports.cli", "server.alerts.cli"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def main(argv: list[str] | None = None) -> int:
    if os.environ.get("PACKLINE_SOCKETIO_ASYNC_MODE") == "gevent" and (argv or sys.argv[1:])[:1] == ["serve"]:
        # The realtime tier: patch before redis/ssl/sockets are imported by anything below.
        from gevent import monkey

        monkey.patch_all()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _load_plugins()
    parser = argparse.ArgumentParser(prog="packline", description="Packline warehouse scanning backend")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_func, configure, help_text) in _COMMANDS.items():
        configure(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    func = _COMMANDS[args.command][0]
    return func(args, settings)


if __name__ == "__main__":
    sys.exit(main())
