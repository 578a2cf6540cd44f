from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.business_calendar import COVERAGE_DAYS, calendar_coverage_warning
from kefu.core.errors import Invalid
from kefu.reports import charts, selectors
from kefu.reports.month_figures import month_figures


def _ticket_link(ticket) -> str:
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return reverse("tickets:list") + "?" + urlencode({"q": ticket.number})


def _chart(chart_id: str, title: str, rows) -> dict:
    """An ECharts bar chart (reports/_chart.html draws it; the data travels as JSON)."""
    return charts.chart(chart_id, title, [(label, n) for _c, label, n in rows])


def _calendar_warning(user) -> dict | None:
    """For an administrator (the calendar every line shares) or a manager (his line's): the days
    of the next COVERAGE_DAYS that no holiday data decides, and where to enter them."""
    if scope.is_admin(user):
        line, url = None, reverse("accounts:org_calendar")
    elif scope.at_least(user, scope.MANAGER) and user.business_line_id:
        line = user.business_line
        url = reverse("accounts:org_calendar_line", args=[line.pk])
    else:
        return None
    try:
        missing = calendar_coverage_warning(line)
    except Invalid:  # the line's calendar policy is broken: its own page says so
        missing = None
    if not missing:
        return None
    return {"count": len(missing), "first": missing[0], "days": COVERAGE_DAYS, "url": url}


@login_required
def home(request):
    figures = selectors.home_figures(user=request.user)
    for ticket in figures.my_open:
        ticket.link = _ticket_link(ticket)
    context = {
        "figures": figures,
        "total": sum(n for _c, _l, n in figures.by_status),
        "type_chart": _chart("chart-type", _("Tickets by type"), figures.by_type),
        "channel_chart": _chart("chart-channel", _("Tickets by channel"), figures.by_channel),
        "tickets_url": reverse("tickets:list"),
        "now": figures.now,
        "calendar_warning": _calendar_warning(request.user),
        "several_lines": len({r["business_line__name"] for r in figures.by_team or []}) > 1,
    }
    return render(request, "reports/home.html", context)


@login_required
def home_month(request):
    """This month against last month per capability: loaded by the home page after it shows
    (a few dozen aggregates, kept out of the home page's own bounded queries)."""
    this_month, last_month, by_month = month_figures(user=request.user)
    context = {"this_month": this_month, "last_month": last_month, "by_month": by_month}
    return render(request, "reports/_month.html", context)
