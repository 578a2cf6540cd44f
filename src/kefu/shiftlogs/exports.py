"""The shift's logs as .xlsx: every cell through core.xlsx (formula-looking text stays text)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import XLSX, safe_row
from kefu.shiftlogs.models import LogKind

__all__ = ["FILE_NAMES", "MAX_ROWS", "XLSX", "entries_xlsx"]

MAX_ROWS = 50000  # one export; narrow the dates for more
FILE_NAMES = {
    LogKind.HANDOVER: "交接班记录",
    LogKind.MANAGEMENT: "管理日志",
    LogKind.PATROL: "巡查报告表",
}


def entries_xlsx(kind: str, entries) -> bytes:
    title = str(LogKind(kind).label) if kind in LogKind.values else _("Shift logs")
    headers = [
        _("Shift date"),
        _("Shift"),
        _("Log"),
        _("Team"),
        _("Written by"),
        _("Handed over to"),
        _("Area patrolled"),
        _("Summary"),
        _("What happened"),
        _("Open items"),
        _("Status"),
        _("Category"),
        _("Signed by"),
        _("Signed at"),
        _("Review note"),
    ]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(safe_row([title]))
    sheet.append(safe_row(headers))
    for e in entries:
        sheet.append(
            safe_row(
                [
                    e.shift_date.isoformat(),
                    e.get_shift_display(),
                    e.get_kind_display(),
                    e.team.name,
                    e.author.name,
                    e.handed_to.name if e.handed_to_id else "",
                    e.area,
                    e.title,
                    e.body,
                    e.open_items,
                    e.get_status_display(),
                    e.get_category_display() if e.category else "",
                    e.signed_by.name if e.signed_by_id else "",
                    timezone.localtime(e.signed_at).strftime("%Y-%m-%d %H:%M")
                    if e.signed_at
                    else "",
                    e.review_note,
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
