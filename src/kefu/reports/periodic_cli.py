"""``kefu reports daily|weekly|yearly``: the daily close per team, the week's summary and
feedback per unit, the year-end summary, as JSON (``--json``) or .xlsx / PDF files."""

from __future__ import annotations

from kefu.cli import UsageError


def register(group_sub) -> None:
    for name, option, help_text, example in (
        ("daily", "--day", "the daily close per team (日结)", "YYYY-MM-DD"),
        ("weekly", "--week", "the week's summary and feedback per unit (周报)", "YYYY-Www"),
        ("yearly", "--year", "the year-end summary", "YYYY"),
    ):
        cmd = group_sub.add_parser(name, help=help_text)
        cmd.add_argument(option, required=True, help=example)
        cmd.add_argument("--business-line", help="the business line's id (default: every line)")
        cmd.add_argument("--xlsx", help="also write the report as .xlsx to this file")
        cmd.add_argument("--pdf", help="also write the report as a printable PDF to this file")
        cmd.add_argument("--json", action="store_true", help="print machine-readable output")
        cmd.set_defaults(func=cmd_periodic, periodic=name)


def cmd_periodic(args) -> int:
    from pathlib import Path

    from kefu.cli import print_json
    from kefu.reports import periodic_reports, statement

    files = {}
    for kind in ("xlsx", "pdf"):
        name = getattr(args, kind)
        if name:
            if not Path(name).parent.is_dir():
                raise UsageError(f"no such directory: {Path(name).parent}")
            files[kind] = Path(name)
    value = getattr(args, {"daily": "day", "weekly": "week", "yearly": "year"}[args.periodic])
    report = periodic_reports.build(
        statement.SystemViewer(), args.periodic, value, business_line=args.business_line
    )
    for kind, path in files.items():
        path.write_bytes(periodic_reports.export(report, kind))
    if args.json or not files:
        print_json(report.data)
    return 0


def register_letters(group_sub) -> None:
    cmd = group_sub.add_parser(
        "weekly-letters", help="the week's feedback letters to units and their e-mails (FU-10)"
    )
    cmd.add_argument("--week", required=True, help="YYYY-Www")
    cmd.add_argument("--business-line", help="the business line's id (default: every line)")
    cmd.add_argument("--json", action="store_true", help="print machine-readable output")
    cmd.set_defaults(func=cmd_letters)


def cmd_letters(args) -> int:
    from kefu.cli import print_json
    from kefu.reports import periods, statement, weekly_letters

    span = periods.parse_week(args.week)
    line_id = statement.line_for(statement.SystemViewer(), args.business_line)
    letters = weekly_letters.letters_for(
        statement.SystemViewer(), week=span.label, line_id=line_id
    ).order_by("business_line_id", "unit__name", "pk")
    rows = [weekly_letters.as_json(x) for x in letters]
    if args.json:
        print_json({"week": span.label, "business_line": line_id, "letters": rows})
        return 0
    for r in rows:
        mail = r["mail"] or {"status": "queued", "address": ""}
        print(f"{r['week']}  {r['unit']}  {r['callbacks']}  {mail['status']}  {mail['address']}")
    return 0
