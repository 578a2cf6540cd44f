"""Hand-offs of committed work to the job queue from a thread of the process.

A request that commits a ticket must not wait for the queue's write (an fsync'd SQLite
transaction of about 4 ms; a Redis round trip on PostgreSQL set-ups), and under load one job
should carry many items. ``HandOff.add`` (called after the commit) gathers the ids committed
within ``WINDOW`` seconds and a thread of the process enqueues them as one job per ``BATCH``
(with a window of 0 the thread enqueues at once, and the ids committed while it writes make
the next job).
With an immediate queue (tests) it enqueues at once. A process that exits hands its last ids
over (``atexit``); one that is killed within the window loses the hand-off of those ids, which
is why every user of this keeps its own record of what is still to do where it matters (the
webhook outbox's minute sweep).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable


class HandOff:
    WINDOW = 0.05
    BATCH = 500

    def __init__(
        self, name: str, enqueue: Callable[[list[int]], None], window: float | None = None
    ) -> None:
        if window is not None:
            self.WINDOW = window
        self.name = name
        self.enqueue = enqueue
        self.lock = threading.Lock()
        self.ids: list[int] = []
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        atexit.register(self.flush)

    def add(self, ids: list[int]) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            self.enqueue(list(ids))
            return
        with self.lock:
            self.ids.extend(ids)
            if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            time.sleep(self.WINDOW)
            self.flush()

    def enqueue_task(self, task) -> None:
        """Put a Huey task on the queue. From this hand-off's own thread the job is only
        stored: had a test switched the queue back to run-at-once meanwhile, ``HUEY.enqueue``
        would run the job inside this thread, beside the test's teardown."""
        from huey.contrib.djhuey import HUEY

        if threading.current_thread() is self.thread:
            HUEY.storage.enqueue(HUEY.serialize_task(task), task.priority)
        else:
            HUEY.enqueue(task)

    def flush(self) -> None:
        with self.lock:
            ids, self.ids = self.ids, []
            self.wake.clear()
        for i in range(0, len(ids), self.BATCH):
            self.enqueue(ids[i : i + self.BATCH])
