"""Every read of the surveys app, scoped through core.scope: questionnaires by business line,
invitations and results by team (agents: their own and their team's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, Department, Team, User
from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, NotFound
from kefu.surveys import metrics, periods, tokens
from kefu.surveys.models import (
    Campaign,
    Questionnaire,
    QuestionnaireStatus,
    SurveyAnswer,
    SurveyInvitation,
    SurveyTarget,
)

MAX_ID = 2**63 - 1
GROUPS = {
    "agent": "agent_id",
    "team": "team_id",
    "department": "department_id",
    "business_line": "business_line_id",
}


class Gone(DomainError):
    """An expired survey link (410)."""

    status = 410
    code = "expired"


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 1 <= pk <= MAX_ID:
        raise NotFound()
    return pk


# -- questionnaires ------------------------------------------------------------------------


def questionnaire_qs_for(user) -> QuerySet[Questionnaire]:
    """Questionnaires of the user's business line (all for admins)."""
    return Questionnaire.objects.filter(scope.business_line_q(user))


def questionnaire_get_for(*, user, pk) -> Questionnaire:
    questionnaire = (
        questionnaire_qs_for(user)
        .select_related("business_line")
        .prefetch_related("questions")
        .filter(pk=_pk(pk))
        .first()
    )
    if questionnaire is None:
        raise NotFound()
    return questionnaire


def active_questionnaires(*, business_line_id: int) -> list[Questionnaire]:
    return list(
        Questionnaire.objects.filter(
            business_line_id=business_line_id, status=QuestionnaireStatus.ACTIVE
        )
        .prefetch_related("questions")
        .order_by("-after_close", "name")
    )


def business_line_for(*, user, pk=None) -> BusinessLine:
    """The business line ``pk`` (default: the user's own) when it is in the user's scope."""
    pk = _pk(pk) if pk not in (None, "") else user.business_line_id
    line = BusinessLine.objects.filter(scope.business_line_q(user, "pk"), pk=pk).first()
    if line is None:
        raise NotFound()
    return line


def campaigns_for(user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(scope.business_line_q(user)).select_related("questionnaire")


def can_edit(user) -> bool:
    return scope.at_least(user, scope.LEAD)


# -- invitations ---------------------------------------------------------------------------


def invitation_qs_for(user) -> QuerySet[SurveyInvitation]:
    """Invitations of the user's scope: agents their team's and the ones naming them."""
    return SurveyInvitation.objects.filter(scope.records_q(user, owners=("agent_id",)))


def invitation_list_for(*, user, status: str = "") -> QuerySet[SurveyInvitation]:
    qs = invitation_qs_for(user).select_related(
        "customer", "questionnaire", "ticket", "agent", "team"
    )
    now = timezone.now()
    if status == "answered":
        qs = qs.filter(answered_at__isnull=False)
    elif status == "waiting":
        qs = qs.filter(answered_at__isnull=True, expires_at__gt=now)
    elif status == "expired":
        qs = qs.filter(answered_at__isnull=True, expires_at__lte=now)
    elif status:
        raise Invalid(
            _("Some filters are not valid."),
            fields={"status": _("Choose from %(c)s.") % {"c": "answered, waiting, expired"}},
        )
    return qs


def invitation_for_token(token: str) -> SurveyInvitation:
    """The invitation of a survey link. A forged, altered or unknown token is NotFound (404);
    a link older than its validity, or past the invitation's expiry, is Gone (410)."""
    try:
        pk = tokens.token_invitation_id(token)
    except signing.BadSignature:
        raise NotFound(_("This survey link is not valid.")) from None
    invitation = (
        SurveyInvitation.objects.select_related("questionnaire", "business_line", "customer")
        .filter(pk=pk)
        .exclude(source="callback")
        .first()
    )
    if invitation is None:
        raise NotFound(_("This survey link is not valid."))
    lifetime = invitation.expires_at - invitation.created_at
    expired = timezone.now() >= invitation.expires_at or not tokens.token_fresh(
        token, max_age=lifetime
    )
    if expired and invitation.answered_at is None:
        raise Gone(_("This survey link has expired. Thank you for your interest."))
    return invitation


def callback_for_survey(*, user, pk):
    from kefu.followups.selectors import callback_get_for

    return callback_get_for(user=user, pk=pk)


def callback_response(*, callback_id: int) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.filter(callback_id=callback_id, source="callback")
        .select_related("questionnaire", "response")
        .first()
    )


# -- results -------------------------------------------------------------------------------


@dataclass
class ResultRow:
    key: int | None
    label: str
    business_line_id: int | None
    metrics: metrics.Metrics
    target: Decimal | None = None
    satisfied_target: Decimal | None = None
    met: bool | None = None
    satisfied_met: bool | None = None
    # every target of the row's line, each against the figure it reads (§9.12)
    checks: list[metrics.TargetCheck] = field(default_factory=list)
    all_met: bool | None = None


@dataclass
class Results:
    period: periods.Period
    group: str
    total: metrics.Metrics
    rows: list[ResultRow] = field(default_factory=list)
    target: Decimal | None = None
    satisfied_target: Decimal | None = None
    met: bool | None = None
    satisfied_met: bool | None = None
    dimensions: list[str] = field(default_factory=list)
    nps_target: Decimal | None = None
    nps_met: bool | None = None
    checks: list[metrics.TargetCheck] = field(default_factory=list)


def parse_results_period(params) -> periods.Period:
    """``period`` (2026-11, 2026-Q4, 2026) or ``start``/``end`` dates; default this month."""
    start, end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if start or end:
        try:
            first, last = parse_date(start), parse_date(end)
        except ValueError:
            first = last = None
        if first is None or last is None or last < first:
            raise Invalid(
                _("Enter a start and an end date such as 2026-11-01 and 2026-11-30."),
                fields={"start": _("Not a valid range.")},
            )
        return periods.custom_range(first, last)
    text = (params.get("period") or "").strip() or periods.month_label(timezone.localdate())
    try:
        return periods.parse_period(text)
    except ValueError:
        raise Invalid(
            _("Enter a period such as 2026-11, 2026-Q4 or 2026."),
            fields={"period": _("Not a valid period.")},
        ) from None


def targets_for(line_ids: set[int]) -> dict[int, dict[str, Decimal | None]]:
    """{line id: {"csi", "satisfied", "nps"}}: the line's own targets or its industry defaults."""
    if not line_ids:
        return {}
    stored = {
        t.business_line_id: t for t in SurveyTarget.objects.filter(business_line_id__in=line_ids)
    }
    out = {}
    for line_id, industry in BusinessLine.objects.filter(pk__in=line_ids).values_list(
        "pk", "industry"
    ):
        if line_id in stored:
            t = stored[line_id]
            out[line_id] = {"csi": t.csi, "satisfied": t.satisfied, "nps": t.nps}
        else:
            out[line_id] = metrics.default_targets(industry)
    return out


def _labels(group: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    if group == "agent":
        return {
            u.pk: u.name
            for u in User.objects.filter(pk__in=ids).only(
                "username", "display_name", "first_name", "last_name"
            )
        }
    model = {"team": Team, "department": Department, "business_line": BusinessLine}[group]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def _stats(qs, extra: tuple[str, ...]) -> list[dict]:
    ten = metrics.SCALE_MAX["scale10"]
    return list(
        qs.values(*extra, "question_id", "dimension", "max_score")
        .annotate(
            count=Count("id"),
            total=Sum("score"),
            top_two=Count("id", filter=Q(score__gte=F("max_score") - 1)),
            promoters=Count("id", filter=Q(max_score=ten, score__gte=9)),
            detractors=Count("id", filter=Q(max_score=ten, score__lte=6)),
        )
        .order_by()
    )


def question_stats(qs, extra: tuple[str, ...] = ()) -> list[dict]:
    """The per-question sums of the scored answers in ``qs`` (per ``extra`` columns) that
    CSI, the satisfied rate and NPS are computed from: sums, so periods add up."""
    return _stats(qs, extra)


def question_stat(row: dict) -> metrics.QuestionStat:
    return _stat(row)


def _stat(row: dict) -> metrics.QuestionStat:
    return metrics.QuestionStat(
        question_id=row["question_id"],
        dimension=row["dimension"],
        max_score=row["max_score"],
        count=row["count"],
        total=row["total"] or 0,
        top_two=row["top_two"],
        promoters=row["promoters"],
        detractors=row["detractors"],
    )


def _line_in_scope(user, business_line) -> int | None:
    if business_line in (None, ""):
        return None
    pk = _pk(business_line)
    if not scope.is_admin(user) and user.business_line_id != pk:
        raise NotFound()
    return pk


def results_for(
    *,
    user,
    period: periods.Period,
    group: str = "team",
    business_line=None,
    questionnaire=None,
) -> Results:
    """CSI, satisfied rate and NPS of the answers in ``period`` within ``user``'s scope, overall
    and per ``group`` (agent, team, department, business_line), each against its line's target.

    Two GROUP BY queries over the answers plus one for the labels and two for the targets."""
    if group not in GROUPS:
        raise Invalid(
            _("Some filters are not valid."),
            fields={"group": _("Choose from %(c)s.") % {"c": ", ".join(GROUPS)}},
        )
    line_id = _line_in_scope(user, business_line)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end, dt.time.min, tzinfo=tz)
    qs = SurveyAnswer.objects.filter(
        scope.records_q(user, owners=("agent_id",)),
        max_score__isnull=False,
        score__isnull=False,
        answered_at__gte=start,
        answered_at__lt=end,
    )
    if line_id:
        qs = qs.filter(business_line_id=line_id)
    if questionnaire not in (None, ""):
        q = questionnaire_get_for(user=user, pk=questionnaire)
        qs = qs.filter(questionnaire_id=q.pk)
    key = GROUPS[group]
    grouped: dict[tuple, list[metrics.QuestionStat]] = {}
    lines: set[int] = set()
    for row in _stats(qs, (key, "business_line_id")):
        grouped.setdefault((row[key], row["business_line_id"]), []).append(_stat(row))
        lines.add(row["business_line_id"])
    total = metrics.compute(_stat(r) for r in _stats(qs, ()))
    labels = _labels(group, {k for k, _line in grouped if k is not None})
    if line_id:
        lines.add(line_id)
    elif user.business_line_id:
        lines.add(user.business_line_id)
    targets = targets_for(lines)
    rows = []
    for (k, row_line), stats in grouped.items():
        m = metrics.compute(stats)
        t = targets.get(row_line, {})
        checks = metrics.target_checks(m, t)
        rows.append(
            ResultRow(
                key=k,
                label=labels.get(k, _("(none)")) if k is not None else _("(none)"),
                business_line_id=row_line,
                metrics=m,
                target=t.get("csi"),
                satisfied_target=t.get("satisfied"),
                met=metrics.target_met(m.csi, t.get("csi")),
                satisfied_met=metrics.target_met(m.satisfied, t.get("satisfied")),
                checks=checks,
                all_met=metrics.all_met(checks),
            )
        )
    rows.sort(key=lambda r: (r.metrics.csi is None, -(r.metrics.csi or 0), r.label))
    overall_line = (
        line_id or user.business_line_id or (next(iter(lines)) if len(lines) == 1 else None)
    )
    overall = targets.get(overall_line, {}) if overall_line else {}
    return Results(
        period=period,
        group=group,
        total=total,
        rows=rows,
        target=overall.get("csi"),
        satisfied_target=overall.get("satisfied"),
        met=metrics.target_met(total.csi, overall.get("csi")),
        satisfied_met=metrics.target_met(total.satisfied, overall.get("satisfied")),
        dimensions=sorted(total.dimensions),
        nps_target=overall.get("nps"),
        nps_met=metrics.target_met(total.nps, overall.get("nps")),
        checks=metrics.target_checks(total, overall),
    )
