"""The 月处罚汇总表 and the rewards-and-penalties ledger as .xlsx (through core.xlsx.safe_row)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import XLSX, safe_row
from kefu.quality import months

__all__ = ["XLSX", "ledger_xlsx", "summary_xlsx"]


def _book(title: str, header: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(safe_row(header))
    for row in rows:
        ws.append(safe_row(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def summary_xlsx(data: dict) -> bytes:
    """``data`` is ``selectors.summary_json``."""
    header = [
        _("Responsible unit"),
        _("Head"),
        _("Repeat complaints"),
        _("Malignant complaints"),
        _("Penalty (yuan)"),
        _("Applied"),
    ]
    rows = [
        [
            r["unit"],
            r["head"],
            r["repeat"],
            r["malicious"],
            r["amount_yuan"],
            _("Yes") if r["applied"] else _("No (stability period)"),
        ]
        for r in data["rows"]
    ]
    rows.append(
        [
            _("Total"),
            "",
            sum(r["repeat"] for r in data["rows"]),
            sum(r["malicious"] for r in data["rows"]),
            data["total_yuan"],
            "",
        ]
    )
    return _book(_("Penalties %(month)s") % {"month": data["period"]}, header, rows)


def ledger_xlsx(entries, period) -> bytes:
    header = [_("Month"), _("Team"), _("Person"), _("Reason"), _("Amount (yuan)"), _("Note")]
    rows = [
        [
            months.label(e.period),
            e.team.name,
            e.user.display_name or e.user.username,
            e.get_reason_display(),
            float(e.amount_yuan),
            e.note,
        ]
        for e in entries
    ]
    return _book(_("Rewards %(month)s") % {"month": months.label(period)}, header, rows)
