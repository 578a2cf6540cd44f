"""The business line a page works in.

Everyone but an administrator belongs to one business line and works in it. An administrator
belongs to none: the settings and create pages let them choose the line (a ``business_line``
field, or ``?line=`` on a page that lists a line's settings) instead of leaving them at a dead
end. Templates render the choice with ``accounts/_line_select.html``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine
from kefu.core import scope
from kefu.core.errors import Invalid, PermissionDenied


def may_choose(user) -> bool:
    """An administrator without a line of their own chooses the line a page works in."""
    return scope.is_admin(user) and not getattr(user, "business_line_id", None)


def line_choices(user) -> list[BusinessLine]:
    """The active lines to choose from ([] for users who work in their own line)."""
    if not may_choose(user):
        return []
    return list(BusinessLine.objects.filter(is_active=True).order_by("id"))


def _parse(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= 2**31 else None


def line_for(user, raw=None, *, field: str = "business_line") -> BusinessLine:
    """The line a write goes to: the user's own; an administrator's choice ``raw`` (an id),
    or the only active line when there is one. Refuses with a translated message otherwise."""
    if getattr(user, "business_line_id", None):
        return user.business_line
    if not scope.is_admin(user):
        raise PermissionDenied(_("Your account belongs to no business line."))
    if raw in (None, ""):
        active = list(BusinessLine.objects.filter(is_active=True).order_by("id")[:2])
        if len(active) == 1:
            return active[0]
        raise Invalid(_("Choose a business line."), fields={field: _("Required.")})
    line = BusinessLine.objects.filter(pk=_parse(raw) or 0).first()
    if line is None:
        raise Invalid(
            _("Choose an existing business line."), fields={field: _("Unknown business line.")}
        )
    return line


def line_shown(user, raw=None) -> BusinessLine | None:
    """The line a settings page shows: the user's own; for an administrator the one chosen with
    ``?line=`` (an unknown id or none: the first active line). None when there is no line."""
    if getattr(user, "business_line_id", None):
        return user.business_line
    if not scope.is_admin(user):
        return None
    lines = BusinessLine.objects.filter(is_active=True).order_by("id")
    chosen = _parse(raw)
    line = lines.filter(pk=chosen).first() if chosen else None
    return line or lines.first()
