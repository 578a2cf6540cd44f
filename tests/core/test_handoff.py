"""core.handoff: the hand-off thread only stores a job, whatever mode the queue is in by then; a
request's own thread enqueues as the queue says (run at once in tests)."""

from __future__ import annotations

import threading

from huey.contrib.djhuey import HUEY

from kefu.core.handoff import HandOff

ran: list[list[int]] = []


@HUEY.task()
def _record_job(ids: list[int]) -> None:
    ran.append(ids)


def test_the_hand_off_thread_stores_the_job_even_if_the_queue_runs_at_once():
    ran.clear()
    hand_off = HandOff("test-hand-off", lambda ids: hand_off.enqueue_task(_record_job.s(ids)))
    stored_before = HUEY.pending_count()
    hand_off.thread = threading.Thread(target=hand_off.flush)
    hand_off.ids = [7, 8]
    try:
        hand_off.thread.start()
        hand_off.thread.join(10)

        assert ran == []  # not run inside the thread, beside a test's teardown
        assert HUEY.pending_count() == stored_before + 1
    finally:
        HUEY.flush()


def test_a_request_thread_enqueues_as_the_queue_says():
    ran.clear()
    hand_off = HandOff("test-hand-off", lambda ids: hand_off.enqueue_task(_record_job.s(ids)))

    hand_off.add([5])  # the test queue runs at once

    assert ran == [[5]]
