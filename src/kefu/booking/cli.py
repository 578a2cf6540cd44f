"""``kefu booking check-cancel`` (issue 21; a stable interface): may a lesson still be cancelled
without a leader? Bad input: a message on stderr, exit code 2."""

from __future__ import annotations

import datetime as dt

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("booking", help="lesson booking: the 12-hour cancellation cut-off")
    group_sub = group.add_subparsers(dest="booking_command", required=True, metavar="COMMAND")
    check = group_sub.add_parser(
        "check-cancel", help="may a lesson starting at --start be cancelled at --at?"
    )
    check.add_argument("--start", required=True, help="the lesson's start, ISO time")
    check.add_argument("--at", required=True, help="the moment of the cancellation, ISO time")
    check.add_argument("--by", default="student", help="student (default), teacher or company")
    check.add_argument("--json", action="store_true", help="print machine-readable output")
    check.set_defaults(func=cmd_check_cancel)
    from kefu.booking.workshop_cli import register as register_workshop

    register_workshop(sub)  # kefu workshop slots|book


def _time(text: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a time: {text} (use e.g. 2026-11-24T19:00:00+08:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def cmd_check_cancel(args) -> int:
    from kefu.booking import rules
    from kefu.cli import print_json

    try:
        check = rules.check_cancel(_time(args.start), _time(args.at), by=args.by)
    except rules.RuleError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json(check.as_dict())
    else:
        for key, value in check.as_dict().items():
            print(f"{key}: {value}")
    return 0
