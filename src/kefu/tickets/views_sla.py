"""Pages for service levels: SLA policies, routing rules and team strategies, responsible units,
my promises/tasks, notifications, and the POST endpoints of the ticket page's SLA and complaint
panel. Views parse, call a service or selector, and render; changes only by POST, then PRG."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.accounts import lines
from kefu.accounts.models import Team
from kefu.core import scope
from kefu.core.errors import DomainError, NotFound, PermissionDenied
from kefu.core.pagination import paginate
from kefu.core.redirects import safe_next
from kefu.customers.models import Tier
from kefu.tickets import complaints, routing_services, sla_selectors, sla_services
from kefu.tickets.models import Channel, Priority, TicketType
from kefu.tickets.models_sla import SlaPolicy, Stage, Strategy, UnitKind, Validity
from kefu.tickets.notify import notification_text, notifications_mark_read, notify_settings_set
from kefu.tickets.selectors import ticket_get_for

PAGE_SIZE = 50
POLICY_NUMBERS = (
    "position",
    "first_response_minutes",
    "resolution_minutes",
    "resolution_days",
    "warning_percent",
    "step_percent",
)


def _error(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    messages.error(request, f"{exc.message} {details}".strip())


def _write_line(request: HttpRequest):
    """The line a settings write goes to: the user's own; an administrator's choice."""
    return lines.line_for(request.user, request.POST.get("business_line"))


def _shown(request: HttpRequest) -> tuple:
    """The line a settings page shows and the context of its line switch (administrators)."""
    line = lines.line_shown(request.user, request.GET.get("line"))
    return line, {"line": line, "line_choices": lines.line_choices(request.user)}


def _settings_page(request: HttpRequest, name: str) -> HttpResponse:
    """Back to a settings page, on the line an administrator was working in."""
    url = reverse(name)
    chosen = request.POST.get("business_line", "")
    if lines.may_choose(request.user) and chosen.isdigit():
        url += f"?line={chosen}"
    return redirect(url)


def _choices_context() -> dict:
    return {
        "types": TicketType.choices,
        "priorities": Priority.choices,
        "tiers": Tier.choices,
        "channels": Channel.choices,
    }


# -- SLA policies --------------------------------------------------------------------------


@login_required
@require_safe
def policy_list(request: HttpRequest) -> HttpResponse:
    line, line_context = _shown(request)
    policies = list(
        sla_selectors.policies_for(request.user).filter(business_line=line)[: PAGE_SIZE * 4]
        if line
        else []
    )
    context = {
        "policies": policies,
        "defaults": _default_rows(line) if line is not None and not policies else [],
        "basis": _line_basis(line) if line is not None else "",
        "can_edit": line is not None and scope.at_least(request.user, scope.SUPERVISOR),
        **line_context,
        **_choices_context(),
    }
    return render(request, "tickets/sla/policy_list.html", context)


def _line_basis(line) -> str:
    """What the line's business time is: its working hours and the days they apply to."""
    from kefu.core.business_calendar import calendar_for
    from kefu.core.calendar import ALWAYS, DAILY

    try:
        calendar = calendar_for(line)
    except DomainError:
        return ""
    hours = ", ".join(str(w) for w in calendar.windows)
    if calendar.kind == ALWAYS:
        return _("Business time of this line: every hour of every day (24×7).")
    if calendar.kind == DAILY:
        return _("Business time of this line: %(hours)s every day, holidays included.") % {
            "hours": hours
        }
    return _(
        "Business time of this line: %(hours)s on Chinese workdays (public holidays and "
        "make-up workdays)."
    ) % {"hours": hours}


def _default_rows(line) -> list[SlaPolicy]:
    """The template's default policies the line runs on while it has none of its own, as
    unsaved policies so the page shows them like its own (time basis included)."""
    from kefu.tickets import sla

    rules = sla.line_builtin_policies(line.policy, line.industry)
    fields = {f.name for f in SlaPolicy._meta.fields}
    return [
        SlaPolicy(business_line=line, **{k: v for k, v in vars(r).items() if k in fields})
        for r in rules
    ]


def _policy_values(post) -> dict:
    values = {
        name: post.get(name, "")
        for name in ("name", "ticket_type", "priority", "customer_tier", "channel", "category")
    }
    for name in POLICY_NUMBERS:
        if name in post:
            values[name] = post.get(name, "").strip() or None
    values["business_time"] = post.get("business_time") == "on"
    values["is_active"] = post.get("is_active", "on") == "on"
    if values.get("position") is None:
        values["position"] = 0
    for name in ("warning_percent", "step_percent"):
        if values.get(name) is None:
            values.pop(name, None)
    return values


@login_required
@require_POST
def policy_save(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    try:
        if pk is None:
            sla_services.sla_policy_create(
                actor=request.user,
                business_line=_write_line(request),
                **_policy_values(request.POST),
            )
        else:
            policy = sla_selectors.policy_get_for(user=request.user, pk=pk)
            changes = _policy_values(request.POST)
            if changes.get("name", "").strip() == policy.label:
                changes.pop("name")  # a default policy keeps its code: its label translates
            sla_services.sla_policy_update(actor=request.user, policy=policy, changes=changes)
        messages.success(request, _("The SLA policy is saved."))
    except (PermissionDenied, NotFound):
        raise  # the 403 / 404 page: an agent has no business here
    except DomainError as exc:
        _error(request, exc)
    return _settings_page(request, "sla:policies")


@login_required
@require_POST
def policy_seed(request: HttpRequest) -> HttpResponse:
    try:
        created = sla_services.sla_policies_seed(
            actor=request.user, business_line=_write_line(request)
        )
        if created:
            messages.success(request, _("%(n)d default policies added.") % {"n": created})
        else:
            messages.info(request, _("The template's default policies are all loaded already."))
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        _error(request, exc)
    return _settings_page(request, "sla:policies")


# -- routing -------------------------------------------------------------------------------


@login_required
@require_safe
def routing_page(request: HttpRequest) -> HttpResponse:
    line, line_context = _shown(request)
    line_id = line.pk if line else 0
    context = {
        "rules": list(
            routing_services.rules_for(request.user).filter(business_line_id=line_id)[
                : PAGE_SIZE * 4
            ]
        ),
        "strategies": [
            row
            for row in routing_services.team_strategies_for(request.user)
            if row[0].business_line_id == line_id
        ],
        "strategy_choices": Strategy.choices,
        "teams": Team.objects.filter(
            scope.business_line_q(request.user), business_line_id=line_id, is_active=True
        ).order_by("id"),
        "can_edit": line is not None and scope.at_least(request.user, scope.SUPERVISOR),
        **line_context,
        **_choices_context(),
    }
    return render(request, "tickets/sla/routing.html", context)


@login_required
@require_POST
def rule_create(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        routing_services.routing_rule_create(
            actor=request.user,
            business_line=_write_line(request),
            name=post.get("name", ""),
            position=post.get("position") or 0,
            ticket_type=post.get("ticket_type", ""),
            channel=post.get("channel", ""),
            category=post.get("category", ""),
            keywords=post.get("keywords", ""),
            team=post.get("team", ""),
        )
        messages.success(request, _("The routing rule is saved."))
    except DomainError as exc:
        _error(request, exc)
    return _settings_page(request, "sla:routing")


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        rule = routing_services.rule_get_for(user=request.user, pk=pk)
        routing_services.routing_rule_update(
            actor=request.user, rule=rule, changes={"is_active": not rule.is_active}
        )
    except DomainError as exc:
        _error(request, exc)
    return _settings_page(request, "sla:routing")


@login_required
@require_POST
def team_strategy(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = Team.objects.filter(scope.business_line_q(request.user), pk=team_pk).first()
    if team is None:
        raise NotFound()
    try:
        routing_services.team_strategy_set(
            actor=request.user, team=team, strategy=request.POST.get("strategy", "")
        )
        messages.success(request, _("The team's assignment is saved."))
    except DomainError as exc:
        _error(request, exc)
    return _settings_page(request, "sla:routing")


# -- responsible units ---------------------------------------------------------------------


@login_required
@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    line, line_context = _shown(request)
    units = sla_selectors.units_for(request.user).filter(business_line_id=line.pk if line else 0)
    context = {
        "units": list(units[: PAGE_SIZE * 4]),
        "kinds": UnitKind.choices,
        "can_edit": line is not None and scope.at_least(request.user, scope.SUPERVISOR),
        **line_context,
    }
    return render(request, "tickets/sla/unit_list.html", context)


@login_required
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    try:
        complaints.unit_create(
            actor=request.user,
            business_line=_write_line(request),
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            contact=request.POST.get("contact", ""),
        )
        messages.success(request, _("The responsible unit is added."))
    except DomainError as exc:
        _error(request, exc)
    return _settings_page(request, "sla:units")


# -- tasks and notifications ---------------------------------------------------------------


@login_required
@require_safe
def task_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "mine")
    tab = tab if tab in ("mine", "overdue", "team") else "mine"
    qs = sla_selectors.task_list_for(
        user=request.user, mine=tab == "mine", overdue=tab == "overdue"
    )
    page = paginate(qs, ordering="due_at", cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    context = {"page": page, "tab": tab, "now": timezone.now()}
    return render(request, "tickets/sla/task_list.html", context)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = sla_selectors.task_get_for(user=request.user, pk=pk)
        complaints.task_done(actor=request.user, task=task)
        messages.success(request, _("The task is done."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(safe_next(request, request.POST.get("next"), reverse("sla:tasks")))


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(
        sla_selectors.notifications_for(request.user),
        ordering="-id",
        cursor=request.GET.get("cursor"),
        limit=PAGE_SIZE,
    )
    rows = [(note, notification_text(note)) for note in page.items]
    return render(request, "tickets/sla/notification_list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("sla:notifications")


@login_required
def notify_settings(request: HttpRequest) -> HttpResponse:
    """My notification settings: in the app always; e-mail and SMS as the user chooses."""
    status = 200
    if request.method == "POST":
        try:
            notify_settings_set(
                user=request.user,
                phone=request.POST.get("phone", "")[:40],
                email_enabled=request.POST.get("email_enabled") == "on",
                sms_enabled=request.POST.get("sms_enabled") == "on",
            )
        except DomainError as exc:
            _error(request, exc)
            status = 400
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("sla:notify_settings")
    try:
        profile = request.user.notify_profile
    except ObjectDoesNotExist:
        profile = None  # never saved: e-mail and SMS are on by default, no number yet
    context = {
        "email_enabled": profile.email_enabled if profile else True,
        "sms_enabled": profile.sms_enabled if profile else True,
        "phone": request.POST.get("phone", "")
        if status == 400
        else (profile.phone if profile else ""),
    }
    return render(request, "tickets/sla/notify_settings.html", context, status=status)


# -- the ticket page's panel ---------------------------------------------------------------


def _back(ticket_pk: int) -> HttpResponse:
    return redirect(reverse("tickets:detail", args=[ticket_pk]))


def _when(raw: str) -> dt.datetime | None:
    moment = parse_datetime(raw or "")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@login_required
@require_POST
def ticket_stage(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    post = request.POST
    try:
        complaints.complaint_advance(
            actor=request.user,
            ticket=ticket,
            stage=post.get("stage", ""),
            validity=post.get("validity", ""),
            explanation=post.get("explanation", ""),
            options=[line for line in post.get("options", "").splitlines() if line.strip()],
            agreed_option=post.get("agreed_option", ""),
            notes=post.get("notes", ""),
        )
        messages.success(request, _("The complaint moved to its next stage."))
    except DomainError as exc:
        _error(request, exc)
    return _back(ticket.pk)


@login_required
@require_POST
def ticket_promise(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    minutes = request.POST.get("minutes", "").strip()
    try:
        complaints.promise_create(
            actor=request.user,
            ticket=ticket,
            title=request.POST.get("title", ""),
            minutes=int(minutes) if minutes.isdigit() else None,
            due_at=_when(request.POST.get("due_at", "")),
        )
        messages.success(request, _("The promise is now a task with its due time."))
    except DomainError as exc:
        _error(request, exc)
    return _back(ticket.pk)


@login_required
@require_POST
def ticket_handoff(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    try:
        complaints.handoff_create(
            actor=request.user,
            ticket=ticket,
            unit=request.POST.get("unit", ""),
            due_at=_when(request.POST.get("due_at", "")),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The complaint is handed to the unit."))
    except DomainError as exc:
        _error(request, exc)
    return _back(ticket.pk)


@login_required
@require_POST
def handoff_done(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = sla_selectors.handoff_get_for(user=request.user, pk=pk)
    try:
        complaints.handoff_report_done(
            actor=request.user, handoff=handoff, report=request.POST.get("report", "")
        )
        messages.success(request, _("Recorded. A task to re-contact the customer was created."))
    except DomainError as exc:
        _error(request, exc)
    return _back(handoff.ticket_id)


STAGE_CHOICES = Stage.choices
VALIDITY_CHOICES = Validity.choices
