"""The demo's ticketless enquiry calls (LOG-1, LOG-3): registered, recorded, never a ticket, and
drawn by the monthly QA sample beside the agent's tickets."""

import pytest
from django.utils import timezone

from kefu.customers.services import customer_create
from kefu.demo.enquiry_call_rows import build_enquiry_call_rows
from kefu.followups.models import CallRecord
from kefu.inspections import services
from kefu.tickets.models import Ticket


@pytest.mark.django_db
def test_enquiry_calls_are_recorded_ticketless_and_sampled(org, agent, lead, supervisor):
    from testkit import make_user

    make_user("lead_other", "lead", team=org.presale)  # a reviewer outside the agent's team
    customer_create(actor=None, business_line=org.shop, name="赵六", phone="13600136000")
    tickets = Ticket.objects.count()

    written = build_enquiry_call_rows(now=timezone.now(), seed=0)

    calls = CallRecord.objects.filter(agent=agent)
    # one call every four working days or so over 180 days: 128 working days → about 32
    assert 15 <= calls.count() <= 50 and written >= calls.count()
    assert not calls.filter(ticket__isnull=False).exists()
    assert all(c.recording_ref.startswith("rec-") and c.notes for c in calls)
    assert build_enquiry_call_rows(now=timezone.now(), seed=1) == 0  # not twice
    assert Ticket.objects.count() == tickets
    month = timezone.localdate().replace(day=1)
    last = (month - timezone.timedelta(days=1)).replace(day=1)
    services.seed_forms(org.shop)
    sample = services.sample_create(actor=supervisor, period=f"{last:%Y-%m}", seed=3)
    drawn = sample.reviews.filter(agent=agent)
    start, end = services.month_bounds(last)
    made = calls.filter(started_at__gte=start, started_at__lt=end).count()
    # the agent had no tickets: the random five are their calls
    assert drawn.count() == min(5, made) and all(r.call_id for r in drawn)
