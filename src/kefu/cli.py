"""The ``kefu`` command (also ``python -m kefu``).

Core commands live here; each capability adds its subcommand group from its app's ``cli.py``
(a ``register(subparsers)`` function), listed in ``APP_COMMANDS``. Bad input exits with code 2
and a message on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys

APP_COMMANDS = [
    "kefu.core.cli",
    "kefu.customers.cli",
    "kefu.demo.cli",
    "kefu.followups.cli",
    "kefu.inspections.cli",
    "kefu.integrations.cli",
    "kefu.knowledge.cli",
    "kefu.quality.cli",
    "kefu.surveys.cli",
    "kefu.workforce.cli",
    "kefu.property.cli",
    "kefu.booking.cli",
    "kefu.channels.messaging.cli",
    "kefu.commerce.cli",
    "kefu.training.cli",
    "kefu.channels.cli",
    "kefu.reports.cli",
]


class UsageError(Exception):
    """Bad input from the command line: printed to stderr, exit code 2."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --- core commands -------------------------------------------------------------------------------


def cmd_migrate(args) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Database is up to date.")
    return 0


def database_is_empty() -> bool:
    from kefu.accounts.models import User

    return not User.objects.exists()


def _wait_for_port(host: str, port: int, web: subprocess.Popen, timeout: float = 180) -> bool:
    """Poll until the web server answers on ``host:port``; False when it exited first (its own
    error is on stderr) or did not answer within ``timeout`` seconds."""
    import socket
    import time

    target = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host  # nosec B104
    deadline = time.monotonic() + timeout
    while web.poll() is None and time.monotonic() < deadline:
        try:
            with socket.create_connection((target, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _port_taken(host: str, port: int) -> bool:
    """Whether another program already listens on ``host:port``. Checked before starting, for
    the readiness poll would otherwise take that program's answer for ours."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def cmd_serve(args) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import gettext as _

    if _port_taken(args.host, args.port):
        raise UsageError(
            _(
                "Port %(port)s on %(host)s is already in use by another program: stop it, or "
                "choose another port (--port, or PORT=… make run)."
            )
            % {"port": args.port, "host": args.host}
        )
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.demo and database_is_empty():
        from kefu.demo.builder import build_demo

        build_demo(size="small", progress=True)
    if args.demo:
        from kefu.demo.builder import print_logins

        print_logins()
    workers = args.workers or min(2 * (os.cpu_count() or 1) + 1, 8)
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "kefu.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(args.threads),
        "--preload",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
    ]
    from kefu.core.processes import Worker

    server = subprocess.Popen(web)
    worker = None if args.no_worker else Worker()
    if worker:
        worker.start()
    if _wait_for_port(args.host, args.port, server):
        print(
            _("Kefu started: serving on %(url)s  (data: %(dir)s)")
            % {"url": f"http://{args.host}:{args.port}", "dir": settings.DATA_DIR}
        )
        print(_("Press Ctrl-C to stop."), flush=True)

    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        if worker:
            worker.stop()

    signal.signal(signal.SIGTERM, stop)
    try:
        # the web server's exit ends serve; the worker's exit only restarts the worker
        while server.poll() is None and not stopping:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=1)
            if worker and not stopping:
                worker.check()
    except KeyboardInterrupt:
        pass
    finally:
        stop(None, None)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        if worker:
            worker.wait(timeout=15)
    print(_("Kefu stopped."))
    # the web server ending on its own (not by Ctrl-C or SIGTERM) is a failure to report
    return 0 if stopping or server.returncode in (0, -signal.SIGTERM) else 1


def cmd_worker(args) -> int:
    from django.core.management import call_command

    # a worker killed mid-job (kill -9, OOM) leaves its task locks behind, and a locked periodic
    # job would never run again: release them on start (the jobs are idempotent, so an overlap
    # with another worker's run creates nothing twice)
    call_command("run_huey", workers=args.workers, worker_type="thread", flush_locks=True)
    return 0


def cmd_createuser(args) -> int:
    import getpass

    from kefu.accounts import services
    from kefu.accounts.models import Team
    from kefu.core.errors import DomainError

    password = args.password or os.environ.get("KEFU_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise UsageError("--password is required when not on a terminal")
        password = getpass.getpass("Password: ")
    team = None
    if args.team:
        team = Team.objects.filter(pk=args.team).first() if args.team.isdigit() else None
        team = team or Team.objects.filter(name=args.team).first()
        if team is None:
            raise UsageError(f"no such team: {args.team}")
    try:
        user = services.user_create(
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.name or "",
            team=team,
            email=args.email or "",
        )
    except DomainError as exc:
        raise UsageError(f"{exc.message} {exc.fields or ''}".strip())
    print(f"Created user {user.username} ({user.get_role_display()}).")
    return 0


def cmd_token(args) -> int:
    from kefu.accounts import services
    from kefu.accounts.models import User

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        raise UsageError(f"no such active user: {args.username}")
    token, raw = services.token_create(user=user, name=args.name or "cli", scope=args.scope)
    print(f"API token for {user.username} (id {token.pk}, scope {token.scope}); it is shown once:")
    print(raw)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kefu", description="Kefu 客服运营平台")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("migrate", help="create or upgrade the database")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="migrate, then serve the web app and a worker")
    p.add_argument("--demo", action="store_true", help="load the demo data into an empty database")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--workers", type=int, default=0, help="web worker processes (default: by CPU)")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--no-worker", action="store_true", help="do not start the job worker")
    p.add_argument("--access-log", action="store_true")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the background job worker (Huey)")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("createuser", help="create a user")
    p.add_argument("username")
    p.add_argument("--password")
    p.add_argument(
        "--role", default="admin", choices=["agent", "lead", "supervisor", "manager", "admin"]
    )
    p.add_argument("--team", help="team id or name (agents and leads)")
    p.add_argument("--name", help="display name")
    p.add_argument("--email")
    p.set_defaults(func=cmd_createuser)

    p = sub.add_parser("token", help="print a new API token for USER (last line)")
    p.add_argument("username", metavar="USER")
    p.add_argument("--name", help="a label for the token")
    p.add_argument(
        "--scope",
        default="admin",
        choices=["read", "write", "admin"],
        help="read: GET only; write: also changes; admin (default): also the administration",
    )
    p.set_defaults(func=cmd_token)

    for module in APP_COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_django()
    from kefu.core.errors import DomainError

    try:
        return args.func(args) or 0
    except UsageError as exc:
        print(f"kefu: error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        print(f"kefu: error: {exc.message}" + (f" ({fields})" if fields else ""), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `kefu … --json | head`: the reader left; no traceback (the Python docs' recipe:
        # point stdout at devnull so the interpreter's final flush does not raise again)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
