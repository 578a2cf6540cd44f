"""Every write of the shift's logs: write and correct an entry, sign it off, add an addendum,
export. Each validates, runs in a transaction and leaves an audit record (core.audit).

The rules (SR-3, LOG-6):

* an entry belongs to one team, one day and one shift; the handover book has one page per team
  and shift; no entry is written for a day that has not come yet;
* agents and leads write the handover book and patrol reports; the management log is written
  by leads and above; a patrol report names the area patrolled;
* the supervisor (and above) reviews the day's entries, classifies each and signs it off; nobody
  signs their own entry;
* a signed entry is never changed again: a correction is an addendum, appended and audited.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Team, User
from kefu.core import audit, scope, search
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.shiftlogs.models import (
    Category,
    EntryStatus,
    LogKind,
    Shift,
    ShiftLogAddendum,
    ShiftLogEntry,
)

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_AREA = 100
EDITABLE = ("shift_date", "shift", "title", "body", "open_items", "area", "handed_to")


def may_sign(user) -> bool:
    """Supervisors, managers and administrators sign the shift's logs off (SR-3)."""
    return scope.at_least(user, scope.SUPERVISOR)


def may_write(user, kind: str) -> bool:
    if kind == LogKind.MANAGEMENT:
        return scope.at_least(user, scope.LEAD)
    return scope.at_least(user, scope.AGENT)


def writable_teams(user):
    """The teams ``user`` may write an entry for: their own, or any of their scope."""
    teams = Team.objects.filter(is_active=True)
    if user.team_id and not scope.at_least(user, scope.SUPERVISOR):
        return teams.filter(pk=user.team_id)
    return teams.filter(scope.records_q(user, team="pk")).order_by("name")


def _text(name: str, value, *, required: bool, limit: int, errors: dict) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        errors[name] = _("Enter text.")
        return ""
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return value


def _clean(actor, *, kind, shift_date, shift, title, body, open_items, area, handed_to, team):
    errors: dict = {}
    if kind not in LogKind.values:
        errors["kind"] = _("Choose a log.")
    if shift not in Shift.values:
        errors["shift"] = _("Choose a shift.")
    if not isinstance(shift_date, dt.date):
        errors["shift_date"] = _("Enter a date such as 2026-11-30.")
    elif shift_date > timezone.localdate():
        errors["shift_date"] = _("A shift that has not come yet has no log.")
    data = {
        "title": _text("title", title, required=True, limit=MAX_TITLE, errors=errors),
        "body": _text("body", body, required=True, limit=MAX_TEXT, errors=errors),
        "open_items": _text(
            "open_items", open_items, required=False, limit=MAX_TEXT, errors=errors
        ),
        "area": _text("area", area, required=kind == LogKind.PATROL, limit=MAX_AREA, errors=errors),
    }
    if kind == LogKind.PATROL and "area" in errors and not data["area"]:
        errors["area"] = _("A patrol report names the area patrolled.")
    receiver = None
    if handed_to not in (None, ""):
        receiver = User.objects.filter(
            pk=handed_to if isinstance(handed_to, int) else getattr(handed_to, "pk", 0),
            is_active=True,
            team=team,
        ).first()
        if receiver is None:
            errors["handed_to"] = _("Choose a colleague of the same team.")
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    return {**data, "shift_date": shift_date, "shift": shift, "handed_to": receiver}


def _team_for(actor, team) -> Team:
    if team in (None, ""):
        if not actor.team_id:
            raise Invalid(
                _("Choose the team whose shift this is."), fields={"team": _("Choose a team.")}
            )
        team = actor.team_id
    team_id = team.pk if isinstance(team, Team) else team
    found = writable_teams(actor).filter(pk=team_id).select_related("department").first()
    if found is None:
        raise Invalid(_("Choose a team of your own scope."), fields={"team": _("Unknown team.")})
    return found


def _index(entry: ShiftLogEntry, addenda: list[str] | None = None) -> None:
    if addenda is None:
        addenda = list(entry.addenda.values_list("body", flat=True))
    parts = [entry.title, entry.area, entry.body, entry.open_items, *addenda]
    entry.search_text = search.segment(" ".join(p for p in parts if p))
    ShiftLogEntry.objects.filter(pk=entry.pk).update(search_text=entry.search_text)
    search.index_rows(ShiftLogEntry, [(entry.pk, entry.search_text)])


def _handover_taken() -> Conflict:
    return Conflict(
        _("The handover book of this team already has a page for this shift; open it instead."),
        code="handover_exists",
        fields={"shift": _("Already written.")},
    )


def entry_write(
    *,
    actor,
    kind: str,
    shift_date: dt.date,
    shift: str,
    title: str,
    body: str,
    open_items: str = "",
    area: str = "",
    handed_to=None,
    team=None,
) -> ShiftLogEntry:
    """Write one entry of the shift's logs for ``team`` (the actor's own by default)."""
    if kind in LogKind.values and not may_write(actor, kind):
        raise PermissionDenied(_("The management log is written by team leads and above."))
    team = _team_for(actor, team)
    data = _clean(
        actor,
        kind=kind,
        shift_date=shift_date,
        shift=shift,
        title=title,
        body=body,
        open_items=open_items,
        area=area,
        handed_to=handed_to,
        team=team,
    )
    entry = ShiftLogEntry(
        business_line_id=team.business_line_id,
        department_id=team.department_id,
        team=team,
        kind=kind,
        author=actor,
        **data,
    )
    try:
        with transaction.atomic():
            entry.save()
            _index(entry, [])
            audit.record(
                actor=actor,
                action="shiftlog.write",
                obj=entry,
                changes={"kind": kind, "shift_date": entry.shift_date, "shift": shift},
            )
    except IntegrityError:
        if kind == LogKind.HANDOVER:
            raise _handover_taken() from None
        raise
    return entry


def entry_update(*, actor, entry: ShiftLogEntry, version: int, **fields) -> ShiftLogEntry:
    """Correct an entry awaiting sign-off (its author, or a supervisor of its scope). A signed
    entry is refused (409 ``entry_signed``): corrections to it are addenda."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Invalid(
            _("Some fields cannot be changed."), fields=dict.fromkeys(unknown, _("Unknown field."))
        )
    if entry.is_signed:
        raise _signed()
    if entry.author_id != actor.pk and not may_sign(actor):
        raise PermissionDenied(_("Only its author or a supervisor corrects an entry."))
    current = {name: getattr(entry, name) for name in EDITABLE}
    current["handed_to"] = entry.handed_to_id
    merged = {**current, **fields}
    data = _clean(
        actor,
        kind=entry.kind,
        shift_date=merged["shift_date"],
        shift=merged["shift"],
        title=merged["title"],
        body=merged["body"],
        open_items=merged["open_items"],
        area=merged["area"],
        handed_to=merged["handed_to"],
        team=entry.team,
    )
    values = {**data, "handed_to": data["handed_to"]}
    before = {**current}
    try:
        with transaction.atomic():
            done = ShiftLogEntry.objects.filter(
                pk=entry.pk, version=version, status=EntryStatus.PENDING
            ).update(**values, version=version + 1, updated_at=timezone.now())
            if not done:
                status = (
                    ShiftLogEntry.objects.filter(pk=entry.pk)
                    .values_list("status", flat=True)
                    .first()
                )
                if status == EntryStatus.SIGNED:
                    raise _signed()
                raise StaleWrite()
            entry.refresh_from_db()
            _index(entry)
            after = {name: getattr(entry, name) for name in EDITABLE}
            after["handed_to"] = entry.handed_to_id
            audit.record(
                actor=actor, action="shiftlog.update", obj=entry, changes=audit.diff(before, after)
            )
    except IntegrityError:
        raise _handover_taken() from None
    return entry


def _signed() -> Conflict:
    return Conflict(
        _("This entry is signed off and no longer changes; add an addendum instead."),
        code="entry_signed",
    )


def entry_sign(
    *, actor, entry: ShiftLogEntry, category: str, review_note: str = "", version: int | None = None
) -> ShiftLogEntry:
    """The supervisor's review: classify the entry and sign it off (once; audited)."""
    if not may_sign(actor):
        raise PermissionDenied(_("Supervisors sign the shift's logs off."))
    if entry.author_id == actor.pk:
        raise PermissionDenied(_("An entry is signed off by someone other than its author."))
    errors = {}
    if category not in Category.values:
        errors["category"] = _("Classify the entry before signing it off.")
    note = review_note.strip() if isinstance(review_note, str) else ""
    if len(note) > MAX_TEXT:
        errors["review_note"] = _("At most %(n)d characters.") % {"n": MAX_TEXT}
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    if entry.is_signed:
        raise Conflict(_("This entry is already signed off."), code="already_signed")
    now = timezone.now()
    with transaction.atomic():
        rows = ShiftLogEntry.objects.filter(pk=entry.pk, status=EntryStatus.PENDING)
        if version is not None:
            rows = rows.filter(version=version)
        done = rows.update(
            status=EntryStatus.SIGNED,
            category=category,
            review_note=note,
            signed_by=actor,
            signed_at=now,
            version=entry.version + 1 if version is None else version + 1,
            updated_at=now,
        )
        if not done:
            signed = ShiftLogEntry.objects.filter(pk=entry.pk, status=EntryStatus.SIGNED).exists()
            if signed:
                raise Conflict(_("This entry is already signed off."), code="already_signed")
            raise StaleWrite()
        entry.refresh_from_db()
        audit.record(
            actor=actor,
            action="shiftlog.sign",
            obj=entry,
            changes={"category": category, "review_note": note},
        )
    return entry


def addendum_add(*, actor, entry: ShiftLogEntry, body: str) -> ShiftLogAddendum:
    """Append a correction or a later note (its author, a lead or above of its scope)."""
    if entry.author_id != actor.pk and not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Its author, a lead or a supervisor adds an addendum."))
    errors: dict = {}
    text = _text("body", body, required=True, limit=MAX_TEXT, errors=errors)
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    with transaction.atomic():
        addendum = ShiftLogAddendum.objects.create(entry=entry, author=actor, body=text)
        _index(entry)
        audit.record(
            actor=actor,
            action="shiftlog.addendum",
            obj=entry,
            changes={"addendum": addendum.pk},
        )
    return addendum


def entries_export(*, actor, filters) -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of the entries the filters select in the actor's scope (at most
    exports.MAX_ROWS, newest first); the export is audited."""
    from kefu.shiftlogs import exports, selectors

    rows = selectors.entry_list_for(user=actor, filters=filters).order_by("-id")[: exports.MAX_ROWS]
    data = exports.entries_xlsx(filters.kind, rows.iterator(chunk_size=1000))
    audit.record(
        actor=actor,
        action="shiftlog.export",
        business_line_id=actor.business_line_id,
        changes={"kind": filters.kind, "from": filters.start, "to": filters.end, "q": filters.q},
    )
    name = exports.FILE_NAMES.get(filters.kind, "班次日志")
    suffix = f"-{filters.start or ''}-{filters.end or ''}" if filters.start or filters.end else ""
    return f"{name}{suffix}.xlsx", data
