"""Inbound messages (SMS/IM webhooks, the web form and its status page) into tickets, and the
channel auto-replies (acknowledgement, out of hours, peak), each written in one transaction.

A message joins the open ticket of its conversation (the IM conversation, the SMS phone), else
the open ticket of the customer on that channel, else it opens a ticket (channel ``sms``,
``im`` or ``web``) in the name of the line's channel account (``channel_actor``), which is the
ticket's first-ask owner; routing picks the team and the assignee as for any ticket.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, Role, User
from kefu.channels.messaging import auto_texts, im_accounts, outbox, peak, rules, web_mail
from kefu.channels.messaging.models import (
    AutoReply,
    Channel,
    InboundMessage,
    Kind,
    OptOut,
    WebSubmission,
)
from kefu.core import audit, line_settings
from kefu.core.business_calendar import calendar_for, calendar_overrides
from kefu.core.errors import Invalid, NotFound
from kefu.core.masking import normalize_phone
from kefu.customers.models import BuyerAccount, Customer
from kefu.customers.services import customer_create, existing_by_phone
from kefu.tickets import services as tickets
from kefu.tickets.models import OPEN_STATUSES, Ticket, TicketMessage

STATUS_SALT = "kefu.messaging.status"
AUTO_WINDOW = dt.timedelta(hours=4)
PEAK_WINDOW = dt.timedelta(minutes=15)
PEAK_TICKETS = 30
WEB_RATE = 5  # submissions per client address per hour
MAX_NAME = 50


# -- the channel account ---------------------------------------------------------------------


def channel_actor(line: BusinessLine) -> User:
    """The line's channel account (渠道接待): the first-ask owner of tickets that arrive by SMS,
    IM or the web form. It cannot sign in."""
    username = f"channel-{line.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=Role.MANAGER,
            business_line=line,
            display_name=_("Channel reception")[:50],
            is_active=True,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the line's first messages arrived at once: another request won
            user = User.objects.get(username=username)
    return user


# -- auto-replies ----------------------------------------------------------------------------


def auto_text(line: BusinessLine, kind: str, ticket: Ticket, channel: str = "sms") -> str:
    """The text of one auto-reply: the knowledge base's for the line and channel, else the
    line's policy, else the default (``auto_texts``)."""
    return auto_texts.render(line, kind, channel, number=ticket.number)


def _in_hours(line: BusinessLine, now: dt.datetime) -> bool:
    # the same cached overrides as ticket intake (renewed when the line's calendar changes)
    overrides = line_settings.cached(line, "calendar_days", lambda: calendar_overrides(line))
    calendar = calendar_for(line, overrides=overrides)
    return any(start <= now < end for start, end in calendar.bounds(calendar.local_date(now)))


def in_working_hours(line: BusinessLine, now: dt.datetime) -> bool:
    """Whether ``now`` is inside the line's working hours on its business calendar (the
    out-of-hours auto-reply of every channel, e-mail included)."""
    return _in_hours(line, now)


def in_peak(line: BusinessLine, now: dt.datetime) -> bool:
    """Whether the line is in peak mode now (the peak auto-reply of every channel)."""
    return _peak(line, now)


def _peak(line: BusinessLine, now: dt.datetime) -> bool:
    """Peak mode switched on by the queue per agent (``peak``), or a burst of new tickets."""
    if peak.is_on(line):
        return True
    limit = int(line.policy("peak_tickets_15min") or PEAK_TICKETS)
    return (
        Ticket.objects.filter(business_line=line, created_at__gte=now - PEAK_WINDOW).count() > limit
    )


def auto_reply(
    *, line, channel: str, conversation: str, ticket, new_ticket: bool, from_robot: bool, now=None
) -> list[AutoReply]:
    """Send the auto-replies this message earns (``rules.auto_replies``), each recorded once per
    conversation per window; SMS and IM go out through the outbox, the web form shows them."""
    now = now or timezone.now()
    recent = frozenset(
        AutoReply.objects.filter(
            channel=channel, conversation=conversation, sent_at__gte=now - AUTO_WINDOW
        ).values_list("kind", flat=True)
    )
    situation = rules.Situation(
        new_ticket=new_ticket,
        in_hours=_in_hours(line, now),
        peak=_peak(line, now),
        from_robot=from_robot,
        recent=recent,
    )
    sent = []
    for kind in rules.auto_replies(situation):
        text = auto_text(line, kind, ticket, channel)
        sent.append(
            AutoReply.objects.create(
                business_line=line,
                channel=channel,
                conversation=conversation,
                kind=kind,
                ticket=ticket,
                text=text,
                sent_at=now,
            )
        )
        if channel in (Channel.SMS, Channel.IM):
            transaction.on_commit(
                lambda text=text: outbox.send(
                    to=conversation if channel == Channel.IM else ticket.customer.phone,
                    text=text,
                    channel=channel,
                    business_line=line,
                    kind=Kind.AUTO_REPLY,
                    ticket=ticket,
                )
            )
    return sent


# -- inbound ---------------------------------------------------------------------------------


def _customer(line, *, phone: str, name: str, im_id: str, platform: str, actor) -> Customer:
    customer = None
    if im_id:
        account = (
            BuyerAccount.objects.select_related("customer")
            .filter(customer__business_line=line, platform_user_id=im_id)
            .order_by("id")
            .first()
        )
        customer = account.customer if account else None
    if customer is None and phone:
        customer = existing_by_phone(business_line_id=line.pk, phone=phone)
    if customer is None:
        if not phone:
            raise Invalid(
                _("A first message from an unknown IM account needs the customer's phone."),
                fields={"phone": _("Required.")},
            )
        customer = customer_create(
            actor=actor, business_line=line, name=(name or phone)[:MAX_NAME], phone=phone
        )
        if im_id:
            BuyerAccount.objects.create(
                customer=customer, platform=(platform or "im")[:30], platform_user_id=im_id[:100]
            )
    return customer


def _open_ticket(line, channel: str, conversation: str, customer) -> Ticket | None:
    previous = (
        InboundMessage.objects.filter(
            channel=channel, conversation=conversation, business_line=line, ticket__isnull=False
        )
        .order_by("-id")
        .values_list("ticket_id", flat=True)
        .first()
    )
    open_ = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("customer")
    if previous is not None:
        ticket = open_.filter(pk=previous).first()
        if ticket is not None:
            return ticket
    if customer is not None:
        return open_.filter(customer=customer, channel=channel).order_by("-id").first()
    return None


def _title(text: str) -> str:
    first = " ".join(text.split())
    return first[:40] or _("Message")


@transaction.atomic
def receive(
    *,
    line: BusinessLine,
    channel: str,
    provider_id: str,
    sender: str,
    text: str,
    conversation: str = "",
    name: str = "",
    phone: str = "",
    platform: str = "",
    from_robot: bool = False,
    to_account: str = "",
) -> tuple[InboundMessage, bool]:
    """Store one inbound SMS or IM message once (by provider message id) and join it to its
    ticket or open one. Returns (the message, created); a duplicate delivery is (the first, False).
    ``回复TD`` from a phone records the opt-out and opens no ticket. An IM message to one of the
    line's mapped IM accounts (``to_account``, CH-2/CH-3) opens its ticket in that account's team
    queue with its ticket type; an unmapped account follows the line's routing."""
    if channel not in (Channel.SMS, Channel.IM):
        raise NotFound(_("Not a channel."))
    provider_id = str(provider_id or "").strip()[:100]
    sender = str(sender or "").strip()[:100]
    text = (text or "").replace("\x00", "").strip() if isinstance(text, str) else ""
    if not provider_id or not sender or not text:
        raise Invalid(
            _("An inbound message needs its id, sender and text."),
            fields={
                k: _("Required.")
                for k, v in (("id", provider_id), ("from", sender), ("text", text))
                if not v
            },
        )
    existing = InboundMessage.objects.filter(channel=channel, provider_id=provider_id).first()
    if existing is not None:
        return existing, False
    if channel == Channel.SMS:
        phone = normalize_phone(sender)
        conversation = phone
    else:
        phone = normalize_phone(phone)
        conversation = str(conversation or sender)[:100]
    from_robot = bool(from_robot) or rules.is_auto_text(text)
    message = InboundMessage(
        business_line=line,
        channel=channel,
        provider_id=provider_id,
        sender=sender,
        conversation=conversation,
        text=text[: tickets.MAX_BODY],
        from_robot=from_robot,
        account=im_accounts.account_for_inbound(line, to_account)
        if channel == Channel.IM
        else None,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # another worker stored the same delivery a moment ago
        return InboundMessage.objects.get(channel=channel, provider_id=provider_id), False
    if channel == Channel.SMS and rules.is_opt_out(text):
        OptOut.objects.get_or_create(business_line=line, recipient=phone)
        audit.record(
            actor=None, action="message.opt_out", obj=message, changes={"channel": channel}
        )
        return message, True
    actor = channel_actor(line)
    customer = _customer(
        line,
        phone=phone,
        name=name,
        im_id=sender if channel == Channel.IM else "",
        platform=platform,
        actor=actor,
    )
    ticket = _open_ticket(line, channel, conversation, customer)
    new = ticket is None
    with translation.override("zh-hans"):
        if new:
            account = message.account
            ticket = tickets.ticket_create(
                actor=actor,
                title=_title(text),
                description=text,
                type=account.ticket_type if account else "consult",
                channel=channel,
                customer=customer,
                team=account.team if account else None,
            )
        else:
            tickets.ticket_note(
                actor=actor,
                ticket=ticket,
                body=_("The customer wrote (%(channel)s): %(text)s")
                % {"channel": Channel(channel).label, "text": text},
            )
    message.ticket, message.opened_ticket = ticket, new
    message.save(update_fields=["ticket", "opened_ticket"])
    audit.record(
        actor=None,
        action="message.receive",
        obj=message,
        changes={"channel": channel, "ticket": ticket.pk, "opened_ticket": new},
    )
    auto_reply(
        line=line,
        channel=channel,
        conversation=conversation,
        ticket=ticket,
        new_ticket=new,
        from_robot=from_robot,
    )
    return message, True


# -- the public web form ---------------------------------------------------------------------

#: the reference field the web form asks for, by industry (order no. / room / plate)
REFERENCE = {"ecommerce": "order", "property": "room", "auto": "plate"}


def client_key(address: str) -> str:
    return hashlib.sha256((address or "-").encode()).hexdigest()[:64]


def web_rate_exceeded(address: str, now=None) -> bool:
    now = now or timezone.now()
    return (
        WebSubmission.objects.filter(
            client=client_key(address), created_at__gte=now - dt.timedelta(hours=1)
        ).count()
        >= WEB_RATE
    )


def status_token(ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk}, salt=STATUS_SALT, compress=True)


def ticket_for_token(token: str) -> Ticket:
    try:
        data = signing.loads(token, salt=STATUS_SALT)
        pk = int(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(_("This link is not valid."))
    ticket = Ticket.objects.select_related("business_line", "customer").filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("This link is not valid."))
    return ticket


@transaction.atomic
def web_submit(
    *, line: BusinessLine, data: dict, address: str, upload=None, site_url: str = ""
) -> Ticket:
    """A visitor's web-form submission → a ticket with channel ``web`` (customer by phone).
    When the visitor gave an e-mail address the number and the status link (on ``site_url``)
    are also mailed to it after the commit (``web_mail``)."""
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()[:MAX_NAME]
    phone = normalize_phone(data.get("phone") or "")
    email = (data.get("email") or "").strip()[:254]
    description = (data.get("description") or "").replace("\x00", "").strip()
    ticket_type = data.get("type") or "consult"
    reference = (data.get("reference") or "").strip()[:50]
    if not name:
        errors["name"] = _("Required.")
    if not 5 <= len(phone) <= 20:
        errors["phone"] = _("Enter a phone number of 5 to 20 digits.")
    if email and ("@" not in email or " " in email):
        errors["email"] = _("Enter a valid e-mail address.")
    if not description:
        errors["description"] = _("Required.")
    elif len(description) > 5000:
        errors["description"] = _("Use at most %(n)d characters.") % {"n": 5000}
    if ticket_type not in line.ticket_types:
        errors["type"] = _("Choose one of the listed types.")
    if errors:
        raise Invalid(_("Please check the marked fields."), fields=errors)
    if web_rate_exceeded(address):
        raise Invalid(
            _("Too many messages from your network in the last hour. Please try again later."),
            code="throttled",
        )
    actor = channel_actor(line)
    customer = existing_by_phone(business_line_id=line.pk, phone=phone)
    if customer is None:
        fields = {"email": email} if email else {}
        customer = customer_create(
            actor=actor, business_line=line, name=name, phone=phone, **fields
        )
    body = description
    if reference:
        label = {
            "order": _("Order no."),
            "room": _("Room"),
            "plate": _("Plate"),
        }.get(REFERENCE.get(line.industry, ""), _("Reference"))
        body = f"{label}: {reference}\n{description}"
    ticket = tickets.ticket_create(
        actor=actor,
        title=_title(description),
        description=body,
        type=ticket_type,
        channel="web",
        customer=customer,
    )
    if upload is not None:
        tickets.attachment_add(actor=actor, ticket=ticket, upload=upload)
    path = reverse("contact:status", args=[status_token(ticket)])
    status_url = f"{site_url.rstrip('/')}{path}"
    WebSubmission.objects.create(
        business_line=line,
        client=client_key(address),
        ticket=ticket,
        email=email,
        status_url=status_url[:500],
    )
    audit.record(
        actor=None, action="message.web_form", obj=ticket, changes={"number": ticket.number}
    )
    auto_reply(
        line=line,
        channel=Channel.WEB,
        conversation=f"web-{ticket.pk}",
        ticket=ticket,
        new_ticket=True,
        from_robot=False,
    )
    web_mail.schedule(ticket, email, status_url)
    return ticket


def web_address(ticket: Ticket) -> str:
    """The e-mail address the visitor gave when submitting ``ticket`` ('' when none): the
    ticket's replies are mailed to it (``tickets.outbound.register_ticket_address``)."""
    row = (
        WebSubmission.objects.filter(ticket_id=ticket.pk)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
        .first()
    )
    return row or ""


def public_thread(ticket: Ticket) -> list[dict]:
    """What the customer reads on the status page: replies to the customer and their own posts,
    oldest first (internal notes never)."""
    items = [
        {"at": m.created_at, "mine": False, "text": m.body}
        for m in TicketMessage.objects.filter(ticket=ticket, kind=TicketMessage.Kind.REPLY)
    ]
    items += [
        {"at": m.received_at, "mine": True, "text": m.text}
        for m in InboundMessage.objects.filter(ticket=ticket, channel=Channel.WEB)
    ]
    items += [
        {"at": a.sent_at, "mine": False, "text": a.text}
        for a in AutoReply.objects.filter(ticket=ticket, channel=Channel.WEB)
    ]
    return sorted(items, key=lambda item: item["at"])


@transaction.atomic
def web_answer(*, ticket: Ticket, text: str) -> InboundMessage:
    """The customer answers on the status page: stored and noted on the ticket."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise Invalid(_("Write some text."), fields={"text": _("Required.")})
    if len(text) > 5000:
        raise Invalid(
            _("The text is too long."),
            fields={"text": _("Use at most %(n)d characters.") % {"n": 5000}},
        )
    line = ticket.business_line
    count = InboundMessage.objects.filter(ticket=ticket, channel=Channel.WEB).count()
    message = InboundMessage.objects.create(
        business_line=line,
        channel=Channel.WEB,
        provider_id=f"web-{ticket.pk}-{count + 1}-{timezone.now().timestamp():.6f}",
        sender=ticket.customer.phone or "-",
        conversation=f"web-{ticket.pk}",
        text=text,
        ticket=ticket,
    )
    with translation.override("zh-hans"):
        tickets.ticket_note(
            actor=channel_actor(line),
            ticket=ticket,
            body=_("The customer wrote (%(channel)s): %(text)s")
            % {"channel": Channel.WEB.label, "text": text},
        )
    audit.record(actor=None, action="message.receive", obj=message, changes={"channel": "web"})
    return message
