"""Create forms that act once: a double-clicked intake or a refresh after POST creates nothing new.

Each create form carries a hidden ``idempotency_key`` made when the form is rendered
(``{% load idempotency %}{% idempotency_field %}``, or ``field()`` in a view). The view is wrapped
with ``@once``: the first POST of a token claims a ``FormSubmission`` row (a unique constraint
on user and token, so the claim holds across processes and on PostgreSQL), runs the view and
keeps where it redirected to; a later POST of the same token redirects there without running
the view. A POST arriving while the first is still running waits for it (a few seconds), then
redirects. A POST that does not succeed (a form error) gives its token back, so the corrected
form can be sent again. POSTs without a token (API clients, old pages) run as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import time
import uuid

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

FIELD = "idempotency_key"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
WAIT_SECONDS = 10.0  # how long a second POST waits for the first one to finish
POLL_SECONDS = 0.05
STALE_AFTER = dt.timedelta(minutes=2)  # a claim whose request died never finished
KEEP = dt.timedelta(days=2)  # a token older than this is forgotten (no page stays open so long)
PURGE_EVERY = 500  # claims per process between two purges of forgotten tokens
_claims = itertools.count(1)


def new_token() -> str:
    return uuid.uuid4().hex


def field() -> str:
    """The hidden input carrying a fresh token."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


def _redirect_target(response: HttpResponse) -> str:
    if isinstance(response, HttpResponseRedirect) or response.status_code in (301, 302, 303):
        return response.get("Location", "")
    return response.get("HX-Redirect", "") if response.status_code < 300 else ""


def _replay(request: HttpRequest, url: str) -> HttpResponse:
    from django.contrib import messages

    messages.info(request, _("This form was already sent; here is its result."))
    if getattr(request, "htmx", False):
        from django_htmx.http import HttpResponseClientRedirect

        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _busy() -> HttpResponse:
    from kefu.core.errors import Conflict

    raise Conflict(_("This form is still being sent. Wait a moment and reload the page."))


def _claim(user, token: str):
    """The new claim, or None when the token is already claimed."""
    from kefu.core.models import FormSubmission

    if next(_claims) % PURGE_EVERY == 0:
        purge()
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(user=user, token=token)
    except IntegrityError:
        return None


def purge(now: dt.datetime | None = None) -> int:
    """Forget tokens older than ``KEEP`` (an indexed range delete); returns how many."""
    from kefu.core.models import FormSubmission

    cutoff = (now or timezone.now()) - KEEP
    return FormSubmission.objects.filter(created_at__lt=cutoff).delete()[0]


def _wait_for_result(user, token: str) -> str | None:
    """The first POST's result URL once it has one; None if it gave the token back or died."""
    from kefu.core.models import FormSubmission

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = (
            FormSubmission.objects.filter(user=user, token=token)
            .values("result_url", "created_at")
            .first()
        )
        if row is None:
            return None
        if row["result_url"]:
            return row["result_url"]
        if row["created_at"] < timezone.now() - STALE_AFTER:
            FormSubmission.objects.filter(user=user, token=token, result_url="").delete()
            return None
        if time.monotonic() > deadline:
            return ""
        time.sleep(POLL_SECONDS)


def once(view):
    """Run a create view at most once per form token (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        user = getattr(request, "user", None)
        if not _TOKEN.match(token) or user is None or not user.is_authenticated:
            return view(request, *args, **kwargs)
        for _attempt in range(3):
            claim = _claim(user, token)
            if claim is not None:
                break
            url = _wait_for_result(user, token)
            if url:
                return _replay(request, url)
            if url == "":
                return _busy()
        else:
            return _busy()
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            claim.delete()
            raise
        url = _redirect_target(response)
        if url:
            type(claim).objects.filter(pk=claim.pk).update(result_url=url[:500])
        else:
            claim.delete()  # not created (a form error): the corrected form may be sent again
        return response

    return wrapper
