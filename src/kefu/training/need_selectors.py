"""Reads of the half-year training needs (TRN-8, 4S): a team's board of who has filed and who
has not, and the needs rolled up by topic (one aggregate query) for the next plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from kefu.accounts.models import Team, User
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.training import needs
from kefu.training.models import ExamAttempt, HalfYearNeed


def teams_for(user):
    """The active teams in ``user``'s scope (a lead: their team; a supervisor: the department)."""
    q = scope.records_q(user, team="id")
    return Team.objects.filter(q, is_active=True).order_by("name", "id")


def team_get(user, pk) -> Team:
    team = teams_for(user).filter(pk=pk).first() if pk else None
    if team is None:
        raise NotFound()
    return team


def need_get(user, pk) -> HalfYearNeed:
    """One need ``user`` may read, scoped like ``needs_for`` (an agent: their own; a lead: the
    team's; a supervisor: the department's); anyone else's → 404, never a teammate's need."""
    need = needs_for(user).filter(pk=pk).first() if pk else None
    if need is None:
        raise NotFound()
    return need


def members(team: Team) -> list[User]:
    return list(
        User.objects.filter(team=team, is_active=True, role__in=["agent", "lead"]).order_by(
            "username"
        )
    )


@dataclass
class Row:
    person: User
    needs: list = field(default_factory=list)

    @property
    def filed(self) -> bool:
        return bool(self.needs)


def board(team: Team, year: int, half: int) -> list[Row]:
    """Each member of the team with their needs for the half-year; those who filed none first,
    so the lead sees whom to ask."""
    rows = {u.pk: Row(u) for u in members(team)}
    for need in (
        HalfYearNeed.objects.filter(user_id__in=rows, year=year, half=half)
        .select_related("failed_attempt__exam", "filed_by", "reviewer")
        .order_by("user_id", "id")
    ):
        rows[need.user_id].needs.append(need)
    return sorted(rows.values(), key=lambda r: (r.filed, r.person.username))


def own_needs(user, year: int, half: int) -> list[HalfYearNeed]:
    return list(
        HalfYearNeed.objects.filter(user=user, year=year, half=half)
        .select_related("failed_attempt__exam", "filed_by", "reviewer")
        .order_by("id")
    )


def rollup(team: Team, year: int, half: int) -> list[dict]:
    """Per topic (declined needs left out): how many people need it, how many of them the lead
    agreed, the wished quarters and how many needs come from a gap, finding or failed exam."""
    first, second = needs.quarters(half)
    return list(
        HalfYearNeed.objects.filter(team=team, year=year, half=half)
        .exclude(state=needs.DECLINED)
        .values("topic")
        .annotate(
            people=Count("user", distinct=True),
            agreed=Count("id", filter=Q(state=needs.ACCEPTED)),
            first=Count("id", filter=Q(quarter=first)),
            second=Count("id", filter=Q(quarter=second)),
            linked=Count("id", filter=~Q(source="")),
        )
        .order_by("-people", "topic")
    )


def failed_attempts(people: list[User]) -> list[ExamAttempt]:
    """The failed exams the form offers as a need's link (the latest 100)."""
    return list(
        ExamAttempt.objects.filter(user__in=people, passed=False)
        .select_related("exam", "user")
        .order_by("-started_at")[:100]
    )


def needs_for(user, *, year=None, half=None, team_id=None, state=None):
    """The needs ``user`` may read: an agent their own; a lead or above those of the people in
    their scope (and their own)."""
    if scope.at_least(user, scope.LEAD):
        qs = HalfYearNeed.objects.filter(scope.records_q(user, owners=("user_id",)))
    else:
        qs = HalfYearNeed.objects.filter(user=user)
    for name, value in (("year", year), ("half", half), ("team_id", team_id), ("state", state)):
        if value is not None:
            qs = qs.filter(**{name: value})
    return qs.select_related("user", "filed_by", "reviewer")


def board_summary(team: Team, year: int, half: int) -> dict:
    """The board as data (the API and ``kefu training needs``): who has filed, who has not,
    and the roll-up by topic."""
    rows = board(team, year, half)
    return {
        "team": team.pk,
        "team_name": team.name,
        "year": year,
        "half": half,
        "quarters": list(needs.quarters(half)),
        "members": len(rows),
        "filed": sum(1 for r in rows if r.filed),
        "not_filed": [r.person.username for r in rows if not r.filed],
        "rollup": rollup(team, year, half),
    }
