"""``kefu surveys run`` (after-close catch-up and campaigns now), ``kefu surveys results``
(CSI, satisfied rate, NPS per agent/team) and ``kefu surveys seed`` (default questionnaires)."""

from __future__ import annotations

import datetime as dt

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("surveys", help="satisfaction surveys, CSI and NPS")
    group_sub = group.add_subparsers(dest="surveys_command", required=True, metavar="COMMAND")
    run = group_sub.add_parser(
        "run", help="invite for closed tickets without an invitation and run due campaigns"
    )
    run.add_argument("--date", help="run campaigns as on this day, YYYY-MM-DD (default: today)")
    run.add_argument("--json", action="store_true", help="print the counts as JSON")
    run.set_defaults(func=cmd_run)
    results = group_sub.add_parser("results", help="CSI, satisfied rate and NPS per group")
    results.add_argument("--period", help="2026-11, 2026-Q4 or 2026 (default: this month)")
    results.add_argument(
        "--group", default="team", choices=["agent", "team", "department", "business_line"]
    )
    results.add_argument("--user", required=True, help="whose scope to report (a username)")
    results.add_argument("--json", action="store_true", help="print machine-readable output")
    results.set_defaults(func=cmd_results)
    seed = group_sub.add_parser("seed", help="add the industry's default questionnaires")
    seed.add_argument("business_line", help="the business line's code")
    seed.set_defaults(func=cmd_seed)


def cmd_run(args) -> int:
    from kefu.cli import print_json
    from kefu.surveys.services import periodic_run

    today = None
    if args.date:
        try:
            today = dt.date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"not a date: {args.date} (use YYYY-MM-DD)") from None
    counts = periodic_run(today=today)
    if args.json:
        print_json(counts)
    else:
        for name, n in counts.items():
            print(f"{name}: {n}")
    return 0


def _num(value):
    return None if value is None else float(value)


def cmd_results(args) -> int:
    from kefu.accounts.models import User
    from kefu.cli import print_json
    from kefu.core.errors import DomainError
    from kefu.surveys import selectors

    user = User.objects.filter(username=args.user, is_active=True).first()
    if user is None:
        raise UsageError(f"unknown user: {args.user}")
    try:
        period = selectors.parse_results_period({"period": args.period or ""})
        r = selectors.results_for(user=user, period=period, group=args.group)
    except DomainError as exc:
        raise UsageError(str(exc.message)) from None

    def row(label, m, target, met):
        return {
            "label": label,
            "csi": _num(m.csi),
            "satisfied": _num(m.satisfied),
            "nps": _num(m.nps),
            "answers": m.answers,
            "target": _num(target),
            "met": met,
        }

    data = {
        "period": period.label,
        "group": r.group,
        "total": row("total", r.total, r.target, r.met),
        "rows": [{"id": x.key, **row(x.label, x.metrics, x.target, x.met)} for x in r.rows],
    }
    if args.json:
        print_json(data)
    else:
        for x in [data["total"], *data["rows"]]:
            csi = "—" if x["csi"] is None else f"{x['csi']}%"
            print(f"{x['label']}\tCSI {csi}\tn={x['answers']}")
    return 0


def cmd_seed(args) -> int:
    from kefu.accounts.models import BusinessLine
    from kefu.surveys.services import seed_demo_surveys

    line = BusinessLine.objects.filter(code=args.business_line).first()
    if line is None:
        raise UsageError(f"no such business line: {args.business_line}")
    for q in seed_demo_surveys(line):
        print(q.name)
    return 0
