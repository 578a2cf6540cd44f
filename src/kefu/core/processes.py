"""The child processes of ``kefu serve``: the web server, and a job worker kept alive.

A worker that dies (kill -9, out of memory, a crash) is started again after a back-off that
doubles while it keeps dying quickly (1 s … 60 s) and resets once it has run for a minute; the
web server is never touched by it. Jobs it was running are failed visibly by the reapers
(``workforce.tasks.roster_reap_job``), since Huey does not run a consumed task twice.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time

log = logging.getLogger("kefu.serve")

MAX_BACKOFF = 60.0
HEALTHY_AFTER = 60.0


class Worker:
    """``kefu worker`` as a child, restarted with back-off when it exits unasked."""

    def __init__(self, command: list[str] | None = None):
        self.command = command or [sys.executable, "-m", "kefu", "worker"]
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.backoff = 1.0
        self.restart_at: float | None = None
        self.restarts = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command)
        self.started = time.monotonic()
        self.restart_at = None

    def check(self, now: float | None = None) -> None:
        """Called about once a second by the serve loop."""
        now = time.monotonic() if now is None else now
        if self.proc is not None and self.proc.poll() is None:
            if now - self.started >= HEALTHY_AFTER:
                self.backoff = 1.0
            return
        if self.restart_at is None:
            code = self.proc.returncode if self.proc is not None else None
            self.restart_at = now + self.backoff
            print(
                f"kefu serve: the job worker exited (code {code}); restarting in {self.backoff:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            log.warning("job worker exited with %s; restart in %.0f s", code, self.backoff)
            self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        elif now >= self.restart_at:
            self.restarts += 1
            self.start()
            print(f"kefu serve: job worker restarted (pid {self.proc.pid})", flush=True)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()

    def wait(self, timeout: float) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
