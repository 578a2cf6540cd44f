"""Kefu's webhook benchmark (issue 16 §2): delivery throughput to a local receiver, and the
ticket intake rate (POST /api/v1/tickets) with webhooks on vs off, against `kefu serve`.

Reuses bench/web_bench.py: the data set is built once per size (`kefu demo --tickets N`) in
var/bench/<db>-N and each run works on a throw-away copy. The receiver is an http.server on
127.0.0.1 in this process that answers 200 at once, so the figures are Kefu's side. Intake is
measured off → on → off → on (8 clients each time) and the ratio is mean(on) / mean(off), because
the ceiling of a shared 2-core box drifts from one minute to the next. Every loop is bounded.

    .venv/bin/python bench/webhook_bench.py --tickets 3000 --db sqlite --intake 400
    options: --db sqlite|postgres|both   --intake N (tickets per phase)   --port N
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_bench as wb

ROOT = wb.ROOT
# the per-token API rate limit (600 a minute) would answer 429 to the intake phases: off here
os.environ.setdefault("KEFU_API_RATE", "0")
EVENTS = "ticket.created,ticket.updated,ticket.status_changed,reply.created,note.created"


class Receiver:
    """Answers 200 to every POST and counts them (and distinct event ids)."""

    def __init__(self) -> None:
        self.count = 0
        self.ids: set[str] = set()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.count += 1
                    receiver.ids.add(self.headers.get("X-Kefu-Event-Id", ""))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def delivery_counts(db: str, env: dict) -> dict[str, int]:
    sql = "SELECT status, COUNT(*) FROM integrations_webhookdelivery GROUP BY status"
    if db == "postgres":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return dict(conn.execute(sql).fetchall())
    conn = sqlite3.connect(Path(env["KEFU_DATA_DIR"]) / "kefu.sqlite3", timeout=30)
    try:
        return dict(conn.execute(sql).fetchall())
    finally:
        conn.close()


def intake(port: int, token: str, customers: list[dict], start: int, n: int) -> dict:
    calls = [
        (
            "POST",
            "/api/v1/tickets",
            {
                "title": f"压测工单 {i} 快递没有收到",
                "description": "客户来电询问物流进度，请尽快处理。",
                "type": "consult",
                "channel": "phone",
                "priority": "normal",
                "customer": customers[i % len(customers)]["id"],
            },
        )
        for i in range(start, start + n)
    ]
    return wb.run_fixed(port, token, calls, 8)


def set_active(port: int, manager: str, hook: int, active: bool) -> None:
    status, body, _ = wb.Client(port, manager).request(
        "PATCH", f"/api/v1/webhooks/{hook}", {"active": active}
    )
    if status != 200:
        raise RuntimeError(f"PATCH webhook answered {status}: {body[:200]!r}")
    time.sleep(1.5)  # every server process sees it within KEFU_WEBHOOK_CHECK_SECONDS (1 s)


def measure(db: str, run_dir: Path, args) -> dict:
    out: dict = {}
    receiver = Receiver()
    with wb.server(db, run_dir, args.port) as env:
        agent, manager = wb.token(env, "agent"), wb.token(env, "manager")
        line = wb.first_json(args.port, manager, "/api/v1/accounts/me")
        line_id = line.get("business_line")
        added = wb.kefu(
            ["webhooks", "add", "--line", str(line_id), "--url", receiver.url, "--events", EVENTS],
            env,
        )
        hook = json.loads(added.stdout)["id"]
        customers = wb.first_json(args.port, agent, "/api/v1/customers?limit=50")["items"]
        wb.run_fixed(args.port, agent, [("GET", "/api/v1/accounts/me", None)] * 400, 8)  # warm
        phases = []
        n = args.intake
        for i, active in enumerate((False, True, False, True)):
            set_active(args.port, manager, hook, active)
            result = intake(args.port, agent, customers, i * n, n)
            result["webhooks"] = "on" if active else "off"
            phases.append(result)
        if any(p["errors"] for p in phases):
            raise RuntimeError(f"intake answered errors: {phases}")
        off = [p["rate_per_s"] for p in phases if p["webhooks"] == "off"]
        on = [p["rate_per_s"] for p in phases if p["webhooks"] == "on"]
        out["intake_phases"] = phases
        out["intake_off_per_s"] = round(sum(off) / len(off), 1)
        out["intake_on_per_s"] = round(sum(on) / len(on), 1)
        out["intake_ratio_on_off"] = round(out["intake_on_per_s"] / out["intake_off_per_s"], 3)
        waiting = delivery_counts(db, env)
        out["deliveries_written"] = sum(waiting.values())

    # delivery throughput 1: `kefu webhooks deliver` (one process, one keep-alive connection)
    env = wb.env_for(db, run_dir)
    start = time.perf_counter()
    done = wb.kefu(["webhooks", "deliver", "--json"], env)
    seconds = time.perf_counter() - start
    counts = json.loads(done.stdout)
    out["deliver_cli"] = {
        "deliveries": sum(counts.values()),
        "counts": counts,
        "seconds": round(seconds, 2),
        "per_s": round(sum(counts.values()) / seconds, 1),
        "note": "includes the command's start-up (Django set-up, about 1-2 s)",
    }

    # delivery throughput 2: the job worker (`kefu worker --workers 4`) sending a fresh batch
    with wb.server(db, run_dir, args.port) as env:
        agent = wb.token(env, "agent")
        customers = wb.first_json(args.port, agent, "/api/v1/customers?limit=50")["items"]
        before = delivery_counts(db, env).get("delivered", 0)
        intake(args.port, agent, customers, 10 * n, args.worker_batch)
        total = sum(delivery_counts(db, env).values())
        proc = subprocess.Popen(
            [*wb.KEFU, "worker", "--workers", "4"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        start = time.perf_counter()
        try:
            deadline = start + 300
            while time.perf_counter() < deadline:
                counts = delivery_counts(db, env)
                if counts.get("delivered", 0) >= total:
                    break
                time.sleep(0.25)
            seconds = time.perf_counter() - start
        finally:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)
        sent = delivery_counts(db, env).get("delivered", 0) - before
        out["deliver_worker"] = {
            "deliveries": sent,
            "seconds": round(seconds, 2),
            "per_s": round(sent / seconds, 1),
            "note": "from the worker's start (about 2 s of it start-up) to the last delivered",
        }
    out["receiver"] = {"posts": receiver.count, "distinct_event_ids": len(receiver.ids)}
    receiver.server.shutdown()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--intake", type=int, default=400, help="tickets per intake phase")
    parser.add_argument(
        "--worker-batch", type=int, default=1000, help="tickets whose deliveries the worker sends"
    )
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    result = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "tickets": args.tickets,
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
        data_dir = wb.data_dir_for(db, args.tickets, None)
        data_dir.mkdir(parents=True, exist_ok=True)
        wb.build_data(db, data_dir, args.tickets, None)
        with wb.scratch_copy(db, data_dir) as run_dir:
            result["runs"][db] = measure(db, run_dir, args)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out = ROOT / "bench" / "results" / f"webhooks-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
