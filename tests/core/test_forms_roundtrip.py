"""Issue 15 §1: a form saved unchanged changes nothing, in Chinese and in English.

Each edit page is read the way a browser reads it (``browserkit``: an ``<input type="date">``
holding ``2026/06/05`` holds nothing) and posted back untouched; the object must be as before.
Create pages whose date fields have a default must offer it in a form the browser keeps.
"""

from __future__ import annotations

import datetime as dt

import pytest
from browserkit import dropped_temporal_values, form_posting_to
from django.forms.models import model_to_dict
from django.urls import reverse

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
VOLATILE = {"updated_at", "version", "search_text", "search_vector"}


def _snapshot(obj) -> dict:
    obj.refresh_from_db()
    return {k: v for k, v in model_to_dict(obj).items() if k not in VOLATILE}


def _roundtrip(
    client, lang, page_url, obj, *, post_url=None, having=None, ok=(200, 302), snapshot=_snapshot
):
    """GET the page in ``lang``, post its form back as a browser would, return the response."""
    client.cookies["django_language"] = lang
    page = client.get(page_url)
    assert page.status_code == 200, (lang, page_url, page.status_code)
    assert not dropped_temporal_values(page.content), (lang, page_url)
    form = form_posting_to(page.content, post_url or page_url, page_url, having=having)
    before = snapshot(obj)
    response = client.post(post_url or page_url, form.data())
    assert response.status_code in ok, (lang, page_url, response.status_code)
    assert snapshot(obj) == before, (lang, page_url)
    return response


@pytest.fixture
def line_objects(org, manager, agent, supervisor):
    from kefu.customers.services import customer_create
    from kefu.workforce.services import (
        leave_add,
        peak_plan_from_template,
        shift_templates_ensure,
        skill_groups_ensure,
    )

    customer = customer_create(
        actor=agent,
        business_line=org.shop,
        name="张三",
        phone="13812345678",
        first_visit_on=dt.date(2026, 6, 5),
        tags=["老客户"],
    )
    plan = peak_plan_from_template(actor=manager, year=2026)
    item = plan.checklist.first()
    leave = leave_add(
        actor=manager,
        user=agent,
        start_date=dt.date(2026, 11, 9),
        end_date=dt.date(2026, 11, 12),
        reason="年假",
    )
    shift = shift_templates_ensure(business_line=org.shop)[0]
    group = skill_groups_ensure(business_line=org.shop)[0]
    return {
        "customer": customer,
        "plan": plan,
        "item": item,
        "leave": leave,
        "shift": shift,
        "group": group,
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_saving_an_unchanged_customer_keeps_its_first_visit_date(web_as, agent, line_objects, lang):
    customer = line_objects["customer"]
    _roundtrip(web_as(agent), lang, reverse("customers:edit", args=[customer.pk]), customer)
    assert customer.first_visit_on == dt.date(2026, 6, 5)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workforce_edit_pages_round_trip(web_as, manager, line_objects, lang):
    client = web_as(manager)
    plan, item = line_objects["plan"], line_objects["item"]
    pages = [
        (reverse("workforce:peak_item_edit", args=[plan.pk, item.pk]), item),
        (reverse("workforce:leave", args=[line_objects["leave"].pk]), line_objects["leave"]),
        (
            reverse("workforce:shift_template", args=[line_objects["shift"].pk]),
            line_objects["shift"],
        ),
        (
            reverse("workforce:skill_group", args=[line_objects["group"].pk]),
            line_objects["group"],
        ),
        (reverse("workforce:peak_edit", args=[plan.pk]), plan),
    ]
    for url, obj in pages:
        _roundtrip(client, lang, url, obj)
    item.refresh_from_db()
    assert item.due_date is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_knowledge_article_round_trips(web_as, org, lead, lang):
    from kefu.knowledge.services import article_create

    article = article_create(
        actor=lead,
        business_line=org.shop,
        title="退款多久到账",
        body="一般 1–3 个工作日。",
        tags="退款,售后",
        review_on=dt.date(2026, 12, 31),
    )
    _roundtrip(web_as(lead), lang, reverse("knowledge:article_edit", args=[article.pk]), article)
    assert article.review_on == dt.date(2026, 12, 31)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_callback_policy_round_trips(web_as, org, supervisor, lang):
    from kefu.followups.services.policies import policies_seed

    policy = policies_seed(org.shop)[0]
    _roundtrip(
        web_as(supervisor),
        lang,
        reverse("followups:policies"),
        policy,
        having="policy",
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_questionnaire_settings_round_trip(web_as, org, admin_user, lang):
    from kefu.surveys.services import questionnaire_create

    q = questionnaire_create(
        actor=admin_user,
        business_line=org.shop,
        name="服务满意度回访",
        status="active",
        after_close=True,
        questions=[{"kind": "scale5", "text": "您对处理结果是否满意？", "dimension": "满意度"}],
    )
    _roundtrip(web_as(admin_user), lang, reverse("surveys:questionnaire", args=[q.pk]), q)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calendar_settings_round_trip(web_as, org, admin_user, lang):
    url = reverse("accounts:org_calendar_line", args=[org.shop.pk])

    def effective(line):  # the defaults may be written out; what the line runs on may not change
        from kefu.accounts.calendar_views import _settings_initial

        line.refresh_from_db()
        return _settings_initial(line)

    _roundtrip(web_as(admin_user), lang, url, org.shop, having="calendar", snapshot=effective)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_offer_their_default_dates_in_a_form_the_browser_keeps(
    web_as, org, manager, agent, admin_user, line_objects, lang
):
    """Create forms with a date default (the forecast's first day, a service date …): a browser
    drops a non-ISO value, so the unchanged form would be refused or save no date."""
    customer = line_objects["customer"]
    pages = {
        manager: [
            reverse("workforce:forecasts"),
            reverse("workforce:rosters"),
            reverse("workforce:roster_entered"),
            reverse("workforce:leaves"),
            reverse("workforce:peak", args=[line_objects["plan"].pk]),
            reverse("workforce:peak_intraday", args=[line_objects["plan"].pk]),
            reverse("followups:registers"),
            reverse("followups:events"),
        ],
        agent: [
            reverse("customers:detail", args=[customer.pk]),
            reverse("customers:list") + "?created_after=2026-06-01",
            reverse("tickets:list") + "?created_after=2026-06-01",
        ],
        admin_user: [reverse("accounts:org_calendar_line", args=[org.shop.pk])],
    }
    for user, urls in pages.items():
        client = web_as(user)
        client.cookies["django_language"] = lang
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert not dropped_temporal_values(response.content), (lang, url)


def test_every_date_and_time_widget_renders_the_wire_format_in_chinese():
    """The class of fault, once: every form field with a date/time picker, in every app."""
    import importlib

    from django import forms
    from django.utils import translation

    modules = [
        "kefu.customers.forms",
        "kefu.tickets.forms",
        "kefu.followups.forms",
        "kefu.knowledge.forms",
        "kefu.workforce.forms",
        "kefu.accounts.forms",
        "kefu.accounts.calendar_forms",
    ]
    samples = {
        "date": (dt.date(2026, 6, 5), "2026-06-05"),
        "time": (dt.time(9, 30), "09:30"),
        "datetime-local": (dt.datetime(2026, 6, 5, 9, 30), "2026-06-05T09:30"),
    }
    seen = 0
    with translation.override("zh-hans"):
        for name in modules:
            module = importlib.import_module(name)
            for obj in vars(module).values():
                if not (isinstance(obj, type) and issubclass(obj, forms.BaseForm)):
                    continue
                for field_name, field in obj.base_fields.items():
                    kind = getattr(field.widget, "input_type", None)
                    if kind not in samples and field.widget.attrs.get("type") in samples:
                        kind = field.widget.attrs["type"]
                    if kind not in samples:
                        continue
                    value, wire = samples[kind]
                    html = field.widget.render(field_name, value)
                    assert f'value="{wire}"' in html, (obj.__name__, field_name, html)
                    seen += 1
    assert seen >= 15
