"""The periodic cadence run: maintenance reminders, inactivity callbacks and escalations.

Every step is idempotent: tasks and escalations carry unique keys derived from the data (the
maintenance date, the last contact, the callback), so running twice creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, Role, User
from kefu.core import audit
from kefu.customers.models import Vehicle
from kefu.followups import cadence
from kefu.followups.models import CadencePolicy, CallbackTask, Escalation, Kind, Outcome
from kefu.followups.services.callbacks import make_task, workday_checker
from kefu.followups.services.policies import line_setting, policies_by_kind
from kefu.tickets.models import Status, Ticket

log = logging.getLogger("kefu.followups")

# rows handled per query: keeps one run's memory flat however large the archive is
BATCH = 500
CATCH_UP_DAYS = 366  # the longest downtime the inactivity callback catches up on


def _owners(customers) -> dict[int, int | None]:
    """{customer id: dedicated agent, else the first-ask owner of their latest ticket}."""
    owners = {c.pk: c.dedicated_agent_id for c in customers}
    missing = [pk for pk, owner in owners.items() if owner is None]
    if missing:
        rows = (
            Ticket.objects.filter(customer_id__in=missing)
            .order_by("customer_id", "-created_at", "-id")
            .values_list("customer_id", "first_owner_id")
        )
        for customer_id, owner_id in rows:
            if owners.get(customer_id) is None:
                owners[customer_id] = owner_id
    return owners


def maintenance_run(*, today: dt.date | None = None) -> int:
    """Reminders 2 weeks before each vehicle's next 保养期 and again near the date (3 days)."""
    today = today or timezone.localdate()
    created = 0
    for line in BusinessLine.objects.filter(is_active=True):
        policy = policies_by_kind(line)[Kind.MAINTENANCE]
        if not policy.enabled:
            continue
        check = workday_checker(line)
        reach = abs(min(policy.start_days, 0)) * (2 if policy.working_days else 1) + 1
        vehicles = (
            Vehicle.objects.filter(
                customer__business_line=line,
                customer__merged_into=None,
                next_maintenance_on__gte=today,
                next_maintenance_on__lte=today + dt.timedelta(days=reach),
            )
            .select_related("customer")
            .order_by("id")
        )
        last_id = 0
        while True:
            batch = list(vehicles.filter(id__gt=last_id)[:BATCH])
            if not batch:
                break
            last_id = batch[-1].pk
            owners = _owners({v.customer for v in batch})
            with transaction.atomic():
                for vehicle in batch:
                    for seq, start, end in cadence.maintenance_windows(
                        vehicle.next_maintenance_on, policy, check
                    ):
                        if not start <= today <= end:
                            continue
                        _task, made = make_task(
                            line=line,
                            customer_id=vehicle.customer_id,
                            kind=Kind.MAINTENANCE,
                            script=f"{policy.script}\n{vehicle} · {vehicle.next_maintenance_on}",
                            window=(start, end),
                            owner_id=owners.get(vehicle.customer_id),
                            vehicle_id=vehicle.pk,
                            sequence=seq,
                        )
                        created += made
    return created


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def inactivity_run(*, today: dt.date | None = None) -> int:
    """A callback for customers with no contact for ≥ 3 weeks (FU-6), once per spell: the
    task's key is the window that the last contact opens (a unique constraint).

    It catches up after downtime: a customer whose window opened after the day the job last
    finished (``CadencePolicy.checked_through``, at most ``CATCH_UP_DAYS`` back) is called even
    when the window closed while the worker was down (the task is due today)."""
    from kefu.customers.models import Customer

    today = today or timezone.localdate()
    created = 0
    for line in BusinessLine.objects.filter(is_active=True):
        policy = policies_by_kind(line)[Kind.INACTIVITY]
        if not policy.enabled:
            continue
        check = workday_checker(line)
        factor = 2 if policy.working_days else 1
        since = max(
            policy.checked_through or today - dt.timedelta(days=1),
            today - dt.timedelta(days=CATCH_UP_DAYS),
        )
        earliest = min(
            today - dt.timedelta(days=policy.end_days * factor),
            since + dt.timedelta(days=1) - dt.timedelta(days=policy.start_days * factor),
        )
        customers = (
            Customer.objects.filter(
                business_line=line,
                merged_into=None,
                last_contact_at__gte=_day_start(earliest),
                last_contact_at__lt=_day_start(today - dt.timedelta(days=policy.start_days - 1)),
            )
            .only("id", "dedicated_agent_id", "last_contact_at", "business_line_id")
            .order_by("id")
        )
        last_id = 0
        while True:
            batch = list(customers.filter(id__gt=last_id)[:BATCH])
            if not batch:
                break
            last_id = batch[-1].pk
            owners = _owners(batch)
            with transaction.atomic():
                for customer in batch:
                    anchor = timezone.localdate(customer.last_contact_at)
                    start, end = cadence.window(anchor, policy, check)
                    # open today, or opened while the job did not run (missed: due today)
                    if not (start <= today <= end or since < start <= today):
                        continue
                    _task, made = make_task(
                        line=line,
                        customer_id=customer.pk,
                        kind=Kind.INACTIVITY,
                        script=policy.script,
                        window=(start, max(end, today)),
                        owner_id=owners.get(customer.pk),
                    )
                    created += made
        CadencePolicy.objects.filter(pk=policy.pk).filter(
            Q(checked_through__isnull=True) | Q(checked_through__lt=today)
        ).update(checked_through=today)
    return created


def _cutoff(line: BusinessLine, now: dt.datetime) -> dt.datetime:
    """``now`` minus the line's escalation days, counted in business days on the line's
    calendar (§9.2); calendar days when the line's calendar is not valid."""
    days = int(line_setting(line, "followup_escalate_days"))
    check = workday_checker(line)
    if check is None:
        return now - dt.timedelta(days=days)
    local = timezone.localtime(now)
    day = cadence.add_days(local.date(), -days, working=True, is_workday=check)
    return timezone.make_aware(dt.datetime.combine(day, local.time()))


def _supervisor_for(task: CallbackTask) -> User | None:
    users = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    if task.department_id:
        found = users.filter(department_id=task.department_id).order_by("id").first()
        if found:
            return found
    return users.filter(business_line_id=task.business_line_id).order_by("id").first()


def _notify(escalation: Escalation) -> None:
    supervisor = escalation.supervisor
    if supervisor is None or not supervisor.email:
        return
    try:
        send_mail(
            _("Callback issue escalated"),
            escalation.reason,
            None,
            [supervisor.email],
            fail_silently=False,
        )
    except OSError:
        log.warning("escalation %s: e-mail to the supervisor failed", escalation.pk)


def escalations_run(*, now: dt.datetime | None = None) -> int:
    """Escalate to the supervisor every issue raised in a callback (不满意) whose customer was
    not told a solution within the line's days (default 2 business days, CMP-4, §9.2): no
    solution yet, or a solution whose same-day task is not done. One escalation per callback."""
    now = now or timezone.now()
    created = 0
    for line in BusinessLine.objects.filter(is_active=True):
        # the loop is closed once the customer was told the solution (the same-day task is
        # done), or the ticket was closed after a successful callback; an issue resolved before
        # the same-day task existed (no task) counts as closed
        due = (
            CallbackTask.objects.filter(
                business_line=line,
                outcome__in=(Outcome.DISSATISFIED, Outcome.REJECTED),
                done_at__lte=_cutoff(line, now),
                escalation__isnull=True,
            )
            .exclude(solution_notice__done_at__isnull=False)
            .exclude(issue_resolved_at__isnull=False, solution_notice__isnull=True)
            .exclude(ticket__status=Status.CLOSED)
            .select_related("customer", "ticket", "solution_notice")
            .order_by("id")
        )
        while True:
            batch = list(due[:BATCH])
            if not batch:
                break
            for task in batch:
                with transaction.atomic():
                    supervisor = _supervisor_for(task)
                    subject = task.ticket.number if task.ticket_id else task.customer.name
                    day = timezone.localdate(task.done_at)
                    if task.issue_resolved_at is None:
                        reason = _(
                            "The issue raised in the callback of %(subject)s on %(day)s "
                            "is still unresolved."
                        ) % {"subject": subject, "day": day}
                    else:
                        reason = _(
                            "The issue raised in the callback of %(subject)s on %(day)s has a "
                            "solution, but the customer has not been told."
                        ) % {"subject": subject, "day": day}
                    escalation, made = Escalation.objects.get_or_create(
                        callback=task,
                        defaults={
                            "business_line_id": task.business_line_id,
                            "department_id": task.department_id,
                            "team_id": task.team_id,
                            "ticket_id": task.ticket_id,
                            "supervisor": supervisor,
                            "reason": reason[:500],
                        },
                    )
                    if made:
                        created += 1
                        audit.record(
                            actor=None,
                            action="followups.escalate",
                            obj=escalation,
                            changes={
                                "callback": task.pk,
                                "supervisor": getattr(supervisor, "pk", None),
                            },
                        )
                        transaction.on_commit(lambda e=escalation: _notify(e))
    return created


def cadence_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One periodic run: {"maintenance": n, "inactivity": n, "escalations": n, "intake": n}
    created (intake: new customers allocated, ARC-6)."""
    from kefu.followups.services.intake import intake_run

    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "maintenance": maintenance_run(today=today),
        "inactivity": inactivity_run(today=today),
        "escalations": escalations_run(now=now),
        "intake": intake_run(today=today),
    }
