"""Bulk import of customers from .xlsx (ARC-6) and export of a filtered list to .xlsx.

Import reads the workbook twice in openpyxl's read-only (streaming) mode: the first pass
validates every row and collects row-level errors, the second inserts the valid rows in batches
(``bulk_create`` of customers, their phone index and assets). So 100,000 rows never sit in
memory at once, and nothing is loaded unless the whole file is valid (or ``allow_partial``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.customers import sheets
from kefu.customers.models import Customer, PhoneGram, PropertyUnit, Tier, Vehicle
from kefu.customers.selectors import shown_address, shown_phone
from kefu.customers.services import phone_grams, tag_index

# rows per insert batch: one batch is ~1,000 customers + ~8,000 phone grams, small enough for
# SQLite's variable limit in Django's own sub-batching and for a short write lock
BATCH = 1000
# row errors kept for the report; the count is always exact
MAX_REPORTED_ERRORS = 1000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    error_count: int = 0
    errors: list[sheets.RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    loaded: bool = False

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


def customers_validate(*, business_line, source, progress: Callable[[int], None] | None = None):
    """Pass 1: every row checked; returns the result (errors) and the row numbers to skip."""
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


def _insert(business_line, actor, batch: list[sheets.ParsedRow]) -> int:
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
    return len(customers)


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
    ``allow_partial``, which loads the valid rows. One audit event records the import.
    ``progress(n)`` is called as rows are validated and again as they are inserted.
    """
    _check_line(actor, business_line)
    result, bad = customers_validate(business_line=business_line, source=source, progress=progress)
    if not result.rows or (result.error_count and not allow_partial):
        return result
    rows = _open_rows(source)
    columns, labels, _errors = sheets.map_headers(_header(rows))
    with transaction.atomic():
        batch: list[sheets.ParsedRow] = []
        for number, values in _data_rows(rows):
            if number in bad:
                continue
            parsed, _row_errors = sheets.parse_row(number, values, columns, labels)
            batch.append(parsed)
            if len(batch) >= BATCH:
                result.created += _insert(business_line, actor, batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            result.created += _insert(business_line, actor, batch)
            if progress:
                progress(len(batch))
        result.loaded = result.created > 0
        audit.record(
            actor=actor,
            action="customer.import",
            business_line_id=business_line.pk,
            changes={"rows": result.rows, "created": result.created, "errors": result.error_count},
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
