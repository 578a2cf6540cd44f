"""API authentication: ``Authorization: Bearer <token>``, or the signed-in browser session."""

from __future__ import annotations

from django.conf import settings
from ninja.security import HttpBearer, SessionAuth

from kefu.accounts.services import token_user


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, CSRF-checked; a request without a session cookie is simply
    not authenticated by it (401, not ninja's 403 "CSRF check Failed" for a revoked token)."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


API_AUTH = [BearerAuth(), BrowserSessionAuth()]
