"""The More menu's desks belong to a kind of work (accounts.desks): a shop's agent is not offered
the property office, the lesson desk or the 4S workshop, a property agent is offered the
property office only, an administrator every desk. Opened by address, a desk the user's line
does not run shows an empty state that says so; a write to it is refused (403) and changes
nothing; an object of it still answers 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.desks import desks_for
from kefu.accounts.models import Team
from kefu.booking.models import RepairOrder
from kefu.property.models import CommunityActivity

pytestmark = pytest.mark.django_db

NAV = {
    "commerce": 'id="nav-commerce"',
    "property": 'id="nav-property"',
    "lessons": 'id="nav-booking"',
    "workshop": 'id="nav-workshop"',
    "repair_centre": 'id="nav-repair-centre"',
}


def _menu(client) -> set[str]:
    html = client.get(reverse("home")).content.decode()
    return {desk for desk, anchor in NAV.items() if anchor in html}


def test_a_shop_agent_is_not_offered_the_property_lesson_or_workshop_desks(web_as, agent):
    # the online shop's after-sales desk repairs the devices it sold
    assert _menu(web_as(agent)) == {"commerce", "repair_centre"}


def test_a_property_agent_is_offered_the_property_office_only(web_as, wy_agent):
    assert _menu(web_as(wy_agent)) == {"property"}


def test_a_property_agent_opening_e_commerce_operations_gets_an_empty_state(web_as, wy_agent):
    client = web_as(wy_agent)
    page = client.get(reverse("commerce:returns"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "您所在的业务线没有网店" in page.content.decode()
    refused = client.post(reverse("commerce:case_open"), {"order": "1"})
    assert refused.status_code == 403


def test_each_line_sees_its_own_desk_and_the_administrator_all(web_as, org, admin_user, client):
    school = account_services.business_line_create(name="学校", code="edu", industry="education")
    centre = account_services.business_line_create(name="维修", code="rc", industry="repair")
    teacher = make_user("edu_a", "agent", team=Team.objects.filter(business_line=school).first())
    repairer = make_user("rc_a", "agent", team=Team.objects.filter(business_line=centre).first())
    advisor = make_user("s4_a", "agent", team=org.s4_front)

    assert _menu(web_as(teacher)) == {"lessons"}
    assert _menu(web_as(repairer)) == {"repair_centre"}
    assert _menu(web_as(advisor)) == {"workshop"}
    assert _menu(web_as(admin_user)) == set(NAV)


def test_a_line_may_list_its_own_desks(org, wy_agent):
    org.property.policies = {**org.property.policies, "desks": ["property", "repair_centre", "x"]}
    org.property.save(update_fields=["policies"])
    wy_agent.refresh_from_db()

    assert desks_for(wy_agent) == {"property", "repair_centre"}


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ("property:desk", "Your business line runs no property office"),
        ("property:archive", "Your business line runs no property office"),
        ("property:rentals", "Your business line runs no property office"),
        ("booking:index", "Your business line runs no lesson desk"),
        ("booking:workshop", "Your account belongs to no business line with a workshop."),
    ],
)
def test_a_shop_agent_opening_another_lines_desk_gets_an_empty_state(web_as, agent, route, words):
    response = web_as(agent).get(reverse(route), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-desk"' in html and words in html


def test_the_empty_state_speaks_chinese(web_as, wy_agent):
    response = web_as(wy_agent).get(reverse("booking:repairs"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "您所在的业务线没有维修中心" in response.content.decode()


def test_a_write_to_a_desk_the_line_does_not_run_is_refused_and_changes_nothing(web_as, org):
    shop_supervisor = make_user("shop_sup", "supervisor", department=org.presale.department)
    client = web_as(shop_supervisor)
    start = timezone.localtime() + dt.timedelta(days=3)

    response = client.post(
        reverse("property:activity_add"),
        {"title": "中秋游园", "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "place": "会所"},
    )

    assert response.status_code == 403
    assert "Your business line runs no property office" in response.content.decode()
    assert not CommunityActivity.objects.exists()


def test_a_property_agent_may_not_take_in_a_repair_order(web_as, wy_agent, org):
    response = web_as(wy_agent).post(
        reverse("booking:repair_intake"),
        {"customer": "1", "device": "电视", "serial": "TV1", "fault": "无图像"},
    )

    assert response.status_code == 403
    assert not RepairOrder.objects.exists()


def test_an_object_page_of_a_desk_the_line_does_not_run_still_answers_404(web_as, agent):
    assert web_as(agent).get(reverse("property:household", args=[999])).status_code == 404


def test_the_property_agent_still_works_at_the_property_office(web_as, wy_agent):
    response = web_as(wy_agent).get(reverse("property:desk"))

    assert response.status_code == 200
    assert 'id="no-desk"' not in response.content.decode()


def _desk_operations(prefixes):
    """Every operation of the API under ``prefixes``, its path ids set to 1."""
    from kefu.api import api

    for path, methods in api.get_openapi_schema()["paths"].items():
        if path.startswith(prefixes):
            for method in methods:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(
    ("user_fixture", "prefixes"),
    [
        ("wy_agent", ("/api/v1/commerce", "/api/v1/booking")),
        ("agent", ("/api/v1/property", "/api/v1/booking")),
    ],
)
def test_every_call_of_a_desk_api_the_line_does_not_run_is_refused(
    request, api_as, user_fixture, prefixes
):
    client = api_as(request.getfixturevalue(user_fixture)).client
    answers = {}
    for method, path in _desk_operations(prefixes):
        response = getattr(client, method)(path, {}, content_type="application/json")
        answers[f"{method.upper()} {path}"] = response.status_code

    assert len(answers) > 20
    # refused before any row is read (never 200, never 404 telling an id exists); an empty
    # body or a missing query is validated first, and only tells the caller about their input
    assert set(answers.values()) <= {403, 422}, answers
    assert list(answers.values()).count(403) >= 10, answers


def test_the_api_refusal_names_the_desk_in_the_callers_language(api_as, agent):
    client = api_as(agent).client

    english = client.get("/api/v1/property/arrears", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get("/api/v1/property/arrears", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert english["error"]["code"] == "permission_denied"
    assert english["error"]["message"].startswith("Your business line runs no property office")
    assert "物业" in chinese["error"]["message"]


def test_a_line_that_runs_the_desk_still_reads_its_api(api_as, wy_agent):
    assert api_as(wy_agent).get("/api/v1/property/arrears").status_code == 200
