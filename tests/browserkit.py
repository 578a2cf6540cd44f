"""What a browser would submit from a page's form (importable as ``browserkit``).

The test client posts whatever the test passes; a browser posts what its inputs hold, and an
``<input type="date">`` whose value is not ISO (``2026/06/05``) holds nothing. ``page_forms``
reads a page's forms the way the browser does — value sanitization of date, time, number and
colour inputs, checked boxes only, the selected option (or the first) — so a test can submit a
page unchanged and see what a user would see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_DATE = re.compile(r"^(\d{4,})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$")
_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?$")


def _valid_date(value: str) -> bool:
    m = _DATE.match(value)
    if not m:
        return False
    try:
        dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def _valid_time(value: str) -> bool:
    m = _TIME.match(value)
    return bool(m) and int(m[1]) < 24 and int(m[2]) < 60 and int(m[3] or 0) < 60


def sanitize(input_type: str, value: str) -> str:
    """The HTML value sanitization algorithm for the input types a form here uses."""
    if input_type == "date":
        return value if _valid_date(value) else ""
    if input_type == "time":
        return value if _valid_time(value) else ""
    if input_type == "datetime-local":
        day, sep, time = value.replace(" ", "T", 1).partition("T")
        return value if sep and _valid_date(day) and _valid_time(time) else ""
    if input_type in ("number", "range"):
        return value if _NUMBER.match(value.strip()) else ""
    if input_type in ("text", "search", "tel", "email", "password", "url", "hidden", ""):
        return value.replace("\r", "").replace("\n", "") if input_type != "hidden" else value
    return value


@dataclass
class Form:
    action: str
    method: str
    attrs: dict
    # (name, value) pairs in document order; a browser posts them all
    fields: list[tuple[str, str]] = field(default_factory=list)
    # the raw type and value of every date/time input, before sanitization
    temporal: list[tuple[str, str, str]] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)

    def data(self, submit: str | None = None) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        for name, value in self.submits:
            if submit is not None and name == submit:
                out.setdefault(name, []).append(value)
        return out

    def names(self) -> set[str]:
        return {n for n, _ in self.fields}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        disabled = "disabled" in a
        if tag == "input" and name and not disabled:
            kind = a.get("type", "text").lower()
            value = a.get("value", "")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, value or "on"))
            elif kind in ("submit", "image", "button", "reset"):
                form.submits.append((name, value))
            elif kind == "file":
                pass
            else:
                if kind in ("date", "time", "datetime-local"):
                    form.temporal.append((name, kind, value))
                form.fields.append((name, sanitize(kind, value)))
        elif tag == "button" and name and not disabled:
            if a.get("type", "submit").lower() == "submit":
                form.submits.append((name, a.get("value", "")))
        elif tag == "select" and name and not disabled:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": a.get("value"),
                "selected": "selected" in a,
                "disabled": "disabled" in a,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and name and not disabled:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            sel = self._select
            opts = [o for o in sel["options"] if not o["disabled"]]
            chosen = [o for o in opts if o["selected"]]
            if not chosen and not sel["multiple"] and opts:
                chosen = [opts[0]]
            if not sel["multiple"]:
                chosen = chosen[-1:]
            for o in chosen:
                value = o["value"] if o["value"] is not None else o["text"].strip()
                self._form.fields.append((sel["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            if text.startswith("\n"):
                text = text[1:]
            self._form.fields.append((self._textarea["name"], text.replace("\r\n", "\n")))
            self._textarea = None


def page_forms(html: str | bytes) -> list[Form]:
    if isinstance(html, bytes):
        html = html.decode()
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(
    html: str | bytes, path: str, page_path: str | None = None, *, having: str | None = None
) -> Form:
    """The page's POST form whose action is ``path`` (an empty action posts to the page) and,
    when given, that has a field named ``having``."""
    for form in page_forms(html):
        action = form.action or page_path
        posts_here = form.method == "post" and action and action.split("?")[0] == path
        if posts_here and (having is None or having in form.names()):
            return form
    raise AssertionError(f"no form posting to {path} with {having}")


def dropped_temporal_values(html: str | bytes) -> list[tuple[str, str, str]]:
    """(name, type, value) of every date/time input whose value a browser would drop."""
    out = []
    for form in page_forms(html):
        for name, kind, value in form.temporal:
            if value and not sanitize(kind, value):
                out.append((name, kind, value))
    return out
