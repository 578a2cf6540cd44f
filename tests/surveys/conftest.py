"""Surveys fixtures, built through the services (never Model.objects.create).

``make_ticket(actor)`` records a contact; ``close(ticket, actor)`` resolves and closes it;
``questionnaire(line)`` makes an active after-close questionnaire with a 1–5 question
(服务满意度), a 0–10 question (推荐意愿) and an optional text question."""

from __future__ import annotations

import itertools

import pytest

_phones = itertools.count(13700000001)


@pytest.fixture
def make_customer(org):
    from kefu.customers.services import customer_create

    def _make(line=None, *, name: str = "李四", phone: str | None = None, **fields):
        return customer_create(
            actor=None,
            business_line=line or org.shop,
            name=name,
            phone=phone or str(next(_phones)),
            **fields,
        )

    return _make


@pytest.fixture
def make_ticket(make_customer):
    from kefu.tickets.services import ticket_create

    def _make(actor, *, customer=None, **fields):
        if customer is None:
            customer = make_customer(actor.business_line, email="kehu@example.com")
        fields.setdefault("type", "consult")
        fields.setdefault("channel", "phone")
        fields.setdefault("title", "咨询发货时间")
        return ticket_create(actor=actor, customer=customer, **fields)

    return _make


@pytest.fixture
def close():
    from kefu.tickets.models import Ticket
    from kefu.tickets.services import ticket_update

    def _close(ticket, actor):
        for status in ("resolved", "closed"):
            ticket = Ticket.objects.get(pk=ticket.pk)
            ticket = ticket_update(
                actor=actor, ticket=ticket, version=ticket.version, changes={"status": status}
            )
        return ticket

    return _close


QUESTIONS = [
    {"kind": "scale5", "text": "您对处理结果是否满意？", "dimension": "服务满意度"},
    {"kind": "scale10", "text": "您有多大可能推荐我们？", "dimension": "推荐意愿"},
    {"kind": "text", "text": "您的建议", "required": False},
]


@pytest.fixture
def questionnaire(org, admin_user):
    from kefu.surveys.services import questionnaire_create

    def _make(line=None, *, name: str = "服务满意度回访", after_close: bool = True, **kw):
        kw.setdefault("questions", QUESTIONS)
        return questionnaire_create(
            actor=admin_user,
            business_line=line or org.shop,
            name=name,
            status="active",
            after_close=after_close,
            **kw,
        )

    return _make


@pytest.fixture
def answers_for():
    """answers_for(questionnaire, 5, 9) → {"q<id>": 5, "q<id>": 9} in question order."""

    def _answers(questionnaire, *scores):
        questions = list(questionnaire.questions.order_by("order", "id"))
        return {f"q{q.pk}": s for q, s in zip(questions, scores, strict=False)}

    return _answers
