"""The monthly statement of a business line (RPT-1, RPT-3): complaints by type, channel and
grade; per responsible unit complaints ÷ base ranked lowest first (RNK-4, §9.10); repeat and
malignant complaints; callbacks and 回访率; CSI and satisfied rate; first-response and
resolution SLA met.

Every figure is a database aggregate within the viewer's scope, and ``drill`` returns exactly
the rows a figure counts (one definition per figure: the figure is the drill-down's count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.errors import Invalid, NotFound
from kefu.reports import ranking
from kefu.reports.models import MonthlyStatement, UnitBase
from kefu.reports.selectors import scoped_tickets
from kefu.tickets.models import Channel, Ticket, TicketType

MAX_LIST = 200  # rows of the repeat and malignant lists on the statement (the drill-down has all)
NO_CATEGORY = "none"


@dataclass(frozen=True)
class Month:
    label: str
    start: dt.date
    end: dt.date  # the first day of the next month

    def previous(self) -> Month:
        return month_of(self.start - dt.timedelta(days=1))

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.end, dt.time(), tzinfo=tz),
        )


def month_of(day: dt.date) -> Month:
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return Month(first.strftime("%Y-%m"), first, nxt)


def parse_month(text) -> Month:
    """``YYYY-MM`` → Month; Invalid (a 4xx, exit code 2) for anything else."""
    text = (text or "").strip() if isinstance(text, str) else ""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(text)
        day = dt.date(int(year), int(month), 1)
        if not 2000 <= day.year <= 2999:  # 9999-12 would overflow the next month
            raise ValueError(text)
    except ValueError:
        raise Invalid(
            _("Enter a month such as 2026-11."), fields={"period": _("Not a valid month.")}
        ) from None
    return month_of(day)


class SystemViewer:
    """The scope of the command line and scheduled jobs: everything (like an administrator)."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    role = scope.ADMIN
    business_line_id = None
    department_id = None
    team_id = None


def line_for(user, business_line) -> int | None:
    """The statement's business line: the one asked for (in the viewer's scope, else not found),
    else the viewer's own line, else None (every line the viewer sees)."""
    from kefu.accounts.models import BusinessLine

    if business_line in (None, ""):
        return user.business_line_id if not scope.is_admin(user) else None
    try:
        pk = int(business_line)
    except (TypeError, ValueError):
        raise Invalid(
            _("Choose a business line."), fields={"business_line": _("Not valid.")}
        ) from None
    if not scope.is_admin(user) and user.business_line_id != pk:
        raise NotFound()
    if not BusinessLine.objects.filter(pk=pk).exists():
        raise NotFound()
    return pk


# -- the rows each figure counts ------------------------------------------------------------


def _tickets(user, line_id, month: Month) -> QuerySet[Ticket]:
    start, end = month.bounds
    qs = scoped_tickets(user).filter(created_at__gte=start, created_at__lt=end)
    return qs.filter(business_line_id=line_id) if line_id else qs


def complaints_qs(user, line_id, month: Month) -> QuerySet[Ticket]:
    return _tickets(user, line_id, month).filter(type=TicketType.COMPLAINT)


def _breach(clock: str):
    from kefu.tickets.models_sla import Level, SlaEvent

    return Exists(
        SlaEvent.objects.filter(ticket_id=OuterRef("pk"), clock=clock, level__gte=Level.BREACH)
    )


def _clocked(user, line_id, month: Month, clock: str) -> QuerySet[Ticket]:
    """Tickets of the month whose ``clock`` has stopped (answered, resolved)."""
    return _tickets(user, line_id, month).filter(
        sla_clocks__kind=clock, sla_clocks__stopped_at__isnull=False
    )


CLOCK_FIGURES = ("first_response", "resolution")


def clocks_counts(user, line_id, month: Month) -> dict[str, dict[str, int]]:
    """``total`` and ``met`` of every clock figure (first_response, resolution): the counts of
    ``drill(figure)`` and ``drill(figure + "_met")``, in one pass over the month's stopped
    clocks (one join of the tickets with their clocks, not one per clock)."""
    from kefu.tickets.models_sla import Clock

    kinds = {"first_response": Clock.FIRST_RESPONSE, "resolution": Clock.RESOLUTION}
    counts = {}
    for figure, kind in kinds.items():
        counts[figure] = Count("pk", filter=Q(sla_clocks__kind=kind))
        counts[f"{figure}_met"] = Count("pk", filter=Q(sla_clocks__kind=kind) & ~_breach(kind))
    row = (
        _tickets(user, line_id, month)
        .filter(sla_clocks__kind__in=list(kinds.values()), sla_clocks__stopped_at__isnull=False)
        .aggregate(**counts)
    )
    return {f: {"total": row[f], "met": row[f"{f}_met"]} for f in CLOCK_FIGURES}


def callbacks_qs(user, line_id, month: Month):
    """First callbacks due in the month, open or done (the followups rates page's rule, §9.12)."""
    from kefu.followups.models import TaskStatus
    from kefu.followups.selectors import callback_qs_for

    qs = callback_qs_for(user).filter(
        attempt=1,
        due_on__gte=month.start,
        due_on__lt=month.end,
        status__in=(TaskStatus.OPEN, TaskStatus.DONE),
    )
    return qs.filter(business_line_id=line_id) if line_id else qs


def answers_qs(user, line_id, month: Month):
    """The scored survey answers of the month that CSI is computed from (surveys.selectors)."""
    from kefu.surveys.models import SurveyAnswer

    start, end = month.bounds
    qs = SurveyAnswer.objects.filter(
        scope.records_q(user, owners=("agent_id",)),
        max_score__isnull=False,
        score__isnull=False,
        answered_at__gte=start,
        answered_at__lt=end,
    )
    return qs.filter(business_line_id=line_id) if line_id else qs


FIGURES = (
    "complaints",
    "type",
    "channel",
    "grade",
    "unit",
    "repeat",
    "malicious",
    "callbacks_due",
    "callbacks_completed",
    "csi",
    "first_response",
    "first_response_met",
    "resolution",
    "resolution_met",
)


def drill(user, line_id, month: Month, figure: str, key: str = "") -> QuerySet:
    """Exactly the rows ``figure`` (with ``key`` for the per-type, channel, grade and unit
    figures) counts: tickets, callbacks (callbacks_*) or survey answers (csi)."""
    from kefu.followups.models import Grade
    from kefu.tickets.models_sla import Clock

    complaints = complaints_qs(user, line_id, month)
    if figure == "complaints":
        return complaints
    if figure == "type":
        if key == NO_CATEGORY:
            return complaints.filter(category__isnull=True)
        return complaints.filter(category_id=_int(key))
    if figure == "channel":
        return complaints.filter(channel=key)
    if figure == "grade":
        if key == Grade.ORDINARY:
            return complaints.exclude(complaint_grade__grade__in=(Grade.REPEAT, Grade.MALIGNANT))
        return complaints.filter(complaint_grade__grade=key)
    if figure == "repeat":
        return complaints.filter(complaint_grade__grade=Grade.REPEAT)
    if figure == "malicious":
        return complaints.filter(complaint_grade__grade=Grade.MALIGNANT)
    if figure == "unit":
        return complaints.filter(pk__in=_handed_to(_int(key)))
    if figure == "callbacks_due":
        return callbacks_qs(user, line_id, month)
    if figure == "callbacks_completed":
        return callbacks_qs(user, line_id, month).filter(reached_at__isnull=False)
    if figure == "csi":
        return answers_qs(user, line_id, month)
    clocks = {"first_response": Clock.FIRST_RESPONSE, "resolution": Clock.RESOLUTION}
    if figure in clocks:
        return _clocked(user, line_id, month, clocks[figure])
    if figure.endswith("_met") and figure[:-4] in clocks:
        clock = clocks[figure[:-4]]
        return _clocked(user, line_id, month, clock).exclude(_breach(clock))
    raise Invalid(_("Choose a figure of the statement."), fields={"figure": _("Not valid.")})


def _handed_to(unit_id: int):
    from kefu.tickets.models_sla import Handoff

    return Handoff.objects.filter(unit_id=unit_id).values("ticket_id")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid(
            _("Choose a row of the statement."), fields={"key": _("Not valid.")}
        ) from None


# -- the statement --------------------------------------------------------------------------


def _pct(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float(ranking.as_pct(ranking.Fraction(part, whole)))


def _units(user, line_id):
    from kefu.tickets.models_sla import ResponsibleUnit

    qs = ResponsibleUnit.objects.filter(scope.business_line_q(user))
    if line_id:
        qs = qs.filter(business_line_id=line_id)
    return qs


def _unit_counts(user, line_id, month: Month) -> dict[int, int]:
    from kefu.tickets.models_sla import Handoff

    complaints = complaints_qs(user, line_id, month)
    return dict(
        Handoff.objects.filter(ticket__in=complaints.values("pk"))
        .values("unit_id")
        .annotate(n=Count("ticket_id", distinct=True))
        .order_by()
        .values_list("unit_id", "n")
    )


def _bases(unit_ids, month: Month) -> dict[int, int]:
    return dict(
        UnitBase.objects.filter(unit_id__in=unit_ids, month=month.start).values_list(
            "unit_id", "base"
        )
    )


def unit_ranking(user, line_id, month: Month) -> list[ranking.UnitRow]:
    """Every responsible unit of the line: complaints, base, ratio and rank, with last month's
    ratio for the change. Five queries."""
    counts, last_counts = (
        _unit_counts(user, line_id, month),
        _unit_counts(user, line_id, month.previous()),
    )
    units = dict(
        _units(user, line_id)
        .filter(Q(is_active=True) | Q(pk__in=list(counts)))
        .values_list("pk", "name")
    )
    bases = _bases(units, month)
    last_bases = _bases(units, month.previous())
    last = {u: ranking.ratio(last_counts.get(u, 0), last_bases.get(u)) for u in units}
    rows = [
        ranking.UnitRow(pk, name, counts.get(pk, 0), bases.get(pk)) for pk, name in units.items()
    ]
    return ranking.rank_units(rows, last)


def _labelled(counts: dict, labels: dict) -> list[dict]:
    return [
        {"key": str(k), "label": str(labels.get(k, k)), "count": n}
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(labels.get(kv[0], kv[0]))))
    ]


def _graded(user, line_id, month: Month, grade: str) -> list[dict]:
    """The repeat or malignant complaints with their units and the reason of their grading."""
    from kefu.followups.models import GradeChange
    from kefu.tickets.models_sla import Handoff

    figure = "repeat" if grade == "repeat" else "malicious"
    tickets = list(
        drill(user, line_id, month, figure)
        .order_by("-created_at", "-id")
        .values("pk", "number", "title")[:MAX_LIST]
    )
    ids = [t["pk"] for t in tickets]
    units: dict[int, list[str]] = {}
    for ticket_id, name in Handoff.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "unit__name"
    ):
        units.setdefault(ticket_id, []).append(name)
    reasons = dict(
        GradeChange.objects.filter(ticket_id__in=ids, after=grade)
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "reason")
    )
    return [
        {
            "ticket_id": t["pk"],
            "number": t["number"],
            "title": t["title"],
            "unit": "、".join(sorted(set(units.get(t["pk"], [])))),
            "reason": reasons.get(t["pk"], ""),
        }
        for t in tickets
    ]


def monthly(user, *, period, business_line=None) -> dict:
    """The statement as plain data (the CLI's JSON, the page, the exports and the snapshot)."""
    from kefu.accounts.models import BusinessLine
    from kefu.followups.models import Grade
    from kefu.reports import yearly
    from kefu.tickets.models import Category

    month = period if isinstance(period, Month) else parse_month(period)
    line_id = line_for(user, business_line)
    # the month's counts: kept once the month has closed (reports.month_cache, the year-end
    # summary's rows), counted live while it runs
    counted = yearly.month_rows(user, line_id, [month])[month.label]
    rows = [
        {"category_id": c, "channel": ch, "complaint_grade__grade": g, "n": n}
        for c, ch, g, n in counted.get("breakdown", [])
    ]
    by_category: dict = {}
    by_channel: dict = {}
    by_grade: dict = dict.fromkeys(Grade.values, 0)
    for row in rows:
        cat = row["category_id"] or NO_CATEGORY
        by_category[cat] = by_category.get(cat, 0) + row["n"]
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["n"]
        grade = row["complaint_grade__grade"] or Grade.ORDINARY
        by_grade[grade] += row["n"]
    cat_labels = dict(
        Category.objects.filter(pk__in=[k for k in by_category if k != NO_CATEGORY]).values_list(
            "pk", "name"
        )
    )
    cat_labels[NO_CATEGORY] = _("(no category)")
    units = unit_ranking(user, line_id, month)
    callbacks = {"due": counted["callbacks_due"], "completed": counted["callbacks_completed"]}
    survey = yearly.month_survey(user, line_id, counted)
    sla = {
        clock: {"met": counted[f"{clock}_met"], "total": counted[clock]} for clock in CLOCK_FIGURES
    }
    line_name = (
        BusinessLine.objects.filter(pk=line_id).values_list("name", flat=True).first()
        if line_id
        else None
    )
    return {
        "period": month.label,
        "business_line": line_id,
        "business_line_name": line_name,
        "complaints": {
            "total": sum(r["n"] for r in rows),
            "by_type": _labelled(by_category, cat_labels),
            "by_channel": _labelled(by_channel, dict(Channel.choices)),
            "by_grade": [
                {"key": g, "label": str(label), "count": by_grade[g]} for g, label in Grade.choices
            ],
            "by_unit": [
                {
                    "unit": u.unit,
                    "unit_id": u.unit_id,
                    "complaints": u.complaints,
                    "base": u.base,
                    "ratio": _float(ranking.as_decimal(u.ratio)),
                    "ratio_pct": _float(u.ratio_pct),
                    "rank": u.rank,
                    "last_ratio_pct": _float(ranking.as_pct(u.last_ratio)),
                    "change_pct": _float(u.change_pct),
                }
                for u in units
            ],
            "repeat": by_grade[Grade.REPEAT],
            "malicious": by_grade[Grade.MALIGNANT],
            "repeat_list": _graded(user, line_id, month, Grade.REPEAT),
            "malicious_list": _graded(user, line_id, month, Grade.MALIGNANT),
        },
        "callbacks": {
            "due": callbacks["due"],
            "completed": callbacks["completed"],
            "rate": _pct(callbacks["completed"], callbacks["due"]),
        },
        "csi": {
            "value": _float(survey.metrics.csi),
            "target": _float(survey.target),
            "met": survey.met,
            "satisfied": _float(survey.metrics.satisfied),
            "satisfied_target": _float(survey.satisfied_target),
            "answers": survey.metrics.answers,
        },
        "sla": {
            "first_response_met": _pct(
                sla["first_response"]["met"], sla["first_response"]["total"]
            ),
            "resolution_met": _pct(sla["resolution"]["met"], sla["resolution"]["total"]),
            "first_response": sla["first_response"],
            "resolution": sla["resolution"],
        },
        "penalties_total_yuan": _penalties_total(line_id, month),
    }


def _penalties_total(line_id, month: Month) -> float | None:
    """The 月处罚汇总表 as signed by company leadership (the quality app's): the applied penalties
    of the month; None while no summary of the month is signed (a draft is no figure)."""
    from kefu.quality.models import PenaltySummary, SummaryStatus

    signed = PenaltySummary.objects.filter(period=month.start).exclude(status=SummaryStatus.DRAFT)
    if line_id is not None:
        signed = signed.filter(business_line_id=line_id)
    summaries = list(signed.prefetch_related("rows"))
    if not summaries:
        return None
    return float(sum(r.amount_yuan for s in summaries for r in s.rows.all() if r.applied))


def _float(value) -> float | None:
    return None if value is None else float(value) if isinstance(value, Decimal) else value


# -- the signed month -----------------------------------------------------------------------

FROZEN_KEYS = ("complaints", "callbacks", "csi", "sla")


def frozen_figures(data: dict) -> dict:
    """The figures a signature freezes, flat (lists of tickets are kept out: their counts are in)."""
    figures = {k: data[k] for k in FROZEN_KEYS}
    figures["complaints"] = {
        k: v for k, v in data["complaints"].items() if k not in ("repeat_list", "malicious_list")
    }
    flat = ranking.flatten(figures)
    return {k: v for k, v in flat.items() if k.rsplit(".", 1)[-1] not in IDENTITY}


IDENTITY = ("unit", "unit_id", "key", "label")


def _words() -> dict[str, str]:
    return {
        "complaints.total": _("Complaints"),
        "complaints.repeat": _("Repeat complaints"),
        "complaints.malicious": _("Malignant complaints"),
        "callbacks.due": _("Callbacks due"),
        "callbacks.completed": _("Callbacks completed"),
        "callbacks.rate": _("Callback rate"),
        "csi.value": _("CSI"),
        "csi.target": _("CSI target"),
        "csi.met": _("CSI target met"),
        "csi.satisfied": _("Satisfied rate"),
        "csi.satisfied_target": _("Satisfied-rate target"),
        "csi.answers": _("Survey answers"),
        "sla.first_response_met": _("First response within SLA"),
        "sla.resolution_met": _("Resolution within SLA"),
        "sla.first_response.met": _("First responses within SLA"),
        "sla.first_response.total": _("First responses"),
        "sla.resolution.met": _("Resolutions within SLA"),
        "sla.resolution.total": _("Resolutions"),
        "complaints": _("Complaints"),
        "count": _("Complaints"),
        "base": _("Base"),
        "ratio_pct": _("Ratio"),
        "rank": _("Rank"),
        "last_ratio_pct": _("Ratio last month"),
        "change_pct": _("Change on last month"),
        "ratio": _("Ratio (exact)"),
        "by_type": _("By category"),
        "by_channel": _("By channel"),
        "by_grade": _("By grade"),
    }


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def describe_changes(changes: list[tuple], data: dict) -> list[tuple[str, str, str]]:
    """The differences in words: (figure, as signed, now)."""
    words = _words()
    units = {str(u["unit_id"]): u["unit"] for u in data["complaints"]["by_unit"]}
    labels = {
        (group, str(r["key"])): r["label"]
        for group in ("by_type", "by_channel", "by_grade")
        for r in data["complaints"][group]
    }
    out = []
    for key, before, after in changes:
        parts = key.split(".")
        if key in words:
            name = words[key]
        elif len(parts) == 4 and parts[1] == "by_unit":
            name = f"{units.get(parts[2], _('A unit'))} · {words.get(parts[3], '')}"
        elif len(parts) == 4:
            label = labels.get((parts[1], parts[2]), "")
            name = f"{words.get(parts[1], '')} · {label} · {words.get(parts[3], '')}"
        else:
            name = _("Another figure")
        out.append((name, _value(before), _value(after)))
    return out


def signed_for(user, line_id, month: Month) -> MonthlyStatement | None:
    if not line_id:
        return None
    qs = MonthlyStatement.objects.filter(business_line_id=line_id, month=month.start)
    if not scope.is_admin(user) and user.business_line_id != line_id:
        return None
    return qs.select_related("signed_by").first()


def changes_since_signed(statement: MonthlyStatement, data: dict) -> list[tuple]:
    """(figure, as signed, now) for each figure that changed after the signature."""
    return ranking.differences(statement.snapshot.get("figures", {}), frozen_figures(data))


# -- targets (TGT-1…5, SAT-1) ---------------------------------------------------------------


def targets(user, *, period, business_line=None) -> list[dict]:
    """Each target the platform holds data for, against the month's actual: CSI and satisfied
    rate (surveys, §9.12) and 回访率 (followups, FU-5). A target left blank stays empty."""
    from kefu.followups.selectors import callback_rates
    from kefu.surveys import periods
    from kefu.surveys.metrics import target_met
    from kefu.surveys.selectors import results_for

    month = period if isinstance(period, Month) else parse_month(period)
    line_id = line_for(user, business_line)
    # only the figures the targets read (CSI, satisfied rate, 回访率), not the whole statement
    survey = results_for(
        user=user,
        period=periods.Period(month.label, month.start, month.end),
        business_line=line_id,
    )
    csi = {
        "value": _float(survey.total.csi),
        "target": _float(survey.target),
        "satisfied": _float(survey.total.satisfied),
        "satisfied_target": _float(survey.satisfied_target),
    }
    counts = callbacks_qs(user, line_id, month).aggregate(
        due=Count("id"), completed=Count("id", filter=Q(reached_at__isnull=False))
    )
    cb = {"rate": _pct(counts["completed"], counts["due"])}
    viewer = user
    if line_id and scope.is_admin(user) and not user.business_line_id:
        viewer = SystemViewer()
        viewer.business_line_id = line_id
    rate_target = callback_rates(user=viewer, period=month.label).target

    def row(metric, target, actual):
        met = target_met(
            None if actual is None else Decimal(str(actual)),
            None if target is None else Decimal(str(target)),
        )
        return {"metric": metric, "target": target, "actual": actual, "met": met}

    return [
        row("csi", csi["target"], csi["value"]),
        row("satisfied_rate", csi["satisfied_target"], csi["satisfied"]),
        row("callback_rate", None if rate_target is None else float(rate_target), cb["rate"]),
    ]
