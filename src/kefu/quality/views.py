"""Pages of the quality app: scorecards (record, sign, correct), the team rankings with the
rewards-and-penalties ledger, the 月处罚汇总表 and the KPI schemes with the indicator library and
the competency model. Views parse, call a selector or service, and render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, NotFound
from kefu.quality import competency, exports, months, selectors, services, views_kpi
from kefu.quality.models import CardStatus, LedgerReason, PenaltySummary, RankingRun, SummaryStatus
from kefu.quality.services import STORE_TEMPLATE


def _period(request):
    return months.parse_month(request.GET.get("period") or request.POST.get("period") or "") or (
        months.month_of(timezone.localdate())
    )


def _back(name: str, period) -> str:
    return f"{reverse(name)}?period={months.label(period)}"


def _fail(request, exc: DomainError) -> None:
    if exc.status in (403, 404):
        raise exc
    details = "; ".join(str(v) for v in exc.fields.values() if str(v) != str(exc.message))
    messages.error(request, f"{exc.message} {details}".strip())


def _months_around(period) -> dict:
    return {
        "period": period,
        "period_label": months.label(period),
        "previous": months.label(months.previous_month(period)),
        "next": months.label(months.next_month(period)),
    }


@login_required
def index(request):
    return redirect("quality:scorecards")


@login_required
def scorecards(request):
    period = _period(request)
    cards = list(
        selectors.scorecards_for(user=request.user, period=period).order_by(
            "team_id", "score", "id"
        )[:500]
    )
    people = list(selectors.people_for(user=request.user).select_related("team")[:500])
    scores = [c.score for c in cards]
    context = {
        **_months_around(period),
        "cards": cards,
        "people": people,
        "rules": list(selectors.rules_for(user=request.user)),
        "may_record": bool(people),
        "figures": {
            "people": len(cards),
            "average": (sum(scores) / len(scores)) if scores else None,
            "deducted": sum(c.deducted for c in cards),
            "signed": sum(1 for c in cards if c.status == CardStatus.SIGNED),
        },
    }
    return render(request, "quality/scorecards.html", context)


@login_required
@require_POST
def deduct(request):
    period = _period(request)
    person = (
        selectors.people_for(user=request.user).filter(pk=request.POST.get("user") or 0).first()
    )
    rule = selectors.rules_for(user=request.user).filter(pk=request.POST.get("rule") or 0).first()
    if person is None or rule is None:
        messages.error(request, _("Choose the person and the rule."))
        return redirect(_back("quality:scorecards", period))
    when = None
    day = request.POST.get("day") or ""
    if day:
        try:
            when = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12)))
        except ValueError:
            messages.error(request, _("Enter a valid date."))
            return redirect(_back("quality:scorecards", period))
    try:
        event = services.deduct(
            actor=request.user,
            person=person,
            rule=rule,
            quantity=request.POST.get("quantity") or 1,
            reason=request.POST.get("reason", ""),
            occurred_at=when,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect(_back("quality:scorecards", period))
    messages.success(
        request,
        _("%(points)s points deducted from %(name)s.")
        % {"points": f"{event.points:g}", "name": person.display_name or person.username},
    )
    return redirect("quality:scorecard", pk=event.scorecard_id)


@login_required
def scorecard(request, pk: int):
    card = selectors.scorecard_get_for(user=request.user, pk=pk)
    context = {
        "card": card,
        "events": list(selectors.card_events(card)),
        "period_label": months.label(card.period),
        "may_sign": services.may_record(request.user, card.user)
        and card.status != CardStatus.SIGNED
        and (card.status == CardStatus.OPEN or scope.at_least(request.user, scope.SUPERVISOR)),
        "may_adjust": services.may_record(request.user, card.user)
        and (card.status != CardStatus.SIGNED or scope.at_least(request.user, scope.SUPERVISOR)),
    }
    return render(request, "quality/scorecard.html", context)


@login_required
@require_POST
def scorecard_sign(request, pk: int):
    card = selectors.scorecard_get_for(user=request.user, pk=pk)
    try:
        services.card_sign(actor=request.user, card=card, version=_int(request.POST.get("version")))
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The scorecard is signed."))
    return redirect("quality:scorecard", pk=pk)


@login_required
@require_POST
def scorecard_adjust(request, pk: int):
    card = selectors.scorecard_get_for(user=request.user, pk=pk)
    try:
        services.adjust(
            actor=request.user,
            card=card,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The correction is recorded."))
    return redirect("quality:scorecard", pk=pk)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
def rankings(request):
    period = _period(request)
    runs = list(
        selectors.rankings_for(user=request.user, period=period).prefetch_related("entries__user")
    )
    ranked = {r.team_id for r in runs}
    may_rank = scope.at_least(request.user, scope.SUPERVISOR)
    ledger = list(selectors.ledger_for(user=request.user, period=period)[:500])
    context = {
        **_months_around(period),
        "runs": runs,
        "may_rank": may_rank,
        "unranked": [t for t in selectors.teams_for(user=request.user) if t.pk not in ranked]
        if may_rank
        else [],
        "ledger": ledger,
        "ledger_total": sum(e.amount_yuan for e in ledger),
        "reasons": LedgerReason.choices,
        "today": timezone.localdate(),
    }
    return render(request, "quality/rankings.html", context)


@login_required
@require_POST
def rank(request):
    period = _period(request)
    team = selectors.teams_for(user=request.user).filter(pk=request.POST.get("team") or 0).first()
    if team is None:
        raise NotFound()
    try:
        services.rank_team(actor=request.user, team=team, period=period)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The ranking is drawn up. Publish it with the notice."))
    return redirect(_back("quality:rankings", period))


@login_required
@require_POST
def rank_publish(request, pk: int):
    run = (
        RankingRun.objects.filter(scope.records_q(request.user), pk=pk)
        .select_related("team")
        .first()
    )
    if run is None:
        raise NotFound()
    try:
        notice = dt.date.fromisoformat(request.POST.get("notice_date") or "")
    except ValueError:
        messages.error(request, _("Enter the day the notice is published."))
        return redirect(_back("quality:rankings", run.period))
    try:
        services.rank_publish(
            actor=request.user,
            run=run,
            notice_date=notice,
            version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, _("The ranking is published; rewards and penalties are in the ledger.")
        )
    return redirect(_back("quality:rankings", run.period))


@login_required
def ledger_export(request):
    period = _period(request)
    if not scope.at_least(request.user, scope.SUPERVISOR):
        raise NotFound()
    entries = selectors.ledger_for(user=request.user, period=period)[:100000]
    body = exports.ledger_xlsx(entries, period)
    name = _("rewards-and-penalties-%(month)s.xlsx") % {"month": months.label(period)}
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def penalties(request):
    if not scope.at_least(request.user, scope.SUPERVISOR):
        raise NotFound()
    period = _period(request)
    summary = selectors.summary_for(user=request.user, period=period)
    preview = None
    if summary is None and request.user.business_line_id:
        preview = selectors.penalty_rows(
            request.user.business_line, period, services.policy_for(request.user.business_line)
        )
    rows = list(summary.rows.all()) if summary else []
    next_step = {
        SummaryStatus.DRAFT: (SummaryStatus.CHECKED, _("Check (supervisor)")),
        SummaryStatus.CHECKED: (SummaryStatus.SIGNED, _("Sign (company leadership)")),
        SummaryStatus.SIGNED: (SummaryStatus.PUBLISHED, _("Publish")),
        SummaryStatus.PUBLISHED: (SummaryStatus.SENT, _("Copy to finance")),
    }.get(summary.status if summary else None)
    may_step = bool(next_step) and services.may_take_step(request.user, summary, next_step[0])
    # the one who checked it does not sign it too: the signature waits for another manager
    if (
        next_step
        and next_step[0] == SummaryStatus.SIGNED
        and summary.checked_by_id == request.user.pk
    ):
        may_step = False
    context = {
        **_months_around(period),
        "summary": summary,
        "rows": rows,
        "preview": preview,
        "total": sum((r.amount_yuan for r in rows if r.applied), 0),
        "repeat_total": sum(r.repeat for r in rows),
        "malignant_total": sum(r.malignant for r in rows),
        "may_build": summary is None or summary.status == SummaryStatus.DRAFT,
        "next_step": next_step if may_step else None,
        # a supervisor tabulates, checks and exports; the signature and what follows wait for
        # company leadership (ESC-2)
        "awaits_leadership": next_step[1] if next_step and not may_step else None,
        "policy": services.policy_for(request.user.business_line)
        if request.user.business_line_id
        else None,
    }
    return render(request, "quality/penalties.html", context)


@login_required
@require_POST
def penalties_build(request):
    period = _period(request)
    if request.user.business_line_id is None:
        raise NotFound()
    try:
        services.summary_build(
            actor=request.user,
            business_line=request.user.business_line,
            period=period,
            stability_period=request.POST.get("stability_period") == "on",
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The month's penalties are tabulated."))
    return redirect(_back("quality:penalties", period))


def _summary(request, pk: int) -> PenaltySummary:
    summary = (
        PenaltySummary.objects.filter(scope.business_line_q(request.user), pk=pk)
        .select_related("business_line")
        .first()
    )
    if summary is None or not scope.at_least(request.user, scope.SUPERVISOR):
        raise NotFound()
    return summary


@login_required
@require_POST
def penalties_advance(request, pk: int):
    summary = _summary(request, pk)
    try:
        services.summary_advance(
            actor=request.user,
            summary=summary,
            to=request.POST.get("to", ""),
            version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The summary moved on."))
    return redirect(_back("quality:penalties", summary.period))


@login_required
def penalties_export(request, pk: int):
    summary = _summary(request, pk)
    body = exports.summary_xlsx(selectors.summary_json(summary, summary.period))
    services.summary_exported(actor=request.user, summary=summary)
    name = _("penalty-summary-%(month)s.xlsx") % {"month": months.label(summary.period)}
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def kpi(request):
    ratings = request.GET.get("ratings", "")
    score = None
    if ratings:
        try:
            score = competency.score([int(x) for x in ratings.split(",")])
        except ValueError:
            messages.error(request, _("Enter eleven ratings from 1 to 5, separated by commas."))
    context = {
        "schemes": list(selectors.schemes_for(user=request.user).filter(is_current=True)[:50]),
        "library": views_kpi.library_rows(),
        "may_create": scope.at_least(request.user, scope.SUPERVISOR)
        and request.user.business_line_id is not None,
        "template": STORE_TEMPLATE,
        "model": competency.CE1,
        "top": {i.code for i in competency.top()},
        "ratings": ratings,
        "score": score,
    }
    return render(request, "quality/kpi.html", context)
