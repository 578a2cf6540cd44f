"""/api/v1/commerce/disputes: platform disputes (客户维权, 淘宝小二介入; CMP-11). The negotiation
log, the appeal pack (files) and the outcome; the same services as the pages and the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import FileResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from kefu.commerce import dispute_out, dispute_selectors, selectors
from kefu.commerce.services import disputes
from kefu.core.errors import NotFound
from kefu.core.inputs import Id
from kefu.core.pagination import paginate

router = Router(tags=["commerce"])

Version = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ContactOut(Schema):
    id: int
    at: dt.datetime
    channel: str
    offer: str
    answer: str
    by: int


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str
    size: int


class DisputeOut(Schema):
    id: int
    return_id: int
    order: int
    order_no: str
    customer: int
    platform_case_no: str
    stage: str
    opened_at: dt.datetime
    reasons: str
    appealed_at: dt.datetime | None
    outcome: str
    amount: str | None
    closed_at: dt.datetime | None
    version: int
    contacts: list[ContactOut] = []
    evidence: list[EvidenceOut] = []
    missing_for_appeal: list[str] = []


class DisputePageOut(Schema):
    items: list[DisputeOut]
    next: str | None


class DisputeOpenIn(Schema):
    version: Version
    case_no: str = Field("", max_length=60, description="the platform's case number")


class ContactIn(Schema):
    version: Version
    channel: Literal["phone", "im", "sms", "platform"]
    offer: str = Field(..., max_length=500)
    answer: str = Field(..., max_length=500)
    at: dt.datetime | None = Field(None, description="default now")


class AppealIn(Schema):
    version: Version
    reasons: str = Field(..., max_length=5000)


class OutcomeIn(Schema):
    version: Version
    outcome: Literal["won", "lost", "withdrawn"]
    amount: str | None = Field(None, max_length=20, description="yuan paid to the buyer")


def _out(d) -> dict:
    return dispute_out.dispute(d)


@router.get("/disputes", response=DisputePageOut, operation_id="commerce_dispute_list")
def dispute_list(request, open: bool = True, cursor: str | None = None, limit: int | None = None):
    """The line's platform disputes, the latest opened first; ``open=false`` adds closed ones."""
    page = paginate(
        dispute_selectors.disputes_for(user=request.user, open_only=open),
        ordering="-opened_at",
        cursor=cursor,
        limit=limit,
    )
    return {"items": [dispute_out.dispute(d, full=False) for d in page.items], "next": page.next}


@router.post(
    "/returns/{return_id}/dispute", response={201: DisputeOut}, operation_id="commerce_dispute_open"
)
def dispute_open(request, return_id: Id, data: DisputeOpenIn):
    """The buyer took a refused return to the platform: the return moves to 维权 and the
    dispute opens in negotiation (409 if the return is not refused or its version is stale)."""
    ret = selectors.return_get_for(user=request.user, pk=return_id)
    d = disputes.dispute_open(
        actor=request.user, ret=ret, version=data.version, case_no=data.case_no
    )
    return Status(201, _out(dispute_selectors.dispute_get_for(user=request.user, pk=d.pk)))


@router.get("/disputes/{dispute_id}", response=DisputeOut, operation_id="commerce_dispute_get")
def dispute_get(request, dispute_id: Id):
    """A dispute with its contacts, its appeal pack and what the pack still lacks."""
    return _out(dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id))


@router.post(
    "/disputes/{dispute_id}/contacts",
    response={201: DisputeOut},
    operation_id="commerce_dispute_contact",
)
def dispute_contact(request, dispute_id: Id, data: ContactIn):
    """Log one contact with the buyer: time, channel, what was offered, the answer."""
    d = dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id)
    disputes.contact_add(
        actor=request.user,
        dispute=d,
        version=data.version,
        channel=data.channel,
        offer=data.offer,
        answer=data.answer,
        at=data.at,
    )
    return Status(201, _out(dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id)))


@router.post(
    "/disputes/{dispute_id}/evidence",
    response={201: DisputeOut},
    operation_id="commerce_dispute_evidence",
)
def dispute_evidence(
    request,
    dispute_id: Id,
    file: File[UploadedFile],
    kind: Form[Literal["purchase", "brand", "chat", "other"]],
):
    """A file of the appeal pack (multipart: ``kind``, ``file``): the attachment types and the
    line's ``attachment_max_bytes``; 409 once the pack is submitted."""
    d = dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id)
    disputes.evidence_add(actor=request.user, dispute=d, kind=kind, upload=file)
    return Status(201, _out(dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id)))


_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/disputes/{dispute_id}/evidence/{evidence_id}",
    response={200: None},
    operation_id="commerce_dispute_evidence_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": _FILE, "*/*": _FILE},
            }
        }
    },
)
def dispute_evidence_file(request, dispute_id: Id, evidence_id: Id):
    """One file of a dispute's appeal pack (404 out of reach)."""
    e = dispute_selectors.evidence_get_for(user=request.user, dispute_pk=dispute_id, pk=evidence_id)
    try:
        handle = e.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    return FileResponse(handle, as_attachment=True, filename=e.name, content_type=e.content_type)


@router.post(
    "/disputes/{dispute_id}/appeal", response=DisputeOut, operation_id="commerce_dispute_appeal"
)
def dispute_appeal(request, dispute_id: Id, data: AppealIn):
    """Submit the appeal pack: after a logged contact, with a purchase proof and a chat log
    (400 ``appeal_incomplete`` naming what is missing)."""
    d = dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id)
    disputes.appeal_submit(
        actor=request.user, dispute=d, version=data.version, reasons=data.reasons
    )
    return _out(dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id))


@router.post(
    "/disputes/{dispute_id}/outcome", response=DisputeOut, operation_id="commerce_dispute_outcome"
)
def dispute_outcome(request, dispute_id: Id, data: OutcomeIn):
    """Won or lost (after the appeal; lost: the amount paid to the buyer), or withdrawn by the
    buyer at any time."""
    d = dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id)
    disputes.dispute_close(
        actor=request.user,
        dispute=d,
        version=data.version,
        outcome=data.outcome,
        amount=data.amount,
    )
    return _out(dispute_selectors.dispute_get_for(user=request.user, pk=dispute_id))
