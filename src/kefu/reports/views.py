from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kefu.reports import charts, selectors


def _ticket_link(ticket) -> str:
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return reverse("tickets:list") + "?" + urlencode({"q": ticket.number})


def _chart(chart_id: str, title: str, rows) -> str:
    # charts.bar_chart escapes every text it writes, so its markup is safe to embed
    return mark_safe(
        charts.bar_chart(title, [(label, n) for _c, label, n in rows], chart_id=chart_id)
    )


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
        "several_lines": len({r["business_line__name"] for r in figures.by_team or []}) > 1,
    }
    return render(request, "reports/home.html", context)
