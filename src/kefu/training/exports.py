"""A person's training record as .xlsx (KPI-6)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import safe_row


def record_xlsx(r: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Classes")[:31]
    ws.append(safe_row([_("Class"), _("Category"), _("Starts at"), _("Hours"), _("Status")]))
    for e in r["classes"]:
        c = e.training_class
        ws.append(
            safe_row(
                [
                    c.title,
                    c.category,
                    timezone.localtime(c.starts_at).strftime("%Y-%m-%d %H:%M"),
                    float(c.hours),
                    e.get_status_display(),
                ]
            )
        )
    ws = wb.create_sheet(_("Exams and tests")[:31])
    ws.append(safe_row([_("Test"), _("Score"), _("Passed"), _("Date")]))
    for s in r["scores"]:
        ws.append(
            safe_row(
                [
                    s.get_kind_display(),
                    float(s.score),
                    _("yes") if s.passed else _("no"),
                    timezone.localtime(s.created_at).strftime("%Y-%m-%d"),
                ]
            )
        )
    ws = wb.create_sheet(_("Certificates")[:31])
    ws.append(safe_row([_("Certification"), _("Passed at"), _("Valid until")]))
    for g in r["grants"]:
        ws.append(
            safe_row(
                [
                    g.certification.name,
                    timezone.localtime(g.passed_at).strftime("%Y-%m-%d"),
                    g.valid_until.isoformat() if g.valid_until else "",
                ]
            )
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
