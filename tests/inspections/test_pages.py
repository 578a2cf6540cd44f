"""The /qa/ pages in both languages: the reviewer scores a sampled ticket, the agent appeals,
the second reviewer decides; a client mistake changes nothing and is said in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.accounts.models import User
from kefu.core.i18n import compile_all
from kefu.inspections.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_all()


def _post_sheet(review, value_of):
    data = {"version": review.version, "comment": "用语规范"}
    for c in review.form.categories.all():
        for i in c.items.all():
            data[f"item_{i.pk}"] = value_of(i)
    return data


def test_score_appeal_decide_through_the_pages(sampled, client, agent, settings):
    review = sampled["sample"].reviews.filter(source="random").select_related("form").first()
    url = reverse("inspections:review", args=[review.pk])
    client.force_login(review.reviewer)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "为此接待评分" in page and review.ticket.number in page
    # a blank item: nothing is saved, the reviewer is told why
    client.post(reverse("inspections:review_score", args=[review.pk]), {"version": 1})
    assert Review.objects.get(pk=review.pk).status == "assigned"
    client.post(
        reverse("inspections:review_score", args=[review.pk]),
        _post_sheet(review, lambda i: "0" if not i.critical and i.position == 0 else str(i.points)),
    )
    review.refresh_from_db()
    assert review.status == "completed" and review.score < 100

    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "Appeal this review" in page
    client.post(reverse("inspections:review_appeal", args=[review.pk]), {"reason": "录音可查"})
    review.refresh_from_db()
    decider = User.objects.get(pk=review.appeal.decider_id)

    client.force_login(decider)
    assert "Decide the appeal" in client.get(url).content.decode()
    client.post(
        reverse("inspections:review_decide", args=[review.pk]),
        {"outcome": "upheld", "note": "维持原评分"},
    )
    review.refresh_from_db()
    assert review.status == "decided" and review.appeal.status == "upheld"


@pytest.mark.parametrize("name", ["desk", "forms", "calibrations", "subjects", "quality"])
def test_pages_render_for_a_supervisor_and_an_agent(sampled, client, supervisor, agent, name):
    for user in (supervisor, agent):
        client.force_login(user)
        assert client.get(reverse(f"inspections:{name}")).status_code == 200


def test_other_team_agent_gets_404_for_a_review(sampled, client, agent2):
    review = sampled["sample"].reviews.first()
    client.force_login(agent2)
    assert client.get(reverse("inspections:review", args=[review.pk])).status_code == 404


def test_an_inspection_of_a_vendor_is_visible_to_the_line(forms, client, supervisor, lead, agent):
    from kefu.inspections import services

    from .qakit import full_marks

    vendor = services.subject_create(actor=supervisor, kind="vendor", name="洁美保洁公司")
    r = services.subject_inspect(
        actor=supervisor, subject=vendor, answers=full_marks(forms["vendor"])
    )
    for user in (lead, agent):
        client.force_login(user)
        assert client.get(reverse("inspections:subject", args=[vendor.pk])).status_code == 200
        assert client.get(reverse("inspections:review", args=[r.pk])).status_code == 200
