"""TRN-1 lengths and series formats, TRN-3's state machine (pure, no database)."""

from __future__ import annotations

import pytest

from kefu.training import courses, development
from kefu.training.development import Actor, StepRefused, check, top_needs


@pytest.mark.parametrize(
    ("minutes", "kind"),
    [
        (15, "micro"),
        (30, "micro"),
        (60, "micro"),
        (120, "quasi_micro"),
        (180, "quasi_micro"),
        (240, "half_day"),
        (480, "one_day"),
        (45, None),
        (90, None),
        (200, None),
        (0, None),
    ],
)
def test_trn1_course_lengths(minutes, kind):
    assert courses.length_kind(minutes) == kind


def test_trn1_a_series_of_hour_courses_runs_over_five_early_classes_or_one_day():
    five = [60] * 5  # 营销五部曲
    assert courses.series_formats(five) == ["one_day", "early_classes"]
    assert courses.series_formats([60, 60]) == ["half_day", "one_day", "early_classes"]
    assert courses.series_formats([60] * 6) == ["one_day"]
    assert courses.series_formats([180, 180, 180]) == []


def test_trn3_the_top_two_needs_by_votes_ties_to_the_first_named():
    named = ["投诉处理", "电话营销", " 电话营销 ", "情绪管理", "投诉处理", "情绪管理", ""]
    assert top_needs(named) == [("投诉处理", 2), ("电话营销", 2)]


SUPERVISOR = Actor(rank=3)
MANAGER = Actor(rank=4)
LEAD = Actor(rank=2)
AGENT = Actor(rank=1)
DEVELOPER = Actor(rank=1, is_developer=True)
EXPERT = Actor(rank=1, is_expert=True)


def test_trn3_the_whole_flow_in_order_by_the_people_who_may():
    steps = [
        ("pick", SUPERVISOR),
        ("buy", SUPERVISOR),
        ("form_team", SUPERVISOR),
        ("workshop", DEVELOPER),
        ("develop", DEVELOPER),
        ("trial", DEVELOPER),
        ("accept", EXPERT),
        ("file", MANAGER),
        ("roll_out", LEAD),
    ]
    state = development.SURVEY
    for action, actor in steps:
        state = check(action, state=state, actor=actor)
    assert state == development.ROLLED_OUT


@pytest.mark.parametrize(
    ("action", "state", "actor", "reason"),
    [
        ("pick", "survey", LEAD, "not_allowed"),
        ("buy", "needs_chosen", AGENT, "not_allowed"),
        ("form_team", "bought", LEAD, "not_allowed"),
        ("workshop", "team_formed", AGENT, "not_allowed"),
        ("develop", "workshop_held", SUPERVISOR, "not_allowed"),
        ("trial", "developed", EXPERT, "not_allowed"),
        ("accept", "trialled", MANAGER, "not_expert"),
        ("accept", "trialled", Actor(rank=3, is_expert=True, is_developer=True), "not_expert"),
        ("return", "trialled", DEVELOPER, "not_expert"),
        ("file", "accepted", SUPERVISOR, "not_allowed"),
        ("roll_out", "filed", AGENT, "not_allowed"),
        ("accept", "developed", EXPERT, "wrong_state"),
        ("file", "trialled", MANAGER, "wrong_state"),
        ("publish", "survey", MANAGER, "unknown_action"),
    ],
)
def test_trn3_who_may_not_make_a_step(action, state, actor, reason):
    with pytest.raises(StepRefused) as refused:
        check(action, state=state, actor=actor)
    assert refused.value.reason == reason


def test_trn3_the_panel_returns_a_course_to_development_and_a_supervisor_holds_the_workshop():
    assert check("return", state="trialled", actor=EXPERT) == "developed"
    assert check("workshop", state="team_formed", actor=SUPERVISOR) == "workshop_held"
