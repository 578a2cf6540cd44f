"""§9.9 / ESC-1 repeat complaints as the sources decide them (issue 23 §1).

A failed callback reached the customer, who said the issue is unresolved or refused the solution;
an unreached callback is retried by the policy and only an exhausted policy is one failure. A new
complaint of the same customer on the same subject within the line's window (default 30 days)
is linked to the earlier one and graded 重复, with the link on both tickets.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core.models import AuditEvent, DomainEvent
from kefu.followups import services
from kefu.followups.models import CallbackTask, ComplaintGrade, GradeChange
from kefu.followups.services import grading
from kefu.tickets.models import Ticket
from kefu.tickets.services import category_tree_create

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return time_machine


def _grade(ticket) -> str:
    row = ComplaintGrade.objects.filter(ticket=ticket).first()
    return row.grade if row else "ordinary"


def _open_callback(ticket) -> CallbackTask:
    return CallbackTask.objects.filter(ticket=ticket, status="open").order_by("-id").first()


def _resolve_again(ticket, actor, resolve):
    return resolve(Ticket.objects.get(pk=ticket.pk), actor)


# -- failed callbacks ------------------------------------------------------------------------


def test_esc1_s99_unresolved_or_solution_refused_are_the_failed_callbacks_2_make_a_repeat(
    agent, make_ticket, resolve, outcome, monday
):
    """§9.9: still unresolved after 2 failed callbacks (default 2) → 重复; a failed callback is
    the customer saying it is unresolved (不满意) or refusing the solution."""
    ticket = resolve(make_ticket(agent), agent)
    # the first callback: the customer says the issue is not resolved → back to work, ordinary
    outcome(_open_callback(ticket), agent, "dissatisfied")
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    assert _grade(ticket) == "ordinary"
    assert not GradeChange.objects.filter(ticket=ticket).exists()
    # solved again; the second callback: the customer refuses the solution → the 2nd failure
    _resolve_again(ticket, agent, resolve)
    outcome(_open_callback(ticket), agent, "rejected_solution")
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    assert _grade(ticket) == "repeat"
    change = GradeChange.objects.get(ticket=ticket)
    assert (change.before, change.after, change.rule) == ("ordinary", "repeat", "failed_callbacks")
    assert "2" in change.reason
    assert AuditEvent.objects.filter(action="complaint.grade", object_id=str(ticket.pk)).exists()


def test_esc1_s99_unreached_attempts_are_retried_and_only_an_exhausted_policy_is_one_failure(
    agent, supervisor, org, make_ticket, resolve, outcome, monday
):
    """§9.9: 未接通 is no failure while the policy retries (3 attempts by default); the third
    unreached attempt exhausts it: one failure (a line that needs 1 failure grades it 重复)."""
    services.line_settings_update(
        actor=supervisor, line=org.shop, values={"repeat_after_failed_callbacks": 1}
    )
    ticket = resolve(make_ticket(agent), agent)
    for attempt in (1, 2):
        outcome(_open_callback(ticket), agent, "unreachable")
        assert _open_callback(ticket).attempt == attempt + 1
        assert grading.failed_callbacks(ticket.pk) == 0
        assert _grade(ticket) == "ordinary"
    outcome(_open_callback(ticket), agent, "unreachable")
    assert _open_callback(ticket) is None  # the policy gave up
    assert grading.failed_callbacks(ticket.pk) == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"  # unreached does not reopen
    assert _grade(ticket) == "repeat"
    assert GradeChange.objects.get(ticket=ticket).rule == "failed_callbacks"


def test_esc1_s99_refusing_the_callback_is_not_a_failed_callback(
    agent, supervisor, org, make_ticket, resolve, outcome, monday
):
    """拒访 reached the customer without a verdict on the solution: not a failure."""
    services.line_settings_update(
        actor=supervisor, line=org.shop, values={"repeat_after_failed_callbacks": 1}
    )
    ticket = resolve(make_ticket(agent), agent)
    outcome(_open_callback(ticket), agent, "refused")
    assert grading.failed_callbacks(ticket.pk) == 0
    assert _grade(ticket) == "ordinary"


# -- the same subject ------------------------------------------------------------------------


def test_esc1_s99_same_customer_same_category_within_30_days_is_linked_and_graded_repeat(
    agent, org, make_customer, make_ticket, monday
):
    """§9.9: a new complaint of the same customer on the same subject (same category) within the
    default window of 30 days is linked to the earlier one and graded 重复."""
    nodes = category_tree_create(business_line=org.shop, tree={"物流问题": ["快递破损"]})
    broken = nodes[1]
    customer = make_customer()
    first = make_ticket(agent, customer=customer, title="包裹外箱压坏", category=broken.pk)
    monday.shift(dt.timedelta(days=29))
    second = make_ticket(agent, customer=customer, title="又收到坏的了", category=broken.pk)

    row = ComplaintGrade.objects.get(ticket=second)
    assert (row.grade, row.repeat_of_id, row.repeat_count) == ("repeat", first.pk, 1)
    change = GradeChange.objects.get(ticket=second)
    assert change.rule == "same_subject" and first.number in change.reason
    assert DomainEvent.objects.filter(
        type="complaint.graded", object_id=second.pk, payload__rule="same_subject"
    ).exists()
    assert _grade(first) == "ordinary"


def test_esc1_s99_a_similar_title_counts_as_the_same_subject_and_a_third_repeat_is_malignant(
    agent, make_customer, make_ticket, monday
):
    """Same subject by similar words (the search's segmentation), no category needed; the
    chain counts on: the third repeat is 恶性 (malignant_after_repeats, default 3)."""
    customer = make_customer()
    titles = ["快递破损，外箱压坏", "快递又破损了", "第三次快递破损", "快递破损还是没人管"]
    tickets = []
    for title in titles:
        tickets.append(make_ticket(agent, customer=customer, title=title))
        monday.shift(dt.timedelta(days=3))
    grades = [ComplaintGrade.objects.filter(ticket=t).first() for t in tickets]
    assert grades[0] is None
    assert [(g.grade, g.repeat_of_id, g.repeat_count) for g in grades[1:]] == [
        ("repeat", tickets[0].pk, 1),
        ("repeat", tickets[1].pk, 2),
        ("malignant", tickets[2].pk, 3),
    ]


def test_esc1_s99_other_subject_other_customer_or_outside_the_window_is_not_a_repeat(
    agent, supervisor, org, make_customer, make_ticket, monday
):
    customer, other = make_customer(), make_customer()
    first = make_ticket(agent, customer=customer, title="快递破损")
    # another subject, another customer, not a complaint
    a = make_ticket(agent, customer=customer, title="发票抬头开错了")
    b = make_ticket(agent, customer=other, title="快递破损")
    c = make_ticket(agent, customer=customer, title="快递破损", type="consult")
    # 31 days later: outside the default window
    monday.shift(dt.timedelta(days=31))
    d = make_ticket(agent, customer=customer, title="快递破损")
    assert all(_grade(t) == "ordinary" for t in (first, a, b, c, d))
    # a line that keeps 60 days links it
    services.line_settings_update(
        actor=supervisor, line=org.shop, values={"repeat_window_days": 60}
    )
    e = make_ticket(agent, customer=customer, title="快递破损")
    assert ComplaintGrade.objects.get(ticket=e).repeat_of_id == d.pk


def test_esc1_s99_the_link_is_shown_on_both_tickets(
    agent, web_as, make_customer, make_ticket, monday
):
    customer = make_customer()
    first = make_ticket(agent, customer=customer, title="快递破损")
    second = make_ticket(agent, customer=customer, title="快递又破损了")
    client = web_as(agent)

    page = client.get(f"/tickets/{second.pk}/").content.decode()
    assert 'id="repeat-of"' in page and f"/tickets/{first.pk}/" in page and first.number in page
    page = client.get(f"/tickets/{first.pk}/").content.decode()
    assert 'id="repeated-by"' in page and f"/tickets/{second.pk}/" in page
    assert second.number in page
