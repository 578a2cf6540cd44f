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
import resource
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
PG_URL = "postgres://postgres@127.0.0.1:5432/kefu_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"


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
    """One keep-alive HTTP connection to the server (one per simulated person)."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        data = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=self.headers)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 599, b"", time.perf_counter() - start
        return resp.status, payload, time.perf_counter() - start


def run_fixed(port, token, calls: list[tuple[str, str, dict | None]], concurrency: int) -> dict:
    """Run the given calls split over ``concurrency`` clients; summary of latencies."""
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
                if status >= 400:
                    errors += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, chunks))
    return summary(latencies, errors, time.perf_counter() - start)


def timed(port, token, path: str, warmups: int = 3, runs: int = 30) -> dict:
    client = Client(port, token)
    for _ in range(warmups):
        client.request("GET", path)
    lat, errors = [], 0
    start = time.perf_counter()
    for _ in range(runs):
        status, _, secs = client.request("GET", path)
        lat.append(secs)
        errors += status >= 400
    return summary(lat, errors, time.perf_counter() - start)


# --- the server under test --------------------------------------------------------------------------


def env_for(db: str, data_dir: Path) -> dict:
    env = {**os.environ, "KEFU_DATA_DIR": str(data_dir), "KEFU_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if db == "postgres":
        env["DATABASE_URL"] = PG_URL
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


def ensure_postgres_db() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname='kefu_bench'").fetchone()
        if not exists:
            c.execute("CREATE DATABASE kefu_bench")


def build_data(db: str, data_dir: Path, tickets: int, size: str | None) -> dict:
    """Build the demo data once per (db, size); W6 is the build's time and peak memory."""
    marker = data_dir / f"built-{size or tickets}.json"
    if marker.exists():
        return json.loads(marker.read_text())
    env = env_for(db, data_dir)
    if db == "postgres":
        ensure_postgres_db()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "kefu_bench",
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
    kefu(args, env, capture=False)
    w6 = {
        "seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(
            max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        ),
        "args": args,
    }
    marker.write_text(json.dumps(w6))
    return w6


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


def workloads(db: str, port: int, env: dict) -> dict:
    agent, supervisor = token(env, "agent"), token(env, "supervisor")
    me = first_json(port, agent, "/api/v1/accounts/me")
    out: dict = {}

    # W0: the ceiling of the machine for an authenticated JSON answer
    calls = [("GET", "/api/v1/accounts/me", None)] * 2000
    out["W0_baseline_1"] = run_fixed(port, agent, calls[:500], 1)
    out["W0_baseline_8"] = run_fixed(port, agent, calls, 8)

    # W1: intake through the API
    customers = first_json(port, agent, "/api/v1/customers?limit=50")["items"]

    def create_call(i):
        c = customers[i % len(customers)]
        return (
            "POST",
            "/api/v1/tickets",
            {
                "title": f"压测工单 {i} 快递没有收到",
                "description": "客户来电询问物流进度，请尽快处理。",
                "type": "consult",
                "channel": "phone",
                "priority": "normal",
                "customer": c["id"],
            },
        )

    out["W1_intake_1"] = run_fixed(port, agent, [create_call(i) for i in range(1000)], 1)
    out["W1_intake_8"] = run_fixed(port, agent, [create_call(i) for i in range(1000, 2000)], 8)

    # W2: an agent's everyday reads
    ticket_id = first_json(port, agent, "/api/v1/tickets?limit=1")["items"][0]["id"]
    team = me.get("team")
    phone4 = customers[0]["phone"][-4:] if customers[0]["phone"][-4:].isdigit() else "1380"
    w2 = {
        "queue_page": "/tickets/?tab=mine",
        "filtered_page": f"/tickets/?team={team}&status=open&ordering=due_at",
        "search_page": "/tickets/?" + urlencode({"q": "快递"}),
        "customer_lookup_page": "/customers/?" + urlencode({"q": phone4}),
        "detail_page": f"/tickets/{ticket_id}/",
        "queue_api": "/api/v1/tickets?assignee=me&status=open&limit=25",
        "filtered_api": f"/api/v1/tickets?team={team}&status=open&ordering=due_at&limit=25",
        "search_api": "/api/v1/tickets?" + urlencode({"q": "快递", "limit": 25}),
        "customer_lookup_api": "/api/v1/customers?" + urlencode({"q": phone4}),
        "detail_api": f"/api/v1/tickets/{ticket_id}",
    }
    out["W2"] = {name: timed(port, agent, path) for name, path in w2.items()}
    # W3: the supervisor's figures
    out["W3"] = {"home_supervisor": timed(port, supervisor, "/")}

    # W4: 200 simulated agents for 60 s (bounded), a realistic mix
    out["W4_mixed"] = mixed_load(port, agent, customers, ticket_id, people=200, seconds=60)
    base = out["W0_baseline_8"]["rate_per_s"]
    for key in ("W1_intake_1", "W1_intake_8"):
        out[key]["ratio_to_W0"] = round(out[key]["rate_per_s"] / base, 3)
    w0_p50 = out["W0_baseline_1"]["p50_ms"]
    for group in ("W2", "W3"):
        for row in out[group].values():
            row["p95_over_W0_p50"] = round(row["p95_ms"] / w0_p50, 1)
    return out


def mixed_load(port, tok, customers, ticket_id, *, people: int, seconds: int) -> dict:
    stop_at = time.time() + seconds
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()

    def person(n: int):
        nonlocal errors
        rnd = random.Random(n)
        client = Client(port, tok)
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
                errors += status >= 400
            time.sleep(rnd.uniform(0.5, 2.0))  # think time of a person

    start = time.perf_counter()
    threads = [threading.Thread(target=person, args=(n,), daemon=True) for n in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    return summary(lat, errors, time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument(
        "--size", choices=["large"], help="1,000,000 tickets (kefu demo --size large)"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    result = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "tickets": 1_000_000 if args.size else args.tickets,
        "runs": {},
    }
    for db in dbs:
        if (
            db == "postgres"
            and subprocess.run([sys.executable, "tests/services_up.py"], cwd=ROOT).returncode
        ):
            result["runs"][db] = {"skipped": "PostgreSQL or Redis does not answer"}
            continue
        data_dir = ROOT / "var" / "bench" / db
        data_dir.mkdir(parents=True, exist_ok=True)
        w6 = build_data(db, data_dir, args.tickets, args.size)
        with server(db, data_dir, args.port) as env:
            run = workloads(db, args.port, env)
        run["W6_build"] = w6
        result["runs"][db] = run
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out = ROOT / "bench" / "results" / f"web-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
