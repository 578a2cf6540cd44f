"""Quality inspection end to end on a real database: versioned forms, the seeded monthly
sample (SAT-8 cross-audit), scoring, one appeal decided by a second reviewer, calibration,
vendor and cleaning-zone inspections (SAT-9, PM-X2, SCH-6) and corrective actions (SAT-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent, DomainEvent
from kefu.inspections import services
from kefu.inspections.models import AppealStatus, FormStatus, Review, ReviewStatus, Source

from .qakit import first_review, full_marks

pytestmark = pytest.mark.django_db


def test_a_revised_form_is_a_new_version_and_the_old_one_is_kept(forms, supervisor):
    old = forms["service"]
    new = services.form_revise(actor=supervisor, form=old, pass_mark=85)
    old.refresh_from_db()
    assert (old.number, old.status) == (1, FormStatus.RETIRED)
    assert (new.number, new.status, new.pass_mark) == (2, FormStatus.ACTIVE, Decimal(85))
    assert old.categories.count() == new.categories.count()
    with pytest.raises(Conflict):
        services.form_revise(actor=supervisor, form=old, pass_mark=70)


def test_form_weights_must_add_up_to_100(org, supervisor):
    cats = [{"name": "态度", "weight": 60, "items": [{"text": "礼貌", "points": 5}]}]
    with pytest.raises(Invalid):
        services.form_create(
            actor=supervisor, code="x", name="表", target="contact", mode="points", categories=cats
        )


def test_agent_may_not_create_a_form(org, agent):
    with pytest.raises(PermissionDenied):
        services.form_create(
            actor=agent, code="x", name="表", target="contact", mode="points", categories=[]
        )


def test_sat8_sample_takes_every_malignant_complaint_and_dissatisfied_callback(sampled, agent):
    sample = sampled["sample"]
    reviews = list(sample.reviews.filter(agent=agent))
    sources = sorted(r.source for r in reviews)
    assert sources.count(Source.RANDOM) == 5
    assert Source.MALIGNANT in sources and Source.DISSATISFIED in sources
    assert sample.seed == 2026
    assert any(
        r.ticket_id == sampled["complaint"].pk for r in reviews if r.source == Source.MALIGNANT
    )


def test_sat8_no_own_team_review(sampled, agent, lead):
    reviews = Review.objects.filter(sample=sampled["sample"]).select_related("reviewer", "agent")
    assert reviews.exists()
    assert all(r.reviewer.team_id != r.agent.team_id for r in reviews)
    assert not reviews.filter(reviewer=lead).exists()  # lead of the agent's own team


def test_same_seed_reproduces_the_month_and_a_second_draw_is_refused(sampled, supervisor, month):
    sample = sampled["sample"]
    before = sorted(sample.reviews.values_list("agent_id", "ticket_id", "source", "reviewer_id"))
    with pytest.raises(Conflict):
        services.sample_create(actor=supervisor, period=month, seed=2026)
    Review.objects.filter(sample=sample).delete()
    sample.delete()
    again = services.sample_create(actor=supervisor, period=month, seed=2026)
    after = sorted(again.reviews.values_list("agent_id", "ticket_id", "source", "reviewer_id"))
    assert before == after


def test_bad_period_is_a_clear_400_that_draws_nothing(org, forms, supervisor):
    for period in ("2026-13", "next month", "2999-01"):
        with pytest.raises(Invalid):
            services.sample_create(actor=supervisor, period=period)
    assert not Review.objects.exists()


def _score(review, actor, answers=None):
    return services.review_score(
        actor=actor,
        review=review,
        answers=answers or full_marks(review.form),
        comment="语气得体",
        version=review.version,
    )


def test_only_the_assigned_reviewer_scores_once_and_an_event_is_published(sampled, supervisor):
    review = first_review(sampled["sample"], source=Source.RANDOM)
    with pytest.raises(PermissionDenied):
        _score(review, supervisor)
    _score(review, review.reviewer)
    assert (review.status, review.score) == (ReviewStatus.COMPLETED, Decimal("100.00"))
    event = DomainEvent.objects.get(type="qa.review.completed", object_id=review.pk)
    assert event.payload["score"] == "100.00" and event.payload["agent"] == review.agent_id
    assert AuditEvent.objects.filter(action="qa_review.score").count() == 1
    with pytest.raises(Conflict):
        _score(review, review.reviewer)


def test_stale_version_is_refused(sampled):
    review = first_review(sampled["sample"], source=Source.RANDOM)
    with pytest.raises(StaleWrite):
        services.review_score(
            actor=review.reviewer,
            review=review,
            answers=full_marks(review.form),
            version=review.version + 1,
        )


def test_rude_language_fails_the_review(sampled):
    review = first_review(sampled["sample"], source=Source.RANDOM)
    answers = full_marks(review.form)
    rude = review.form.categories.get(name="服务态度").items.get(critical=True)
    answers[rude.pk] = Decimal(0)
    _score(review, review.reviewer, answers)
    assert review.failed and review.score == Decimal("0.00")


def test_agent_appeals_once_and_a_second_reviewer_decides_by_the_deadline(sampled, agent):
    review = first_review(sampled["sample"], source=Source.RANDOM)
    answers = full_marks(review.form)
    first_item = next(iter(answers))
    answers[first_item] = Decimal(0)
    _score(review, review.reviewer, answers)
    appeal = services.appeal_file(actor=agent, review=review, reason="问候语已说，录音可查")
    assert appeal.decider_id not in (review.reviewer_id, agent.pk)
    assert appeal.decider.team_id != agent.team_id
    assert appeal.deadline > appeal.created_at.date()
    with pytest.raises(Conflict):
        services.appeal_file(actor=agent, review=review, reason="再次申诉")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(actor=review.reviewer, appeal=appeal, outcome="upheld", note="维持")
    services.appeal_decide(
        actor=appeal.decider,
        appeal=appeal,
        outcome=AppealStatus.CHANGED,
        note="录音中有问候语",
        answers=full_marks(review.form),
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECIDED and review.score == Decimal("100.00")
    assert appeal.score_before < appeal.score_after
    types = list(
        DomainEvent.objects.filter(object_type="qa_review", object_id=review.pk).values_list(
            "type", flat=True
        )
    )
    assert types == ["qa.review.completed", "qa.appeal.filed", "qa.appeal.decided"]


def test_someone_else_may_not_appeal(sampled, agent2):
    review = first_review(sampled["sample"], source=Source.RANDOM)
    _score(review, review.reviewer)
    with pytest.raises(PermissionDenied):
        services.appeal_file(actor=agent2, review=review, reason="不是我的")


def test_calibration_shows_the_reviewers_spread(sampled, forms, supervisor, lead, lead2):
    form = forms["service"]
    session = services.calibration_create(
        actor=supervisor, form=form, ticket=sampled["tickets"][0], title="十一月校准"
    )
    full = full_marks(form)
    services.calibration_score(actor=lead, session=session, answers=full)
    lower = dict(full)
    lower[next(iter(lower))] = Decimal(2)
    services.calibration_score(actor=lead2, session=session, answers=lower)
    from kefu.inspections import selectors

    data = selectors.calibration_view(session)
    assert data["agreement"].agreement < 100
    assert max(i.spread for i in data["agreement"].items) == Decimal(3)
    with pytest.raises(Conflict):
        services.calibration_score(actor=lead, session=session, answers=full)


def test_vendor_and_cleaning_zone_inspections_use_the_same_forms(
    org, forms, supervisor, lead, lead2
):
    vendor = services.subject_create(actor=supervisor, kind="vendor", name="洁美保洁公司")
    zone = services.subject_create(
        actor=supervisor,
        kind="zone",
        name="门店一楼",
        team=org.aftersales1,
        responsible=lead,
        post="保洁岗",
        duties="每日拖地两次",
    )
    r = services.subject_inspect(actor=lead, subject=vendor, answers=full_marks(forms["vendor"]))
    assert r.score == Decimal("100.00") and r.form_id == forms["vendor"].pk
    counts = {i: Decimal(0) for i in full_marks(forms["zone"])}
    counts[next(iter(counts))] = Decimal(2)
    z = services.subject_inspect(actor=lead2, subject=zone, answers=counts)
    assert z.score < Decimal(100)
    with pytest.raises(PermissionDenied):  # nobody inspects their own team's zone
        services.subject_inspect(actor=lead, subject=zone, answers=counts)


def test_sat5_corrective_action_tracked_to_done(org, lead, agent, agent2, month):
    action = services.action_create(
        actor=lead,
        agent=agent,
        period=month,
        analysis="满意率下降",
        action="话术培训",
        due_on="2030-01-05",
    )
    services.action_done(actor=lead, action=action)
    assert action.status == "done"
    with pytest.raises(Conflict):
        services.action_done(actor=lead, action=action)
    from kefu.core.errors import NotFound

    with pytest.raises(NotFound):  # another team's advisor
        services.action_create(
            actor=lead, agent=agent2, period=month, analysis="x", action="y", due_on="2030-01-05"
        )


def test_a_ticketless_registered_call_is_sampled_and_its_recording_shown_to_the_reviewer(
    org, forms, supervisor, agent, lead, lead2, lead3, month, web_as
):
    """The monthly sample holds registered calls too (an enquiry answered on the phone without a
    ticket); the reviewer reads its notes and the recording reference, as for a ticket's calls."""
    import datetime as dt

    from django.utils import timezone

    from kefu.followups.models import CallRecord

    from .qakit import make_ticket

    ticket = make_ticket(agent)
    now = timezone.now()
    common = {"business_line": org.shop, "customer": ticket.customer, "agent": agent}
    enquiry = CallRecord.objects.create(
        **common,
        team=agent.team,
        direction="in",
        started_at=now - dt.timedelta(minutes=5),
        duration_seconds=95,
        result="answered",
        recording_ref="rec-20261203-093100-7781.wav",
        notes="询问发票开具",
    )
    CallRecord.objects.create(
        **common,
        ticket=ticket,
        direction="in",
        started_at=now - dt.timedelta(minutes=3),
        duration_seconds=200,
        result="answered",
        recording_ref="rec-20261203-094000-1133.wav",
    )
    sample = services.sample_create(actor=supervisor, period=month, seed=7, per_agent=5)
    mine = {(r.ticket_id, r.call_id): r for r in sample.reviews.filter(agent=agent)}
    assert set(mine) == {(ticket.pk, None), (None, enquiry.pk)}  # the ticketed call is the ticket's
    call_review = mine[(None, enquiry.pk)]
    page = web_as(call_review.reviewer).get(f"/qa/reviews/{call_review.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "rec-20261203-093100-7781.wav" in html and "询问发票开具" in html
    ticket_page = web_as(mine[(ticket.pk, None)].reviewer).get(
        f"/qa/reviews/{mine[(ticket.pk, None)].pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "rec-20261203-094000-1133.wav" in ticket_page.content.decode()
    assert "录音编号" in ticket_page.content.decode()
    # the reviewer's desk names the call, not "Review 17"
    desk = web_as(call_review.reviewer).get("/qa/").content.decode()
    assert "Inbound call" in desk
