"""The shift's logs as the sources decide them (SR-3, LOG-6), through the services.

SR-3: the daily forms (巡查报告表 …) are collected by the supervisor **every day**, who
reviews and classifies them. LOG-6: 交班工作记录本 (handover book), 管理日志 (management log),
巡查表 (patrol sheet). Sign-off is audited and final; a correction is an addendum.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.shiftlogs import selectors, services
from kefu.shiftlogs.models import ShiftLogEntry

pytestmark = pytest.mark.django_db


def test_log6_the_three_logs_of_the_source_exist(agent, lead, write):
    kinds = {
        write(agent, kind="handover").kind,
        write(lead, kind="management").kind,
        write(agent, kind="patrol").kind,
    }
    assert kinds == {"handover", "management", "patrol"}
    labels = dict(ShiftLogEntry._meta.get_field("kind").choices)
    assert str(labels["handover"]) == "Handover book"


def test_log6_handover_book_has_one_page_per_team_and_shift(agent, agent_b, write):
    write(agent, shift="morning")
    with pytest.raises(Conflict) as exc:
        write(agent_b, shift="morning")
    assert exc.value.code == "handover_exists"
    write(agent_b, shift="afternoon")  # the next shift has its own page
    assert ShiftLogEntry.objects.filter(kind="handover").count() == 2


def test_log6_management_log_is_written_by_leads_and_above(agent, lead, write):
    with pytest.raises(PermissionDenied):
        write(agent, kind="management")
    assert write(lead, kind="management").team_id == lead.team_id
    assert not ShiftLogEntry.objects.filter(author=agent).exists()


def test_log6_patrol_report_names_the_area_patrolled(agent, write):
    with pytest.raises(Invalid) as exc:
        write(agent, kind="patrol", area="  ")
    assert "area" in exc.value.fields


def test_sr3_no_entry_for_a_shift_that_has_not_come(agent, write):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Invalid) as exc:
        write(agent, shift_date=tomorrow)
    assert "shift_date" in exc.value.fields
    assert not ShiftLogEntry.objects.exists()


def test_log6_handed_over_to_a_colleague_of_the_same_team(agent, agent_b, agent2, write):
    entry = write(agent, handed_to=agent_b.pk)
    assert entry.handed_to == agent_b
    with pytest.raises(Invalid):
        write(agent, shift="night", handed_to=agent2.pk)  # another team


def test_sr3_the_supervisor_classifies_and_signs_off_audited(agent, supervisor, write):
    entry = write(agent)
    signed = services.entry_sign(
        actor=supervisor, entry=entry, category="repair", review_note="已派维修，次日回访"
    )
    assert signed.status == "signed" and signed.category == "repair"
    assert signed.signed_by == supervisor and signed.signed_at is not None
    event = AuditEvent.objects.get(action="shiftlog.sign", object_id=str(entry.pk))
    assert event.actor == supervisor and event.changes["category"] == "repair"


def test_sr3_signing_needs_a_category(agent, supervisor, write):
    entry = write(agent)
    with pytest.raises(Invalid) as exc:
        services.entry_sign(actor=supervisor, entry=entry, category="")
    assert "category" in exc.value.fields
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_sr3_only_supervisors_and_above_sign_off(agent, agent_b, lead, write):
    entry = write(agent)
    for actor in (agent_b, lead):
        with pytest.raises(PermissionDenied):
            services.entry_sign(actor=actor, entry=entry, category="routine")
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_sr3_nobody_signs_their_own_entry(supervisor, org, write):
    entry = write(supervisor, kind="management", team=org.aftersales1.pk)
    with pytest.raises(PermissionDenied):
        services.entry_sign(actor=supervisor, entry=entry, category="routine")


def test_sr3_a_signed_entry_never_changes_corrections_are_addenda(agent, supervisor, write):
    entry = write(agent)
    entry = services.entry_sign(actor=supervisor, entry=entry, category="routine")
    with pytest.raises(Conflict) as exc:
        services.entry_update(actor=agent, entry=entry, version=entry.version, title="改过的")
    assert exc.value.code == "entry_signed"
    with pytest.raises(Conflict) as again:
        services.entry_sign(actor=supervisor, entry=entry, category="repair")
    assert again.value.code == "already_signed"
    services.addendum_add(actor=agent, entry=entry, body="更正：困人时间为08:40，不是08:10")
    entry.refresh_from_db()
    assert entry.title == "早班交接：3号楼电梯报修已派单" and entry.category == "routine"
    assert [a.body for a in entry.addenda.all()] == ["更正：困人时间为08:40，不是08:10"]
    assert AuditEvent.objects.filter(action="shiftlog.addendum", object_id=str(entry.pk)).exists()


def test_sr3_a_pending_entry_is_corrected_with_its_version(agent, write):
    entry = write(agent)
    services.entry_update(actor=agent, entry=entry, version=1, open_items="5号楼水管待修")
    entry.refresh_from_db()
    assert entry.version == 2 and entry.open_items == "5号楼水管待修"
    with pytest.raises(StaleWrite):
        services.entry_update(actor=agent, entry=entry, version=1, title="旧版本")


def test_sr3_daily_review_queue_counts_today_and_overdue(agent, supervisor, write):
    today = timezone.localdate()
    write(agent, shift="morning")
    write(agent, shift="night", shift_date=today - dt.timedelta(days=2))
    old = write(agent, shift="morning", shift_date=today - dt.timedelta(days=3))
    services.entry_sign(actor=supervisor, entry=old, category="routine")
    assert selectors.review_counts_for(user=supervisor) == {"today": 1, "overdue": 1}
    queue = list(selectors.review_queue_for(user=supervisor).order_by("id"))
    assert [e.shift_date for e in queue] == [today, today - dt.timedelta(days=2)]


def test_sr3_scope_agent_sees_the_team_supervisor_the_department(
    agent, agent2, supervisor, wy_agent, write
):
    mine = write(agent)
    other_team = write(agent2)
    other_line = write(wy_agent)
    seen = set(selectors.entry_qs_for(agent).values_list("pk", flat=True))
    assert mine.pk in seen and other_team.pk not in seen and other_line.pk not in seen
    dept = set(selectors.entry_qs_for(supervisor).values_list("pk", flat=True))
    assert {mine.pk, other_team.pk} <= dept and other_line.pk not in dept
    assert other_line.pk not in set(
        selectors.review_queue_for(user=supervisor).values_list("pk", flat=True)
    )


def test_sr3_chinese_search_finds_by_words_and_addenda(agent, supervisor, write):
    lift = write(agent, title="电梯困人", body="3号楼电梯困人，已派维修")
    water = write(agent, shift="afternoon", title="漏水", body="5号楼地下室漏水")
    filters = selectors.EntryFilters.parse({"q": "电梯"})
    assert [e.pk for e in selectors.entry_list_for(user=agent, filters=filters)] == [lift.pk]
    services.addendum_add(actor=agent, entry=water, body="补记：电梯井也有积水")
    found = selectors.entry_list_for(user=agent, filters=filters).order_by("id")
    assert [e.pk for e in found] == [lift.pk, water.pk]


def test_sr3_bad_filters_are_a_client_mistake(agent):
    with pytest.raises(Invalid) as exc:
        selectors.EntryFilters.parse({"from": "2026-02-30"})
    assert "from" in exc.value.fields
    with pytest.raises(Invalid):
        selectors.EntryFilters.parse({"status": "approved"})
