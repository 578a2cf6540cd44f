"""Demo tickets over the last 180 days with their messages and timelines, in batches.

Tickets are generated day by day in time order (ids and numbers follow creation time); each
day's volume follows a weekday profile and each ticket's hour an hourly profile per industry.
Texts come from the banks in ``data.texts``; their jieba segmentation is computed once per
distinct text and reused, which keeps a million-ticket build fast.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from kefu.core import search
from kefu.demo.bulk import Ids, RawInsert
from kefu.demo.data import texts
from kefu.tickets.due import compute_due
from kefu.tickets.models import Status, Ticket, TicketEvent, TicketMessage

try:  # SLA clocks run on the line's business calendar where the core provides one
    from kefu.core.business_calendar import calendar_for
except ImportError:  # pragma: no cover

    def calendar_for(business_line):
        return None


# tickets per INSERT batch (with ~4 events and ~2 messages each): bounded memory, few commits
BATCH = 5_000
DAYS = 180
# tickets left open for good come from the last days only; their share is scaled up to match
STUCK_WINDOW = dt.timedelta(days=4)
STUCK_SCALE = DAYS / 4

# weekday factors Monday..Sunday and hour-of-day weights 0..23, per industry
WEEKDAY = {
    "ecommerce": (1.45, 1.15, 1.0, 1.0, 0.95, 0.85, 0.95),
    "property": (1.25, 1.05, 1.0, 1.0, 1.0, 0.75, 0.65),
    "auto": (0.9, 0.85, 0.85, 0.9, 1.0, 1.45, 1.3),
}
# fmt: off
HOURLY = {
    "ecommerce": (1.2, 0.6, 0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1.2, 2.4, 3.2, 3.0,
                  2.2, 2.6, 3.0, 3.0, 2.8, 2.6, 2.4, 3.0, 4.2, 4.8, 4.4, 2.6),
    "property": (0.1, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1.2, 3.0, 3.6, 3.4, 2.8,
                 1.6, 1.8, 2.8, 3.0, 2.8, 2.4, 1.8, 1.6, 1.4, 1.0, 0.5, 0.2),
    "auto": (0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.1, 0.4, 2.2, 3.6, 3.8, 3.0,
             1.6, 2.2, 3.2, 3.4, 3.0, 2.2, 1.0, 0.5, 0.3, 0.2, 0.1, 0.05),
}
# fmt: on
TYPE_WEIGHTS = {
    "ecommerce": {
        "consult": 35,
        "complaint": 12,
        "return": 21,
        "refund": 20,
        "suggestion": 5,
        "praise": 7,
    },
    "property": {"consult": 20, "complaint": 20, "repair": 48, "suggestion": 7, "praise": 5},
    "auto": {"consult": 28, "complaint": 12, "repair": 48, "suggestion": 5, "praise": 7},
}
# which team takes which type (team names of the industry templates)
ROUTING = {
    "ecommerce": {
        "consult": {"售前组": 6, "催付组": 3, "售后一组": 1},
        "complaint": {"售后一组": 5, "售后二组": 4, "退款组": 1},
        "return": {"售后一组": 5, "售后二组": 5},
        "refund": {"退款组": 7, "售后一组": 1.5, "售后二组": 1.5},
        "suggestion": {"售前组": 1, "售后一组": 1, "售后二组": 1},
        "praise": {"售前组": 1, "售后一组": 1, "售后二组": 1, "退款组": 1, "催付组": 1},
    },
    "property": {
        "repair": {"前台组": 7, "管家组": 3},
        "complaint": {"管家组": 7, "前台组": 3},
        "consult": {"前台组": 6, "管家组": 4},
        "suggestion": {"前台组": 1, "管家组": 1},
        "praise": {"前台组": 1, "管家组": 1},
    },
    "auto": {
        "repair": {"服务前台": 9, "跟踪回访组": 1},
        "consult": {"服务前台": 8, "跟踪回访组": 2},
        "complaint": {"跟踪回访组": 7, "服务前台": 3},
        "suggestion": {"跟踪回访组": 7, "服务前台": 3},
        "praise": {"跟踪回访组": 5, "服务前台": 5},
    },
}
# the team that answers the phone first (首问) in each industry
FRONT_TEAM = {"ecommerce": "售前组", "property": "前台组", "auto": "服务前台"}
CHANNELS = {
    "ecommerce": {"im": 70, "phone": 14, "web": 5, "email": 3, "sms": 2, "api": 6},
    "property": {"phone": 45, "visit": 28, "im": 16, "web": 5, "sms": 3, "letter": 3},
    "auto": {"phone": 55, "visit": 25, "im": 12, "web": 5, "sms": 3},
}
# every field a generated row sets (the rest take the model defaults)
TICKET_ROW = dict.fromkeys(
    [
        "id",
        "number",
        "business_line_id",
        "department_id",
        "team_id",
        "title",
        "description",
        "type",
        "channel",
        "priority",
        "status",
        "category_id",
        "customer_id",
        "vehicle_id",
        "property_unit_id",
        "order_id",
        "first_owner_id",
        "assignee_id",
        "due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "search_text",
        "created_at",
        "updated_at",
    ]
)
MESSAGE_ROW = dict.fromkeys(
    ["id", "ticket_id", "kind", "author_id", "body", "created_at", "updated_at"]
)
EVENT_ROW = dict.fromkeys(
    ["ticket_id", "created_at", "actor_id", "kind", "field", "before", "after", "message_id"]
)
ASSET_FIELD = {"ecommerce": "order_id", "property": "property_unit_id", "auto": "vehicle_id"}
PRIORITY = {
    "complaint": {"low": 5, "normal": 50, "high": 35, "urgent": 10},
    "repair": {"low": 7, "normal": 60, "high": 25, "urgent": 8},
    "default": {"low": 25, "normal": 65, "high": 9, "urgent": 1},
}


def _cum(table: dict) -> tuple[list, list]:
    return list(table), list(accumulate(table.values()))


@dataclass
class Staff:
    """A team's people: (id, display name) of its agents and of its lead."""

    agents: list[tuple[int, str]]
    lead: tuple[int, str] | None


@dataclass
class LineSetup:
    line: object
    industry: str
    teams: dict[str, object]  # name → Team
    staff: dict[int, Staff]  # team id → people
    categories: dict[tuple[str, str], int]
    pool: object  # customer_rows.LinePool
    share: float
    calendar: object = None

    def __post_init__(self):
        self.calendar = calendar_for(self.line)


class TicketMaker:
    def __init__(self, *, rng: random.Random, ids: Ids, now: dt.datetime, lines: list[LineSetup]):
        self.rng, self.ids, self.now, self.lines = rng, ids, now, lines
        self.tz = timezone.get_default_timezone()
        self._seg: dict[str, str] = {}
        with translation.override(settings.LANGUAGE_CODE):
            self.status_label = {s.value: str(s.label) for s in Status}
        self.cum = {}
        for setup in lines:
            ind = setup.industry
            types = {t: w for t, w in TYPE_WEIGHTS[ind].items() if t in setup.line.ticket_types}
            self.cum[ind] = {
                "type": _cum(types),
                "channel": _cum(CHANNELS[ind]),
                "hour": _cum(dict(enumerate(HOURLY[ind]))),
                "routing": {t: _cum(r) for t, r in ROUTING[ind].items()},
            }
        self.priority_cum = {k: _cum(v) for k, v in PRIORITY.items()}
        self.stuck_share = 0.004

    def set_total(self, total: int) -> None:
        """A small build leaves more tickets open, so that every agent has some work to show."""
        agents = sum(len(s.agents) for setup in self.lines for s in setup.staff.values())
        self.stuck_share = min(0.3, max(0.004, 4 * agents / total))

    def pick(self, table: tuple[list, list]):
        values, cum = table
        return values[bisect(cum, self.rng.random() * cum[-1])]

    def segment(self, text: str) -> str:
        seg = self._seg.get(text)
        if seg is None:
            seg = self._seg[text] = search.segment(text)
        return seg

    # -- volume ----------------------------------------------------------------------------

    def plan(self, total: int) -> list[list[int]]:
        """Tickets per day per line (exact total, largest remainder), oldest day first."""
        today = timezone.localtime(self.now, self.tz).date()
        first = today - dt.timedelta(days=DAYS - 1)
        per_line = _split(total, [s.share for s in self.lines])
        plan = [[0] * len(self.lines) for _ in range(DAYS)]
        for li, setup in enumerate(self.lines):
            weights = []
            for d in range(DAYS):
                day = first + dt.timedelta(days=d)
                growth = 0.8 + 0.4 * d / DAYS
                noise = 0.85 + 0.3 * self.rng.random()
                w = WEEKDAY[setup.industry][day.weekday()] * growth * noise
                weights.append(w * (self._elapsed_share() if d == DAYS - 1 else 1.0))
            for d, n in enumerate(_split(per_line[li], weights)):
                plan[d][li] = n
        self.first_day = first
        return plan

    def _elapsed_share(self) -> float:
        local = timezone.localtime(self.now, self.tz)
        return (local.hour * 3600 + local.minute * 60 + local.second) / 86400

    # -- one day ---------------------------------------------------------------------------

    def day(self, d: int, counts: list[int]):
        """Yield (ticket, messages, events) for day ``d`` in time order."""
        day = self.first_day + dt.timedelta(days=d)
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
        is_today = d == DAYS - 1
        span = (self.now - midnight).total_seconds() if is_today else 86400.0
        stamps = []
        for li, n in enumerate(counts):
            hours = self.cum[self.lines[li].industry]["hour"]
            for _ in range(n):
                secs = self.pick(hours) * 3600 + self.rng.random() * 3600
                if is_today:
                    secs = secs * span / 86400
                stamps.append((secs, li))
        stamps.sort()
        for secs, li in stamps:
            created = midnight + dt.timedelta(seconds=secs)
            yield self.ticket(self.lines[li], created.astimezone(dt.UTC), day)

    def ticket(self, setup: LineSetup, created: dt.datetime, local_day: dt.date):
        rng, now, ind = self.rng, self.now, setup.industry
        cum = self.cum[ind]
        type_ = self.pick(cum["type"])
        team = setup.teams[self.pick(cum["routing"][type_])]
        channel = self.pick(cum["channel"])
        priority = self.pick(self.priority_cum.get(type_, self.priority_cum["default"]))
        title, category, descriptions = rng.choice(texts.BANKS[ind][type_])
        description = rng.choice(descriptions) + rng.choice(texts.CLOSERS)
        pool = setup.pool
        # a few loyal customers call often: skew the pick towards the start of the pool
        ci = int(len(pool.customer_ids) * rng.random() ** 1.5)
        customer_id, asset_id = pool.customer_ids[ci], pool.asset_ids[ci] or None
        staff = setup.staff[team.pk]
        assignee = rng.choice(
            staff.agents if rng.random() < 0.9 or not staff.lead else [staff.lead]
        )
        front = setup.teams[FRONT_TEAM[ind]]
        if channel in ("phone", "visit") and front.pk != team.pk and rng.random() < 0.35:
            first_owner = rng.choice(setup.staff[front.pk].agents)
        else:
            first_owner = assignee if rng.random() < 0.8 else rng.choice(staff.agents)
        due = compute_due(setup.line, priority, created, setup.calendar)
        hours = max((due - created).total_seconds() / 3600, 1.0)
        pk = self.ids.take(Ticket)
        t = dict(TICKET_ROW)
        t.update(
            id=pk,
            number=f"T{local_day:%y%m%d}{pk:07d}",
            business_line_id=setup.line.pk,
            department_id=team.department_id,
            team_id=team.pk,
            title=title,
            description=description,
            type=type_,
            channel=channel,
            priority=priority,
            category_id=setup.categories.get(category) if category else None,
            customer_id=customer_id,
            first_owner_id=first_owner[0],
            due_at=due,
            search_text=f"{self.segment(title)} {self.segment(description)}",
            created_at=created,
        )
        if asset_id:
            t[ASSET_FIELD[ind]] = asset_id
        tl = Timeline(self, t, created)
        tl.event(created, first_owner, TicketEvent.Kind.CREATED)
        at = created + dt.timedelta(minutes=rng.uniform(0.5, 8))
        if first_owner[0] not in {a[0] for a in staff.agents} and at < now:
            tl.event(at, first_owner, TicketEvent.Kind.TRANSFERRED, "team", front.name, team.name)
        # how long it takes: most within target, a tail beyond it (2–5 %: complaints take
        # longer); a share of the last days' tickets still open (a department clears its old
        # work: tickets stuck for months would make most of the open queue overdue)
        recent = now - created < STUCK_WINDOW
        stuck = recent and rng.random() < min(0.5, self.stuck_share * STUCK_SCALE)
        resolve_after = (
            hours * rng.lognormvariate(-1.15, 0.55) * (1.3 if type_ == "complaint" else 1)
        )
        resolve_at = created + dt.timedelta(hours=resolve_after)
        first_response = created + dt.timedelta(
            minutes=rng.uniform(0.5, 6)
            if channel in ("im", "phone", "visit")
            else rng.uniform(20, 300)
        )
        first_response = min(first_response, created + (resolve_at - created) / 2)
        # the last day's mail and web forms wait in the queue: nobody has answered them yet
        backlog = now - created < dt.timedelta(hours=30) and channel not in ("phone", "visit")
        if first_response >= now or (backlog and rng.random() < 0.5):
            t["status"] = Status.NEW
            if rng.random() < 0.5:
                t["assignee_id"] = None
            else:
                tl.assign(min(at, now - dt.timedelta(seconds=1)), assignee, staff)
            return tl.done()
        tl.assign(min(at, first_response), assignee, staff)
        tl.status(first_response, assignee, Status.NEW, Status.IN_PROGRESS)
        tl.message(
            first_response, assignee, TicketMessage.Kind.REPLY, rng.choice(texts.FIRST_REPLIES[ind])
        )
        t["first_response_at"] = first_response
        if rng.random() < 0.45:
            note_at = first_response + (resolve_at - first_response) * rng.uniform(0.1, 0.6)
            if note_at < now:
                tl.message(note_at, assignee, TicketMessage.Kind.NOTE, rng.choice(texts.NOTES[ind]))
        waiting = rng.random() < 0.18
        if waiting:
            wait_at = first_response + (resolve_at - first_response) * rng.uniform(0.3, 0.7)
            if wait_at < now:
                tl.status(wait_at, assignee, Status.IN_PROGRESS, Status.PENDING)
                tl.message(
                    wait_at, assignee, TicketMessage.Kind.REPLY, rng.choice(texts.PENDING_REPLIES)
                )
                back_at = wait_at + (resolve_at - wait_at) * rng.uniform(0.4, 0.9)
                if back_at < now and not stuck:
                    tl.status(back_at, assignee, Status.PENDING, Status.IN_PROGRESS)
        if stuck or resolve_at >= now:
            return tl.done()
        tl.status(resolve_at, assignee, t["status"], Status.RESOLVED)
        tl.message(
            resolve_at,
            assignee,
            TicketMessage.Kind.REPLY,
            rng.choice(texts.RESOLUTION_REPLIES[ind]),
        )
        t["resolved_at"] = resolve_at
        days = rng.uniform(0.2, 1.5) if type_ in ("praise", "suggestion") else rng.uniform(1, 7)
        close_at = resolve_at + dt.timedelta(days=days)
        if close_at < now:
            closer = staff.lead if staff.lead and rng.random() < 0.3 else assignee
            tl.status(close_at, closer, Status.RESOLVED, Status.CLOSED)
            t["closed_at"] = close_at
        return tl.done()


class Timeline:
    """Collects a ticket's events and messages and keeps its status fields in step."""

    def __init__(self, maker: TicketMaker, ticket: dict, created: dt.datetime):
        self.maker, self.t = maker, ticket
        self.events: list[dict] = []
        self.messages: list[dict] = []
        self.last = created
        ticket["status"] = Status.NEW

    def event(self, at, actor, kind, field_="", before="", after="", message_id=None):
        self.events.append(
            {
                "ticket_id": self.t["id"],
                "created_at": at,
                "actor_id": actor[0],
                "kind": kind,
                "field": field_,
                "before": before,
                "after": after,
                "message_id": message_id,
            }
        )
        self.last = max(self.last, at)

    def assign(self, at, assignee, staff: Staff):
        self.t["assignee_id"] = assignee[0]
        by = staff.lead if staff.lead else assignee
        self.event(at, by, TicketEvent.Kind.ASSIGNED, "assignee", "", assignee[1])

    def status(self, at, actor, before: str, after: str):
        self.t["status"] = after
        labels = self.maker.status_label
        self.event(at, actor, TicketEvent.Kind.STATUS, "status", labels[before], labels[after])

    def message(self, at, author, kind: str, body: str):
        pk = self.maker.ids.take(TicketMessage)
        self.messages.append(
            {
                "id": pk,
                "ticket_id": self.t["id"],
                "kind": kind,
                "author_id": author[0],
                "body": body,
                "created_at": at,
                "updated_at": at,
            }
        )
        event_kind = (
            TicketEvent.Kind.REPLY if kind == TicketMessage.Kind.REPLY else TicketEvent.Kind.NOTE
        )
        self.event(at, author, event_kind, message_id=pk)

    def done(self):
        self.t["updated_at"] = self.last
        return self.t, self.messages, self.events


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` with whole numbers (largest remainder)."""
    s = sum(weights) or 1.0
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


class Writer:
    """Inserts batches of ticket, message and event rows (dicts) with their full-text rows.

    Raw ``executemany`` rather than ``bulk_create``: building model instances and preparing
    every field took about 70% of a build's time (profile of 20,000 tickets)."""

    def __init__(self):
        self.tickets = RawInsert(Ticket, list(TICKET_ROW))
        self.messages = RawInsert(TicketMessage, list(MESSAGE_ROW))
        self.events = RawInsert(TicketEvent, list(EVENT_ROW))

    def __call__(self, tickets: list[dict], messages: list[dict], events: list[dict]) -> None:
        with transaction.atomic():
            self.tickets(tickets)
            self.messages(messages)
            self.events(events)
            search.index_rows(Ticket, [(t["id"], t["search_text"]) for t in tickets])


def build_tickets(*, maker: TicketMaker, total: int, bar=None) -> int:
    """Generate and insert ``total`` tickets; memory holds one batch at a time."""
    tickets: list = []
    messages: list = []
    events: list = []
    maker.set_total(total)
    write_batch = Writer()
    plan = maker.plan(total)
    for d, counts in enumerate(plan):
        for t, msgs, evs in maker.day(d, counts):
            tickets.append(t)
            messages.extend(msgs)
            events.extend(evs)
            if len(tickets) >= BATCH:
                write_batch(tickets, messages, events)
                if bar is not None:
                    bar.update(len(tickets))
                tickets, messages, events = [], [], []
    if tickets:
        write_batch(tickets, messages, events)
        if bar is not None:
            bar.update(len(tickets))
    return total
