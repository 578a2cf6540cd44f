"""/api/v1/mail: a business line's mailboxes (its manager; administrators all), importing a raw
message, and the mail of a ticket (whoever sees the ticket). Mounted in ``kefu/api.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, File, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from kefu.accounts import lines
from kefu.channels import selectors, services
from kefu.core.errors import Invalid

router = Router(tags=["mail"])
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class MailboxOut(Schema):
    id: int
    business_line: int = Field(..., alias="business_line_id")
    name: str
    address: str
    intake_user: int = Field(..., alias="intake_user_id")
    ticket_type: str
    closed_policy: Literal["reopen", "linked"]
    rate_limit: int
    imap_host: str
    imap_port: int
    imap_security: Literal["ssl", "starttls", "none"]
    imap_user: str
    imap_folder: str
    uidvalidity: int | None
    last_uid: int
    last_fetch_at: datetime | None
    last_fetch_error: str
    is_active: bool
    version: int


class MailboxIn(Schema):
    model_config = ConfigDict(extra="forbid")

    business_line: Id | None = Field(None, description="Administrators only; others: their own.")
    name: str = Field(..., max_length=100)
    address: str = Field(..., max_length=254, examples=["service@shop.example"])
    intake_user: Id
    ticket_type: str = "consult"
    closed_policy: Literal["reopen", "linked"] = "reopen"
    rate_limit: int = Field(20, ge=0, le=10000)
    imap_host: str = Field("", max_length=200)
    imap_port: int = Field(993, ge=1, le=65535)
    imap_security: Literal["ssl", "starttls", "none"] = "ssl"
    imap_user: str = Field("", max_length=200)
    imap_password: str = Field("", max_length=500, description="Write-only.")
    imap_folder: str = Field("INBOX", max_length=100)


class MailboxPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=254)
    intake_user: Id | None = None
    ticket_type: str | None = None
    closed_policy: Literal["reopen", "linked"] | None = None
    rate_limit: int | None = Field(None, ge=0, le=10000)
    imap_host: str | None = Field(None, max_length=200)
    imap_port: int | None = Field(None, ge=1, le=65535)
    imap_security: Literal["ssl", "starttls", "none"] | None = None
    imap_user: str | None = Field(None, max_length=200)
    imap_password: str | None = Field(None, max_length=500)
    imap_folder: str | None = Field(None, max_length=100)
    is_active: bool | None = None


class IngestOut(Schema):
    ticket: str | None = Field(..., description="The ticket's number; null for ignored mail.")
    created: bool
    threaded: bool
    status: Literal["created", "threaded", "auto_reply", "bounce", "rate_limited", "duplicate"]


class InboundOut(Schema):
    id: int
    mailbox: int = Field(..., alias="mailbox_id")
    message_id: str
    status: str
    received_at: datetime
    from_address: str
    from_name: str
    subject: str
    body: str
    quoted: str
    html_only: bool
    attachments: list[dict]
    size: int
    sha256: str


class SentOut(Schema):
    id: int
    message_id: str
    reply: int | None = Field(None, alias="reply_id")
    to_address: str
    subject: str
    created_at: datetime


class TicketMailOut(Schema):
    ticket: str
    inbound: list[InboundOut]
    sent: list[SentOut]


@router.get("/mailboxes", response=list[MailboxOut], summary="The mailboxes you manage")
def mailbox_list(request):
    services.require_manager(request.user)
    return list(selectors.mailbox_qs_for(request.user).order_by("id"))


@router.post("/mailboxes", response={201: MailboxOut}, summary="Add a mailbox")
def mailbox_create(request, payload: MailboxIn):
    services.require_manager(request.user)
    data = payload.dict()
    line = lines.line_for(request.user, data.pop("business_line"))
    return Status(201, services.mailbox_create(actor=request.user, business_line=line, **data))


@router.patch("/mailboxes/{mailbox_id}", response=MailboxOut, summary="Change a mailbox")
def mailbox_update(request, mailbox_id: Id, payload: MailboxPatchIn):
    mailbox = selectors.mailbox_get_for(user=request.user, pk=mailbox_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.mailbox_update(
        actor=request.user, mailbox=mailbox, version=version, changes=data
    )


@router.post(
    "/mailboxes/{mailbox_id}/ingest",
    response=IngestOut,
    summary="Import one raw message (.eml) into the mailbox",
)
def mailbox_ingest(request, mailbox_id: Id, file: File[UploadedFile]):
    mailbox = selectors.mailbox_get_for(user=request.user, pk=mailbox_id)
    if file.size > services.MAX_RAW:
        raise Invalid(str(_too_large()), fields={"file": str(_too_large())})
    result = services.ingest(file.read(), mailbox=mailbox)
    return {
        "ticket": result.ticket,
        "created": result.created,
        "threaded": result.threaded,
        "status": str(result.status),
    }


def _too_large():
    from django.utils.translation import gettext as _

    return _("The message is too large.")


@router.get("/tickets/{ticket_id}", response=TicketMailOut, summary="The mail of a ticket")
def ticket_mail(request, ticket_id: Id):
    ticket, inbound, outbound = selectors.ticket_mail_for(user=request.user, ticket_pk=ticket_id)
    return {"ticket": ticket.number, "inbound": inbound, "sent": outbound}
