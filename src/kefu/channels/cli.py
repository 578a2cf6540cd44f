"""``kefu mail ingest|fetch|smtpd``: e-mail into tickets from the command line (stable: scripts
and outside tools use it). ``--json`` prints machine-readable output; bad input exits 2."""

from __future__ import annotations

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("mail", help="the e-mail channel: import, IMAP fetch, SMTP endpoint")
    group_sub = group.add_subparsers(dest="mail_command", required=True, metavar="COMMAND")
    ingest = group_sub.add_parser("ingest", help="import one .eml file into a mailbox")
    ingest.add_argument("file", metavar="FILE.eml")
    ingest.add_argument("--mailbox", type=int, help="mailbox id (default: the only active one)")
    ingest.add_argument("--json", action="store_true", help="print the outcome as JSON")
    ingest.set_defaults(func=cmd_ingest)
    fetch = group_sub.add_parser("fetch", help="read new mail of the IMAP mailboxes now")
    fetch.add_argument("--mailbox", type=int, help="only this mailbox id")
    fetch.add_argument("--json", action="store_true", help="print the counts as JSON")
    fetch.set_defaults(func=cmd_fetch)
    smtpd = group_sub.add_parser("smtpd", help="receive mail by SMTP from a relay (foreground)")
    smtpd.add_argument("--host", default="127.0.0.1")
    smtpd.add_argument("--port", type=int, default=2525)
    smtpd.set_defaults(func=cmd_smtpd)


def _mailbox(pk):
    from kefu.channels.models import Mailbox

    boxes = Mailbox.objects.select_related("business_line", "intake_user")
    if pk is not None:
        mailbox = boxes.filter(pk=pk).first()
        if mailbox is None:
            raise UsageError(f"unknown mailbox: {pk}")
        return mailbox
    active = list(boxes.filter(is_active=True)[:2])
    if len(active) != 1:
        raise UsageError("name the mailbox with --mailbox ID (kefu has none or several)")
    return active[0]


def cmd_ingest(args) -> int:
    from pathlib import Path

    from kefu.channels import services
    from kefu.cli import print_json
    from kefu.core.errors import DomainError

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    mailbox = _mailbox(args.mailbox)
    try:
        result = services.ingest(path.read_bytes(), mailbox=mailbox)
    except DomainError as exc:
        raise UsageError(str(exc.message)) from None
    data = {"ticket": result.ticket, "created": result.created, "threaded": result.threaded}
    if args.json:
        print_json(data)
    else:
        print(f"{result.status}: {result.ticket or '-'}")
    return 0


def cmd_fetch(args) -> int:
    from kefu.channels.imap import fetch_all
    from kefu.cli import print_json

    if args.mailbox is not None:
        _mailbox(args.mailbox)
    counts = fetch_all(args.mailbox)
    if args.json:
        print_json(counts)
    else:
        for name, n in counts.items():
            print(f"{name}: {n}")
    return 0


def cmd_smtpd(args) -> int:
    from kefu.channels.smtpd import serve

    if not 0 < args.port < 65536:
        raise UsageError("--port must be 1–65535")
    try:
        serve(args.host, args.port)
    except OSError as exc:  # the port is taken, the host unknown: the operator's mistake
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    return 0
