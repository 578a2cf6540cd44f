"""Pages of the platform disputes (客户维权, 淘宝小二介入; CMP-11): the list with the outcomes of
the last 180 days, a dispute's negotiation log, appeal pack and outcome; opening one from a
refused return. Writes through ``services.disputes`` (the API's and the CLI's)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.commerce import dispute_selectors, selectors
from kefu.commerce.models import ContactChannel, DisputeOutcome, EvidenceKind
from kefu.commerce.services import disputes
from kefu.commerce.words import appeal_missing_label
from kefu.core.errors import DomainError

STALE = "The page was out of date: reload it and try again."


@login_required
def dispute_list(request):
    show_all = request.GET.get("all") == "1"
    items = dispute_selectors.disputes_for(user=request.user, open_only=not show_all).order_by(
        "-opened_at", "-id"
    )[:200]
    return render(
        request,
        "commerce/dispute_list.html",
        {
            "items": items,
            "show_all": show_all,
            "figures": dispute_selectors.figures_for(user=request.user),
        },
    )


@login_required
def dispute_detail(request, pk: int):
    d = dispute_selectors.dispute_get_for(user=request.user, pk=pk)
    missing = disputes.missing_for_appeal(d) if d.stage == "negotiating" else []
    return render(
        request,
        "commerce/dispute_detail.html",
        {
            "d": d,
            "contacts": list(d.contacts.select_related("by")),
            "evidence": list(d.evidence.select_related("uploaded_by")),
            "missing": [appeal_missing_label(m) for m in missing],
            "channels": ContactChannel.choices,
            "kinds": EvidenceKind.choices,
            "outcomes": DisputeOutcome.choices,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


def _version(request) -> int:
    return int(request.POST.get("version", ""))


def _done(request, action, success: str) -> None:
    try:
        action()
    except ValueError:
        messages.error(request, _(STALE))
    except DomainError as exc:
        if exc.status == 404:
            raise
        text = str(exc.message)
        if exc.fields:
            text = f"{text} ({'; '.join(str(v) for v in exc.fields.values())})"
        messages.error(request, text)
    else:
        messages.success(request, success)


@login_required
@require_POST
def dispute_open(request, pk: int):
    ret = selectors.return_get_for(user=request.user, pk=pk)
    _done(
        request,
        lambda: disputes.dispute_open(
            actor=request.user,
            ret=ret,
            version=_version(request),
            case_no=request.POST.get("case_no", ""),
        ),
        _("The dispute is open: log each contact with the buyer."),
    )
    found = dispute_selectors.disputes_for(user=request.user).filter(ret=ret).first()
    if found is not None:
        return redirect("commerce:dispute", pk=found.pk)
    return redirect("commerce:return", pk=pk)


def _local_time(raw: str) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.get_current_timezone())
    return value


@login_required
@require_POST
def dispute_contact(request, pk: int):
    d = dispute_selectors.dispute_get_for(user=request.user, pk=pk)
    try:
        at = _local_time(request.POST.get("at", ""))
    except ValueError:
        messages.error(request, _("The contact's time is not a date and time."))
        return redirect("commerce:dispute", pk=pk)
    _done(
        request,
        lambda: disputes.contact_add(
            actor=request.user,
            dispute=d,
            version=_version(request),
            channel=request.POST.get("channel", ""),
            offer=request.POST.get("offer", ""),
            answer=request.POST.get("answer", ""),
            at=at,
        ),
        _("The contact is logged."),
    )
    return redirect("commerce:dispute", pk=pk)


@login_required
@require_POST
def dispute_evidence(request, pk: int):
    d = dispute_selectors.dispute_get_for(user=request.user, pk=pk)
    _done(
        request,
        lambda: disputes.evidence_add(
            actor=request.user,
            dispute=d,
            kind=request.POST.get("kind", ""),
            upload=request.FILES.get("file"),
        ),
        _("The file is in the appeal pack."),
    )
    return redirect("commerce:dispute", pk=pk)


@login_required
def dispute_evidence_file(request, pk: int, evidence_pk: int):
    e = dispute_selectors.evidence_get_for(user=request.user, dispute_pk=pk, pk=evidence_pk)
    try:
        handle = e.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=e.name, content_type=e.content_type)


@login_required
@require_POST
def dispute_appeal(request, pk: int):
    d = dispute_selectors.dispute_get_for(user=request.user, pk=pk)
    _done(
        request,
        lambda: disputes.appeal_submit(
            actor=request.user,
            dispute=d,
            version=_version(request),
            reasons=request.POST.get("reasons", ""),
        ),
        _("The appeal pack has been submitted to the platform."),
    )
    return redirect("commerce:dispute", pk=pk)


@login_required
@require_POST
def dispute_close(request, pk: int):
    d = dispute_selectors.dispute_get_for(user=request.user, pk=pk)
    _done(
        request,
        lambda: disputes.dispute_close(
            actor=request.user,
            dispute=d,
            version=_version(request),
            outcome=request.POST.get("outcome", ""),
            amount=request.POST.get("amount", ""),
        ),
        _("The dispute is closed."),
    )
    return redirect("commerce:dispute", pk=pk)
