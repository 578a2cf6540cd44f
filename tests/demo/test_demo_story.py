"""The demo tells a true story (issue 15): after `kefu demo`, the supervisor's first page shows
lived, non-zero figures for this month and last month in every capability, in believable
ratios, and the history obeys the rules the live services enforce."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import F, Q
from django.urls import reverse

from kefu.accounts.models import User
from kefu.demo.builder import build_demo
from kefu.followups.models import CallbackTask, Outcome
from kefu.reports.month_figures import month_figures
from kefu.tickets.models import Status, Ticket
from kefu.tickets.models_sla import Clock, Level, SlaEvent

TICKETS = 3000
# mid-month, so "this month" has days behind it whatever day the suite runs
NOW = dt.datetime(2026, 11, 18, 3, 0, tzinfo=dt.UTC)  # 11:00 in Shanghai

EVERY_CAPABILITY = (
    "received",
    "resolved",
    "complaints",
    "repeat",
    "malignant",
    "callback_rate",
    "csi",
    "nps",
    "answers",
    "sla_warnings",
    "sla_breaches",
    "escalations",
    "calls",
    "letters",
    "forecast",
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        build_demo(size="small", tickets=TICKETS)
    yield
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def figures(demo, db):
    def of(username: str) -> dict:
        user = User.objects.get(username=username)
        with time_machine.travel(NOW, tick=False):
            _this, _last, rows = month_figures(user=user)
        return {row.key: row for row in rows}

    return of


def test_supervisor_home_has_this_and_last_month_in_every_capability(figures):
    rows = figures("supervisor")
    for key in EVERY_CAPABILITY:
        assert key in rows, f"no {key} figure on the supervisor's home"
        row = rows[key]
        assert row.this_n, f"{key} this month is {row.this!r}"
        assert row.last_n, f"{key} last month is {row.last!r}"
        assert "—" not in row.this and "—" not in row.last


def test_supervisor_home_page_shows_the_figures(demo, db, client):
    client.force_login(User.objects.get(username="supervisor"))
    with time_machine.travel(NOW, tick=False):
        home = client.get("/")
        figures = client.get(reverse("home_month"))
    # the home page loads the month figures after it shows (its own queries stay bounded)
    assert home.status_code == 200
    assert f'hx-get="{reverse("home_month")}"' in home.content.decode()
    html = figures.content.decode()
    assert figures.status_code == 200
    assert 'id="by-month"' in html
    assert 'data-figure="callback_rate"' in html and 'data-figure="csi"' in html
    assert "2026-11" in html and "2026-10" in html


def test_the_ratios_are_believable(figures):
    rows = figures("supervisor")
    for key in ("this_n", "last_n"):
        assert Decimal(75) <= getattr(rows["callback_rate"], key) <= Decimal(97)
        assert Decimal(84) <= getattr(rows["csi"], key) <= Decimal(96)
        assert Decimal(10) <= getattr(rows["nps"], key) <= Decimal(80)
        assert getattr(rows["breach_rate"], key) <= Decimal(8)
    assert rows["malignant"].last_n <= rows["repeat"].last_n + rows["malignant"].last_n
    assert rows["complaints"].last_n < rows["received"].last_n / 4


@pytest.mark.parametrize("username", ["manager", "lead", "agent", "wy_supervisor"])
def test_other_roles_see_their_scope_lived_too(figures, username):
    rows = figures(username)
    for key in ("received", "resolved", "callback_rate", "calls"):
        assert rows[key].this_n and rows[key].last_n, (username, key, rows[key])


def test_a_closed_complaint_always_had_a_satisfied_callback(demo, db):
    closed = Ticket.objects.filter(type="complaint", status=Status.CLOSED)
    assert closed.exists()
    missing = closed.exclude(
        pk__in=CallbackTask.objects.filter(outcome=Outcome.SATISFIED).values("ticket_id")
    )
    assert not missing.exists(), list(missing.values_list("number", flat=True)[:5])


def test_an_sla_breach_only_when_the_due_time_had_passed(demo, db):
    breaches = SlaEvent.objects.filter(level=Level.BREACH)
    assert breaches.exists()
    # never before the due time, and only for tickets resolved late or still open past due
    assert not breaches.filter(created_at__lt=F("due_at")).exists()
    assert (
        not breaches.filter(clock=Clock.RESOLUTION)
        .filter(
            Q(ticket__resolved_at__lte=F("ticket__due_at"))
            | Q(ticket__resolved_at__isnull=True, ticket__due_at__gt=NOW)
        )
        .exists()
    )
    # a first-response breach only for a ticket answered after its first-response due time
    late = breaches.filter(clock=Clock.FIRST_RESPONSE)
    assert late.exists()
    assert not late.filter(ticket__first_response_at__lte=F("due_at")).exists()


def test_callbacks_follow_the_resolution_and_register_their_calls(demo, db):
    done = CallbackTask.objects.filter(done_at__isnull=False, ticket__isnull=False)
    assert not done.filter(done_at__lt=F("ticket__resolved_at")).exists()
    assert not done.filter(done_at__gt=NOW).exists()
    first = CallbackTask.objects.filter(attempt=1, due_on__lt=NOW.date())
    reached = first.filter(reached_at__isnull=False).count()
    assert 0.75 < reached / first.count() < 0.97
