"""SMS/IM outbox, inbound messages, opt-outs, auto-reply log and web-form submissions."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    IM = "im", _("Online/IM")
    WEB = "web", _("Web form")


class Kind(models.TextChoices):
    MESSAGE = "message", _("Message")
    REPLY = "reply", _("Reply")
    NOTICE = "notice", _("Notice")
    REMINDER = "reminder", _("Reminder")
    AUTO_REPLY = "auto_reply", _("Auto-reply")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    HELD = "held", _("Held for quiet hours")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Not sent")


class OutboundMessage(models.Model):
    """One SMS or IM message to a customer, as the outbox records it (the log backend's page)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MESSAGE)
    recipient = models.CharField(_("recipient"), max_length=100)
    text = models.TextField(_("text"))
    #: a provider template (the line's ``sms_templates`` policy: code → text with {variables}):
    #: the provider gets the code and the variables, the row keeps the text they make
    template = models.CharField(_("template"), max_length=50, blank=True)
    variables = models.JSONField(_("variables"), default=dict, blank=True)
    parts = models.PositiveSmallIntegerField(_("parts"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    backend = models.CharField(_("backend"), max_length=20, blank=True)
    provider_id = models.CharField(_("provider message ID"), max_length=100, blank=True)
    error = models.TextField(_("problem"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: the ticket reply this SMS carries: its delivery state follows a held message's release
    reply = models.ForeignKey(
        "tickets.TicketMessage",
        verbose_name=_("reply"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: provider attempts; a failed one without a reply is tried again (``outbox.RETRY_BACKOFF``)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    local_day = models.DateField(_("day"))
    #: held: when the quiet hours end; failed: when it is tried again (None: not again)
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "local_day"], name="msg_out_quota"),
            models.Index(fields=["business_line", "id"], name="msg_out_line"),
            # the outbox page and API list a line's messages newest first by their time
            models.Index(fields=["business_line", "-created_at"], name="msg_out_line_time"),
            models.Index(fields=["status", "send_after"], name="msg_out_held"),
            models.Index(fields=["provider_id"], name="msg_out_provider"),
        ]


class ImPurpose(models.TextChoices):
    """What an IM account is for (CH-3: the front reception accounts apart from the refund one)."""

    RECEPTION = "reception", _("Reception (前台接待)")
    REFUND = "refund", _("Refunds (后台退款)")


class ImAccount(VersionedModel):
    """An IM account of the line (a 旺旺号, a WeChat service account) and the queue its
    conversations go to (CH-2: routing by topic, e.g. product questions vs logistics)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    account = models.CharField(_("IM account"), max_length=100)
    name = models.CharField(_("topic"), max_length=50)
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=ImPurpose.choices, default=ImPurpose.RECEPTION
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    ticket_type = models.CharField(_("type of new tickets"), max_length=20, default="consult")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("IM account")
        verbose_name_plural = _("IM accounts")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "account"], name="im_account_once_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account})"


class InboundMessage(models.Model):
    """A message a customer sent by SMS, IM or the web form's status page, stored once."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    provider_id = models.CharField(_("provider message ID"), max_length=100)
    sender = models.CharField(_("sender"), max_length=100)
    conversation = models.CharField(_("conversation"), max_length=100)
    text = models.TextField(_("text"))
    from_robot = models.BooleanField(_("auto-reply"), default=False)
    #: the line's IM account the customer wrote to (its queue took the ticket)
    account = models.ForeignKey(
        ImAccount,
        verbose_name=_("IM account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_ticket = models.BooleanField(_("opened the ticket"), default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"], name="msg_in_once_per_provider_id"
            )
        ]
        indexes = [
            models.Index(fields=["channel", "conversation", "id"], name="msg_in_conversation"),
            models.Index(fields=["business_line", "id"], name="msg_in_line"),
            models.Index(fields=["business_line", "-received_at"], name="msg_in_line_time"),
            models.Index(fields=["ticket", "id"], name="msg_in_ticket"),
        ]


class OptOut(models.Model):
    """A phone that replied 回复TD退订: no reminders or notices to it any more."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    recipient = models.CharField(_("recipient"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["business_line", "recipient"], name="msg_opt_out_once")
        ]


class AutoReply(models.Model):
    """An auto-reply sent to a conversation: at most one of a kind per conversation per window."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    conversation = models.CharField(_("conversation"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("auto-reply")
        verbose_name_plural = _("auto-replies")
        indexes = [
            models.Index(fields=["channel", "conversation", "sent_at"], name="msg_auto_window")
        ]


class WebSubmission(models.Model):
    """One submission of the public web form (the per-IP rate limit counts these)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    client = models.CharField(_("client"), max_length=64)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: the address the visitor gave: the number and the ticket's replies are mailed to it
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    #: the signed status link the visitor was given (it ends every reply mailed to them)
    status_url = models.CharField(_("status link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("web form submission")
        verbose_name_plural = _("web form submissions")
        indexes = [models.Index(fields=["client", "created_at"], name="msg_web_rate")]


class FeedSource(models.TextChoices):
    """Where a fed complaint comes from (CMP-6): the 96860 platform, a 12345-style government
    hotline's transfer sheet, or the visit (来访) log of complaints made in person."""

    PLATFORM_96860 = "96860", _("96860 platform")
    HOTLINE_12345 = "12345", _("12345 hotline")
    VISIT = "visit", _("Visit in person")


class PlatformComplaint(models.Model):
    """A complaint forwarded by a feed (the 96860 platform, a 12345 hotline, the visit log,
    CMP-6), read daily from its file or received by the signed webhook; stored once per source
    and complaint id."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=FeedSource.choices)
    complaint_id = models.CharField(_("platform complaint ID"), max_length=60)
    via = models.CharField(_("received by"), max_length=10)  # file | webhook
    complained_at = models.DateTimeField(_("complained at"), null=True, blank=True)
    name = models.CharField(_("complainant"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    station = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("complaint"))
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified = models.JSONField(_("station heads notified"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("platform complaint")
        verbose_name_plural = _("platform complaints")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "complaint_id"], name="msg_feed_once_per_complaint"
            )
        ]
        indexes = [models.Index(fields=["business_line", "-id"], name="msg_feed_line")]


class PeakState(models.Model):
    """Whether a line's peak auto-reply is on (CH-4), switched by the queue per agent on shift
    (``kefu.channels.messaging.peak``); the latest measurement is kept for the page."""

    business_line = models.OneToOneField(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    on = models.BooleanField(_("peak mode"), default=False)
    waiting = models.PositiveIntegerField(_("waiting conversations"), default=0)
    agents = models.PositiveIntegerField(_("agents on shift"), default=0)
    changed_at = models.DateTimeField(_("switched at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    # the version of the line's thresholds (kept in BusinessLine.policies): a settings form
    # loaded before someone else's save is refused (409)
    settings_version = models.PositiveIntegerField(_("version of the thresholds"), default=1)

    class Meta:
        verbose_name = _("peak state")
        verbose_name_plural = _("peak states")
