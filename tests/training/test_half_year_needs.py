"""TRN-8 (4S): each person's training needs for the next half-year, filed by the person or
their lead, reviewed by the lead (never one's own), and rolled up by topic for the next plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.training import need_selectors, need_services, needs
from kefu.training.models import Exam, ExamAttempt, HalfYearNeed

pytestmark = pytest.mark.django_db


def _file(actor, person, topic, quarter=3, **more):
    return need_services.need_file(
        actor=actor, person=person, year=2027, half=2, topic=topic, quarter=quarter, **more
    )


@pytest.mark.parametrize(
    ("today", "period"),
    [(dt.date(2026, 6, 30), (2026, 2)), (dt.date(2026, 7, 1), (2027, 1))],
)
def test_needs_are_filed_for_the_next_half_year(today, period):
    assert needs.next_half(today) == period


def test_the_person_or_their_lead_files_nobody_else(agent, agent_b, agent2, lead):
    assert _file(agent, agent, "投诉处理").filed_by == agent
    assert _file(lead, agent_b, "投诉处理").filed_by == lead
    with pytest.raises(PermissionDenied):
        _file(agent, agent_b, "MOT服务技巧")  # a colleague is not their lead
    with pytest.raises(PermissionDenied):
        _file(lead, agent2, "MOT服务技巧")  # another team's agent


def test_a_bad_need_is_refused_and_nothing_is_filed(agent, agent_b, lead):
    _file(agent, agent, "MOT 服务技巧")
    bad = [
        {"topic": "ＭＯＴ　服务技巧"},  # the same topic in full-width spelling
        {"topic": "挖需求", "quarter": 1},  # Q1 is not in the second half-year
        {"topic": "挖需求", "source": "qa"},  # a QA finding without saying which
        {"topic": "挖需求", "source": "wish"},
    ]
    for more in bad:
        with pytest.raises(Invalid):
            _file(agent, agent, **{"quarter": 3, **more})
    exam = Exam.objects.create(business_line=agent.business_line, title="售后上岗笔试")
    now = timezone.now()
    theirs = ExamAttempt.objects.create(
        exam=exam, user=agent_b, seed=1, started_at=now, deadline=now, score=40, passed=False
    )
    with pytest.raises(Invalid):  # someone else's failed exam
        _file(agent, agent, "挖需求", source="exam", failed_attempt=theirs)
    assert _file(lead, agent_b, "挖需求", source="exam", failed_attempt=theirs).failed_attempt
    assert need_selectors.own_needs(agent, 2027, 2)[0].topic == "MOT 服务技巧"
    assert len(need_selectors.own_needs(agent, 2027, 2)) == 1


def test_the_lead_reviews_never_their_own_and_a_stale_review_is_refused(agent, lead, supervisor):
    need = _file(agent, agent, "投诉处理")
    with pytest.raises(PermissionDenied):
        need_services.need_review(actor=agent, need=need, action="accept", version=need.version)
    own = _file(lead, lead, "带教技巧")
    with pytest.raises(PermissionDenied):
        need_services.need_review(actor=lead, need=own, action="accept", version=own.version)
    with pytest.raises(Invalid):  # declining needs a reason
        need_services.need_review(actor=lead, need=need, action="decline", version=need.version)
    agreed = need_services.need_review(actor=lead, need=need, action="accept", version=1)
    assert (agreed.state, agreed.reviewer, agreed.version) == ("accepted", lead, 2)
    with pytest.raises(StaleWrite):
        need_services.need_review(actor=supervisor, need=own, action="accept", version=9)
    declined = need_services.need_review(
        actor=supervisor, need=own, action="decline", version=1, note="已在季度计划里"
    )
    assert declined.state == "declined"


def test_the_roll_up_counts_people_per_topic_without_declined_needs(
    org, agent, agent_b, lead, supervisor
):
    first = _file(agent, agent, "投诉处理", 3, source="qa", source_note="质检：未先安抚情绪")
    _file(agent_b, agent_b, " 投诉处理 ", 4)
    _file(agent, agent, "MOT服务技巧", 3)
    own = _file(lead, lead, "投诉处理", 3)
    need_services.need_review(actor=lead, need=first, action="accept", version=1)
    need_services.need_review(
        actor=supervisor, need=own, action="decline", version=1, note="不需要"
    )
    rows = need_selectors.rollup(org.aftersales1, 2027, 2)
    assert rows == [
        {"topic": "投诉处理", "people": 2, "agreed": 1, "first": 1, "second": 1, "linked": 1},
        {"topic": "MOT服务技巧", "people": 1, "agreed": 0, "first": 1, "second": 0, "linked": 0},
    ]
    board = need_selectors.board(org.aftersales1, 2027, 2)
    assert [(r.person.username, r.filed) for r in board] == [
        ("agent", True),
        ("agent_b", True),
        ("lead", True),
    ]


def test_the_team_page_shows_who_has_not_filed_and_the_agent_sees_only_their_own(
    web_as, org, agent, agent_b, lead
):
    _file(agent, agent, "投诉处理")
    url = reverse("training:needs") + f"?team={org.aftersales1.pk}&year=2027&half=2"
    page = web_as(lead).get(url).content.decode()
    assert 'data-person="agent_b"' in page and "Not filed" in page
    assert "2 of 3 people have filed" not in page and "1 of 3 people have filed" in page
    mine = web_as(agent_b).get(url).content.decode()
    assert 'id="needs-board"' not in mine and "投诉处理" not in mine
    refused = web_as(agent_b).post(
        reverse("training:need_file"),
        {"year": 2027, "half": 2, "topic": "挖需求", "quarter": 1, "source": ""},
    )
    assert refused.status_code == 400
    assert 'value="挖需求"' in refused.content.decode()


def test_demo_needs_give_the_lead_a_board_and_a_roll_up(org, agent, agent_b, lead, supervisor):
    from kefu.demo.training_needs_rows import build_needs_rows
    from kefu.training.models import HalfYearNeed

    now = timezone.now()
    build_needs_rows(now=now, seed=1)
    current = (now.year, 1 if now.month <= 6 else 2)
    past = HalfYearNeed.objects.filter(year=current[0], half=current[1])
    assert {n.user_id for n in past} == {agent.pk, agent_b.pk, lead.pk}
    assert not past.filter(state="filed").exists()  # six months on, all reviewed
    assert not HalfYearNeed.objects.filter(reviewer_id=F("user_id")).exists()
    assert need_selectors.rollup(org.aftersales1, *current)[0]["people"] >= 1


def test_an_agent_never_reads_a_teammates_need_through_any_route(
    web_as, api_as, agent, agent_b, lead, agent2
):
    """A need is the person's and their lead's: a teammate (same team, an agent) gets 404 on
    every route that loads one by id — the page's review and the API's — exactly as for an id
    that does not exist, and the need is left as it was."""
    theirs = _file(agent_b, agent_b, "投诉处理")
    for action in ("accept", "decline"):
        page = web_as(agent).post(
            reverse("training:need_review", args=[theirs.pk, action]),
            {"version": theirs.version, "note": "x"},
        )
        assert page.status_code == 404, action
        api = api_as(agent).post(
            f"/api/v1/training/needs/{theirs.pk}/{action}", {"version": theirs.version, "note": "x"}
        )
        assert api.status_code == 404, (action, api.content)
        assert (
            api_as(agent2)
            .post(f"/api/v1/training/needs/{theirs.pk}/{action}", {"version": theirs.version})
            .status_code
            == 404
        )  # another team's agent
    listed = api_as(agent).get("/api/v1/training/needs?year=2027&half=2").json()["items"]
    assert listed == []
    with pytest.raises(NotFound):
        need_selectors.need_get(agent, theirs.pk)
    # the person and their lead still load it
    assert need_selectors.need_get(agent_b, theirs.pk) == theirs
    assert need_selectors.need_get(lead, theirs.pk) == theirs
    theirs.refresh_from_db()
    assert (theirs.state, theirs.version, theirs.reviewer_id) == (needs.FILED, 1, None)


def test_an_administrator_without_a_line_files_no_need_of_their_own(admin_user, api_as):
    """The fuzzer's find: an administrator (no business line) filing for themselves was a 500."""
    answer = api_as(admin_user).post("/api/v1/training/needs", {"topic": "投诉处理", "quarter": 1})
    assert answer.status_code == 400 and "person" in answer.json()["error"]["fields"]
    assert not HalfYearNeed.objects.exists()
