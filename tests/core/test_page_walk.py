"""Every code is a word (issue 15, "Day one for a real department").

A small demo data set is built once for the module; then, as every demo role and in both
languages, the test client walks every page reachable without arguments plus the object pages
linked from them (one per resolver route), and fails on:

* any 500;
* in zh-hans, English the user was meant to read in Chinese: a msgid of our catalogues shown
  untranslated, or ASCII words outside an allow-list of proper names, units and codes;
* in both languages, internal codes in visible text: model field names, requirement tags
  (PK-1, STF-2), the raw regex of a language rule, audit action codes (ticket.update) and raw
  choice values (in_progress).

Visible text is the text of the HTML outside script/style/textarea plus the title, placeholder,
aria-label and alt attributes.
"""

from __future__ import annotations

import os
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polib
import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from kefu.accounts.models import User
from kefu.core.i18n import ROOT, compile_all
from kefu.core.models import AuditEvent

ROLES = ("admin", "manager", "supervisor", "lead", "agent", "agent2", "wy_agent", "4s_agent")
# Words and codes do not depend on the database: the PostgreSQL pass of `make test` walks the
# Chinese pages only (what it adds is a server error that only PostgreSQL raises), which saves
# about a quarter of that pass; the SQLite pass walks both languages.
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
LANGUAGES = ("zh-hans",) if ON_POSTGRES else ("zh-hans", "en")
DEMO_TICKETS = 240
MAX_PAGES = 800  # per role and language; the routes are deduplicated, so this is a safety net

# paths never walked: the API and Django's admin have their own tests; sign-out and the language
# switch change the session; static and media files are not pages
SKIP_PREFIXES = (
    "/api/",
    "/django-admin/",
    "/i18n/",
    "/jsi18n/",
    "/static/",
    "/media/",
    "/accounts/logout",
    "/accounts/login",
)
# the object pages a department opens on day one; the walk must reach each of them
OBJECT_ROUTES = {
    "ticket": "tickets/<int:pk>/",
    "customer": "customers/<int:pk>/",
    "article": "kb/<int:article_id>/",
    "questionnaire": "surveys/<int:pk>/",
    "roster": "workforce/rosters/<int:pk>/",
    "forecast": "workforce/forecasts/<int:pk>/",
    "peak plan": "workforce/peaks/<int:pk>/",
    "callback task": "surveys/callbacks/<int:callback_id>/",
    "shift log entry": "shiftlogs/entries/<int:pk>/",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# ASCII words a Chinese page may show: product and industry names, units, standard
# abbreviations and codes a user types
ALLOWED_ASCII = {
    "kefu",
    "sla",
    "csi",
    "nps",
    "kpi",
    "faq",
    "api",
    "id",
    "im",
    "sms",
    "vip",
    "qa",
    "excel",
    "xlsx",
    "csv",
    "erlang",
    "email",
    "e-mail",
    "url",
    "ip",
    "aht",
    "asa",
    "fte",
    "js",
    "ok",
    "am",
    "pm",
    "h",
    "min",
    "s",
    "ms",
    "km",
    "kg",
    "m",
    "vin",
    "tmall",
    "taobao",
    "jd",
    "wechat",
    "qq",
    "utc",
    "gmt",
    "cst",
    "ai",
    "cp-sat",
    "or-tools",
    "htmx",
    "json",
    "webhook",
    "unix",
    "https",
    "http",
    "english",  # the language switch names each language in itself
    "alt",  # keys
    "ctrl",
    "shift",
    "enter",
    "tab",
    "esc",
}

REQUIREMENT_TAG = re.compile(r"\b(?!UTF-|ISO-)[A-Z]{2,5}-\d+\b")
REGEX_SYNTAX = re.compile(r"\(\?[:=!<P]|\\[dDwWsSb]|\.\*|\.\+|\[\^|\(\?i\)")
# e-mail addresses, links, and codes quoted as an example of what to type (例如“shop”)
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|/\S*/|“[\w.-]+”")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z][A-Za-z'-]*[A-Za-z](?![A-Za-z0-9_]|\.[a-z])")
CODE_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")


# -- visible text --------------------------------------------------------------------------------


class Chunk(str):
    """A piece of visible text; ``typed`` when it is a code the user types (<code>, <kbd>)."""

    typed = False


class _Visible(HTMLParser):
    SKIP = {"script", "style", "textarea", "template"}
    TYPED = {"code", "kbd", "samp"}
    ATTRS = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._typed = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.TYPED:
            self._typed += 1
        for name, value in attrs:
            if value and name in self.ATTRS:
                self.chunks.append(value)
        named = dict(attrs)
        if tag == "a" and named.get("href"):
            self.links.append(named["href"])
        if named.get("hx-get"):  # the fragments htmx loads into the page
            self.links.append(named["hx-get"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.TYPED and self._typed:
            self._typed -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            chunk = Chunk(" ".join(data.split()))
            chunk.typed = bool(self._typed)
            self.chunks.append(chunk)


def visible(html: str) -> tuple[list[str], list[str]]:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.chunks, parser.links


# -- what counts as a code -----------------------------------------------------------------------


def _our_models():
    return [m for m in apps.get_models() if m.__module__.startswith("kefu.")]


def _field_names() -> set[str]:
    return {
        f.name
        for model in _our_models()
        for f in model._meta.get_fields()
        if "_" in f.name and not f.name.startswith("_") and not f.auto_created
    }


def _choice_values() -> set[str]:
    values = set()
    for model in _our_models():
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and "_" in value:
                    values.add(value)
    return values


ACTION_CALL = re.compile(r"""action\s*=\s*f?["']([a-z_]+\.[a-z_.]+)["']""")


def _action_codes() -> set[str]:
    codes = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    for path in ROOT.rglob("*.py"):
        codes.update(ACTION_CALL.findall(path.read_text(encoding="utf-8")))
    return {c for c in codes if "." in c}


def _untranslated_msgids() -> set[str]:
    found = set()
    for po_path in ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                empty = not any(entry.msgstr_plural.values())
            else:
                empty = not entry.msgstr
            if empty or "fuzzy" in entry.flags:
                found.add(entry.msgid)
    return found


class Codes:
    def __init__(self):
        from kefu.knowledge.models import LanguageRule

        self.fields = _field_names()
        self.choices = _choice_values()
        self.actions = _action_codes()
        self.models = {m._meta.label_lower for m in _our_models()}
        self.untranslated = _untranslated_msgids()
        rules = LanguageRule.objects.filter(is_regex=True)
        self.patterns = set(rules.values_list("pattern", flat=True))
        words = set()
        for username in User.objects.values_list("username", flat=True):
            words.update(w.lower() for w in re.split(r"[_\W\d]+", username) if w)
        self.allowed = ALLOWED_ASCII | words


# -- the walk ------------------------------------------------------------------------------------


def _route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _argless_paths() -> list[str]:
    """Every URL pattern whose route takes no argument (the pages reachable without arguments)."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                full = prefix + route
                if "<" in full or "(?P" in full or full.startswith("^"):
                    continue
                found.append("/" + full)

    walk(get_resolver().url_patterns, "")
    return sorted(p for p in found if not p.startswith(SKIP_PREFIXES))


def _unlinked(user) -> list[str]:
    """Object pages no other page links to: the callback survey of a callback task."""
    from kefu.followups.models import CallbackTask

    tasks = CallbackTask.objects.order_by("id")
    if user.business_line_id:
        tasks = tasks.filter(business_line_id=user.business_line_id)
    task = tasks.first()
    return [reverse("surveys:callback", args=[task.pk])] if task else []


def _same_origin(base: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    url = urlsplit(urljoin("http://testserver" + base, href))
    if url.netloc != "testserver" or url.path.startswith(SKIP_PREFIXES):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def check_page(url: str, chunks: list[str], language: str, codes: Codes) -> list[str]:
    problems = []

    def report(kind, what, chunk):
        problems.append(f"{url} [{language}] {kind}: {what!r} in {chunk[:120]!r}")

    for chunk in chunks:
        for token in CODE_TOKEN.findall(chunk):
            if token in codes.fields:
                report("field name", token, chunk)
            elif token in codes.choices:
                report("choice value", token, chunk)
            elif token in codes.actions:
                report("audit action", token, chunk)
            elif token in codes.models:
                report("model label", token, chunk)
        for tag in REQUIREMENT_TAG.findall(chunk):
            report("requirement tag", tag, chunk)
        if any(p in chunk for p in codes.patterns) or REGEX_SYNTAX.search(chunk):
            report("raw regex", chunk, chunk)
        if language != "zh-hans" or getattr(chunk, "typed", False):
            continue
        if chunk.strip() in codes.untranslated:
            report("untranslated msgid", chunk, chunk)
            continue
        # an address, or a placeholder a user types into a text ({number} in an auto-reply)
        plain = PLACEHOLDER.sub(" ", EMAIL_OR_URL.sub(" ", chunk))
        for word in ASCII_WORD.findall(plain):
            if word.lower() not in codes.allowed and not word.isupper():
                report("English word", word, chunk)
    return problems


def walk(client: Client, language: str, codes: Codes, start: list[str]) -> tuple[list, set]:
    """Breadth-first over same-origin GET links, one page per resolver route. Returns the
    problems and the routes that answered a page (200)."""
    problems: list[str] = []
    seen_routes: set[str] = set()
    shown: set[str] = set()
    queue = deque(start)
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        route = _route_of(url.split("?")[0])
        if route is None or route in seen_routes:
            continue
        seen_routes.add(route)
        visited += 1
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises a view's exception
            problems.append(f"{url} [{language}] raised {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500:
            problems.append(f"{url} [{language}] answered {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        shown.add(route)
        chunks, links = visible(response.content.decode())
        problems.extend(check_page(url, chunks, language, codes))
        for href in links:
            target = _same_origin(url, href)
            if target:
                queue.append(target)
    return problems, shown


# -- fixtures and tests --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, built once for the module inside a transaction that is rolled back."""
    from huey.contrib.djhuey import HUEY

    from kefu.demo.builder import build_demo

    compile_all()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            immediate = HUEY.immediate
            HUEY.immediate = False  # the roster solve waits for a worker, as on a fresh install
            try:
                build_demo(tickets=DEMO_TICKETS, seed=15)
            finally:
                HUEY.immediate = immediate
            yield Codes()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


WALKED: dict[str, set[str]] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", ROLES)
def test_every_page_speaks_words_not_codes(demo, username, language, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client(raise_request_exception=True)
    user = User.objects.get(username=username)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    problems, routes = walk(client, language, demo, ["/", *_argless_paths(), *_unlinked(user)])
    WALKED.setdefault(username, set()).update(routes)
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / f"page-walk-{username}-{language}.txt"
    report.write_text("\n".join(sorted(set(problems))) + "\n", encoding="utf-8")

    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:80])


@pytest.mark.django_db
def test_the_walk_reaches_an_object_page_of_each_kind(demo):
    if not WALKED:
        pytest.skip("run together with the walk")
    reached = set().union(*WALKED.values())
    missing = {kind: r for kind, r in OBJECT_ROUTES.items() if r not in reached}
    assert not missing, f"never reached: {missing}"


def test_visible_text_skips_scripts_and_attributes_but_keeps_titles():
    chunks, links = visible(
        '<p class="in_progress">状态 <b>处理中</b></p><script>var a_b = 1;</script>'
        '<a href="/x/" title="打开" data-x="promise">看</a><textarea>ticket.update</textarea>'
    )
    assert chunks == ["状态", "处理中", "打开", "看"]
    assert links == ["/x/"]


def test_check_page_finds_each_kind_of_code():
    codes = Codes.__new__(Codes)
    codes.fields = {"complaint_stage"}
    codes.choices = {"in_progress"}
    codes.actions = {"ticket.update"}
    codes.models = {"tickets.ticket"}
    codes.untranslated = {"Save draft"}
    codes.patterns = set()
    codes.allowed = ALLOWED_ASCII
    html = (
        "<p>complaint_stage</p><p>in_progress</p><p>ticket.update</p><p>见 PK-1</p>"
        "<p>Save draft</p><p>状态 Open</p><p>(?:你|您)懂不懂</p><p>SLA 4 h</p>"
    )
    chunks, _links = visible(html)
    kinds = [p.split("] ")[1].split(":")[0] for p in check_page("/", chunks, "zh-hans", codes)]
    assert kinds == [
        "field name",
        "choice value",
        "audit action",
        "requirement tag",
        "untranslated msgid",
        "English word",
        "raw regex",
    ]
