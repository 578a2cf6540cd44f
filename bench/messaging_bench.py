"""Kefu's inbound webhook benchmark (issue 17 §4): signed SMS webhooks from 8 clients against
`kefu serve`, on a scratch database in its own data directory.

Each client posts `--per-client` signed messages to POST /api/v1/channels/sms/inbound; one in
five is a provider's re-delivery of a message already sent (same id), which must be stored once;
the rest come from 40 phones per client, so about half open tickets and half join the open ticket
of their phone. It prints JSON: messages/s, latency p50/p95/max, the answers by status, and the
rows stored (inbound rows == distinct ids, the check that a duplicate is stored once). Every
loop is bounded; the server listens on 127.0.0.1 only.

    .venv/bin/python bench/messaging_bench.py [--clients 8] [--per-client 100] [--port 8765]
    with DATABASE_URL=postgres://… to run it on PostgreSQL (the database is emptied first)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SECRET = "bench-inbound-secret"


def kefu(env, *args, **kw):
    return subprocess.run([sys.executable, "-m", "kefu", *args], env=env, check=True, **kw)


def setup(env) -> None:
    kefu(env, "migrate", stdout=subprocess.DEVNULL)
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','kefu.settings');"
        "django.setup();"
        "from kefu.accounts.models import BusinessLine;"
        "from kefu.accounts import services as s;"
        "BusinessLine.objects.filter(code='shop').exists() or "
        "s.business_line_create(name='网店', code='shop', industry='ecommerce')"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


def wait_up(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def client(port: int, n: int, per: int, out: list, codes: dict, lock) -> None:
    from kefu.channels.messaging.signing import sign

    url = f"http://127.0.0.1:{port}/api/v1/channels/sms/inbound"
    for i in range(per):
        ident = f"b{n}-{i - 1}" if i % 5 == 4 else f"b{n}-{i}"  # every 5th: a re-delivery
        body = json.dumps(
            {
                "id": ident,
                "from": f"139{n:02d}{i % 40:06d}",
                "text": f"我的快递还没到，单号{i}",
                "business_line": "shop",
            },
            ensure_ascii=False,
        ).encode()
        stamp = str(int(time.time()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Kefu-Timestamp": stamp,
                "X-Kefu-Signature": sign(SECRET, stamp, body),
            },
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        elapsed = time.perf_counter() - start
        with lock:
            out.append(elapsed)
            codes[status] = codes.get(status, 0) + 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=100)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kefu-msg-bench-"))
    env = {
        **os.environ,
        "KEFU_DATA_DIR": str(data),
        "KEFU_INBOUND_SECRET": SECRET,
        "KEFU_API_RATE": "0",
        "PYTHONPATH": str(ROOT / "src"),
    }
    os.environ.update({k: env[k] for k in ("KEFU_DATA_DIR", "KEFU_INBOUND_SECRET")})
    if env.get("DATABASE_URL"):
        kefu(env, "migrate", stdout=subprocess.DEVNULL)
        reset = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','kefu.settings');"
            "django.setup(); from kefu.channels.messaging.models import InboundMessage as M;"
            "M.objects.all().delete()"
        )
        subprocess.run([sys.executable, "-c", reset], env=env, check=True)
    setup(env)
    server = subprocess.Popen(
        [sys.executable, "-m", "kefu", "serve", "--no-worker", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(args.port, time.time() + 90)
        latencies: list[float] = []
        codes: dict[int, int] = {}
        lock = threading.Lock()
        threads = [
            threading.Thread(
                target=client, args=(args.port, n, args.per_client, latencies, codes, lock)
            )
            for n in range(args.clients)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    count = (
        "import django, os, json; os.environ.setdefault('DJANGO_SETTINGS_MODULE','kefu.settings');"
        "django.setup(); from kefu.channels.messaging.models import InboundMessage as M;"
        "print(json.dumps({'inbound_rows': M.objects.count(),"
        " 'tickets_opened': M.objects.filter(opened_ticket=True).count()}))"
    )
    stored = json.loads(
        subprocess.run(
            [sys.executable, "-c", count], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    total = len(latencies)
    latencies.sort()
    distinct = args.clients * (args.per_client - args.per_client // 5)
    print(
        json.dumps(
            {
                "database": "postgres" if env.get("DATABASE_URL") else "sqlite",
                "clients": args.clients,
                "requests": total,
                "seconds": round(wall, 2),
                "messages_per_s": round(total / wall, 1),
                "latency_ms": {
                    "p50": round(statistics.median(latencies) * 1000, 1),
                    "p95": round(latencies[int(total * 0.95) - 1] * 1000, 1),
                    "max": round(latencies[-1] * 1000, 1),
                },
                "answers": {str(k): v for k, v in sorted(codes.items())},
                "distinct_ids": distinct,
                **stored,
                "stored_once": stored["inbound_rows"] == distinct,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
