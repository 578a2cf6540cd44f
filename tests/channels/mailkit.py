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


def fresh(raw: bytes, at=None) -> bytes:
    """``raw`` with its Date header set to ``at`` (default: now), as a mail just written."""
    import re
    from email.utils import format_datetime

    from django.utils import timezone

    date = b"Date: " + format_datetime(at or timezone.now()).encode()
    if re.search(rb"(?m)^Date: ", raw):
        return re.sub(rb"(?m)^Date: .*$", date, raw, count=1)
    return date + b"\n" + raw


class Dovecot:
    """Debian's dovecot-imapd on a free port with a throw-away config, Maildir and passwd-file
    (no protocol mock): ``deliver(raw)`` drops a message into the user's Maildir/new."""

    USER, PASSWORD = "kefu", "imap-secret"

    def __init__(self, root: Path, *, tls: bool = False):
        import os
        import pwd

        root.chmod(0o755)  # dovecot's auth process (user dovecot) reads the passwd-file
        self.root = root
        self.port = free_port()
        self.tls_port = free_port()
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
{self._ssl(root) if tls else "ssl = no"}
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
    address = 127.0.0.1
    port = {self.tls_port if tls else 0}
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

    def _ssl(self, root: Path) -> str:
        """A throw-away CA and a certificate for 127.0.0.1 signed by it (``self.ca``: the CA's
        PEM file, which a client trusts through SSL_CERT_FILE)."""
        import datetime as dt

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = dt.datetime.now(dt.UTC)

        def name(text: str) -> x509.Name:
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

        ca_key, key = (
            ec.generate_private_key(ec.SECP256R1()),
            ec.generate_private_key(ec.SECP256R1()),
        )
        ca = (
            x509.CertificateBuilder()
            .subject_name(name("kefu test CA"))
            .issuer_name(name("kefu test CA"))
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        import ipaddress

        cert = (
            x509.CertificateBuilder()
            .subject_name(name("127.0.0.1"))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        self.ca = root / "ca.pem"
        self.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (root / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (root / "key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem"

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
