"""``kefu repairs due|quota``, ``kefu fees collection-rate|dunning`` and ``kefu property …``
(the households' e-archive and the rental register) (issue 21; a stable interface: outside
tests use it). ``kefu property`` acts as ``--user`` (their line, scope and phone masking) through
the same services as the pages and the API. Bad input, an unknown user or object, a refusal or a
stale version: a message on stderr, exit code 2, nothing written."""

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
    quota.add_argument("--done", help="units a repairer repaired in the month (with --per-unit)")
    quota.add_argument("--per-unit", help="commission in yuan for each unit above the quota")
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
    register_property(sub)


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
        result = {"quota": quota}
        if (args.done is None) != (args.per_unit is None):
            raise UsageError("give --done and --per-unit together")
        if args.done is not None:
            above, earned = rules.commission(int(args.done), quota, args.per_unit)
            result |= {"above_quota": above, "commission_yuan": float(earned)}
    except (ValueError, rules.RuleError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json(result)
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items()) if len(result) > 1 else quota)
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


def _fee_known(line_code, code: str) -> bool:
    from kefu.property.models import FeeType

    fees = FeeType.objects.filter(code=code)
    return (fees.filter(business_line__code=line_code) if line_code else fees).exists()


def _num(value):
    return None if value is None else float(value)


def cmd_collection_rate(args) -> int:
    from kefu.cli import print_json
    from kefu.property import selectors

    if not (args.year.isdigit() and len(args.year) == 4):
        raise UsageError(f"not a year: {args.year} (use YYYY)")
    bills = _bills(args.line)
    if args.fee_type is not None and not _fee_known(args.line, args.fee_type):
        # an unknown code is a typo, not a fee nobody was billed for: say so, exit 2
        raise UsageError(f"no fee standard {args.fee_type}")
    report = selectors.collection_rate(bills=bills, year=int(args.year), fee_code=args.fee_type)
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


# -- kefu property: the households' e-archive (ARC-9) and the rental register (PM-X5) ------------


def register_property(sub) -> None:
    group = sub.add_parser("property", help="the households' e-archive and the rental register")
    group_sub = group.add_subparsers(dest="property_command", required=True, metavar="COMMAND")

    def command(name, help_text, func):
        parser = group_sub.add_parser(name, help=help_text)
        parser.add_argument("--user", required=True, help="act as this username (their line)")
        parser.add_argument("--json", action="store_true", help="print machine-readable output")
        parser.set_defaults(func=func)
        return parser

    docs = command("documents", "search the e-archive's catalogue, newest first", cmd_documents)
    docs.add_argument("--q", default="", help="a word of the title, file name, room or owner")
    docs.add_argument("--kind", default="", help="announcement, notice, report, fee_record, …")
    docs.add_argument("--building", default="", help="a building, e.g. 3栋")
    docs.add_argument("--cursor", help="the 'next' of the previous page")
    docs.add_argument("--limit", help="rows a page (1–200, default 50)")
    household = command(
        "household", "a household: owner, fees, tenant, visits, documents", cmd_household
    )
    household.add_argument("--id", required=True, help="the household's id")
    file_ = command("file", "file a document in a household's archive", cmd_file)
    file_.add_argument("--household", required=True, help="the household's id")
    file_.add_argument("--kind", required=True, help="the document's kind")
    file_.add_argument("--title", required=True, help="the document's title")
    file_.add_argument("--file", required=True, help="path of the file to file")
    withdraw = command("withdraw", "withdraw a misfiled document (supervisors)", cmd_withdraw)
    withdraw.add_argument("--document", required=True, help="the document's id")
    reg = command("rentals", "the rental register with its completeness", cmd_rentals)
    reg.add_argument("--incomplete", action="store_true", help="only the rows to complete")
    reg.add_argument("--cursor", help="the 'next' of the previous page")
    reg.add_argument("--limit", help="rows a page (1–200, default 25)")
    tenant = command("tenant", "record a unit's new tenant", cmd_tenant)
    tenant.add_argument("--household", required=True, help="the household's id")
    _tenant_fields(tenant, required=True)
    complete = command("complete", "complete or correct the current tenant's row", cmd_complete)
    complete.add_argument("--tenancy", required=True, help="the tenancy's id")
    complete.add_argument("--version", required=True, help="the version read (stale: refused)")
    _tenant_fields(complete, required=False)
    move_out = command("move-out", "record that the tenant moved out", cmd_move_out)
    move_out.add_argument("--tenancy", required=True, help="the tenancy's id")
    move_out.add_argument("--version", required=True, help="the version read (stale: refused)")
    move_out.add_argument("--on", help="YYYY-MM-DD (default today, never ahead)")
    move_out.add_argument("--to", default="owner", help="owner (default) or vacant")


def _tenant_fields(parser, *, required: bool) -> None:
    parser.add_argument("--name", required=required, help="the tenant's name")
    parser.add_argument("--phone", help="the tenant's phone (left out: kept)")
    parser.add_argument("--lease-start", help="YYYY-MM-DD")
    parser.add_argument("--lease-end", help="YYYY-MM-DD")


def _acting(username: str):
    from kefu.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UsageError(f"unknown user: {username}")
    return user


def _id(name: str, text) -> int:
    if text is None or not str(text).isdigit() or len(str(text)) > 18 or int(text) < 1:
        raise UsageError(f"{name} must be a positive whole number, not {text!r}")
    return int(text)


def _limit(text):
    return None if text is None else _id("--limit", text)


def _domain_error(exc) -> UsageError:
    fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    return UsageError(f"{exc.message} {fields}".strip())


def _run(args, work, text):
    """Run ``work()`` (a service call), print its data as JSON or as ``text(data)``."""
    from kefu.cli import print_json
    from kefu.core.errors import DomainError

    try:
        data = work()
    except DomainError as exc:
        raise _domain_error(exc) from None
    if args.json:
        print_json(data)
    else:
        print(text(data))
    return 0


def _document_line(d) -> str:
    return f"#{d['id']}\t{d['kind']}\t{d['unit']}\t{d['owner']}\t{d['title']}\t{d['name']}"


def cmd_documents(args) -> int:
    from kefu.property import archive
    from kefu.property.api_archive import document_out

    user = _acting(args.user)

    def work():
        found = archive.catalogue(
            user,
            q=args.q,
            kind=args.kind,
            building=args.building,
            cursor=args.cursor,
            limit=_limit(args.limit) or archive.CATALOGUE_PAGE,
        )
        return {
            "items": [document_out(d) for d in found["documents"]],
            "next": found["next"],
            "total": found["total"],
            "by_kind": [{"kind": k, "count": n} for k, _label, n in found["kinds"]],
        }

    return _run(
        args,
        work,
        lambda data: "\n".join([*map(_document_line, data["items"]), f"total {data['total']}"]),
    )


def cmd_household(args) -> int:
    from kefu.property.api_archive import household_out

    user = _acting(args.user)
    pk = _id("--id", args.id)
    return _run(
        args,
        lambda: household_out(user, pk),
        lambda h: (
            f"{h['building']}-{h['unit']}-{h['room']} {h['owner']} {h['owner_phone']} "
            f"owes {h['owed_yuan']}, {len(h['documents'])} document(s)"
        ),
    )


def cmd_file(args) -> int:
    import os

    from django.core.files import File

    from kefu.property import archive
    from kefu.property.api_archive import document_out

    user = _acting(args.user)
    household = _id("--household", args.household)
    if not os.path.isfile(args.file):
        raise UsageError(f"no such file: {args.file}")

    def work():
        with open(args.file, "rb") as handle:
            upload = File(handle, name=os.path.basename(args.file))
            return document_out(
                archive.document_file(
                    actor=user, unit_id=household, kind=args.kind, title=args.title, upload=upload
                )
            )

    return _run(args, work, lambda d: f"filed {_document_line(d)}")


def cmd_withdraw(args) -> int:
    from kefu.property import archive

    user = _acting(args.user)
    document = _id("--document", args.document)

    def work():
        archive.document_withdraw(actor=user, document_id=document)
        return {"withdrawn": document}

    return _run(args, work, lambda data: f"withdrew document #{data['withdrawn']}")


def _tenancy_line(t) -> str:
    return (
        f"#{t['id']} v{t['version']} {t['unit']} {t['tenant_name']} {t['phone']} "
        f"{t['lease_start'] or '?'}–{t['lease_end'] or '?'}"
    )


def cmd_rentals(args) -> int:
    from kefu.property.api_archive import register_page

    user = _acting(args.user)

    def text(data) -> str:
        rows = [
            f"{r['unit']}\t{'complete' if r['complete'] else ', '.join(r['gaps'])}"
            for r in data["items"]
        ]
        return "\n".join(
            [*rows, f"complete {data['complete']} of {data['rented']}: {data['completeness']}"]
        )

    return _run(
        args,
        lambda: register_page(
            user,
            incomplete=True if args.incomplete else None,
            cursor=args.cursor,
            limit=_limit(args.limit),
        ),
        text,
    )


def cmd_tenant(args) -> int:
    from kefu.property import rentals
    from kefu.property.api_archive import tenancy_out

    user = _acting(args.user)
    household = _id("--household", args.household)
    return _run(
        args,
        lambda: tenancy_out(
            user,
            rentals.tenancy_record(
                actor=user,
                unit_id=household,
                tenant_name=args.name,
                phone=args.phone or "",
                lease_start=args.lease_start,
                lease_end=args.lease_end,
            ),
        ),
        lambda t: f"recorded {_tenancy_line(t)}",
    )


def cmd_complete(args) -> int:
    from kefu.property import rentals
    from kefu.property.api_archive import tenancy_out

    user = _acting(args.user)
    tenancy_id, version = _id("--tenancy", args.tenancy), _id("--version", args.version)
    current = rentals.tenancies_for(user).filter(pk=tenancy_id, moved_out_on=None).first()
    if current is None:
        raise UsageError(f"no current tenancy #{tenancy_id} in {args.user}'s reach")

    def kept(value, recorded):
        return recorded if value is None else value

    return _run(
        args,
        lambda: tenancy_out(
            user,
            rentals.tenancy_update(
                actor=user,
                tenancy_id=tenancy_id,
                version=version,
                tenant_name=kept(args.name, current.tenant_name),
                phone=args.phone or "",
                lease_start=kept(args.lease_start, current.lease_start),
                lease_end=kept(args.lease_end, current.lease_end),
            ),
        ),
        lambda t: f"completed {_tenancy_line(t)}",
    )


def cmd_move_out(args) -> int:
    from django.utils import timezone

    from kefu.property import rentals
    from kefu.property.api_archive import tenancy_out

    user = _acting(args.user)
    tenancy_id, version = _id("--tenancy", args.tenancy), _id("--version", args.version)
    return _run(
        args,
        lambda: tenancy_out(
            user,
            rentals.tenancy_end(
                actor=user,
                tenancy_id=tenancy_id,
                version=version,
                moved_out_on=args.on or timezone.localdate(),
                occupancy=args.to,
            ),
        ),
        lambda t: f"moved out {_tenancy_line(t)} on {t['moved_out_on']}",
    )
