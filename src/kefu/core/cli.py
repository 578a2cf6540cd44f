"""``kefu sla due``: when an SLA of N business hours started at START is due.

The same arithmetic the tickets use (``core.calendar``), on a business line's calendar or on
working hours given here. Bad input: a message on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from kefu.cli import UsageError
from kefu.core.calendar import (
    ALWAYS,
    CN,
    DAILY,
    DEFAULT_WINDOWS,
    KINDS,
    SHANGHAI,
    CalendarError,
    add_business_seconds,
    parse_windows,
    to_seconds,
)


def register(sub) -> None:
    register_events(sub)
    sla = sub.add_parser("sla", help="SLA clocks on the business calendar")
    sla_sub = sla.add_subparsers(dest="sla_command", required=True, metavar="COMMAND")
    p = sla_sub.add_parser(
        "due",
        help="the due time of an SLA of N business hours",
        description="Print when an SLA of N business hours started at START is due.",
    )
    p.add_argument(
        "--start",
        required=True,
        help="ISO 8601 date and time; without an offset it is Asia/Shanghai time",
    )
    p.add_argument("--hours", required=True, help="business hours (fractions allowed, e.g. 0.5)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--business-line",
        metavar="ID",
        help="use this business line's working hours, calendar and holiday overrides",
    )
    where.add_argument(
        "--hours-of-day",
        metavar="HH:MM-HH:MM[,...]",
        help="working windows of a workday, comma separated (default 09:00-18:00)",
    )
    p.add_argument(
        "--calendar",
        choices=KINDS,
        help=(
            "cn: Chinese workdays, public holidays and 调休 (default); daily: the working hours "
            "of every day; 24x7: every hour counts"
        ),
    )
    p.add_argument("--json", action="store_true", help='print {"due": "ISO 8601"}')
    p.set_defaults(func=cmd_sla_due)

    p = sub.add_parser(
        "backup",
        help="archive the database and the uploads into one verified .tar.gz",
        description=(
            "Copy the database (SQLite online backup, or pg_dump for PostgreSQL) and the "
            "uploads into one .tar.gz with a manifest of every table's row count and checksum, "
            "then read the archive back and verify it. Safe while the server runs."
        ),
    )
    p.add_argument(
        "--out", metavar="PATH", help="archive file (default: DATA_DIR/backups/kefu-TIME.tar.gz)"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="replace the database and the uploads by a backup, then verify",
        description=(
            "Load a kefu backup into the configured database (DATABASE_URL or the SQLite file "
            "in KEFU_DATA_DIR) and uploads directory, then compare every table's row count and "
            "checksum with the backup's manifest. Stop the web and worker processes first."
        ),
    )
    p.add_argument("path", metavar="PATH", help="a .tar.gz written by kefu backup")
    p.add_argument("--yes", action="store_true", help="replace a database that already holds data")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_restore)


def register_events(sub) -> None:
    p = sub.add_parser("events", help="the domain event log (what webhooks deliver)")
    events_sub = p.add_subparsers(dest="events_command", required=True, metavar="COMMAND")
    p = events_sub.add_parser(
        "list",
        help="events after a cursor, oldest first",
        description=(
            "Print the events published after CURSOR (from the start without it), oldest first. "
            "Each item has its own cursor; 'next' is the cursor of the next page, or null when "
            "there is nothing more now."
        ),
    )
    p.add_argument("--after", metavar="CURSOR", default=None)
    p.add_argument("--limit", type=int, default=100, help="at most this many (1–1000)")
    p.add_argument("--business-line", metavar="ID", type=int, default=None)
    p.add_argument("--json", action="store_true", help='print {"items": [...], "next": ...}')
    p.set_defaults(func=cmd_events_list)


def cmd_events_list(args) -> int:
    from kefu.cli import UsageError, print_json
    from kefu.core.events import MAX_PAGE, BadCursor, log_page

    if not 1 <= args.limit <= MAX_PAGE:
        raise UsageError(f"--limit must be between 1 and {MAX_PAGE}")
    lines = None if args.business_line is None else [args.business_line]
    try:
        page = log_page(after=args.after, limit=args.limit, business_line_ids=lines)
    except BadCursor:
        raise UsageError(f"not a cursor of the event log: {args.after}")
    if args.json:
        print_json(page)
        return 0
    for item in page["items"]:
        print(
            f"{item['cursor']:>10}  {item['occurred_at']}  {item['type']:<22} "
            f"{item['object_type']}#{item['object_id']}"
        )
    print(f"next: {page['next'] or '-'}")
    return 0


def parse_start(text: str) -> dt.datetime:
    """An ISO 8601 date and time; a naive one is Asia/Shanghai wall-clock time."""
    try:
        start = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--start {text!r} is not an ISO 8601 date and time")
    if start.tzinfo is None:
        start = start.replace(tzinfo=SHANGHAI)
    return start


def _calendar(args):
    from django.db import DatabaseError

    from kefu.accounts.models import BusinessLine
    from kefu.core.business_calendar import calendar_for

    if args.business_line is not None:
        line_id = args.business_line.strip()
        line = BusinessLine.objects.filter(pk=int(line_id)).first() if line_id.isdigit() else None
        if line is None:
            raise UsageError(f"no such business line: {args.business_line}")
        return calendar_for(line, kind=args.calendar)
    kind = args.calendar or CN
    try:
        windows = parse_windows(args.hours_of_day) if args.hours_of_day else DEFAULT_WINDOWS
    except CalendarError as exc:
        raise UsageError(f"--hours-of-day: {exc}")
    if kind == ALWAYS:
        return calendar_for(kind=kind, windows=windows, overrides={})
    try:
        return calendar_for(kind=kind, windows=windows)
    except DatabaseError:
        # a database that was never migrated holds no administrator overrides
        return calendar_for(kind=kind, windows=windows, overrides={})


def cmd_sla_due(args) -> int:
    start = parse_start(args.start)
    try:
        seconds = to_seconds(args.hours)
    except CalendarError as exc:
        raise UsageError(f"--hours: {exc}")
    calendar = _calendar(args)
    due = add_business_seconds(start, seconds, calendar)
    if args.json:
        print(json.dumps({"due": due.isoformat()}))
        return 0
    if calendar.kind == ALWAYS:
        basis = "calendar hours (24x7)"
    elif calendar.kind == DAILY:
        basis = f"business hours, {', '.join(map(str, calendar.windows))} every day"
    else:
        basis = f"business hours, {', '.join(map(str, calendar.windows))} on Chinese workdays"
    print(f"Due {due:%Y-%m-%d %H:%M:%S} {due.isoformat()[-6:]} ({due:%A})")
    print(f"{args.hours.strip()} {basis}, from {start.astimezone(SHANGHAI).isoformat()}")
    return 0


def _backup_call(fn, args, done: str, **kwargs) -> int:
    from kefu.cli import print_json
    from kefu.core.backup import BackupError

    say = (lambda _m: None) if args.json else (lambda m: print(m, flush=True))
    try:
        result = fn(say=say, **kwargs)
    except BackupError as exc:
        if exc.exit_code == 2:
            raise UsageError(exc.message)
        print(f"kefu: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    if args.json:
        print_json(result.as_dict())
        return 0
    for line in result.verified:
        print(f"Verified: {line}.")
    print(done.format(path=result.path))
    return 0


def cmd_backup(args) -> int:
    from pathlib import Path

    from kefu.core import backup

    out = Path(args.out) if args.out else None
    return _backup_call(backup.backup, args, "Backup written to {path}", out=out)


def cmd_restore(args) -> int:
    from pathlib import Path

    from kefu.core import backup

    done = "Restored {path}. Run `kefu migrate` if this code is newer than the backup."
    return _backup_call(backup.restore, args, done, path=Path(args.path), force=args.yes)
