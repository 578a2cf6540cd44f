"""``kefu serve`` on a port another program holds: before, it printed "Kefu started" (the
readiness poll reached the other program) and served nothing; now it says so and exits 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def test_serve_refuses_a_port_in_use(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        env = {**os.environ, "KEFU_DATA_DIR": str(tmp_path), "LANG": "zh_CN.UTF-8"}
        env.pop("DATABASE_URL", None)
        done = subprocess.run(
            [sys.executable, "-m", "kefu", "serve", "--no-worker", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert f"端口 {port} 已被其他程序占用" in done.stderr
    assert "已启动" not in done.stdout  # no "Kefu started"
    assert not (tmp_path / "kefu.sqlite3").exists()  # refused before migrating anything
