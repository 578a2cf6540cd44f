"""Bulk actions on the ticket list: assign, transfer, change the status, export the selection.

Each ticket goes through ``services.ticket_update`` on its own (state machine, complaint rules,
version check, audit), inside its own transaction: one ticket that cannot change is reported
with its reason and never stops or undoes the others. The caller gets every ticket's outcome.
A whole request that cannot be understood (unknown action, no or too many tickets, a target the
actor may not use) raises ``Invalid`` before anything is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook

from kefu.accounts.models import Team, User
from kefu.core import audit, scope
from kefu.core.errors import DomainError, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.core.xlsx import safe_cell
from kefu.customers.selectors import shown_phone
from kefu.tickets import services
from kefu.tickets.models import Status, Ticket
from kefu.tickets.selectors import ticket_qs_for, ticket_rows_for

MAX_ITEMS = 100
SHOWN_SKIPS = 10  # the message names the first ten skipped tickets; the audit record all
UPDATES = ("assign", "transfer", "status")
DISPATCH = ("assign", "transfer")


def may_dispatch(user) -> bool:
    """Assigning and transferring many tickets at once is a team lead's job and up's."""
    return scope.at_least(user, scope.LEAD)


def assignees_for(user) -> QuerySet[User]:
    """Active agents and leads of the teams ``user`` oversees (a lead's team, a supervisor's
    department, a manager's business line, every team for an admin)."""
    teams = Team.objects.filter(scope.records_q(user, team="id"), is_active=True)
    return (
        User.objects.filter(team__in=teams, is_active=True, role__in=services.ASSIGNABLE_ROLES)
        .select_related("team")
        .order_by("team_id", "display_name", "username")
    )


def teams_for(user) -> QuerySet[Team]:
    """The active teams of ``user``'s business line (all for an admin): where tickets may go
    (never a practice team: only the live drill puts tickets there)."""
    return (
        Team.objects.filter(scope.business_line_q(user), is_active=True, is_practice=False)
        .select_related("business_line")
        .order_by("business_line_id", "id")
    )


@dataclass
class Skipped:
    ticket_id: int
    number: str
    reason: str


@dataclass
class BulkResult:
    action: str
    updated: list[Ticket] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """ "8 tickets updated, 2 skipped: T… reason; T… reason." in the user's language."""
        updated = ngettext("%(n)d ticket updated", "%(n)d tickets updated", len(self.updated)) % {
            "n": len(self.updated)
        }
        if not self.skipped:
            return _("%(updated)s.") % {"updated": updated}
        skipped = ngettext("%(n)d skipped", "%(n)d skipped", len(self.skipped)) % {
            "n": len(self.skipped)
        }
        reasons = [f"{s.number} {s.reason}" for s in self.skipped[:SHOWN_SKIPS]]
        more = len(self.skipped) - SHOWN_SKIPS
        if more > 0:
            reasons.append(ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more})
        return _("%(updated)s, %(skipped)s: %(reasons)s.") % {
            "updated": updated,
            "skipped": skipped,
            "reasons": pgettext("between the reasons of skipped tickets", "; ").join(reasons),
        }


def parse_selection(values: list[str]) -> list[tuple[int, int | None]]:
    """[(ticket id, version seen)] from the list's checkboxes ("id:version" or "id"), in order,
    without repeats; Invalid for anything else, for none and for more than MAX_ITEMS."""
    items: dict[int, int | None] = {}
    for raw in values:
        pk_text, _sep, version_text = str(raw).strip().partition(":")
        if not _number(pk_text) or (version_text and not _number(version_text)):
            raise Invalid(
                _("The selection is not valid. Reload the list and select again."),
                fields={"tickets": _("Not a ticket of the list.")},
            )
        items.setdefault(int(pk_text), int(version_text) if version_text else None)
    if not items:
        raise Invalid(
            _("Select at least one ticket first."), fields={"tickets": _("Nothing selected.")}
        )
    if len(items) > MAX_ITEMS:
        raise Invalid(
            _("Select at most %(n)d tickets for one action.") % {"n": MAX_ITEMS},
            fields={"tickets": _("Too many.")},
        )
    return list(items.items())


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= services.MAX_ID


def _changes(actor, action: str, value) -> dict:
    """The ticket_update changes of one bulk action, checked once for the whole batch."""
    if action not in UPDATES:
        raise Invalid(
            _("Choose an action: assign, transfer or change the status."),
            fields={"action": _("Unknown action.")},
        )
    if action in DISPATCH and not may_dispatch(actor):
        raise PermissionDenied(_("Only team leads, supervisors and managers assign in bulk."))
    raw = "" if value is None else str(value).strip()
    if action == "status":
        if raw not in Status.values:
            raise Invalid(_("Choose the status to set."), fields={"status": _("Choose a status.")})
        return {"status": raw}
    if action == "assign":
        if raw == "none":
            return {"assignee": None}
        user = assignees_for(actor).filter(pk=int(raw)).first() if _number(raw) else None
        if user is None:
            raise Invalid(
                _("Choose an agent or lead of a team you oversee."),
                fields={"assignee": _("Not a person you can assign to.")},
            )
        return {"assignee": user.pk}
    team = teams_for(actor).filter(pk=int(raw)).first() if _number(raw) else None
    if team is None:
        raise Invalid(
            _("Choose an active team of your business line."),
            fields={"team": _("Not a team you can transfer to.")},
        )
    return {"team": team.pk}


def _reason(exc: DomainError) -> str:
    if isinstance(exc, StaleWrite):
        return _("changed by someone else since you loaded the list; reload and try again")
    details = [str(v) for v in exc.fields.values() if str(v) != str(exc.message)]
    return " ".join([str(exc.message), *details]).strip()


def tickets_bulk_update(*, actor, items: list[tuple[int, int | None]], action: str, value):
    """Apply one action to each ticket of ``items`` ([(id, version seen)]) that ``actor`` may see.

    The target is validated first (Invalid / PermissionDenied: nothing is written). Then each
    ticket is updated through ``services.ticket_update`` in its own transaction with the version
    the actor saw (or the current one when none was sent); a ticket out of scope, stale, or
    refused by the workflow is skipped with its reason. One audit record sums the batch up.
    """
    if not items:
        raise Invalid(_("Select at least one ticket first."))
    if len(items) > MAX_ITEMS:
        raise Invalid(_("Select at most %(n)d tickets for one action.") % {"n": MAX_ITEMS})
    changes = _changes(actor, action, value)
    related = ("team", "department", "assignee", "first_owner", "customer", "business_line")
    found = ticket_qs_for(actor).select_related(*related).in_bulk([pk for pk, _v in items])
    result = BulkResult(action=action)
    for pk, seen in items:
        ticket = found.get(pk)
        if ticket is None:
            result.skipped.append(Skipped(pk, f"#{pk}", _("not found, or not in your scope")))
            continue
        try:
            services.ticket_update(
                actor=actor,
                ticket=ticket,
                version=ticket.version if seen is None else seen,
                changes=changes,
            )
        except DomainError as exc:
            result.skipped.append(Skipped(pk, ticket.number, _reason(exc)))
        else:
            result.updated.append(ticket)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="ticket.bulk_update",
            changes={
                "action": action,
                "changes": changes,
                "updated": [t.pk for t in result.updated],
                "skipped": {str(s.ticket_id): s.reason for s in result.skipped},
            },
            business_line_id=getattr(actor, "business_line_id", None),
        )
    return result


# -- the API's bulk update ---------------------------------------------------------------------

API_FIELDS = ("status", "priority", "team", "assignee")


@dataclass
class ItemResult:
    id: int
    ok: bool
    status_code: int
    error: dict | None = None
    ticket: Ticket | None = None


def tickets_bulk_apply(*, actor, items: list[dict]) -> list[ItemResult]:
    """``POST /api/v1/tickets/bulk``: each item ``{id, version?, status?, priority?, team?,
    assignee?}`` is one ``services.ticket_update`` in its own transaction (state machine,
    complaint rules, version check, audit), exactly as a PATCH of that ticket; one that fails
    reports the status and error a PATCH would have had and never stops the others. More than
    ``MAX_ITEMS`` items, none, or an id twice is ``Invalid`` before anything is written."""
    if not items:
        raise Invalid(_("Send at least one ticket."), fields={"items": _("Nothing to update.")})
    if len(items) > MAX_ITEMS:
        raise Invalid(
            _("Send at most %(n)d tickets in one bulk update.") % {"n": MAX_ITEMS},
            fields={"items": _("At most %(n)d items.") % {"n": MAX_ITEMS}},
        )
    ids = [item["id"] for item in items]
    if len(set(ids)) != len(ids):
        raise Invalid(
            _("Each ticket may appear once in a bulk update."),
            fields={"items": _("An id appears twice.")},
        )
    related = ("team", "department", "assignee", "first_owner", "customer", "business_line")
    found = ticket_qs_for(actor).select_related(*related).in_bulk(ids)
    results: list[ItemResult] = []
    for item in items:
        ticket = found.get(item["id"])
        if ticket is None:
            error = NotFound().as_dict()["error"]
            results.append(ItemResult(item["id"], False, NotFound.status, error))
            continue
        changes = {name: item[name] for name in API_FIELDS if name in item}
        version = item.get("version")
        try:
            services.ticket_update(
                actor=actor,
                ticket=ticket,
                version=ticket.version if version is None else version,
                changes=changes,
            )
        except DomainError as exc:
            results.append(ItemResult(item["id"], False, exc.status, exc.as_dict()["error"]))
        else:
            results.append(ItemResult(item["id"], True, 200))
    rows = ticket_rows_for(user=actor, pks=[r.id for r in results if r.ok])
    for result in results:
        result.ticket = rows.get(result.id)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="ticket.bulk_update",
            changes={
                "api": True,
                "updated": [r.id for r in results if r.ok],
                "failed": {str(r.id): r.error["code"] for r in results if not r.ok},
            },
            business_line_id=getattr(actor, "business_line_id", None),
        )
    return results


# -- export ----------------------------------------------------------------------------------


def _cell(value) -> str:
    """Every cell is text; text a spreadsheet would run as a formula starts with a quote."""
    return safe_cell("" if value is None else str(value))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def tickets_export_xlsx(*, actor, items: list[tuple[int, int | None]]) -> tuple[bytes, int]:
    """The selected tickets that ``actor`` may see as an .xlsx workbook (phones masked as on the
    pages), in the order selected; returns (file, rows). The export is audited."""
    if not items:
        raise Invalid(_("Select at least one ticket first."))
    if len(items) > MAX_ITEMS:
        raise Invalid(_("Select at most %(n)d tickets for one action.") % {"n": MAX_ITEMS})
    ids = [pk for pk, _v in items]
    found = ticket_qs_for(actor).select_related("team", "assignee", "customer").in_bulk(ids)
    tickets = [found[pk] for pk in ids if pk in found]
    headers = [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Type"),
        _("Priority"),
        _("Channel"),
        _("Customer"),
        _("Phone"),
        _("Team"),
        _("Assignee"),
        _("Due"),
        _("Created"),
    ]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Tickets")[:31])
    sheet.append(headers)
    for t in tickets:
        sheet.append(
            [
                _cell(v)
                for v in (
                    t.number,
                    t.title,
                    t.get_status_display(),
                    t.get_type_display(),
                    t.get_priority_display(),
                    t.get_channel_display(),
                    t.customer.name,
                    shown_phone(actor, t.customer.phone),
                    t.team.name,
                    t.assignee.name if t.assignee else "",
                    _local(t.due_at),
                    _local(t.created_at),
                )
            ]
        )
    out = io.BytesIO()
    book.save(out)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="ticket.export",
            changes={"tickets": [t.pk for t in tickets]},
            business_line_id=getattr(actor, "business_line_id", None),
        )
    return out.getvalue(), len(tickets)
