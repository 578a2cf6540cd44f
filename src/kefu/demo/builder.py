"""The demo data set (`kefu demo`, `kefu serve --demo`): three business lines, their staff,
customers with assets, and tickets with timelines over the last 180 days.

Business lines and users go through the account services; the bulk of the data (customers,
tickets, messages, events) is inserted with ``bulk_create`` in batches, with preassigned ids
so tickets can reference customers and messages without reading anything back.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from kefu.accounts import services as account_services
from kefu.accounts.models import BusinessLine, Department, Team, User
from kefu.core.db import is_postgres
from kefu.core.errors import Conflict, Invalid
from kefu.customers.models import (
    BuyerAccount,
    Customer,
    Order,
    PropertyUnit,
    ServiceRecord,
    Vehicle,
)
from kefu.demo.bulk import Ids, historic_timestamps, reset_sequences
from kefu.demo.customer_rows import CustomerMaker, build_customers
from kefu.demo.data import people
from kefu.demo.ticket_rows import LineSetup, Staff, TicketMaker, build_tickets
from kefu.tickets.models import Category, Ticket, TicketEvent, TicketMessage

DEMO_PASSWORD = "Kefu-demo-2026"
DEFAULT_SEED = 20261111
SIZES = {"small": 10_000, "large": 1_000_000}
SMALL_CUSTOMERS = 2_400

# (name, code, industry, share of customers and tickets)
LINES = (
    ("网店", "shop", "ecommerce", 0.58),
    ("物业服务中心", "wy", "property", 0.23),
    ("4S店售后", "4s", "auto", 0.19),
)
TEAM_SLUGS = {
    "售前组": "presale",
    "催付组": "payment",
    "售后一组": "aftersales1",
    "售后二组": "aftersales2",
    "退款组": "refunds",
    "前台组": "front",
    "管家组": "butler",
    "服务前台": "desk",
    "跟踪回访组": "followup",
}
# the stable demo logins (design.md "Demo users"): username, display name, role, placement
FIXED_USERS = (
    ("admin", "系统管理员", "admin", None),
    ("manager", "王建华", "manager", ("line", "shop")),
    ("supervisor", "李秀英", "supervisor", ("department", "shop", "客服部")),
    ("lead", "张伟", "lead", ("team", "shop", "售后一组")),
    ("agent", "刘芳", "agent", ("team", "shop", "售后一组")),
    ("agent2", "陈静", "agent", ("team", "shop", "售前组")),
    ("wy_agent", "杨丽", "agent", ("team", "wy", "前台组")),
    ("4s_agent", "赵强", "agent", ("team", "4s", "服务前台")),
    ("wy_supervisor", "吴海燕", "supervisor", ("department", "wy", "客服中心")),
    ("4s_supervisor", "孙建国", "supervisor", ("department", "4s", "售后服务部")),
)
AGENTS_PER_TEAM = {"shop": 4, "wy": 3, "4s": 3}


@dataclass
class BuildResult:
    business_lines: int
    users: int
    customers: int
    tickets: int
    seconds: float


# the most tickets the story passes file through the services (5 repairs, 3 repeats a line,
# customers' SMS, web-form and e-mail enquiries, the school's six); builds smaller than
# STORY_MIN_TOTAL skip the story
STORY_TICKETS = 110
STORY_MIN_TOTAL = 200
TOP_UP_TITLES = ("咨询办理进度", "咨询服务时间", "咨询联系方式")


def customers_for(tickets: int) -> int:
    """Customers for a build of ``tickets``: the small archive, growing with large builds."""
    return max(min(SMALL_CUSTOMERS, tickets), tickets // 5)


def database_is_empty() -> bool:
    return not (User.objects.exists() or BusinessLine.objects.exists())


def build_demo(
    size: str = "small",
    *,
    tickets: int | None = None,
    seed: int = DEFAULT_SEED,
    progress: bool = False,
) -> BuildResult:
    """Build the whole demo data set into an empty, migrated database.

    ``size`` is ``small`` (10,000 tickets) or ``large`` (1,000,000); ``tickets`` overrides the
    number. The same ``seed`` on the same day gives the same data. Refuses a non-empty database.
    """
    if size not in SIZES:
        raise Invalid(_("Unknown demo size: %(size)s.") % {"size": size})
    total = SIZES[size] if tickets is None else tickets
    if total < 1:
        raise Invalid(_("The number of tickets must be at least 1."))
    if not database_is_empty():
        raise Conflict(
            _("The database already holds data; the demo loads only into an empty database.")
        )
    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    lines = _business_lines()
    users = _users(lines)
    n_customers = customers_for(total)
    # the story passes file a few tickets through the services (repairs, repeat complaints);
    # the generator leaves room for them and _top_up fills what they did not use, so a build
    # holds exactly ``total`` tickets
    reserve = STORY_TICKETS if total >= STORY_MIN_TOTAL else 0
    ids = Ids(
        Customer,
        BuyerAccount,
        Order,
        PropertyUnit,
        Vehicle,
        ServiceRecord,
        Ticket,
        TicketMessage,
    )
    models = (Customer, BuyerAccount, Order, PropertyUnit, Vehicle, ServiceRecord)
    models += (Ticket, TicketMessage, TicketEvent)
    with historic_timestamps(*models):
        maker = CustomerMaker(rng, ids, now)
        setups = []
        with tqdm(
            total=n_customers,
            desc=_("Customers"),
            unit="",
            file=sys.stderr,
            disable=not progress,
        ) as bar:
            shares = [share for *_x, share in LINES]
            counts = _shares(n_customers, shares)
            for (_name, code, industry, share), count in zip(LINES, counts, strict=True):
                line = lines[code]
                pool = build_customers(line=line, count=count, maker=maker, bar=bar)
                setups.append(_setup(line, industry, share, pool, users))
        with tqdm(
            total=total, desc=_("Tickets"), unit="", file=sys.stderr, disable=not progress
        ) as bar:
            ticket_maker = TicketMaker(rng=rng, ids=ids, now=now, lines=setups)
            build_tickets(maker=ticket_maker, total=total - reserve, bar=bar)
    _finish()
    generated = Ticket.objects.count()
    _seed_capabilities(lines.values(), now=now, seed=seed, story=bool(reserve))
    _top_up(reserve - (Ticket.objects.count() - generated), now=now)
    # the bulk rows publish no events: no month counted while seeding may stay cached
    from kefu.reports import month_cache

    month_cache.clear()
    return BuildResult(
        business_lines=BusinessLine.objects.count(),  # with the school's (education_rows)
        users=User.objects.count(),
        customers=n_customers,
        tickets=total,
        seconds=time.monotonic() - started,
    )


def _shares(total: int, shares: list[float]) -> list[int]:
    counts = [int(total * s) for s in shares]
    counts[0] += total - sum(counts)
    return counts


@transaction.atomic
def _business_lines() -> dict[str, BusinessLine]:
    return {
        code: account_services.business_line_create(name=name, code=code, industry=industry)
        for name, code, industry, _share in LINES
    }


@transaction.atomic
def _users(lines: dict[str, BusinessLine]) -> dict[str, User]:
    """The fixed demo logins, a lead for every team and enough agents to fill each team.

    Passwords are hashed once (the demo password is public); each user is created unusable
    and then given that hash, which saves a slow hash per account."""
    users: dict[str, User] = {}

    def place(spec):
        if spec is None:
            return {}
        kind, code, *rest = spec
        line = lines[code]
        if kind == "line":
            return {"business_line": line}
        if kind == "department":
            return {"department": Department.objects.get(business_line=line, name=rest[0])}
        return {"team": Team.objects.get(business_line=line, name=rest[0])}

    for username, display, role, spec in FIXED_USERS:
        users[username] = account_services.user_create(
            username=username, password=None, role=role, display_name=display, **place(spec)
        )
    names = iter(people.STAFF_NAMES * 3)
    for code, line in lines.items():
        for team in Team.objects.filter(business_line=line).order_by("id"):
            slug = f"{code}_{TEAM_SLUGS.get(team.name, team.pk)}"
            members = [u for u in users.values() if u.team_id == team.pk]
            if not any(u.role == "lead" for u in members):
                users[f"{slug}_lead"] = account_services.user_create(
                    username=f"{slug}_lead",
                    password=None,
                    role="lead",
                    display_name=next(names),
                    team=team,
                )
            agents = sum(1 for u in members if u.role == "agent")
            for n in range(agents + 1, AGENTS_PER_TEAM[code] + 1):
                users[f"{slug}_{n}"] = account_services.user_create(
                    username=f"{slug}_{n}",
                    password=None,
                    role="agent",
                    display_name=next(names),
                    team=team,
                )
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return users


def _setup(line, industry: str, share: float, pool, users: dict[str, User]) -> LineSetup:
    teams = {t.name: t for t in Team.objects.filter(business_line=line)}
    staff = {}
    for team in teams.values():
        members = [u for u in users.values() if u.team_id == team.pk]
        lead = next((u for u in members if u.role == "lead"), None)
        staff[team.pk] = Staff(
            agents=[(u.pk, u.name) for u in members if u.role == "agent"],
            lead=(lead.pk, lead.name) if lead else None,
        )
    categories = {
        (c.parent.name, c.name): c.pk
        for c in Category.objects.filter(business_line=line, parent__isnull=False).select_related(
            "parent"
        )
    }
    return LineSetup(
        line=line,
        industry=industry,
        teams=teams,
        staff=staff,
        categories=categories,
        pool=pool,
        share=share,
    )


def _finish() -> None:
    """Derived fields, sequences past the preassigned ids, fresh planner statistics."""
    latest = Ticket.objects.filter(customer=OuterRef("pk")).order_by("-created_at")
    Customer.objects.update(last_contact_at=Subquery(latest.values("created_at")[:1]))
    reset_sequences(
        Customer, BuyerAccount, Order, PropertyUnit, Vehicle, ServiceRecord, Ticket, TicketMessage
    )
    vacuum = is_postgres() and not connection.in_atomic_block
    with connection.cursor() as cur:
        # PostgreSQL: VACUUM also marks the fresh pages all-visible, which the index-only scans
        # of the home figures need (autovacuum would get there minutes or hours later)
        cur.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


RECENT_RESOLVED_DAYS = 10  # resolved this recently: the first callback (days 3–7) is still due
MAX_DEMO_CALLBACK_TICKETS = 400  # enough to fill every agent's workbench, bounded for --size large


def _seed_capabilities(lines, *, now, seed: int = DEFAULT_SEED, story: bool = True) -> None:
    """What the capabilities built on tickets start with: callback policies and the callbacks
    of recently resolved tickets, the knowledge base and quick replies, the surveys, SLA
    policies, and the history of callbacks, surveys, grades and SLA events (demo.story)."""
    from kefu.demo.complaint_rows import build_complaint_rows
    from kefu.demo.escalation_rows import build_escalation_rows
    from kefu.demo.repair_rows import build_repair_rows
    from kefu.demo.repeat_rows import build_repeat_rows
    from kefu.demo.shiftlog_rows import build_shiftlog_rows
    from kefu.demo.story import build_story
    from kefu.followups.services.callbacks import ticket_status_changed
    from kefu.followups.services.jobs import cadence_run
    from kefu.followups.services.policies import policies_seed
    from kefu.knowledge.seed import seed_demo_knowledge
    from kefu.surveys.services import seed_demo_surveys

    for line in lines:
        policies_seed(line)
        seed_demo_knowledge(line)
        seed_demo_surveys(line)
    recent = (
        Ticket.objects.filter(
            status="resolved", resolved_at__gte=now - dt.timedelta(days=RECENT_RESOLVED_DAYS)
        )
        .select_related("business_line", "customer")
        .order_by("-resolved_at")[:MAX_DEMO_CALLBACK_TICKETS]
    )
    for ticket in recent:
        with transaction.atomic():
            ticket_status_changed(
                actor=ticket.first_owner, ticket=ticket, before="in_progress", after="resolved"
            )
    cadence_run(now=now)
    _seed_sla_policies(lines)
    build_story(lines, now=now, seed=seed)
    build_complaint_rows(now=now, seed=seed)  # complaint stages and closing callbacks
    build_escalation_rows(now=now, seed=seed)  # escalations by hand, same-day notices
    build_shiftlog_rows(now=now, seed=seed, lines={line.code: line for line in lines})
    from kefu.demo.property_rows import build_property_rows  # issue 21: fees, letters, repairs

    build_property_rows(now=now, seed=seed)
    from kefu.demo.visit_rows import build_visit_rows  # SEG-11 door visits

    build_visit_rows(now=now, seed=seed)
    from kefu.demo.enquiry_call_rows import build_enquiry_call_rows  # LOG-1 ticketless calls

    build_enquiry_call_rows(now=now, seed=seed)  # before the QA samples, which draw them
    from kefu.demo.inspections_rows import build_inspections_rows

    build_inspections_rows(now=now, seed=seed)  # QA samples, reviews, appeals (质检)
    from kefu.demo.commerce_rows import build_commerce_rows

    build_commerce_rows(lines, now=now, seed=seed)  # shop, orders, 催付 with results, returns
    from kefu.demo.commerce_returns_rows import build_commerce_returns_rows

    build_commerce_returns_rows(lines, now=now, seed=seed)  # 补发, inspections, logistics cases
    from kefu.demo.commerce_dispute_rows import build_commerce_dispute_rows

    build_commerce_dispute_rows(lines, now=now, seed=seed)  # 淘宝小二介入 disputes, card links
    from kefu.demo.commerce_warehouse_rows import build_commerce_warehouse_rows

    build_commerce_warehouse_rows(lines, now=now, seed=seed)  # brands, 618 base, pre-packs (PK-5)
    from kefu.demo.quality_rows import build_quality_rows

    build_quality_rows(now=now, seed=seed, lines={line.code: line for line in lines})
    from kefu.demo.quality_kpi_rows import build_quality_kpi_rows  # KPI versions, work logs

    build_quality_kpi_rows(now=now, seed=seed, lines={line.code: line for line in lines})
    from kefu.demo.quality_more_rows import build_quality_more_rows  # live KPIs, 360° cycles

    build_quality_more_rows(now=now, seed=seed, lines=lines)
    if story:  # the passes that file tickets: build_demo counts them into the total
        build_repair_rows()  # open 小修 / 大修 repairs on calendar-time clocks (§9.13)
        build_repeat_rows(now=now)  # complaints again: linked and graded 重复 (§9.9)
    _seed_workforce(lines, now=now)
    from kefu.demo.training_rows import build_training_rows

    build_training_rows(now=now, seed=seed, lines={line.code: line for line in lines})
    from kefu.demo.training_needs_rows import build_needs_rows  # TRN-8 half-year needs

    build_needs_rows(now=now, seed=seed)
    from kefu.demo.training_chat_rows import build_chat_rows  # PK-3 response-time test

    build_chat_rows(now=now, seed=seed)
    from kefu.demo.training_drill_rows import build_drill_rows, build_workbench_rows  # PK-3

    build_drill_rows(now=now, seed=seed)
    build_workbench_rows(now=now, seed=seed)  # the live drill in the real workbench
    from kefu.demo.training_cert_rows import build_cert_rows  # PK-4 双11 from its template

    build_cert_rows(now=now, seed=seed)
    if story:
        from kefu.demo.messaging_rows import build_messaging_rows

        build_messaging_rows(lines, now=now, seed=seed)  # SMS outbox, inbound SMS, web forms
        from kefu.demo.channels_rows import build_channels_rows

        build_channels_rows(lines, seed=seed)  # mailboxes and e-mail tickets, threaded
    from kefu.demo.reports_rows import build_reports_rows

    build_reports_rows(lines, now=now, seed=seed)  # units' hand-offs and bases (issue 22)
    from kefu.demo.report_builder_rows import build_report_builder_rows  # issue 22 §6

    build_report_builder_rows(now=now)  # saved reports, subscriptions, past deliveries
    from kefu.demo.conversion_rows import build_conversion_rows  # RPT-9 record completeness

    build_conversion_rows(lines, now=now, seed=seed)
    from kefu.demo.repair_centre_rows import build_repair_centre_rows  # RPR-2 repeat repairs

    build_repair_centre_rows(now=now, seed=seed)
    from kefu.demo.education_rows import build_education_rows  # issue 21 §2: the school

    build_education_rows(now=now, seed=seed, story=story)  # lessons, hours, leaves, no-shows
    school = list(BusinessLine.objects.filter(code="edu"))
    build_reports_rows(school, now=now, seed=seed)  # the school's units, bases and weeks too
    from kefu.demo.channels_registers_rows import build_channels_registers_rows  # issue 17

    build_channels_registers_rows(
        lines, now=now, seed=seed
    )  # registers, complaint feeds (LOG, CMP-6)


def _top_up(count: int, *, now) -> None:
    """File ``count`` ordinary enquiries of today through the intake service (see build_demo):
    the lines' agents in turn, each for a customer of their line, so exactly ``count`` are
    filed."""
    from kefu.tickets.services import ticket_create

    customers = {}
    for customer in Customer.objects.filter(merged_into=None).order_by("id"):
        customers.setdefault(customer.business_line_id, []).append(customer)
    agents = [
        agent
        for agent in User.objects.filter(role="agent", is_active=True).order_by("id")
        if customers.get(agent.business_line_id) and agent.has_usable_password()
    ]
    for i in range(max(0, count)):
        agent = agents[i % len(agents)]
        pool = customers[agent.business_line_id]
        ticket_create(
            actor=agent,
            title=TOP_UP_TITLES[i % len(TOP_UP_TITLES)],
            description="客户来电咨询，已按知识库答复。",
            type="consult",
            channel="phone",
            priority="normal",
            customer=pool[i % len(pool)],
        )


def _seed_sla_policies(lines) -> None:
    """Each line's template SLA policies, loaded by its supervisor as on day one."""
    from kefu.tickets.sla_services import sla_policies_seed

    for line in lines:
        actor = (
            User.objects.filter(business_line=line, role="supervisor").order_by("id").first()
            or User.objects.filter(role="admin").order_by("id").first()
        )
        sla_policies_seed(actor=actor, business_line=line)


TEAM_GROUPS = {"售前组": "presale", "催付组": "reminder", "退款组": "refund"}  # others: 售后


def _seed_workforce(lines, *, now) -> None:
    """The shop's planning set-up: skill groups, shift templates, each agent's skills, a
    two-week forecast from its ticket history, a week's roster run (solved by the worker
    once `kefu serve` starts it) and this year's 双11 plan."""
    from kefu.accounts.models import User
    from kefu.workforce.services import forecasts, peaks, rosters

    shop = next(line for line in lines if line.industry == "ecommerce")
    manager = User.objects.get(username="manager")
    groups = {g.code: g for g in forecasts.skill_groups_ensure(business_line=shop)}
    rosters.shift_templates_ensure(business_line=shop)
    agents = User.objects.filter(business_line=shop, role__in=["agent", "lead"], is_active=True)
    for user in agents.select_related("team"):
        code = TEAM_GROUPS.get(user.team.name if user.team else "", "aftersales")
        rosters.agent_profile_set(
            actor=manager, user=user, groups=[groups[code]], max_weekly_hours=44, cost_per_hour=30
        )
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for group in groups.values():
        if not group.ticket_types:  # 催付 works orders, not tickets: nothing to forecast from
            continue
        # last month's and this month's forecasts, made at their start: plan against actuals
        for first, days in (
            (last_month, (this_month - last_month).days),
            (this_month, (today - this_month).days),
        ):
            if days:
                forecasts.forecast_create(actor=manager, group=group, start_date=first, days=days)
        forecasts.forecast_create(actor=manager, group=group, start_date=today, days=14)
    rosters.roster_run_create(
        actor=manager, name="本周排班", start_date=today, days=7, time_limit_seconds=20
    )
    peaks.peak_plan_from_template(actor=manager, year=today.year)


# -- logins -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def print_logins(out=None) -> None:
    """Print the demo sign-ins as a table: username, name, role, team and the one password."""
    out = out or sys.stdout
    from kefu.demo.education_rows import USERS as SCHOOL_USERS

    usernames = [u for u, *_rest in FIXED_USERS + SCHOOL_USERS]
    found = {
        u.username: u
        for u in User.objects.filter(username__in=usernames).select_related(
            "team", "department", "business_line"
        )
    }
    if not found:
        print(_("No demo users in this database."), file=out)
        return
    header = (_("Username"), _("Name"), _("Role"), _("Business line"), _("Team"))
    rows = []
    for username in usernames:
        user = found.get(username)
        if user is None:
            continue
        unit = user.team or user.department
        rows.append(
            (
                user.username,
                user.display_name,
                str(user.get_role_display()),
                str(user.business_line or "—"),
                str(unit or "—"),
            )
        )
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    print(_("Demo sign-ins (password for every account: %(pw)s)") % {"pw": DEMO_PASSWORD}, file=out)
    print(
        "  ".join(_pad(str(h), w) for h, w in zip(header, widths, strict=True)).rstrip(), file=out
    )
    print(rule, file=out)
    for row in rows:
        print("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
    others = User.objects.exclude(username__in=usernames).filter(is_active=True).count()
    if others:
        print(
            _("%(n)d more staff accounts (leads and agents of every team) use the same password.")
            % {"n": others},
            file=out,
        )
