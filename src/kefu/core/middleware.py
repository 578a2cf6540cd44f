"""Security headers that Django does not set itself."""

from __future__ import annotations

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class DomainErrorMiddleware:
    """Pages: a DomainError that a view did not handle becomes the error page of its status.

    So a view may simply call ``ticket_get_for(...)`` and an out-of-scope id renders the 404 page.
    The API maps the same errors to JSON in ``kefu/api.py``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from kefu.core.errors import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "errors/error.html",
            {"status": exception.status, "message": exception.message},
            status=exception.status,
        )


class NulByteMiddleware:
    """A query string or path with a NUL character is a client mistake (400): PostgreSQL refuses
    NUL in text, so it must never reach a query. Form fields are covered by Django's forms
    (ProhibitNullCharactersValidator) and JSON bodies by the API's parser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            from kefu.core.views import bad_request

            return bad_request(request)
        return self.get_response(request)
