"""New customers (ARC-1, ARC-6): the archive is complete within the line's days of the visit
(default 2, 「二日内…建立档案」), and the day's new customers are allocated to agents 「按照负责客户
数量均衡、兼顾业务能力」 — balanced by the customers each agent already has, taking skill into
account — and each allocated customer gets a first-contact callback within one week.

``customer.created`` (subscribed in ``FollowupsConfig.ready``) records the intake in the
creating transaction; ``customer.updated`` re-checks the archive; ``intake_run`` (the periodic
cadence run) allocates the customers still without an agent, in one pass per line.

The allocation rule, explainable by the two figures stored with it: an ordinary customer goes to
the agent with the fewest customers (ties: the more skilled, then the earlier account); a VIP
(any tier above normal) goes to the most skilled agent among those within ``BAND`` customers of
the lightest load. Skill is the share of satisfied answers among the agent's reached callbacks
of the last ``SKILL_DAYS`` days (50 % when there are none yet).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kefu.accounts.models import BusinessLine, Role, User
from kefu.core import audit
from kefu.core.db import insert_rows
from kefu.customers.models import Customer, Tier
from kefu.followups import cadence
from kefu.followups.models import CallbackTask, CustomerIntake, Kind, Outcome
from kefu.followups.services.callbacks import make_task, workday_checker
from kefu.followups.services.people import absent_user_ids
from kefu.followups.services.policies import line_setting, policy_for

BAND = 2
SKILL_DAYS = 90
NO_SKILL = 50
BATCH = 500
# the archive's required facts (客户档案基本资料表, ARC-2): contact, address, visit date; the
# vehicle lines also the vehicle
REQUIRED = ("phone", "address", "first_visit_on")


def missing_fields(customer: Customer) -> list[str]:
    """The required archive facts ``customer`` still lacks (field names)."""
    missing = [name for name in REQUIRED if not getattr(customer, name)]
    line = customer.business_line
    if line.industry == "auto" and not customer.vehicles.exists():
        missing.append("vehicle")
    return missing


def _visit_day(customer: Customer) -> dt.date:
    return customer.first_visit_on or timezone.localdate(customer.created_at or timezone.now())


def _department_id(customer: Customer, entered_by=None) -> int | None:
    """The department of whoever entered the customer (``entered_by`` when the caller holds
    that user), else the line's first department."""
    from kefu.accounts.models import Department

    if entered_by is not None and entered_by.pk == customer.created_by_id:
        if entered_by.department_id:
            return entered_by.department_id
    elif customer.created_by_id is not None:
        found = (
            User.objects.filter(pk=customer.created_by_id)
            .values_list("department_id", flat=True)
            .first()
        )
        if found:
            return found
    return (
        Department.objects.filter(business_line_id=customer.business_line_id)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def intake_record(*, customer: Customer, new: bool = False, entered_by=None) -> CustomerIntake:
    """The intake of a customer who just entered the archive (one per customer). ``new``: the
    customer was created in this transaction, so has no intake to find yet; ``entered_by``: the
    user who entered them, when the caller holds it."""
    if not new:
        found = CustomerIntake.objects.filter(customer_id=customer.pk).first()
        if found is not None:
            return found
    line = customer.business_line
    visited = _visit_day(customer)
    missing = missing_fields(customer)
    days = int(line_setting(line, "archive_complete_days"))
    intake = CustomerIntake(
        customer=customer,
        business_line_id=customer.business_line_id,
        # the supervisor who aggregates the day's intake sees it before it is allocated
        department_id=_department_id(customer, entered_by),
        visited_on=visited,
        archive_due_on=visited + dt.timedelta(days=days),
        archive_done_at=None if missing else timezone.now(),
        missing=missing,
        preassigned=customer.dedicated_agent_id is not None,
    )
    return insert_rows([intake])[0]


def archive_check(*, customer: Customer) -> CustomerIntake | None:
    """Re-check an open intake's archive after a change: complete once nothing is missing."""
    intake = CustomerIntake.objects.filter(customer_id=customer.pk).first()
    if intake is None or intake.archive_done_at is not None:
        return intake
    missing = missing_fields(customer)
    intake.missing = missing
    fields = ["missing"]
    if not missing:
        intake.archive_done_at = timezone.now()
        fields.append("archive_done_at")
        audit.record(
            actor=None,
            action="customer.archive_complete",
            obj=customer,
            changes={"first_visit_on": intake.visited_on.isoformat()},
        )
    intake.save(update_fields=fields)
    return intake


def _first_contact(line, customer: Customer, agent_id: int, today: dt.date):
    policy = policy_for(line, Kind.FIRST_CONTACT)
    if not policy.enabled:
        return None
    task, _made = make_task(
        line=line,
        customer_id=customer.pk,
        kind=Kind.FIRST_CONTACT,
        script=policy.script,
        window=cadence.window(today, policy, workday_checker(line)),
        owner_id=agent_id,
    )
    return task


def _assign(intake, customer, agent: User, *, load, skill, today) -> None:
    intake.agent = agent
    intake.allocated_at = timezone.now()
    intake.load, intake.skill = load, skill
    intake.team_id, intake.department_id = agent.team_id, agent.department_id
    intake.save(
        update_fields=["agent", "allocated_at", "load", "skill", "team_id", "department_id"]
    )
    _first_contact(customer.business_line, customer, agent.pk, today)


def _agents(line: BusinessLine, today: dt.date) -> list[User]:
    agents = list(
        User.objects.filter(business_line=line, role=Role.AGENT, is_active=True).order_by("id")
    )
    away = absent_user_ids([a.pk for a in agents], today)
    return [a for a in agents if a.pk not in away]


def _loads(agents: list[User]) -> dict[int, int]:
    rows = (
        Customer.objects.filter(dedicated_agent__in=agents, merged_into=None)
        .values("dedicated_agent_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    loads = {a.pk: 0 for a in agents}
    loads.update({r["dedicated_agent_id"]: r["n"] for r in rows})
    return loads


def _skills(agents: list[User], today: dt.date) -> dict[int, int]:
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=SKILL_DAYS), dt.time())
    )
    rows = (
        CallbackTask.objects.filter(owner__in=agents, done_at__gte=since)
        .exclude(outcome="")
        .values("owner_id")
        .annotate(
            reached=Count("id", filter=Q(outcome__in=(Outcome.SATISFIED, Outcome.DISSATISFIED))),
            satisfied=Count("id", filter=Q(outcome=Outcome.SATISFIED)),
        )
        .order_by()
    )
    skills = {a.pk: NO_SKILL for a in agents}
    for r in rows:
        if r["reached"]:
            skills[r["owner_id"]] = round(100 * r["satisfied"] / r["reached"])
    return skills


def choose(loads: dict[int, int], skills: dict[int, int], *, vip: bool) -> int:
    """The agent id for the next customer (see the module's rule)."""
    if vip:
        lightest = min(loads.values())
        band = [pk for pk, n in loads.items() if n <= lightest + BAND]
        return min(band, key=lambda pk: (-skills[pk], loads[pk], pk))
    return min(loads, key=lambda pk: (loads[pk], -skills[pk], pk))


def intake_run(*, today: dt.date | None = None, line_ids=None) -> int:
    """Allocate every new customer still without an agent (the day's intake, and any left over
    while no agent was available); returns how many were allocated. Idempotent."""
    today = today or timezone.localdate()
    allocated = 0
    lines = BusinessLine.objects.filter(is_active=True)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    for line in lines:
        waiting = CustomerIntake.objects.filter(business_line=line, agent__isnull=True)
        if not waiting.exists():
            continue
        agents = _agents(line, today)
        if not agents:
            continue
        by_id = {a.pk: a for a in agents}
        loads, skills = _loads(agents), _skills(agents, today)
        while True:
            with transaction.atomic():
                # read inside the transaction and lock: two runs at once (two workers) each take
                # other rows (PostgreSQL), or the second sees the first's (SQLite, one writer)
                batch = list(
                    waiting.filter(agent__isnull=True)
                    .select_related("customer", "customer__business_line")
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("id")[:BATCH]
                )
                if not batch:
                    break
                # VIPs first, so they get the pick of the skilled agents
                batch.sort(key=lambda i: (i.customer.tier == Tier.NORMAL, i.pk))
                for intake in batch:
                    customer = intake.customer
                    if customer.merged_into_id is not None:
                        intake.delete()
                        continue
                    if customer.dedicated_agent_id is not None:
                        # given at intake: kept, and still gets the first-contact call
                        pick = customer.dedicated_agent_id
                        agent = by_id.get(pick) or User.objects.get(pk=pick)
                        _assign(intake, customer, agent, load=None, skill=None, today=today)
                    else:
                        pick = choose(loads, skills, vip=customer.tier != Tier.NORMAL)
                        load, skill = loads[pick], skills[pick]
                        _set_agent(customer, pick)
                        _assign(intake, customer, by_id[pick], load=load, skill=skill, today=today)
                    loads[pick] = loads.get(pick, 0) + 1
                    allocated += 1
    return allocated


def _set_agent(customer: Customer, agent_id: int) -> None:
    """The customer's dedicated agent, through the archive's own service (audited, versioned)."""
    from kefu.customers.services import customer_update

    fresh = Customer.objects.get(pk=customer.pk)
    customer_update(
        actor=None,
        customer=fresh,
        version=fresh.version,
        changes={"dedicated_agent": agent_id},
    )
    customer.dedicated_agent_id = agent_id
