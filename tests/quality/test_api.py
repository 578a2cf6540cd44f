"""/api/v1/quality: deduct and sign through the API, scope (another team's card is not found),
the penalty summary's sign-off, and client mistakes answered with 4xx that change nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kefu.quality import months, services
from kefu.quality.models import DeductionRule, ScoreEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality"
PERIOD = months.label(timezone.localdate().replace(day=1))


def test_api_deduct_list_sign_and_scope(api_as, org, lead, supervisor, agent, agent2):
    services.rules_seed(actor=None, business_line=org.shop)
    rule = DeductionRule.objects.get(business_line=org.shop, name="报表出错或延时")
    as_lead = api_as(lead)
    r = as_lead.post(
        f"{URL}/deductions",
        {"user": agent.pk, "rule": rule.pk, "quantity": 2, "reason": "日报两次延时"},
    )
    assert r.status_code == 201, r.content
    card = r.json()
    assert card["score"] == 94 and card["events"][0]["points"] == 6
    assert (
        as_lead.post(
            f"{URL}/deductions", {"user": lead.pk, "rule": rule.pk, "reason": "自己"}
        ).status_code
        == 403
    )
    assert (
        as_lead.post(
            f"{URL}/deductions", {"user": agent2.pk, "rule": rule.pk, "reason": "别组"}
        ).status_code
        == 404
    )
    assert (
        as_lead.post(
            f"{URL}/deductions", {"user": agent.pk, "rule": rule.pk, "quantity": 0, "reason": "x"}
        ).status_code
        == 422
    )
    assert ScoreEvent.objects.count() == 1
    items = as_lead.get(f"{URL}/scorecards", {"period": PERIOD}).json()["items"]
    assert [(c["user"], c["score"]) for c in items] == [("agent", 94.0)]
    assert api_as(agent2).get(f"{URL}/scorecards/{card['id']}").status_code == 404
    assert as_lead.get(f"{URL}/scorecards", {"period": "2026-13"}).status_code in (400, 422)
    signed = as_lead.post(f"{URL}/scorecards/{card['id']}/sign", {"version": card["version"]})
    assert signed.json()["status"] == "lead_signed"
    stale = api_as(supervisor).post(
        f"{URL}/scorecards/{card['id']}/sign", {"version": card["version"]}
    )
    assert stale.status_code == 409
    done = api_as(supervisor).post(
        f"{URL}/scorecards/{card['id']}/sign", {"version": signed.json()["version"]}
    )
    assert done.json()["status"] == "signed"


def test_api_penalty_summary_is_signed_by_a_manager_then_locked(api_as, org, manager, supervisor):
    r = api_as(supervisor).post(f"{URL}/penalties", {"period": PERIOD})
    assert r.status_code == 201 and r.json()["status"] == "draft"
    summary = r.json()
    as_sup = api_as(supervisor)
    assert (
        as_sup.post(
            f"{URL}/penalties/{summary['id']}/advance",
            {"to": "signed", "version": summary["version"]},
        ).status_code
        == 403
    )
    # a draft is checked by the supervisor before company leadership signs it
    early = api_as(manager).post(
        f"{URL}/penalties/{summary['id']}/advance", {"to": "signed", "version": summary["version"]}
    )
    assert early.status_code == 409
    checked = as_sup.post(
        f"{URL}/penalties/{summary['id']}/advance", {"to": "checked", "version": summary["version"]}
    )
    assert checked.status_code == 200, checked.content
    assert (checked.json()["status"], checked.json()["checked_by"]) == ("checked", "supervisor")
    assert as_sup.post(f"{URL}/penalties", {"period": PERIOD}).status_code == 409  # locked
    signed = api_as(manager).post(
        f"{URL}/penalties/{summary['id']}/advance",
        {"to": "signed", "version": checked.json()["version"]},
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["signed_by"] == "manager"
    assert as_sup.post(f"{URL}/penalties", {"period": PERIOD}).status_code == 409
    assert api_as(manager).get(f"{URL}/penalties", {"period": PERIOD}).json()["status"] == "signed"


def test_api_calculators(api_as, agent):
    client = api_as(agent)
    r = client.post(f"{URL}/competency", {"ratings": [4] * 11})
    assert r.json()["score"] == 80
    assert client.post(f"{URL}/competency", {"ratings": [4] * 10}).status_code == 422
    r = client.post(f"{URL}/kendall-w", {"matrix": [[5, 4, 3, 2, 1]] * 3})
    assert r.json()["w"] == pytest.approx(1.0)
    assert client.post(f"{URL}/kendall-w", {"matrix": [[5, 4], [1]]}).status_code == 400
