"""The SLA, routing and responsible-unit settings are reachable (issue 15): a 设置/Settings menu
for those who may edit them (supervisors and above), none for the others; the administrator
loads a line's default SLA policies (twice adds nothing twice); policies read as words in both
languages, never as ``priority:normal`` or ``* · normal · * · *``."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from kefu.tickets.models_sla import SlaPolicy

SETTINGS_LINKS = ("/sla/policies/", "/sla/routing/", "/sla/units/", "/followups/policies/")


def _nav(html: str) -> str:
    return html[html.find("<nav") : html.find("</nav>")]


@pytest.mark.parametrize("role", ["supervisor", "manager", "admin_user"])
def test_the_settings_menu_is_there_for_those_who_edit_settings(request, role, web_as):
    user = request.getfixturevalue(role)

    nav = _nav(web_as(user).get(reverse("home")).content.decode())

    assert 'id="nav-settings"' in nav
    for link in SETTINGS_LINKS:
        assert f'href="{link}"' in nav


@pytest.mark.parametrize("role", ["agent", "lead"])
def test_the_settings_menu_is_hidden_from_those_who_may_not_edit(request, role, web_as):
    user = request.getfixturevalue(role)

    nav = _nav(web_as(user).get(reverse("home")).content.decode())

    assert 'id="nav-settings"' not in nav
    assert 'href="/sla/policies/"' not in nav


def test_the_organisation_pages_link_to_the_settings(admin_user, web_as):
    html = web_as(admin_user).get(reverse("accounts:org_lines")).content.decode()

    for link in SETTINGS_LINKS:
        assert f'href="{link}"' in html


def test_the_administrator_loads_a_lines_default_policies_once(org, admin_user, web_as):
    client = web_as(admin_user)
    seed = reverse("sla:policy_seed")

    first = client.post(seed, {"business_line": org.property.pk})
    count = SlaPolicy.objects.filter(business_line=org.property).count()
    second = client.post(seed, {"business_line": org.property.pk}, follow=True)

    assert first.status_code == 302
    assert first.url == f"/sla/policies/?line={org.property.pk}"
    assert count >= 5  # four priorities, the urgent complaint, 小修 and 大修
    assert SlaPolicy.objects.filter(business_line=org.property).count() == count
    assert not SlaPolicy.objects.exclude(business_line=org.property).exists()
    assert "all loaded already" in second.content.decode()


def test_the_administrator_chooses_the_line_whose_policies_the_page_shows(
    org, admin_user, manager, web_as
):
    from kefu.tickets.sla_services import sla_policies_seed

    sla_policies_seed(actor=admin_user, business_line=org.property)
    client = web_as(admin_user)

    shop = client.get(reverse("sla:policies"), {"line": org.shop.pk}).content.decode()
    prop = client.get(reverse("sla:policies"), {"line": org.property.pk}).content.decode()

    assert 'id="line-switch"' in prop
    # the property line's 小修 policies are listed for it only (the page's note names 小修 on
    # every line as the example of calendar time)
    assert prop.count("小修") > shop.count("小修")


def test_a_manager_loads_the_defaults_twice_without_duplicates(org, manager, web_as):
    client = web_as(manager)

    client.post(reverse("sla:policy_seed"))
    client.post(reverse("sla:policy_seed"))

    names = list(SlaPolicy.objects.filter(business_line=org.shop).values_list("name", flat=True))
    assert names and len(names) == len(set(names))


@pytest.mark.parametrize(
    ("language", "words", "all_tickets"),
    [
        ("en", "Complaint · Urgent", "All tickets · Normal"),
        ("zh-hans", "投诉 · 紧急", "全部工单 · 普通"),
    ],
)
def test_policies_read_as_words_in_both_languages(
    org, manager, web_as, language, words, all_tickets
):
    client = web_as(manager)
    client.post(reverse("sla:policy_seed"))

    with translation.override(language):
        html = client.get(reverse("sla:policies"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert words in html
    assert all_tickets in html
    assert "priority:normal" not in html and "complaint:urgent" not in html
    assert "* · " not in html


def test_saving_a_default_policy_unchanged_keeps_its_translated_name(org, manager, web_as):
    from kefu.tickets.sla_services import sla_policies_seed

    sla_policies_seed(actor=manager, business_line=org.shop)
    policy = SlaPolicy.objects.get(business_line=org.shop, name="priority:normal")
    client = web_as(manager)

    client.post(
        reverse("sla:policy_update", args=[policy.pk]),
        {
            "name": policy.label,
            "priority": "normal",
            "first_response_minutes": "120",
            "resolution_minutes": str(policy.resolution_minutes),
            "warning_percent": "80",
            "step_percent": "50",
            "position": str(policy.position),
            "business_time": "on",
            "is_active": "on",
        },
    )
    policy.refresh_from_db()

    assert policy.first_response_minutes == 120
    assert policy.name == "priority:normal"


def test_the_administrator_seeds_a_line_through_the_api_once(org, admin_user, api_as):
    client = api_as(admin_user)
    url = f"/api/v1/sla/policies/seed?business_line={org.auto.pk}"

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == 200 and first.json()["created"] >= 5
    assert second.status_code == 200 and second.json()["created"] == 0
    unnamed = client.post("/api/v1/sla/policies/seed")
    assert unnamed.status_code == 400
    assert unnamed.json()["error"]["fields"] == {"business_line": "Required."}
