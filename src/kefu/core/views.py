"""Error pages in the product's look (and JSON under /api/)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "message": message, "fields": {}}}
        return JsonResponse(body, status=status)
    return render(
        request, "errors/error.html", {"status": status, "message": message}, status=status
    )


def bad_request(request, exception=None):
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return _error(request, 400, "too_large", _("The request is too large."))
    return _error(request, 400, "invalid", _("The request is not valid."))


def permission_denied(request, exception=None):
    return _error(request, 403, "permission_denied", _("You do not have permission to do this."))


def page_not_found(request, exception=None):
    return _error(request, 404, "not_found", _("The page you asked for does not exist."))


def server_error(request):
    return _error(request, 500, "server_error", _("Something went wrong on our side."))
