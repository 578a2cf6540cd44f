"""`kefu customers import FILE.xlsx …` and `kefu customers export --out FILE.xlsx …`.

Django models are imported inside the commands: django.setup() runs after argument parsing.
"""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("customers", help="the customer archive: import and export .xlsx")
    group = p.add_subparsers(dest="customers_command", required=True, metavar="ACTION")

    imp = group.add_parser("import", help="import customers from an .xlsx workbook")
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.add_argument("--business-line", help="business line id or code (default: the only one)")
    imp.add_argument(
        "--allow-partial", action="store_true", help="load the valid rows even if some fail"
    )
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.set_defaults(func=cmd_import)

    exp = group.add_parser("export", help="export customers to an .xlsx workbook")
    exp.add_argument("--out", required=True, metavar="FILE.xlsx")
    exp.add_argument("--business-line", help="business line id or code (default: all)")
    exp.add_argument("--q", default="", help="name or 4+ phone digits")
    exp.add_argument("--tier", default="")
    exp.add_argument("--tag", default="")
    exp.add_argument("--segment", default="", choices=["", "loyal", "general", "lost"])
    exp.add_argument("--json", action="store_true", help="print the result as JSON")
    exp.set_defaults(func=cmd_export)


def _line(value: str | None, *, required: bool):
    from kefu.accounts.models import BusinessLine
    from kefu.cli import UsageError

    if not value:
        if not required:
            return None
        lines = list(BusinessLine.objects.filter(is_active=True)[:2])
        if len(lines) != 1:
            raise UsageError("choose the business line with --business-line ID")
        return lines[0]
    qs = BusinessLine.objects.all()
    line = qs.filter(pk=int(value)).first() if value.isdigit() else qs.filter(code=value).first()
    if line is None:
        raise UsageError(f"no such business line: {value}")
    return line


def _system_user():
    """The CLI acts as the system: an administrator-equivalent actor with no row in the log."""
    from kefu.accounts.models import User

    return User(username="kefu-cli", role="admin", is_active=True)


def cmd_import(args) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from kefu.cli import UsageError, print_json
    from kefu.customers.imports import customers_import

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    line = _line(args.business_line, required=True)
    with tqdm(desc="rows", unit=" rows", file=sys.stderr, disable=None) as bar:
        result = customers_import(
            actor=_system_user(),
            business_line=line,
            source=str(path),
            allow_partial=args.allow_partial,
            progress=bar.update,
        )
    for error in result.errors:
        print(f"row {error.row}, {error.column}: {error.reason}", file=sys.stderr)
    if result.error_count > len(result.errors):
        print(f"… and {result.error_count - len(result.errors)} more errors", file=sys.stderr)
    if args.json:
        print_json(result.as_dict())
    else:
        print(f"{result.created} of {result.rows} rows imported into {line.name}.")
    if result.error_count and not result.loaded:
        return 2
    return 0


def cmd_export(args) -> int:
    from kefu.cli import print_json
    from kefu.customers.imports import customers_export
    from kefu.customers.selectors import CustomerFilters, customer_list_for

    line = _line(args.business_line, required=False)
    user = _system_user()
    filters = CustomerFilters.parse(
        {"q": args.q, "tier": args.tier, "tag": args.tag, "segment": args.segment}
    )
    qs = customer_list_for(user=user, filters=filters)
    if line is not None:
        qs = qs.filter(business_line=line)
        filters.raw["business_line"] = line.pk
    rows = customers_export(user=user, qs=qs, out=args.out, filters=filters.raw)
    if args.json:
        print_json({"rows": rows, "file": args.out})
    else:
        print(f"{rows} customers written to {args.out}.")
    return 0
