"""API authentication: ``Authorization: Bearer <token>``, or the signed-in browser session.

A token carries a scope (``ApiToken.scope``): ``read`` may only read (GET), any other method is
a 403 ``insufficient_scope``; ``write`` may also change things, but not the administration
(``ADMIN_ONLY``), which needs ``admin``. The scope only narrows: the user's role and data scope
still decide everything else. A browser session acts with the full rights of its user.
"""

from __future__ import annotations

import re

from django.conf import settings
from ninja.security import HttpBearer, SessionAuth

from kefu.accounts.models import TokenScope
from kefu.accounts.services import insufficient_scope, token_get

API_PREFIX = "/api/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE = "write"  # ADMIN_ONLY entries that concern only the methods that change something

#: The administration, for tokens of the ``admin`` scope only: (methods, path under /api/v1).
ADMIN_ONLY: tuple[tuple[str, re.Pattern], ...] = (
    ("*", re.compile(r"^/webhooks(/|$)")),
    (WRITE, re.compile(r"^/sla/(policies|routing|units)(/|$)")),
    (WRITE, re.compile(r"^/kb/(language/rules|synonyms|dictionary)(/|$)")),
)


def is_admin_only(method: str, path: str) -> bool:
    path = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
    for methods, pattern in ADMIN_ONLY:
        if pattern.match(path) and (methods == "*" or method not in SAFE_METHODS):
            return True
    return False


def check_scope(scope: str, method: str, path: str) -> None:
    """Refuse (403 ``insufficient_scope``) what a token of ``scope`` may not do."""
    from django.utils.translation import gettext as _

    if scope == TokenScope.READ and method not in SAFE_METHODS:
        raise insufficient_scope(_("This API token may only read: make a write token for this."))
    if scope != TokenScope.ADMIN and is_admin_only(method, path):
        raise insufficient_scope(
            _("This API token may not administer: make a token of the admin scope for this.")
        )


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = token_get(token)
        if found is None:
            return None
        request.user = found.user
        request.token_scope = found.scope
        check_scope(found.scope, request.method, request.path)
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, CSRF-checked; a request without a session cookie is simply
    not authenticated by it (401, not ninja's 403 "CSRF check Failed" for a revoked token)."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


API_AUTH = [BearerAuth(), BrowserSessionAuth()]


def request_scope(request) -> str | None:
    """The scope of the token the request came with; None for a browser session (full)."""
    return getattr(request, "token_scope", None)
