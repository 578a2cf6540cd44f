"""``kefu orders import``, ``kefu reminders plan|run``, ``kefu returns check``, the returns
team's reads ``kefu returns team|cases|registers|forecast --user USERNAME`` and the logistics
cases' writes ``kefu returns case-open|case-step --user USERNAME``, the platform disputes
``kefu returns disputes|dispute-open|dispute-contact|dispute-evidence|dispute-appeal|dispute-close``
(issue 20, CMP-11), and an event's warehouse plan ``kefu double11 warehouse --user USERNAME``
(PK-5).

The documented outputs are JSON (``--json`` is accepted everywhere); bad input goes to stderr
with exit code 2. Times without an offset are Asia/Shanghai.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

from kefu.cli import UsageError

TIERS = ("normal", "silver", "gold", "vip")


def register(sub) -> None:
    orders = sub.add_parser("orders", help="shops' orders: import platform exports")
    orders_sub = orders.add_subparsers(dest="orders_command", required=True, metavar="COMMAND")
    imp = orders_sub.add_parser("import", help="upsert orders from .xlsx or .csv (UTF-8/GBK)")
    imp.add_argument("file")
    imp.add_argument("--shop", required=True, type=int, help="the shop's id")
    imp.add_argument("--partial", action="store_true", help="load the good rows despite errors")
    imp.add_argument("--json", action="store_true", help="(the output is JSON)")
    imp.set_defaults(func=cmd_orders_import)

    rem = sub.add_parser("reminders", help="payment reminders (催付)")
    rem_sub = rem.add_subparsers(dest="reminders_command", required=True, metavar="COMMAND")
    plan = rem_sub.add_parser("plan", help="which orders of a CSV are due a reminder at a moment")
    plan.add_argument("--orders", required=True, help="CSV: order_id, placed_at, amount, …")
    plan.add_argument("--at", required=True, help="ISO 8601 moment")
    plan.add_argument("--json", action="store_true", help="(the output is JSON)")
    plan.set_defaults(func=cmd_reminders_plan)
    run = rem_sub.add_parser("run", help="plan and send the reminders due now (the job)")
    run.add_argument("--at", help="ISO 8601 moment (default: now)")
    run.add_argument("--json", action="store_true", help="(the output is JSON)")
    run.set_defaults(func=cmd_reminders_run)

    d11 = sub.add_parser("double11", help="Double 11 operations")
    d11_sub = d11.add_subparsers(dest="double11_command", required=True, metavar="COMMAND")
    wh = d11_sub.add_parser(
        "warehouse", help="orders per brand, pre-packs and couriers of an event (PK-5)"
    )
    wh.add_argument("--user", required=True, help="whose scope to report (a username)")
    wh.add_argument("--campaign", required=True, type=int, help="the event's campaign id")
    wh.add_argument("--orders", type=int, help="orders expected (default: the one recorded)")
    wh.add_argument("--json", action="store_true", help="(the output is JSON)")
    wh.set_defaults(func=cmd_double11_warehouse)

    ret = sub.add_parser("returns", help="returns and refunds")
    ret_sub = ret.add_subparsers(dest="returns_command", required=True, metavar="COMMAND")
    check = ret_sub.add_parser("check", help="may this return be accepted under the policy?")
    check.add_argument("--tier", required=True, help="normal, silver, gold or vip")
    check.add_argument("--delivered-at", required=True)
    check.add_argument("--requested-at", required=True)
    check.add_argument("--amount", required=True, help="yuan")
    check.add_argument("--opened", action="store_true")
    check.add_argument("--reason", default="", help="allergy for the green policy")
    check.add_argument("--exchange", action="store_true", help="an exchange, not a refund")
    check.add_argument("--line", help="read the policy of this business line (its code)")
    check.add_argument("--json", action="store_true", help="(the output is JSON)")
    check.set_defaults(func=cmd_returns_check)

    # the returns team's reads, in the scope of a user of the line (RET-7, RET-8, RET-9)
    tm = ret_sub.add_parser(
        "team", help="补发准确率, turnaround and refund completion per specialist"
    )
    tm.add_argument("--user", required=True, help="whose scope to report (a username)")
    tm.add_argument("--from", dest="start", help="first day YYYY-MM-DD (default: 30 days ago)")
    tm.add_argument("--to", dest="end", help="last day YYYY-MM-DD (default: today)")
    tm.add_argument("--json", action="store_true", help="(the output is JSON)")
    tm.set_defaults(func=cmd_returns_team)
    cases = ret_sub.add_parser("cases", help="logistics cases (lost, short, damaged, anomaly)")
    cases.add_argument("--user", required=True, help="whose scope to report (a username)")
    cases.add_argument("--all", action="store_true", help="closed cases too")
    cases.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    cases.add_argument("--json", action="store_true", help="(the output is JSON)")
    cases.set_defaults(func=cmd_returns_cases)
    regs = ret_sub.add_parser("registers", help="the eight daily registers of a day (RET-8)")
    regs.add_argument("--user", required=True, help="whose scope to report (a username)")
    regs.add_argument("--day", help="YYYY-MM-DD (default: yesterday)")
    regs.add_argument("--json", action="store_true", help="(the output is JSON)")
    regs.set_defaults(func=cmd_returns_registers)

    fc = ret_sub.add_parser(
        "forecast", help="refunds to expect of a sales forecast, by stage (STF-3)"
    )
    fc.add_argument("--user", required=True, help="whose line's history (a username)")
    fc.add_argument("--orders", required=True, type=int, help="the orders expected")
    fc.add_argument("--from", dest="start", help="reference: first day paid (default 30 days ago)")
    fc.add_argument("--to", dest="end", help="reference: last day paid (default: today)")
    fc.add_argument("--json", action="store_true", help="(the output is JSON)")
    fc.set_defaults(func=cmd_returns_forecast)

    # the logistics cases' writes, as USERNAME (RET-7): the services of the page and the API
    opn = ret_sub.add_parser("case-open", help="open a logistics case for a shipped order")
    opn.add_argument("--user", required=True, help="who opens it (a username of the line)")
    opn.add_argument("--order", required=True, help="the order number")
    opn.add_argument("--kind", required=True, help="lost, short, damaged or anomaly")
    opn.add_argument("--courier", default="", help="default: the order's courier")
    opn.add_argument("--description", default="")
    opn.add_argument("--json", action="store_true", help="(the output is JSON)")
    opn.set_defaults(func=cmd_returns_case_open)
    stp = ret_sub.add_parser("case-step", help="move a logistics case on by one step")
    stp.add_argument("--user", required=True, help="who takes the step (a username of the line)")
    stp.add_argument("--case", required=True, type=int, help="the case's id")
    stp.add_argument(
        "--version", required=True, type=int, help="the case's version (stale: exit 2)"
    )
    stp.add_argument("--step", required=True, help="confirm, weigh, query, remedy, claim or close")
    stp.add_argument("--note", default="")
    stp.add_argument("--weight-warehouse", help="kg (weigh)")
    stp.add_argument("--weight-courier", help="kg (weigh)")
    stp.add_argument("--remedy", default="", help="reship or refund (remedy)")
    stp.add_argument("--items", default="", help="what is reshipped (remedy reship)")
    stp.add_argument("--amount", help="yuan refunded (remedy refund; default the order's)")
    stp.add_argument("--claim-amount", help="yuan claimed from the courier (claim)")
    stp.add_argument("--recovered-amount", help="yuan recovered, ≤ claimed (close)")
    stp.add_argument("--json", action="store_true", help="(the output is JSON)")
    stp.set_defaults(func=cmd_returns_case_step)
    opn.add_argument("--extend-days", type=int, help="days (kind extend: 延长收货时间)")

    # platform disputes (CMP-11, 淘宝小二介入), as USERNAME: the services of the page and the API
    dl = ret_sub.add_parser("disputes", help="platform disputes of the line (open ones by default)")
    dl.add_argument("--user", required=True, help="whose scope (a username)")
    dl.add_argument("--all", action="store_true", help="closed disputes too")
    dl.add_argument("--limit", type=int, default=100)
    dl.add_argument("--json", action="store_true", help="(the output is JSON)")
    dl.set_defaults(func=cmd_returns_disputes)
    do = ret_sub.add_parser("dispute-open", help="the buyer took a refused return to the platform")
    do.add_argument("--user", required=True, help="who records it (a username of the line)")
    do.add_argument("--return", dest="ret", required=True, type=int, help="the return's id")
    do.add_argument("--version", required=True, type=int, help="the return's version")
    do.add_argument("--case-no", default="", help="the platform's case number")
    do.add_argument("--json", action="store_true", help="(the output is JSON)")
    do.set_defaults(func=cmd_returns_dispute_open)
    dc = ret_sub.add_parser("dispute-contact", help="log a contact with the buyer")
    dc.add_argument("--user", required=True)
    dc.add_argument("--dispute", required=True, type=int, help="the dispute's id")
    dc.add_argument("--version", required=True, type=int, help="the dispute's version")
    dc.add_argument("--channel", required=True, help="phone, im, sms or platform")
    dc.add_argument("--offer", required=True, help="what was offered")
    dc.add_argument("--answer", required=True, help="the buyer's answer")
    dc.add_argument("--at", help="ISO 8601 (default now; without offset Asia/Shanghai)")
    dc.add_argument("--json", action="store_true", help="(the output is JSON)")
    dc.set_defaults(func=cmd_returns_dispute_contact)
    de = ret_sub.add_parser("dispute-evidence", help="add a file to the appeal pack")
    de.add_argument("--user", required=True)
    de.add_argument("--dispute", required=True, type=int)
    de.add_argument("--kind", required=True, help="purchase, brand, chat or other")
    de.add_argument("--file", required=True, help="the file (the attachment types and size)")
    de.add_argument("--json", action="store_true", help="(the output is JSON)")
    de.set_defaults(func=cmd_returns_dispute_evidence)
    da = ret_sub.add_parser("dispute-appeal", help="submit the appeal pack to the platform")
    da.add_argument("--user", required=True)
    da.add_argument("--dispute", required=True, type=int)
    da.add_argument("--version", required=True, type=int)
    da.add_argument("--reasons", required=True)
    da.add_argument("--json", action="store_true", help="(the output is JSON)")
    da.set_defaults(func=cmd_returns_dispute_appeal)
    dx = ret_sub.add_parser("dispute-close", help="record the outcome: won, lost or withdrawn")
    dx.add_argument("--user", required=True)
    dx.add_argument("--dispute", required=True, type=int)
    dx.add_argument("--version", required=True, type=int)
    dx.add_argument("--outcome", required=True, help="won, lost or withdrawn")
    dx.add_argument("--amount", help="yuan paid to the buyer (lost: required)")
    dx.add_argument("--json", action="store_true", help="(the output is JSON)")
    dx.set_defaults(func=cmd_returns_dispute_close)


def _time(value: str, what: str) -> dt.datetime:
    from kefu.commerce.values import parse_time

    try:
        parsed = parse_time(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise UsageError(f"{what}: not an ISO 8601 time: {value}")
    return parsed


def cmd_reminders_plan(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import reminder_rules
    from kefu.commerce.tables import decode
    from kefu.commerce.values import parse_amount, parse_bool, parse_time

    at = _time(args.at, "--at")
    try:
        text = decode(Path(args.orders).read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read {args.orders}: {exc.strerror}") from None
    except Exception as exc:  # Invalid: neither UTF-8 nor GBK
        raise UsageError(str(exc)) from None
    reader = csv.DictReader(io.StringIO(text))
    required = {"order_id", "placed_at", "amount"}
    if not reader.fieldnames or not required <= {h.strip() for h in reader.fieldnames}:
        raise UsageError(f"{args.orders}: the header needs order_id, placed_at and amount")
    orders = []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            sent = frozenset(s.strip() for s in row.get("sent", "").split("|") if s.strip())
            unknown = sent - set(reminder_rules.CHANNELS)
            if unknown:
                raise ValueError(f"unknown channel in sent: {', '.join(sorted(unknown))}")
            if not row["order_id"]:
                raise ValueError("order_id is empty")
            placed = parse_time(row["placed_at"])
            if placed is None:
                raise ValueError("placed_at is empty")
            orders.append(
                reminder_rules.OrderState(
                    order_id=row["order_id"],
                    placed_at=placed,
                    amount=parse_amount(row["amount"]),
                    paid_at=parse_time(row.get("paid_at", "")),
                    closed_at=parse_time(row.get("closed_at", "")),
                    buyer_online=parse_bool(row.get("buyer_online", "")),
                    sent=sent,
                )
            )
        except ValueError as exc:
            raise UsageError(f"{args.orders} row {number}: {exc}") from None
    due = reminder_rules.plan(reminder_rules.ReminderRules(), orders, at)
    print_json({"at": at.isoformat(), **due})
    return 0


def cmd_reminders_run(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce.services import reminders

    at = _time(args.at, "--at") if args.at else None
    planned = reminders.plan_due(at=at)
    sent = reminders.send_due(at=at)
    print_json({"planned": planned, "sent": sent})
    return 0


def cmd_returns_check(args) -> int:
    from django.utils.translation import override

    from kefu.cli import print_json
    from kefu.commerce import return_policy
    from kefu.commerce.values import parse_amount
    from kefu.commerce.words import rule_message

    if args.tier not in TIERS:
        raise UsageError(f"--tier must be one of {', '.join(TIERS)}")
    delivered = _time(args.delivered_at, "--delivered-at")
    requested = _time(args.requested_at, "--requested-at")
    if requested < delivered:
        raise UsageError("--requested-at is earlier than --delivered-at")
    try:
        amount = parse_amount(args.amount)
    except ValueError:
        raise UsageError(f"--amount: not an amount of yuan: {args.amount}") from None
    policy = return_policy.ReturnPolicy()
    if args.line:
        from kefu.accounts.models import BusinessLine
        from kefu.commerce.services.returns import policy_for

        line = BusinessLine.objects.filter(code=args.line).first()
        if line is None:
            raise UsageError(f"no such business line: {args.line}")
        policy = policy_for(line)
    verdict = return_policy.check(
        policy,
        tier=args.tier,
        delivered_at=delivered,
        requested_at=requested,
        amount=amount,
        opened=args.opened,
        reason=args.reason.strip().lower(),
        refund=not args.exchange,
    )
    with override("zh-hans"):
        message = rule_message(verdict.rule)
    print_json(
        {
            "eligible": verdict.eligible,
            "rule": verdict.rule,
            "message": message,
            "deadline": verdict.deadline.isoformat() if verdict.deadline else None,
        }
    )
    return 0


def cmd_orders_import(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce.services import orders
    from kefu.commerce.tables import read_rows
    from kefu.customers.models import Shop

    shop = Shop.objects.select_related("business_line").filter(pk=args.shop).first()
    if shop is None:
        raise UsageError(f"no such shop: {args.shop}")
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    rows = read_rows(data, path.name)
    result = orders.orders_upsert(actor=None, shop=shop, rows=rows, partial=args.partial)
    print_json(result.as_dict())
    if result.errors:
        print(
            f"kefu: error: {len(result.errors)} rows have errors"
            + ("" if args.partial else "; nothing was loaded"),
            file=sys.stderr,
        )
        return 2
    return 0


# -- the returns team's reads ---------------------------------------------------------------


def _reader(username: str):
    from kefu.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UsageError(f"unknown user: {username}")
    return user


def _day(value: str | None, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{what}: not a day YYYY-MM-DD: {value}") from None
    if not 2000 <= day.year <= 9998:
        raise UsageError(f"{what}: out of range: {value}")
    return day


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def cmd_returns_team(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import team_out
    from kefu.commerce.api_team import period
    from kefu.core.errors import Invalid

    user = _reader(args.user)
    try:
        first, last = period(_day(args.start, "--from"), _day(args.end, "--to"))
    except Invalid as exc:
        raise UsageError(str(exc.message)) from None
    print_json(_jsonable(team_out.team(user=user, first=first, last=last)))
    return 0


def cmd_returns_forecast(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import team_out
    from kefu.commerce.api_team import period
    from kefu.commerce.refund_forecast import MAX_ORDERS
    from kefu.core.errors import Invalid

    user = _reader(args.user)
    if not 0 <= args.orders <= MAX_ORDERS:
        raise UsageError(f"--orders must be 0 to {MAX_ORDERS}: {args.orders}")
    try:
        first, last = period(_day(args.start, "--from"), _day(args.end, "--to"))
    except Invalid as exc:
        raise UsageError(str(exc.message)) from None
    out = team_out.refund_forecast(user=user, first=first, last=last, orders=args.orders)
    print_json(_jsonable(out))
    return 0


def cmd_double11_warehouse(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import peak_selectors, warehouse_selectors
    from kefu.commerce.api_warehouse import warehouse_out
    from kefu.commerce.warehouse import MAX_QUANTITY
    from kefu.core.errors import NotFound

    user = _reader(args.user)
    if args.orders is not None and not 0 <= args.orders <= MAX_QUANTITY:
        raise UsageError(f"--orders must be 0 to {MAX_QUANTITY}: {args.orders}")
    if not 1 <= args.campaign < 2**63:
        raise UsageError(f"--campaign: not an id: {args.campaign}")
    try:
        campaign = peak_selectors.campaign_get_for(user=user, pk=args.campaign)
    except NotFound:
        raise UsageError(f"no campaign {args.campaign} in the scope of {args.user}") from None
    print_json(warehouse_out(warehouse_selectors.plan_for(campaign, orders=args.orders)))
    return 0


def cmd_returns_cases(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import team_out, team_selectors

    user = _reader(args.user)
    if not 1 <= args.limit <= 10000:
        raise UsageError(f"--limit must be 1 to 10000: {args.limit}")
    rows = team_selectors.cases_for(user=user, open_only=not args.all).order_by("-opened_at", "-id")
    print_json(_jsonable({"items": [team_out.case(c) for c in rows[: args.limit]]}))
    return 0


def cmd_returns_registers(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import team_out, team_selectors

    user = _reader(args.user)
    day = _day(args.day, "--day") or team_selectors.yesterday()
    print_json(_jsonable(team_out.registers(user=user, day=day)))
    return 0


def cmd_returns_case_open(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import team_out, team_selectors
    from kefu.commerce.services import returns_team

    user = _reader(args.user)
    order = team_selectors.order_get_for(user=user, order_no=args.order)
    case = returns_team.case_open(
        actor=user,
        order=order,
        kind=args.kind,
        courier=args.courier,
        description=args.description,
        extend_days=args.extend_days,
    )
    print_json(_jsonable(team_out.case(team_selectors.case_get_for(user=user, pk=case.pk))))
    return 0


def cmd_returns_case_step(args) -> int:
    """One step of a case; a stale ``--version`` or a step that does not follow is refused on
    stderr with exit 2 and changes nothing (the API's 409)."""
    from kefu.cli import print_json
    from kefu.commerce import team_out, team_selectors
    from kefu.commerce.services import returns_team
    from kefu.core.inputs import MAX_ID

    user = _reader(args.user)
    if not 1 <= args.case <= MAX_ID:
        raise UsageError(f"--case out of range: {args.case}")
    if not 1 <= args.version <= 2**31 - 1:
        raise UsageError(f"--version out of range: {args.version}")
    case = team_selectors.case_get_for(user=user, pk=args.case)
    returns_team.case_step(
        actor=user,
        case=case,
        version=args.version,
        step=args.step,
        note=args.note,
        weight_warehouse=args.weight_warehouse,
        weight_courier=args.weight_courier,
        remedy=args.remedy,
        items=args.items,
        amount=args.amount,
        claim_amount=args.claim_amount,
        recovered_amount=args.recovered_amount,
    )
    print_json(_jsonable(team_out.case(team_selectors.case_get_for(user=user, pk=case.pk))))
    return 0


# -- platform disputes (CMP-11) ------------------------------------------------------------------


def _ids(**values) -> None:
    from kefu.core.inputs import MAX_ID

    for name, value in values.items():
        top = 2**31 - 1 if name == "version" else MAX_ID
        if not 1 <= value <= top:
            raise UsageError(f"--{name} out of range: {value}")


def _dispute_json(user, pk: int) -> None:
    from kefu.cli import print_json
    from kefu.commerce import dispute_out, dispute_selectors

    print_json(_jsonable(dispute_out.dispute(dispute_selectors.dispute_get_for(user=user, pk=pk))))


def cmd_returns_disputes(args) -> int:
    from kefu.cli import print_json
    from kefu.commerce import dispute_out, dispute_selectors

    user = _reader(args.user)
    if not 1 <= args.limit <= 10000:
        raise UsageError(f"--limit must be 1 to 10000: {args.limit}")
    rows = dispute_selectors.disputes_for(user=user, open_only=not args.all).order_by(
        "-opened_at", "-id"
    )
    print_json(
        _jsonable({"items": [dispute_out.dispute(d, full=False) for d in rows[: args.limit]]})
    )
    return 0


def cmd_returns_dispute_open(args) -> int:
    """A stale ``--version`` or a return that is not refused: stderr, exit 2, nothing changed."""
    from kefu.commerce import selectors
    from kefu.commerce.services import disputes

    user = _reader(args.user)
    _ids(**{"return": args.ret, "version": args.version})
    ret = selectors.return_get_for(user=user, pk=args.ret)
    d = disputes.dispute_open(actor=user, ret=ret, version=args.version, case_no=args.case_no)
    _dispute_json(user, d.pk)
    return 0


def cmd_returns_dispute_contact(args) -> int:
    from kefu.commerce import dispute_selectors
    from kefu.commerce.services import disputes

    user = _reader(args.user)
    _ids(dispute=args.dispute, version=args.version)
    at = _time(args.at, "--at") if args.at else None
    d = dispute_selectors.dispute_get_for(user=user, pk=args.dispute)
    disputes.contact_add(
        actor=user,
        dispute=d,
        version=args.version,
        channel=args.channel,
        offer=args.offer,
        answer=args.answer,
        at=at,
    )
    _dispute_json(user, d.pk)
    return 0


def cmd_returns_dispute_evidence(args) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.commerce import dispute_selectors
    from kefu.commerce.services import disputes

    user = _reader(args.user)
    _ids(dispute=args.dispute)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"--file: no such file: {args.file}")
    d = dispute_selectors.dispute_get_for(user=user, pk=args.dispute)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    disputes.evidence_add(actor=user, dispute=d, kind=args.kind, upload=upload)
    _dispute_json(user, d.pk)
    return 0


def cmd_returns_dispute_appeal(args) -> int:
    from kefu.commerce import dispute_selectors
    from kefu.commerce.services import disputes

    user = _reader(args.user)
    _ids(dispute=args.dispute, version=args.version)
    d = dispute_selectors.dispute_get_for(user=user, pk=args.dispute)
    disputes.appeal_submit(actor=user, dispute=d, version=args.version, reasons=args.reasons)
    _dispute_json(user, d.pk)
    return 0


def cmd_returns_dispute_close(args) -> int:
    from kefu.commerce import dispute_selectors
    from kefu.commerce.services import disputes

    user = _reader(args.user)
    _ids(dispute=args.dispute, version=args.version)
    d = dispute_selectors.dispute_get_for(user=user, pk=args.dispute)
    disputes.dispute_close(
        actor=user, dispute=d, version=args.version, outcome=args.outcome, amount=args.amount
    )
    _dispute_json(user, d.pk)
    return 0
