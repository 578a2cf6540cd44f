"""Pages of training plans (TRN-8): the annual and monthly plans, the director's approval and
the month-end summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.training import plan_selectors, plan_services, plans, selectors
from kefu.training.models import PlanKind

PAGE_ROWS = 50


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@login_required
def plan_list(request, status=200):
    page = paginate(
        plan_selectors.plans_for(request.user),
        ordering="-id",
        cursor=request.GET.get("cursor"),
        limit=PAGE_ROWS,
    )
    today = timezone.localdate()
    context = {
        "page": page,
        "may_draw": scope.at_least(request.user, scope.LEAD),
        "kinds": PlanKind.choices,
        "year": today.year,
        "month": today.month,
    }
    return render(request, "training/plans.html", context, status=status)


@login_required
@require_POST
@once
def plan_create(request):
    post = request.POST
    try:
        plan = plan_services.plan_create(
            actor=request.user,
            kind=post.get("kind", ""),
            year=_int(post.get("year")),
            month=_int(post.get("month")),
            title=post.get("title", ""),
            goals=post.get("goals", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return plan_list(request, status=exc.status)
    messages.success(request, _("The plan is drawn up as a draft."))
    return redirect("training:plan", pk=plan.pk)


@login_required
def plan_detail(request, pk: int):
    user = request.user
    plan = plan_selectors.plan_get(user, pk)
    steps = []
    for action in plans.ACTIONS:
        try:
            plans.check(
                action,
                state=plan.state,
                actor_id=user.pk,
                actor_rank=scope.rank(user),
                author_id=plan.author_id,
            )
        except plans.PlanRefused:
            continue
        steps.append(action)
    is_lead = scope.at_least(user, scope.LEAD)
    context = {
        "plan": plan,
        "steps": steps,
        "summary": plan_selectors.month_summary(plan),
        "classes": list(plan.classes.select_related("trainer").order_by("starts_at")[:100]),
        "unplanned": list(
            selectors.classes_for(user)
            .filter(plan__isnull=True, starts_at__year=plan.year)
            .order_by("-starts_at")[:50]
        )
        if is_lead
        else [],
    }
    return render(request, "training/plan.html", context)


@login_required
@require_POST
def plan_act(request, pk: int, action: str):
    plan = plan_selectors.plan_get(request.user, pk)
    try:
        if action == "add_class":
            cls = selectors.class_get(request.user, _int(request.POST.get("training_class")))
            plan_services.plan_add_class(actor=request.user, plan=plan, training_class=cls)
        else:
            plan_services.plan_act(
                actor=request.user,
                plan=plan,
                action=action,
                version=_int(request.POST.get("version")) or 0,
                note=request.POST.get("note", ""),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The plan is saved."))
    return redirect("training:plan", pk=pk)
