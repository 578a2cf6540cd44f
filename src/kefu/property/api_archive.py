"""/api/v1/property: the households' e-archive (ARC-9) and the rental-housing register (PM-X5).

The same services as the pages (``property.archive``, ``property.rentals``): the catalogue
searched by kind, building and keyword, a household's page, filing a document within the
attachment limits, a supervisor withdrawing one; the register with its completeness, recording
a tenant, completing a row (``version``, 409 when stale) and recording a move-out. Phones are
masked as the caller's contact access says. Handlers parse, call and return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import FileResponse
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from kefu.core.api_contract import code
from kefu.core.errors import NotFound
from kefu.core.inputs import Day
from kefu.core.pagination import paginate
from kefu.customers.models import PropertyUnit
from kefu.customers.selectors import shown_phone
from kefu.property import archive, rentals
from kefu.property.models import DocumentKind, Occupancy

router = Router(tags=["property"])
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
ArchiveKind = code(DocumentKind)
MoveOutTo = code((Occupancy.OWNER, Occupancy.VACANT))
Phone = Annotated[str, Field(max_length=30)]


def _label(unit) -> str:
    return "-".join(x for x in (unit.building, unit.unit, unit.room) if x)


class HouseholdDocumentOut(Schema):
    id: int
    household: int
    unit: str
    owner: str
    kind: ArchiveKind
    title: str
    name: str
    size: int
    content_type: str
    uploaded_by: str | None
    created_at: dt.datetime


class DocumentKindCountOut(Schema):
    kind: ArchiveKind
    count: int


class HouseholdDocumentPageOut(Schema):
    items: list[HouseholdDocumentOut]
    next: str | None
    total: int = Field(description="documents matching the search, all kinds")
    by_kind: list[DocumentKindCountOut]


def document_out(d) -> dict:
    return {
        "id": d.pk,
        "household": d.unit_id,
        "unit": _label(d.unit),
        "owner": d.unit.customer.name,
        "kind": d.kind,
        "title": d.title,
        "name": d.name,
        "size": d.size,
        "content_type": d.content_type,
        "uploaded_by": d.uploaded_by.name if d.uploaded_by else None,
        "created_at": d.created_at,
    }


@router.get("/documents", response=HouseholdDocumentPageOut, operation_id="property_document_list")
def document_list(
    request,
    q: str = "",
    kind: ArchiveKind | None = None,
    building: str = "",
    cursor: str | None = None,
    limit: int | None = None,
):
    """The e-archive's catalogue (检索目录) of the caller's line, newest first: ``kind``,
    ``building`` and a keyword ``q`` matching the title, file name, room or owner; with the
    number of documents of each kind for the search."""
    found = archive.catalogue(
        request.user,
        q=q,
        kind=kind or "",
        building=building,
        cursor=cursor,
        limit=limit or archive.CATALOGUE_PAGE,
    )
    return {
        "items": [document_out(d) for d in found["documents"]],
        "next": found["next"],
        "total": found["total"],
        "by_kind": [{"kind": k, "count": n} for k, _label_, n in found["kinds"]],
    }


class HouseholdBillOut(Schema):
    id: int
    fee: str
    period: dt.date
    due_on: dt.date
    amount_yuan: Decimal
    paid_yuan: Decimal


class HouseholdVisitOut(Schema):
    id: int
    visited_on: dt.date
    agent: str | None
    note: str


class TenancyOut(Schema):
    id: int
    household: int
    unit: str
    tenant_name: str
    phone: str = Field(description="masked unless the caller sees phones in full")
    lease_start: dt.date | None
    lease_end: dt.date | None
    moved_out_on: dt.date | None
    version: int


class HouseholdOut(Schema):
    id: int
    building: str
    unit: str
    room: str
    area_m2: Decimal | None
    owner_id: int
    owner: str
    owner_phone: str = Field(description="masked unless the caller sees phones in full")
    possession: str
    occupancy: str
    arrears_reason: str
    owed_yuan: Decimal
    bills: list[HouseholdBillOut]
    tenancy: TenancyOut | None
    visits: list[HouseholdVisitOut]
    documents: list[HouseholdDocumentOut]


def tenancy_out(user, t) -> dict:
    return {
        "id": t.pk,
        "household": t.unit_id,
        "unit": _label(t.unit),
        "tenant_name": t.tenant_name,
        "phone": shown_phone(user, t.phone) if t.phone else "",
        "lease_start": t.lease_start,
        "lease_end": t.lease_end,
        "moved_out_on": t.moved_out_on,
        "version": t.version,
    }


def household_out(user, pk) -> dict:
    """A household as the API and the CLI give it (NotFound out of reach)."""
    found = archive.household(user, pk)
    unit = found["unit"]
    return {
        "id": unit.pk,
        "building": unit.building,
        "unit": unit.unit,
        "room": unit.room,
        "area_m2": unit.area_m2,
        "owner_id": unit.customer_id,
        "owner": unit.customer.name,
        "owner_phone": found["owner_phone"],
        "possession": found["possession_code"],
        "occupancy": found["occupancy_code"],
        "arrears_reason": found["reason_code"],
        "owed_yuan": found["owed"],
        "bills": [
            {
                "id": b.pk,
                "fee": b.fee_type.code,
                "period": b.period,
                "due_on": b.due_on,
                "amount_yuan": b.amount,
                "paid_yuan": b.paid,
            }
            for b in found["bills"]
        ],
        "tenancy": tenancy_out(user, found["tenancy"]) if found["tenancy"] else None,
        "visits": [
            {
                "id": v.pk,
                "visited_on": v.visited_on,
                "agent": v.agent.name if v.agent else None,
                "note": v.note,
            }
            for v in found["visits"]
        ],
        "documents": [document_out(d) for d in found["documents"]],
    }


@router.get(
    "/households/{household_id}", response=HouseholdOut, operation_id="property_household_get"
)
def household_get(request, household_id: Id):
    """A household of the caller's line: owner, possession, what is owed and the latest bills,
    the current tenant, door visits and its documents (404 out of reach)."""
    return household_out(request.user, household_id)


@router.post(
    "/households/{household_id}/documents",
    response={201: HouseholdDocumentOut},
    operation_id="property_document_create",
)
def document_create(
    request,
    household_id: Id,
    file: File[UploadedFile],
    kind: Form[ArchiveKind],
    title: Form[Annotated[str, Field(max_length=archive.TITLE_MAX)]],
):
    """File a document in a household's archive (agents and above of the household's line; the
    attachment types and the line's ``attachment_max_bytes``). Audited."""
    document = archive.document_file(
        actor=request.user, unit_id=household_id, kind=kind, title=title, upload=file
    )
    return Status(201, document_out(document))


_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/documents/{document_id}/download",
    response={200: None},
    operation_id="property_document_download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its stored `Content-Type` and a "
                "`Content-Disposition: attachment` naming it.",
                "content": {"application/octet-stream": _FILE, "*/*": _FILE},
            }
        }
    },
)
def document_download(request, document_id: Id):
    """One archived document of the caller's line (404 out of reach)."""
    document = archive.documents_for(request.user).filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    return FileResponse(
        handle, as_attachment=True, filename=document.name, content_type=document.content_type
    )


@router.delete(
    "/documents/{document_id}", response={204: None}, operation_id="property_document_withdraw"
)
def document_withdraw(request, document_id: Id):
    """A supervisor or above withdraws a misfiled document (403 below; its file is deleted after
    the commit). Audited."""
    archive.document_withdraw(actor=request.user, document_id=document_id)
    return Status(204, None)


# -- the rental-housing register (PM-X5) ---------------------------------------------------------


class RentalRowOut(Schema):
    household: int
    unit: str
    owner: str
    tenancy: TenancyOut | None
    complete: bool
    gaps: list[str] = Field(
        description="what the row lacks: no_tenant, name, phone, lease_start, lease_end, "
        "lease_ended"
    )


class RentalPageOut(Schema):
    items: list[RentalRowOut]
    next: str | None
    rented: int
    complete: int
    incomplete: int
    completeness: Decimal | None = Field(description="complete rows ÷ rented units")


def register_page(user, *, incomplete=None, cursor=None, limit=None) -> dict:
    """A page of the register in unit order (``incomplete``: only the rows to complete, or
    only the complete ones) with the whole register's figures; the API and the CLI give it."""
    reg = rentals.register(user)
    rows = {
        r["unit"].pk: r
        for r in reg["rows"]
        if incomplete is None or (not r["ok"]) == bool(incomplete)
    }
    page = paginate(
        PropertyUnit.objects.filter(pk__in=list(rows)), ordering="id", cursor=cursor, limit=limit
    )
    items = []
    for unit in page.items:
        row = rows[unit.pk]
        tenancy = row["tenancy"]
        items.append(
            {
                "household": unit.pk,
                "unit": _label(row["unit"]),
                "owner": row["unit"].customer.name,
                "tenancy": tenancy_out(user, tenancy) if tenancy else None,
                "complete": row["ok"],
                "gaps": row["codes"],
            }
        )
    return {
        "items": items,
        "next": page.next,
        "rented": reg["rented"],
        "complete": reg["complete"],
        "incomplete": reg["incomplete"],
        "completeness": reg["completeness"],
    }


@router.get("/rentals", response=RentalPageOut, operation_id="property_rental_list")
def rental_list(
    request, incomplete: bool | None = None, cursor: str | None = None, limit: int | None = None
):
    """The rental-housing register of the caller's line: every rented unit with its current
    tenant and what the row lacks, in unit order (``incomplete=true``: only the rows to
    complete), with the register's completeness = complete ÷ rented."""
    return register_page(request.user, incomplete=incomplete, cursor=cursor, limit=limit)


class TenancyIn(Schema):
    household: Id
    tenant_name: str = Field(max_length=rentals.NAME_MAX)
    phone: Phone = ""
    lease_start: Day | None = None
    lease_end: Day | None = None


class TenancyUpdateIn(Schema):
    version: int = Field(ge=1)
    tenant_name: str | None = Field(None, max_length=rentals.NAME_MAX)
    phone: Phone | None = None
    lease_start: Day | None = None
    lease_end: Day | None = None


class MoveOutIn(Schema):
    version: int = Field(ge=1)
    moved_out_on: Day | None = Field(None, description="default today")
    to: MoveOutTo = Field("owner", description="owner (back to the owner) or vacant")


@router.post("/tenancies", response={201: TenancyOut}, operation_id="property_tenancy_create")
def tenancy_create(request, payload: TenancyIn):
    """Record a unit's new tenant (agents and above of the line): the unit is rented from now
    on; a tenant still recorded moves out on the new lease's start. Audited."""
    tenancy = rentals.tenancy_record(
        actor=request.user,
        unit_id=payload.household,
        tenant_name=payload.tenant_name,
        phone=payload.phone,
        lease_start=payload.lease_start,
        lease_end=payload.lease_end,
    )
    return Status(201, tenancy_out(request.user, tenancy))


@router.patch(
    "/tenancies/{tenancy_id}", response=TenancyOut, operation_id="property_tenancy_update"
)
def tenancy_update(request, tenancy_id: Id, payload: TenancyUpdateIn):
    """Complete or correct the current tenant's row with the ``version`` read (409 when someone
    changed it meanwhile); a field left out keeps its value, a blank phone keeps the recorded
    one (callers who see it masked cannot send it back). Audited."""
    current = rentals.tenancies_for(request.user).filter(pk=tenancy_id, moved_out_on=None).first()
    if current is None:
        raise NotFound()
    sent = payload.model_dump(exclude_unset=True)
    tenancy = rentals.tenancy_update(
        actor=request.user,
        tenancy_id=tenancy_id,
        version=payload.version,
        tenant_name=sent.get("tenant_name", current.tenant_name),
        phone=sent.get("phone") or "",
        lease_start=sent.get("lease_start", current.lease_start),
        lease_end=sent.get("lease_end", current.lease_end),
    )
    return tenancy_out(request.user, tenancy)


@router.post(
    "/tenancies/{tenancy_id}/move-out",
    response=TenancyOut,
    operation_id="property_tenancy_move_out",
)
def tenancy_move_out(request, tenancy_id: Id, payload: MoveOutIn):
    """The tenant moved out (not a day ahead); the unit goes back to its owner or stands
    empty. ``version`` as read (409 when stale). Audited."""
    tenancy = rentals.tenancy_end(
        actor=request.user,
        tenancy_id=tenancy_id,
        version=payload.version,
        moved_out_on=payload.moved_out_on or timezone.localdate(),
        occupancy=payload.to,
    )
    return tenancy_out(request.user, tenancy)
