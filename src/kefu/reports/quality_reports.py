"""The quality app's month-end reports (issue 22 §4, issue 18) as pages, .xlsx and PDF, within
the viewer's scope: the 月处罚汇总表 (ESC-2: per responsible unit and head, 重复 / 恶性 and the
penalty, with its status and who signed), the 绩效考核通报 (the published team rankings: rank,
score, reward or penalty, improvement plan due, reassignment review; and the month's rewards and
penalties ledger) and the month-end service-quality analysis with the corrective plan (SAT-5:
CSI, satisfied rate, praise, complaints, QA score per advisor; each action with its state). The
figures are the quality and inspections apps' selectors; this module lays them out."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.reports import periods
from kefu.reports import statement as st
from kefu.reports.periodic_reports import Report, _line_name, _pct

KINDS = ("penalties", "notice", "service_quality")
MAX_ROWS = 2_000


def _month(value):
    month = st.parse_month(value)
    return month, periods.Span(month.label, month.start, month.end)


def _lines_of(user, line_id) -> list[int]:
    from kefu.accounts.models import BusinessLine

    if line_id:
        return [line_id]
    return list(
        BusinessLine.objects.filter(scope.business_line_q(user, field="pk")).values_list(
            "pk", flat=True
        )
    )


def _when(value) -> str:
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _person(user) -> str:
    return (user.display_name or user.username) if user else "—"


def _yuan(value):
    """A signed amount as a number (a text "-100" would reach Excel quoted as a formula guard)."""
    return int(value) if value == int(value) else float(value)


def penalties(user, value, line_id) -> Report:
    """月处罚汇总表: supervisors and above. A month not tabulated yet shows the figures a draft
    would hold (nothing is written), marked so."""
    from kefu.accounts.models import BusinessLine
    from kefu.quality import selectors, services
    from kefu.quality.models import PenaltySummary, SummaryStatus

    if not scope.at_least(user, scope.SUPERVISOR):
        raise NotFound()
    month, span = _month(value)
    status_rows, body = [], []
    repeat = malignant = 0
    total = 0
    for line in BusinessLine.objects.filter(pk__in=_lines_of(user, line_id)).order_by("id"):
        summary = (
            PenaltySummary.objects.filter(business_line=line, period=month.start)
            .select_related("checked_by", "signed_by")
            .first()
        )
        if summary is None:
            rows = [
                {**r, "applied": True}
                for r in selectors.penalty_rows(line, month.start, services.policy_for(line))
            ]
            state = _("Not tabulated yet (the figures a draft would hold)")
        else:
            rows = [
                {
                    "unit": r.unit,
                    "head": r.head,
                    "repeat": r.repeat,
                    "malignant": r.malignant,
                    "amount_yuan": r.amount_yuan,
                    "applied": r.applied,
                }
                for r in summary.rows.all()
            ]
            state = SummaryStatus(summary.status).label
            if summary.stability_period:
                state = f"{state} · {_('special stability period: tabulated, not applied')}"
        checker = summary.checked_by if summary else None
        signer = summary.signed_by if summary else None
        status_rows.append(
            [
                line.name,
                str(state),
                _person(checker),
                _when(summary.checked_at if summary else None),
                _person(signer),
                _when(summary.signed_at if summary else None),
                _when(summary.published_at if summary else None),
                _when(summary.sent_at if summary else None),
            ]
        )
        for r in rows:
            repeat += r["repeat"]
            malignant += r["malignant"]
            total += r["amount_yuan"] if r["applied"] else 0
            body.append(
                [
                    r["unit"],
                    r["head"],
                    r["repeat"],
                    r["malignant"],
                    f"{r['amount_yuan']:.2f}",
                    _("Yes") if r["applied"] else _("No (stability period)"),
                ]
            )
    if body:
        body.append([_("Total"), "", repeat, malignant, f"{total:.2f}", ""])
    title = _("Monthly penalty summary %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    data = {"period": month.label, "business_line": line_id, "total_yuan": float(total)}
    return Report(
        "penalties",
        span,
        title,
        data,
        [
            (
                _("Status"),
                [
                    _("Business line"),
                    _("Status"),
                    _("Checked by"),
                    _("Checked at"),
                    _("Signed by"),
                    _("Signed at"),
                    _("Published"),
                    _("Copied to finance"),
                ],
                status_rows,
            ),
            (
                _("Per responsible unit"),
                [
                    _("Responsible unit"),
                    _("Head"),
                    _("Repeat complaints"),
                    _("Malignant complaints"),
                    _("Penalty (yuan)"),
                    _("Applied"),
                ],
                body,
            ),
        ],
    )


def notice(user, value, line_id) -> Report:
    """绩效考核通报: the month's published team rankings in scope (an agent: their own team's),
    then the rewards-and-penalties ledger (an agent: their own rows)."""
    from kefu.quality import selectors
    from kefu.quality.models import RankingEntry, RankingRun

    month, span = _month(value)
    runs = selectors.rankings_for(user=user, period=month.start).filter(
        status=RankingRun.Status.PUBLISHED
    )
    ledger = selectors.ledger_for(user=user, period=month.start)
    if line_id:
        runs, ledger = (
            runs.filter(business_line_id=line_id),
            ledger.filter(business_line_id=line_id),
        )
    entries = (
        RankingEntry.objects.filter(run__in=runs)
        .select_related("run__team", "user")
        .order_by("run__team__name", "rank", "user__username")[:MAX_ROWS]
    )
    ranking = [
        [
            e.run.team.name,
            e.run.notice_date.isoformat() if e.run.notice_date else "—",
            e.rank,
            e.user.display_name or e.user.username,
            f"{e.score:.2f}",
            _yuan(e.reward_yuan),
            e.plan_due.isoformat() if e.plan_due else "—",
            _("Yes") if e.reassignment_review else "—",
        ]
        for e in entries
    ]
    money = [
        [
            e.team.name,
            e.user.display_name or e.user.username,
            str(e.get_reason_display()),
            _yuan(e.amount_yuan),
            e.note,
        ]
        for e in ledger.order_by("team__name", "user__username", "id")[:MAX_ROWS]
    ]
    title = _("Performance appraisal notice %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    return Report(
        "notice",
        span,
        title,
        {"period": month.label, "business_line": line_id},
        [
            (
                _("Team rankings"),
                [
                    _("Team"),
                    _("Notice published on"),
                    _("Rank"),
                    _("Person"),
                    _("Score"),
                    _("Reward or penalty (yuan)"),
                    _("Improvement plan due"),
                    _("Reassignment review"),
                ],
                ranking,
            ),
            (
                _("Rewards and penalties ledger"),
                [_("Team"), _("Person"), _("Reason"), _("Amount (yuan)"), _("Note")],
                money,
            ),
        ],
    )


def service_quality(user, value, line_id) -> Report:
    """The month-end service-quality analysis per advisor in scope (SAT-5) and the leads'
    corrective plan: each action with its analysis, due day and state."""
    from kefu.inspections import selectors as qa

    month, span = _month(value)
    people = qa.month_quality(user, month.start)
    actions = qa.actions_for(user, month.start)
    if line_id:
        people = [p for p in people if p["agent"].business_line_id == line_id]
        actions = actions.filter(business_line_id=line_id)
    figures = [
        [
            p["team"],
            p["agent"].display_name or p["agent"].username,
            _pct(p["csi"]),
            _pct(p["satisfied"]),
            p["praise"],
            p["complaints"],
            "—" if p["qa_score"] is None else f"{p['qa_score']}",
            p["qa_reviews"],
            f"{p['actions_done']} / {p['actions_open'] + p['actions_done']}",
        ]
        for p in people
    ]
    plan = [
        [
            a.agent.display_name or a.agent.username,
            a.analysis,
            a.action,
            a.due_on.isoformat(),
            str(a.get_status_display()),
            _when(a.done_at),
        ]
        for a in actions[:MAX_ROWS]
    ]
    title = _("Month-end service quality %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    return Report(
        "service_quality",
        span,
        title,
        {"period": month.label, "business_line": line_id},
        [
            (
                _("Service quality per advisor"),
                [
                    _("Team"),
                    _("Advisor"),
                    _("CSI"),
                    _("Satisfied rate"),
                    _("Praise"),
                    _("Complaints"),
                    _("QA score"),
                    _("QA reviews"),
                    _("Corrective actions done"),
                ],
                figures,
            ),
            (
                _("Analysis and corrective plan"),
                [
                    _("Advisor"),
                    _("Analysis"),
                    _("Action"),
                    pgettext("corrective action", "Due on"),
                    _("State"),
                    _("Done at"),
                ],
                plan,
            ),
        ],
    )


def build(user, kind: str, value, *, business_line=None) -> Report:
    line_id = st.line_for(user, business_line)
    return {"penalties": penalties, "notice": notice, "service_quality": service_quality}[kind](
        user, value, line_id
    )
