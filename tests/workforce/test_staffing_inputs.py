"""Issue 15 §2: the staffing calculator answers every valid input and refuses absurd ones fast.

Page, API and CLI: a service-level target of 0 (no waiting-time target) is a valid question;
a load of 10^10 Erlangs or a billion agents is a clear 4xx / exit code 2, not a thread held for
minutes (no wall-clock assertion: the bound is checked before any computation).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.cli import main
from kefu.workforce import staffing

PAGE = {
    "arrivals": "100",
    "interval_seconds": "1800",
    "aht": "180",
    "target_answer": "20",
    "service_level": "0.8",
    "shrinkage": "0.3",
    "patience": "120",
}
API_BODY = {
    "arrivals": 100,
    "interval_seconds": 1800,
    "aht": 180,
    "target_answer": 20,
    "service_level": "0.8",
    "shrinkage": "0.3",
}
CLI_BASE = ["--arrivals", "100", "--interval-seconds", "1800", "--aht", "180"]
CLI_BASE += ["--target-answer", "20"]


def _page(client, **changes):
    client.cookies["django_language"] = "en"
    return client.get(reverse("workforce:staffing"), {**PAGE, **changes})


def _cli(capsys, *argv):
    code = main(["staffing", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- the page -----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {},  # the form as it first appears: today every 计算 was a 500
        {"shrinkage": "0.99"},
        {"shrinkage": "0"},
        {"service_level": "0"},
        {"service_level": "1", "arrivals": "0"},
        {"processing_cycle_days": "0.01", "monthly_refunds": "300", "refunds_per_agent_day": "5"},
        {"arrivals": "0.5", "aht": "1", "interval_seconds": "1"},
    ],
)
def test_every_valid_submission_is_answered(web_as, agent, changes):
    response = _page(web_as(agent), **changes)
    assert response.status_code == 200
    assert 'id="erlang-results"' in response.content.decode()


@pytest.mark.django_db
def test_the_default_form_gives_the_worked_example(web_as, agent):
    page = _page(web_as(agent)).content.decode()
    # Call Centre Helper: 14 on the queue under Erlang C, 20 rostered with 30 % shrinkage
    assert "<td>14</td>" in page and "<strong>20</strong>" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"arrivals": "10000000000"}, "the calculator handles at most 20,000"),
        ({"arrivals": "1e999999999"}, "out of range"),
        ({"interval_seconds": "99999999999999999999"}, "out of range"),
        ({"shrinkage": "1"}, "less than or equal to 0.99"),
        ({"service_level": "1.5"}, "less than or equal to 1"),
    ],
)
def test_absurd_or_out_of_range_input_gets_a_message_not_a_500(web_as, agent, changes, message):
    response = _page(web_as(agent), **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="erlang-results"' not in response.content.decode()


@pytest.mark.django_db
def test_a_patience_beyond_erlang_a_still_answers_with_erlang_c(web_as, agent):
    response = _page(web_as(agent), arrivals="20000", aht="1", interval_seconds="1", patience="600")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="erlang-results"' in page  # Erlang C
    assert "so use Erlang C" in page


@pytest.mark.django_db
def test_the_page_speaks_chinese(web_as, agent):
    client = web_as(agent)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("workforce:staffing"), {**PAGE, "arrivals": "1e10"}).content
    assert "爱尔兰" in page.decode() or "话务量" in page.decode()


# -- the API ------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("model", ["erlang-c", "erlang-a"])
def test_api_answers_a_zero_service_level(api_as, agent, model):
    body = {**API_BODY, "service_level": 0, **({"patience": 120} if model == "erlang-a" else {})}
    response = api_as(agent).post(f"/api/v1/workforce/staffing/{model}", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["meets_target"] is True
    if model == "erlang-c":
        assert data["raw_agents"] == 11  # the first stable staffing of 10 Erlangs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "changes", "field"),
    [
        ("erlang-c", {"arrivals": 10**10}, "arrivals"),
        ("erlang-c", {"arrivals": "1e10"}, "arrivals"),
        ("erlang-a", {"arrivals": "1e10", "patience": 120}, "arrivals"),
        ("erlang-c", {"agents": 10**12}, "agents"),
        ("erlang-a", {"agents": 10**12, "patience": 120}, "agents"),
        ("erlang-a", {"patience": "1e12"}, "patience"),
        ("erlang-c", {"arrivals": "1e100000000"}, "arrivals"),
    ],
)
def test_api_refuses_absurd_loads_with_a_400(api_as, agent, model, changes, field):
    response = api_as(agent).post(f"/api/v1/workforce/staffing/{model}", {**API_BODY, **changes})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"]
    assert field in error["fields"]


# -- the CLI ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "extra"), [("erlang-c", []), ("erlang-a", ["--patience", "120"])]
)
def test_cli_accepts_a_zero_service_level(capsys, model, extra):
    code, out, err = _cli(capsys, model, *CLI_BASE, "--service-level", "0", *extra, "--json")
    assert (code, err) == (0, "")
    assert '"meets_target": true' in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["erlang-c", "--arrivals", "1e10"], "at most 20,000"),
        (["erlang-a", "--arrivals", "1e10", "--patience", "60"], "at most 20,000"),
        (["erlang-c", "--agents", "1000000000000"], "at most 50,000"),
        (["erlang-c", "--arrivals", "1e100000000"], "--arrivals"),
        (["erlang-c", "--service-level", "-0.1"], "at least 0 and at most 1"),
    ],
)
def test_cli_refuses_absurd_input_with_exit_code_2(capsys, argv, words):
    model, *options = argv
    values = dict(zip(CLI_BASE[::2], CLI_BASE[1::2], strict=True))
    values["--service-level"] = "0.8"
    values.update(dict(zip(options[::2], options[1::2], strict=True)))
    code, out, err = _cli(capsys, model, *[x for kv in values.items() for x in kv], "--json")
    assert code == 2
    assert out == ""
    assert words in err


# -- the pure module ----------------------------------------------------------------------------
def test_bounds_are_checked_before_any_computation():
    with pytest.raises(staffing.TooLarge) as caught:
        staffing.staffing_request(
            arrivals=10**10, interval_seconds=1800, aht_seconds=1800, answer_seconds=20
        )
    assert caught.value.field == "arrivals"
    at_limit = staffing.staffing_request(
        arrivals=staffing.MAX_TRAFFIC_ERLANGS,
        interval_seconds=1,
        aht_seconds=1,
        answer_seconds=20,
        service_level="0.8",
    )
    assert staffing.solve_erlang_c(at_limit).raw_agents > staffing.MAX_TRAFFIC_ERLANGS


def test_a_huge_answer_time_against_a_short_patience_is_computed():
    """exp(−T ÷ patience) underflows to 0: every caller still waiting is answered in time."""
    req = staffing.staffing_request(
        arrivals=100,
        interval_seconds=1800,
        aht_seconds=180,
        answer_seconds=10**6,
        service_level="0.8",
        patience_seconds=1,
    )
    result = staffing.solve_erlang_a(req)
    assert result.metrics.service_level >= 0.8
