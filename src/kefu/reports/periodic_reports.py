"""The daily, weekly and yearly reports as one shape — plain data (JSON), titled tables (the
page, .xlsx and PDF share them) — built within the viewer's scope."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import safe_row
from kefu.reports import daily, periods, weekly, yearly
from kefu.reports import statement as st

KINDS = ("daily", "weekly", "yearly")


@dataclass
class Report:
    kind: str
    span: periods.Span
    title: str
    data: dict
    sections: list[tuple[str, list[str], list[list]]] = field(default_factory=list)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f} %"


def _met(value) -> str:
    return {True: _("met"), False: _("missed")}.get(value, "—")


def _line_name(line_id) -> str:
    from kefu.accounts.models import BusinessLine

    name = BusinessLine.objects.filter(pk=line_id).values_list("name", flat=True).first()
    return name or _("All business lines")


def _team_table(rows: list[dict], total: dict, *, close_word: str) -> tuple[list[str], list[list]]:
    headers = [
        _("Team"),
        _("Tickets received"),
        _("Resolved"),
        close_word,
        _("Overdue"),
        _("Callbacks due"),
        _("Callbacks done"),
    ]
    body = [[r["team"], *(r[f] for f in daily.FIGURES)] for r in rows]
    body.append([_("Total"), *(total[f] for f in daily.FIGURES)])
    return headers, body


def _daily(user, value, line_id) -> Report:
    span = periods.parse_day(value)
    data = daily.team_figures(user, day=span, line_id=line_id)
    headers, body = _team_table(data["teams"], data["total"], close_word=_("Open at close"))
    title = _("Daily close %(day)s · %(line)s") % {"day": span.label, "line": _line_name(line_id)}
    return Report("daily", span, title, data, [(_("Teams"), headers, body)])


def _weekly(user, value, line_id) -> Report:
    from kefu.followups.models import Outcome

    span = periods.parse_week(value)
    summary = weekly.summary(user, week=span, line_id=line_id)
    feedback = weekly.feedback(user, week=span, line_id=line_id)
    headers, body = _team_table(
        summary["teams"], summary["total"], close_word=_("Open at week end")
    )
    graded = [
        [_("Complaints"), summary["complaints"]],
        [_("Repeat complaints"), summary["repeat"]],
        [_("Malignant complaints"), summary["malignant"]],
    ]
    units = [
        [
            u["unit"],
            u["complaints_handed"],
            u["callbacks"],
            *(o["count"] for o in u["outcomes"]),
        ]
        for u in feedback["units"]
    ]
    remarks = [
        [u["unit"], r["ticket"], r["outcome"], r["notes"]]
        for u in feedback["units"]
        for r in u["remarks"]
    ]
    title = _("Weekly report %(week)s (%(start)s – %(end)s) · %(line)s") % {
        "week": span.label,
        "start": span.start.isoformat(),
        "end": span.last_day.isoformat(),
        "line": _line_name(line_id),
    }
    return Report(
        "weekly",
        span,
        title,
        {"week": span.label, "summary": summary, "feedback": feedback},
        [
            (_("The week per team"), headers, body),
            (_("Complaints of the week"), [_("Figure"), _("Value")], graded),
            (
                _("Callback results per unit concerned"),
                [
                    _("Unit"),
                    _("Complaints handed over"),
                    _("Callbacks"),
                    *(str(label) for _c, label in Outcome.choices),
                ],
                units,
            ),
            (_("Customer feedback"), [_("Unit"), _("Ticket"), _("Outcome"), _("Remarks")], remarks),
        ],
    )


def _yearly(user, value, line_id) -> Report:
    span = periods.parse_year(value)
    data = yearly.year_summary(user, year=span, business_line=line_id)
    headers = [
        _("Month"),
        _("Complaints"),
        _("Repeat"),
        _("Malignant"),
        _("Callbacks due"),
        _("Callbacks completed"),
        _("Callback rate"),
        _("CSI"),
        _("Satisfied rate"),
        _("First response within SLA"),
        _("Resolution within SLA"),
    ]

    def row(label, m):
        return [
            label,
            m["complaints"],
            m["repeat"],
            m["malicious"],
            m["callbacks_due"],
            m["callbacks_completed"],
            _pct(m["callback_rate"]),
            _pct(m["csi"]),
            _pct(m["satisfied"]),
            _pct(m["first_response_met_pct"]),
            _pct(m["resolution_met_pct"]),
        ]

    months = [row(m["month"], m) for m in data["months"]]
    months.append(row(_("Year %(year)s") % {"year": span.label}, data["total"]))
    months.append(row(_("Year %(year)s") % {"year": span.start.year - 1}, data["last_year"]))
    words = {
        "csi": _("CSI"),
        "satisfied_rate": _("Satisfied rate"),
        "callback_rate": _("Callback rate"),
    }
    targets = [
        [
            words[t["metric"]],
            _pct(t["target"]),
            _pct(t["actual"]),
            _met(t["met"]),
            t["months_met"],
            t["months_missed"],
        ]
        for t in data["targets"]
    ]
    title = _("Year-end summary %(year)s · %(line)s") % {
        "year": span.label,
        "line": data["business_line_name"] or _("All business lines"),
    }
    return Report(
        "yearly",
        span,
        title,
        data,
        [
            (_("Month by month, the year and the year before"), headers, months),
            (
                _("Targets"),
                [
                    _("Figure"),
                    _("Target"),
                    _("Actual"),
                    _("Year"),
                    _("Months met"),
                    _("Months missed"),
                ],
                targets,
            ),
        ],
    )


def build(user, kind: str, value, *, business_line=None) -> Report:
    """The report of ``kind`` for the day, week or year ``value`` (as typed), within scope."""
    line_id = st.line_for(user, business_line)
    return {"daily": _daily, "weekly": _weekly, "yearly": _yearly}[kind](user, value, line_id)


def export(report: Report, kind: str, *, note: str = "") -> bytes:
    return _xlsx(report, note) if kind == "xlsx" else _pdf(report, note)


def _xlsx(report: Report, note: str) -> bytes:
    book = Workbook(write_only=True)
    for i, (title, headers, rows) in enumerate(report.sections):
        sheet = book.create_sheet(title=f"{i + 1}")
        sheet.append(safe_row([report.title if i == 0 else title]))
        if i == 0 and note:
            sheet.append(safe_row([_("Summary"), note]))
        sheet.append(safe_row(headers))
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(report: Report, note: str) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from kefu.reports.exports import _font

    wide = any(len(h) > 7 for _t, h, _r in report.sections)
    pdf = FPDF(orientation="L" if wide else "P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("cjk", "", str(_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    if note:
        pdf.multi_cell(0, 6, f"{_('Summary')}: {note}", new_x="LMARGIN", new_y="NEXT")
    for title, headers, rows in report.sections:
        pdf.ln(3)
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=7)
        if not rows:
            pdf.multi_cell(0, 5, _("None"), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(
            text_align="LEFT", line_height=4.5, headings_style=FontFace(fill_color=(230, 230, 230))
        ) as table:
            table.row([str(h) for h in headers])
            for row in rows:
                table.row(["—" if v is None else str(v) for v in row])
    return bytes(pdf.output())
