"""Setup pages for planners: shift templates, agent profiles (inline edit), leave and
unavailable days, skill-group settings, peak-plan editing and an entered requirement.

Supervisors and managers of the line edit; leads read (their team's agents and leave); agents
get the 404 page. A lead's POST reaches the service, which refuses it (403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from kefu.core.errors import Conflict, Invalid
from kefu.core.idempotency import once
from kefu.workforce import selectors, services
from kefu.workforce.forms import (
    AgentProfileForm,
    ChecklistItemForm,
    EnteredRequirementForm,
    LeaveForm,
    ShiftTemplateForm,
    SkillGroupCreateForm,
    SkillGroupForm,
)
from kefu.workforce.models import Phase

PAGE = 50
SHIFT_FIELDS = {
    "code": "code",
    "label": "label",
    "kind": "kind",
    "start": "start",
    "duration": "duration_hours",
    "second_start": "second_start",
    "second_duration": "second_duration_hours",
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _form_error(form, exc: Invalid, names: dict[str, str] | None = None) -> None:
    """The service's message on top of the form, and beside the field it names."""
    form.add_error(None, str(exc.message))
    for key in exc.fields:
        name = (names or {}).get(key, key)
        if name in form.fields:
            form.add_error(name, str(exc.message))


def _active(request) -> bool:
    return request.POST.get("active") == "1"


# -- shift templates ----------------------------------------------------------------------------
@login_required
def shift_templates(request):
    page = selectors.shift_templates_for(
        user=request.user, cursor=request.GET.get("cursor"), limit=PAGE
    )
    form = ShiftTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_template_create(actor=request.user, **form.service_fields())
            messages.success(request, _("Shift template saved."))
            return redirect("workforce:shift_templates")
        except Invalid as exc:
            _form_error(form, exc, SHIFT_FIELDS)
    return render(
        request,
        "workforce/shift_templates.html",
        {"page": page, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
def shift_template_edit(request, pk: int):
    obj = selectors.shift_template_get_for(user=request.user, pk=pk)
    form = ShiftTemplateForm(request.POST or None, initial=ShiftTemplateForm.initial_for(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_template_update(
                actor=request.user, template=obj, **form.service_fields()
            )
            messages.success(request, _("Shift template saved."))
            return redirect("workforce:shift_templates")
        except Invalid as exc:
            _form_error(form, exc, SHIFT_FIELDS)
    return render(
        request,
        "workforce/shift_template_edit.html",
        {"obj": obj, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def shift_template_active(request, pk: int):
    obj = selectors.shift_template_get_for(user=request.user, pk=pk)
    services.shift_template_set_active(actor=request.user, template=obj, active=_active(request))
    return redirect("workforce:shift_templates")


# -- agent profiles -----------------------------------------------------------------------------
@login_required
def agent_profiles(request):
    page = selectors.line_agents_for(
        user=request.user, cursor=request.GET.get("cursor"), limit=PAGE
    )
    return render(
        request,
        "workforce/agent_profiles.html",
        {"page": page, "can_plan": selectors.can_plan(request.user)},
    )


def _profile_initial(agent) -> dict:
    profile = getattr(agent, "workforce_profile", None)
    if profile is None:
        return {"cost_per_hour": 0}
    return {
        "groups": list(profile.groups.all()),
        "max_weekly_hours": profile.max_weekly_hours,
        "cost_per_hour": profile.cost_per_hour,
    }


@login_required
def agent_profile_edit(request: HtmxHttpRequest, user_id: int):
    """GET: the row as a form (htmx) or an edit page; POST: save, then the row again."""
    agent = selectors.line_agent_get_for(user=request.user, pk=user_id)
    groups = selectors.skill_groups_for(user=request.user)
    form = AgentProfileForm(request.POST or None, groups=groups, initial=_profile_initial(agent))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.agent_profile_set(
                actor=request.user,
                user=agent,
                groups=list(d["groups"]),
                max_weekly_hours=d["max_weekly_hours"],
                cost_per_hour=d["cost_per_hour"],
            )
            if not request.htmx:
                messages.success(request, _("Profile saved."))
                return redirect("workforce:agent_profiles")
            agent = selectors.line_agent_get_for(user=request.user, pk=user_id)
            return render(request, "workforce/_agent_row.html", {"agent": agent, "can_plan": True})
        except Invalid as exc:
            _form_error(form, exc)
    context = {"agent": agent, "form": form, "can_plan": selectors.can_plan(request.user)}
    status = 400 if form.errors else 200
    if request.htmx:
        return render(request, "workforce/_agent_row_form.html", context, status=status)
    return render(request, "workforce/agent_profile_edit.html", context, status=status)


@login_required
@require_POST
def agent_profile_active(request: HtmxHttpRequest, user_id: int):
    agent = selectors.line_agent_get_for(user=request.user, pk=user_id)
    profile = getattr(agent, "workforce_profile", None)
    if profile is None:
        messages.error(request, _("Give the agent skill groups first."))
    else:
        services.agent_profile_set_active(
            actor=request.user, profile=profile, active=_active(request)
        )
    return redirect("workforce:agent_profiles")


# -- leave and unavailable days -----------------------------------------------------------------
@login_required
@once
def leaves(request):
    page = selectors.leaves_for(user=request.user, cursor=request.GET.get("cursor"), limit=PAGE)
    form = LeaveForm(request.POST or None, users=selectors.line_agent_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_add(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Absence saved."))
            return redirect("workforce:leaves")
        except Invalid as exc:
            _form_error(form, exc)
    return render(
        request,
        "workforce/leaves.html",
        {"page": page, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
def leave_edit(request, pk: int):
    obj = selectors.leave_get_for(user=request.user, pk=pk)
    users = selectors.line_agent_choices(user=request.user).filter(pk=obj.user_id)
    initial = {
        "user": obj.user,
        "kind": obj.kind,
        "start_date": obj.start_date,
        "end_date": obj.end_date,
        "reason": obj.reason,
    }
    form = LeaveForm(request.POST or None, users=users, initial=initial)
    form.fields["user"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.leave_update(
                actor=request.user,
                leave=obj,
                start_date=d["start_date"],
                end_date=d["end_date"],
                reason=d["reason"],
                kind=d["kind"],
            )
            messages.success(request, _("Absence saved."))
            return redirect("workforce:leaves")
        except Invalid as exc:
            _form_error(form, exc)
    return render(
        request,
        "workforce/leave_edit.html",
        {"obj": obj, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def leave_delete(request, pk: int):
    obj = selectors.leave_get_for(user=request.user, pk=pk)
    services.leave_delete(actor=request.user, leave=obj)
    messages.success(request, _("Absence deleted."))
    return redirect("workforce:leaves")


# -- skill groups -------------------------------------------------------------------------------
@login_required
def skill_groups(request):
    groups = selectors.skill_groups_page_for(user=request.user)
    form = SkillGroupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.skill_group_create(actor=request.user, **form.cleaned_data)
            return redirect("workforce:skill_group", pk=group.pk)
        except Invalid as exc:
            _form_error(form, exc)
    return render(
        request,
        "workforce/skill_groups.html",
        {"groups": groups, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
def skill_group_edit(request, pk: int):
    group = selectors.skill_group_edit_get_for(user=request.user, pk=pk)
    form = SkillGroupForm(request.POST or None, initial=SkillGroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_group_update(actor=request.user, group=group, **form.cleaned_data)
            messages.success(
                request, _("Settings saved; the group's forecasts were re-sized with them.")
            )
            return redirect("workforce:skill_groups")
        except Invalid as exc:
            _form_error(form, exc)
    return render(
        request,
        "workforce/skill_group_edit.html",
        {"group": group, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


# -- peak plans ---------------------------------------------------------------------------------
def _int(value: str | None) -> int | str:
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() else value


@login_required
def peak_edit(request, pk: int):
    """Coverage hours per day and group sizes before, during and after the event."""
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    group_names = sorted({g for sizes in plan.group_sizes.values() for g in sizes})
    error = ""
    if request.method == "POST":
        try:
            services.peak_plan_update(
                actor=request.user,
                plan=plan,
                version=int(request.POST.get("version") or 0),
                coverage_hours={
                    c["date"]: _int(request.POST.get(f"hours-{c['date']}")) for c in plan.coverage
                },
                group_sizes={
                    phase: {g: _int(request.POST.get(f"size-{phase}-{g}")) for g in group_names}
                    for phase in Phase.values
                },
            )
            messages.success(request, _("Plan saved."))
            return redirect("workforce:peak", pk=plan.pk)
        except (Invalid, Conflict) as exc:
            error = str(exc.message)
            plan.refresh_from_db()
    rows = [
        {
            "group": g,
            "cells": [
                {
                    "phase": phase,
                    "label": Phase(phase).label,
                    "value": request.POST.get(f"size-{phase}-{g}")
                    if error
                    else plan.group_sizes.get(phase, {}).get(g, 0),
                }
                for phase in Phase.values
            ],
        }
        for g in group_names
    ]
    coverage = [
        {
            **c,
            "day": parse_date(c["date"]),
            "phase_label": Phase(c["phase"]).label,
            "value": request.POST.get(f"hours-{c['date']}") if error else c["hours"],
        }
        for c in plan.coverage
    ]
    return render(
        request,
        "workforce/peak_edit.html",
        {
            "plan": plan,
            "rows": rows,
            "phases": Phase.choices,
            "coverage": coverage,
            "error": error,
            "can_plan": selectors.can_plan(request.user),
        },
        status=400 if error else 200,
    )


@login_required
def peak_item_edit(request, pk: int, item_id: int):
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    item = selectors.checklist_item_get(plan=plan, pk=item_id)
    form = ChecklistItemForm(
        request.POST or None,
        users=selectors.checklist_owner_choices(plan=plan),
        initial={"owner": item.owner, "due_date": item.due_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_update(actor=request.user, item=item, **form.cleaned_data)
            return redirect("workforce:peak", pk=plan.pk)
        except Invalid as exc:
            _form_error(form, exc)
    return render(
        request,
        "workforce/peak_item_edit.html",
        {"plan": plan, "item": item, "form": form, "can_plan": selectors.can_plan(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def peak_borrowed_remove(request, pk: int, staff_id: int):
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    staff = selectors.borrowed_get(plan=plan, pk=staff_id)
    services.borrowed_remove(actor=request.user, staff=staff)
    return redirect("workforce:peak", pk=plan.pk)


# -- an entered requirement ---------------------------------------------------------------------
@login_required
def roster_entered(request):
    """A roster from a requirement pasted from Excel instead of a forecast."""
    selectors.require_reader(request.user)
    groups = list(selectors.skill_groups_for(user=request.user))
    form = EnteredRequirementForm(request.POST or None)
    pastes = {g.code: request.POST.get(f"paste_{g.code}", "") for g in groups}
    paste_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            run = services.roster_run_create_entered(
                actor=request.user, pastes=pastes, **form.cleaned_data
            )
            return redirect("workforce:roster", pk=run.pk)
        except Invalid as exc:
            form.add_error(None, str(exc.message))
            paste_errors = {k.removeprefix("paste_"): str(v) for k, v in exc.fields.items()}
    return render(
        request,
        "workforce/roster_entered.html",
        {
            "form": form,
            "groups": [
                {"group": g, "text": pastes[g.code], "error": paste_errors.get(g.code, "")}
                for g in groups
            ],
            "can_plan": selectors.can_plan(request.user),
        },
        status=400 if form.errors else 200,
    )
