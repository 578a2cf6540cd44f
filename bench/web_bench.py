"""Kefu's web benchmark (issue 7): W0–W6 against the production server `kefu serve` starts.

Every figure is reported with its ratio to W0, the trivial authenticated endpoint measured in the
same run on the same machine, so results compare across machines. Traffic goes to 127.0.0.1 only;
every loop is bounded in count and time.

    .venv/bin/python bench/web_bench.py --tickets 100000 --db sqlite
    .venv/bin/python bench/web_bench.py --size large --db both      # 1,000,000 tickets
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
KEFU = [sys.executable, "-m", "kefu"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/14"
SERVER_SID = "KEFU_BENCH_SERVER_SID"  # set in the env ``server`` yields
DEMO_PASSWORD = "Kefu-demo-2026"  # kefu.demo.builder.DEMO_PASSWORD (public)


# --- measuring ------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(latencies),
        "errors": errors,
        "rate_per_s": round(len(latencies) / seconds, 1) if seconds else None,
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "max_ms": round(max(ms), 1) if ms else None,
    }


class Client:
    """One keep-alive HTTP connection to the server (one per simulated person).

    With a token it speaks to the API (``Authorization: Bearer``); with ``cookies`` (from
    ``sign_in``) it is a signed-in browser asking for pages. Any answer but 200/201 is an error:
    a page that redirects to the sign-in form must not count as served.
    """

    def __init__(self, port: int, token: str | None = None, cookies: dict | None = None):
        self.port = port
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if cookies:
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        data = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                resp = self.conn.getresponse()
                payload = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn closes a keep-alive connection idle for 2 s; like a browser, send the
                # request again once on a new connection (no byte of an answer was received)
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    return 599, b"", time.perf_counter() - start
            except (http.client.HTTPException, OSError):  # a timeout: counted as an error
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                return 599, b"", time.perf_counter() - start
            else:
                return resp.status, payload, time.perf_counter() - start
        return 599, b"", time.perf_counter() - start


def failed(status: int) -> bool:
    return status not in (200, 201)


def _cookies(resp: http.client.HTTPResponse) -> dict:
    out = {}
    for header in resp.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def sign_in(port: int, username: str, password: str = DEMO_PASSWORD) -> dict:
    """Sign in through the real form (CSRF cookie + token); the session cookies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookies = _cookies(resp)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the sign-in page")
    form = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
    }
    conn.request("POST", "/accounts/login/", body=form, headers=headers)
    resp = conn.getresponse()
    resp.read()
    cookies.update(_cookies(resp))
    conn.close()
    if resp.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"signing in as {username} answered {resp.status}")
    return cookies


def server_cpu_seconds(sid: int | None) -> float | None:
    """CPU seconds (user + system) spent so far by the server's processes: every live process of
    its session (gunicorn's master and workers) plus the children the master has reaped."""
    if sid is None or not Path("/proc").is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while the list was read
            continue
        # fields after the command name, which may hold spaces: state ppid pgrp session …
        rest = text[text.rindex(")") + 2 :].split()
        if int(rest[3]) != sid:
            continue
        total += int(rest[11]) + int(rest[12])  # utime, stime
        if int(stat.parent.name) == sid:
            total += int(rest[13]) + int(rest[14])  # cutime, cstime of reaped workers
    return total / tick


def run_fixed(
    port, token, calls: list[tuple[str, str, dict | None]], concurrency: int, sid: int | None = None
) -> dict:
    """Run the given calls split over ``concurrency`` clients; summary of latencies. With the
    server's session id ``sid``, also the server's CPU milliseconds per request."""
    chunks = [calls[i::concurrency] for i in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(chunk):
        nonlocal errors
        client = Client(port, token)
        for method, path, body in chunk:
            status, _, secs = client.request(method, path, body)
            with lock:
                latencies.append(secs)
                if failed(status):
                    errors += 1

    cpu_before = server_cpu_seconds(sid)
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, chunks))
    out = summary(latencies, errors, time.perf_counter() - start)
    if cpu_before is not None and latencies:
        spent = server_cpu_seconds(sid) - cpu_before
        out["server_cpu_ms_per_request"] = round(spent * 1000 / len(latencies), 2)
    return out


def timed(
    client: Client, path: str, warmups: int = 3, runs: int = 30, budget_s: float | None = None
) -> dict:
    """``runs`` timed GETs after ``warmups``; with ``budget_s``, fewer when time runs out."""
    for _ in range(warmups):
        client.request("GET", path)
    lat, errors = [], 0
    start = time.perf_counter()
    for _ in range(runs):
        if budget_s is not None and lat and time.perf_counter() - start > budget_s:
            break
        status, _, secs = client.request("GET", path)
        lat.append(secs)
        errors += failed(status)
    return summary(lat, errors, time.perf_counter() - start)


# --- the server under test --------------------------------------------------------------------------


def pg_name(data_dir: Path) -> str:
    """kefu_bench for the 1,000,000-ticket set (var/bench/postgres), kefu_bench_N for N tickets,
    kefu_bench_run / kefu_bench_N_run for a run's copy of them."""
    _, _, label = data_dir.name.partition("-")
    return f"kefu_bench_{label.replace('-', '_')}" if label else "kefu_bench"


def data_dir_for(db: str, tickets: int, size: str | None) -> Path:
    """One data dir (and PostgreSQL database) per size, so a small run never drops a large set."""
    return ROOT / "var" / "bench" / (db if size else f"{db}-{tickets}")


def env_for(db: str, data_dir: Path) -> dict:
    env = {**os.environ, "KEFU_DATA_DIR": str(data_dir), "KEFU_LOG_LEVEL": "WARNING"}
    # the per-token limit (600 a minute by default) stays on, its bookkeeping measured with the
    # rest, but set above what the bench's one token sends: a 429 would count as an error
    env["KEFU_API_RATE"] = "10000000"
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/{pg_name(data_dir)}"
        env["REDIS_URL"] = REDIS_URL
    return env


def kefu(args: list[str], env: dict, capture: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        KEFU + args,
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=capture,
    )


def ensure_postgres_db(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')


def build_data(db: str, data_dir: Path, tickets: int, size: str | None) -> dict:
    """Build the demo data once per (db, size); W6 is the build's time and peak memory."""
    marker = data_dir / f"built-{size or tickets}.json"
    if marker.exists():
        return json.loads(marker.read_text())
    env = env_for(db, data_dir)
    if db == "postgres":
        ensure_postgres_db(pg_name(data_dir))
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                pg_name(data_dir),
                "-qc",
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
            ],
            check=True,
        )
    else:
        for f in data_dir.glob("kefu.sqlite3*"):
            f.unlink()
    args = ["demo", "--size", size] if size else ["demo", "--tickets", str(tickets)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    # the build's progress and logins go to stderr: stdout carries only the JSON document
    subprocess.run(KEFU + args, env=env, cwd=ROOT, check=True, stdout=sys.stderr)
    w6 = {
        "seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(
            max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        ),
        "args": args,
    }
    marker.write_text(json.dumps(w6))
    return w6


def _drop_postgres_db(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_copy(db: str, data_dir: Path):
    """A copy of the built data for one run, thrown away after it. W1, W4 and W5 add tickets and
    customers; on the built data itself every run measured what the runs before it had written
    (10,000 more tickets in the agent's queue and 100,000 more customers each time)."""
    run_dir = data_dir.with_name(f"{data_dir.name}-run")
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(data_dir, run_dir, ignore=shutil.ignore_patterns("*.xlsx", "huey.sqlite3*"))
    if db == "postgres":
        import psycopg

        _drop_postgres_db(pg_name(run_dir))
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{pg_name(run_dir)}" TEMPLATE "{pg_name(data_dir)}"')
    try:
        yield run_dir
    finally:
        if db == "postgres":
            _drop_postgres_db(pg_name(run_dir))
        shutil.rmtree(run_dir, ignore_errors=True)


@contextlib.contextmanager
def server(db: str, data_dir: Path, port: int):
    env = env_for(db, data_dir)
    proc = subprocess.Popen(
        [*KEFU, "serve", "--port", str(port), "--no-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            break
        time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        raise RuntimeError("the server did not start")
    # its own session (start_new_session): server_cpu_seconds reads the CPU of its processes
    env[SERVER_SID] = str(proc.pid)
    try:
        yield env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def token(env: dict, user: str) -> str:
    return kefu(["token", user], env).stdout.strip().splitlines()[-1]


# --- workloads ------------------------------------------------------------------------------------


def first_json(port, tok, path) -> dict:
    status, body, _ = Client(port, tok).request("GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
    return json.loads(body)


def w2_paths(port: int, agent: str) -> dict[str, str]:
    """The agent's everyday reads, as pages and as API calls (paths of the real URLconf)."""
    me = first_json(port, agent, "/api/v1/accounts/me")
    team = me["team"]
    ticket_id = first_json(port, agent, "/api/v1/tickets?limit=1")["items"][0]["id"]
    customer = first_json(port, agent, "/api/v1/customers?limit=1")["items"][0]
    digits = "".join(ch for ch in customer["phone"] if ch.isdigit())
    phone4 = digits[-4:] if len(digits) >= 4 else "1380"
    filtered = {"team": team, "status": "open", "ordering": "due_at"}
    return {
        "queue_page": "/tickets/?tab=mine",
        "team_queue_page": "/tickets/?tab=team",
        "filtered_page": "/tickets/?" + urlencode({"tab": "all", **filtered}),
        "search_page": "/tickets/?" + urlencode({"tab": "all", "q": "快递"}),
        "customer_lookup_page": "/customers/?" + urlencode({"q": phone4}),
        "intake_lookup_page": "/tickets/intake/customers/?" + urlencode({"q": phone4}),
        "detail_page": f"/tickets/{ticket_id}/",
        "customer_page": f"/customers/{customer['id']}/",
        "queue_api": "/api/v1/tickets?" + urlencode({"assignee": "me", "status": "open"}),
        "filtered_api": "/api/v1/tickets?" + urlencode({**filtered, "limit": 25}),
        "search_api": "/api/v1/tickets?" + urlencode({"q": "快递", "limit": 25}),
        "customer_lookup_api": "/api/v1/customers?" + urlencode({"q": phone4}),
        "detail_api": f"/api/v1/tickets/{ticket_id}",
        "timeline_api": f"/api/v1/tickets/{ticket_id}/timeline",
    }


# the supervisor's and the manager's figures: the home page and every report-like page
W3_PAGES = {
    "supervisor": {
        "home": "/",
        "followup_rates": "/followups/rates/",
        "repeat_complaints": "/followups/complaints/",
        "survey_results": "/surveys/results/",
        "sla_tasks": "/sla/tasks/",
        "sla_tasks_overdue": "/sla/tasks/?tab=overdue",
        "sla_notifications": "/sla/notifications/",
        "kb_search": "/kb/?" + urlencode({"q": "退款多久到账"}),
    },
    "manager": {
        "home": "/",
        "followup_rates": "/followups/rates/",
        "survey_results": "/surveys/results/",
        "workforce": "/workforce/",
        "forecasts": "/workforce/forecasts/",
        "rosters": "/workforce/rosters/",
        "peaks": "/workforce/peaks/",
        "staffing": "/workforce/staffing/",
    },
}


def intake_call(i: int, caller: dict) -> tuple[str, str, dict]:
    """W1's request: a phone contact recorded as a ticket for ``caller`` (an existing customer's
    ``{"customer": id}`` or a new caller's ``{"customer_phone", "customer_name"}``)."""
    body = {
        "title": f"压测工单 {i} 快递没有收到",
        "description": "客户来电询问物流进度，请尽快处理。",
        "type": "consult",
        "channel": "phone",
        "priority": "normal",
        **caller,
    }
    return ("POST", "/api/v1/tickets", body)


def new_callers(count: int, start: int = 0) -> list[dict]:
    """``count`` callers no demo customer has: 170 numbers (a virtual operator's prefix the demo
    never draws), from a random base so that two runs on one copy never share a number."""
    base = random.randrange(10_000_000, 80_000_000, 1_000_000)
    return [
        {"customer_phone": f"170{base + start + i:08d}", "customer_name": "新来电客户"}
        for i in range(count)
    ]


def intake_workloads(port: int, agent: str, sid: int | None, creates: int = 1000) -> dict:
    """W0 around W1 (existing callers) and W1-new-caller, 1 and 8 clients, with the server's CPU
    per request, and the ratios to W0 (rates, and CPU per request)."""
    out: dict = {}
    calls = [("GET", "/api/v1/accounts/me", None)] * 2000
    run_fixed(port, agent, calls, 8)  # unmeasured: every worker thread opens its connection
    out["W0_baseline_1"] = run_fixed(port, agent, calls[:500], 1, sid)
    out["W0_baseline_8"] = run_fixed(port, agent, calls, 8, sid)
    customers = first_json(port, agent, "/api/v1/customers?limit=50")["items"]
    known = [{"customer": c["id"]} for c in customers]
    fresh = new_callers(2 * creates)
    for key, callers in (("W1_intake", known), ("W1_new_caller", fresh)):
        for clients, offset in ((1, 0), (8, creates)):
            batch = [
                intake_call(offset + i, callers[(offset + i) % len(callers)])
                for i in range(creates)
            ]
            out[f"{key}_{clients}"] = run_fixed(port, agent, batch, clients, sid)
    # the ceiling drifts by a quarter between minutes on a shared box: measured again after W1,
    # the ratio is to the mean of both
    out["W0_baseline_8_after_W1"] = run_fixed(port, agent, calls, 8, sid)
    w0 = [out[k] for k in ("W0_baseline_8", "W0_baseline_8_after_W1")]
    base = sum(row["rate_per_s"] for row in w0) / 2
    w0_cpu = [row.get("server_cpu_ms_per_request") for row in w0]
    for key in ("W1_intake_1", "W1_intake_8", "W1_new_caller_1", "W1_new_caller_8"):
        out[key]["ratio_to_W0"] = round(out[key]["rate_per_s"] / base, 3)
        if None not in w0_cpu and "server_cpu_ms_per_request" in out[key]:
            cpu = out[key]["server_cpu_ms_per_request"]
            out[key]["cpu_ratio_to_W0"] = round(cpu / (sum(w0_cpu) / 2), 2)
    return out


def workloads(
    db: str, port: int, env: dict, *, mixed_seconds: int = 60, skip: set[str] = frozenset()
) -> dict:
    agent = token(env, "agent")
    sid = int(env[SERVER_SID]) if SERVER_SID in env else None
    # W0 and W1: the ceiling of the machine for an authenticated JSON answer, intake through the API
    out = intake_workloads(port, agent, sid)
    if "reads" in skip:
        return out
    customers = first_json(port, agent, "/api/v1/customers?limit=50")["items"]

    # W2: an agent's everyday reads, pages as the signed-in agent, API with the token
    paths = w2_paths(port, agent)
    page_client = Client(port, cookies=sign_in(port, "agent"))
    api_client = Client(port, agent)
    out["W2"] = {
        name: timed(api_client if path.startswith("/api/") else page_client, path)
        for name, path in paths.items()
    }
    out["W2_paths"] = paths

    # W3: the supervisor's and the manager's figures
    out["W3"] = {}
    for user, pages in W3_PAGES.items():
        client = Client(port, cookies=sign_in(port, user))
        for name, path in pages.items():
            out["W3"][f"{user}_{name}"] = timed(client, path, warmups=2, runs=10)
    out["W3_paths"] = W3_PAGES

    # W4: 200 simulated agents for 60 s (bounded), a realistic mix at a person's pace, then the
    # same mix at a pace no person keeps (0.5–2 s between actions) to show where the server bends
    # each person works on tickets of their own (200 people noting one ticket would queue on
    # its row lock, which no department does)
    own = first_json(port, agent, "/api/v1/tickets?status=open&limit=200")["items"]
    ticket_ids = [t["id"] for t in own]
    for key, think in (("W4_mixed", HUMAN_THINK_S), ("W4_stress", STRESS_THINK_S)):
        out[key] = mixed_load(
            port, agent, customers, ticket_ids, people=200, seconds=mixed_seconds, think=think
        )
    w0_p50 = out["W0_baseline_1"]["p50_ms"]
    for group in ("W2", "W3"):
        for row in out[group].values():
            row["p95_over_W0_p50"] = round(row["p95_ms"] / w0_p50, 1)
    return out


# --- W5: customer import from .xlsx ---------------------------------------------------------------


def import_workbook(path: Path, rows: int, seed: int) -> None:
    """An .xlsx of ``rows`` new customers (write-only: openpyxl streams it to disk)."""
    from openpyxl import Workbook

    rnd = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
    tiers = ["普通", "银卡", "金卡", "VIP"]
    tags = ["", "老客户", "爱砍价", "复购,大促", "退货多"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户")
    ws.append(["姓名", "手机", "地址", "等级", "标签", "来源", "备注"])
    # a block of 199-numbers per run, so a second run against the same archive adds new people
    block = 10_000_000 + seed % 80 * 1_000_000
    for i in range(rows):
        ws.append(
            [
                rnd.choice(surnames) + rnd.choice(given) + rnd.choice(given),
                f"199{block + i:08d}",
                f"浙江省杭州市西湖区文三路{rnd.randint(1, 999)}号",
                rnd.choice(tiers),
                rnd.choice(tags),
                "淘宝",
                "",
            ]
        )
    wb.save(path)


def import_customers(env: dict, data_dir: Path, rows: int) -> dict:
    """W5: ``kefu customers import`` of ``rows`` customers → rows/s and the child's peak RSS."""
    path = data_dir / f"import-{rows}.xlsx"
    seed = int(time.time())
    built = time.perf_counter()
    import_workbook(path, rows, seed)
    workbook_seconds = time.perf_counter() - built
    # the peak RSS of children is a high-water mark over all of them: measure in a fresh child
    # of a fresh child, so the demo build and the server do not leak into the figure
    code = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "secs = time.perf_counter() - start\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': p.returncode, 'seconds': secs, 'rss_kb': rss,"
        " 'out': p.stdout[-2000:], 'err': p.stderr[-2000:]}))\n"
    )
    cmd = [sys.executable, "-c", code, *KEFU, "customers", "import", str(path)]
    cmd += ["--business-line", "shop", "--json"]
    done = subprocess.run(cmd, env={**env, "TQDM_DISABLE": "1"}, cwd=ROOT, capture_output=True)
    report = json.loads(done.stdout)
    path.unlink()
    if report["rc"] != 0:
        raise RuntimeError(f"the import failed: {report['err'][-500:]}")
    result = json.loads(report["out"][report["out"].index("{") :])
    return {
        "rows": rows,
        "created": result.get("created"),
        "seconds": round(report["seconds"], 1),
        "rows_per_s": round(rows / report["seconds"], 1),
        "peak_rss_mb": round(report["rss_kb"] / 1024),
        "workbook_build_seconds": round(workbook_seconds, 1),
    }


# --- query counts: the same paths in-process, counted by Django ------------------------------------


def count_queries(env: dict, paths: dict[str, dict[str, str]]) -> dict:
    """Queries per request for each path, counted in a child process by Django itself.

    ``paths`` maps a username to {name: path}; pages use a signed-in test client, API paths the
    user's session too (the API accepts it). Run on two data sizes: the counts must not grow.
    """
    code = (
        "import json, sys, django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from kefu.accounts.models import User\n"
        "out = {}\n"
        "for username, paths in json.loads(sys.stdin.read()).items():\n"
        "    c = Client(HTTP_HOST='127.0.0.1')\n"
        "    c.force_login(User.objects.get(username=username))\n"
        "    for name, path in paths.items():\n"
        "        c.get(path)\n"
        "        with CaptureQueriesContext(connection) as q:\n"
        "            status = c.get(path).status_code\n"
        "        out[f'{username}:{name}'] = {'status': status, 'queries': len(q)}\n"
        "print(json.dumps(out))\n"
    )
    child_env = {**env, "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(paths),
        env=child_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# seconds between two actions of one simulated agent: an agent on several chats at once reads,
# types and talks between clicks (a ticket takes minutes and a dozen requests); the stress pace
# is six times faster than the human one
HUMAN_THINK_S = (2.0, 10.0)
STRESS_THINK_S = (0.5, 2.0)


def mixed_load(
    port, tok, customers, ticket_ids, *, people: int, seconds: int, think: tuple[float, float]
) -> dict:
    stop_at = time.time() + seconds
    lat: list[float] = []
    errors = 0
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def person(n: int):
        nonlocal errors
        rnd = random.Random(n)
        client = Client(port, tok)
        ticket_id = ticket_ids[n % len(ticket_ids)]
        time.sleep(rnd.uniform(0, think[1]))  # people do not all click in the same millisecond
        while time.time() < stop_at:
            roll = rnd.random()
            if roll < 0.35:
                call = ("GET", "/api/v1/tickets?status=open&limit=25", None)
            elif roll < 0.6:
                call = ("GET", f"/api/v1/tickets/{ticket_id}", None)
            elif roll < 0.75:
                call = (
                    "GET",
                    "/api/v1/tickets?" + urlencode({"q": rnd.choice(["退款", "快递", "破损"])}),
                    None,
                )
            elif roll < 0.9:
                call = (
                    "POST",
                    f"/api/v1/tickets/{ticket_id}/notes",
                    {"body": "已联系客户，等待回复。"},
                )
            else:
                c = customers[n % len(customers)]
                call = (
                    "POST",
                    "/api/v1/tickets",
                    {
                        "title": "混合负载 咨询发票",
                        "type": "consult",
                        "channel": "im",
                        "priority": "normal",
                        "customer": c["id"],
                    },
                )
            status, _, secs = client.request(*call)
            with lock:
                lat.append(secs)
                errors += failed(status)
                if failed(status):
                    key = f"{call[0]} {call[1].split('?')[0]} → {status}"
                    statuses[key] = statuses.get(key, 0) + 1
            time.sleep(rnd.uniform(*think))

    start = time.perf_counter()
    threads = [threading.Thread(target=person, args=(n,), daemon=True) for n in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    return {
        **summary(lat, errors, time.perf_counter() - start),
        "people": people,
        "think_s": list(think),
        "error_statuses": statuses,
    }


def measure(db: str, run_dir: Path, args, skip: set[str]) -> dict:
    run: dict = {}
    paths = {}
    if "web" not in skip:
        with server(db, run_dir, args.port) as env:
            run.update(
                workloads(db, args.port, env, mixed_seconds=min(args.mixed_seconds, 120), skip=skip)
            )
        if "W2_paths" in run:
            paths = {"agent": run["W2_paths"], **run["W3_paths"]}
    env = env_for(db, run_dir)
    if "queries" not in skip and paths:
        run["queries_per_request"] = count_queries(env, paths)
    if "import" not in skip and args.import_rows:
        run["W5_import"] = import_customers(env, run_dir, args.import_rows)
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument(
        "--size", choices=["large"], help="1,000,000 tickets (kefu demo --size large)"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--mixed-seconds", type=int, default=60, help="length of W4 (≤ 120)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="W5 rows (0: skip)")
    parser.add_argument(
        "--skip",
        default="",
        help="comma list of parts to leave out: web, reads (W2–W4 after W0/W1), queries, import",
    )
    args = parser.parse_args()
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    result = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "tickets": 1_000_000 if args.size else args.tickets,
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "runs": {},
    }
    for db in dbs:
        if (
            db == "postgres"
            and subprocess.run([sys.executable, "tests/services_up.py"], cwd=ROOT).returncode
        ):
            result["runs"][db] = {"skipped": "PostgreSQL or Redis does not answer"}
            continue
        data_dir = data_dir_for(db, args.tickets, args.size)
        data_dir.mkdir(parents=True, exist_ok=True)
        run: dict = {"W6_build": build_data(db, data_dir, args.tickets, args.size)}
        if {"web", "queries", "import"} - skip:
            with scratch_copy(db, data_dir) as run_dir:
                run.update(measure(db, run_dir, args, skip))
        result["runs"][db] = run
        partial = ROOT / "bench" / "results" / f"web-{db}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        partial.write_text(json.dumps(run, ensure_ascii=False, indent=2))
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out = ROOT / "bench" / "results" / f"web-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
