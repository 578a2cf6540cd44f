"""Training fixtures, built through the services: a certification with its gate on 售后一组,
a small question bank, and a customer maker for intake."""

from __future__ import annotations

import itertools

import pytest

from .kit import BANK, xlsx

_phones = itertools.count(13900000001)


@pytest.fixture
def make_customer(org):
    from kefu.customers.services import customer_create

    def _make(line=None):
        return customer_create(
            actor=None, business_line=line or org.shop, name="张三", phone=str(next(_phones))
        )

    return _make


@pytest.fixture
def bank(lead):
    from kefu.training.services import questions_import

    questions_import(actor=lead, data=xlsx(BANK))


@pytest.fixture
def cert(lead):
    from kefu.training.services import certification_create

    return certification_create(
        actor=lead,
        code="aftersales-duty",
        name="售后上岗认证",
        components=[
            {"code": "exam", "weight": 2, "min_score": 60},
            {"code": "typing", "weight": 1, "min_score": 60},
        ],
        threshold=60,
        validity_days=365,
    )


@pytest.fixture
def gated(org, lead, cert):
    """售后一组 needs the certification."""
    from kefu.training.services import gate_set

    gate_set(actor=lead, certification=cert, team=org.aftersales1)
    return cert
