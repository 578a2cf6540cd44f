"""``kefu webhooks add|list|deliver``: outbound webhooks from the command line.

``add`` prints ``{"id": …, "secret": "…"}`` (the secret is shown only here); bad input goes to
stderr with exit code 2. ``deliver`` sends every due delivery once, as the worker's sweep does.
"""

from __future__ import annotations

import sys

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("webhooks", help="outbound webhooks (signed event deliveries)")
    group_sub = group.add_subparsers(dest="webhooks_command", required=True, metavar="COMMAND")
    add = group_sub.add_parser("add", help="subscribe a URL to events of a business line")
    add.add_argument("--line", required=True, help="business line id (or code)")
    add.add_argument("--url", required=True, help="http:// or https:// URL receiving the POSTs")
    add.add_argument(
        "--events", required=True, help="comma-separated event names, e.g. ticket.created"
    )
    add.add_argument("--secret", help="signing secret (default: generated)")
    add.add_argument("--description", default="", help="a note for the webhooks page")
    add.set_defaults(func=cmd_add)
    ls = group_sub.add_parser("list", help="every subscription with its state")
    ls.add_argument("--line", help="only this business line (id or code)")
    ls.add_argument("--json", action="store_true", help="print machine-readable output")
    ls.set_defaults(func=cmd_list)
    deliver = group_sub.add_parser("deliver", help="send the due deliveries now, once")
    deliver.add_argument("--limit", type=int, help="at most this many deliveries")
    deliver.add_argument("--json", action="store_true", help="print the counts as JSON")
    deliver.set_defaults(func=cmd_deliver)


def _line(raw: str):
    from kefu.accounts.models import BusinessLine

    raw = (raw or "").strip()
    line = None
    if raw.isdigit() and len(raw) < 12:
        line = BusinessLine.objects.filter(pk=int(raw)).first()
    if line is None:
        line = BusinessLine.objects.filter(code=raw).first()
    if line is None:
        raise UsageError(f"unknown business line: {raw}")
    return line


def cmd_add(args) -> int:
    from kefu.cli import print_json
    from kefu.core.errors import Invalid
    from kefu.integrations.services import subscription_create

    line = _line(args.line)
    try:
        sub = subscription_create(
            actor=None,
            business_line=line,
            url=args.url,
            events=args.events,
            secret=args.secret,
            description=args.description,
        )
    except Invalid as exc:
        fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise UsageError(f"{exc.message}" + (f" ({fields})" if fields else "")) from None
    print_json({"id": sub.pk, "secret": sub.secret})
    return 0


def _row(sub) -> dict:
    return {
        "id": sub.pk,
        "business_line": sub.business_line_id,
        "url": sub.url,
        "events": sub.events,
        "active": sub.active,
        "failure_count": sub.failure_count,
        "disabled_at": sub.disabled_at.isoformat() if sub.disabled_at else None,
        "disabled_reason": sub.disabled_reason,
        "created_at": sub.created_at.isoformat(),
    }


def cmd_list(args) -> int:
    from kefu.cli import print_json
    from kefu.integrations.models import WebhookSubscription

    qs = WebhookSubscription.objects.order_by("id")
    if args.line:
        qs = qs.filter(business_line=_line(args.line))
    rows = [_row(sub) for sub in qs.iterator()]
    if args.json:
        print_json({"items": rows})
        return 0
    if not rows:
        print("No webhooks.")
    for r in rows:
        state = "active" if r["active"] else "disabled"
        print(
            f"{r['id']:>5}  line {r['business_line']}  {state:<8}  {r['url']}  "
            f"{','.join(r['events'])}"
        )
    return 0


def cmd_deliver(args) -> int:
    from tqdm import tqdm

    from kefu.cli import print_json
    from kefu.integrations.delivery import deliver_due

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    # the bar shows itself only on a terminal and only when there is much to send
    with tqdm(
        desc="deliveries", unit=" deliveries", file=sys.stderr, disable=None, total=0, delay=1
    ) as bar:

        def grow(n: int) -> None:
            bar.total = (bar.total or 0) + n
            bar.refresh()

        counts = deliver_due(limit=args.limit, progress=bar.update, total=grow)
    if args.json:
        print_json(counts)
    else:
        sent = sum(counts.values())
        print(
            f"{sent} deliveries sent: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            if sent
            else "Nothing due."
        )
    return 0
