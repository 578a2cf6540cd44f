"""Real servers, no protocol mocks (issue 17 "Must show"): Debian's dovecot-imapd started on a
free port with a throw-away config, Maildir and passwd-file, read by ``kefu mail fetch`` with
UID/UIDVALIDITY tracking; the inbound SMTP endpoint (aiosmtpd); ``kefu mail ingest``."""

from __future__ import annotations

import json
import os
import shutil
import smtplib
import tempfile
from pathlib import Path

import pytest

from kefu.channels import services, smtpd
from kefu.channels.models import InboundMail, Mailbox
from kefu.cli import main
from kefu.tickets.models import Ticket

from .mailkit import Dovecot, eml, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def dovecot():
    if not Path("/usr/sbin/dovecot").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot-imapd is not installed (make browser installs it)")
        pytest.skip("dovecot-imapd is not installed (make browser installs it)")
    root = Path(tempfile.mkdtemp(prefix="kefu-dovecot-"))
    server = Dovecot(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot_tls():
    """dovecot with IMAPS and STARTTLS, its certificate signed by a throw-away CA."""
    if not Path("/usr/sbin/dovecot").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot-imapd is not installed (make browser installs it)")
        pytest.skip("dovecot-imapd is not installed (make browser installs it)")
    root = Path(tempfile.mkdtemp(prefix="kefu-dovecot-tls-"))
    server = Dovecot(root, tls=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _run(capsys, *argv) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 and out.strip().startswith("{") else None, err


def test_kefu_mail_fetch_reads_dovecot_once_by_uid(mailbox, manager, dovecot, capsys):
    services.mailbox_update(
        actor=manager,
        mailbox=mailbox,
        version=mailbox.version,
        changes={
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_security": "none",
            "imap_user": dovecot.USER,
            "imap_password": dovecot.PASSWORD,
        },
    )
    dovecot.deliver(eml("outlook_gbk.eml"))
    dovecot.deliver(eml("autoreply.eml", NUMBER="T1"))
    dovecot.deliver(eml("outlook_gbk.eml"))  # the same message delivered twice
    code, counts, _ = _run(capsys, "mail", "fetch", "--mailbox", str(mailbox.pk), "--json")
    assert code == 0
    assert counts == {"fetched": 3, "created": 1, "threaded": 0, "skipped": 2, "errors": 0}
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 3 and mailbox.uidvalidity

    number = Ticket.objects.get().number
    dovecot.deliver(eml("qq_reply_token.eml", NUMBER=number))
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert counts == {"fetched": 1, "created": 0, "threaded": 1, "skipped": 0, "errors": 0}

    # the folder was rebuilt (a new UIDVALIDITY): read again from the start, nothing twice
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1)
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert counts["fetched"] == 4 and counts["created"] == counts["threaded"] == 0
    assert InboundMail.objects.count() == 3


def test_a_fetch_that_dies_mid_run_resumes_and_imports_nothing_twice(
    mailbox, manager, dovecot, capsys, monkeypatch
):
    """Issue 17 §1: "imported once, also with … a crash mid-run". The worker dies (SystemExit,
    which nothing catches) right after the second message committed, before its UID is saved;
    the next run reads that message again and answers duplicate, then reads the third."""
    from kefu.channels import imap

    services.mailbox_update(
        actor=manager,
        mailbox=mailbox,
        version=mailbox.version,
        changes={
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_security": "none",
            "imap_user": dovecot.USER,
            "imap_password": dovecot.PASSWORD,
        },
    )
    for n in range(3):
        raw = eml("outlook_gbk.eml").replace(b"$@example.com>", f"${n}@example.com>".encode())
        dovecot.deliver(raw)
    real_ingest, calls = services.ingest, []

    def ingest_then_die(raw, **kw):
        result = real_ingest(raw, **kw)
        calls.append(result)
        if len(calls) == 2:
            raise SystemExit("the worker is killed")
        return result

    monkeypatch.setattr(imap.services, "ingest", ingest_then_die)
    with pytest.raises(SystemExit):
        imap.fetch_all()
    assert InboundMail.objects.count() == 2 and Mailbox.objects.get().last_uid == 1
    monkeypatch.setattr(imap.services, "ingest", real_ingest)
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert code == 0
    assert counts == {"fetched": 2, "created": 1, "threaded": 0, "skipped": 1, "errors": 0}
    assert InboundMail.objects.count() == 3 and Ticket.objects.count() == 3


def test_a_wrong_imap_password_is_an_error_count_and_a_note_on_the_mailbox(
    mailbox, manager, dovecot, capsys
):
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_host="127.0.0.1", imap_port=dovecot.port, imap_security="none", imap_user="kefu"
    )
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert code == 0 and counts["errors"] == 1 and counts["fetched"] == 0
    assert Mailbox.objects.get(pk=mailbox.pk).last_fetch_error


def test_kefu_mail_ingest_prints_the_ticket_and_refuses_bad_input(mailbox, tmp_path, capsys):
    path = tmp_path / "in.eml"
    path.write_bytes(eml("utf8_attachments.eml"))
    code, data, _ = _run(capsys, "mail", "ingest", str(path), "--json")
    assert code == 0 and set(data) == {"ticket", "created", "threaded"}  # the stable keys
    assert data["created"] is True and data["threaded"] is False
    assert Ticket.objects.get(number=data["ticket"]).channel == "email"

    code, _, err = _run(capsys, "mail", "ingest", str(tmp_path / "missing.eml"))
    assert code == 2 and "no such file" in err
    code, _, err = _run(capsys, "mail", "ingest", str(path), "--mailbox", "999999")
    assert code == 2 and "unknown mailbox" in err
    code, _, err = _run(capsys, "mail", "fetch", "--mailbox", "999999", "--json")
    assert code == 2 and "unknown mailbox" in err
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    code, _, err = _run(capsys, "mail", "ingest", str(empty))
    assert code == 2 and "empty" in err


@pytest.mark.django_db(transaction=True)
def test_the_smtp_endpoint_imports_what_a_relay_delivers(org, manager, agent):
    mailbox = services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )
    port = free_port()
    controller = smtpd.controller("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as relay:
            relay.sendmail("a@example.com", ["service@shop.example"], eml("big5.eml"))
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                relay.sendmail("a@example.com", ["nobody@shop.example"], eml("big5.eml"))
    finally:
        controller.stop()
    inbound = InboundMail.objects.get(mailbox=mailbox)
    assert inbound.ticket.title == "訂單查詢" and inbound.body == "請問我的訂單何時發貨？謝謝。"


@pytest.mark.django_db(transaction=True)
def test_kefu_mail_smtpd_serves_a_relay_until_stopped_and_refuses_a_bad_address(
    org, manager, agent, capsys
):
    import socket
    import threading
    import time

    services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )
    port = free_port()
    codes = []
    thread = threading.Thread(
        target=lambda: codes.append(main(["mail", "smtpd", "--port", str(port)])), daemon=True
    )
    thread.start()
    for _ in range(100):  # until it listens (at most 10 s)
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    try:
        with smtplib.SMTP("127.0.0.1", port) as relay:
            relay.sendmail("a@example.com", ["service@shop.example"], eml("outlook_gbk.eml"))
            # an empty message is refused for good (5xx), not left to be retried
            with pytest.raises(smtplib.SMTPDataError) as refused:
                relay.sendmail("a@example.com", ["service@shop.example"], b"\r\n")
            assert refused.value.smtp_code == 554
    finally:
        smtpd.stopping.set()
        thread.join(timeout=10)
    assert codes == [0] and not thread.is_alive()
    assert InboundMail.objects.get().ticket.title == "图书缺页（朱镕基传）"
    assert f"Listening for mail on 127.0.0.1:{port}" in capsys.readouterr().out

    # a port already taken: bad input, stderr and exit code 2, no traceback
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        code, _data, err = _run(capsys, "mail", "smtpd", "--port", str(busy))
    assert code == 2 and "cannot listen" in err


def test_kefu_mail_fetch_over_imaps_and_starttls_checks_the_certificate(
    mailbox, manager, dovecot_tls, capsys, monkeypatch
):
    def use(port: int, security: str) -> None:
        box = Mailbox.objects.get(pk=mailbox.pk)
        services.mailbox_update(
            actor=manager,
            mailbox=box,
            version=box.version,
            changes={
                "imap_host": "127.0.0.1",
                "imap_port": port,
                "imap_security": security,
                "imap_user": dovecot_tls.USER,
                "imap_password": dovecot_tls.PASSWORD,
            },
        )

    use(dovecot_tls.tls_port, "ssl")
    dovecot_tls.deliver(eml("outlook_gbk.eml"))
    # a certificate no trusted authority signed: refused, the reason noted on the mailbox
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.root / "nothing-trusted.pem"))
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert code == 0 and counts["errors"] == 1 and counts["fetched"] == 0
    assert "CERTIFICATE_VERIFY_FAILED" in Mailbox.objects.get(pk=mailbox.pk).last_fetch_error
    # the installation trusts the CA: IMAPS reads the mail
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.ca))
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert counts == {"fetched": 1, "created": 1, "threaded": 0, "skipped": 0, "errors": 0}
    # STARTTLS on the plain port reads on from the same UID
    use(dovecot_tls.port, "starttls")
    number = Ticket.objects.get().number
    dovecot_tls.deliver(eml("qq_reply_token.eml", NUMBER=number))
    code, counts, _ = _run(capsys, "mail", "fetch", "--json")
    assert counts == {"fetched": 1, "created": 0, "threaded": 1, "skipped": 0, "errors": 0}
    assert Mailbox.objects.get(pk=mailbox.pk).last_fetch_error == ""
