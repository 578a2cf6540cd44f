"""Bulk import of customers from .xlsx (ARC-6) and export of a filtered list to .xlsx.

Import reads the workbook twice in openpyxl's read-only (streaming) mode: the first pass
validates every row and collects row-level errors, the second inserts the valid rows in batches
(``bulk_create`` of customers, their phone index and assets). So 100,000 rows never sit in
memory at once, and nothing is loaded unless the whole file is valid (or ``allow_partial``).

Each batch is its own short transaction: on SQLite, where one writer holds the database at a
time, a long import must not keep intakes and replies waiting past their busy timeout. A
``CustomerImport`` row records the last committed row, so an import that was killed resumes
where it stopped when the same file is imported again, and the same file cannot be imported
twice at once (a double click, two tabs). Each batch also locks its phones (the keys
``customer_create`` takes) and looks again for those that arrived since validation, so a phone
never enters the archive twice; such rows are reported as row errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, db, events, scope
from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.customers import sheets
from kefu.customers.models import (
    Customer,
    CustomerImport,
    ImportStatus,
    PhoneGram,
    PropertyUnit,
    Tier,
    Vehicle,
)
from kefu.customers.selectors import shown_address, shown_phone
from kefu.customers.services import phone_grams, tag_index

# rows per insert batch: one batch is ~1,000 customers + ~8,000 phone grams, small enough for
# SQLite's variable limit in Django's own sub-batching and for a short write lock
BATCH = 1000
# row errors kept for the report; the count is always exact
MAX_REPORTED_ERRORS = 1000
# an import whose last batch is older than this lost its process and may be resumed
STALE_AFTER = dt.timedelta(minutes=2)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    error_count: int = 0
    errors: list[sheets.RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    loaded: bool = False
    # rows committed by an earlier run of the same file that was stopped (resumed after them)
    resumed: int = 0

    def add_error(self, error: sheets.RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "loaded": self.loaded,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "ignored_columns": self.ignored_columns,
            "resumed": self.resumed,
        }


def _open_rows(source) -> Iterator[tuple]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if hasattr(source, "seek"):
        source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise Invalid(
            _("This is not an Excel workbook (.xlsx)."), fields={"file": _("Not an .xlsx file.")}
        ) from None
    try:
        yield from workbook.active.iter_rows(values_only=True)
    finally:
        workbook.close()


def _data_rows(rows: Iterator[tuple]) -> Iterator[tuple[int, tuple]]:
    for number, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            yield number, values


def _header(rows: Iterator[tuple]) -> tuple:
    try:
        return next(rows)
    except StopIteration:
        raise Invalid(_("The workbook is empty."), fields={"file": _("No header row.")}) from None


def _check_line(actor, business_line) -> None:
    if not (scope.is_admin(actor) or actor.business_line_id == business_line.pk):
        raise PermissionDenied(_("You may import customers only into your business line."))


def customers_validate(
    *,
    business_line,
    source,
    progress: Callable[[int], None] | None = None,
    skip_through: int = 0,
):
    """Pass 1: every row checked; returns the result (errors) and the row numbers to skip.
    Rows up to ``skip_through`` were loaded by a stopped run of the same file: not checked."""
    result = ImportResult()
    rows = _open_rows(source)
    columns, labels, header_errors = sheets.map_headers(_header(rows))
    result.ignored_columns = sheets.ignored_columns(columns, labels)
    for error in header_errors:
        result.add_error(error)
    if header_errors:
        return result, set()
    existing = set(
        Customer.objects.filter(business_line=business_line, merged_into=None)
        .values_list("phone", flat=True)
        .iterator(chunk_size=5000)
    )
    first_row_of: dict[str, int] = {}
    bad: set[int] = set()
    phone_label = labels[columns["phone"]]
    for number, values in _data_rows(rows):
        result.rows += 1
        if number <= skip_through:
            result.resumed += 1
            continue
        parsed, errors = sheets.parse_row(number, values, columns, labels)
        if parsed is not None:
            if parsed.phone in existing:
                errors = [
                    sheets.RowError(
                        number, phone_label, _("A customer with this phone is in the archive.")
                    )
                ]
            elif parsed.phone in first_row_of:
                errors = [
                    sheets.RowError(
                        number,
                        phone_label,
                        _("The same phone is in row %(row)d.")
                        % {"row": first_row_of[parsed.phone]},
                    )
                ]
            else:
                first_row_of[parsed.phone] = number
        for error in errors:
            result.add_error(error)
        if errors:
            bad.add(number)
        if progress and result.rows % BATCH == 0:
            progress(BATCH)
    if progress:
        progress(result.rows % BATCH)
    return result, bad


def _arrived_meanwhile(business_line, batch: list[sheets.ParsedRow]) -> set[str]:
    """Lock the batch's phones and return those already in the archive (inside the batch's
    transaction). Keys are sorted so two imports never wait on each other in a cycle."""
    phones = sorted({row.phone for row in batch})
    db.lock_keys([f"customer-phone:{business_line.pk}:{p}" for p in phones])
    return set(
        Customer.objects.filter(
            business_line=business_line, merged_into=None, phone__in=phones
        ).values_list("phone", flat=True)
    )


@transaction.atomic
def _insert(
    business_line,
    actor,
    batch: list[sheets.ParsedRow],
    result: ImportResult,
    phone_label: str,
    run: CustomerImport,
    through: int,
) -> int:
    """One batch in one transaction, with the run's progress; rows whose phone arrived
    meanwhile become row errors."""
    taken = _arrived_meanwhile(business_line, batch)
    if taken:
        for row in batch:
            if row.phone in taken:
                result.add_error(
                    sheets.RowError(
                        row.row, phone_label, _("A customer with this phone is in the archive.")
                    )
                )
        batch = [row for row in batch if row.phone not in taken]
    now = timezone.now()
    customers = [
        Customer(
            business_line=business_line,
            name=row.name,
            phone=row.phone,
            address=row.address,
            tier=row.tier,
            tags=row.tags,
            tag_index=tag_index(row.tags),
            source_channel=row.source,
            notes=row.notes,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
            updated_at=now,
        )
        for row in batch
    ]
    Customer.objects.bulk_create(customers)
    line_id = business_line.pk
    PhoneGram.objects.bulk_create(
        PhoneGram(customer_id=c.pk, business_line_id=line_id, gram=g)
        for c in customers
        for g in sorted(phone_grams(c.phone))
    )
    vehicles, units = [], []
    for customer, row in zip(customers, batch, strict=True):
        if row.vehicle:
            vehicles.append(Vehicle(customer_id=customer.pk, **row.vehicle))
        if row.unit:
            units.append(PropertyUnit(customer_id=customer.pk, **row.unit))
    Vehicle.objects.bulk_create(vehicles)
    PropertyUnit.objects.bulk_create(units)
    # one customer.created per customer, written with the batch in one bulk INSERT (core.events)
    events.publish_many(
        "customer.created",
        [
            {
                "object_id": c.pk,
                "business_line_id": line_id,
                "payload": {"name": c.name},
                "subject": c,
            }
            for c in customers
        ],
        actor=actor,
    )
    run.loaded_through, run.heartbeat_at = through, timezone.now()
    run.created += len(customers)
    run.save(update_fields=["loaded_through", "heartbeat_at", "created"])
    return len(customers)


def file_sha256(source) -> str:
    """The workbook's checksum: a path, or a file object (left at its start)."""
    digest = hashlib.sha256()
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    source.seek(0)
    for chunk in iter(lambda: source.read(1 << 20), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


@transaction.atomic
def _claim(*, actor, business_line, sha256: str) -> CustomerImport:
    """The run for this file: a new one, or a stopped one to resume; a running one is refused."""
    db.lock_key(f"customer-import:{business_line.pk}:{sha256}")
    now = timezone.now()
    run = CustomerImport.objects.filter(
        business_line=business_line, sha256=sha256, status=ImportStatus.RUNNING
    ).first()
    if run is not None and run.heartbeat_at > now - STALE_AFTER and _alive(run.owner):
        raise Conflict(
            _("This file is being imported now (started %(when)s). Wait for it to finish.")
            % {"when": timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M")},
            fields={"file": _("Being imported.")},
        )
    actor_ref = actor if getattr(actor, "pk", None) else None
    if run is not None:
        run.actor, run.heartbeat_at, run.owner = actor_ref, now, _me()
        run.save(update_fields=["actor", "heartbeat_at", "owner"])
        return run
    return CustomerImport.objects.create(
        business_line=business_line, sha256=sha256, actor=actor_ref, heartbeat_at=now, owner=_me()
    )


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _alive(owner: str) -> bool:
    """False only when the importing process ran on this host and is gone (kill -9, a crash);
    a process on another host is taken as alive until its heartbeat goes stale."""
    host, _sep, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _finish(run: CustomerImport, status: str) -> None:
    """Close the run; one that never committed a row leaves nothing behind (a refused file
    changes nothing)."""
    run.refresh_from_db(fields=["loaded_through"])
    if run.loaded_through == 0:
        CustomerImport.objects.filter(pk=run.pk).delete()
    else:
        CustomerImport.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now())


def customers_import(
    *,
    actor,
    business_line,
    source,
    allow_partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a workbook of customers into ``business_line`` (ARC-6).

    Every row is validated first (names, phones, tiers, asset columns; a phone twice in the file
    or already in the archive is a row error). With errors, nothing is loaded unless
    ``allow_partial``, which loads the valid rows. Rows are then written in batches of
    ``BATCH``, each committed on its own; the same file imported again after a crash resumes
    after the last committed batch. One audit event records the import.
    ``progress(n)`` is called as rows are validated and again as they are inserted.
    """
    _check_line(actor, business_line)
    run = _claim(actor=actor, business_line=business_line, sha256=file_sha256(source))
    try:
        result = _load(actor, business_line, source, allow_partial, progress, run)
    except BaseException:
        # a stopped process never gets here; that run is resumed by the next import of the file
        _finish(run, ImportStatus.FAILED)
        raise
    _finish(run, ImportStatus.DONE if result.loaded or result.resumed else ImportStatus.FAILED)
    return result


def _load(actor, business_line, source, allow_partial, progress, run) -> ImportResult:
    result, bad = customers_validate(
        business_line=business_line,
        source=source,
        progress=progress,
        skip_through=run.loaded_through,
    )
    if not result.rows or (result.error_count and not allow_partial):
        return result
    rows = _open_rows(source)
    columns, labels, _errors = sheets.map_headers(_header(rows))
    phone_label = labels[columns["phone"]]
    batch: list[sheets.ParsedRow] = []
    last = run.loaded_through

    def flush() -> None:
        result.created += _insert(business_line, actor, batch, result, phone_label, run, last)
        if progress:
            progress(len(batch))

    for number, values in _data_rows(rows):
        if number <= run.loaded_through:
            continue
        last = number
        if number in bad:
            continue
        parsed, _row_errors = sheets.parse_row(number, values, columns, labels)
        batch.append(parsed)
        if len(batch) >= BATCH:
            flush()
            batch = []
    if batch:
        flush()
    result.loaded = result.created > 0
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="customer.import",
            business_line_id=business_line.pk,
            changes={
                "rows": result.rows,
                "created": result.created,
                "errors": result.error_count,
                "resumed": result.resumed,
            },
        )
    return result


# -- export --------------------------------------------------------------------------------

EXPORT_CHUNK = 2000


def export_headers() -> list[str]:
    return [
        _("ID"),
        *[str(label) for _key, label in sheets.EXPORT_COLUMNS],
        _("Segment"),
        _("Visits in 12 months"),
        _("Last contact"),
        _("Created at"),
    ]


def customers_export(*, user, qs, out, filters: dict | None = None) -> int:
    """Write the customers of ``qs`` (from ``customer_list_for``) to ``out`` as .xlsx, masked per
    the user's contact access and with formula-like text neutralised; audited. Returns rows."""
    from openpyxl import Workbook

    from kefu.customers.selectors import attach_segments

    labels = {
        "loyal": _("Loyal"),
        "general": _("General"),
        "lost": _("Lost"),
    }
    tiers = dict(Tier.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    sheet.append(export_headers())
    count = 0
    tz = timezone.get_default_timezone()
    for chunk in _chunks(qs.order_by("-created_at", "-id").iterator(chunk_size=EXPORT_CHUNK)):
        for c in attach_segments(chunk):
            last = timezone.localtime(c.last_contact_at, tz) if c.last_contact_at else None
            row = [
                c.pk,
                c.name,
                shown_phone(user, c.phone),
                shown_address(user, c.address),
                str(tiers.get(c.tier, c.tier)),
                "、".join(c.tags),
                c.source_channel,
                c.notes,
                str(labels[c.segment]),
                c.visits_12m,
                last.strftime("%Y-%m-%d %H:%M") if last else "",
                timezone.localtime(c.created_at, tz).strftime("%Y-%m-%d %H:%M"),
            ]
            sheet.append([sheets.safe_cell(v) for v in row])
            count += 1
    workbook.save(out)
    audit.record(
        actor=user,
        action="customer.export",
        business_line_id=user.business_line_id,
        changes={"rows": count, "filters": filters or {}},
    )
    return count


def _chunks(iterator, size: int = EXPORT_CHUNK):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
