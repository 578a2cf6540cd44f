"""How followups react to tickets' domain events (subscribed in ``FollowupsConfig.ready``), in the
ticket's transaction: a complaint closes only after a successful callback; resolution makes the
callback tasks; a reopen cancels open callbacks and regrades the complaint."""

from __future__ import annotations

from kefu.accounts.models import User
from kefu.followups.services import grading
from kefu.followups.services.callbacks import ticket_close_check, ticket_status_changed
from kefu.tickets.models import Ticket


def _ticket(event) -> Ticket:
    subject = getattr(event, "subject", None)
    if isinstance(subject, Ticket):
        return subject
    return Ticket.objects.select_related("business_line").get(pk=event.object_id)


def _actor(event):
    actor = getattr(event, "actor", None)
    if actor is None and event.actor_id is not None:
        actor = User.objects.filter(pk=event.actor_id).first()
    return actor


def on_ticket_closing(event) -> None:
    """``ticket.closing`` guard: refuses (Invalid ``callback_required``) a complaint's close
    without a successful callback of its current round."""
    ticket_close_check(_ticket(event))


def on_ticket_created(event) -> None:
    """A new complaint of the same customer on the same subject within the line's window repeats
    the earlier one (§9.9): linked and graded 重复. Nothing for other types (no query)."""
    if event.payload.get("type") != "complaint":
        return
    grading.grade_on_intake(actor=_actor(event), ticket=_ticket(event))


def on_ticket_status_changed(event) -> None:
    ticket_status_changed(
        actor=_actor(event),
        ticket=_ticket(event),
        before=event.payload["before"],
        after=event.payload["after"],
    )


def _customer(event):
    from kefu.customers.models import Customer

    subject = getattr(event, "subject", None)
    if isinstance(subject, Customer):
        return subject
    return Customer.objects.select_related("business_line").get(pk=event.object_id)


def on_customer_created(event) -> None:
    """ARC-1 / ARC-6: a new customer's intake (archive due, allocation pending)."""
    from kefu.followups.services.intake import intake_record

    # in the creating transaction, once per customer: no intake exists yet
    intake_record(customer=_customer(event), new=True, entered_by=getattr(event, "actor", None))


def on_customer_updated(event) -> None:
    """ARC-1: the archive is complete once its required facts are filled in."""
    from kefu.followups.services.intake import archive_check

    archive_check(customer=_customer(event))
