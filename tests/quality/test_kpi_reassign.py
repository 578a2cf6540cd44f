"""Reassigning a QA review still to score (issue 18 §1, SAT-8 cross-audit): a supervisor hands
it to another reviewer, never of the agent's team and never the agent, with a reason in the
audit log; a stale version is a 409; a review already scored stays with its reviewer."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.inspections import services as qa
from kefu.inspections.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(org, agent):
    lead2 = make_user("lead2", "lead", team=org.presale)
    make_user("lead3", "lead", team=org.aftersales2)
    form = qa.seed_forms(org.shop)[0]
    return Review.objects.create(
        business_line=org.shop,
        department=agent.department,
        team=agent.team,
        form=form,
        source="random",
        agent=agent,
        reviewer=lead2,
        period=timezone.localdate().replace(day=1),
    )


def _user(name):
    from kefu.accounts.models import User

    return User.objects.get(username=name)


def test_a_supervisor_reassigns_to_another_team_with_a_reason_audited(review, supervisor):
    candidates = [u.username for u in qa.reassign_candidates(review)]
    assert "lead3" in candidates and "supervisor" in candidates
    assert not {"lead", "lead2", "agent"} & set(candidates)
    qa.review_reassign(
        actor=supervisor,
        review=review,
        reviewer=_user("lead3"),
        reason="lead2 休假",
        version=review.version,
    )
    review.refresh_from_db()
    assert review.reviewer.username == "lead3" and review.version == 2
    audit = AuditEvent.objects.get(action="qa_review.reassign")
    assert audit.changes["reason"] == "lead2 休假"
    assert audit.changes["reviewer"] == [_user("lead2").pk, _user("lead3").pk]


def test_never_the_agents_own_team_nor_the_agent_nor_without_a_reason(
    review, supervisor, lead, agent
):
    for reviewer, reason in ((lead, "同组"), (agent, "本人"), (_user("lead3"), " ")):
        with pytest.raises(Invalid):
            qa.review_reassign(actor=supervisor, review=review, reviewer=reviewer, reason=reason)
    review.refresh_from_db()
    assert review.reviewer.username == "lead2" and review.version == 1
    assert not AuditEvent.objects.filter(action="qa_review.reassign").exists()


def test_only_a_supervisor_reassigns_stale_is_409_and_a_scored_review_stays(
    review, supervisor, lead, api_as
):
    with pytest.raises(PermissionDenied):
        qa.review_reassign(actor=lead, review=review, reviewer=_user("lead3"), reason="x")
    qa.review_reassign(actor=supervisor, review=review, reviewer=_user("lead3"), reason="休假")
    with pytest.raises(StaleWrite):
        qa.review_reassign(
            actor=supervisor, review=review, reviewer=_user("lead2"), reason="回来了", version=1
        )
    r = api_as(supervisor).post(
        f"/api/v1/qa/reviews/{review.pk}/reassign",
        {"reviewer": _user("lead2").pk, "reason": "回来了", "version": 1},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale"
    r = api_as(supervisor).post(
        f"/api/v1/qa/reviews/{review.pk}/reassign",
        {"reviewer": lead.pk, "reason": "同组", "version": 2},
    )
    assert r.status_code == 400
    r = api_as(supervisor).post(
        f"/api/v1/qa/reviews/{review.pk}/reassign",
        {"reviewer": _user("lead2").pk, "reason": "回来了", "version": 2},
    )
    assert r.status_code == 200 and r.json()["reviewer"] == _user("lead2").pk
    Review.objects.filter(pk=review.pk).update(status="completed")
    review.refresh_from_db()
    with pytest.raises(Conflict):
        qa.review_reassign(actor=supervisor, review=review, reviewer=_user("lead3"), reason="x")


def test_the_review_page_offers_reassignment_to_supervisors_only(review, supervisor, web_as):
    page = web_as(supervisor).get(f"/qa/reviews/{review.pk}/").content.decode()
    assert 'id="reassign-form"' in page and "lead3" in page
    r = web_as(supervisor).post(
        f"/qa/reviews/{review.pk}/reassign/",
        {"reviewer": _user("lead3").pk, "reason": "休假", "version": review.version},
    )
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.reviewer.username == "lead3"
    page = web_as(_user("lead3")).get(f"/qa/reviews/{review.pk}/").content.decode()
    assert 'id="reassign-form"' not in page
