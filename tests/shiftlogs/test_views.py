"""The shift-log pages (SR-3, LOG-6): a page per log reachable from the navigation, the write
form, the supervisor's daily review queue, sign-off and addenda, search, export, empty states,
both languages; bad input is a 400 with a message that changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kefu.core.models import AuditEvent
from kefu.shiftlogs.models import ShiftLogEntry

pytestmark = pytest.mark.django_db


def _form(**fields):
    return {
        "shift_date": timezone.localdate().isoformat(),
        "shift": "morning",
        "title": "早班交接：电梯困人已处理",
        "body": "3号楼电梯困人，已派工程部。",
        "open_items": "",
        **fields,
    }


def test_sr3_pages_per_log_are_in_the_navigation_with_empty_states(web_as, agent):
    web = web_as(agent)
    home = web.get(reverse("home")).content.decode()
    for name in ("handover", "management", "patrol"):
        assert reverse(f"shiftlogs:{name}") in home
    page = web.get(reverse("shiftlogs:handover"))
    assert page.status_code == 200
    assert "The handover book has no entries yet" in page.content.decode()
    # agents do not write the management log: no form there, and no review queue
    assert 'id="entry-form"' not in web.get(reverse("shiftlogs:management")).content.decode()
    assert web.get(reverse("shiftlogs:review")).status_code == 403


def test_sr3_write_review_and_sign_off_in_the_browser_pages(web_as, agent, supervisor):
    web = web_as(agent)
    response = web.post(reverse("shiftlogs:handover_new"), _form())
    entry = ShiftLogEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "shiftlogs:entry", args=[entry.pk]
    )
    boss = web_as(supervisor)
    queue = boss.get(reverse("shiftlogs:review")).content.decode()
    assert "早班交接：电梯困人已处理" in queue and 'id="queue-today">1<' in queue
    no_category = boss.post(
        reverse("shiftlogs:entry_sign", args=[entry.pk]),
        {"category": "", "version": 1, "next": "review"},
    )
    assert no_category.status_code == 400
    entry.refresh_from_db()
    assert entry.status == "pending"
    signed = boss.post(
        reverse("shiftlogs:entry_sign", args=[entry.pk]),
        {"category": "repair", "review_note": "次日回访", "version": 1, "next": "review"},
    )
    assert signed.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "signed" and entry.category == "repair"
    assert "Nothing awaits your sign-off" in boss.get(reverse("shiftlogs:review")).content.decode()
    detail = web_as(agent).get(reverse("shiftlogs:entry", args=[entry.pk])).content.decode()
    assert 'id="sign-off"' in detail and 'id="edit-form"' not in detail
    web_as(agent).post(
        reverse("shiftlogs:entry_addendum", args=[entry.pk]), {"body": "更正：困人在4号楼"}
    )
    assert entry.addenda.get().body == "更正：困人在4号楼"


def test_sr3_bad_form_input_is_400_with_a_message_and_writes_nothing(web_as, agent):
    web = web_as(agent)
    before = AuditEvent.objects.count()
    response = web.post(reverse("shiftlogs:patrol_new"), _form(area=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert web.post(reverse("shiftlogs:handover_new"), _form(shift="noon")).status_code == 400
    assert web.get(reverse("shiftlogs:handover"), {"from": "2026-02-30"}).status_code == 400
    assert web.get(reverse("shiftlogs:handover"), {"cursor": "x"}).status_code == 400
    assert not ShiftLogEntry.objects.exists() and AuditEvent.objects.count() == before


def test_sr3_search_and_export_from_the_page(web_as, agent, write):
    write(agent, title="电梯困人", body="3号楼电梯困人")
    write(agent, shift="afternoon", title="漏水", body="5号楼漏水")
    web = web_as(agent)
    page = web.get(reverse("shiftlogs:handover"), {"q": "漏水"}).content.decode()
    assert "漏水" in page and "电梯困人" not in page
    empty = web.get(reverse("shiftlogs:handover"), {"q": "停车场"}).content.decode()
    assert "No entries match these filters." in empty
    export = web.get(reverse("shiftlogs:handover_export"), {"q": "漏水"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[7] for r in rows[2:]] == ["漏水"]
    assert AuditEvent.objects.filter(action="shiftlog.export").exists()


def test_sr3_pages_speak_chinese(web_as, agent, supervisor, write, settings):
    write(agent)
    web = web_as(supervisor)
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = web.get(reverse("shiftlogs:handover")).content.decode()
    assert "交接班记录" in page and "待签核" in page and "早班" in page
    queue = web.get(reverse("shiftlogs:review")).content.decode()
    assert "今日班次待签核" in queue and "签核" in queue


def test_sr3_list_queries_do_not_grow_with_rows(web_as, api_as, agent, agent_b, write):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(fetch) -> int:
        fetch()  # warm the session and the dictionary
        with CaptureQueriesContext(connection) as ctx:
            assert fetch().status_code == 200
        return len(ctx)

    web, api = web_as(agent), api_as(agent)
    page = lambda: web.get(reverse("shiftlogs:handover"))  # noqa: E731
    listing = lambda: api.get("/api/v1/shiftlogs/entries")  # noqa: E731
    write(agent, shift="morning", handed_to=agent_b.pk)
    one = (count(page), count(listing))
    for day in range(1, 5):
        date = timezone.localdate() - dt.timedelta(days=day)
        write(agent_b, shift_date=date, handed_to=agent.pk)
    assert (count(page), count(listing)) == one
