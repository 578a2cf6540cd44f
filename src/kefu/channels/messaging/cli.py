"""``kefu sms send --to PHONE --text TEXT`` (or ``--template CODE --var NAME=VALUE …``) →
``{"id", "status", "parts"}`` (through the outbox:
signature, quota, quiet hours, opt-out), ``kefu sms release`` (send held messages whose quiet
hours ended), ``kefu sms outbox`` (the latest rows) and ``kefu channels import-feed FILE --line
CODE [--source 96860]`` → ``{"rows", "created", "duplicates", "errors"}`` (CMP-6)."""

from __future__ import annotations

import json


def _usage(message: str):
    """Bad input: ``kefu`` prints it to stderr and exits with 2 (a DomainError, so this module
    needs no import of the composition root ``kefu.cli``)."""
    from kefu.core.errors import Invalid

    return Invalid(message)


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def register(sub) -> None:
    group = sub.add_parser("sms", help="SMS and IM messages: send, release held, the outbox")
    group_sub = group.add_subparsers(dest="sms_command", required=True, metavar="COMMAND")
    send = group_sub.add_parser("send", help="send one SMS (or IM message) through the outbox")
    send.add_argument("--to", required=True, help="the phone number (or IM account with --im)")
    send.add_argument("--text", help="the text (or --template with --var)")
    send.add_argument(
        "--template", help="the line's message template code (policy sms_templates; needs --line)"
    )
    send.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a variable of the template (repeat for each)",
    )
    send.add_argument("--line", help="the business line's code (its signature and quiet hours)")
    send.add_argument(
        "--kind", default="message", choices=["message", "reply", "notice", "reminder"]
    )
    send.add_argument("--im", action="store_true", help="send by the IM adapter")
    send.add_argument("--json", action="store_true", help="print {id, status, parts}")
    send.set_defaults(func=cmd_send)
    release = group_sub.add_parser("release", help="send held messages whose quiet hours ended")
    release.add_argument("--json", action="store_true")
    release.set_defaults(func=cmd_release)
    box = group_sub.add_parser("outbox", help="the latest messages of the outbox")
    box.add_argument("--limit", type=int, default=20)
    box.add_argument("--json", action="store_true")
    box.set_defaults(func=cmd_outbox)
    channels = sub.add_parser(
        "channels", help="channel feeds: 96860, 12345 hotline and visit complaints (CMP-6)"
    )
    channels_sub = channels.add_subparsers(
        dest="channels_command", required=True, metavar="COMMAND"
    )
    feed = channels_sub.add_parser(
        "import-feed", help="import a source's daily complaint file (.csv or .xlsx)"
    )
    feed.add_argument("file", help="the feed file (docs/messaging.md: its columns)")
    feed.add_argument(
        "--source",
        default="96860",
        help="the source: 96860 (the platform, default), 12345 (a hotline) or visit",
    )
    feed.add_argument("--line", required=True, help="the business line's code")
    feed.add_argument(
        "--json", action="store_true", help="print {rows, created, duplicates, errors}"
    )
    feed.set_defaults(func=cmd_import_feed)


def cmd_send(args) -> int:
    from kefu.accounts.models import BusinessLine
    from kefu.channels.messaging import outbox

    line = None
    if args.line:
        line = BusinessLine.objects.filter(code=args.line).first()
        if line is None:
            raise _usage(f"no business line with code {args.line!r}")
    if bool(args.text) == bool(args.template):
        raise _usage("give --text or --template (with --var NAME=VALUE), one of them")
    variables = {}
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise _usage(f"--var takes NAME=VALUE, not {item!r}")
        variables[name.strip()] = value
    if variables and not args.template:
        raise _usage("--var goes with --template")
    row = outbox.send(
        to=args.to,
        text=args.text or "",
        channel="im" if args.im else "sms",
        business_line=line,
        kind=args.kind,
        template=args.template or "",
        variables=variables,
    )
    result = {"id": row.pk, "status": row.status, "parts": row.parts}
    if args.json:
        print_json(result)
    else:
        print(f"{row.pk} {row.status} ({row.parts} part(s)){' ' + row.error if row.error else ''}")
    return 0 if row.status in ("sent", "held", "delivered") else 1


def cmd_release(args) -> int:
    from kefu.channels.messaging import outbox

    n = outbox.release_held()
    print_json({"sent": n}) if args.json else print(f"sent: {n}")
    return 0


def cmd_outbox(args) -> int:
    from kefu.channels.messaging.models import OutboundMessage
    from kefu.core.masking import mask_phone

    if not 1 <= args.limit <= 1000:
        raise _usage("--limit must be 1 to 1000")
    rows = [
        {
            "id": r.pk,
            "to": mask_phone(r.recipient) if r.channel == "sms" else r.recipient,
            "status": r.status,
            "parts": r.parts,
            "text": r.text,
        }
        for r in OutboundMessage.objects.order_by("-id")[: args.limit]
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['id']:>6} {r['status']:<9} {r['parts']} {r['to']} {r['text']}")
    return 0


def cmd_import_feed(args) -> int:
    """Each complaint once (a re-run creates nothing); a bad row is listed, the others go in;
    a file that cannot be read at all is bad input (stderr, exit 2)."""
    from pathlib import Path

    from kefu.accounts.models import BusinessLine
    from kefu.channels.messaging import feeds

    line = BusinessLine.objects.filter(code=args.line, is_active=True).first()
    if line is None:
        raise _usage(f"no business line with code {args.line!r}")
    if args.source not in feeds.SOURCES:
        raise _usage(f"unknown source {args.source!r}; choose from {', '.join(feeds.SOURCES)}")
    path = Path(args.file)
    if not path.is_file():
        raise _usage(f"no such file: {args.file}")
    rows = feeds.parse_file(path.read_bytes(), path.name)
    result = feeds.import_rows(line=line, source=args.source, rows=rows).as_dict()
    if args.json:
        print_json(result)
    else:
        print(
            f"rows: {result['rows']}  created: {result['created']}  "
            f"duplicates: {result['duplicates']}  errors: {len(result['errors'])}"
        )
        for error in result["errors"]:
            print(f"  row {error['row']}: {error['message']}")
    return 1 if result["errors"] else 0
