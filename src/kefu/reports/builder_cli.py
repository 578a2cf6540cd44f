"""``kefu reports send-due [--at ISO] [--json]``: the report builder's delivery sweep (the same
as the daily job): every subscription's report for its last full week or month, once."""

from __future__ import annotations

import datetime as dt

from kefu.cli import UsageError


def register(group_sub) -> None:
    cmd = group_sub.add_parser("send-due", help="e-mail the subscribed saved reports now due")
    cmd.add_argument("--at", help="the moment of the sweep, ISO 8601 (default: now)")
    cmd.add_argument("--json", action="store_true", help="print machine-readable output")
    cmd.set_defaults(func=cmd_send_due)


def _moment(text: str | None) -> dt.datetime | None:
    from django.utils import timezone

    if not text:
        return None
    try:
        at = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"not an ISO date or time: {text}") from None
    if not 2000 <= at.year <= 2999:
        raise UsageError(f"not an ISO date or time: {text}")
    return at if timezone.is_aware(at) else timezone.make_aware(at)


def cmd_send_due(args) -> int:
    from kefu.cli import print_json
    from kefu.reports import builder_services

    out = builder_services.send_due(at=_moment(args.at))
    if args.json:
        print_json(out)
    else:
        print(f"sent {out['sent']}\tskipped {out['skipped']}")
    return 0
