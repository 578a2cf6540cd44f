"""The certifications page (PK-3, PK-4, TRN-7): the line's certifications before 上岗 with their
components; a lead or above makes one from a template in one step and edits it (stale → 409)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError
from kefu.core.idempotency import once
from kefu.training import cert_template_services, cert_templates
from kefu.training.models import Certification, ScoreKind


def _certs(user):
    return Certification.objects.filter(business_line_id=user.business_line_id)


@login_required
def certifications(request, status=200, errors=None):
    user = request.user
    labels = dict(ScoreKind.choices)
    certs = list(_certs(user)[:50])
    for cert in certs:
        cert.parts = [
            {**c, "label": labels.get(c.get("code"), c.get("code"))} for c in cert.components
        ]
    language = get_language() or "zh-hans"
    line = user.business_line
    context = {
        "certs": certs,
        "may_edit": scope.at_least(user, scope.LEAD),
        "templates": [
            {"code": t.code, "name": t.name(language), "t": t}
            for t in cert_templates.for_industry(line.industry if line else "")
        ],
        "errors": errors or {},
    }
    return render(request, "training/certifications.html", context, status=status)


@login_required
@require_POST
@once
def cert_from_template(request):
    try:
        cert = cert_template_services.certification_from_template(
            actor=request.user,
            template=request.POST.get("template", ""),
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return certifications(request, status=exc.status, errors=exc.fields)
    messages.success(request, _("The certification %(name)s is made.") % {"name": cert.name})
    return redirect("training:certifications")


def _components(post, cert: Certification) -> list[dict]:
    rows = []
    for c in cert.components:
        code = c.get("code")
        rows.append(
            {
                **c,
                "weight": post.get(f"weight_{code}", c.get("weight")),
                "min_score": post.get(f"min_{code}", c.get("min_score")),
                "must_pass": post.get(f"must_{code}") == "on",
            }
        )
    return rows


@login_required
@require_POST
def cert_edit(request, pk: int):
    cert = get_object_or_404(_certs(request.user), pk=pk)
    post = request.POST
    try:
        cert_template_services.certification_update(
            actor=request.user,
            cert=cert,
            version=int(post.get("version") or 0),
            name=post.get("name"),
            components=_components(post, cert),
            threshold=post.get("threshold") or None,
            validity_days=post.get("validity_days") or 0,
            training_days=post.get("training_days") or 0,
        )
    except (DomainError, ValueError) as exc:
        message = getattr(exc, "message", _("Some fields are not valid."))
        messages.error(request, message)
        return certifications(
            request, status=getattr(exc, "status", 400), errors=getattr(exc, "fields", {})
        )
    messages.success(request, _("The certification is saved."))
    return redirect("training:certifications")
