"""``kefu followups run`` (the cadence job now) and ``kefu followups rates`` (回访率)."""

from __future__ import annotations

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("followups", help="callbacks (回访), grades and registers")
    group_sub = group.add_subparsers(dest="followups_command", required=True, metavar="COMMAND")
    run = group_sub.add_parser(
        "run", help="create due maintenance/inactivity callbacks and escalations now (idempotent)"
    )
    run.add_argument("--json", action="store_true", help="print the counts as JSON")
    run.set_defaults(func=cmd_run)
    rates = group_sub.add_parser("rates", help="callback rate (回访率) per agent and team")
    rates.add_argument("--period", help="month, e.g. 2026-11 (default: this month)")
    rates.add_argument("--user", required=True, help="whose scope to report (a username)")
    rates.add_argument("--json", action="store_true", help="print machine-readable output")
    rates.set_defaults(func=cmd_rates)


def cmd_run(args) -> int:
    from kefu.cli import print_json
    from kefu.followups.services import cadence_run

    counts = cadence_run()
    if args.json:
        print_json(counts)
    else:
        for name, n in counts.items():
            print(f"{name}: {n}")
    return 0


def cmd_rates(args) -> int:
    from kefu.accounts.models import User
    from kefu.cli import print_json
    from kefu.core.errors import Invalid
    from kefu.followups.selectors import callback_rates

    user = User.objects.filter(username=args.user, is_active=True).first()
    if user is None:
        raise UsageError(f"unknown user: {args.user}")
    try:
        figures = callback_rates(user=user, period=args.period)
    except Invalid as exc:
        raise UsageError(str(exc.message)) from None

    def row(r):
        return {"id": r.id, "name": r.name, "due": r.due, "completed": r.completed, "rate": r.rate}

    data = {
        "period": figures.period,
        "total": row(figures.total),
        "agents": [row(r) for r in figures.agents],
        "teams": [row(r) for r in figures.teams],
    }
    if args.json:
        print_json(data)
    else:
        for r in [data["total"], *data["agents"]]:
            rate = "—" if r["rate"] is None else f"{r['rate']}%"
            print(f"{r['name']}\t{r['completed']}/{r['due']}\t{rate}")
    return 0
