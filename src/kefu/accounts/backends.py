"""Authentication with sign-in throttling: per source address and per account back-off.

Each try is first claimed (``services.sign_in_claim``: counted atomically, rows locked), then the
password is checked. A name nobody has is counted and backed off exactly like an account, and a
refused try still runs the password hasher, so neither the answer nor the time it takes tells
whether a user exists.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from kefu.accounts import services


def client_ip(request) -> str | None:
    """The address a sign-in comes from. Behind ``KEFU_TRUSTED_PROXIES`` reverse proxies it is
    the one the nearest trusted proxy saw (X-Forwarded-For, counted from the right, so a client
    cannot choose it by sending the header itself)."""
    if request is None:
        return None
    hops = settings.KEFU_TRUSTED_PROXIES
    if hops > 0:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [a for a in chain if a]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return request.META.get("REMOTE_ADDR")


def _mark_refused(request, reason: str, minutes: int) -> None:
    """Tell the sign-in form why the try was refused, and for how long."""
    if request is not None:
        request.kefu_locked = reason == "locked"
        request.kefu_throttled = reason == "source"
        request.kefu_lock_minutes = minutes


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if not username or password is None:
            return None
        claim = services.sign_in_claim(username=str(username), ip=client_ip(request))
        if not claim.allowed:
            make_password(password)  # the same work as a real check
            _mark_refused(request, claim.reason, claim.minutes)
            return None
        # ModelBackend runs the hasher for unknown names too
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.sign_in_failed(claim=claim)
            if claim.locked_now:
                _mark_refused(request, "locked", claim.minutes)
            return None
        services.login_succeeded(user=user, ip=client_ip(request))
        return user
