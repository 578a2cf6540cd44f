"""Organisation administration pages: admins only, every change through services + audit."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kefu.accounts.models import BusinessLine, Department, Team, User
from kefu.core.models import AuditEvent

ORG_PAGES = [
    ("accounts:org", []),
    ("accounts:org_lines", []),
    ("accounts:org_users", []),
    ("accounts:org_user_create", []),
    ("accounts:org_audit", []),
]


@pytest.mark.parametrize("role_fixture", ["agent", "lead", "supervisor", "manager"])
@pytest.mark.parametrize(("name", "args"), ORG_PAGES)
def test_org_pages_are_for_admins_only(request, web_as, role_fixture, name, args):
    user = request.getfixturevalue(role_fixture)

    response = web_as(user).get(reverse(name, args=args))

    assert response.status_code == 403
    assert "This page is not for your role" in response.content.decode()


def test_org_writes_are_refused_to_non_admins(web_as, manager, org):
    response = web_as(manager).post(
        reverse("accounts:org_team", args=[org.presale.pk]), {"name": "改名", "is_active": "on"}
    )

    assert response.status_code == 403
    org.presale.refresh_from_db()
    assert org.presale.name == "售前组"


def test_org_pages_send_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("accounts:org_lines"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("industry", "team_name"),
    [
        ("ecommerce", "售前组"),
        ("call_center", "热线一组"),
        ("property", "管家组"),
        ("auto", "跟踪回访组"),
        ("education", "约课组"),
        ("repair", "维修组"),
    ],
)
def test_admin_creates_a_business_line_from_each_template(web_as, admin_user, industry, team_name):
    response = web_as(admin_user).post(
        reverse("accounts:org_lines"),
        {"name": f"新线-{industry}", "code": industry + "-x", "industry": industry},
    )

    line = BusinessLine.objects.get(code=industry + "-x")
    assert response.status_code == 302
    assert Team.objects.filter(business_line=line, name=team_name).exists()
    assert AuditEvent.objects.filter(action="business_line.create", object_id=str(line.pk)).exists()


def test_business_line_with_a_taken_code_is_refused_with_a_message(web_as, admin_user, org):
    response = web_as(admin_user).post(
        reverse("accounts:org_lines"), {"name": "另一个", "code": "shop", "industry": "ecommerce"}
    )

    assert response.status_code == 400
    assert "A business line with this code exists." in response.content.decode()
    assert BusinessLine.objects.filter(code="shop").count() == 1


def test_admin_edits_name_activity_and_ticket_types(web_as, admin_user, org):
    response = web_as(admin_user).post(
        reverse("accounts:org_line", args=[org.shop.pk]),
        {"name": "天猫店", "ticket_types": ["consult", "complaint"]},
    )

    org.shop.refresh_from_db()
    assert response.status_code == 302
    assert (org.shop.name, org.shop.is_active, org.shop.ticket_types) == (
        "天猫店",
        False,
        ["consult", "complaint"],
    )
    event = AuditEvent.objects.get(action="business_line.update")
    assert event.changes["is_active"] == [True, False]


def test_line_page_lists_departments_and_teams_in_few_queries(
    web_as, admin_user, org, django_assert_max_num_queries
):
    client = web_as(admin_user)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:org_line", args=[org.shop.pk]))

    assert "售后二组" in response.content.decode()


def test_admin_creates_renames_and_deactivates_teams(web_as, admin_user, org):
    client = web_as(admin_user)
    dept = org.presale.department

    client.post(reverse("accounts:org_team_create", args=[dept.pk]), {"name": "VIP组"})
    vip = Team.objects.get(department=dept, name="VIP组")
    client.post(reverse("accounts:org_team", args=[vip.pk]), {"name": "VIP客户服务组"})

    vip.refresh_from_db()
    assert (vip.name, vip.is_active) == ("VIP客户服务组", False)
    assert AuditEvent.objects.filter(action="team.update", object_id=str(vip.pk)).exists()


def test_a_team_with_active_members_cannot_be_deactivated(web_as, admin_user, agent, org):
    client = web_as(admin_user)

    client.post(reverse("accounts:org_team", args=[org.aftersales1.pk]), {"name": "售后一组"})

    org.aftersales1.refresh_from_db()
    assert org.aftersales1.is_active
    page = client.get(reverse("accounts:org_line", args=[org.shop.pk])).content.decode()
    assert "active member to another team first" in page


def test_admin_creates_and_deactivates_a_department(web_as, admin_user, org):
    client = web_as(admin_user)

    client.post(reverse("accounts:org_department_create", args=[org.shop.pk]), {"name": "投诉部"})
    dept = Department.objects.get(business_line=org.shop, name="投诉部")
    client.post(reverse("accounts:org_department", args=[dept.pk]), {"name": "投诉部"})

    dept.refresh_from_db()
    assert not dept.is_active
    assert AuditEvent.objects.filter(action="department.create").exists()


def test_user_list_filters_by_role_and_team(web_as, admin_user, agent, agent2, lead, org):
    client = web_as(admin_user)

    body = client.get(
        reverse("accounts:org_users"), {"role": "agent", "team": org.aftersales1.pk}
    ).content.decode()

    assert ">agent<" in body
    assert ">agent2<" not in body
    assert ">lead<" not in body


def test_user_list_pages_with_a_cursor_in_bounded_queries(
    web_as, admin_user, org, django_assert_max_num_queries
):
    from testkit import make_user

    for i in range(30):
        make_user(f"u{i:02d}", "agent", team=org.presale)
    client = web_as(admin_user)

    with django_assert_max_num_queries(8):
        first = client.get(reverse("accounts:org_users"))
    cursor = first.context["page"].next
    second = client.get(reverse("accounts:org_users"), {"cursor": cursor}, HTTP_HX_REQUEST="true")

    names_1 = [u.username for u in first.context["page"].items]
    names_2 = [u.username for u in second.context["page"].items]
    assert len(names_1) == 25
    assert not set(names_1) & set(names_2)
    assert len(names_1) + len(names_2) == User.objects.count()


def test_user_list_with_a_bad_cursor_says_so(web_as, admin_user):
    response = web_as(admin_user).get(reverse("accounts:org_users"), {"cursor": "!!"}, follow=True)

    assert "The cursor is not valid." in response.content.decode()


def test_admin_creates_a_user_in_a_team(web_as, admin_user, org):
    response = web_as(admin_user).post(
        reverse("accounts:org_user_create"),
        {
            "username": "new_agent",
            "password": "Kefu-new-2026!",
            "role": "agent",
            "team": org.presale.pk,
        },
    )

    user = User.objects.get(username="new_agent")
    assert response.status_code == 302
    assert (user.team, user.department, user.business_line) == (
        org.presale,
        org.presale.department,
        org.shop,
    )


def test_creating_an_agent_without_a_team_shows_the_rule(web_as, admin_user, org):
    response = web_as(admin_user).post(
        reverse("accounts:org_user_create"),
        {"username": "lost", "password": "Kefu-new-2026!", "role": "agent"},
    )

    assert response.status_code == 400
    assert "Agents and team leads belong to a team." in response.content.decode()
    assert not User.objects.filter(username="lost").exists()


def test_admin_moves_a_user_and_changes_contact_access(web_as, admin_user, agent, org):
    response = web_as(admin_user).post(
        reverse("accounts:org_user", args=[agent.pk]),
        {
            "role": "lead",
            "team": org.aftersales2.pk,
            "contact_access": "reveal",
            "is_active": "on",
            "display_name": "小王",
        },
    )

    agent.refresh_from_db()
    assert response.status_code == 302
    assert (agent.role, agent.team, agent.contact_access) == ("lead", org.aftersales2, "reveal")
    event = AuditEvent.objects.get(action="user.update", object_id=str(agent.pk))
    assert event.changes["role"] == ["agent", "lead"]


def test_admin_cannot_deactivate_themselves(web_as, admin_user):
    response = web_as(admin_user).post(
        reverse("accounts:org_user", args=[admin_user.pk]), {"role": "admin"}
    )

    admin_user.refresh_from_db()
    assert response.status_code == 400
    assert admin_user.is_active


def test_password_reset_sets_the_password_and_lifts_the_lock(web_as, admin_user, agent, client):
    from kefu.accounts.services import login_failed

    for _ in range(5):
        login_failed(username="agent")
    agent.refresh_from_db()
    assert agent.locked_until is not None

    web_as(admin_user).post(
        reverse("accounts:org_user_password", args=[agent.pk]), {"new_password": "Reset-2026-ok"}
    )

    agent.refresh_from_db()
    assert agent.locked_until is None
    assert agent.check_password("Reset-2026-ok")
    assert AuditEvent.objects.filter(action="user.password_reset").exists()


def test_audit_log_is_newest_first_and_filters_by_action_and_object(
    web_as, admin_user, agent, django_assert_max_num_queries
):
    client = web_as(admin_user)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:org_audit"), {"action": "user."})
    events = response.context["page"].items
    by_object = (
        client.get(
            reverse("accounts:org_audit"),
            {"object_type": "accounts.user", "object_id": str(agent.pk)},
        )
        .context["page"]
        .items
    )

    assert [e.pk for e in events] == sorted((e.pk for e in events), reverse=True)
    assert {e.action for e in events} == {"user.create"}
    assert {e.object_id for e in by_object} == {str(agent.pk)}


def test_audit_log_page_accepts_no_writes(web_as, admin_user):
    count = AuditEvent.objects.count()

    response = web_as(admin_user).post(reverse("accounts:org_audit"), {"action": "x"})

    assert response.status_code == 405
    assert AuditEvent.objects.count() == count


def test_django_admin_shows_audit_events_read_only(client, admin_user):
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = admin_user

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    client.force_login(admin_user)
    assert client.get("/django-admin/core/auditevent/").status_code == 200
    assert client.get("/django-admin/core/auditevent/add/").status_code == 403


def test_admin_switches_refunds_off_and_counts_resolution_in_calendar_hours(
    web_as, admin_user, org
):
    """§9.6 不退费 and the resolution-time basis are set on the line's page, audited, and the
    line's settings are re-read by every process (its token moves)."""
    token = org.shop.settings_token
    page = web_as(admin_user).get(reverse("accounts:org_line", args=[org.shop.pk]))
    checkbox = re.search(r'<input[^>]*name="refunds_enabled"[^>]*>', page.content.decode())
    assert checkbox and "checked" in checkbox.group(0)  # the e-commerce template grants refunds

    response = web_as(admin_user).post(
        reverse("accounts:org_line", args=[org.shop.pk]),
        {
            "name": org.shop.name,
            "is_active": "on",
            "ticket_types": org.shop.ticket_types,
            "resolution_time": "calendar",
        },
    )

    assert response.status_code == 302
    org.shop.refresh_from_db()
    assert org.shop.policy("refunds_enabled") is False
    assert org.shop.policy("resolution_time") == "calendar"
    assert org.shop.settings_token != token
    event = AuditEvent.objects.get(action="business_line.update")
    assert event.changes["refunds_enabled"] == [True, False]
    assert event.changes["resolution_time"] == ["business", "calendar"]


def test_an_unknown_resolution_basis_is_refused_and_changes_nothing(web_as, admin_user, org):
    response = web_as(admin_user).post(
        reverse("accounts:org_line", args=[org.shop.pk]),
        {
            "name": "改名",
            "is_active": "on",
            "ticket_types": org.shop.ticket_types,
            "resolution_time": "lunar",
        },
    )

    assert response.status_code == 400
    org.shop.refresh_from_db()
    assert org.shop.name != "改名"
    assert "resolution_time" not in org.shop.policies
