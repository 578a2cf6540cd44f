"""``kefu training needs TEAM`` (a team's half-year needs: who has filed, who has not, the
roll-up by topic) and ``kefu training chat-results`` (response-time sittings, newest first).
JSON out (``--json`` accepted too); bad input → stderr, exit code 2."""

from __future__ import annotations

from kefu.training.cli import UsageError, print_json  # the `kefu` command's error and output


def register(group_sub) -> None:
    p = group_sub.add_parser("needs", help="a team's half-year training needs (TRN-8)")
    p.add_argument("team", metavar="TEAM", help="the team's id or its exact name")
    p.add_argument("--year", help="the year (with --half; default: the next half-year)")
    p.add_argument("--half", help="1 or 2 (with --year)")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_needs)

    p = group_sub.add_parser("chat-results", help="response-time test sittings (PK-3)")
    p.add_argument("--user", help="only this person's sittings (a username)")
    p.add_argument("--test", help="only this test's sittings (its id)")
    p.add_argument("--all", action="store_true", help="unfinished sittings too")
    p.add_argument("--limit", default="100", help="at most this many (1 to 1000, default 100)")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_chat_results)


def _whole(value: str | None, what: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise UsageError(f"{what} must be a whole number from {low} to {high}: {value}")
    return int(value)


def _team(raw: str):
    from kefu.accounts.models import Team

    teams = Team.objects.filter(is_active=True)
    found = list(teams.filter(pk=int(raw))) if raw.isdigit() and len(raw) < 19 else []
    found = found or list(teams.filter(name=raw)[:2])
    if not found:
        raise UsageError(f"no such team: {raw}")
    if len(found) > 1:
        raise UsageError(f"more than one team is called {raw}; give its id")
    return found[0]


def cmd_needs(args) -> int:
    from django.utils import timezone

    from kefu.training import need_selectors, needs

    year = _whole(args.year, "--year", 2000, 2100)
    half = _whole(args.half, "--half", 1, 2)
    if (year is None) != (half is None):
        raise UsageError("give --year and --half together")
    if year is None:
        year, half = needs.next_half(timezone.localdate())
    print_json(need_selectors.board_summary(_team(args.team), year, half))
    return 0


def cmd_chat_results(args) -> int:
    from kefu.accounts.models import User
    from kefu.training.chat_selectors import result_dict
    from kefu.training.models import ChatAttempt, ChatScript

    limit = _whole(args.limit, "--limit", 1, 1000)
    qs = ChatAttempt.objects.select_related("script", "user").order_by("-started_at", "-id")
    if args.user:
        if not User.objects.filter(username=args.user).exists():
            raise UsageError(f"unknown user: {args.user}")
        qs = qs.filter(user__username=args.user)
    test = _whole(args.test, "--test", 1, 2**63 - 1)
    if test is not None:
        if not ChatScript.objects.filter(pk=test).exists():
            raise UsageError(f"no such response-time test: {args.test}")
        qs = qs.filter(script_id=test)
    if not args.all:
        qs = qs.filter(finished_at__isnull=False)
    rows = [result_dict(a) for a in qs[:limit]]
    print_json(
        {
            "results": rows,
            "count": len(rows),
            "passed": sum(1 for r in rows if r["passed"]),
        }
    )
    return 0
