"""The monthly statement as .xlsx (through core.xlsx, so no text runs as a formula) and as a
printable PDF in which Chinese renders (WenQuanYi Micro Hei embedded, fpdf2)."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def _show(value) -> str:
    return "—" if value is None else str(value)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f} %"


def sections(data: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) of each table of the statement, shared by both exports."""
    c = data["complaints"]
    no_base = _("No base")
    units = [
        [
            u["rank"] if u["rank"] is not None else "",
            u["unit"],
            u["complaints"],
            u["base"] if u["base"] is not None else no_base,
            _pct(u["ratio_pct"]) if u["ratio_pct"] is not None else no_base,
            _pct(u["change_pct"]) if u["change_pct"] is not None else "—",
        ]
        for u in c["by_unit"]
    ]
    graded = [
        [_("Repeat complaint"), r["number"], r["title"], r["unit"], r["reason"]]
        for r in c["repeat_list"]
    ] + [
        [_("Malignant complaint"), r["number"], r["title"], r["unit"], r["reason"]]
        for r in c["malicious_list"]
    ]
    cb, csi, sla = data["callbacks"], data["csi"], data["sla"]
    summary = [
        [_("Complaints"), c["total"]],
        [_("Repeat complaints"), c["repeat"]],
        [_("Malignant complaints"), c["malicious"]],
        [_("Callbacks due"), cb["due"]],
        [_("Callbacks completed"), cb["completed"]],
        [_("Callback rate"), _pct(cb["rate"])],
        [_("CSI"), _pct(csi["value"])],
        [_("CSI target"), _pct(csi["target"])],
        [_("Satisfied rate"), _pct(csi["satisfied"])],
        [_("First response within SLA"), _pct(sla["first_response_met"])],
        [_("Resolution within SLA"), _pct(sla["resolution_met"])],
    ]
    by = [[_("Category"), r["label"], r["count"]] for r in c["by_type"]]
    by += [[_("Channel"), r["label"], r["count"]] for r in c["by_channel"]]
    by += [[_("Grade"), r["label"], r["count"]] for r in c["by_grade"]]
    return [
        (_("Figures"), [_("Figure"), _("Value")], summary),
        (_("Complaints by category, channel and grade"), ["", _("Name"), _("Complaints")], by),
        (
            _("Complaint ratio per responsible unit"),
            [_("Rank"), _("Unit"), _("Complaints"), _("Base"), _("Ratio"), _("Change")],
            units,
        ),
        (
            _("Repeat and malignant complaints"),
            [_("Grade"), _("Ticket"), _("Title"), _("Unit"), _("Reason")],
            graded,
        ),
    ]


def title_of(data: dict) -> str:
    line = data.get("business_line_name") or _("All business lines")
    return _("Monthly statement %(period)s · %(line)s") % {"period": data["period"], "line": line}


def statement_xlsx(data: dict, *, summary: str = "") -> bytes:
    book = Workbook(write_only=True)
    for i, (title, headers, rows) in enumerate(sections(data)):
        sheet = book.create_sheet(title=f"{i + 1}")
        sheet.append(safe_row([title_of(data) if i == 0 else title]))
        if i == 0 and summary:
            sheet.append(safe_row([_("Summary"), summary]))
        sheet.append(safe_row(headers))
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _font() -> Path:
    for path in FONT_PATHS:
        if path.exists():
            return path
    raise FileNotFoundError("no Chinese font: apt-get install fonts-wqy-microhei")


def statement_pdf(data: dict, *, summary: str = "", signed: str = "") -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("cjk", "", str(_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(0, 9, title_of(data), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    if signed:
        pdf.multi_cell(0, 6, signed, new_x="LMARGIN", new_y="NEXT")
    if summary:
        pdf.multi_cell(0, 6, f"{_('Summary')}: {summary}", new_x="LMARGIN", new_y="NEXT")
    for title, headers, rows in sections(data):
        pdf.ln(3)
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=8)
        if not rows:
            pdf.multi_cell(0, 5, _("None"), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(
            text_align="LEFT", line_height=5, headings_style=FontFace(fill_color=(230, 230, 230))
        ) as table:
            table.row([str(h) for h in headers])
            for row in rows:
                table.row([_show(v) for v in row])
    return bytes(pdf.output())
