"""/api/v1/customers: the archive list and search, one customer, notes, timeline, reveal, merge.

Handlers parse, call a service or selector, and return; scope comes from ``customer_get_for``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kefu.core import scope
from kefu.core.errors import Invalid
from kefu.core.pagination import Page, clamp_limit, paginate
from kefu.customers import selectors, services
from kefu.customers.schemas import (
    CustomerCreateIn,
    CustomerDetailOut,
    CustomerListQueryIn,
    CustomerOut,
    CustomerPageOut,
    CustomerUpdateIn,
    Id,
    MergeIn,
    NoteCreateIn,
    NoteOut,
    NotePageOut,
    RevealOut,
    TimelineOut,
    customer_detail_out,
    customer_out,
)

router = Router(tags=["customers"])


def _page(qs, *, ordering: str, cursor: str | None, limit: int | None) -> Page:
    """core.pagination.paginate, where a cursor of another ordering is a 400, not a 500."""
    try:
        return paginate(qs, ordering=ordering, cursor=cursor, limit=limit)
    except (TypeError, ValueError, OverflowError, DjangoValidationError):
        if not cursor:
            raise
        raise Invalid(_("The cursor is not valid."), fields={"cursor": _("Not a valid cursor.")})


def _detail(request, pk: int) -> dict:
    customer = selectors.customer_detail_for(user=request.user, pk=pk)
    return customer_detail_out(request.user, customer)


def _line_for_create(user, requested: int | None):
    from kefu.accounts.models import BusinessLine

    if scope.is_admin(user) and requested:
        line = BusinessLine.objects.filter(pk=requested).first()
        if line is not None:
            return line
        raise Invalid(
            _("Choose an existing business line."), fields={"business_line": _("Unknown.")}
        )
    if user.business_line_id is None:
        raise Invalid(
            _("Choose the business line of the customer."),
            fields={"business_line": _("Required.")},
        )
    return user.business_line


@router.get("", response=CustomerPageOut)
def customer_list(
    request,
    query: Query[CustomerListQueryIn],
    cursor: str | None = None,
    limit: int | None = None,
):
    """Customers in the caller's scope, newest first: q (name, or any 4+ consecutive phone
    digits), tier, tag, agent (id, ``me`` or ``none``), segment, created_after/created_before.
    With ``updated_after`` (the incremental export) ordered by ``(updated_at, id)``, merged-away
    entries included with ``merged_into``."""
    clamp_limit(limit)
    filters = selectors.CustomerFilters.parse(query.dict(exclude_none=True))
    qs = selectors.customer_list_for(user=request.user, filters=filters)
    ordering = "updated_at" if filters.updated_after else "-created_at"
    page = _page(qs, ordering=ordering, cursor=cursor, limit=limit)
    rows = selectors.attach_segments(page.items)
    return {"items": [customer_out(request.user, c) for c in rows], "next": page.next}


@router.post("", response={201: CustomerDetailOut})
def customer_create(request, payload: CustomerCreateIn):
    fields = payload.dict(exclude={"business_line", "name", "phone"})
    line = _line_for_create(request.user, payload.business_line)
    customer = services.customer_create(
        actor=request.user, business_line=line, name=payload.name, phone=payload.phone, **fields
    )
    return Status(201, _detail(request, customer.pk))


@router.get("/{customer_id}", response=CustomerDetailOut, operation_id="customer_get")
def customer_detail(request, customer_id: Id):
    return _detail(request, customer_id)


@router.patch("/{customer_id}", response=CustomerDetailOut)
def customer_update(request, customer_id: Id, payload: CustomerUpdateIn):
    customer = selectors.customer_get_for(user=request.user, pk=customer_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    services.customer_update(
        actor=request.user, customer=customer, version=payload.version, changes=changes
    )
    return _detail(request, customer_id)


@router.post("/{customer_id}/reveal", response=RevealOut)
def customer_reveal(request, customer_id: Id):
    customer = selectors.customer_get_for(user=request.user, pk=customer_id)
    ip = request.META.get("REMOTE_ADDR")
    return services.contact_reveal(actor=request.user, customer=customer, ip=ip)


@router.get("/{customer_id}/notes", response=NotePageOut, operation_id="customer_note_list")
def note_list(request, customer_id: Id, cursor: str | None = None, limit: int | None = None):
    customer = selectors.customer_get_for(user=request.user, pk=customer_id)
    qs = selectors.customer_notes_for(customer=customer)
    return _page(qs, ordering="-created_at", cursor=cursor, limit=limit)


@router.post("/{customer_id}/notes", response={201: NoteOut}, operation_id="customer_note_create")
def note_create(request, customer_id: Id, payload: NoteCreateIn):
    customer = selectors.customer_get_for(user=request.user, pk=customer_id)
    return Status(201, services.note_add(actor=request.user, customer=customer, body=payload.body))


@router.get("/{customer_id}/timeline", response=TimelineOut)
def customer_timeline(request, customer_id: Id):
    customer = selectors.customer_get_for(user=request.user, pk=customer_id)
    return {"items": selectors.customer_timeline(customer=customer, user=request.user)}


@router.post("/{customer_id}/merge", response=CustomerDetailOut)
def customer_merge(request, customer_id: Id, payload: MergeIn):
    keep = selectors.customer_get_for(user=request.user, pk=customer_id)
    merge = selectors.customer_get_for(user=request.user, pk=payload.merge)
    services.customer_merge(actor=request.user, keep=keep, merge=merge)
    return _detail(request, customer_id)


__all__ = ["CustomerOut", "router"]
