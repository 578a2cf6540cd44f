"""The households' e-archive (ARC-9): announcements, notices, reports, fee records and owner
information kept per household, electronically, "for retrieval at any time" through a catalogue
searchable by kind, building, household, owner and title. Anyone of the line reads it; agents
and above of the line file a document (the foundation's attachment types and the line's
``attachment_max_bytes``); a supervisor or above withdraws a misfiled one. Filing and withdrawing
are audited."""

from __future__ import annotations

import mimetypes
import os
import uuid

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.core.pagination import paginate
from kefu.property.models import (
    Bill,
    DocumentKind,
    DoorVisit,
    HouseholdDocument,
    Occupancy,
    Possession,
)
from kefu.property.rules import building_order
from kefu.property.selectors import units_for
from kefu.tickets.services import ALLOWED_EXTENSIONS

TITLE_MAX = 100
QUERY_MAX = 50
CATALOGUE_PAGE = 50
BILL_ROWS = 12
VISIT_ROWS = 10


def documents_for(user):
    return HouseholdDocument.objects.filter(scope.business_line_q(user))


def unit_get_for(user, pk):
    """A household of the user's line (with its owner), or NotFound."""
    unit = (
        units_for(user).select_related("customer").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if unit is None:
        raise NotFound(_("Household not found."))
    return unit


def may_file(user, unit) -> bool:
    return bool(user.business_line_id) and user.business_line_id == unit.customer.business_line_id


def may_withdraw(user) -> bool:
    return scope.at_least(user, scope.SUPERVISOR)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


@transaction.atomic
def document_file(*, actor, unit_id, kind, title, upload) -> HouseholdDocument:
    """File a document in a household's archive; bad input changes nothing."""
    unit = unit_get_for(actor, unit_id)
    if not may_file(actor, unit):
        raise PermissionDenied(_("Only the household's own business line files its documents."))
    if kind not in DocumentKind.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"kind": _("Choose one of the list.")}
        )
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title or len(title) > TITLE_MAX:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"title": _("Required, at most %(n)d characters.") % {"n": TITLE_MAX}},
        )
    if upload is None or not getattr(upload, "size", 0):
        raise Invalid(_("Choose a file."), fields={"file": _("The file is empty.")})
    name = get_valid_filename(os.path.basename(getattr(upload, "name", "") or "file"))[-200:]
    if _extension(name) not in ALLOWED_EXTENSIONS:
        raise Invalid(
            _("This kind of file cannot be attached."),
            fields={
                "file": _("Allowed: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_EXTENSIONS))}
            },
        )
    line = unit.customer.business_line
    limit = int(line.policy("attachment_max_bytes") or 0)
    if limit and upload.size > limit:
        raise Invalid(
            _("The file is too large."),
            fields={"file": _("At most %(mb).1f MB.") % {"mb": limit / (1024 * 1024)}},
        )
    document = HouseholdDocument(
        business_line=line,
        unit=unit,
        kind=kind,
        title=title,
        name=name,
        size=upload.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        uploaded_by=actor,
    )
    document.file.save(f"{uuid.uuid4().hex[:8]}-{name}", upload, save=False)
    document.save()
    audit.record(
        actor=actor,
        action="property.document_file",
        obj=document,
        changes={"unit": unit.pk, "kind": kind, "title": title, "name": name, "size": upload.size},
        business_line_id=line.pk,
    )
    return document


@transaction.atomic
def document_withdraw(*, actor, document_id) -> None:
    """A supervisor or above withdraws a misfiled document (its file is deleted after commit)."""
    if not may_withdraw(actor):
        raise PermissionDenied(_("Only a supervisor or above withdraws an archived document."))
    document = (
        documents_for(actor).filter(pk=document_id).first() if str(document_id).isdigit() else None
    )
    if document is None:
        raise NotFound(_("Document not found."))
    storage, path = document.file.storage, document.file.name
    audit.record(
        actor=actor,
        action="property.document_withdraw",
        obj=document,
        changes={"unit": document.unit_id, "title": document.title, "name": document.name},
        business_line_id=document.business_line_id,
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(path))


def catalogue(
    user, *, q: str = "", kind: str = "", building: str = "", cursor=None, limit=CATALOGUE_PAGE
) -> dict:
    """The catalogue (检索目录): documents of the user's line, newest first, narrowed by kind,
    building and a keyword that matches the title, the file name, the household or the owner;
    with the number of documents of each kind and building for the current search."""
    q = (q or "").strip()[:QUERY_MAX]
    kind = kind if kind in DocumentKind.values else ""
    building = (building or "").strip()[:20]
    rows = documents_for(user)
    if building:
        rows = rows.filter(unit__building=building)
    if q:
        rows = rows.filter(
            Q(title__icontains=q)
            | Q(name__icontains=q)
            | Q(unit__room__icontains=q)
            | Q(unit__customer__name__icontains=q)
        )
    by_kind = dict(rows.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    if kind:
        rows = rows.filter(kind=kind)
    page = paginate(
        rows.select_related("unit", "unit__customer", "uploaded_by"),
        ordering="-created_at",
        cursor=cursor,
        limit=limit,
    )
    return {
        "q": q,
        "kind": kind,
        "building": building,
        "kinds": [(value, label, by_kind.get(value, 0)) for value, label in DocumentKind.choices],
        "total": sum(by_kind.values()),
        "documents": page.items,
        "next": page.next,
        "buildings": sorted(
            units_for(user).order_by().values_list("building", flat=True).distinct(),
            key=building_order,
        ),
    }


def household(user, pk) -> dict:
    """A household of the user's line as its page, the API and the CLI show it: the owner
    (phone masked as the customer pages mask it), possession and occupancy, what is owed and
    the latest bills, the current tenant, the door visits and the documents; NotFound when out
    of reach."""
    from kefu.customers.selectors import shown_phone
    from kefu.property.rentals import tenancies_for

    unit = unit_get_for(user, pk)
    profile = getattr(unit, "office_profile", None)
    bills = Bill.objects.filter(unit=unit)
    owing = bills.filter(due_on__lt=timezone.localdate()).aggregate(
        amount=Sum("amount"), paid=Sum("paid")
    )
    tenancy = tenancies_for(user).filter(unit=unit, moved_out_on=None).order_by("-id").first()
    possession = profile.possession if profile else Possession.TAKEN
    occupancy = profile.occupancy if profile else Occupancy.OWNER
    return {
        "unit": unit,
        "owner_phone": shown_phone(user, unit.customer.phone or ""),
        "possession_code": possession,
        "possession": Possession(possession).label,
        "occupancy_code": occupancy,
        "occupancy": Occupancy(occupancy).label,
        "reason_code": profile.arrears_reason if profile else "",
        "reason": profile.get_arrears_reason_display() if profile else "",
        "owed": (owing["amount"] or 0) - (owing["paid"] or 0),
        "bills": list(
            bills.select_related("fee_type").order_by("-period", "fee_type_id")[:BILL_ROWS]
        ),
        "tenancy": tenancy,
        "tenant_phone": shown_phone(user, tenancy.phone) if tenancy and tenancy.phone else "",
        "visits": list(
            DoorVisit.objects.filter(unit=unit)
            .select_related("agent")
            .order_by("-visited_on", "-id")[:VISIT_ROWS]
        ),
        "documents": list(
            documents_for(user)
            .filter(unit=unit)
            .select_related("uploaded_by")
            .order_by("kind", "-created_at", "-id")
        ),
    }
