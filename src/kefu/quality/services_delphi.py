"""Writes of the Delphi surveys (CE-1): a survey's two levels of indicators, one expert's
ratings of a round (every indicator, 1–5, once per expert and round) and weights entered by
hand. Supervisors and managers of the business line; validated, one transaction, audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from kefu.quality.models_delphi import DelphiIndicator, DelphiRating, DelphiStudy
from kefu.quality.services import _decimal, _text

MAX_ROUNDS = 10
MAX_INDICATORS = 60


def _may(actor, business_line_id) -> None:
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change this."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line_id:
        raise NotFound()


def parse_outline(text: str) -> list[tuple[str, list[str]]]:
    """``一级指标: 二级, 二级`` one first-level indicator a line (full-width colon and commas too)."""
    groups = []
    for line in (text or "").splitlines():
        line = line.strip().replace("：", ":").replace("，", ",").replace("、", ",")
        if not line:
            continue
        head, _sep, rest = line.partition(":")
        children = [c.strip() for c in rest.split(",") if c.strip()]
        groups.append((head.strip(), children))
    return groups


@transaction.atomic
def study_create(*, actor, business_line, name: str, outline: str) -> DelphiStudy:
    """A survey with its first-level indicators and each one's second-level indicators."""
    _may(actor, business_line.pk)
    name = _text("name", name, size=100)
    groups = parse_outline(outline)
    count = len(groups) + sum(len(c) for _h, c in groups)
    if (
        len(groups) < 2
        or any(not h or len(h) > 100 or not c for h, c in groups)
        or any(len(x) > 100 for _h, c in groups for x in c)
        or count > MAX_INDICATORS
    ):
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                "outline": _(
                    "At least two first-level indicators, one a line, each followed by a colon "
                    "and its second-level indicators separated by commas."
                )
            },
        )
    study = DelphiStudy.objects.create(business_line=business_line, name=name, created_by=actor)
    for head, children in groups:
        parent = DelphiIndicator.objects.create(study=study, level=1, name=head)
        DelphiIndicator.objects.bulk_create(
            DelphiIndicator(study=study, level=2, parent=parent, name=c) for c in children
        )
    audit.record(
        actor=actor,
        action="quality.delphi_create",
        obj=study,
        changes={"name": name, "indicators": count},
    )
    return study


@transaction.atomic
def ratings_record(*, actor, study: DelphiStudy, round_no, expert: str, scores: dict):
    """One expert's questionnaire of a round: every indicator rated 1–5, once."""
    _may(actor, study.business_line_id)
    try:
        round_no = int(round_no)
    except (TypeError, ValueError):
        round_no = 0
    if not 1 <= round_no <= MAX_ROUNDS:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"round": _("Enter a whole number from 1 to %(n)d.") % {"n": MAX_ROUNDS}},
        )
    expert = _text("expert", expert, size=50)
    indicators = list(study.indicators.all())
    rows, bad = [], {}
    for ind in indicators:
        raw = scores.get(ind.pk)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            bad[f"i{ind.pk}"] = _("Rate %(name)s from 1 to 5.") % {"name": ind.name}
            continue
        rows.append(DelphiRating(indicator=ind, round=round_no, expert=expert, score=value))
    if bad:
        raise Invalid(_("Rate every indicator from 1 to 5."), fields=bad)
    if DelphiRating.objects.filter(indicator__study=study, round=round_no, expert=expert).exists():
        raise Conflict(
            _("This expert's ratings of round %(n)d are already recorded.") % {"n": round_no},
            code="duplicate",
        )
    DelphiRating.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="quality.delphi_ratings",
        obj=study,
        changes={"round": round_no, "expert": expert},
    )
    return rows


@transaction.atomic
def weight_enter(*, actor, indicator: DelphiIndicator, weight) -> DelphiIndicator:
    """A weight the panel decided, used instead of the normalised mean (empty: clear it)."""
    _may(actor, indicator.study.business_line_id)
    value = None
    if str(weight or "").strip():
        value = _decimal("weight", weight, low=Decimal(0), high=Decimal(100))
    indicator.entered_weight = value
    indicator.save(update_fields=["entered_weight"])
    audit.record(
        actor=actor,
        action="quality.delphi_weight",
        obj=indicator.study,
        changes={"indicator": indicator.name, "weight": None if value is None else str(value)},
    )
    return indicator
