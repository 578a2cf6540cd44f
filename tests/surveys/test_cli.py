"""``kefu surveys run`` and ``kefu surveys results --json``."""

from __future__ import annotations

import json

from kefu.cli import main


def test_surveys_run_is_idempotent(agent, make_ticket, close, questionnaire, capsys):
    # a closed ticket whose invitation was lost (e.g. a crash before it was made): caught up
    from kefu.surveys.models import SurveyInvitation

    questionnaire()
    ticket = close(make_ticket(agent), agent)
    SurveyInvitation.objects.filter(ticket=ticket).delete()
    assert main(["surveys", "run", "--date", "2026-06-01", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["surveys", "run", "--date", "2026-06-01", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first == {"after_close": 1, "campaigns": 0}
    assert second == {"after_close": 0, "campaigns": 0}


def test_surveys_results_json_and_bad_period(lead, capsys):
    assert main(["surveys", "results", "--user", "lead", "--period", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2026-11"
    assert data["total"]["target"] == 93.0
    assert main(["surveys", "results", "--user", "lead", "--period", "11/2026"]) == 2
    assert "2026-Q4" in capsys.readouterr().err
