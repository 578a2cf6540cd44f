"""Writing .xlsx cells safely: text that a spreadsheet would run as a formula is kept as text.

Every export (customers, call and letter registers, knowledge, rosters; pages and CLI) writes its
rows through :func:`safe_row`, so a customer named ``=HYPERLINK("http://x","y")`` arrives in Excel
or WPS as the text ``'=HYPERLINK(…)`` and never as a live formula (CSV/formula injection). The
leading apostrophe is the spreadsheet convention for "this is text"; openpyxl, which otherwise
stores any string starting with ``=`` as a formula, then writes an ordinary string cell.
"""

from __future__ import annotations

from collections.abc import Iterable

# = + - @ start a formula in Excel, LibreOffice and WPS; a tab or CR before them hides it
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """``value`` unchanged, unless it is text starting like a formula: then with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """One sheet row with every cell passed through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]
