"""Issue 15 §3: a create form acts once per rendering (``core.idempotency``).

Each create page carries a hidden token made when it is rendered; a second POST with that token
(a double click, a refresh after POST) creates nothing and lands on the first result; two POSTs
at the same moment on PostgreSQL create one row.
"""

from __future__ import annotations

import re
import threading

import pytest
from browserkit import form_posting_to
from django.db import connection
from django.test import Client
from django.urls import reverse

from kefu.core.idempotency import FIELD
from kefu.customers.models import Customer
from kefu.knowledge.models import Article
from kefu.surveys.models import Questionnaire
from kefu.tickets.models import Ticket

INTAKE = {
    "type": "complaint",
    "channel": "phone",
    "priority": "normal",
    "title": "少发一件",
    "customer_name": "李雷",
    "customer_phone": "13700001234",
}


def _token(client, url: str, post_url: str | None = None, having: str | None = None) -> str:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    form = form_posting_to(page.content, post_url or url, url, having=having)
    values = form.data().get(FIELD)
    assert values and re.fullmatch(r"[0-9a-f]{32}", values[0]), (url, "no token")
    return values[0]


@pytest.mark.django_db
def test_a_double_clicked_intake_records_one_ticket(web_as, agent):
    client = web_as(agent)
    url = reverse("tickets:intake")
    token = _token(client, url)

    first = client.post(url, {**INTAKE, FIELD: token})
    second = client.post(url, {**INTAKE, FIELD: token})

    ticket = Ticket.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/tickets/{ticket.pk}/"
    assert Customer.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "This form was already sent" in page


@pytest.mark.django_db
def test_a_fresh_rendering_creates_again(web_as, agent):
    client = web_as(agent)
    url = reverse("tickets:intake")
    client.post(url, {**INTAKE, FIELD: _token(client, url)})
    client.post(url, {**INTAKE, FIELD: _token(client, url)})
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_post_gives_its_token_back(web_as, agent):
    client = web_as(agent)
    url = reverse("tickets:intake")
    token = _token(client, url)

    refused = client.post(url, {**INTAKE, "title": "", FIELD: token})
    corrected = client.post(url, {**INTAKE, FIELD: token})

    assert refused.status_code == 400
    assert corrected.status_code == 302
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_token_is_the_users_own(web_as, agent, agent_b):
    url = reverse("tickets:intake")
    token = _token(web_as(agent), url)
    web_as(agent).post(url, {**INTAKE, FIELD: token})
    web_as(agent_b).post(url, {**INTAKE, "title": "另一通电话", FIELD: token})
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_create_pages_act_once(web_as, org, agent, lead, admin_user, manager):
    """Customer, article, questionnaire, note, call register: the second POST adds nothing."""
    from kefu.customers.services import customer_create

    customer = customer_create(
        actor=agent, business_line=org.shop, name="张三", phone="13812345678"
    )
    cases = [
        (
            agent,
            reverse("customers:create"),
            None,
            None,
            {"name": "王五", "phone": "13600002222", "tier": "normal"},
            lambda: Customer.objects.count(),
        ),
        (
            agent,
            reverse("customers:detail", args=[customer.pk]),
            reverse("customers:note_create", args=[customer.pk]),
            None,
            {"body": "客户要求周末上门"},
            lambda: customer.customer_notes.count(),
        ),
        (
            lead,
            reverse("knowledge:article_create"),
            None,
            None,
            {"title": "退款多久到账", "body": "一般 1–3 个工作日。", "status": "draft"},
            lambda: Article.objects.count(),
        ),
        (
            admin_user,
            reverse("surveys:questionnaire_new"),
            None,
            None,
            None,  # the page's own values, as rendered (a name is filled in below)
            lambda: Questionnaire.objects.count(),
        ),
    ]
    for user, page_url, post_url, having, data, count in cases:
        client = web_as(user)
        page = client.get(page_url)
        assert page.status_code == 200, page_url
        form = form_posting_to(page.content, post_url or page_url, page_url, having=having)
        body = {k: v[0] if len(v) == 1 else v for k, v in form.data().items()}
        assert re.fullmatch(r"[0-9a-f]{32}", body.get(FIELD, "")), (page_url, "no token")
        body.update(data or {"name": "回访满意度", "business_line": str(org.shop.pk)})
        before = count()
        first = client.post(post_url or page_url, body)
        second = client.post(post_url or page_url, body)
        assert first.status_code == 302, (page_url, first.status_code, first.content[:2000])
        assert second.status_code == 302 and second["Location"] == first["Location"], page_url
        assert count() == before + 1, page_url


@pytest.mark.django_db
def test_every_create_page_renders_a_token(web_as, org, agent, lead, manager, admin_user):
    from kefu.customers.services import customer_create

    customer = customer_create(
        actor=agent, business_line=org.shop, name="张三", phone="13812345678"
    )
    pages = [
        (agent, reverse("tickets:intake"), None, None),
        (agent, reverse("tickets:new"), None, None),
        (agent, reverse("customers:create"), None, None),
        (
            agent,
            reverse("customers:detail", args=[customer.pk]),
            reverse("customers:note_create", args=[customer.pk]),
            None,
        ),
        (agent, reverse("followups:registers"), reverse("followups:register_call"), None),
        (agent, reverse("followups:registers"), reverse("followups:register_letter"), None),
        (lead, reverse("knowledge:article_create"), None, None),
        (lead, reverse("knowledge:phrases"), None, "shortcut"),
        (admin_user, reverse("surveys:questionnaire_new"), None, None),
        (manager, reverse("workforce:forecasts"), None, "start_date"),
        (manager, reverse("workforce:leaves"), None, "start_date"),
        (admin_user, reverse("accounts:org_user_create"), None, None),
    ]
    for user, url, post_url, having in pages:
        _token(web_as(user), url, post_url, having)


def _post_together(users_and_bodies, url) -> list:
    barrier = threading.Barrier(len(users_and_bodies))
    results: list = [None] * len(users_and_bodies)

    def run(i, user, body):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            results[i] = client.post(url, body)
        except Exception as exc:  # reported by the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, u, b)) for i, (u, b) in enumerate(users_and_bodies)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_form_record_one_ticket(agent):
    if connection.vendor != "postgresql":
        pytest.skip("simultaneous writers: PostgreSQL (SQLite serialises its writers)")
    client = Client()
    client.force_login(agent)
    url = reverse("tickets:intake")
    token = _token(client, url)

    responses = _post_together([(agent, {**INTAKE, FIELD: token})] * 2, url)

    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    ticket = Ticket.objects.get()
    assert {r["Location"] for r in responses} == {f"/tickets/{ticket.pk}/"}
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_old_tokens_are_forgotten(web_as, agent):
    import datetime as dt

    from django.utils import timezone

    from kefu.core import idempotency
    from kefu.core.models import FormSubmission

    client = web_as(agent)
    url = reverse("tickets:intake")
    client.post(url, {**INTAKE, FIELD: _token(client, url)})
    assert FormSubmission.objects.count() == 1
    assert idempotency.purge() == 0
    assert idempotency.purge(timezone.now() + dt.timedelta(days=3)) == 1
