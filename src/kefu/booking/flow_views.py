"""The student page's BK-7 / BK-8 flow forms: open a flow, take its next step. A refused step
re-renders the student page with its message (4xx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_POST

from kefu.booking import flow_services
from kefu.booking.views import _run, _version
from kefu.core.idempotency import once


@login_required
@require_POST
@once
def flow_open(request, pk: int):
    return _run(
        request,
        pk,
        lambda: flow_services.flow_open(
            actor=request.user,
            student_id=pk,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        ),
    )


@login_required
@require_POST
def flow_step(request, pk: int):
    flow = flow_services.flows_for(request.user).filter(pk=pk).first()
    if flow is None:
        raise Http404
    return _run(
        request,
        flow.student_id,
        lambda: flow_services.flow_advance(
            actor=request.user,
            flow_id=pk,
            version=_version(request),
            note=request.POST.get("note", ""),
            teacher=request.POST.get("teacher", ""),
            start_at=request.POST.get("start_at", ""),
            hours=request.POST.get("hours", "1"),
        ),
    )
