"""The ticket-list filters shared by the list page, saved views and ``GET /api/v1/tickets``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.core.inputs import date_in_range, date_range_message
from kefu.tickets.models import OPEN_STATUSES, Channel, Priority, Status, TicketType

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
ORDERINGS = ("-created_at", "created_at", "due_at", "-due_at", "-updated_at", "updated_at")
DEFAULT_ORDERING = "-created_at"
OPEN = "open"
ME, NONE = "me", "none"
MAX_Q = 100
MAX_ID = 2**63 - 1
_TZ_LOST_PLUS = re.compile(r"^(.*T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")

LIST_FIELDS = {
    "status": Status.values,
    "type": TicketType.values,
    "priority": Priority.values,
    "channel": Channel.values,
}
ID_FIELDS = ("team", "customer")
DATE_FIELDS = ("created_after", "created_before", "updated_after", "updated_before")


def _parse_list(name: str, raw: str, allowed: list[str]) -> list[str] | None:
    values: list[str] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if name == "status" and part == OPEN:
            values.extend(s for s in OPEN_STATUSES if s not in values)
            continue
        if part not in allowed:
            raise ValueError(
                _("Unknown value “%(value)s”; choose from %(choices)s.")
                % {"value": part, "choices": ", ".join(allowed)}
            )
        if part not in values:
            values.append(part)
    return values or None


def _parse_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise ValueError(_("Enter a positive whole number."))
    return int(raw)


def parse_moment(raw: str) -> dt.datetime:
    """An aware datetime from ISO 8601; a date alone means 00:00 Asia/Shanghai."""
    raw = raw.strip()
    # "+08:00" arrives as " 08:00" when the client did not URL-encode the plus sign
    raw = _TZ_LOST_PLUS.sub(r"\1+\2", raw)
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            moment = dt.datetime.combine(day, dt.time.min)
        else:
            moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            _("Enter a date (2026-11-23) or a date and time (2026-11-23T09:30:00+08:00).")
        ) from None
    if not date_in_range(moment):  # 0001-01-01 in Shanghai is before the first UTC moment
        raise ValueError(date_range_message())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment


@dataclass
class TicketFilters:
    status: list[str] | None = None
    type: list[str] | None = None
    priority: list[str] | None = None
    channel: list[str] | None = None
    team: int | None = None
    assignee: int | str | None = None
    customer: int | None = None
    # a customer's name or phone digits (the list page's text box; non-numeric text in the API)
    customer_q: str = ""
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    q: str = ""
    ordering: str = DEFAULT_ORDERING
    # names of the filters that narrow the list (everything but q-less defaults and ordering)
    active: list[str] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def parse(cls, params: Mapping[str, str], *, customer_text: bool = False) -> TicketFilters:
        """Validated filters from query parameters; Invalid(fields={name: message}) otherwise.

        Empty values count as absent, so a submitted form with blank fields filters nothing.
        ``customer`` is a customer id, or (``customer_text``, the list page; or any value that
        is not a number) a customer's name or phone digits.
        """
        out = cls()
        errors: dict[str, str] = {}

        def raw(name: str) -> str:
            value = params.get(name)
            return value.strip().replace("\x00", "") if isinstance(value, str) else ""

        for name, allowed in LIST_FIELDS.items():
            if raw(name):
                try:
                    setattr(out, name, _parse_list(name, raw(name), allowed))
                except ValueError as exc:
                    errors[name] = str(exc)
        customer = raw("customer")
        number = customer.removeprefix("-")  # "-1" is a bad id, not a name
        if customer and (customer_text or not (number.isascii() and number.isdigit())):
            out.customer_q = customer
            if len(customer) > MAX_Q:
                errors["customer"] = _("Use at most %(n)d characters.") % {"n": MAX_Q}
            customer = ""
        for name in ID_FIELDS:
            if name == "customer" and not customer:
                continue
            if raw(name):
                try:
                    setattr(out, name, _parse_id(raw(name)))
                except ValueError as exc:
                    errors[name] = str(exc)
        assignee = raw("assignee")
        if assignee in (ME, NONE):
            out.assignee = assignee
        elif assignee:
            try:
                out.assignee = _parse_id(assignee)
            except ValueError:
                errors["assignee"] = _("Enter a user id, “me” or “none”.")
        for name in DATE_FIELDS:
            if raw(name):
                try:
                    setattr(out, name, parse_moment(raw(name)))
                except ValueError as exc:
                    errors[name] = str(exc)
        out.q = raw("q")
        if len(out.q) > MAX_Q:
            errors["q"] = _("Use at most %(n)d characters.") % {"n": MAX_Q}
        ordering = raw("ordering")
        if ordering:
            if ordering in ORDERINGS:
                out.ordering = ordering
            else:
                errors["ordering"] = _("Unknown ordering; choose from %(choices)s.") % {
                    "choices": ", ".join(ORDERINGS)
                }
        if errors:
            raise Invalid(_("Some filters are not valid."), fields=errors)
        out.active = [
            name
            for name in (*LIST_FIELDS, *ID_FIELDS, "assignee", *DATE_FIELDS, "q")
            if getattr(out, name) not in (None, "") or (name == "customer" and out.customer_q)
        ]
        return out
