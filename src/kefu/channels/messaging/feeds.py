"""Complaint feeds (CMP-6): the complaints the 96860 platform forwards, a 12345-style hotline's
transfer sheet and the visit log (complaints made in person) are read daily — the source's
export file (CSV or .xlsx) through ``kefu channels import-feed --source`` or the messaging page,
or one by one through the signed webhook (``POST /api/v1/channels/feed/inbound``). Each
complaint is stored once per (source, complaint id); the first time it opens a complaint ticket
in the responsible station's team (or the responsible department's first team) and notifies
its heads at once: the station's leads, else the department's supervisors, else the line's
supervisors and managers.

The file: one complaint a row under a header row; Chinese or English headers (``COLUMNS``).
Required: the complaint id, the phone and the complaint; optional: time, name, address, the
station (a team of the line, by name) and the responsible department (by name). CSV in UTF-8
(with or without BOM) or GB18030/GBK.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, Department, Role, Team, User
from kefu.channels.messaging.models import FeedSource, PlatformComplaint
from kefu.core import audit
from kefu.core.errors import Invalid
from kefu.core.masking import normalize_phone
from kefu.customers.services import customer_create, existing_by_phone
from kefu.tickets import services as tickets
from kefu.tickets.models_sla import Notification
from kefu.tickets.notify import notify

#: header (Chinese or English, case-insensitive) → field
COLUMNS = {
    "投诉编号": "id",
    "工单编号": "id",
    "id": "id",
    "complaint_id": "id",
    "投诉时间": "at",
    "at": "at",
    "time": "at",
    "投诉人": "name",
    "姓名": "name",
    "name": "name",
    "联系电话": "phone",
    "电话": "phone",
    "phone": "phone",
    "地址": "address",
    "address": "address",
    "责任站点": "station",
    "站点": "station",
    "station": "station",
    "责任部门": "department",
    "部门": "department",
    "department": "department",
    "投诉内容": "text",
    "内容": "text",
    "text": "text",
}
REQUIRED = ("id", "phone", "text")
SOURCES = tuple(FeedSource.values)
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_TEXT = 5000
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


@dataclass
class FeedResult:
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }


def _cells(rows) -> list[dict]:
    """Header row + data rows → dicts keyed by field; an unusable header is Invalid."""
    rows = [list(r) for r in rows if r and any(str(c or "").strip() for c in r)]
    if not rows:
        raise Invalid(_("The file has no rows."), fields={"file": _("Empty.")})
    header = [COLUMNS.get(str(c or "").strip().lower(), "") for c in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise Invalid(
            _("The file's header lacks the columns %(c)s (see docs/messaging.md).")
            % {"c": ", ".join(missing)},
            fields={"file": _("Missing columns.")},
        )
    if len(rows) - 1 > MAX_ROWS:
        raise Invalid(
            _("At most %(n)d complaints a file.") % {"n": MAX_ROWS},
            fields={"file": _("Too many rows.")},
        )
    return [
        {name: cell for name, cell in zip(header, row, strict=False) if name} for row in rows[1:]
    ]


def parse_file(data: bytes, filename: str) -> list[dict]:
    """The rows of a feed file (.csv or .xlsx, by name or content)."""
    if not data:
        raise Invalid(_("The file is empty."), fields={"file": _("Empty.")})
    if len(data) > MAX_BYTES:
        raise Invalid(_("The file is too large."), fields={"file": _("Too large.")})
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            return _cells(sheet.iter_rows(values_only=True))
        except Invalid:
            raise
        except Exception:  # not a workbook after all
            raise Invalid(_("The file is not a readable .xlsx workbook."), fields={"file": "xlsx"})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - GB18030 decodes every byte sequence it is given in practice
        raise Invalid(_("The file's characters cannot be read."), fields={"file": "encoding"})
    return _cells(csv.reader(io.StringIO(text)))


def _when(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        raw = str(value or "").strip()
        if not raw:
            return None
        moment = None
        for fmt in TIME_FORMATS:
            try:
                moment = dt.datetime.strptime(raw, fmt)  # noqa: DTZ007 (made aware below)
                break
            except ValueError:
                continue
        if moment is None:
            try:
                moment = dt.datetime.fromisoformat(raw)
            except ValueError:
                raise Invalid(
                    _("Some fields are not valid."),
                    fields={"at": _("Enter a time such as 2026-12-06 09:30.")},
                )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise Invalid(_("Some fields are not valid."), fields={"at": _("In the future.")})
    return moment


def _text(value, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def station_heads(
    line: BusinessLine, team: Team | None, department: Department | None = None
) -> list[User]:
    """Who answers for a complaint at once: the station's (team's) leads, else the responsible
    department's supervisors (the team's department when none is named), else the line's
    supervisors and managers."""
    if team is not None:
        leads = list(User.objects.filter(team=team, role=Role.LEAD, is_active=True))
        if leads:
            return leads
        department = department or team.department
    if department is not None:
        heads = list(
            User.objects.filter(department=department, role=Role.SUPERVISOR, is_active=True)
        )
        if heads:
            return heads
    return list(
        User.objects.filter(
            business_line=line, role__in=(Role.SUPERVISOR, Role.MANAGER), is_active=True
        ).exclude(username__startswith="channel-")  # the line's channel account is no one
    )


@transaction.atomic
def receive(
    *, line: BusinessLine, source: str, row: dict, via: str
) -> tuple[PlatformComplaint, bool]:
    """Store one fed complaint once and open its complaint ticket; (the row, created). A
    complaint id seen before from the same source is (the first row, False) and changes
    nothing."""
    from kefu.channels.messaging.services import channel_actor

    check_source(source)
    complaint_id = _text(row.get("id"), 60)
    phone = normalize_phone(str(row.get("phone") or ""))
    text = _text(row.get("text"), MAX_TEXT)
    errors = {}
    if not complaint_id:
        errors["id"] = _("Required.")
    if not 5 <= len(phone) <= 20:
        errors["phone"] = _("Enter a phone number of 5 to 20 digits.")
    if not text:
        errors["text"] = _("Required.")
    station_name = _text(row.get("station"), 100)
    team = None
    if station_name:
        team = Team.objects.filter(business_line=line, name=station_name).first()
        if team is None:
            errors["station"] = _("No team “%(name)s” in this business line.") % {
                "name": station_name
            }
    department_name = _text(row.get("department"), 100)
    department = None
    if department_name:
        department = Department.objects.filter(
            business_line=line, name=department_name, is_active=True
        ).first()
        if department is None:
            errors["department"] = _("No department “%(name)s” in this business line.") % {
                "name": department_name
            }
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    if team is None and department is not None:  # the department's desk takes it
        team = department.teams.filter(is_active=True).order_by("id").first()
    complained_at = _when(row.get("at"))
    existing = PlatformComplaint.objects.filter(source=source, complaint_id=complaint_id).first()
    if existing is not None:
        return existing, False
    name = _text(row.get("name"), 50)
    complaint = PlatformComplaint(
        business_line=line,
        source=source,
        complaint_id=complaint_id,
        via=via,
        complained_at=complained_at,
        name=name,
        phone=phone,
        address=_text(row.get("address"), 200),
        station=team,
        department=department or (team.department if team else None),
        text=text,
    )
    try:
        with transaction.atomic():
            complaint.save(force_insert=True)
    except IntegrityError:  # the same complaint by file and webhook at once: one wins
        return PlatformComplaint.objects.get(source=source, complaint_id=complaint_id), False
    actor = channel_actor(line)
    customer = existing_by_phone(business_line_id=line.pk, phone=phone) or customer_create(
        actor=actor, business_line=line, name=name or phone, phone=phone
    )
    with translation.override("zh-hans"):
        label = str(FeedSource(source).label)
        description = _("%(source)s complaint %(id)s (%(at)s)\nAddress: %(address)s\n%(text)s") % {
            "source": label,
            "id": complaint_id,
            "at": timezone.localtime(complained_at).strftime("%Y-%m-%d %H:%M")
            if complained_at
            else "-",
            "address": complaint.address or "-",
            "text": text,
        }
        ticket = tickets.ticket_create(
            actor=actor,
            title=f"【{source if source.isdigit() else label}】{' '.join(text.split())[:36]}",
            description=description,
            type="complaint",
            channel="api",
            customer=customer,
            team=team,
        )
        heads = station_heads(line, team or ticket.team, complaint.department)
        message = _(
            "%(source)s complaint %(number)s for you to handle: %(text)s — "
            "handle it now, go to the customer in person if needed."
        ) % {"source": label, "number": ticket.number, "text": text[:80]}
        notify(heads, kind=Notification.Kind.TASK, ticket=ticket, text=message[:300])
    complaint.ticket = ticket
    complaint.notified = [u.pk for u in heads]
    complaint.save(update_fields=["ticket", "notified"])
    audit.record(
        actor=None,
        action="message.platform_complaint",
        obj=complaint,
        business_line_id=line.pk,
        changes={"source": source, "id": complaint_id, "via": via, "ticket": ticket.pk},
    )
    return complaint, True


def import_rows(*, line: BusinessLine, source: str, rows: list[dict]) -> FeedResult:
    """Import a feed's rows, each in its own transaction: a bad row is reported with its line
    number (the header is line 1) and the others still go in; a re-run creates nothing."""
    result = FeedResult(rows=len(rows))
    for number, row in enumerate(rows, start=2):
        try:
            _row, created = receive(line=line, source=source, row=row, via="file")
        except Invalid as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            result.errors.append({"row": number, "message": details or str(exc.message)})
            continue
        if created:
            result.created += 1
        else:
            result.duplicates += 1
    return result


def import_upload(*, actor, line: BusinessLine, source: str, data: bytes, filename: str):
    """The messaging page's upload (supervisors and above of the line): parse, import, audit
    the import with its counts."""
    from kefu.core import scope
    from kefu.core.errors import PermissionDenied

    if not scope.at_least(actor, "supervisor"):
        raise PermissionDenied()
    check_source(source)
    result = import_rows(line=line, source=source, rows=parse_file(data, filename))
    audit.record(
        actor=actor,
        action="message.platform_feed_import",
        business_line_id=line.pk,
        changes={
            "source": source,
            "file": filename[:100],
            "created": result.created,
            "duplicates": result.duplicates,
            "errors": len(result.errors),
        },
    )
    return result


def check_source(source: str) -> None:
    if source not in SOURCES:
        raise Invalid(
            _("Unknown complaint source."),
            fields={"source": _("Choose from %(c)s.") % {"c": ", ".join(SOURCES)}},
        )


def complaints_for(user, source: str = ""):
    """The fed complaints of the user's line (every line for administrators), of one source
    when ``source`` is given (an unknown one is Invalid)."""
    from kefu.core import scope

    qs = PlatformComplaint.objects.select_related("ticket", "station", "department")
    if not scope.is_admin(user):
        qs = qs.filter(business_line_id=user.business_line_id or -1)
    if source:
        check_source(source)
        qs = qs.filter(source=source)
    return qs
