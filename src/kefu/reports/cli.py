"""``kefu reports monthly`` (the monthly statement as JSON, .xlsx and PDF), ``kefu reports
targets`` (met or missed) and ``kefu reports bases`` (import units' monthly bases from CSV)."""

from __future__ import annotations

from pathlib import Path

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("reports", help="the monthly statement and unit bases")
    group_sub = group.add_subparsers(dest="reports_command", required=True, metavar="COMMAND")
    monthly = group_sub.add_parser("monthly", help="a business line's monthly statement")
    monthly.add_argument("--period", required=True, help="the month, YYYY-MM")
    monthly.add_argument("--business-line", help="the business line's id (default: every line)")
    monthly.add_argument("--xlsx", help="also write the statement as .xlsx to this file")
    monthly.add_argument("--pdf", help="also write the statement as a printable PDF to this file")
    monthly.add_argument("--json", action="store_true", help="print machine-readable output")
    monthly.set_defaults(func=cmd_monthly)
    targets = group_sub.add_parser("targets", help="targets met or missed in a month")
    targets.add_argument("--period", required=True, help="the month, YYYY-MM")
    targets.add_argument("--business-line", help="the business line's id (default: every line)")
    targets.add_argument("--json", action="store_true", help="print machine-readable output")
    targets.set_defaults(func=cmd_targets)
    bases = group_sub.add_parser("bases", help="import units' monthly bases: unit,month,base")
    bases.add_argument("file", help="a CSV file: unit name, YYYY-MM, base[, kind]")
    bases.add_argument("--business-line", required=True, help="the business line's id")
    bases.set_defaults(func=cmd_bases)
    from kefu.reports import periodic_cli

    periodic_cli.register(group_sub)
    periodic_cli.register_letters(group_sub)
    from kefu.reports import builder_cli

    builder_cli.register(group_sub)
    actuals = group_sub.add_parser(
        "actuals", help="import targets' monthly actuals: metric,month,value"
    )
    actuals.add_argument("file", help="a CSV file: metric code, YYYY-MM, value[, unit name]")
    actuals.add_argument("--business-line", required=True, help="the business line's id")
    actuals.set_defaults(func=cmd_actuals)


def _writable(name: str | None) -> Path | None:
    if not name:
        return None
    path = Path(name)
    if not path.parent.is_dir():
        raise UsageError(f"no such directory: {path.parent}")
    return path


def cmd_monthly(args) -> int:
    from kefu.cli import print_json
    from kefu.reports import exports, statement

    xlsx, pdf = _writable(args.xlsx), _writable(args.pdf)
    viewer = statement.SystemViewer()
    data = statement.monthly(viewer, period=args.period, business_line=args.business_line)
    signed = statement.signed_for(viewer, data["business_line"], statement.parse_month(args.period))
    summary = signed.summary if signed else ""
    if xlsx:
        xlsx.write_bytes(exports.statement_xlsx(data, summary=summary))
    if pdf:
        pdf.write_bytes(exports.statement_pdf(data, summary=summary))
    if args.json or not (xlsx or pdf):
        if args.json:
            print_json(data)
        else:
            c = data["complaints"]
            print(f"{data['period']}\tcomplaints {c['total']}\trepeat {c['repeat']}")
            for u in c["by_unit"]:
                ratio = "无基数" if u["ratio_pct"] is None else f"{u['ratio_pct']:.2f}%"
                print(f"{u['rank'] or '-'}\t{u['unit']}\t{u['complaints']}\t{ratio}")
    return 0


def cmd_targets(args) -> int:
    from kefu.cli import print_json
    from kefu.reports import statement, targets

    rows = targets.report(
        statement.SystemViewer(), period=args.period, business_line=args.business_line
    )
    if args.json:
        print_json({"targets": rows})
    else:
        words = {True: "met", False: "missed", None: "-"}
        for r in rows:
            print(f"{r['period']}\t{r['metric']}\t{r['target']}\t{r['actual']}\t{words[r['met']]}")
    return 0


def cmd_bases(args) -> int:
    from kefu.reports import services, statement

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {args.file}: {exc}") from None
    n = services.import_bases(
        user=statement.SystemViewer(), text=text, business_line=args.business_line
    )
    print(f"{n} bases imported")
    return 0


def cmd_actuals(args) -> int:
    from kefu.reports import statement, target_services

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {args.file}: {exc}") from None
    n = target_services.import_actuals(
        user=statement.SystemViewer(), text=text, business_line=args.business_line
    )
    print(f"{n} actuals imported")
    return 0
