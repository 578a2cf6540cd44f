"""The status machine (Kefu foundation: Tickets — status only through tickets/workflow.py)."""

from __future__ import annotations

import pytest

from kefu.core.errors import Invalid
from kefu.tickets import services, workflow
from kefu.tickets.models import Ticket, TicketEvent

ALLOWED = [(src, dst) for src, targets in workflow.TRANSITIONS.items() for dst in sorted(targets)]
FORBIDDEN = [
    ("new", "closed"),
    ("in_progress", "new"),
    ("in_progress", "closed"),
    ("pending", "new"),
    ("pending", "closed"),
    ("resolved", "new"),
    ("resolved", "pending"),
    ("closed", "resolved"),
    ("closed", "new"),
    ("closed", "pending"),
]
# the shortest way to bring a new ticket to each status
PATH = {
    "new": [],
    "in_progress": ["in_progress"],
    "pending": ["pending"],
    "resolved": ["resolved"],
    "closed": ["resolved", "closed"],
}


def _move(actor, ticket, status):
    return services.ticket_update(
        actor=actor, ticket=ticket, version=ticket.version, changes={"status": status}
    )


def _ticket_in(actor, make_ticket, status):
    # an enquiry: the status machine is the same for every type, and a complaint would also
    # need a successful callback before it closes (tested in tests/followups)
    ticket = make_ticket(actor, type="consult")
    for step in PATH[status]:
        ticket = _move(actor, ticket, step)
    return ticket


@pytest.mark.parametrize(("src", "dst"), ALLOWED)
def test_every_allowed_transition_is_applied(agent, make_ticket, src, dst):
    # given
    ticket = _ticket_in(agent, make_ticket, src)
    # when
    _move(agent, ticket, dst)
    # then
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == dst
    assert (ticket.resolved_at is not None) == (dst in ("resolved", "closed"))
    assert (ticket.closed_at is not None) == (dst == "closed")


@pytest.mark.parametrize(("src", "dst"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(agent, make_ticket, src, dst):
    # given
    ticket = _ticket_in(agent, make_ticket, src)
    version = ticket.version
    # when
    with pytest.raises(Invalid) as exc:
        _move(agent, ticket, dst)
    # then
    assert exc.value.code == "invalid_transition"
    assert "status" in exc.value.fields
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.version) == (src, version)


def test_forbidden_list_is_really_forbidden():
    assert not any(workflow.can_transition(src, dst) for src, dst in FORBIDDEN)


@pytest.mark.parametrize("src", ["resolved", "closed"])
def test_reopen_counts_and_clears_resolution(agent, make_ticket, src):
    # given
    ticket = _ticket_in(agent, make_ticket, src)
    # when
    _move(agent, ticket, "in_progress")
    # then
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None
    assert ticket.closed_at is None
    last = TicketEvent.objects.filter(ticket=ticket).last()
    assert last.kind == "reopened"
    assert (last.field, last.after) == ("status", "In progress")


def test_closing_keeps_the_resolution_time(agent, make_ticket):
    ticket = _ticket_in(agent, make_ticket, "resolved")
    resolved_at = Ticket.objects.get(pk=ticket.pk).resolved_at
    _move(agent, ticket, "closed")
    assert Ticket.objects.get(pk=ticket.pk).resolved_at == resolved_at
