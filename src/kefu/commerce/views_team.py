"""Pages of the returns team (RET-9), logistics cases (RET-7) and the daily registers (RET-8)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.commerce import exports, logistics_rules, selectors, team_selectors
from kefu.commerce.care_selectors import local_range
from kefu.commerce.models import CaseKind, Remedy, ReshipReason, ReturnStatus
from kefu.commerce.services import returns_team
from kefu.commerce.views_care import _days
from kefu.commerce.words import case_step_label
from kefu.core.errors import DomainError, NotFound
from kefu.core.pagination import paginate

PAGE_ROWS = 25


def _version(request) -> int:
    return int(request.POST.get("version", ""))


def _fail(request, exc: Exception) -> None:
    if isinstance(exc, ValueError):
        messages.error(request, _("The page was out of date: reload it and try again."))
    else:
        messages.error(request, str(exc.message))


def _page(request, qs, ordering: str):
    try:
        return paginate(
            qs, ordering=ordering, cursor=request.GET.get("cursor") or None, limit=PAGE_ROWS
        )
    except DomainError:
        return paginate(qs, ordering=ordering, cursor=None, limit=PAGE_ROWS)


def _more(request, page) -> str:
    if not page.next:
        return ""
    query = request.GET.copy()
    query["cursor"] = page.next
    return "?" + query.urlencode()


@login_required
def team(request):
    first, last = _days(request)
    start, end = local_range(first, last)
    page = _page(request, team_selectors.reshipments_for(user=request.user), "-requested_at")
    return render(
        request,
        "commerce/team.html",
        {
            "first": first,
            "last": last,
            "figures": team_selectors.reship_figures_for(user=request.user, start=start, end=end),
            "specialists": team_selectors.specialists_for(user=request.user, start=start, end=end),
            "inspections": team_selectors.inspections_for(user=request.user).order_by(
                "-unpacked_at", "-id"
            )[:10],
            "page": page,
            "more": _more(request, page),
            "reasons": ReshipReason.choices,
            "form": request.GET.get("order", ""),
        },
    )


@login_required
@require_POST
def reshipment_create(request):
    try:
        order = team_selectors.order_get_for(
            user=request.user, order_no=request.POST.get("order", "")
        )
        returns_team.reshipment_create(
            actor=request.user,
            order=order,
            reason=request.POST.get("reason", ""),
            items=request.POST.get("items", ""),
        )
    except NotFound:
        messages.error(request, _("No order with this number in your business line."))
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The reshipment is requested."))
    return redirect("commerce:team")


@login_required
@require_POST
def reshipment_action(request, pk: int):
    reship = team_selectors.reshipment_get_for(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "send":
            returns_team.reshipment_send(
                actor=request.user,
                reship=reship,
                version=_version(request),
                tracking_no=request.POST.get("tracking_no", ""),
            )
        elif action in ("correct", "wrong"):
            returns_team.reshipment_check(
                actor=request.user,
                reship=reship,
                version=_version(request),
                correct=action == "correct",
            )
        else:
            messages.error(request, _("Unknown step."))
            return redirect("commerce:team")
    except (ValueError, DomainError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The reshipment is updated."))
    return redirect("commerce:team")


@login_required
@require_POST
def inspection_record(request, pk: int):
    ret = selectors.return_get_for(user=request.user, pk=pk)
    intact = request.POST.get("intact", "")
    try:
        returns_team.inspection_record(
            actor=request.user,
            ret=ret,
            version=_version(request),
            warehouse=request.POST.get("warehouse", ""),
            intact=None if intact == "" else intact == "1",
            damaged=request.POST.get("damaged") == "1",
            note=request.POST.get("note", ""),
        )
    except (ValueError, DomainError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The unpacking and inspection are recorded."))
    return redirect("commerce:return", pk=pk)


# -- logistics cases ----------------------------------------------------------------------------


@login_required
def case_list(request):
    open_only = request.GET.get("all") != "1"
    page = _page(
        request, team_selectors.cases_for(user=request.user, open_only=open_only), "-opened_at"
    )
    return render(
        request,
        "commerce/case_list.html",
        {
            "page": page,
            "more": _more(request, page),
            "open_only": open_only,
            "kinds": [(v, label) for v, label in CaseKind.choices if v != CaseKind.EXTEND],
            "values": request.session.pop("commerce_case_form", {}),
        },
    )


@login_required
@require_POST
def case_open(request):
    values = {k: request.POST.get(k, "") for k in ("order", "kind", "courier", "description")}
    try:
        order = team_selectors.order_get_for(user=request.user, order_no=values["order"])
        case = returns_team.case_open(
            actor=request.user,
            order=order,
            kind=values["kind"],
            courier=values["courier"],
            description=values["description"],
        )
    except NotFound:
        messages.error(request, _("No order with this number in your business line."))
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The case is opened."))
        return redirect("commerce:case", pk=case.pk)
    request.session["commerce_case_form"] = values  # the form keeps what was typed
    return redirect("commerce:cases")


@login_required
def case_detail(request, pk: int):
    case = team_selectors.case_get_for(user=request.user, pk=pk)
    steps = [(s, case_step_label(s)) for s in logistics_rules.next_steps(case.kind, case.status)]
    return render(
        request,
        "commerce/case_detail.html",
        {
            "case": case,
            "steps": steps,
            "remedies": Remedy.choices,
            "reshipments": case.reshipments.order_by("id"),
            "refunds_enabled": case.business_line.policy("refunds_enabled") is not False,
        },
    )


@login_required
@require_POST
def case_step(request, pk: int):
    case = team_selectors.case_get_for(user=request.user, pk=pk)
    p = request.POST
    try:
        returns_team.case_step(
            actor=request.user,
            case=case,
            version=_version(request),
            step=p.get("step", ""),
            note=p.get("note", ""),
            weight_warehouse=p.get("weight_warehouse"),
            weight_courier=p.get("weight_courier"),
            remedy=p.get("remedy", ""),
            items=p.get("items", ""),
            amount=p.get("amount") or None,
            claim_amount=p.get("claim_amount"),
            recovered_amount=p.get("recovered_amount"),
        )
    except (ValueError, DomainError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The case has moved on."))
    return redirect("commerce:case", pk=pk)


# -- RET-8 registers ----------------------------------------------------------------------------


def _register_day(request) -> dt.date:
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else team_selectors.yesterday()
    except ValueError:
        return team_selectors.yesterday()
    if day.year < 2000 or day.year > 9998:
        return team_selectors.yesterday()
    return day


@login_required
def registers(request):
    day = _register_day(request)
    return render(
        request,
        "commerce/registers.html",
        {
            "day": day,
            "registers": team_selectors.registers_for(user=request.user, day=day),
            "prev": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
            "export_query": urlencode({"day": day.isoformat()}),
        },
    )


@login_required
def registers_export(request):
    day = _register_day(request)
    body = returns_team.registers_export(actor=request.user, day=day)
    name = _("registers-%(day)s.xlsx") % {"day": day.isoformat()}
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# the return page's warehouse form needs to know when it applies
INSPECTABLE = ReturnStatus.RECEIVED
