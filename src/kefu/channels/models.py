"""E-mail channel: mailboxes per business line, every inbound message kept as evidence, the
Message-IDs Kefu sent (for threading) and the addresses that bounced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel
from kefu.core.sealed import SealedCharField


class Security(models.TextChoices):
    SSL = "ssl", _("IMAPS (TLS from the start)")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (local test server only)")


class ClosedPolicy(models.TextChoices):
    REOPEN = "reopen", _("Reopen the ticket")
    LINKED = "linked", _("Open a new linked ticket")


class Mailbox(VersionedModel):
    """A business line's mailbox: its address (the From of replies) and how mail reaches Kefu."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="mailboxes",
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"))
    intake_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first-ask owner of new tickets"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket_type = models.CharField(_("type of new tickets"), max_length=20, default="consult")
    closed_policy = models.CharField(
        _("a reply to a closed ticket"),
        max_length=10,
        choices=ClosedPolicy.choices,
        default=ClosedPolicy.REOPEN,
    )
    rate_limit = models.PositiveIntegerField(_("mails per sender per hour"), default=20)
    imap_host = models.CharField(_("IMAP server"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = SealedCharField(_("IMAP password"), max_length=500, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=100, default="INBOX")
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID read"), default=0)
    last_fetch_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_fetch_error = models.TextField(_("last fetch problem"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["business_line_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["address"], name="mailbox_unique_address"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundStatus(models.TextChoices):
    CREATED = "created", _("New ticket")
    THREADED = "threaded", _("Added to a ticket")
    AUTO_REPLY = "auto_reply", _("Auto-reply, ignored")
    BOUNCE = "bounce", _("Bounce, address marked undeliverable")
    RATE_LIMITED = "rate_limited", _("Over the sender's limit, kept only")


class InboundMail(models.Model):
    """One received message: the original bytes (evidence), what was read from it, its ticket."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="inbound"
    )
    message_id = models.CharField(_("Message-ID"), max_length=255)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mails",
    )
    status = models.CharField(_("outcome"), max_length=15, choices=InboundStatus.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    from_address = models.CharField(_("from"), max_length=254, db_index=True)
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True)
    quoted = models.TextField(_("quoted history"), blank=True)
    html_only = models.BooleanField(_("HTML only"), default=False)
    charsets = models.CharField(_("charsets"), max_length=200, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    raw = models.BinaryField(_("original message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mails")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id"], name="inbound_once_per_mailbox"
            )
        ]
        indexes = [
            models.Index(fields=["message_id"], name="inbound_message_id"),
            models.Index(fields=["mailbox", "from_address", "received_at"], name="inbound_rate"),
            models.Index(fields=["ticket", "id"], name="inbound_ticket"),
        ]

    def __str__(self) -> str:
        return self.message_id


class OutboundMail(TimestampedModel):
    """A mail Kefu sent to a customer, by its Message-ID (a customer's answer threads back by
    it); every one counts toward the recipient's daily quota. A survey invitation of a campaign
    names no ticket."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_mails",
    )
    reply = models.ForeignKey(
        "tickets.TicketMessage",
        verbose_name=_("reply"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    to_address = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=500)

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mails")
        ordering = ["-id"]
        # the per-recipient daily quota counts a day's mail to one address
        indexes = [models.Index(fields=["to_address", "created_at"], name="outbound_mail_quota")]

    def __str__(self) -> str:
        return self.message_id


class Undeliverable(TimestampedModel):
    """An address that bounced: no mail goes to it until it is cleared."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=254)
    bounce = models.ForeignKey(
        InboundMail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("undeliverable address")
        verbose_name_plural = _("undeliverable addresses")
        constraints = [
            models.UniqueConstraint(fields=["business_line", "address"], name="undeliverable_once")
        ]

    def __str__(self) -> str:
        return self.address


class HeldMail(models.Model):
    """An e-mail reply held for its business line's quiet hours: ``release_held_mail`` (every
    five minutes) sends it once ``send_after`` has passed; the reply stays queued meanwhile."""

    reply = models.OneToOneField(
        "tickets.TicketMessage",
        verbose_name=_("reply"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    send_after = models.DateTimeField(_("send after"), db_index=True)

    class Meta:
        verbose_name = _("held mail")
        verbose_name_plural = _("held mails")

    def __str__(self) -> str:
        return f"{self.reply_id} @ {self.send_after:%Y-%m-%d %H:%M}"


class AutoMailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    HELD = "held", _("Held for quiet hours")
    SENT = "sent", _("Sent")
    REFUSED = "refused", _("Not sent")
    FAILED = "failed", _("Failed")


class AutoMail(models.Model):
    """The mail outbox (``customer_mail``): a mail to a customer that is not a ticket reply,
    written in the caller's transaction and sent after the commit under the line's quiet hours
    and daily quota. ``kinds``: the auto-replies it carries (CH-4: the acknowledgement with the
    number, the out-of-hours notice, the peak guidance, each at most once per address per
    window), or ``number`` (the web form's number) or ``survey`` (a survey invitation).
    ``send_after``: the end of the quiet hours (held), the next attempt (failed) or the end of
    a send's lease (sending)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inbound = models.ForeignKey(
        InboundMail,
        verbose_name=_("answers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_address = models.CharField(_("to"), max_length=254)
    kinds = models.CharField(_("kinds"), max_length=60)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=AutoMailStatus.choices)
    error = models.TextField(_("problem"), blank=True)
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("auto-reply mail")
        verbose_name_plural = _("auto-reply mails")
        ordering = ["-id"]
        indexes = [
            # "at most once per address per window"
            models.Index(fields=["to_address", "created_at"], name="auto_mail_window"),
            models.Index(fields=["status", "send_after"], name="auto_mail_held"),
        ]

    def __str__(self) -> str:
        return f"{self.to_address} {self.kinds}"
