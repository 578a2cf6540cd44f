"""ESC-2: copying the 月处罚汇总表 to finance e-mails it as .xlsx to the line's finance address
(once the step is committed); without an address the step is only recorded."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from kefu.core.models import AuditEvent
from kefu.followups.models import GradeChange
from kefu.quality import services
from kefu.quality.models import PenaltyPolicy

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)


def _summary(org, agent, manager, supervisor, make_ticket):
    ticket = make_ticket(agent, type="complaint", title="再次投诉")
    GradeChange.objects.create(
        ticket=ticket, business_line=org.shop, department=ticket.department, team=ticket.team,
        before="ordinary", after="malignant", rule="supervisor", reason="多次回访不满意",
    )  # fmt: skip
    summary = services.summary_build(actor=manager, business_line=org.shop, period=MONTH)
    summary = services.summary_advance(actor=supervisor, summary=summary, to="checked")
    for step in ("signed", "published"):
        summary = services.summary_advance(actor=manager, summary=summary, to=step)
    return summary


def test_copy_to_finance_mails_the_xlsx(
    org, agent, lead, manager, supervisor, make_ticket, django_capture_on_commit_callbacks
):
    PenaltyPolicy.objects.create(business_line=org.shop, finance_email="caiwu@example.com")
    summary = _summary(org, agent, manager, supervisor, make_ticket)
    with django_capture_on_commit_callbacks(execute=True):
        services.summary_advance(actor=manager, summary=summary, to="sent")
    (sent,) = mail.outbox
    assert sent.to == ["caiwu@example.com"]
    name, body, _type = sent.attachments[0]
    assert name == f"penalties-{MONTH:%Y-%m}.xlsx"
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(body)).active.iter_rows()]
    assert rows[1][:5] == ["售后一组", "lead", 0, 1, 200]
    event = AuditEvent.objects.filter(action="quality.summary_send").get()
    assert event.changes["emailed_to"] == "caiwu@example.com"


def test_without_a_finance_address_the_step_is_recorded_only(
    org, agent, manager, supervisor, make_ticket, django_capture_on_commit_callbacks
):
    summary = _summary(org, agent, manager, supervisor, make_ticket)
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.summary_advance(actor=manager, summary=summary, to="sent")
    assert summary.status == "sent" and mail.outbox == []
