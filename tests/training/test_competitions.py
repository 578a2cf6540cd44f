"""Competitions (PK-4, TRN-9): a knowledge contest ranked by score then time, a role-play
scored by examiners on a form, instant Q&A where the first correct answer wins the point;
leaderboards where ties share a rank (90, 90, 80 → 1, 1, 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.training import competition_services as cs
from kefu.training import leaderboard, selectors, services
from kefu.training.models import ExamAttempt, Question

pytestmark = pytest.mark.django_db


def test_ties_share_a_rank_and_the_next_rank_skips():
    rows = leaderboard.points_board({1: 90, 2: 90, 3: 80, 4: 70, 5: 70})
    assert [(rank, pts) for rank, _uid, pts in rows] == [
        (1, 90),
        (1, 90),
        (3, 80),
        (4, 70),
        (4, 70),
    ]
    board = leaderboard.contest_board(
        [
            leaderboard.ContestRow(1, 90, 300),
            leaderboard.ContestRow(2, 90, 200),
            leaderboard.ContestRow(3, 90, 200),
            leaderboard.ContestRow(4, 100, 900),
        ]
    )
    assert [(rank, r.user_id) for rank, r in board] == [(1, 4), (2, 2), (2, 3), (4, 1)]


def _sit(user, exam, *, right: int, minutes: int, t0):
    """``user`` answers ``right`` questions right and hands in ``minutes`` after starting."""
    attempt = services.exam_start(actor=user, exam=exam, seed=5)
    qs = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    answers = {str(pk): qs[pk].answer.split("|")[0] for pk in attempt.questions[:right]}
    ExamAttempt.objects.filter(pk=attempt.pk).update(started_at=t0)
    return services.exam_submit(
        actor=user, attempt=attempt, answers=answers, now=t0 + dt.timedelta(minutes=minutes)
    )


def test_knowledge_contest_ranks_by_score_then_time(org, lead, agent, agent_b, bank, time_machine):
    t0 = timezone.now().replace(microsecond=0)
    time_machine.move_to(t0, tick=False)
    exam = services.exam_create(
        actor=lead, title="知识竞赛", blueprint={"售后规范": 2}, time_limit_minutes=30
    )
    comp = cs.competition_create(actor=lead, title="双11知识竞赛", kind="contest", exam=exam)
    carol = make_user("carol", "agent", team=org.aftersales1)
    dave = make_user("dave", "agent", team=org.aftersales1)
    _sit(agent, exam, right=2, minutes=9, t0=t0)
    _sit(agent_b, exam, right=2, minutes=6, t0=t0)
    _sit(carol, exam, right=1, minutes=2, t0=t0)
    _sit(dave, exam, right=2, minutes=6, t0=t0)
    board = selectors.board(comp)
    assert [(r["rank"], r["user"].username, r["score"]) for r in board] == [
        (1, "agent_b", 100.0),
        (1, "dave", 100.0),
        (3, "agent", 100.0),
        (4, "carol", 50.0),
    ]
    assert board[0]["seconds"] == 360


def test_roleplay_is_scored_by_examiners_on_the_form(lead, supervisor, agent, agent_b):
    comp = cs.competition_create(actor=lead, title="情景演练", kind="roleplay")
    full = {c["code"]: c["max"] for c in comp.criteria}
    assert sum(full.values()) == 100
    cs.roleplay_score(actor=lead, competition=comp, contestant=agent, marks=full)
    cs.roleplay_score(
        actor=supervisor, competition=comp, contestant=agent, marks={**full, "needs": 5}
    )
    ninety = {**full, "closing": 5}
    cs.roleplay_score(actor=lead, competition=comp, contestant=agent_b, marks=ninety)
    board = selectors.board(comp)
    assert [(r["user"], r["score"], r["forms"]) for r in board] == [
        (agent, 90.0, 2),
        (agent_b, 90.0, 1),
    ]
    assert [r["rank"] for r in board] == [1, 1]
    with pytest.raises(Invalid) as exc:
        cs.roleplay_score(
            actor=lead, competition=comp, contestant=agent, marks={**full, "opening": 16}
        )
    assert "opening" in exc.value.fields
    with pytest.raises(PermissionDenied):
        cs.roleplay_score(actor=lead, competition=comp, contestant=lead, marks=full)
    with pytest.raises(PermissionDenied):  # an agent is no examiner
        cs.roleplay_score(actor=agent_b, competition=comp, contestant=agent, marks=full)


def test_instant_qa_the_first_correct_answer_wins_the_point(lead, agent, agent_b):
    comp = cs.competition_create(actor=lead, title="抢答赛", kind="instant")
    r1 = cs.round_open(
        actor=lead,
        competition=comp,
        question="七天无理由退货从哪天算？",
        answer="签收次日|签收后次日",
    )
    assert not cs.round_answer(actor=agent_b, round=r1, given="下单当天").correct
    assert cs.round_answer(actor=agent, round=r1, given=" 签收次日 ").correct
    with pytest.raises(Conflict) as exc:
        cs.round_answer(actor=agent_b, round=r1, given="签收次日")
    assert exc.value.code == "round_won"
    r2 = cs.round_open(actor=lead, competition=comp, question="退款时效？", answer="3天")
    cs.round_answer(actor=agent_b, round=r2, given="３天")  # full-width digits are the same
    r3 = cs.round_open(actor=lead, competition=comp, question="首问负责制？", answer="跟进到底")
    cs.round_answer(actor=agent, round=r3, given="跟进到底")
    board = selectors.board(comp)
    assert [(r["rank"], r["user"], r["score"]) for r in board] == [(1, agent, 2), (2, agent_b, 1)]
    cs.competition_close(actor=lead, competition=comp)
    r3.refresh_from_db()
    with pytest.raises(Conflict):
        cs.round_answer(actor=agent_b, round=r3, given="跟进到底")


def test_only_leads_open_competitions_and_a_contest_needs_an_exam(lead, agent):
    with pytest.raises(PermissionDenied):
        cs.competition_create(actor=agent, title="x", kind="instant")
    with pytest.raises(Invalid):
        cs.competition_create(actor=lead, title="x", kind="contest")
    with pytest.raises(Invalid):
        cs.competition_create(actor=lead, title="x", kind="chess")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_competition_pages(web_as, lead, agent, agent_b, lang):
    client = web_as(lead)
    page = client.get(reverse("training:competitions"), HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    token = page.content.decode().split('name="idempotency_key" value="')[1][:32]
    answer = client.post(
        reverse("training:competition_create"),
        {"title": "抢答赛", "kind": "instant", "idempotency_key": token},
    )
    comp = selectors.competitions_for(lead).get()
    assert answer.status_code == 302
    client.post(
        reverse("training:competition_act", args=[comp.pk, "round"]),
        {"question": "退款时效？", "answer": "3天"},
    )
    rnd = comp.rounds.get()
    for user, given in ((agent_b, "3天"), (agent, "3天")):
        web_as(user).post(
            reverse("training:competition_act", args=[comp.pk, "answer"]),
            {"round": rnd.pk, "given": given},
        )
    page = web_as(agent).get(
        reverse("training:competition", args=[comp.pk]), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert page.status_code == 200
    assert [(r["rank"], r["user"]) for r in page.context["board"]] == [(1, agent_b)]


def test_demo_rows_give_leaderboards_with_ties_and_logged_departures(
    org, agent, agent_b, lead, supervisor, manager
):
    from kefu.demo.training_rows import build_training_rows
    from kefu.training.models import Competition, ExamDeparture
    from kefu.workforce.services import peak_plan_from_template

    for name in ("b1", "b2", "b3"):
        make_user(name, "agent", team=org.aftersales2)
    plan = peak_plan_from_template(actor=manager, business_line=org.shop, year=2026)
    build_training_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    contest = Competition.objects.get(kind="contest")
    assert contest.exam.closed_book and not contest.exam.allow_back
    board = selectors.board(contest)
    assert len(board) == 5 and board[0]["rank"] == 1
    ranks = [r["rank"] for r in board]
    assert len(set(ranks)) < len(ranks)  # two candidates tie
    roleplay = selectors.board(Competition.objects.get(kind="roleplay"))
    assert [r["rank"] for r in roleplay[:2]] == [1, 1]
    instant = Competition.objects.get(kind="instant")
    assert instant.rounds.filter(closed=False).count() == 1
    assert sum(r["score"] for r in selectors.board(instant)) == instant.rounds.count() - 1
    assert ExamDeparture.objects.filter(attempt__exam=contest.exam).exists()
    codes = {b.name: b.training_status for b in plan.borrowed.all()}
    assert len(codes) == 3
    # the two of the line are linked to their accounts (their 上岗 status is looked up by it);
    # the warehouse's 王芳 has none
    assert sorted(b.user is not None for b in plan.borrowed.all()) == [False, True, True]


def test_cli_leaderboard_prints_shared_ranks_and_refuses_an_unknown_id(
    capsys, lead, agent, agent_b
):
    import json

    from kefu.cli import main

    comp = cs.competition_create(actor=lead, title="抢答赛", kind="instant")
    for user in (agent, agent_b):
        rnd = cs.round_open(actor=lead, competition=comp, question="退款时效？", answer="3天")
        cs.round_answer(actor=user, round=rnd, given="3天")
    assert main(["training", "leaderboard", str(comp.pk), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "instant"
    assert [(r["rank"], r["score"]) for r in out["rows"]] == [(1, 1), (1, 1)]
    assert main(["training", "leaderboard", "999999"]) == 2
    assert "no such competition" in capsys.readouterr().err
