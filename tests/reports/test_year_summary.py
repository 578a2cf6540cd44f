"""The year-end summary (issue 22 §3; RPT-2, RPT-3): the monthly statement's figures over twelve
months, recomputed from raw rows; year on year; targets met or missed; signed once, frozen."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.reports import periodic_services, periods, statement, yearly
from kefu.reports.models import YearSummary
from kefu.tickets.models import Ticket

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def year_data(org, agent, make_ticket):
    """Complaints: 2 in March 2026, 3 in October 2026 (one on 31 October at 23:30 local time,
    the 31st in China though the 31st 15:30 UTC), 1 in October 2025; an enquiry in May 2026."""
    for when, n in (
        (dt.datetime(2026, 3, 10, 10, tzinfo=TZ), 2),
        (dt.datetime(2026, 10, 15, 10, tzinfo=TZ), 2),
        (dt.datetime(2026, 10, 31, 23, 30, tzinfo=TZ), 1),
        (dt.datetime(2025, 10, 15, 10, tzinfo=TZ), 1),
    ):
        with time_machine.travel(when, tick=False):
            for _ in range(n):
                make_ticket(agent)
    with time_machine.travel(dt.datetime(2026, 5, 5, 10, tzinfo=TZ), tick=False):
        make_ticket(agent, type="consult")


def test_rpt3_year_is_the_statements_figures_over_twelve_months(year_data, manager):
    # when
    data = yearly.year_summary(manager, year=periods.parse_year("2026"))
    # then: twelve months, each equal to that month's statement and to the raw rows
    assert [m["month"] for m in data["months"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    for row in data["months"]:
        month = statement.monthly(manager, period=row["month"])
        assert row["complaints"] == month["complaints"]["total"]
        assert row["repeat"] == month["complaints"]["repeat"]
        assert row["callbacks_due"] == month["callbacks"]["due"]
        assert row["first_response"] == month["sla"]["first_response"]["total"]
        assert row["csi"] == month["csi"]["value"]
    by_month = {m["month"]: m["complaints"] for m in data["months"]}
    assert by_month["2026-03"] == 2 and by_month["2026-10"] == 3 and by_month["2026-11"] == 0
    raw = Ticket.objects.filter(
        type="complaint",
        created_at__gte=dt.datetime(2026, 1, 1, tzinfo=TZ),
        created_at__lt=dt.datetime(2027, 1, 1, tzinfo=TZ),
    ).count()
    assert data["total"]["complaints"] == raw == 5
    # year on year: 5 against 1
    assert data["last_year"]["complaints"] == 1 and data["year_on_year"]["complaints"] == 4
    # targets: no callbacks were due and no survey answered: no figure, neither met nor missed
    targets = {t["metric"]: t for t in data["targets"]}
    assert targets["callback_rate"]["target"] == 100.0
    assert (
        targets["callback_rate"]["met"] is None and targets["callback_rate"]["months_missed"] == 0
    )


def test_rpt2_year_end_summary_signed_once_from_december(
    year_data, manager, agent, make_ticket, client
):
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=TZ), tick=False),
        pytest.raises(Invalid),
    ):
        periodic_services.year_sign(user=manager, year="2026", summary="总结")
    with time_machine.travel(dt.datetime(2026, 12, 28, 10, tzinfo=TZ), tick=False):
        with pytest.raises(PermissionDenied):
            periodic_services.year_sign(user=agent, year="2026", summary="总结")
        with pytest.raises(Invalid):
            periodic_services.year_sign(user=manager, year="20x6", summary="总结")
        signed = periodic_services.year_sign(user=manager, year="2026", summary="全年投诉五件。")
        with pytest.raises(Conflict):
            periodic_services.year_sign(user=manager, year="2026", summary="再签")
    assert YearSummary.objects.count() == 1
    assert signed.snapshot["total"]["complaints"] == 5 and signed.signed_by == manager
    # a late complaint of 2026: the frozen summary keeps 5, the page lists the difference
    with time_machine.travel(dt.datetime(2026, 12, 29, 10, tzinfo=TZ), tick=False):
        make_ticket(agent)
        client.force_login(manager)
        page = client.get("/reports/yearly/?year=2026")
    assert ("Complaints", 5, 6) in page.context["changes"]
    signed.refresh_from_db()
    assert signed.snapshot["total"]["complaints"] == 5


def test_cli_periodic_reports_json_and_exit_code_2(year_data, capsys):
    from kefu.cli import main

    assert main(["reports", "yearly", "--year", "2026", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["complaints"] == 5 and len(data["months"]) == 12
    assert main(["reports", "daily", "--day", "2026-10-15", "--json"]) == 0
    day = json.loads(capsys.readouterr().out)
    assert day["total"]["received"] == 2
    assert main(["reports", "weekly", "--week", "2026-W42", "--json"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert week["summary"]["complaints"] == 2 and "feedback" in week
    assert main(["reports", "yearly", "--year", "26"]) == 2
    assert "2026" in capsys.readouterr().err
    assert main(["reports", "daily", "--day", "2026-02-30"]) == 2
    assert main(["reports", "weekly", "--week", "2026-W60"]) == 2


def test_closed_months_are_counted_once_and_again_after_a_late_change(
    year_data, manager, client, monkeypatch
):
    """The closed months come from the month cache; a late change to a ticket of a closed month
    (its type, its resolution) counts that month and the later ones again, and the signed year
    shows the difference."""
    from kefu.reports.models import MonthFigures
    from kefu.tickets.models_sla import Clock, SlaClock
    from kefu.tickets.services import ticket_update

    year = periods.parse_year("2026")
    counted: list[list[str]] = []
    real = yearly._count_months

    def spy(user, line_id, months):
        counted.append([m.label for m in months])
        return real(user, line_id, months)

    monkeypatch.setattr(yearly, "_count_months", spy)

    def month(data, label):
        return next(m for m in data["months"] if m["month"] == label)

    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=TZ), tick=False):
        first = yearly.year_summary(manager, year=year)
        signed = periodic_services.year_sign(user=manager, year="2026", summary="全年投诉五件。")
        # 2025-01 … 2026-11 are closed and kept; December runs and is counted live
        kept = MonthFigures.objects.filter(scope=f"line:{manager.business_line_id}")
        assert kept.count() == 23
        assert counted == [
            [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)],
            ["2026-12"],
        ]
        assert signed.snapshot["total"]["complaints"] == first["total"]["complaints"] == 5
        # a late change: an October complaint becomes an enquiry, the May enquiry is resolved
        october = Ticket.objects.filter(
            type="complaint", created_at__month=10, created_at__year=2026
        )
        ticket = october.order_by("id").first()
        ticket_update(
            actor=manager, ticket=ticket, version=ticket.version, changes={"type": "consult"}
        )
        may = Ticket.objects.get(type="consult", created_at__year=2026, created_at__month=5)
        ticket_update(
            actor=manager, ticket=may, version=may.version, changes={"status": "resolved"}
        )
        counted.clear()
        after = yearly.year_summary(manager, year=year)
        october_statement = statement.monthly(manager, period="2026-10")
        client.force_login(manager)
        page = client.get("/reports/yearly/?year=2026")
    # May and October counted again (the changed tickets' months) with the running December,
    # no others; the page then counts December alone
    assert counted == [["2026-05", "2026-10", "2026-12"], ["2026-12"]]
    # the figures are the raw rows' again
    raw_october = Ticket.objects.filter(
        type="complaint",
        created_at__gte=dt.datetime(2026, 10, 1, tzinfo=TZ),
        created_at__lt=dt.datetime(2026, 11, 1, tzinfo=TZ),
    ).count()
    assert month(after, "2026-10")["complaints"] == raw_october == 2
    assert october_statement["complaints"]["total"] == 2  # the statement reads the same rows
    assert after["total"]["complaints"] == 4 and month(first, "2026-10")["complaints"] == 3
    resolved_in_may = SlaClock.objects.filter(
        kind=Clock.RESOLUTION,
        stopped_at__isnull=False,
        ticket__created_at__gte=dt.datetime(2026, 5, 1, tzinfo=TZ),
        ticket__created_at__lt=dt.datetime(2026, 6, 1, tzinfo=TZ),
    ).count()
    assert month(after, "2026-05")["resolution"] == resolved_in_may == 1
    assert month(first, "2026-05")["resolution"] == 0
    # the signed summary keeps its figures and the page marks the difference
    assert ("Complaints", 5, 4) in page.context["changes"]


def test_a_late_change_moves_the_stamps_of_its_closed_months(org, manager, agent, make_ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.reports import month_cache
    from kefu.reports.models import MonthStamp
    from kefu.tickets.services import ticket_update

    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=TZ), tick=False):
        assert month_cache.late_change(dt.date(2026, 9, 15), dt.date(2026, 11, 2)) == 2
        assert month_cache.late_change(dt.date(2026, 12, 1)) == 0  # December runs
        month_cache.late_change(dt.date(2026, 11, 30), dt.date(2026, 11, 1))
        stamps = dict(MonthStamp.objects.values_list("month", "version"))
        assert stamps == {dt.date(2026, 9, 1): 1, dt.date(2026, 11, 1): 2}
        # a change to a ticket of the running month costs the subscribers no query
        ticket = make_ticket(agent)
        with CaptureQueriesContext(connection) as queries:
            ticket_update(
                actor=manager, ticket=ticket, version=ticket.version, changes={"type": "consult"}
            )
        assert not [q for q in queries if "reports_monthstamp" in q["sql"]]
        assert dict(MonthStamp.objects.values_list("month", "version")) == stamps


def test_a_reopen_counts_again_the_month_its_cancelled_callback_was_due_in(
    org, manager, agent, make_ticket, monkeypatch
):
    """An enquiry of September resolved on 29 September has its callback due on 6 October; its
    reopen in December cancels the callback: October's callbacks due drop, as the raw rows."""
    from kefu.followups.models import CallbackTask, TaskStatus
    from kefu.tickets.services import ticket_update

    with time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=TZ), tick=False):
        ticket = make_ticket(agent, type="consult")
    with time_machine.travel(dt.datetime(2026, 9, 29, 10, tzinfo=TZ), tick=False):
        ticket = ticket_update(
            actor=manager, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )
    counted: list[list[str]] = []
    real = yearly._count_months

    def spy(user, line_id, months):
        counted.append([m.label for m in months])
        return real(user, line_id, months)

    monkeypatch.setattr(yearly, "_count_months", spy)

    def october(data):
        return next(m for m in data["months"] if m["month"] == "2026-10")

    def raw_due():
        return CallbackTask.objects.filter(
            attempt=1,
            due_on__gte=dt.date(2026, 10, 1),
            due_on__lt=dt.date(2026, 11, 1),
            status__in=(TaskStatus.OPEN, TaskStatus.DONE),
        ).count()

    year = periods.parse_year("2026")
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=TZ), tick=False):
        before = yearly.year_summary(manager, year=year)
        assert october(before)["callbacks_due"] == raw_due() == 1
        ticket.refresh_from_db()
        ticket_update(
            actor=manager, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
        )
        counted.clear()
        after = yearly.year_summary(manager, year=year)
    assert october(after)["callbacks_due"] == raw_due() == 0
    # the ticket's month (September) and its callback's (October), with the running December
    assert counted == [["2026-09", "2026-10", "2026-12"]]


def test_a_letter_that_completes_a_callback_of_a_closed_month_counts_it_again(
    org, manager, agent, make_customer
):
    """Sending the letter an event-letter callback asks for marks the task done in a bulk update
    that logs no callback: the kept October still shows it completed, as the raw rows do."""
    from kefu.followups.models import CallbackTask, Kind
    from kefu.followups.services.callbacks import make_task
    from kefu.followups.services.registers import letter_record_create

    customer = make_customer(org.shop)
    with time_machine.travel(dt.datetime(2026, 10, 10, 10, tzinfo=TZ), tick=False):
        task, _created = make_task(
            line=org.shop,
            customer_id=customer.pk,
            kind=Kind.EVENT_LETTER,
            script="",
            window=(dt.date(2026, 10, 10), dt.date(2026, 10, 15)),
            owner_id=agent.pk,
        )

    def october(data):
        return next(m for m in data["months"] if m["month"] == "2026-10")

    def raw_completed():
        return CallbackTask.objects.filter(
            attempt=1, due_on__month=10, reached_at__isnull=False
        ).count()

    year = periods.parse_year("2026")
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=TZ), tick=False):
        before = yearly.year_summary(manager, year=year)
        assert october(before)["callbacks_due"] == 1
        assert october(before)["callbacks_completed"] == raw_completed() == 0
        letter_record_create(
            actor=agent, customer=customer, kind="notice", channel="post", callback=task
        )
        after = yearly.year_summary(manager, year=year)
    assert october(after)["callbacks_completed"] == raw_completed() == 1


def test_a_deleted_category_counts_its_closed_months_again(org, manager, agent, make_ticket):
    """Deleting a category (the admin's category page) empties the category of its tickets in an
    update that publishes no event: the kept October lists the complaint under no category, as
    the raw rows do, never under the deleted category's id."""
    from kefu.tickets.models import Category

    category = Category.objects.create(business_line=org.shop, name="物流破损")
    with time_machine.travel(dt.datetime(2026, 10, 15, 10, tzinfo=TZ), tick=False):
        make_ticket(agent, category=category.pk)
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=TZ), tick=False):
        before = statement.monthly(manager, period="2026-10")["complaints"]["by_type"]
        assert [(r["label"], r["count"]) for r in before] == [("物流破损", 1)]
        category.delete()
        after = statement.monthly(manager, period="2026-10")["complaints"]["by_type"]
    assert [(r["key"], r["count"]) for r in after] == [(statement.NO_CATEGORY, 1)]
    assert Ticket.objects.filter(category__isnull=True).count() == 1
