"""`kefu demo` (foundation issue §7 "Demo data", design.md "Demo users")."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from testkit import module_data

from kefu.accounts.models import BusinessLine, Team, User
from kefu.cli import main
from kefu.core import search
from kefu.customers.models import Customer, PhoneGram
from kefu.customers.selectors import customer_search_for
from kefu.demo.builder import DEMO_PASSWORD
from kefu.tickets.models import Status, Ticket, TicketEvent
from kefu.training import drill_workbench

DEMO_TICKETS = 300


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data set with 300 tickets, built once for the module through the command line
    (every test here only reads it)."""
    out = io.StringIO()
    with module_data(django_db_blocker, tmp_path_factory.mktemp("demo")):
        with contextlib.redirect_stdout(out):
            code = main(["demo", "--tickets", str(DEMO_TICKETS), "--quiet"])
        assert code == 0
        yield out.getvalue()


@pytest.fixture
def demo(built, db):
    return built


def test_demo_builds_the_four_business_lines(demo):
    lines = {bl.code: (bl.name, bl.industry) for bl in BusinessLine.objects.all()}

    assert lines == {
        "shop": ("网店", "ecommerce"),
        "wy": ("物业服务中心", "property"),
        "4s": ("4S店售后", "auto"),
        "edu": ("启航教育培训中心", "education"),
    }


@pytest.mark.parametrize(
    ("username", "role", "line", "department", "team"),
    [
        ("admin", "admin", None, None, None),
        ("manager", "manager", "shop", None, None),
        ("supervisor", "supervisor", "shop", "客服部", None),
        ("lead", "lead", "shop", "客服部", "售后一组"),
        ("agent", "agent", "shop", "客服部", "售后一组"),
        ("agent2", "agent", "shop", "客服部", "售前组"),
        ("wy_agent", "agent", "wy", "客服中心", "前台组"),
        ("4s_agent", "agent", "4s", "售后服务部", "服务前台"),
        ("edu_supervisor", "supervisor", "edu", "客服部", None),
        ("edu_lead", "lead", "edu", "客服部", "约课组"),
        ("edu_agent", "agent", "edu", "客服部", "约课组"),
    ],
)
def test_demo_users_have_the_stable_usernames_roles_and_teams(
    demo, username, role, line, department, team
):
    user = User.objects.select_related("business_line", "department", "team").get(username=username)

    assert user.role == role
    assert (user.business_line.code if user.business_line else None) == line
    assert (user.department.name if user.department else None) == department
    assert (user.team.name if user.team else None) == team
    assert user.check_password(DEMO_PASSWORD)
    assert user.display_name


def test_every_demo_team_has_people_and_tickets(demo):
    teams = Team.objects.filter(is_practice=False)

    assert teams.count() == 11
    for team in teams:
        assert team.members.filter(role="agent").exists(), team.name
        assert team.members.filter(role="lead").count() == 1, team.name
        assert Ticket.objects.filter(team=team).exists(), team.name
    # the shop's 双11 practice team (the live drill, issue 19): its tickets are practice ones only
    practice = Team.objects.get(is_practice=True)
    assert Ticket.all_objects.filter(team=practice).exists()
    assert not Ticket.all_objects.filter(team=practice, is_practice=False).exists()


def test_demo_builds_the_number_of_tickets_asked_for_over_180_days(demo):
    tickets = Ticket.objects.all()
    oldest = tickets.order_by("created_at").first().created_at
    newest = tickets.order_by("-created_at").first().created_at

    assert tickets.count() == DEMO_TICKETS
    assert (newest - oldest).days >= 150
    assert tickets.filter(status__in=(Status.RESOLVED, Status.CLOSED)).exists()
    assert tickets.filter(status__in=(Status.NEW, Status.IN_PROGRESS, Status.PENDING)).exists()


def test_demo_ticket_numbers_are_unique_and_carry_date_and_id(demo):
    numbers = list(Ticket.objects.values_list("pk", "number"))

    assert len({n for _pk, n in numbers}) == len(numbers)
    for pk, number in numbers:
        assert re.fullmatch(r"T\d{6}\d{7}", number)
        assert int(number[-7:]) == pk


def test_every_demo_ticket_has_a_timeline_from_its_creation(demo):
    # every real ticket (the count asked for) and every practice ticket of the live drill
    created = TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED, ticket__is_practice=False)
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED).count() == (
        Ticket.all_objects.count()
    )
    closed = Ticket.objects.filter(status=Status.CLOSED).first()

    assert created.count() == DEMO_TICKETS
    assert list(closed.events.filter(kind="status").values_list("after", flat=True))[-1] == str(
        Status.CLOSED.label
    )
    assert closed.closed_at >= closed.resolved_at >= closed.created_at


def test_demo_customers_have_mobile_numbers_found_by_four_digits(demo):
    agent = User.objects.get(username="agent")
    # the live drill's stand-in customer (training.drill_workbench, 演练客户) has no real number
    customers = list(
        Customer.objects.filter(business_line=agent.business_line).exclude(
            phone=drill_workbench.PRACTICE_PHONE
        )[:20]
    )

    assert Customer.objects.count() >= DEMO_TICKETS
    for customer in customers:
        assert re.fullmatch(r"1[358]\d{9}", customer.phone)
        assert PhoneGram.objects.filter(customer=customer).count() >= 4
        found = customer_search_for(user=agent, q=customer.phone[-4:])
        assert customer in found


def test_demo_ticket_found_by_a_chinese_keyword(demo):
    ticket = Ticket.objects.order_by("id").first()
    keyword = max(search.tokens(ticket.title), key=len)

    found = search.filter_queryset(Ticket.objects.all(), keyword)

    assert ticket in found
    assert found.count() < Ticket.objects.count()


def test_demo_prints_the_logins_with_the_password(demo):
    assert DEMO_PASSWORD in demo
    for username in ("admin", "manager", "supervisor", "lead", "agent", "agent2", "wy_agent"):
        assert re.search(rf"^{username}\s", demo, re.MULTILINE)
    assert re.search(r"^4s_agent\s", demo, re.MULTILINE)
    assert re.search(r"^edu_agent\s", demo, re.MULTILINE)


def test_demo_refuses_a_database_that_holds_data(demo, capsys):
    code = main(["demo", "--tickets", "10", "--quiet"])
    err = capsys.readouterr().err

    assert code == 2
    assert "empty database" in err
    assert Ticket.objects.count() == DEMO_TICKETS


def test_demo_rejects_a_ticket_count_below_one(db, capsys):
    users = User.objects.count()
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--tickets", "0"])

    assert exit_.value.code == 2
    assert "at least 1" in capsys.readouterr().err
    assert User.objects.count() == users
