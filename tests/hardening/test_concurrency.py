"""Concurrency (issue 8): many simultaneous writers against a live ``kefu serve``.

Several gunicorn gthread workers, threads released together by a barrier, Bearer tokens; on
SQLite, and on PostgreSQL when the suite runs with DATABASE_URL. No lost update, no duplicate
customer, callback or escalation, and nothing left locked afterwards.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections import Counter

import pytest

from .live_server import HERE, PYTHON, LiveServer

pytestmark = pytest.mark.slow

WRITERS = 12


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live-concurrency"), workers=3, threads=4)
    try:
        server.migrate()
        server.seed = server.call("seed_org")
        server.start()
        yield server
    finally:
        server.close()


def together(n: int, send) -> list:
    """Call ``send(i)`` from n threads released at the same moment; the responses in order."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send(i)
        except Exception as exc:  # a transport error is a result the test reports
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def statuses(responses) -> Counter:
    return Counter(getattr(r, "status_code", repr(r)) for r in responses)


def test_simultaneous_ticket_patches_with_one_version_one_wins_no_lost_update(live):
    """Concurrency: same ticket, same version → exactly one 200, the rest 409, winner's state."""
    # given a ticket at version v
    token = live.seed["agents"][0]
    with live.client(token) as api:
        created = api.post(
            "/api/v1/tickets",
            json={
                "title": "包裹丢失",
                "type": "complaint",
                "channel": "phone",
                "customer_phone": "13800001111",
                "customer_name": "王五",
            },
        )
    assert created.status_code == 201, created.text
    ticket, version = created.json()["id"], created.json()["version"]
    clients = [live.client(live.seed["agents"][i % 2]) for i in range(WRITERS)]

    # when 12 writers PATCH it at once, each with version v and its own title
    responses = together(
        WRITERS,
        lambda i: clients[i].patch(
            f"/api/v1/tickets/{ticket}", json={"version": version, "title": f"包裹丢失 第{i}版"}
        ),
    )

    # then one is accepted, the others are told it is stale, and the ticket holds the winner's
    assert statuses(responses) == Counter({200: 1, 409: WRITERS - 1})
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"stale"}
    with live.client(token) as api:
        final = api.get(f"/api/v1/tickets/{ticket}").json()
    assert (final["title"], final["version"]) == (f"包裹丢失 第{winner}版", version + 1)
    for c in clients:
        c.close()


def test_simultaneous_intakes_get_their_own_ids_and_numbers(live):
    """Concurrency: the id is taken before the INSERT; 12 tickets at once → 12 ids, 12 numbers,
    each number ending in its own ticket's id, and their SLA deadlines saved with them."""
    clients = [live.client(live.seed["agents"][i % 2]) for i in range(WRITERS)]
    responses = together(
        WRITERS,
        lambda i: clients[i].post(
            "/api/v1/tickets",
            json={
                "title": f"发票怎么开 {i}",
                "type": "consult",
                "channel": "im",
                "customer_phone": f"1380000{i:04d}",
                "customer_name": f"客户{i}",
            },
        ),
    )
    assert statuses(responses) == Counter({201: WRITERS})
    tickets = [r.json() for r in responses]
    assert len({t["id"] for t in tickets}) == len({t["number"] for t in tickets}) == WRITERS
    assert all(t["number"].endswith(f"{t['id']:07d}") for t in tickets)
    assert all(t["due_at"] > t["created_at"] for t in tickets)
    for c in clients:
        c.close()


def test_simultaneous_customer_creates_with_one_phone_make_one_customer(live):
    """Concurrency: same phone at once → exactly one 201, the rest 409 duplicate_phone."""
    # given 12 agents typing the same new caller at the same moment
    clients = [live.client(live.seed["agents"][i % 2]) for i in range(WRITERS)]

    # when they all create the customer
    responses = together(
        WRITERS,
        lambda i: clients[i].post(
            "/api/v1/customers", json={"name": f"赵六{i}", "phone": "139 0000 2222"}
        ),
    )

    # then one archive entry exists and the others are pointed to it
    assert statuses(responses) == Counter({201: 1, 409: WRITERS - 1})
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes == {"duplicate_phone"}
    with live.client(live.seed["supervisor"]) as api:
        found = api.get("/api/v1/customers", params={"q": "00002222"}).json()["items"]
    assert len(found) == 1
    for c in clients:
        c.close()


def test_simultaneous_intakes_of_one_new_caller_make_one_customer(live):
    """Concurrency (issue 24): the phone golden path, one new caller typed by 12 agents at once →
    12 tickets, all for one new customer (the lookup-then-create is one under the phone's lock)."""
    clients = [live.client(live.seed["agents"][i % 2]) for i in range(WRITERS)]
    responses = together(
        WRITERS,
        lambda i: clients[i].post(
            "/api/v1/tickets",
            json={
                "title": f"来电 {i}",
                "type": "consult",
                "channel": "phone",
                "customer_phone": "139 0000 3333",
                "customer_name": f"钱七{i}",
            },
        ),
    )
    assert statuses(responses) == Counter({201: WRITERS})
    assert len({r.json()["customer"] for r in responses}) == 1
    with live.client(live.seed["supervisor"]) as api:
        found = api.get("/api/v1/customers", params={"q": "00003333"}).json()["items"]
    assert len(found) == 1
    for c in clients:
        c.close()


def test_simultaneous_callback_outcomes_log_once(live):
    """Concurrency: one callback, many outcome posts with its version → one success."""
    # given an open callback task
    (callback,) = live.call("seed_callbacks", count=1)
    before = live.call("counts")
    clients = [live.client(live.seed["agents"][0]) for _ in range(WRITERS)]

    # when 12 posts of an outcome arrive together, half 满意 and half 未接通
    responses = together(
        WRITERS,
        lambda i: clients[i].post(
            f"/api/v1/followups/callbacks/{callback['id']}/outcome",
            json={
                "version": callback["version"],
                "outcome": "satisfied" if i % 2 else "unreachable",
            },
        ),
    )

    # then one is logged, the rest are refused, and exactly one follow-on task is made
    # (满意 on a first callback schedules the second one; 未接通 schedules the retry)
    assert statuses(responses) == Counter({200: 1, 409: WRITERS - 1})
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes <= {"stale", "callback_closed"}
    after = live.call("counts")
    assert after["callbacks"] == before["callbacks"] + 1
    for c in clients:
        c.close()


def test_concurrent_cadence_runs_create_each_escalation_and_callback_once(live):
    """Concurrency: periodic jobs running at once (4 processes) create nothing twice."""
    # given 6 callbacks left 不满意 (escalations due) and the inactivity rule on
    seeded = live.call("seed_callbacks", count=6, dissatisfied=True)
    live.call("enable_inactivity")
    before = live.call("counts")

    # when four workers run the cadence job at the same moment, 21 days later
    runs = [
        subprocess.Popen(
            [PYTHON, str(HERE), "cadence", '{"days_ahead": 21}'],
            env=live.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0, 0], [err[-2000:] for _, err in outputs]
    after = live.call("counts")
    # and once more afterwards
    live.call("cadence", days_ahead=21)
    again = live.call("counts")

    # then every due escalation exists exactly once, with one audit event each, and the
    # inactivity callbacks were made once: a further run adds nothing
    escalated = after["escalations"] - before["escalations"]
    assert escalated == len(seeded)
    assert after["escalation_callbacks"] == after["escalations"]
    assert after["audit_escalate"] - before["audit_escalate"] == len(seeded)
    assert after["inactivity"] > before["inactivity"]
    assert again == after


def test_server_answers_and_nothing_is_left_locked_after_the_load(live):
    """Concurrency: no deadlock left behind; no 'database is locked' under this load."""
    # given the load of the tests above (this test runs last in the module)
    # when a read and a write arrive
    with live.client(live.seed["agents"][0]) as api:
        listed = api.get("/api/v1/tickets", params={"limit": 5})
        created = api.post("/api/v1/customers", json={"name": "收尾", "phone": "13600003333"})

    # then both are served, and a new writer gets the SQLite write lock at once
    assert (listed.status_code, created.status_code) == (200, 201)
    if live.vendor == "sqlite":
        conn = sqlite3.connect(live.sqlite_path, timeout=2)
        conn.execute("BEGIN IMMEDIATE")
        conn.rollback()
        conn.close()
    assert "database is locked" not in live.log()
    assert "Traceback" not in live.log()
