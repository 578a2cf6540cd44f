"""The complaint feed page (/messaging/complaint-feed/, CMP-6): the complaints the 96860 platform,
a 12345 hotline and the visit log fed in, newest first, filtered by source, and for supervisors
and above the daily file's upload with its source."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.accounts import lines
from kefu.channels.messaging import feeds
from kefu.channels.messaging.models import FeedSource
from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, NotFound, PermissionDenied
from kefu.core.pagination import paginate

MAX_UPLOAD = feeds.MAX_BYTES


@login_required
def complaint_feed(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        if not scope.at_least(request.user, "supervisor"):
            raise PermissionDenied()
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Invalid(_("Choose the platform's file."), fields={"file": _("Required.")})
            if upload.size > MAX_UPLOAD:
                raise Invalid(_("The file is too large."), fields={"file": _("Too large.")})
            line = lines.line_for(request.user, request.POST.get("business_line"))
            result = feeds.import_upload(
                actor=request.user,
                line=line,
                source=request.POST.get("source") or "96860",
                data=upload.read(),
                filename=upload.name or "",
            )
        except DomainError as exc:
            details = "; ".join(str(v) for v in exc.fields.values() if str(v) != str(exc.message))
            messages.error(request, f"{exc.message} {details}".strip())
            status = 400
        else:
            messages.success(
                request,
                _(
                    "%(rows)d rows read: %(created)d new complaints, %(dup)d already received, "
                    "%(err)d refused."
                )
                % {
                    "rows": result.rows,
                    "created": result.created,
                    "dup": result.duplicates,
                    "err": len(result.errors),
                },
            )
            for error in result.errors[:20]:
                messages.warning(request, _("Row %(row)d: %(message)s") % error)
            return redirect("messaging:complaint_feed")
    source = str(request.GET.get("source") or "")
    complaints = feeds.complaints_for(request.user, source)  # an unknown source is 400
    try:
        page = paginate(complaints, ordering="-id", cursor=request.GET.get("cursor"), limit=50)
    except (ValueError, DomainError):
        raise NotFound()
    context = {
        "tab": "complaint_feed",
        "page": page,
        "may_import": scope.at_least(request.user, "supervisor"),
        "line_choices": lines.line_choices(request.user),
        "sources": FeedSource.choices,
        "source": source,
        "more_query": urlencode(
            {k: v for k, v in (("source", source), ("cursor", page.next or "")) if v}
        ),
    }
    return render(request, "messaging/complaint_feed.html", context, status=status)
