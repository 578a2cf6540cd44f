"""Authentication that refuses locked accounts and counts failures (lockout)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from kefu.accounts import services


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _mark_locked(request, user) -> None:
    """Tell the sign-in form that the account is locked, and for how long."""
    if request is not None:
        request.kefu_locked = True
        request.kefu_lock_minutes = services.lock_minutes_left(user)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        from kefu.accounts.models import User

        user = User.objects.filter(username=username).first() if username else None
        if user is not None and services.is_locked(user):
            _mark_locked(request, user)
            return None
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if result is None and username:
            if services.login_failed(username=username, ip=client_ip(request)):
                user.refresh_from_db(fields=["locked_until"])
                _mark_locked(request, user)
        elif result is not None:
            services.login_succeeded(user=result, ip=client_ip(request))
        return result
