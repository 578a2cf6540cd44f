"""Webhooks survive a crash: kill -9 of the worker in the middle of a delivery loses nothing.
After the restart every event reaches the receiver at least once (the one in flight again,
with the same X-Kefu-Event-Id), and the outbox ends with every delivery delivered."""

from __future__ import annotations

import time

import pytest
from hardening.live_server import LiveServer, kill_group

from .live_helpers import call
from .receiver import Receiver

EVENTS = 30
SECRET = "crash-test-secret-000001"


def wait_for(predicate, *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.mark.slow
def test_worker_killed_mid_delivery_loses_no_event(tmp_path):
    live = LiveServer(tmp_path / "data", redis=False)
    # a short lease, so the restarted worker takes over the delivery in flight within seconds
    live.env.update(KEFU_WEBHOOK_LEASE_SECONDS="3", KEFU_WEBHOOK_TIMEOUT_SECONDS="30")
    worker = None
    with Receiver(SECRET) as receiver:
        try:
            live.migrate()
            line = call(live, "seed_line")["line"]
            added = live.kefu(
                "webhooks",
                "add",
                "--line",
                str(line),
                "--url",
                receiver.url,
                "--events",
                "customer.created",
                "--secret",
                SECRET,
            )
            assert added.returncode == 0, added.stderr
            # the receiver holds the first request open: the worker is mid-delivery
            receiver.script.append("hang")
            uids = call(live, "publish", line=line, count=EVENTS)["uids"]

            worker = live.spawn("worker", "--workers", "2")
            assert wait_for(lambda: receiver.requests, timeout=40), "no delivery started"
            kill_group(worker)
            worker = None
            at_kill = set(receiver.event_ids())
            assert len(at_kill) < EVENTS, "everything was sent before the kill"
            receiver.release.set()

            # restarted, the worker sends what was left, the delivery in flight included
            worker = live.spawn("worker", "--workers", "2")
            hung = receiver.requests[0]["headers"]["X-Kefu-Event-Id"]
            done = wait_for(
                lambda: (
                    set(receiver.event_ids()) >= set(uids) and receiver.event_ids().count(hung) >= 2
                ),
                timeout=40,
                interval=0.5,
            )
            assert done, f"{len(set(receiver.event_ids()))} of {EVENTS} events arrived"
            assert all(r["verified"] for r in receiver.requests)
            assert wait_for(
                lambda: call(live, "statuses") == {"delivered": EVENTS}, timeout=15, interval=1
            ), call(live, "statuses")
        finally:
            if worker is not None:
                kill_group(worker)
            live.close()
