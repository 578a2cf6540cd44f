"""FU-10: the weekly feedback letter is e-mailed to its unit once it commits — once per unit and
week whoever sends it, a failed or abandoned send taken over, a unit without an address sent
when one is added — and archived on a page and in `kefu reports weekly-letters`."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from testkit import make_user

from kefu.core.models import AuditEvent
from kefu.reports import letter_mail, periodic_services
from kefu.reports.models import FeedbackLetter, FeedbackMail, LetterMailStatus
from kefu.tickets.models_sla import ResponsibleUnit
from reports.test_weekly_reports import WEEK, _at, week_data  # noqa: F401  (the week's rows)

ADDRESS = "cangku@shop.example.cn"


@pytest.fixture
def unit(week_data):  # noqa: F811
    unit = week_data["仓库"]
    ResponsibleUnit.objects.filter(pk=unit.pk).update(
        contact=f"仓储部 王主管 <{ADDRESS}> 0571-1234"
    )
    return unit


def _write(user, unit, text="本周一位客户反映配送慢，请仓库整改。"):
    with _at(2026, 11, 7, 16):
        return periodic_services.feedback_write(user=user, week=WEEK, unit_id=unit.pk, text=text)


def test_unit_address_is_the_first_valid_address_of_the_contact():
    assert letter_mail.unit_address("王主管 wang@x.cn，备用 li@y.cn") == "wang@x.cn"
    assert letter_mail.unit_address("电话 0571-88886666") == ""
    assert letter_mail.unit_address("a@b") == "" and letter_mail.unit_address("") == ""


def test_fu10_the_letter_is_mailed_to_its_unit_once_after_commit(
    unit, manager, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "zh-hans"  # the department's language (the tests' default is en)
    # when: the supervisor writes the week's letter
    with django_capture_on_commit_callbacks(execute=True) as queued:
        letter = _write(manager, unit)
        assert mail.outbox == []  # nothing goes before the letter commits
    # then: one mail, in Chinese, to the unit's address, with the frozen figures and remarks
    assert len(queued) == 1 and len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [ADDRESS] and sent.subject == "每周回访反馈 2026-W45 · 仓库"
    assert "请仓库整改" in sent.body and "本周回访：3 次" in sent.body
    assert "配送太慢，包装破损" in sent.body
    row = FeedbackMail.objects.get(letter=letter)
    assert row.status == LetterMailStatus.SENT and row.address == ADDRESS and row.sent_at
    assert AuditEvent.objects.filter(action="reports.feedback_mailed").count() == 1
    # a second worker, the hourly sweep: nothing more goes out
    assert letter_mail.send(letter.pk) is None
    assert letter_mail.send_due() == {"sent": 0, "skipped": 0}
    assert len(mail.outbox) == 1


def test_fu10_a_rolled_back_letter_sends_nothing(unit, manager, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _write(manager, unit)
        raise RuntimeError("the request failed after the letter")
    assert queued == [] and mail.outbox == [] and not FeedbackLetter.objects.exists()


def test_fu10_a_send_in_progress_is_not_repeated_and_a_dead_one_is_taken_over(unit, manager):
    letter = _write(manager, unit)  # (the test's transaction: the queued send never runs)
    now = timezone.now()
    # given: worker A claimed the letter and is still sending
    claimed = letter_mail._claim(letter, ADDRESS, now)
    assert claimed.status == LetterMailStatus.SENDING
    # when: worker B tries meanwhile — then: it leaves it alone
    assert letter_mail.send(letter.pk, now=now + dt.timedelta(minutes=5)) is None
    assert mail.outbox == []
    # when: worker A died; after the lease another run takes it over and sends it once
    later = now + letter_mail.SENDING_LEASE + dt.timedelta(minutes=1)
    assert letter_mail.send_due(now=later) == {"sent": 1, "skipped": 0}
    assert len(mail.outbox) == 1 and FeedbackMail.objects.get().status == LetterMailStatus.SENT


def test_fu10_a_failed_send_and_a_missing_address_are_retried_by_the_sweep(
    unit,
    manager,
    settings,
    week_data,  # noqa: F811
):
    letter = _write(manager, unit)
    other = _write(manager, week_data["快递站"], text="请快递站回复。")  # no address yet
    # given: the mail server refuses (nothing listens on port 9)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    assert letter_mail.send(letter.pk) == LetterMailStatus.FAILED
    assert letter_mail.send(other.pk) == LetterMailStatus.NO_ADDRESS
    failed = FeedbackMail.objects.get(letter=letter)
    assert failed.status == LetterMailStatus.FAILED and failed.error
    # when: the server is back and the unit's address is entered
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ResponsibleUnit.objects.filter(pk=other.unit_id).update(contact="kuaidi@shop.example.cn")
    # then: the sweep sends both, once
    assert letter_mail.send_due() == {"sent": 2, "skipped": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [ADDRESS, "kuaidi@shop.example.cn"]
    assert letter_mail.send_due() == {"sent": 0, "skipped": 0}


@pytest.mark.django_db(transaction=True)
def test_fu10_two_workers_racing_send_the_letter_once(unit, manager, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL (SQLite serialises writers)")
    monkeypatch.setattr(letter_mail, "schedule", lambda pk: None)  # the two workers send it
    letter = _write(manager, unit)
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(letter_mail.send(letter.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == [None, LetterMailStatus.SENT]
    assert len(mail.outbox) == 1 and FeedbackMail.objects.count() == 1


def test_fu10_the_archive_lists_the_letters_within_scope(
    unit, manager, supervisor, lead, org, web_as, capsys
):
    letter = _write(manager, unit)
    letter_mail.send(letter.pk)
    # the page: the line's manager sees the letter and its e-mail
    page = web_as(manager).get(
        f"/reports/weekly/letters/?week={WEEK}", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "请仓库整改" in body and ADDRESS in body and "已发送" in body
    assert list(page.context["page"].items) == [letter]
    # another week is empty; a lead may not read the line's letters; another line sees none
    empty = web_as(manager).get("/reports/weekly/letters/?week=2026-W40")
    assert empty.status_code == 200 and "letters-empty" in empty.content.decode()
    assert web_as(lead).get("/reports/weekly/letters/").status_code == 403
    wy = make_user("wy_boss", "supervisor", department=org.wy_front.department)
    assert list(web_as(wy).get("/reports/weekly/letters/").context["page"].items) == []
    assert web_as(manager).get("/reports/weekly/letters/?week=2026-W99").status_code == 400
    # the command line
    from kefu.cli import main

    assert main(["reports", "weekly-letters", "--week", WEEK, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["week"] == WEEK
    [row] = out["letters"]
    assert (row["unit"], row["callbacks"], row["unhappy"]) == ("仓库", 3, 1)
    assert row["mail"]["status"] == "sent" and row["mail"]["address"] == ADDRESS
    assert main(["reports", "weekly-letters", "--week", "2026-45", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "kefu: error:" in captured.err
