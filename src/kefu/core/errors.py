"""The small tree of domain errors; mapped to HTTP once for the API and once for pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, fields: dict | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {
            "error": {
                "code": self.code,
                "message": str(self.message),
                "fields": {k: str(v) for k, v in self.fields.items()},
            }
        }


class Invalid(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class StaleWrite(Conflict):
    code = "stale"
    default_message = _(
        "Someone else changed this record meanwhile. Reload it and apply your change again."
    )


class Ineligible(DomainError):
    """An agent may not take this work yet (the 上岗 gate: no valid certification for the queue
    or skill group); ``user_ids`` names those refused, so routing can skip them."""

    status = 400
    code = "not_certified"
    default_message = _("The agent is not certified for this queue yet (未上岗).")

    def __init__(self, message=None, *, user_ids=(), fields: dict | None = None):
        super().__init__(message, fields=fields)
        self.user_ids = frozenset(user_ids)
