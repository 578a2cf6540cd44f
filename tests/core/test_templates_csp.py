"""Every page runs under a Content-Security-Policy of ``script-src 'self'; style-src 'self'``:
the browser ignores inline scripts, ``on…=`` handlers and ``style=""`` attributes. A template
that carries one looks right in review and silently loses its behaviour or layout in the
browser (a typing test whose live count never ran, notes whose lines ran together), so none
may carry one: scripts live in static files, styles in classes of kefu.css."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from kefu.core.middleware import CSP

SRC = Path(__file__).resolve().parents[2] / "src" / "kefu"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^<>]*\sstyle=", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^<>]*\son[a-z]+=", re.I)


def _templates():
    return sorted(SRC.rglob("templates/**/*.html"))


def test_the_policy_forbids_inline_code_and_styles():
    assert "script-src 'self'" in CSP and "style-src 'self'" in CSP
    assert "unsafe-inline" not in CSP


def test_no_template_relies_on_what_the_policy_blocks():
    offenders = []
    for path in _templates():
        text = path.read_text()
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ('style="…"', STYLE_ATTRIBUTE),
            ("on…= handler", HANDLER_ATTRIBUTE),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(SRC)}: {name}")
    assert offenders == [], "\n".join(offenders)


def test_the_classes_that_replace_style_attributes_exist():
    css = (SRC / "static" / "kefu" / "kefu.css").read_text()
    for cls in ("pre-line", "pre-wrap", "no-select", "table-fixed", "page-break-after"):
        assert f".{cls} " in css, cls
    assert settings.STATIC_URL
