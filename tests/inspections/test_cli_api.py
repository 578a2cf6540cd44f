"""``kefu qa`` and /api/v1/qa: stable JSON, bad input → exit 2 or a 4xx that changes nothing,
scope (an agent sees only their own reviews), the reviewer → appeal → decision path by API."""

from __future__ import annotations

import json

import pytest

from kefu.cli import main
from kefu.inspections.models import Review, Sample

from .qakit import full_marks

pytestmark = pytest.mark.django_db


def test_cli_sample_is_reproducible_with_its_seed(sampled, capsys, month):
    Review.objects.all().delete()
    Sample.objects.all().delete()
    assert (
        main(["qa", "sample", "--period", month, "--seed", "2026", "--line", "shop", "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)["samples"][0]
    assert data["seed"] == 2026 and data["random"] == 5 and data["mandatory"] == 2
    assert {"id", "agent", "source", "ticket", "reviewer", "language_flags"} <= set(
        data["items"][0]
    )
    assert all(i["reviewer"] != "lead" for i in data["items"])  # the agent's own team lead


@pytest.mark.parametrize(
    "argv",
    [
        ["qa", "sample", "--period", "2026-13"],
        ["qa", "sample", "--period", "2026-11", "--seed", "x"],
        ["qa", "score", "--line", "nope", "--form", "service", "--answers", "1=1"],
        ["qa", "score", "--line", "shop", "--form", "service", "--answers", "1:1"],
    ],
)
def test_cli_bad_input_exits_2_on_stderr(forms, capsys, argv):
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_cli_score_prints_the_score(forms, capsys):
    form = forms["service"]
    answers = ",".join(f"{k}={v}" for k, v in full_marks(form).items())
    assert (
        main(["qa", "score", "--line", "shop", "--form", "service", "--answers", answers, "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["score"] == "100.00" and data["passed"] and not data["failed"]


def test_api_score_appeal_decide(sampled, api_as, agent):
    review = sampled["sample"].reviews.filter(source="random").select_related("form").first()
    answers = {str(k): float(v) for k, v in full_marks(review.form).items()}
    first = next(iter(answers))
    answers[first] = 0
    reviewer = api_as(review.reviewer)
    bad = reviewer.post(
        f"/api/v1/qa/reviews/{review.pk}/score", {"answers": {first: 0}, "version": 1}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    stale = reviewer.post(
        f"/api/v1/qa/reviews/{review.pk}/score", {"answers": answers, "version": 9}
    )
    assert stale.status_code == 409
    ok = reviewer.post(f"/api/v1/qa/reviews/{review.pk}/score", {"answers": answers, "version": 1})
    assert ok.status_code == 200 and ok.json()["status"] == "completed"
    me = api_as(agent)
    listed = me.get("/api/v1/qa/reviews").json()["items"]
    assert listed and all(r["agent"] == agent.pk for r in listed)
    appealed = me.post(f"/api/v1/qa/reviews/{review.pk}/appeal", {"reason": "录音可查"})
    assert appealed.status_code == 201
    decider_id = appealed.json()["appeal"]["decider"]
    again = me.post(f"/api/v1/qa/reviews/{review.pk}/appeal", {"reason": "再次"})
    assert again.status_code == 409
    from kefu.accounts.models import User

    decider = api_as(User.objects.get(pk=decider_id))
    decided = decider.post(
        f"/api/v1/qa/reviews/{review.pk}/decision", {"outcome": "upheld", "note": "维持原评分"}
    )
    assert decided.status_code == 200
    assert decided.json()["appeal"]["status"] == "upheld"
    assert decided.json()["status"] == "decided"


def test_api_other_team_agent_cannot_see_a_review(sampled, api_as, agent2):
    review = sampled["sample"].reviews.first()
    assert api_as(agent2).get(f"/api/v1/qa/reviews/{review.pk}").status_code == 404


def test_api_quality_month(sampled, api_as, supervisor, month):
    r = api_as(supervisor).get("/api/v1/qa/quality", {"period": month})
    assert r.status_code == 200
    rows = {row["agent_name"]: row for row in r.json()["rows"]}
    assert rows["agent"]["complaints"] == 1
    assert api_as(supervisor).get("/api/v1/qa/quality", {"period": "11-2026"}).status_code == 400


def test_cli_score_records_the_review_as_its_reviewer_only(sampled, capsys, agent):
    review = sampled["sample"].reviews.filter(source="random").select_related("form").first()
    answers = ",".join(f"{k}={v}" for k, v in full_marks(review.form).items())
    base = ["qa", "score", "--line", "shop", "--form", "service", "--answers", answers]
    assert main([*base, "--review", str(review.pk), "--user", agent.username]) == 2
    assert "reviewer" in capsys.readouterr().err
    reviewer = review.reviewer.username
    assert main([*base, "--review", str(review.pk), "--user", reviewer, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["review"] == review.pk
    review.refresh_from_db()
    assert review.status == "completed" and str(review.score) == "100.00"
