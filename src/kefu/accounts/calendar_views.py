"""Business calendar pages (organisation area): the global calendar (administrators) and each
business line's calendar (administrators, and the line's manager): working windows and calendar
kind, override days of a year, a whole year the holiday package does not cover, a month grid.

Every change goes through ``core.business_calendar``; changes only by POST, then PRG."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kefu.accounts import calendar_selectors as selectors
from kefu.accounts.calendar_forms import (
    CalendarDayDeleteForm,
    CalendarDayForm,
    CalendarSettingsForm,
    CalendarYearForm,
)
from kefu.core import business_calendar, scope
from kefu.core.calendar import CN, DEFAULT_WINDOWS, package_covers_year, package_last_year
from kefu.core.errors import DomainError, PermissionDenied

ACTIONS = ("settings", "day_set", "day_delete", "year")


def _month(request, today: dt.date) -> tuple[int, int]:
    """The year and month the page shows (?year=&month=), today's by default."""
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or (today.month if year == today.year else 1))
    except ValueError:
        return today.year, today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def _settings_initial(line) -> dict:
    hours = line.policy("working_hours") or [str(w) for w in DEFAULT_WINDOWS]
    if isinstance(hours, str):
        hours = [hours]
    return {"working_hours": ", ".join(hours), "calendar": line.policy("calendar") or CN}


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _domain_error(exc: DomainError) -> str:
    details = "; ".join(str(v) for v in exc.fields.values() if str(v) != str(exc.message))
    return f"{exc.message} {details}".strip()


def _apply(request, line) -> tuple[str, str]:
    """Run the posted action; (level, message) for the flash."""
    action = request.POST.get("action")
    actor = request.user
    if action == "settings" and line is not None:
        form = CalendarSettingsForm(request.POST)
        if not form.is_valid():
            return "error", _form_errors(form)
        business_calendar.business_line_calendar_set(
            actor=actor, business_line=line, **form.cleaned_data
        )
        return "success", _("The working hours and calendar are saved.")
    if action == "day_set":
        form = CalendarDayForm(request.POST)
        if not form.is_valid():
            return "error", _form_errors(form)
        business_calendar.calendar_day_set(actor=actor, business_line=line, **form.cleaned_data)
        return "success", _("%(date)s is saved.") % {"date": form.cleaned_data["date"]}
    if action == "day_delete":
        form = CalendarDayDeleteForm(request.POST)
        if not form.is_valid():
            return "error", _("Choose the day to remove.")
        business_calendar.calendar_day_delete(
            actor=actor, business_line=line, date=form.cleaned_data["date"]
        )
        return "success", _(
            "%(date)s is removed; the holiday data or the day of the week decides it again."
        ) % {"date": form.cleaned_data["date"]}
    if action == "year":
        form = CalendarYearForm(request.POST)
        if not form.is_valid():
            return "error", _form_errors(form)
        created = business_calendar.calendar_year_enter(
            actor=actor, business_line=line, **form.cleaned_data
        )
        return "success", _("The year %(year)s is entered: %(n)d days added.") % {
            "year": form.cleaned_data["year"],
            "n": created,
        }
    return "error", _("Unknown action.")


def _page(request, line):
    today = timezone.localdate()
    here = (
        reverse("accounts:org_calendar_line", args=[line.pk])
        if line is not None
        else reverse("accounts:org_calendar")
    )
    if request.method == "POST":
        try:
            level, text = _apply(request, line)
        except PermissionDenied:
            raise
        except DomainError as exc:
            level, text = "error", _domain_error(exc)
        getattr(messages, level)(request, text)
        query = {k: request.POST[k] for k in ("year", "month") if request.POST.get(k)}
        if not query.get("year", "").isdigit():
            query = {}
        return redirect(f"{here}?{urlencode(query)}" if query else here)
    year, month = _month(request, today)
    cal = business_calendar.calendar_for(line)
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    missing = business_calendar.calendar_coverage_warning(line, today=today)
    context = {
        "line": line,
        "lines": selectors.calendar_lines_for(actor=request.user),
        "is_admin": scope.is_admin(request.user),
        "here": here,
        "year": year,
        "month": month,
        "first": first,
        "previous": previous,
        "following": following.replace(day=1),
        "weeks": selectors.month_grid(cal, year, month, today),
        "weekdays": [dt.date(2024, 1, d) for d in range(1, 8)],  # Monday 1 Jan 2024 onwards
        "days": selectors.calendar_days_for(business_line=line, year=year),
        "package_covers": package_covers_year(year),
        "package_last_year": package_last_year(),
        "missing": missing or [],
        "around_the_clock": line is not None and line.policy("calendar") == "24x7",
        "settings_form": CalendarSettingsForm(initial=_settings_initial(line)) if line else None,
        "day_form": CalendarDayForm(initial={"is_workday": "0"}),
        "year_form": CalendarYearForm(initial={"year": max(year, package_last_year() + 1)}),
    }
    return render(request, "accounts/calendar/calendar.html", context)


@login_required
def calendar_global(request):
    """The calendar every business line shares (administrators only)."""
    if not scope.is_admin(request.user):
        raise PermissionDenied()
    return _page(request, None)


@login_required
def calendar_line(request, pk: int):
    return _page(request, selectors.calendar_line_get(actor=request.user, pk=pk))
