"""The outbox: every SMS and IM message to a customer is written here first, then handed to the
adapter (``adapters``). The rules enforced locally, before any provider sees the message:

* the shop signature 【…】 in front of every SMS, 回复TD退订 at the end of reminders and notices;
* opt-out: a phone that replied TD gets no more reminders or notices (replies still go);
* a per-recipient daily quota (``KEFU_MESSAGE_DAILY_QUOTA``, or the line's ``message_daily_quota``
  policy; 10 unless set): the next message of the day is refused;
* the business line's quiet hours (policy ``quiet_hours``, e.g. ``"21:00-08:00"``): a message
  written then is held and sent by the periodic ``release_held`` job when they end;
* the WeCom session (an IM recipient whose buyer account is on 企业微信 / 微信客服): 5 messages
  within 48 h of the customer's last message, counted from that message (held ones included);
  outside the session, or once the 5 are spent, or when the quiet hours end after the 48 h, the
  message is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine
from kefu.channels.messaging import adapters, rules
from kefu.channels.messaging.models import (
    Channel,
    InboundMessage,
    Kind,
    OptOut,
    OutboundMessage,
    Status,
)
from kefu.core import audit, sms
from kefu.core.errors import Invalid
from kefu.core.masking import normalize_phone
from kefu.customers.models import BuyerAccount
from kefu.tickets.models import DeliveryStatus, TicketMessage

log = logging.getLogger("kefu.messaging")
MAX_TEXT = 500
DEFAULT_QUOTA = 10
COUNTED = (Status.QUEUED, Status.HELD, Status.SENT, Status.DELIVERED)
#: a provider failure is tried again by the five-minute job after 5, 15 and 60 minutes (4
#: attempts in all); a reply's SMS is not — its failure shows on the reply, which the agent retries
MAX_ATTEMPTS = 4
RETRY_BACKOFF = (300, 900, 3600)


#: the outbox refused a message (quota, opt-out): callers that send on their own record it
NotSent = sms.NotSent


def quota_for(line) -> int:
    value = line.policy("message_daily_quota") if line is not None else None
    if value is None:
        value = getattr(settings, "KEFU_MESSAGE_DAILY_QUOTA", DEFAULT_QUOTA)
    return int(value)


def quiet_for(line) -> tuple[int, int] | None:
    spec = line.policy("quiet_hours") if line is not None else None
    try:
        return rules.parse_quiet(spec)
    except ValueError:
        return None


def clean_recipient(channel: str, recipient) -> str:
    raw = recipient.strip() if isinstance(recipient, str) else ""
    if channel == Channel.SMS:
        phone = normalize_phone(raw)
        if not 5 <= len(phone) <= 20:
            raise Invalid(
                _("Enter a phone number of 5 to 20 digits."),
                fields={"to": _("Enter a phone number of 5 to 20 digits.")},
            )
        return phone
    if not raw or len(raw) > 100:
        raise Invalid(_("Enter the IM account to write to."), fields={"to": _("Required.")})
    return raw


def clean_text(text) -> str:
    text = text.replace("\x00", "").strip() if isinstance(text, str) else ""
    if not text:
        raise Invalid(_("Write some text."), fields={"text": _("Required.")})
    if len(text) > MAX_TEXT:
        raise Invalid(
            _("The text is too long."),
            fields={"text": _("Use at most %(n)d characters.") % {"n": MAX_TEXT}},
        )
    return text


def compose(text: str, *, line, kind: str, channel: str) -> str:
    if channel != Channel.SMS:
        return text
    return rules.with_opt_out(rules.signed(text, line.name if line else ""), kind)


def _sessions(line, recipients: set[str]) -> dict[str, tuple]:
    """{IM recipient on a session platform (WeCom): (their last message's time or None, the
    times of the messages written to them since)} for ``recipients`` (buyer accounts, or the
    conversation ids their messages came in), in at most four queries; recipients on other
    platforms are left out (no session rule)."""
    # a recipient may be the customer's IM account or a conversation id the platform gave
    # (the auto-replies answer the conversation): a conversation is its sender's
    conversations = InboundMessage.objects.filter(channel=Channel.IM, conversation__in=recipients)
    if line is not None:
        conversations = conversations.filter(business_line=line)
    senders: dict[str, set[str]] = {}
    for conversation, sender in (
        conversations.order_by().values_list("conversation", "sender").distinct()
    ):
        senders.setdefault(sender, set()).add(conversation)
    accounts = BuyerAccount.objects.filter(platform_user_id__in=set(recipients) | set(senders))
    if line is not None:
        accounts = accounts.filter(customer__business_line=line)
    session = set()
    for account, platform in accounts.values_list("platform_user_id", "platform"):
        if rules.is_session_platform(platform):
            session.update({account} & set(recipients))
            session.update(senders.get(account, set()))
    if not session:
        return {}
    inbound = InboundMessage.objects.filter(
        Q(sender__in=session) | Q(conversation__in=session), channel=Channel.IM, from_robot=False
    )
    if line is not None:
        inbound = inbound.filter(business_line=line)
    last: dict[str, dt.datetime] = {}
    for sender, conversation, at in (
        inbound.order_by()
        .values("sender", "conversation")
        .annotate(at=Max("received_at"))
        .values_list("sender", "conversation", "at")
    ):
        for who in {sender, conversation} & session:
            if who not in last or at > last[who]:
                last[who] = at
    since: dict[str, list[dt.datetime]] = {r: [] for r in session}
    if last:
        rows = OutboundMessage.objects.filter(
            channel=Channel.IM,
            recipient__in=set(last),
            status__in=COUNTED,
            created_at__gte=min(last.values()),
        ).values_list("recipient", "created_at")
        for recipient, at in rows:
            if at >= last[recipient]:
                since[recipient].append(at)
    return {r: (last.get(r), since[r]) for r in session}


def _session_error(code: str) -> str:
    if code == rules.CLOSED:
        return _(
            "WeCom takes messages only within %(hours)d hours of the customer's last message "
            "(or the quiet hours end after that): wait for the customer to write."
        ) % {"hours": rules.SESSION_HOURS}
    return _(
        "WeCom takes %(n)d messages after the customer's last message; they are spent: wait "
        "for the customer to write."
    ) % {"n": rules.SESSION_MESSAGES}


@transaction.atomic
def _enqueue(
    *,
    channel,
    recipient,
    text,
    line,
    kind,
    ticket,
    actor,
    reply_id=None,
    template="",
    variables=None,
) -> OutboundMessage:
    now = timezone.now()
    local = timezone.localtime(now)
    full = compose(text, line=line, kind=kind, channel=channel)
    row = OutboundMessage(
        business_line=line,
        channel=channel,
        kind=kind,
        recipient=recipient,
        text=full,
        template=template,
        variables=variables or {},
        parts=rules.sms_parts(full) if channel == Channel.SMS else 1,
        ticket=ticket,
        reply_id=reply_id,
        local_day=local.date(),
        status=Status.QUEUED,
    )
    opted_out = (
        kind in rules.OPT_OUT_KINDS
        and line is not None
        and OptOut.objects.filter(business_line=line, recipient=recipient).exists()
    )
    sent_today = OutboundMessage.objects.filter(
        recipient=recipient, local_day=row.local_day, status__in=COUNTED
    ).count()
    session = _sessions(line, {recipient}).get(recipient) if channel == Channel.IM else None
    if opted_out:
        row.status, row.error = Status.REFUSED, _("The customer opted out (回复TD退订).")
    elif not rules.within_quota(sent_today, quota_for(line)):
        row.status = Status.REFUSED
        row.error = _("The daily limit of messages to this recipient is reached.")
    else:
        quiet = quiet_for(line)
        if rules.in_quiet(local, quiet):
            row.status = Status.HELD
            row.send_after = rules.quiet_ends(local, quiet)
        if session is not None:
            last_in, since = session
            refusal = rules.session_refusal(last_in, len(since), row.send_after or now)
            if refusal:
                row.status, row.error, row.send_after = (
                    Status.REFUSED,
                    _session_error(refusal),
                    None,
                )
    row.save(force_insert=True)
    audit.record(
        actor=actor,
        action="message.send",
        obj=row,
        changes={
            "channel": channel,
            "kind": kind,
            "status": row.status,
            "parts": row.parts,
            **({"template": template} if template else {}),
        },
    )
    return row


def templated(line, template, variables) -> str:
    """The text of the line's SMS template ``template`` (policy ``sms_templates``: code → text
    with ``{variables}``) filled with ``variables``; an unknown code or a variable missing or
    extra is bad input."""
    templates = (line.policy("sms_templates") if line is not None else None) or {}
    code = str(template or "").strip()
    if not isinstance(templates, dict) or code not in templates:
        raise Invalid(
            _("The business line has no message template %(code)s.") % {"code": code},
            fields={"template": _("Unknown template.")},
        )
    if not isinstance(variables, dict):
        raise Invalid(_("Variables are name: value pairs."), fields={"variables": _("Not a map.")})
    try:
        return rules.fill_template(str(templates[code]), variables)
    except ValueError as exc:
        message = _("The template's variables do not match: %(names)s.") % {"names": exc}
        raise Invalid(message, fields={"variables": message}) from exc


def deliver(row: OutboundMessage) -> OutboundMessage:
    """Hand a queued row to its adapter (outside any transaction) and record what happened."""
    claimed = OutboundMessage.objects.filter(pk=row.pk, status=Status.QUEUED).update(
        status=Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        row.refresh_from_db()
        return row
    row.attempts += 1
    adapter = adapters.adapter_for(row.channel)
    try:
        if row.template:
            result = adapter.send(
                row.recipient, row.text, template=row.template, variables=row.variables
            )
        else:
            result = adapter.send(row.recipient, row.text)
    except Exception as exc:  # the provider refused or could not be reached: recorded
        log.warning("message %s: the %s adapter failed", row.pk, getattr(adapter, "name", "?"))
        row.status, row.error = Status.FAILED, f"{type(exc).__name__}: {exc}"[:1000]
        row.send_after = _next_attempt(row)
        OutboundMessage.objects.filter(pk=row.pk).update(
            status=row.status,
            error=row.error,
            backend=getattr(adapter, "name", "")[:20],
            send_after=row.send_after,
        )
        raise
    status = Status.SENT if result.status not in Status.values else result.status
    row.status, row.provider_id, row.backend = status, result.provider_id, adapter.name[:20]
    row.sent_at = timezone.now()
    OutboundMessage.objects.filter(pk=row.pk).update(
        status=status, provider_id=row.provider_id, backend=row.backend, sent_at=row.sent_at
    )
    return row


def _next_attempt(row: OutboundMessage):
    """When a failed row is tried again, or None (a reply's, or its attempts are spent)."""
    if row.reply_id is not None or row.attempts >= MAX_ATTEMPTS:
        return None
    delay = RETRY_BACKOFF[min(row.attempts, len(RETRY_BACKOFF)) - 1]
    return timezone.now() + dt.timedelta(seconds=delay)


def send(
    *,
    to,
    text="",
    channel: str = Channel.SMS,
    business_line=None,
    kind: str = Kind.MESSAGE,
    ticket=None,
    actor=None,
    template: str = "",
    variables: dict | None = None,
) -> OutboundMessage:
    """Send a text — or the line's template ``template`` with ``variables`` — to a phone (SMS)
    or IM account: recorded in the outbox, then sent now, held for quiet hours, or refused
    (quota, opt-out). A provider failure is recorded as failed."""
    if channel not in (Channel.SMS, Channel.IM):
        raise Invalid(_("Choose SMS or IM."), fields={"channel": _("Not a channel.")})
    if kind not in Kind.values:
        raise Invalid(_("Not a kind of message."), fields={"kind": _("Not a kind of message.")})
    recipient = clean_recipient(channel, to)
    if template:
        text = templated(business_line, template, variables if variables is not None else {})
    text = clean_text(text)
    row = _enqueue(
        channel=channel,
        recipient=recipient,
        text=text,
        line=business_line,
        kind=kind,
        ticket=ticket,
        actor=actor,
        template=str(template or "").strip(),
        variables=variables if template else None,
    )
    if row.status == Status.QUEUED:
        # a provider failure is recorded on the row; the caller reads its status
        with contextlib.suppress(Exception):
            deliver(row)
    return row


def send_from_core(phone: str, text: str, **options):
    """``kefu.core.sms.send_sms``: the outbox for every app's SMS. Raises ``NotSent`` for a
    refusal and the adapter's error for a failure, so reply delivery records either."""
    line = options.get("business_line")
    if line is None and options.get("business_line_id"):
        line = BusinessLine.objects.filter(pk=options["business_line_id"]).first()
    row = _enqueue(
        channel=Channel.SMS,
        recipient=normalize_phone(phone) or phone,
        text=clean_text(text),
        line=line,
        kind=options.get("kind", Kind.MESSAGE),
        ticket=options.get("ticket"),
        actor=None,
        reply_id=options.get("reply_id"),
    )
    if row.status == Status.REFUSED:
        raise NotSent(row.error)
    if row.status == Status.QUEUED:
        deliver(row)
    return row


@transaction.atomic
def _enqueue_many(*, channel, items: list[tuple[str, str]], line, kind, actor) -> list:
    """``_enqueue`` for a batch, with the same rules, in a fixed number of queries: the
    opt-outs and today's counts of all recipients in one query each (a recipient named twice
    in the batch counts both against the quota), one INSERT of the rows, one of their audit."""
    if not items:
        return []
    local = timezone.localtime(timezone.now())
    recipients = {r for r, _t in items}
    opted_out: set[str] = set()
    if kind in rules.OPT_OUT_KINDS and line is not None:
        opted_out = set(
            OptOut.objects.filter(business_line=line, recipient__in=recipients).values_list(
                "recipient", flat=True
            )
        )
    sent_today = dict(
        OutboundMessage.objects.filter(
            recipient__in=recipients, local_day=local.date(), status__in=COUNTED
        )
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values_list("recipient", "n")
    )
    quota, quiet = quota_for(line), quiet_for(line)
    sessions = _sessions(line, recipients) if channel == Channel.IM else {}
    now = timezone.now()
    rows = []
    for recipient, text in items:
        full = compose(text, line=line, kind=kind, channel=channel)
        row = OutboundMessage(
            business_line=line,
            channel=channel,
            kind=kind,
            recipient=recipient,
            text=full,
            parts=rules.sms_parts(full) if channel == Channel.SMS else 1,
            local_day=local.date(),
            status=Status.QUEUED,
        )
        if recipient in opted_out:
            row.status, row.error = Status.REFUSED, _("The customer opted out (回复TD退订).")
        elif not rules.within_quota(sent_today.get(recipient, 0), quota):
            row.status = Status.REFUSED
            row.error = _("The daily limit of messages to this recipient is reached.")
        else:
            if rules.in_quiet(local, quiet):
                row.status = Status.HELD
                row.send_after = rules.quiet_ends(local, quiet)
            session = sessions.get(recipient)
            refusal = None
            if session is not None:
                last_in, since = session
                refusal = rules.session_refusal(last_in, len(since), row.send_after or now)
            if refusal:
                row.status, row.error, row.send_after = (
                    Status.REFUSED,
                    _session_error(refusal),
                    None,
                )
            else:
                sent_today[recipient] = sent_today.get(recipient, 0) + 1
                if session is not None:
                    session[1].append(now)
        rows.append(row)
    OutboundMessage.objects.bulk_create(rows, batch_size=500)
    audit.record_many(
        actor=actor,
        action="message.send",
        items=[
            (r, {"channel": channel, "kind": kind, "status": r.status, "parts": r.parts})
            for r in rows
        ],
    )
    return rows


def deliver_many(rows: list) -> None:
    """``deliver`` for a batch of queued rows: claimed in one UPDATE (sent, now, the adapter's
    name), handed to the adapter one by one (a provider call each), then the provider ids
    written back by one UPDATE per few hundred rows; failures and other statuses (rare) per
    group."""
    rows = [r for r in rows if r.status == Status.QUEUED]
    if not rows:
        return
    adapter = adapters.adapter_for(rows[0].channel)
    name = getattr(adapter, "name", "")[:20]
    now = timezone.now()
    OutboundMessage.objects.filter(pk__in=[r.pk for r in rows], status=Status.QUEUED).update(
        status=Status.SENT, sent_at=now, backend=name, attempts=F("attempts") + 1
    )
    by_status: dict[str, list[int]] = {}
    for row in rows:
        row.backend, row.sent_at = name, now
        try:
            result = adapter.send(row.recipient, row.text)
        except Exception as exc:  # the provider refused or could not be reached: recorded
            log.warning("message %s: the %s adapter failed", row.pk, name or "?")
            row.status, row.error = Status.FAILED, f"{type(exc).__name__}: {exc}"[:1000]
            row.attempts += 1
            row.send_after = _next_attempt(row)
            OutboundMessage.objects.filter(pk=row.pk).update(
                status=row.status, error=row.error, send_after=row.send_after
            )
            continue
        row.status = Status.SENT if result.status not in Status.values else result.status
        row.provider_id = result.provider_id
        if row.status != Status.SENT:
            by_status.setdefault(row.status, []).append(row.pk)
    for status, pks in by_status.items():
        OutboundMessage.objects.filter(pk__in=pks).update(status=status)
    _write_provider_ids([(r.pk, r.provider_id) for r in rows if r.provider_id])


def _write_provider_ids(pairs: list[tuple[int, str]], batch: int = 300) -> None:
    """UPDATE … SET provider_id = CASE id WHEN … END for a few hundred rows at a time: plain SQL,
    as Django's bulk_update spent 11 s building the CASE expressions of 2,000 rows."""
    table = connection.ops.quote_name(OutboundMessage._meta.db_table)
    with connection.cursor() as cursor:
        for i in range(0, len(pairs), batch):
            part = pairs[i : i + batch]
            cases = " ".join("WHEN %s THEN %s" for _p in part)
            marks = ", ".join("%s" for _p in part)
            params = [x for pair in part for x in pair] + [pk for pk, _id in part]
            # the table name is the model's, every value a placeholder
            sql = f"UPDATE {table} SET provider_id = CASE id {cases} END WHERE id IN ({marks})"  # nosec B608
            cursor.execute(sql, params)


def send_many(
    *, channel: str, items: list[tuple[str, str]], business_line=None, kind: str = Kind.MESSAGE
) -> list:
    """``send`` for a batch of (recipient, text) of one channel, line and kind, in a fixed
    number of queries (opt-outs, quota and quiet hours as for one). A recipient or text that
    is not valid is logged and skipped; a refusal or a provider failure is recorded on its
    row. Returns the rows written."""
    if channel not in (Channel.SMS, Channel.IM):
        raise Invalid(_("Choose SMS or IM."), fields={"channel": _("Not a channel.")})
    if kind not in Kind.values:
        raise Invalid(_("Not a kind of message."), fields={"kind": _("Not a kind of message.")})
    clean = []
    for to, text in items:
        try:
            clean.append((clean_recipient(channel, to), clean_text(text)))
        except Invalid:
            log.warning("a %s message of a batch has no valid recipient or text: skipped", channel)
    rows = _enqueue_many(channel=channel, items=clean, line=business_line, kind=kind, actor=None)
    deliver_many(rows)
    return rows


def send_many_from_core(messages: list[tuple[str, str]], **options) -> list:
    """``kefu.core.sms.send_sms_many``: a batch of SMS of one business line and kind through the
    outbox (signature, opt-out, quota, quiet hours as for one), in a fixed number of queries.
    A refusal or a failure is recorded on its row; a text that is not valid is logged and
    skipped."""
    line = options.get("business_line")
    if line is None and options.get("business_line_id"):
        line = BusinessLine.objects.filter(pk=options["business_line_id"]).first()
    items = []
    for phone, text in messages:
        try:
            items.append((normalize_phone(phone) or phone, clean_text(text)))
        except Invalid:
            log.warning("an SMS of a batch has no valid text: skipped")
    rows = _enqueue_many(
        channel=Channel.SMS,
        items=items,
        line=line,
        kind=options.get("kind", Kind.MESSAGE),
        actor=None,
    )
    deliver_many(rows)
    return rows


def release_held(now: dt.datetime | None = None, limit: int = 500) -> int:
    """The five-minute job: send the held messages whose quiet hours have ended, and try the
    failed ones again whose back-off has passed (not a reply's: the agent retries those);
    returns how many were sent."""
    now = now or timezone.now()
    due = Q(status=Status.HELD) | Q(
        status=Status.FAILED, reply__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    rows = list(
        OutboundMessage.objects.filter(due, send_after__lte=now)
        .order_by("id")
        .values_list("id", "status")[:limit]
    )
    done = 0
    for pk, status in rows:
        if status == Status.FAILED and _still_waits(pk, now):
            continue
        if OutboundMessage.objects.filter(pk=pk, status=status, send_after__lte=now).update(
            status=Status.QUEUED, send_after=None
        ):
            row = OutboundMessage.objects.get(pk=pk)
            try:
                deliver(row)
            except Exception:
                _settle_reply(row)
                continue
            _settle_reply(row)
            done += 1
    return done


def _still_waits(pk: int, now: dt.datetime) -> bool:
    """A failed message about to be tried again keeps the line's rules: in the quiet hours it
    is held until they end; over today's quota (counting what was sent since it failed) it is
    refused. True when it does not go now."""
    row = OutboundMessage.objects.select_related("business_line").get(pk=pk)
    local = timezone.localtime(now)
    quiet = quiet_for(row.business_line)
    if rules.in_quiet(local, quiet):
        OutboundMessage.objects.filter(pk=pk, status=Status.FAILED).update(
            status=Status.HELD, send_after=rules.quiet_ends(local, quiet)
        )
        return True
    sent_today = OutboundMessage.objects.filter(
        recipient=row.recipient, local_day=local.date(), status__in=COUNTED
    ).count()
    if not rules.within_quota(sent_today, quota_for(row.business_line)):
        OutboundMessage.objects.filter(pk=pk, status=Status.FAILED).update(
            status=Status.REFUSED,
            send_after=None,
            error=_("The daily limit of messages to this recipient is reached."),
        )
        return True
    return False


def _settle_reply(row: OutboundMessage) -> None:
    """A held SMS that carries a ticket reply: the reply, queued while it waited, is now sent or
    failed (with the provider's error), as the ticket shows it."""
    if row.reply_id is None:
        return
    failed = row.status == Status.FAILED
    TicketMessage.objects.filter(pk=row.reply_id, delivery_status=DeliveryStatus.QUEUED).update(
        delivery_status=DeliveryStatus.FAILED if failed else DeliveryStatus.SENT,
        delivery_error=row.error if failed else "",
        delivery_at=timezone.now(),
    )


def receipt(*, provider_id: str, delivered: bool, error: str = "") -> int:
    """A delivery receipt from the provider: the sent message becomes delivered or failed."""
    status = Status.DELIVERED if delivered else Status.FAILED
    return OutboundMessage.objects.filter(
        provider_id=provider_id, status__in=(Status.SENT, Status.DELIVERED)
    ).update(status=status, error=error[:1000])


def line_by_code(code) -> BusinessLine:
    line = BusinessLine.objects.filter(code=str(code or ""), is_active=True).first()
    if line is None:
        raise Invalid(
            _("Unknown business line."), fields={"business_line": _("Unknown business line.")}
        )
    return line
