"""W7 (issue 7): W1 and W2 against django-helpdesk 2.6.1, and against Kefu on the same data size.

Everything of the peer lives under ``var/peers/`` (gitignored, thrown away with ``make clean``):
its own virtual environment with django-helpdesk 2.6.1, gunicorn and psycopg from PyPI, and a
tiny Django project set up as its install guide says (``helpdesk`` plus the contrib apps it lists,
``SITE_ID``, its URLs under ``/helpdesk/``, ``LOGIN_URL``, migrate, its e-mail templates
fixture; teams mode off, so pinax-teams is not needed; the REST API it enables by default, with
DRF token authentication as Kefu has Bearer tokens). Served by gunicorn with the same workers and
threads as ``kefu serve`` (gthread), DEBUG off, on 127.0.0.1 on another port, on the same database
engine: SQLite (WAL, as Kefu) or PostgreSQL (database ``kefu_peer``).

    .venv/bin/python bench/peers/helpdesk_peer.py --db sqlite --tickets 100000

Kefu's side is ``bench/web_bench.py``'s data at the same size (``kefu demo --tickets N`` in
``var/bench/<db>-N``), served by ``kefu serve``. Prints one JSON document with every workload of
both and the ratios (also written to ``bench/results/``).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

import web_bench as wb  # noqa: E402

PEERS = ROOT / "var" / "peers"
VENV = PEERS / "venv"
PIP_PINS = ["django-helpdesk==2.6.1", "django>=5.2,<6", "gunicorn", "psycopg[binary]"]
# its templates load bootstrap5_form; the package declares Django < 4 but is template tags only
NO_DEPS = ["django-bootstrap5-form==5.0.2", "packaging"]
PEER_PG = "kefu_peer"

SETTINGS = """\
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "peer-benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "bootstrap5form",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peersite.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "peersite.wsgi.application"
if os.environ.get("PEER_PG"):
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PEER_PG"],
        "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432", "CONN_MAX_AGE": 60,
    }}
else:
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "peer.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        )},
    }}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_ROOT = BASE_DIR / "media"
SITE_ID = 1
LOGIN_URL = "/helpdesk/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]}
"""

URLS = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls")),
]
"""

WSGI = """\
import os
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
application = get_wsgi_application()
"""


def site_dir(db: str) -> Path:
    return PEERS / f"site-{db}"


def peer_env(db: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings"}
    env["PYTHONPATH"] = str(site_dir(db))
    env.pop("DATABASE_URL", None)
    if db == "postgres":
        env["PEER_PG"] = PEER_PG
    else:
        env.pop("PEER_PG", None)
    return env


def peer_python(args: list[str], db: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV / "bin" / "python"), *args], env=peer_env(db), cwd=site_dir(db), **kw
    )


def setup(db: str) -> None:
    """The throw-away venv and the peer's Django project, migrated."""
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", *PIP_PINS],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PIP_CONSTRAINT"},
    )
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", "--no-deps", *NO_DEPS],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PIP_CONSTRAINT"},
    )
    site = site_dir(db)
    (site / "peersite").mkdir(parents=True, exist_ok=True)
    (site / "peersite" / "__init__.py").write_text("")
    (site / "peersite" / "settings.py").write_text(SETTINGS)
    (site / "peersite" / "urls.py").write_text(URLS)
    (site / "peersite" / "wsgi.py").write_text(WSGI)
    if db == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname=%s", [PEER_PG]).fetchone():
                c.execute(f'CREATE DATABASE "{PEER_PG}"')
    manage = ["-m", "django"]
    peer_python([*manage, "migrate", "-v", "0"], db, check=True)
    peer_python([*manage, "loaddata", "emailtemplate.json", "-v", "0"], db, check=True)
    peer_python([*manage, "collectstatic", "--noinput", "-v", "0"], db, check=True)


def load(db: str, tickets: int) -> tuple[str, dict]:
    """Bulk data of the same shape; the DRF token of the ``bench`` superuser and load figures."""
    start = time.perf_counter()
    done = peer_python(
        [str(HERE / "load_helpdesk.py"), str(tickets)],
        db,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1], {"seconds": round(time.perf_counter() - start)}


@contextlib.contextmanager
def peer_server(db: str, port: int):
    """gunicorn like ``kefu serve``: gthread, (2 × CPUs + 1, at most 8) workers, 4 threads."""
    workers = min(2 * (os.cpu_count() or 1) + 1, 8)
    proc = subprocess.Popen(
        [
            str(VENV / "bin" / "gunicorn"),
            "peersite.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
        ],
        env=peer_env(db),
        cwd=site_dir(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            break
        time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        raise RuntimeError("the peer did not start")
    try:
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still inside a minutes-long answer
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def peer_sign_in(port: int) -> dict:
    """The peer's own login form (/helpdesk/login/), as a browser would."""
    import http.client
    import re

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/helpdesk/login/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookies = wb._cookies(resp)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urlencode(
        {"username": "bench", "password": "bench-peer-2026", "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/helpdesk/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    resp = conn.getresponse()
    resp.read()
    cookies.update(wb._cookies(resp))
    if "sessionid" not in cookies:
        raise RuntimeError(f"signing in to the peer answered {resp.status}")
    return cookies


def b64(query: dict) -> str:
    return base64.b64encode(json.dumps(query).encode()).decode()


def peer_workloads(db: str, port: int, token: str, creates: int) -> dict:
    api = wb.Client(port)
    api.headers["Authorization"] = f"Token {token}"
    page = wb.Client(port, cookies=peer_sign_in(port))
    # the sample ticket comes from the peer's database: on PostgreSQL at 100,000 tickets its API
    # list does not answer within the 60 s timeout
    code = "import django; django.setup(); from helpdesk.models import Ticket; "
    code += "t = Ticket.objects.order_by('-id').first(); print(t.id, t.queue_id)"
    done = peer_python(["-c", code], db, check=True, capture_output=True, text=True)
    ticket_id, queue = (int(x) for x in done.stdout.split()[-2:])
    out: dict = {}

    def create_call(i):
        body = {
            "queue": queue,
            "title": f"压测工单 {i} 快递没有收到",
            "description": "客户来电询问物流进度，请尽快处理。",
            "submitter_email": f"bench{i}@example.com",
            "priority": 3,
        }
        return ("POST", "/helpdesk/api/tickets/", body)

    out["W1_intake_1"] = run_with(port, api, [create_call(i) for i in range(creates)], 1)
    out["W1_intake_8"] = run_with(
        port, api, [create_call(i) for i in range(creates, 2 * creates)], 8
    )
    open_queue = {"filtering": {"queue__id__in": [queue], "status__in": [1, 2]}}
    sorted_open = {**open_queue, "sorting": "due_date"}
    rows = "?length=25&start=0&draw=1"
    paths = {
        "queue_page": "/helpdesk/tickets/",
        "queue_rows": f"/helpdesk/datatables_ticket_list/{b64({})}{rows}",
        "filtered_rows": f"/helpdesk/datatables_ticket_list/{b64(sorted_open)}{rows}",
        "search_rows": f"/helpdesk/datatables_ticket_list/{b64({'search_string': '快递'})}{rows}",
        "detail_page": f"/helpdesk/tickets/{ticket_id}/",
        "queue_api": "/helpdesk/api/tickets/?status=1,2",
        "detail_api": f"/helpdesk/api/tickets/{ticket_id}/",
    }
    # some of the peer's answers take seconds: at most 60 s per request kind (≥ 1 timed run)
    out["W2"] = {
        name: wb.timed(api if "/api/" in path else page, path, warmups=1, budget_s=60)
        for name, path in paths.items()
    }
    out["W2_paths"] = paths
    return out


def run_with(port, client_proto, calls, concurrency) -> dict:
    """web_bench.run_fixed with the peer's Token header."""
    chunks = [calls[i::concurrency] for i in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    import threading
    from concurrent.futures import ThreadPoolExecutor

    lock = threading.Lock()

    def worker(chunk):
        nonlocal errors
        client = wb.Client(port)
        client.headers = dict(client_proto.headers)
        for method, path, body in chunk:
            status, _, secs = client.request(method, path, body)
            with lock:
                latencies.append(secs)
                errors += wb.failed(status)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, chunks))
    return wb.summary(latencies, errors, time.perf_counter() - start)


def kefu_workloads(db: str, port: int, env: dict, creates: int) -> dict:
    """The same W1 and W2 on Kefu (its equivalents: queue, filtered, search, detail)."""
    agent = wb.token(env, "agent")
    customers = wb.first_json(port, agent, "/api/v1/customers?limit=50")["items"]
    known = [{"customer": c["id"]} for c in customers]
    # the phone-call golden path: every ticket brings a caller Kefu has not seen (issue 24)
    fresh = wb.new_callers(2 * creates)
    out: dict = {}
    for key, callers in (("W1_intake", known), ("W1_new_caller", fresh)):
        for clients, offset in ((1, 0), (8, creates)):
            calls = [
                wb.intake_call(offset + i, callers[(offset + i) % len(callers)])
                for i in range(creates)
            ]
            out[f"{key}_{clients}"] = wb.run_fixed(port, agent, calls, clients)
    paths = wb.w2_paths(port, agent)
    page = wb.Client(port, cookies=wb.sign_in(port, "agent"))
    api = wb.Client(port, agent)
    # the peer's list page is a shell whose rows come from a JSON call; Kefu's page has them
    pairs = {
        "queue_page": paths["queue_page"],
        "queue_rows": paths["queue_page"],
        "filtered_rows": paths["filtered_page"],
        "search_rows": paths["search_page"],
        "detail_page": paths["detail_page"],
        "queue_api": paths["queue_api"],
        "detail_api": paths["detail_api"],
    }
    out["W2"] = {
        name: wb.timed(api if path.startswith("/api/") else page, path)
        for name, path in pairs.items()
    }
    out["W2_paths"] = pairs
    return out


def ratios(kefu: dict, peer: dict) -> dict:
    """Kefu ÷ peer: request rates for W1, p95 latency for W2 (below 1 is Kefu faster). The
    peer's intake names a submitter by e-mail and keeps no customer record, so both of Kefu's
    intakes (known caller, new caller) are set against it."""
    out = {}
    for clients in (1, 8):
        theirs = peer[f"W1_intake_{clients}"]["rate_per_s"]
        for key in ("W1_intake", "W1_new_caller"):
            out[f"{key}_{clients}_rate"] = round(kefu[f"{key}_{clients}"]["rate_per_s"] / theirs, 2)
    for name in kefu["W2"]:
        out[f"W2_{name}_p95"] = round(kefu["W2"][name]["p95_ms"] / peer["W2"][name]["p95_ms"], 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=500, help="W1 tickets per client count")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--kefu-port", type=int, default=8765)
    args = parser.parse_args()
    result: dict = {"tickets": args.tickets, "db": args.db, "peer": "django-helpdesk 2.6.1"}
    setup(args.db)
    token, result["peer_load"] = load(args.db, args.tickets)
    with peer_server(args.db, args.port):
        result["peer"] = peer_workloads(args.db, args.port, token, args.creates)
    data_dir = wb.data_dir_for(args.db, args.tickets, None)
    data_dir.mkdir(parents=True, exist_ok=True)
    result["kefu_build"] = wb.build_data(args.db, data_dir, args.tickets, None)
    # on a copy of the data, as web_bench does: the creates of one run are not in the next
    with (
        wb.scratch_copy(args.db, data_dir) as run_dir,
        wb.server(args.db, run_dir, args.kefu_port) as env,
    ):
        result["kefu"] = kefu_workloads(args.db, args.kefu_port, env, args.creates)
    result["kefu_over_peer"] = ratios(result["kefu"], result["peer"])
    text = json.dumps(result, ensure_ascii=False, indent=2)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (ROOT / "bench" / "results" / f"peers-{args.db}-{stamp}.json").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
