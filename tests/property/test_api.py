"""/api/v1/property and /api/v1/booking: figures from rows, a refused write is a 4xx that
changes nothing, other lines see nothing (FEE-2, FEE-4, BK-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.followups.models import LetterRecord
from kefu.property import services
from kefu.property.models import Bill

pytestmark = pytest.mark.django_db


def test_collection_rate_arrears_dunning_and_batch(api_as, wy_supervisor, agent, make_unit, fee):
    unit = make_unit()
    year = dt.date.today().year - 2
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period=dt.date(year, 1, 1), due_on=dt.date(year, 1, 31)
    )
    client = api_as(wy_supervisor)
    rate = client.get("/api/v1/property/collection-rate", {"year": year}).json()
    assert (rate["billed_yuan"], rate["collected_yuan"]) == ("250.00", "0.00")
    bill = Bill.objects.get()
    paid = client.post("/api/v1/property/payments", {"bill": bill.pk, "amount": "50"})
    assert paid.status_code == 201
    too_much = client.post("/api/v1/property/payments", {"bill": bill.pk, "amount": "500"})
    assert too_much.status_code == 400 and too_much.json()["error"]["fields"]["amount"]
    assert client.get("/api/v1/property/collection-rate", {"year": year}).json()["rate"] == "0.2000"
    owing = client.get("/api/v1/property/dunning").json()["items"]
    assert [(h["unit_id"], h["arrears_yuan"]) for h in owing] == [(unit.pk, "200.00")]
    batch = client.post("/api/v1/property/letter-batches", {"kind": "dunning"})
    assert batch.status_code == 201
    assert batch.json()["letter_records"] == list(LetterRecord.objects.values_list("pk", flat=True))
    # a line without a property office is refused by the desk gate and pays nothing
    other = api_as(agent)
    refused = other.get("/api/v1/property/arrears")
    assert refused.status_code == 403 and "property office" in refused.json()["error"]["message"]
    paying = other.post("/api/v1/property/payments", {"bill": bill.pk, "amount": "1"})
    assert paying.status_code == 403
    assert client.get("/api/v1/property/collection-rate", {"year": year}).json()["rate"] == "0.2000"


def test_booking_check_cancel_endpoint(api_as, wy_agent):
    line = account_services.business_line_create(name="英语学校", code="edu", industry="education")
    team = Team.objects.filter(business_line=line).first()
    client = api_as(make_user("edu_agent", "agent", team=team))
    ok = client.get(
        "/api/v1/booking/check-cancel",
        {"start": "2026-11-24T19:00:00+08:00", "at": "2026-11-24T07:00:00+08:00"},
    ).json()
    assert ok == {
        "allowed": True,
        "hours_before": 12.0,
        "deducts_hours": False,
        "needs_approval": False,
    }
    late = client.get(
        "/api/v1/booking/check-cancel",
        {"start": "2026-11-24T19:00:00+08:00", "at": "2026-11-24T07:00:01+08:00"},
    ).json()
    assert late["allowed"] is False and late["deducts_hours"] is True
    bad = client.get("/api/v1/booking/check-cancel", {"start": "soon", "at": "now"})
    assert bad.status_code == 422
    # the lesson desk's rule is not offered to a property line
    refused = api_as(wy_agent).get(
        "/api/v1/booking/check-cancel",
        {"start": "2026-11-24T19:00:00+08:00", "at": "2026-11-24T07:00:00+08:00"},
    )
    assert refused.status_code == 403
