"""Pages of the Delphi surveys (CE-1): the list with a new survey's outline, and one survey with
its rounds (Kendall's W, χ², df, p per level), weights and an expert's questionnaire form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, NotFound
from kefu.quality import selectors_delphi, services_delphi
from kefu.quality.views import _fail


@login_required
def delphi(request):
    if not scope.at_least(request.user, scope.SUPERVISOR):
        raise NotFound()
    studies = list(selectors_delphi.studies_for(user=request.user)[:100])
    return render(request, "quality/delphi_list.html", {"studies": studies})


@login_required
@require_POST
def delphi_create(request):
    if request.user.business_line_id is None:
        raise NotFound()
    try:
        study = services_delphi.study_create(
            actor=request.user,
            business_line=request.user.business_line,
            name=request.POST.get("name", ""),
            outline=request.POST.get("outline", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("quality:delphi")
    messages.success(request, _("The survey is set up. Record the experts' ratings."))
    return redirect("quality:delphi_study", pk=study.pk)


@login_required
def delphi_study(request, pk: int):
    study = selectors_delphi.study_get_for(user=request.user, pk=pk)
    rounds = selectors_delphi.rounds(study)
    context = {
        "study": study,
        "indicators": list(study.indicators.all()),
        "rounds": rounds,
        "next_round": rounds[-1]["round"] if rounds else 1,
        "scale": [
            (5, _("Absolutely important")),
            (4, _("Very important")),
            (3, _("Important")),
            (2, _("Fairly important")),
            (1, _("Slightly important")),
        ],
    }
    return render(request, "quality/delphi.html", context)


@login_required
@require_POST
def delphi_rate(request, pk: int):
    study = selectors_delphi.study_get_for(user=request.user, pk=pk)
    scores = {i.pk: request.POST.get(f"i{i.pk}") for i in study.indicators.all()}
    try:
        services_delphi.ratings_record(
            actor=request.user,
            study=study,
            round_no=request.POST.get("round"),
            expert=request.POST.get("expert", ""),
            scores=scores,
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The expert's ratings are recorded."))
    return redirect("quality:delphi_study", pk=pk)


@login_required
@require_POST
def delphi_weight(request, pk: int):
    study = selectors_delphi.study_get_for(user=request.user, pk=pk)
    indicator = study.indicators.filter(pk=request.POST.get("indicator") or 0).first()
    if indicator is None:
        raise NotFound()
    try:
        services_delphi.weight_enter(
            actor=request.user, indicator=indicator, weight=request.POST.get("weight", "")
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The weight is saved."))
    return redirect("quality:delphi_study", pk=pk)
