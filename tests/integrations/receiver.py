"""A real HTTP receiver on 127.0.0.1 for webhook tests (http.server in a thread).

``Receiver.script`` says how to answer each request in turn ("ok", "fail", "slow"
(sleep past the client's timeout), "hang"); after the script it answers 200. Every request is
kept with its headers and body, and whether its signature verified."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kefu.integrations.signing import verify


class Receiver:
    def __init__(self, secret: str = "", *, slow_seconds: float = 3.0):
        self.secret = secret
        self.slow_seconds = slow_seconds
        self.script: deque[str] = deque()
        self.reject: set[str] = set()  # event ids always answered 500
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    action = receiver.script.popleft() if receiver.script else "ok"
                    if self.headers.get("X-Kefu-Event-Id") in receiver.reject:
                        action = "fail"
                    receiver.requests.append(
                        {
                            "headers": dict(self.headers),
                            "body": body,
                            "json": json.loads(body or b"null"),
                            "verified": verify(
                                receiver.secret,
                                body,
                                self.headers.get("X-Kefu-Timestamp"),
                                self.headers.get("X-Kefu-Signature"),
                            ),
                            "action": action,
                        }
                    )
                if action == "slow":
                    time.sleep(receiver.slow_seconds)
                elif action == "hang":
                    receiver.release.wait(60)
                code = 500 if action == "fail" else 200
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok" if code == 200 else b"no")
                except OSError:  # the sender hung up (timed out or was killed)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def event_ids(self) -> list[str]:
        with self.lock:
            return [r["headers"].get("X-Kefu-Event-Id") for r in self.requests]
