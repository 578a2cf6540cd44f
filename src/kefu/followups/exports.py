"""The registers as .xlsx: 跟踪服务电话登记表 and 跟踪服务信函登记表.

Cells that a spreadsheet would read as a formula are written as text, and phones are masked
for users without the right to see them (customers.selectors.shown_phone).
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import safe_cell, safe_row
from kefu.customers.selectors import shown_phone

MAX_ROWS = 50000  # one export; narrow the dates for more
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


safe = safe_cell  # kept for callers; the rule lives in kefu.core.xlsx


def _book(title: str, headers: list[str], rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(safe_row([title]))
    sheet.append(safe_row(headers))
    for row in rows:
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def calls_xlsx(*, user, calls) -> bytes:
    headers = [
        _("Date and time"),
        _("Direction"),
        _("Customer"),
        _("Phone"),
        _("Ticket"),
        _("Duration (seconds)"),
        _("Result"),
        _("Agent"),
        _("Recording"),
        _("Notes"),
    ]

    def rows():
        for c in calls:
            yield [
                timezone.localtime(c.started_at).strftime("%Y-%m-%d %H:%M"),
                c.get_direction_display(),
                c.customer.name,
                shown_phone(user, c.customer.phone),
                c.ticket.number if c.ticket_id else "",
                c.duration_seconds,
                c.get_result_display(),
                c.agent.name if c.agent else "",
                c.recording_ref,
                c.notes,
            ]

    return _book(_("Follow-up call register"), headers, rows())


def letters_xlsx(*, user, letters) -> bytes:
    headers = [
        _("Sent on"),
        _("Direction"),
        _("Kind"),
        _("Channel"),
        _("Customer"),
        _("Phone"),
        _("Subject"),
        _("Tracking number"),
        _("Ticket"),
        _("Agent"),
        _("Notes"),
    ]

    def rows():
        for letter in letters:
            yield [
                letter.sent_on.isoformat(),
                letter.get_direction_display(),
                letter.get_kind_display(),
                letter.get_channel_display(),
                letter.customer.name,
                shown_phone(user, letter.customer.phone),
                letter.subject,
                letter.tracking_number,
                letter.ticket.number if letter.ticket_id else "",
                letter.agent.name if letter.agent else "",
                letter.notes,
            ]

    return _book(_("Follow-up letter register"), headers, rows())
