"""Backups (issue 8): ``kefu backup`` / ``kefu restore`` round trips, verified table by table.

Runs on the database the suite runs on: SQLite (online backup API) or PostgreSQL through
DATABASE_URL (pg_dump / pg_restore).
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from kefu.cli import main
from kefu.core import backup
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Attachment, Ticket, TicketMessage
from kefu.tickets.services import attachment_add, ticket_create, ticket_reply

# bytes that are not text in any encoding: a restore must give them back unchanged
PICTURE = bytes(range(256)) * 40 + "发票照片".encode()


def _checksums() -> dict[str, dict]:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return backup.dialect_for(connection.connection).checksums()
    conn = backup._pg_connect(connection.settings_dict)
    try:
        return backup.dialect_for(conn).checksums()
    finally:
        conn.close()


def _build(org, agent, agent2) -> Attachment:
    customers = [
        customer_create(
            actor=agent, business_line=org.shop, name=f"客户{i}", phone=f"1380000{i:04d}"
        )
        for i in range(12)
    ]
    attachment = None
    for i, customer in enumerate(customers):
        ticket = ticket_create(
            actor=agent if i % 2 else agent2,
            title=f"退款进度查询 {i}",
            description="客户来电询问退款何时到账",
            type="refund",
            channel="phone",
            customer=customer,
        )
        reply = ticket_reply(actor=agent, ticket=ticket, body=f"您好，退款已提交 {i}")
        if i < 3:
            attachment = attachment_add(
                actor=agent,
                ticket=ticket,
                upload=SimpleUploadedFile(f"invoice-{i}.png", PICTURE),
                message=reply.pk,
            )
    return attachment


def _run(*argv: str) -> int:
    return main(list(argv))


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip_gives_back_every_table_and_attachment(
    org, agent, agent2, tmp_path, settings, capsys
):
    """Backups: a round trip compares every table's row count and checksum."""
    # given a department with customers, tickets, replies and attachments
    attachment = _build(org, agent, agent2)
    before = _checksums()
    counts = (Customer.objects.count(), Ticket.objects.count(), TicketMessage.objects.count())
    archive = tmp_path / "backups" / "kefu.tar.gz"

    # when it is backed up, then wiped (database and uploads), then restored
    assert _run("backup", "--out", str(archive)) == 0
    out = capsys.readouterr().out
    assert "counts and checksums match" in out
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert Customer.objects.count() == 0
    assert _run("restore", str(archive)) == 0

    # then every table holds the same rows, and the attachment the same bytes
    after = _checksums()
    assert backup.compare(before, after) == []
    assert sum(t["rows"] for t in after.values()) > 100
    assert (
        Customer.objects.count(),
        Ticket.objects.count(),
        TicketMessage.objects.count(),
    ) == counts
    restored = Attachment.objects.get(pk=attachment.pk)
    with restored.file.open("rb") as fh:
        assert fh.read() == PICTURE


@pytest.mark.django_db(transaction=True)
def test_backup_manifest_lists_vendor_row_counts_and_checksums(org, agent, agent2, tmp_path):
    """Backups: the archive carries a manifest (version, time, vendor, per-table counts)."""
    # given some data
    _build(org, agent, agent2)
    archive = tmp_path / "kefu.tar.gz"

    # when it is backed up
    result = backup.backup(out=archive)

    # then the manifest inside the archive describes the database table by table
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest == result.manifest
    assert manifest["format"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["file"] in names
    assert manifest["tables"]["customers_customer"]["rows"] == 12
    assert manifest["tables"]["tickets_ticket"]["rows"] == 12
    assert len(manifest["tables"]["tickets_ticket"]["sha256"]) == 64
    assert manifest["uploads"]["files"] == 3
    assert sum(1 for n in names if n.startswith("uploads/")) == 3
    assert manifest["created_at"].endswith("+00:00")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_unless_yes(org, agent, agent2, tmp_path, capsys):
    """Backups: restoring over a non-empty database needs --yes; nothing changes without it."""
    # given a backup, and a customer created after it
    _build(org, agent, agent2)
    archive = tmp_path / "kefu.tar.gz"
    backup.backup(out=archive)
    customer_create(actor=agent, business_line=org.shop, name="后来的客户", phone="13999990000")

    # when it is restored without --yes
    code = _run("restore", str(archive))

    # then it is refused with exit code 2, a clear message, and the late customer stays
    assert code == 2
    assert "not empty" in capsys.readouterr().err
    assert Customer.objects.filter(name="后来的客户").exists()

    # when it is restored with --yes, the database is the backup's again
    assert _run("restore", str(archive), "--yes") == 0
    assert not Customer.objects.filter(name="后来的客户").exists()
    assert Customer.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_verification_catches_a_tampered_archive(org, agent, agent2, tmp_path):
    """Backups: verification compares the copy with the manifest and reports a difference."""
    # given a backup whose manifest is altered afterwards
    _build(org, agent, agent2)
    archive = tmp_path / "kefu.tar.gz"
    manifest = backup.backup(out=archive).manifest
    manifest["tables"]["customers_customer"]["rows"] = 11
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name == "manifest.json":
                body = json.dumps(manifest).encode()
                member.size = len(body)
                dst.addfile(member, io.BytesIO(body))
            else:
                dst.addfile(member, data)

    # when it is verified, then the difference is named
    with pytest.raises(
        backup.BackupError, match="customers_customer: 12 rows, the manifest says 11"
    ):
        backup.verify_archive(tampered)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["restore", "/nonexistent/kefu.tar.gz"], "no such file"),
        (["restore", "{junk}"], "not a readable Kefu backup"),
        (["restore", "{empty_tar}"], "has no manifest.json"),
        (["backup", "--out", "{tmp}/kefu.zip"], "must end in .tar.gz"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_bad_input_exits_2_with_a_message(argv, message, tmp_path, capsys):
    """Backups: bad input gets a clear message on stderr and exit code 2."""
    # given a junk file and a .tar.gz without a manifest
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not an archive")
    empty_tar = tmp_path / "empty.tar.gz"
    with tarfile.open(empty_tar, "w:gz"):
        pass
    paths = {"junk": junk, "empty_tar": empty_tar, "tmp": tmp_path}
    argv = [a.format(**paths) for a in argv]

    # when the command runs, then it fails cleanly
    assert _run(*argv) == 2
    assert message in capsys.readouterr().err
    assert not Path(tmp_path / "kefu.zip").exists()
