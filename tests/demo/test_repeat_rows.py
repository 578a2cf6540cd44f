"""The demo shows linked repeat complaints (issue 23 §1, decision §9.9): customers whose complaint
of the last weeks was closed complain again about the same thing; the new complaint is linked to
the earlier one and graded 重复 by the real intake; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import shared_demo

from kefu.demo.repeat_rows import build_repeat_rows
from kefu.followups.models import ComplaintGrade, GradeChange

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with shared_demo(django_db_blocker):
        yield


@pytest.fixture
def demo(built, db):
    return None


def test_demo_s99_shows_repeat_complaints_linked_to_the_earlier_one(demo):
    linked = list(
        ComplaintGrade.objects.filter(repeat_of__isnull=False).select_related(
            "ticket", "repeat_of", "ticket__business_line"
        )
    )
    assert any(g.ticket.business_line.code == "shop" for g in linked)
    for grade in linked:
        assert grade.grade in ("repeat", "malignant")
        assert grade.ticket.customer_id == grade.repeat_of.customer_id
        assert grade.ticket.category_id == grade.repeat_of.category_id
        assert grade.repeat_of.created_at < grade.ticket.created_at
        assert GradeChange.objects.filter(ticket=grade.ticket, rule="same_subject").exists()
    assert build_repeat_rows(now=timezone.now()) == 0
