"""Placement rules of user_create / user_update (spec ACL-1: roles in the hierarchy)."""

from __future__ import annotations

import pytest

from kefu.accounts import services
from kefu.core.errors import Invalid


def test_agent_and_lead_need_a_team(org):
    for role in ("agent", "lead"):
        with pytest.raises(Invalid) as exc:
            services.user_create(username=f"x-{role}", password="p", role=role)
        assert "team" in exc.value.fields


def test_supervisor_needs_a_department(org):
    with pytest.raises(Invalid) as exc:
        services.user_create(username="s", password="p", role="supervisor", business_line=org.shop)

    assert "department" in exc.value.fields


def test_manager_needs_a_business_line(org):
    with pytest.raises(Invalid) as exc:
        services.user_create(username="m", password="p", role="manager")

    assert "business_line" in exc.value.fields


def test_admin_may_stand_outside_the_organisation(org):
    user = services.user_create(username="root2", password="p", role="admin")

    assert (user.business_line, user.is_staff, user.is_superuser) == (None, True, True)


def test_department_and_line_are_derived_from_the_team(org):
    user = services.user_create(
        username="a", password="p", role="agent", team=org.wy_front, business_line=org.shop
    )

    assert (user.department, user.business_line) == (org.wy_front.department, org.property)


def test_no_one_is_placed_in_an_inactive_team(org, admin_user):
    services.team_update(team=org.aftersales2, actor=admin_user, name="售后二组", is_active=False)

    with pytest.raises(Invalid):
        services.user_create(username="z", password="p", role="agent", team=org.aftersales2)


def test_unknown_role_and_taken_username_are_refused(org, agent):
    with pytest.raises(Invalid):
        services.user_create(username="q", password="p", role="boss", team=org.presale)
    with pytest.raises(Invalid) as exc:
        services.user_create(username="agent", password="p", role="agent", team=org.presale)
    assert "username" in exc.value.fields


def test_update_applies_the_same_rules(org, admin_user, agent):
    with pytest.raises(Invalid) as exc:
        services.user_update(user=agent, actor=admin_user, role="supervisor")

    agent.refresh_from_db()
    assert "department" in exc.value.fields
    assert agent.role == "agent"


def test_promotion_to_manager_keeps_only_the_business_line(org, admin_user, agent):
    services.user_update(user=agent, actor=admin_user, role="manager", business_line=org.shop)

    agent.refresh_from_db()
    assert (agent.role, agent.team, agent.department, agent.business_line) == (
        "manager",
        None,
        None,
        org.shop,
    )
