"""Helpers of the e-mail channel tests: the .eml corpus and a free port."""

from __future__ import annotations

import socket
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CUSTOMER = "lixiaoming@example.com"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eml(name: str, **subs: str) -> bytes:
    """A fixture's bytes with ``{CUSTOMER}``, ``{NUMBER}``, ``{REF}`` filled in."""
    data = (FIXTURES / name).read_bytes()
    subs.setdefault("CUSTOMER", CUSTOMER)
    for key, value in subs.items():
        data = data.replace(b"{" + key.encode() + b"}", value.encode())
    return data


class Dovecot:
    """Debian's dovecot-imapd on a free port with a throw-away config, Maildir and passwd-file
    (no protocol mock): ``deliver(raw)`` drops a message into the user's Maildir/new."""

    USER, PASSWORD = "kefu", "imap-secret"

    def __init__(self, root: Path):
        import os
        import pwd

        root.chmod(0o755)  # dovecot's auth process (user dovecot) reads the passwd-file
        self.root = root
        self.port = free_port()
        self.maildir = root / "home" / self.USER / "Maildir"
        for sub in ("new", "cur", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        (root / "run").mkdir()
        (root / "state").mkdir()
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:  # dovecot never runs mail processes as root: the mail belongs to nobody
            nobody = pwd.getpwnam("nobody")
            self.owner = (nobody.pw_uid, nobody.pw_gid)
            for path in [root / "home", *(root / "home").rglob("*")]:
                os.chown(path, *self.owner)
        else:
            self.owner = None
        mail_uid, mail_gid = self.owner or (uid, gid)
        (root / "passwd").write_text(
            f"{self.USER}:{{PLAIN}}{self.PASSWORD}:{mail_uid}:{mail_gid}::{root}/home/{self.USER}::\n"
        )
        login = "dovenull" if uid == 0 else pwd.getpwuid(uid).pw_name
        internal = "dovecot" if uid == 0 else login
        (root / "passwd").chmod(0o644)
        (root / "dovecot.conf").write_text(
            f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {"dovecot" if uid == 0 else pwd.getpwuid(uid).pw_name}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
        )
        self._seq = 0

    def start(self) -> None:
        import subprocess
        import time

        subprocess.run(["/usr/sbin/dovecot", "-c", str(self.root / "dovecot.conf")], check=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError((self.root / "dovecot.log").read_text(errors="replace"))

    def stop(self) -> None:
        import subprocess

        subprocess.run(
            ["/usr/sbin/dovecot", "-c", str(self.root / "dovecot.conf"), "stop"], check=False
        )

    def deliver(self, raw: bytes) -> None:
        import time

        self._seq += 1
        name = f"{int(time.time())}.kefu{self._seq}.localhost"
        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        if self.owner:
            import os

            os.chown(tmp, *self.owner)
        tmp.rename(self.maildir / "new" / name)
