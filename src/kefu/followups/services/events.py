"""Events customers are invited to: a phone notice 2 weeks ahead, then a letter within 2 days."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.db import lock_key
from kefu.core.errors import Invalid, PermissionDenied
from kefu.customers.models import Customer
from kefu.followups import cadence
from kefu.followups.models import Event, Kind
from kefu.followups.services.callbacks import _customer_owner_id, make_task, workday_checker
from kefu.followups.services.policies import policy_for

MAX_INVITED = 5000  # one event's invitation list; larger campaigns belong to campaigns/


def event_tasks(*, event: Event, customers, actor=None) -> int:
    """Make the notice call and the letter task of each invited customer (idempotent)."""
    line = event.business_line
    notice = policy_for(line, Kind.EVENT_NOTICE)
    letter = policy_for(line, Kind.EVENT_LETTER)
    today = timezone.localdate()
    check = workday_checker(line)
    created = 0
    call_window = cadence.clamp(*cadence.window(event.happens_on, notice, check), today)
    letter_window = cadence.window(call_window[0], letter, check)
    for customer in customers:
        owner_id = _customer_owner_id(customer, actor)
        for policy, window in ((notice, call_window), (letter, letter_window)):
            if not policy.enabled:
                continue
            _task, made = make_task(
                line=line,
                customer_id=customer.pk,
                kind=policy.kind,
                script=f"{policy.script}\n{event.happens_on} {event.title} {event.location}".strip(),
                window=window,
                owner_id=owner_id,
                event_id=event.pk,
            )
            created += made
    return created


@transaction.atomic
def event_create(
    *,
    actor,
    business_line,
    title: str,
    happens_on: dt.date,
    customers,
    location: str = "",
    description: str = "",
) -> Event:
    """An event with its invited customers (lead or above); creates their callback tasks.
    Idempotent: an event of the same line, date and title is returned as it is."""
    if not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Only a team lead or supervisor can create events."))
    if not scope.is_admin(actor) and business_line.pk != actor.business_line_id:
        raise Invalid(_("Choose your business line."), fields={"business_line": _("Not allowed.")})
    title = (title or "").replace("\x00", "").strip()
    if not title or len(title) > 200:
        raise Invalid(
            _("Enter a title (at most 200 characters)."), fields={"title": _("Required.")}
        )
    if not isinstance(happens_on, dt.date) or happens_on < timezone.localdate():
        raise Invalid(
            _("Enter the event's date (today or later)."), fields={"happens_on": _("Not valid.")}
        )
    try:
        ids = {int(getattr(c, "pk", c)) for c in customers}
    except (TypeError, ValueError):
        raise Invalid(_("Some fields are not valid."), fields={"customers": _("Enter valid ids.")})
    if len(ids) > MAX_INVITED:
        raise Invalid(_("Too many invited customers."), fields={"customers": _("Too many.")})
    found = list(Customer.objects.filter(pk__in=ids, business_line=business_line, merged_into=None))
    if len(found) != len(ids):
        raise Invalid(
            _("Invite customers of the event's business line only."),
            fields={"customers": _("Unknown customer.")},
        )
    # a form sent twice (or two supervisors at once) makes one event: same line, date, title
    lock_key(f"followups.event:{business_line.pk}:{happens_on}:{title}")
    existing = Event.objects.filter(
        business_line=business_line, happens_on=happens_on, title=title
    ).first()
    if existing is not None:
        return existing
    event = Event.objects.create(
        business_line=business_line,
        title=title,
        happens_on=happens_on,
        location=(location or "").strip()[:200],
        description=(description or "").strip(),
        created_by=actor,
    )
    event.invited.set(found)
    created = event_tasks(event=event, customers=found, actor=actor)
    audit.record(
        actor=actor,
        action="followups.event_create",
        obj=event,
        changes={"title": title, "date": happens_on, "invited": len(found), "tasks": created},
    )
    return event
