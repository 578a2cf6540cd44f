"""Pages of the cockpit (管理驾驶舱): the cockpit of the viewer's role (also loaded into the home
page), and the rows behind each of its figures. Figures are cached per viewer for at most
COCKPIT_TTL seconds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kefu.reports import charts, cockpit

COCKPIT_TTL = 60  # seconds: figures are at most this stale (issue 22 §1)
DRILL_ROWS = 500


def cached_figures(user, w: cockpit.Window) -> dict:
    """The viewer's figures, computed at most once a minute (keyed by viewer, role and window)."""
    key = f"reports:cockpit:{user.pk}:{cockpit.role_of(user)}:{w.days}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = cockpit.figures(user, w)
        cache.set(key, data, COCKPIT_TTL)
    return data


def _drill_url(days: int, figure: str, key: str = "") -> str:
    params = {"days": days, "figure": figure, **({"key": key} if key else {})}
    return reverse("reports:cockpit_drill") + "?" + urlencode(params)


def _with_links(rows: list[dict], days: int, figure: str) -> list[dict]:
    return [{**r, "url": _drill_url(days, figure, r["key"])} for r in rows]


def _context(request) -> dict:
    w = cockpit.window(request.GET.get("days"))
    data = cached_figures(request.user, w)
    days = w.days
    links = {f: _drill_url(days, f) for f in cockpit.allowed(request.user)}
    context = {"c": data, "days": days, "windows": cockpit.WINDOWS, "links": links}
    if "lead" in data:
        load = _with_links(data["lead"]["load"], days, "load")
        context["load"] = load
        context["load_chart"] = charts.chart(
            "chart-load", _("Open tickets per agent"), [(r["label"], r["count"]) for r in load]
        )
    if "manager" in data:
        m = data["manager"]
        ages = {"0-1": _("under 1 day"), "1-3": _("1–3 days"), "3-7": _("3–7 days")}
        ages |= {"7-30": _("7–30 days"), "30+": _("over 30 days")}
        backlog = [{**r, "label": ages[r["key"]]} for r in m["backlog"]]
        context.update(
            by_channel=_with_links(m["by_channel"], days, "channel"),
            by_type=_with_links(m["by_type"], days, "type"),
            backlog=_with_links(backlog, days, "backlog"),
            grades=_with_links(m["grades"], days, "grade"),
            channel_chart=_bar("chart-cockpit-channel", _("Received by channel"), m["by_channel"]),
            type_chart=_bar("chart-cockpit-type", _("Received by type"), m["by_type"]),
            backlog_chart=_bar("chart-backlog", _("Open tickets by age"), backlog),
            grade_chart=_bar("chart-grades", _("Complaints by grade"), m["grades"]),
        )
    return context


def _bar(chart_id: str, title: str, rows: list[dict]) -> dict:
    return charts.chart(chart_id, title, [(r["label"], r["count"]) for r in rows])


@login_required
@require_safe
def page(request):
    return render(request, "reports/cockpit.html", _context(request))


@login_required
@require_safe
def panel(request):
    """The cockpit without the page around it: the home page loads it after it shows."""
    return render(request, "reports/_cockpit.html", _context(request))


def figure_words() -> dict[str, str]:
    """The name of each figure, for the heading of its rows."""
    return {
        "my_open": _("My open tickets"),
        "my_due_today": _("Mine due today"),
        "my_overdue": _("Mine overdue"),
        "my_first_response": _("My first responses within SLA"),
        "my_first_response_met": _("My first responses within SLA"),
        "my_callbacks_today": _("My callbacks due today"),
        "my_callbacks_overdue": _("My callbacks overdue"),
        "queue_open": _("Open in my scope"),
        "queue_unassigned": _("Unassigned"),
        "queue_due_today": _("Due today in my scope"),
        "queue_overdue": _("Overdue in my scope"),
        "load": _("Open tickets per agent"),
        "received": _("Tickets received"),
        "channel": _("Received by channel"),
        "type": _("Received by type"),
        "first_response": _("First response within SLA"),
        "first_response_met": _("First response within SLA"),
        "resolution": _("Resolution within SLA"),
        "resolution_met": _("Resolution within SLA"),
        "first_response_time": _("First response, median"),
        "resolution_time": _("Resolution, median"),
        "backlog": _("Open backlog"),
        "callbacks_due": _("Callbacks due"),
        "callbacks_completed": _("Callbacks completed"),
        "csi": _("CSI"),
        "grade": _("Complaints by grade"),
    }


@login_required
@require_safe
def drill(request):
    w = cockpit.window(request.GET.get("days"))
    figure = (request.GET.get("figure") or "").strip()
    key = (request.GET.get("key") or "").strip()
    qs = cockpit.drill(request.user, w, figure, key)
    total = qs.count()
    model = qs.model._meta.model_name
    related = {
        "ticket": ("team",),
        "callbacktask": ("owner", "ticket"),
        "surveyanswer": ("agent",),
    }[model]
    rows = list(qs.select_related(*related).order_by("-pk")[:DRILL_ROWS])
    context = {
        "rows": rows,
        "total": total,
        "truncated": total > len(rows),
        "kind": model,
        "period": w.month.label,
        "back": reverse("reports:cockpit") + "?" + urlencode({"days": w.days}),
        "figure": figure,
        "figure_label": figure_words().get(figure, ""),
    }
    return render(request, "reports/cockpit_drill.html", context)
