"""IMAP polling of a mailbox into the one ingest path, tracking UID and UIDVALIDITY.

Each message is read with ``BODY.PEEK[]`` (the server's \\Seen flag is left alone) and the last
UID is saved after every message, so a crash mid-run resumes where it stopped; a new UIDVALIDITY
(the folder was rebuilt) reads the folder again from the start, and the once-per-mailbox
Message-ID constraint keeps that from importing anything twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl

from django.utils import timezone

from kefu.channels import services
from kefu.channels.models import Mailbox, Security

log = logging.getLogger("kefu.channels.imap")
TIMEOUT = 30
BATCH = 500  # messages per run and mailbox (the next run reads on)


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.imap_security == Security.SSL:
        conn = imaplib.IMAP4_SSL(
            mailbox.imap_host,
            mailbox.imap_port,
            ssl_context=ssl.create_default_context(),
            timeout=TIMEOUT,
        )
    else:
        conn = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
        if mailbox.imap_security == Security.STARTTLS:
            conn.starttls(ssl_context=ssl.create_default_context())
    conn.login(mailbox.imap_user, mailbox.imap_password)
    return conn


def fetch(mailbox: Mailbox) -> dict:
    """Read the new messages of ``mailbox`` → ``{fetched, created, threaded, skipped, errors}``."""
    counts = {"fetched": 0, "created": 0, "threaded": 0, "skipped": 0, "errors": 0}
    try:
        conn = _connect(mailbox)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        _note_error(mailbox, exc)
        counts["errors"] += 1
        return counts
    try:
        status, _data = conn.select(_quoted(mailbox.imap_folder), readonly=True)
        if status != "OK":
            raise imaplib.IMAP4.error(f"SELECT {mailbox.imap_folder}: {status}")
        validity = int(conn.untagged_responses.get("UIDVALIDITY", [b"0"])[0])
        last = mailbox.last_uid if mailbox.uidvalidity == validity else 0
        if mailbox.uidvalidity != validity:
            Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=validity, last_uid=0)
            mailbox.uidvalidity, mailbox.last_uid = validity, 0
        status, data = conn.uid("SEARCH", None, f"UID {last + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last)[:BATCH]
        for uid in uids:
            status, parts = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            counts["fetched"] += 1
            if status != "OK" or raw is None:
                counts["errors"] += 1
            else:
                try:
                    result = services.ingest(raw, mailbox=mailbox)
                    key = (
                        "created"
                        if result.created
                        else "threaded"
                        if result.threaded
                        else "skipped"
                    )
                    counts[key] += 1
                except Exception:  # one bad message never stops the mailbox
                    log.exception("mailbox %s: UID %s could not be imported", mailbox.pk, uid)
                    counts["errors"] += 1
            Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
            mailbox.last_uid = uid
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_fetch_at=timezone.now(), last_fetch_error=""
        )
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        _note_error(mailbox, exc)
        counts["errors"] += 1
    finally:
        with contextlib.suppress(Exception):  # the connection is gone already
            conn.logout()
    return counts


def _quoted(folder: str) -> str:
    return '"' + (folder or "INBOX").replace("\\", "\\\\").replace('"', '\\"') + '"'


def _note_error(mailbox: Mailbox, exc: BaseException) -> None:
    log.warning("mailbox %s: IMAP fetch failed: %s", mailbox.pk, exc)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_fetch_at=timezone.now(), last_fetch_error=f"{type(exc).__name__}: {exc}"[:1000]
    )


def fetch_all(mailbox_id: int | None = None) -> dict:
    """``fetch`` every active mailbox with an IMAP server (or the one ``mailbox_id``), summed."""
    total = {"fetched": 0, "created": 0, "threaded": 0, "skipped": 0, "errors": 0}
    boxes = (
        Mailbox.objects.filter(is_active=True)
        .exclude(imap_host="")
        .select_related("business_line", "intake_user")
    )
    if mailbox_id is not None:
        boxes = Mailbox.objects.filter(pk=mailbox_id).select_related("business_line", "intake_user")
    for mailbox in boxes:
        for key, value in fetch(mailbox).items():
            total[key] += value
    return total
