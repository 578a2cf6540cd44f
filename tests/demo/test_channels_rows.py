"""The demo's e-mail channel (issue 17): each open e-mail ticket carries the customer's original
mail and the line's acknowledgement mailed back with the number (CH-4) as history, so the
ticket's mail page and the mailbox show them; building sends no mail."""

import pytest
from django.core import mail

from kefu.channels.models import AutoMail, InboundMail, OutboundMail
from kefu.customers.services import customer_create
from kefu.demo.channels_rows import build_channels_rows
from kefu.tickets.services import ticket_create


@pytest.mark.django_db
def test_demo_mail_tickets_carry_their_acknowledgement_and_nothing_is_sent(
    org, agent, django_capture_on_commit_callbacks
):
    customers = [
        customer_create(
            actor=None,
            business_line=org.shop,
            name=f"客户{n}",
            phone=f"1360013600{n}",
            email=f"kehu{n}@example.cn",
        )
        for n in range(3)
    ]
    tickets = [
        ticket_create(actor=agent, customer=c, type="consult", channel="email", title=f"发票{n}")
        for n, c in enumerate(customers)
    ]
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        build_channels_rows([org.shop], seed=1)
    assert mail.outbox == []
    for ticket in tickets:
        original = InboundMail.objects.get(ticket=ticket, status="created")
        ack = AutoMail.objects.get(ticket=ticket)
        assert ack.status == "sent" and ack.kinds.startswith("ack")
        assert ack.inbound == original and ticket.number in ack.text
        assert ack.created_at == ticket.created_at
        sent = OutboundMail.objects.get(ticket=ticket, message_id=ack.message_id)
        assert sent.to_address == ticket.customer.email and sent.created_at > ticket.created_at
    # the follow-ups threaded through the real path earned no mail
    assert AutoMail.objects.count() == len(tickets)


@pytest.mark.django_db
def test_demo_survey_invitations_went_by_mail_through_the_outbox(
    org, agent, admin_user, django_capture_on_commit_callbacks
):
    """The latest invitations of customers with an address carry their mail (one in ten
    refused by the daily quota, with the reason); building sends nothing."""
    import datetime as dt

    from django.utils import timezone

    from kefu.surveys.models import SurveyInvitation
    from kefu.surveys.services import questionnaire_create
    from kefu.tickets.models import Ticket

    questionnaire = questionnaire_create(
        actor=admin_user,
        business_line=org.shop,
        name="服务满意度回访",
        status="active",
        questions=[{"kind": "scale5", "text": "满意吗？", "dimension": "服务满意度"}],
    )
    for n in range(10):
        customer = customer_create(
            actor=None,
            business_line=org.shop,
            name=f"客户{n}",
            phone=f"1370013700{n}",
            email=f"kehu{n}@example.cn",
        )
        ticket = ticket_create(
            actor=agent, customer=customer, type="consult", channel="phone", title=f"咨询{n}"
        )
        SurveyInvitation.objects.create(
            business_line=org.shop,
            questionnaire=questionnaire,
            source="after_close",
            ticket=ticket,
            customer=customer,
            expires_at=timezone.now() + dt.timedelta(days=7),
            sent_at=timezone.now() - dt.timedelta(hours=n),
            sent_channels="sms",
        )
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        build_channels_rows([org.shop], seed=1)
    assert mail.outbox == [] and Ticket.objects.count() == 10
    rows = AutoMail.objects.filter(kinds="survey")
    assert rows.filter(status="sent").count() == 9
    refused = rows.get(status="refused")
    assert "上限" in refused.error
    sent_by = sorted(SurveyInvitation.objects.values_list("sent_channels", flat=True))
    assert sent_by == ["email,sms"] * 9 + ["email:refused,sms"]
    assert OutboundMail.objects.filter(message_id__startswith="survey-").count() == 9
