"""The desks of the More menu that belong to a kind of work: e-commerce operations, the property
office, the lesson desk, the 4S workshop and the repair centre.

A business line works at the desks its industry template names (``policies["desks"]`` in
``accounts.templates``: online shop → e-commerce operations and repair centre, property →
property office, education → lesson desk, car after-sales → 4S workshop, repair centre →
repair centre); a line may list its own in
``BusinessLine.policies``. An administrator sees every desk; anyone else the desks of their
line, so other lines get no empty pages. A page of a desk the user's line does not work at
shows an empty state that says so (as the workshop page did for a line without a workshop);
a write to it is refused with 403 and the same words. The desk's API answers 403 to every call
of such a line (``gate_api``): an integrator is told, rather than handed empty lists.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kefu.core import scope
from kefu.core.errors import PermissionDenied

PROPERTY, LESSONS, WORKSHOP, REPAIR_CENTRE = "property", "lessons", "workshop", "repair_centre"
COMMERCE = "commerce"
ALL = frozenset({COMMERCE, PROPERTY, LESSONS, WORKSHOP, REPAIR_CENTRE})
TITLES = {
    COMMERCE: _("E-commerce operations"),
    PROPERTY: _("Property office"),
    LESSONS: _("Lesson desk"),
    WORKSHOP: _("4S workshop bookings"),
    REPAIR_CENTRE: _("Repair centre"),
}
MESSAGES = {
    COMMERCE: _("Your business line runs no online shop, so there is nothing to show here."),
    PROPERTY: _("Your business line runs no property office, so there is nothing to show here."),
    LESSONS: _("Your business line runs no lesson desk, so there is nothing to show here."),
    WORKSHOP: _("Your account belongs to no business line with a workshop."),
    REPAIR_CENTRE: _("Your business line runs no repair centre, so there is nothing to show here."),
}


def line_desks(line) -> frozenset[str]:
    """The desks a business line works at (its policy, else its industry's default)."""
    if line is None:
        return frozenset()
    return frozenset(line.policy("desks") or ()) & ALL


def desks_for(user) -> frozenset[str]:
    """The desks ``user`` sees: all for an administrator, else their line's."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if scope.is_admin(user):
        return ALL
    if not getattr(user, "business_line_id", None):
        return frozenset()
    return line_desks(user.business_line)


def has_desk(user, desk: str) -> bool:
    return desk in desks_for(user)


def desk_required(desk: str):
    """Decorate a page of ``desk`` for a signed-in user whose line does not work at it: a page
    gets the empty state, a write a 403 with the same words, and nothing else runs. A page of
    one object (a household, a student) still answers as its view does: 404 for an object out
    of the user's reach, so the empty state never tells whether the id exists."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or has_desk(user, desk):
                return view(request, *args, **kwargs)
            reading = request.method in ("GET", "HEAD")
            if reading and kwargs:
                return view(request, *args, **kwargs)
            context = {"desk": desk, "title": TITLES[desk], "message": MESSAGES[desk]}
            return render(request, "accounts/no_desk.html", context, status=200 if reading else 403)

        return wrapper

    return decorate


def for_desk(desk: str):
    """Mark an API operation of a router that serves several desks (``gate_api`` reads it)."""

    def mark(view):
        view.kefu_desk = desk
        return view

    return mark


def gate_api(router, desk: str | None = None) -> None:
    """Refuse every operation of ``router`` (and its child routers) with 403 to a user whose line
    does not work at the operation's desk: ``desk``, or the one ``for_desk`` marked on it."""

    def decorate(view):
        view_desk = getattr(view, "kefu_desk", desk)
        if view_desk is None:
            raise LookupError(f"{view.__qualname__} names no desk")

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_desk(request.user, view_desk):
                raise PermissionDenied(MESSAGES[view_desk])
            return view(request, *args, **kwargs)

        return wrapper

    router.add_decorator(decorate, mode="operation")
