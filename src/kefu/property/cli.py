"""``kefu repairs due|quota`` and ``kefu fees collection-rate|dunning`` (issue 21; a stable
interface: outside tests use it). Bad input: a message on stderr, exit code 2."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kefu.cli import UsageError


def register(sub) -> None:
    repairs = sub.add_parser("repairs", help="repair due times and repairers' base quotas")
    repairs_sub = repairs.add_subparsers(dest="repairs_command", required=True, metavar="COMMAND")
    due = repairs_sub.add_parser("due", help="when a repair is due (小修不过夜, 大修不过三)")
    due.add_argument("--kind", required=True, help="minor or major")
    due.add_argument("--reported-at", required=True, help="ISO time (Asia/Shanghai if no offset)")
    due.add_argument("--json", action="store_true", help="print machine-readable output")
    due.set_defaults(func=cmd_repairs_due)
    quota = repairs_sub.add_parser(
        "quota",
        help="monthly base quota per repairer = (sales of the last 2 months × fault rate) "
        "÷ repairers − offset (the source says '÷ fault %%')",
    )
    quota.add_argument("--sales", required=True, help="retail sales per month, e.g. 12000,13000")
    quota.add_argument("--fault-rate", required=True, help="a share, e.g. 0.03")
    quota.add_argument("--repairers", required=True, help="number of repairers")
    quota.add_argument("--offset", default="50", help="units subtracted (default 50)")
    quota.add_argument("--json", action="store_true", help="print machine-readable output")
    quota.set_defaults(func=cmd_repairs_quota)

    fees = sub.add_parser("fees", help="collection rate and dunning lists of the property office")
    fees_sub = fees.add_subparsers(dest="fees_command", required=True, metavar="COMMAND")
    rate = fees_sub.add_parser("collection-rate", help="collected ÷ billed for a year's bills")
    rate.add_argument("--year", required=True, help="YYYY")
    rate.add_argument("--fee-type", help="a fee standard's code")
    rate.add_argument("--line", help="a business line's code (default: all lines)")
    rate.add_argument("--json", action="store_true", help="print machine-readable output")
    rate.set_defaults(func=cmd_collection_rate)
    dunning = fees_sub.add_parser(
        "dunning", help="households in arrears for more than a year (催缴函)"
    )
    dunning.add_argument("--as-of", required=True, help="YYYY-MM-DD")
    dunning.add_argument("--line", help="a business line's code (default: all lines)")
    dunning.add_argument("--json", action="store_true", help="print machine-readable output")
    dunning.set_defaults(func=cmd_dunning)


def _time(text: str) -> dt.datetime:
    from kefu.property.rules import SHANGHAI

    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a time: {text} (use e.g. 2026-11-21T10:00:00+08:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def cmd_repairs_due(args) -> int:
    from kefu.cli import print_json
    from kefu.property import rules

    if args.kind not in rules.REPAIR_KINDS:
        raise UsageError(f"--kind must be minor or major, not {args.kind}")
    due = rules.repair_due(args.kind, _time(args.reported_at)).isoformat()
    if args.json:
        print_json({"due": due})
    else:
        print(due)
    return 0


def cmd_repairs_quota(args) -> int:
    from kefu.booking import rules
    from kefu.cli import print_json

    try:
        repairers = int(args.repairers)
        quota = rules.repair_quota(
            [s.strip() for s in args.sales.split(",") if s.strip()],
            args.fault_rate,
            repairers,
            args.offset,
        )
    except (ValueError, rules.RuleError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json({"quota": quota})
    else:
        print(quota)
    return 0


def _bills(line_code):
    from kefu.accounts.models import BusinessLine
    from kefu.property.models import Bill

    bills = Bill.objects.all()
    if line_code:
        line = BusinessLine.objects.filter(code=line_code).first()
        if line is None:
            raise UsageError(f"no business line {line_code}")
        bills = bills.filter(business_line=line)
    return bills


def _num(value):
    return None if value is None else float(value)


def cmd_collection_rate(args) -> int:
    from kefu.cli import print_json
    from kefu.property import selectors

    if not (args.year.isdigit() and len(args.year) == 4):
        raise UsageError(f"not a year: {args.year} (use YYYY)")
    report = selectors.collection_rate(
        bills=_bills(args.line), year=int(args.year), fee_code=args.fee_type
    )
    data = {
        "billed_yuan": _num(report["billed_yuan"]),
        "collected_yuan": _num(report["collected_yuan"]),
        "rate": _num(report["rate"]),
        "by_fee_type": [
            {
                "code": f["code"],
                "billed_yuan": _num(f["billed_yuan"]),
                "collected_yuan": _num(f["collected_yuan"]),
                "rate": _num(f["rate"]),
            }
            for f in report["by_fee_type"]
        ],
    }
    if args.json:
        print_json(data)
    else:
        print(
            f"billed {data['billed_yuan']}, collected {data['collected_yuan']}, rate {data['rate']}"
        )
        for f in data["by_fee_type"]:
            print(f"  {f['code']}: {f['billed_yuan']} / {f['collected_yuan']} = {f['rate']}")
    return 0


def cmd_dunning(args) -> int:
    from kefu.cli import print_json
    from kefu.property import selectors

    try:
        as_of = dt.date.fromisoformat(args.as_of)
    except ValueError:
        raise UsageError(f"not a date: {args.as_of} (use YYYY-MM-DD)") from None
    rows = selectors.dunning_households(bills=_bills(args.line), as_of=as_of)
    households = [
        {
            "unit": r["unit"],
            "arrears_yuan": float(Decimal(r["arrears"])),
            "oldest_due": r["oldest_due"].isoformat(),
        }
        for r in rows
    ]
    if args.json:
        print_json({"households": households})
    else:
        for h in households:
            print(f"{h['unit']}\t{h['arrears_yuan']}\t{h['oldest_due']}")
    return 0
