"""The pages of the daily, weekly and yearly reports (issue 22 §3, §4): figures link to their
rows, letters and meetings are written through the page, exports are .xlsx without formulas
and PDFs; an agent cannot write; bad input is a message, never a 500."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook

from kefu.reports.models import FeedbackLetter, WeeklyMeeting
from kefu.tickets import complaints

TZ = dt.timezone(dt.timedelta(hours=8))
UNIT = "=SUM(1,2)仓库"  # a unit whose name reads like a formula


def test_periodic_pages_write_and_export(org, manager, lead, agent, client, make_ticket):
    # given: a complaint handed to a unit named like a formula on Tuesday 3 November 2026
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=TZ), tick=False):
        unit = complaints.unit_create(
            actor=manager, business_line=org.shop, name=UNIT, kind="station"
        )
        t = make_ticket(agent)
        complaints.handoff_create(actor=agent, ticket=t, unit=unit, due_at=t.due_at)
    with time_machine.travel(dt.datetime(2026, 11, 7, 16, tzinfo=TZ), tick=False):
        client.force_login(manager)
        # the daily close: the team's figure links to exactly its rows
        page = client.get("/reports/daily/?day=2026-11-03")
        assert page.status_code == 200
        team = next(r for r in page.context["data"]["teams"] if r["team"] == "售后一组")
        assert team["received"] == 1
        rows = client.get(team["urls"]["received"])
        assert rows.context["total"] == 1 and t.number in rows.content.decode()
        # the weekly report and a feedback letter written through the page
        week = client.get("/reports/weekly/?week=2026-W45")
        assert [u["unit"] for u in week.context["data"]["feedback"]["units"]] == [UNIT]
        client.post(
            "/reports/weekly/feedback/", {"week": "2026-W45", "unit": unit.pk, "text": "请整改"}
        )
        assert FeedbackLetter.objects.get().text == "请整改"
        # bad input: a message, not a 500
        assert client.get("/reports/weekly/?week=2026-W99").status_code == 400
        assert client.get("/reports/yearly/?year=abcd").status_code == 400
        # exports: no formula cell, the hostile title kept as text; PDFs
        for kind, query in (
            ("daily", "day=2026-11-03"),
            ("weekly", "week=2026-W45"),
            ("yearly", "year=2026"),
        ):
            xlsx = client.get(f"/reports/{kind}/report.xlsx?{query}")
            cells = [
                c
                for s in load_workbook(io.BytesIO(xlsx.content)).worksheets
                for r in s.iter_rows()
                for c in r
            ]
            assert not [c for c in cells if c.data_type == "f"], kind
            if kind == "weekly":
                assert "'" + UNIT in [c.value for c in cells]
            assert client.get(f"/reports/{kind}/report.pdf?{query}").content[:5] == b"%PDF-"
        # the lead holds the team's meeting; the agent may read but not write
        client.force_login(lead)
        url = f"/reports/weekly/meeting/?week=2026-W45&team={org.aftersales1.pk}"
        assert client.get(url).status_code == 200
        client.post(
            url,
            {
                "minutes": "本周投诉一件",
                "action-0": "仓库复查",
                "owner-0": agent.pk,
                "due-0": "2026-11-12",
            },
        )
        assert WeeklyMeeting.objects.get().actions.get().owner == agent
        client.force_login(agent)
        client.post(
            "/reports/weekly/feedback/", {"week": "2026-W45", "unit": unit.pk, "text": "越权"}
        )
        assert FeedbackLetter.objects.count() == 1
        assert client.get(url).context["held"].minutes == "本周投诉一件"
