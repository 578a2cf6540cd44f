"""Reads of the Delphi surveys: per round, Kendall's W with χ², df and p for each level, and
the weights from the normalised means (or entered) with the combined weights."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.quality import delphi
from kefu.quality.models_delphi import DelphiRating, DelphiStudy


def studies_for(*, user):
    if not scope.at_least(user, scope.SUPERVISOR):
        return DelphiStudy.objects.none()
    return DelphiStudy.objects.filter(scope.business_line_q(user)).order_by("-id")


def study_get_for(*, user, pk: int) -> DelphiStudy:
    study = studies_for(user=user).filter(pk=pk).first()
    if study is None:
        raise NotFound()
    return study


def _level_report(indicators, ratings, experts) -> dict:
    matrix = [[ratings[(e, i.pk)] for i in indicators] for e in experts]
    result = delphi.concordance(matrix) if matrix else None
    return {"indicators": indicators, "concordance": result, "means": delphi.means(matrix)}


def rounds(study: DelphiStudy) -> list[dict]:
    """Each round with its experts (only complete questionnaires count), the W of each level and
    every indicator's mean, weight (normalised, or entered) and combined weight."""
    indicators = list(study.indicators.all())
    first = [i for i in indicators if i.level == 1]
    second = [i for i in indicators if i.level == 2]
    by_round: dict[int, dict] = defaultdict(dict)
    for r in DelphiRating.objects.filter(indicator__study=study).values_list(
        "round", "expert", "indicator_id", "score"
    ):
        by_round[r[0]][(r[1], r[2])] = r[3]
    out = []
    for round_no in sorted(by_round):
        ratings = by_round[round_no]
        experts = sorted({e for e, _i in ratings})
        experts = [e for e in experts if all((e, i.pk) in ratings for i in indicators)]
        if not experts:
            continue
        levels = {
            1: _level_report(first, ratings, experts),
            2: _level_report(second, ratings, experts),
        }
        mean = dict(zip([i.pk for i in first], levels[1]["means"], strict=True))
        mean |= dict(zip([i.pk for i in second], levels[2]["means"], strict=True))
        weight = dict(
            zip([i.pk for i in first], delphi.normalised([mean[i.pk] for i in first]), strict=True)
        )
        for parent in first:
            kids = [i for i in second if i.parent_id == parent.pk]
            weight |= dict(
                zip(
                    [k.pk for k in kids], delphi.normalised([mean[k.pk] for k in kids]), strict=True
                )
            )
        rows = []
        for parent in first:
            w1 = parent.entered_weight if parent.entered_weight is not None else weight[parent.pk]
            rows.append(
                {"indicator": parent, "mean": mean[parent.pk], "weight": w1, "combined": None}
            )
            for kid in (i for i in second if i.parent_id == parent.pk):
                w2 = kid.entered_weight if kid.entered_weight is not None else weight[kid.pk]
                rows.append(
                    {
                        "indicator": kid,
                        "mean": mean[kid.pk],
                        "weight": w2,
                        "combined": delphi.combined(Decimal(w1), Decimal(w2)),
                    }
                )
        out.append({"round": round_no, "experts": experts, "levels": levels, "rows": rows})
    return out


def study_json(study: DelphiStudy, *, detail: bool = False) -> dict:
    """A Delphi survey as the API and ``kefu quality delphi --json`` print it; with ``detail``,
    each round's Kendall's W per level and the weights."""
    out = {"id": study.pk, "name": study.name, "created_at": study.created_at.isoformat()}
    if detail:
        out["rounds"] = [
            {
                "round": r["round"],
                "experts": len(r["experts"]),
                "levels": {
                    str(level): (
                        {
                            "w": rep["concordance"].w,
                            "chi2": rep["concordance"].chi2,
                            "df": rep["concordance"].df,
                            "p_value": rep["concordance"].p_value,
                        }
                        if rep["concordance"] is not None
                        else None
                    )
                    for level, rep in r["levels"].items()
                },
                "weights": [
                    {
                        "indicator": row["indicator"].name,
                        "level": row["indicator"].level,
                        "weight": float(row["weight"]),
                        "combined": float(row["combined"]) if row["combined"] is not None else None,
                    }
                    for row in r["rows"]
                ],
            }
            for r in rounds(study)
        ]
    return out
