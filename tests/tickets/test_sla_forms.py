"""SLA policy edit form and "My notification settings" (issue 4 §1) through the URL stack."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit import make_user

from kefu.tickets.models_sla import NotifyProfile, SlaPolicy
from kefu.tickets.sla_services import sla_policy_create

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def policy(org, supervisor):
    return sla_policy_create(
        actor=supervisor,
        business_line=org.shop,
        name="普通投诉",
        ticket_type="complaint",
        resolution_minutes=480,
        first_response_minutes=60,
        business_time=True,
    )


def edit_form(policy: SlaPolicy, **changes) -> dict:
    form = {
        "name": policy.name,
        "ticket_type": policy.ticket_type,
        "priority": policy.priority,
        "customer_tier": policy.customer_tier,
        "channel": policy.channel,
        "category": policy.category,
        "first_response_minutes": str(policy.first_response_minutes or ""),
        "resolution_minutes": str(policy.resolution_minutes or ""),
        "resolution_days": "",
        "warning_percent": str(policy.warning_percent),
        "step_percent": str(policy.step_percent),
        "position": str(policy.position),
        "business_time": "on",
        "is_active": ["off", "on"],
        **changes,
    }
    return form


def test_editing_a_policy_changes_the_due_time_of_a_new_ticket(
    time_machine, policy, agent, supervisor, make_ticket, web_as
):
    """Monday 10:00 + 480 business minutes → 18:00 (end of the window); after the edit to 120
    minutes → 12:00."""
    time_machine.move_to(MONDAY_10, tick=False)
    before = make_ticket(agent)
    client = web_as(supervisor)

    page = client.get("/sla/policies/").content.decode()
    response = client.post(
        f"/sla/policies/{policy.pk}/", edit_form(policy, resolution_minutes="120")
    )
    after = make_ticket(agent)

    assert f'id="policy-edit-{policy.pk}"' in page
    assert response.status_code == 302
    assert before.due_at == dt.datetime(2026, 11, 23, 18, 0, tzinfo=SH)
    assert after.due_at == dt.datetime(2026, 11, 23, 12, 0, tzinfo=SH)


def test_unticking_active_deactivates_the_policy(policy, supervisor, web_as):
    web_as(supervisor).post(f"/sla/policies/{policy.pk}/", edit_form(policy, is_active="off"))

    policy.refresh_from_db()
    assert policy.is_active is False


def test_a_bad_edit_is_explained_and_changes_nothing(policy, supervisor, web_as):
    response = web_as(supervisor).post(
        f"/sla/policies/{policy.pk}/", edit_form(policy, resolution_minutes="-5"), follow=True
    )

    policy.refresh_from_db()
    assert policy.resolution_minutes == 480
    assert "Enter a number from 1" in response.content.decode()


def test_an_agent_gets_403_and_no_edit_form(policy, agent, web_as):
    client = web_as(agent)

    page = client.get("/sla/policies/").content.decode()
    response = client.post(f"/sla/policies/{policy.pk}/", edit_form(policy, resolution_minutes="1"))

    assert "policy-edit-" not in page
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.resolution_minutes == 480


def test_a_policy_of_another_business_line_is_not_found(org, policy, wy_agent, web_as):
    wy_supervisor = make_user("wy_sup", "supervisor", department=org.wy_front.department)

    response = web_as(wy_supervisor).post(f"/sla/policies/{policy.pk}/", edit_form(policy))

    assert response.status_code == 404


def test_my_notification_settings_are_saved(agent, web_as):
    client = web_as(agent)

    page = client.get("/sla/notifications/settings/")
    response = client.post(
        "/sla/notifications/settings/", {"email_enabled": "on", "phone": "139 1234 5678"}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    profile = NotifyProfile.objects.get(user=agent)
    assert (profile.email_enabled, profile.sms_enabled, profile.phone) == (
        True,
        False,
        "13912345678",
    )
    assert 'value="13912345678"' in client.get("/sla/notifications/settings/").content.decode()


def test_a_bad_sms_number_is_refused(agent, web_as):
    response = web_as(agent).post(
        "/sla/notifications/settings/", {"sms_enabled": "on", "phone": "12"}
    )

    assert response.status_code == 400
    assert "Enter a valid mobile number." in response.content.decode()
    assert not NotifyProfile.objects.exists()


def test_notification_settings_page_speaks_chinese(settings, agent, web_as):
    settings.LANGUAGE_CODE = "zh-hans"

    page = web_as(agent).get("/sla/notifications/settings/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "我的通知设置" in page.content.decode()
