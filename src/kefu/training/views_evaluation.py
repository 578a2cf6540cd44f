"""Pages of training evaluation (TRN-5, SAT-6): an attendee's survey after a class; the
satisfaction board (micro-courses vs all internal training, per course, per trainer) and the
trainer records with their certifications."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import DomainError
from kefu.core.inputs import lenient_date
from kefu.training import evaluation_selectors, evaluation_services, selectors


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@login_required
@require_POST
def evaluate(request, pk: int):
    cls = selectors.class_get(request.user, pk)
    try:
        evaluation_services.evaluate(
            actor=request.user,
            training_class=cls,
            course_rating=_int(request.POST.get("course_rating")),
            trainer_rating=_int(request.POST.get("trainer_rating")),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your rating is counted."))
    return redirect("training:class", pk=pk)


@login_required
def satisfaction(request):
    user = request.user
    since = lenient_date(request.GET.get("since")) or (
        timezone.localdate() - dt.timedelta(days=365)
    )
    context = {
        "board": evaluation_selectors.satisfaction_board(user, since=since),
        "trainers": evaluation_selectors.trainer_records(user, since=since),
        "since": since,
        "may_certify": scope.at_least(user, scope.SUPERVISOR),
        "people": User.objects.filter(
            business_line_id=user.business_line_id, is_active=True
        ).order_by("username")[:200]
        if scope.at_least(user, scope.SUPERVISOR)
        else [],
    }
    return render(request, "training/satisfaction.html", context)


@login_required
@require_POST
def trainer_certificate_add(request):
    post = request.POST
    person = User.objects.filter(
        pk=_int(post.get("user")), business_line_id=request.user.business_line_id
    ).first()
    try:
        evaluation_services.trainer_certificate_add(
            actor=request.user,
            user=person,
            name=post.get("name", ""),
            issuer=post.get("issuer", ""),
            issued_on=lenient_date(post.get("issued_on")),
            valid_until=lenient_date(post.get("valid_until")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The certification is recorded."))
    return redirect("training:satisfaction")
