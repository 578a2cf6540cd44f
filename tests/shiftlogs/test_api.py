"""/api/v1/shiftlogs (SR-3, LOG-6): write, review queue, sign-off, addenda, search, export,
scope, and client mistakes answered with 4xx that change nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.shiftlogs.models import ShiftLogEntry

pytestmark = pytest.mark.django_db
URL = "/api/v1/shiftlogs"


def _body(**fields):
    return {
        "kind": "handover",
        "shift_date": timezone.localdate().isoformat(),
        "shift": "morning",
        "title": "早班交接：5号楼地下室漏水",
        "body": "地下室漏水已通知工程部，下午复查。",
        **fields,
    }


def test_sr3_api_write_review_sign_and_addendum(api_as, agent, supervisor):
    client = api_as(agent)
    created = client.post(f"{URL}/entries", _body())
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["status"] == "pending" and entry["kind_label"] == "Handover book"
    assert entry["addenda"] == []

    boss = api_as(supervisor)
    queue = boss.get(f"{URL}/review").json()
    assert queue["today"] == 1 and [e["id"] for e in queue["items"]] == [entry["id"]]
    assert client.get(f"{URL}/review").status_code == 403  # agents do not sign off

    signed = boss.post(f"{URL}/entries/{entry['id']}/sign", {"category": "repair"})
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed" and signed.json()["category"] == "repair"
    assert boss.get(f"{URL}/review").json()["items"] == []

    again = boss.post(f"{URL}/entries/{entry['id']}/sign", {"category": "routine"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_signed"
    patch = client.patch(f"{URL}/entries/{entry['id']}", {"version": 2, "title": "改"})
    assert patch.status_code == 409 and patch.json()["error"]["code"] == "entry_signed"

    added = client.post(f"{URL}/entries/{entry['id']}/addenda", {"body": "更正：漏水在6号楼"})
    assert added.status_code == 201
    detail = client.get(f"{URL}/entries/{entry['id']}").json()
    assert detail["title"] == "早班交接：5号楼地下室漏水"
    assert [a["body"] for a in detail["addenda"]] == ["更正：漏水在6号楼"]


def test_sr3_api_client_mistakes_are_4xx_and_change_nothing(api_as, agent, lead, supervisor):
    client = api_as(agent)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cases = [
        (_body(kind="minutes"), 422),
        (_body(shift="noon"), 422),
        (_body(shift_date="2026-02-30"), 422),
        (_body(shift_date=tomorrow), 400),
        (_body(kind="patrol"), 400),  # no area
        (_body(kind="management"), 403),  # agents do not write the management log
        (_body(title=" "), 400),
        (_body(extra="x"), 422),
    ]
    for body, status in cases:
        response = client.post(f"{URL}/entries", body)
        assert response.status_code == status, (body, response.content)
        assert "error" in response.json()
    assert not ShiftLogEntry.objects.exists()
    entry = client.post(f"{URL}/entries", _body()).json()
    dup = api_as(lead).post(f"{URL}/entries", _body())
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "handover_exists"
    bad_sign = api_as(supervisor).post(f"{URL}/entries/{entry['id']}/sign", {"category": "x"})
    assert bad_sign.status_code == 422
    assert client.get(f"{URL}/entries", {"status": "approved"}).status_code == 422
    assert client.get(f"{URL}/entries", {"from": "2026-13-01"}).status_code == 400
    assert client.get(f"{URL}/entries", {"cursor": "nonsense"}).status_code == 400
    stale = client.patch(f"{URL}/entries/{entry['id']}", {"version": 7, "title": "新"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"


def test_sr3_api_scope_another_line_is_not_found(api_as, agent, wy_agent):
    theirs = api_as(wy_agent).post(f"{URL}/entries", _body()).json()
    client = api_as(agent)
    assert client.get(f"{URL}/entries/{theirs['id']}").status_code == 404
    assert client.post(f"{URL}/entries/{theirs['id']}/addenda", {"body": "x"}).status_code == 404
    assert client.get(f"{URL}/entries").json()["items"] == []


def test_sr3_api_search_paginate_and_export(api_as, agent, supervisor):
    client = api_as(agent)
    today = timezone.localdate()
    for i, (title, body) in enumerate(
        [("电梯困人", "3号楼电梯困人"), ("漏水", "5号楼漏水"), ("停车", '=HYPERLINK("x")')]
    ):
        day = (today - dt.timedelta(days=i)).isoformat()
        assert (
            client.post(f"{URL}/entries", _body(shift_date=day, title=title, body=body)).status_code
            == 201
        )
    found = client.get(f"{URL}/entries", {"q": "电梯"}).json()["items"]
    assert [e["title"] for e in found] == ["电梯困人"]
    first = client.get(f"{URL}/entries", {"limit": 2}).json()
    rest = client.get(f"{URL}/entries", {"limit": 2, "cursor": first["next"]}).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next"] is None

    response = client.get(f"{URL}/entries.xlsx", {"kind": "handover"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Handover book" and len(rows) == 2 + 3
    bodies = [r[8] for r in rows[2:]]
    assert '\'=HYPERLINK("x")' in bodies  # a formula stays text (core.xlsx)
