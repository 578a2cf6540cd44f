"""The demo's shift logs (issue 23 "Must show": a signed handover book): 180 days of the
handover book for the shop and the property office, most signed, today's awaiting sign-off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.demo.shiftlog_rows import DAYS, build_shiftlog_rows
from kefu.shiftlogs import selectors
from kefu.shiftlogs.models import ShiftLogEntry

pytestmark = pytest.mark.django_db


def test_demo_sr3_log6_handover_book_signed_with_todays_queue(
    org, agent, agent_b, lead, supervisor, wy_agent
):
    make_user("wy_agent_b", "agent", team=org.wy_front)
    make_user("wy_supervisor", "supervisor", department=org.wy_front.department)
    now = timezone.now()
    made = build_shiftlog_rows(now=now, seed=1, lines={"shop": org.shop, "wy": org.property})
    today = timezone.localdate(now)
    handover = ShiftLogEntry.objects.filter(kind="handover")
    assert made == ShiftLogEntry.objects.count()
    for line in (org.shop, org.property):
        days = handover.filter(business_line=line).values("shift_date").distinct().count()
        assert days == DAYS + 1
    earlier = handover.filter(shift_date__lt=today)
    assert earlier.exists() and not earlier.exclude(status="signed").exists()
    assert not earlier.filter(category="").exists()
    assert handover.filter(shift_date=today, status="pending").exists()
    assert selectors.review_counts_for(user=supervisor)["today"] >= 1
    assert selectors.review_counts_for(user=supervisor)["overdue"] == 0
    assert ShiftLogEntry.objects.filter(kind="patrol", business_line=org.property).exists()
    assert ShiftLogEntry.objects.filter(kind="management", author=lead).exists()
    assert ShiftLogEntry.objects.filter(addenda__isnull=False).exists()
    assert not ShiftLogEntry.objects.filter(shift_date__gt=today).exists()
    assert not ShiftLogEntry.objects.filter(created_at__gt=now).exists()
    found = selectors.entry_list_for(
        user=supervisor, filters=selectors.EntryFilters.parse({"q": "退换货"})
    )
    assert found.exists()
    assert today - dt.timedelta(days=DAYS) == handover.order_by("shift_date").first().shift_date
