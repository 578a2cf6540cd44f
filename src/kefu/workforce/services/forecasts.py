"""Forecast writes: skill groups, interval imports, forecasts with accuracy, uplift and the
required agents per interval (spec §1.11; issue 6 §2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast, ExtractHour, ExtractMinute, Floor, TruncDate
from django.utils.translation import gettext as _

from kefu.core import audit, db
from kefu.core.errors import Invalid
from kefu.workforce import forecast as fc
from kefu.workforce import staffing
from kefu.workforce.models import (
    Forecast,
    ForecastSource,
    IntervalRecord,
    QueueModel,
    SkillGroup,
)
from kefu.workforce.selectors import require_planner, tz

#: The four groups of an online shop's department (spec PK-1, STF-5) and the ticket types
#: whose volume each one carries when no team is linked.
DEFAULT_GROUPS = (
    ("presale", "售前", ["consult"]),
    ("reminder", "催付", []),
    ("aftersales", "售后", ["complaint", "return", "suggestion", "praise"]),
    ("refund", "退款", ["refund"]),
)
MAX_WEEKS = 52
MAX_DAYS = 62
IMPORT_MAX_ROWS = 100_000  # a year of 15-minute intervals with room to spare
BULK_BATCH = 1000  # rows per INSERT: well under SQLite's variable limit for 6 columns

HEADERS = {
    "interval_start": ("interval start", "interval_start", "时间段", "开始时间", "时段"),
    "offered": ("offered", "来话量", "呼入量"),
    "handled": ("handled", "接通量"),
    "aht": ("aht", "aht_seconds", "平均处理时长", "平均通话时长"),
}


def _line_of(actor, business_line):
    """The business line the actor plans for: their own (admins name one)."""
    line_id = getattr(business_line, "pk", business_line)
    if line_id is None:
        line_id = actor.business_line_id
    if line_id is None:
        raise Invalid(_("Choose a business line."), fields={"business_line": _("Required.")})
    if actor.business_line_id is not None and int(line_id) != actor.business_line_id:
        raise Invalid(
            _("You plan only for your own business line."),
            fields={"business_line": _("Not yours.")},
        )
    from kefu.accounts.models import BusinessLine

    line = BusinessLine.objects.filter(pk=line_id).first()
    if line is None:
        raise Invalid(_("Unknown business line."), fields={"business_line": _("Unknown.")})
    return line


@transaction.atomic
def skill_groups_ensure(*, business_line) -> list[SkillGroup]:
    """The line's four default groups (售前 / 催付 / 售后 / 退款), created once; idempotent."""
    out = []
    for code, name, types in DEFAULT_GROUPS:
        group, _created = SkillGroup.objects.get_or_create(
            business_line=business_line,
            code=code,
            defaults={"name": name, "ticket_types": types},
        )
        out.append(group)
    return out


# -- history from the platform ------------------------------------------------------------------
def _slot_rows(qs, field: str, interval_minutes: int, value=None) -> Iterable[dict]:
    """Rows (day, hour, slot, n) aggregated in SQL: one row per non-empty interval."""
    zone = tz()
    return (
        qs.annotate(
            _day=TruncDate(field, tzinfo=zone),
            _hour=ExtractHour(field, tzinfo=zone),
            _slot=Floor(
                Cast(ExtractMinute(field, tzinfo=zone), FloatField()) / float(interval_minutes)
            ),
        )
        .values("_day", "_hour", "_slot")
        .annotate(n=value if value is not None else Count("pk"))
        .order_by()
    )


def _grid_add(grid: list[float], rows, start: dt.date, interval_minutes: int) -> None:
    n = fc.per_day(interval_minutes)
    per_hour = 60 // interval_minutes if interval_minutes < 60 else 1
    for row in rows:
        day = row["_day"]
        if isinstance(day, dt.datetime):
            day = day.date()
        d = (day - start).days
        k = row["_hour"] * per_hour + (int(row["_slot"]) if interval_minutes < 60 else 0)
        if d >= 0 and d * n + k < len(grid):
            grid[d * n + k] += float(row["n"] or 0)


def history(
    *,
    business_line,
    group: SkillGroup | None,
    channel: str,
    source: str,
    start: dt.date,
    days: int,
    interval_minutes: int,
) -> list[float]:
    """Contacts per interval from ``start`` for ``days`` days, aggregated in SQL.

    Tickets (by channel; by the group's teams, else its ticket types) plus inbound registered
    calls that made no ticket; or the imported interval data of the group."""
    from kefu.followups.models import CallRecord
    from kefu.tickets.models import Ticket

    n = fc.per_day(interval_minutes)
    grid = [0.0] * (days * n)
    zone = tz()
    lo = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    hi = lo + dt.timedelta(days=days)
    if source == ForecastSource.IMPORT:
        qs = IntervalRecord.objects.filter(
            business_line=business_line, group=group, interval_start__gte=lo, interval_start__lt=hi
        )
        _grid_add(
            grid,
            _slot_rows(qs, "interval_start", interval_minutes, Sum("offered")),
            start,
            interval_minutes,
        )
        return grid
    tickets = Ticket.objects.filter(
        business_line=business_line, created_at__gte=lo, created_at__lt=hi
    )
    calls = CallRecord.objects.filter(
        business_line=business_line,
        direction="in",
        ticket__isnull=True,
        started_at__gte=lo,
        started_at__lt=hi,
    )
    if channel:
        tickets = tickets.filter(channel=channel)
        if channel != "phone":
            calls = calls.none()
    if group is not None:
        team_ids = list(group.teams.values_list("pk", flat=True))
        if team_ids:
            tickets = tickets.filter(team_id__in=team_ids)
            calls = calls.filter(team_id__in=team_ids)
        else:
            tickets = tickets.filter(type__in=group.ticket_types or [])
            calls = calls.none()
    _grid_add(grid, _slot_rows(tickets, "created_at", interval_minutes), start, interval_minutes)
    _grid_add(grid, _slot_rows(calls, "started_at", interval_minutes), start, interval_minutes)
    return grid


def _imported_aht(business_line, group, lo: dt.date, hi: dt.date) -> float | None:
    zone = tz()
    row = IntervalRecord.objects.filter(
        business_line=business_line,
        group=group,
        interval_start__gte=dt.datetime.combine(lo, dt.time(), tzinfo=zone),
        interval_start__lt=dt.datetime.combine(hi, dt.time(), tzinfo=zone),
        handled__gt=0,
    ).aggregate(work=Sum(F("aht_seconds") * F("handled")), handled=Sum("handled"))
    if row["handled"]:
        return row["work"] / row["handled"]
    return None


def staffing_solver(group: SkillGroup | None, *, interval_minutes: int, aht_seconds: float):
    """``solve(arrivals) → agents`` with the group's queue model and targets."""
    settings = group or SkillGroup(name="", code="")

    def solve(arrivals: float) -> int:
        req = staffing.staffing_request(
            arrivals=arrivals,
            interval_seconds=interval_minutes * 60,
            aht_seconds=aht_seconds,
            answer_seconds=settings.answer_seconds,
            service_level=settings.service_level,
            shrinkage=settings.shrinkage,
            max_occupancy=settings.max_occupancy,
            patience_seconds=(
                settings.patience_seconds or 120
                if settings.queue_model == QueueModel.ERLANG_A
                else None
            ),
        )
        if settings.queue_model == QueueModel.ERLANG_A:
            return staffing.solve_erlang_a(req).agents
        return staffing.solve_erlang_c(req).agents

    return solve


def _event_days_in(start: dt.date, days: int, event_days: Iterable[dt.date]) -> list[dt.date]:
    end = start + dt.timedelta(days=days)
    return sorted({d for d in event_days if start <= d < end})


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def double11_days(year: int) -> list[dt.date]:
    """Nov 10–17 (SCH-1)."""
    return [dt.date(year, 11, d) for d in range(10, 18)]


@transaction.atomic
def forecast_create(
    *,
    actor,
    business_line=None,
    group: SkillGroup | None = None,
    channel: str = "",
    source: str = ForecastSource.TICKETS,
    start_date: dt.date,
    days: int = 14,
    weeks: int = 8,
    interval_minutes: int = 30,
    event_days: Iterable[dt.date] = (),
    uplift_years: int = 2,
) -> Forecast:
    """Fit on the ``weeks`` weeks before ``start_date``, score on the last of them (WAPE),
    forecast ``days`` days, lift event days by the same event's factor in the previous
    ``uplift_years`` years, and size each interval with the group's Erlang settings.

    The caller must be a supervisor or manager of the line."""
    require_planner(actor)
    line = _line_of(actor, business_line)
    if group is not None and group.business_line_id != line.pk:
        raise Invalid(_("Unknown skill group."), fields={"group": _("Unknown.")})
    if source not in ForecastSource.values:
        raise Invalid(_("Unknown source."), fields={"source": _("Unknown.")})
    if source == ForecastSource.IMPORT and group is None:
        raise Invalid(
            _("Imported data belongs to a skill group: choose one."),
            fields={"group": _("Required.")},
        )
    if interval_minutes not in (15, 30):
        raise Invalid(
            _("The interval must be 15 or 30 minutes."), fields={"interval_minutes": _("15 or 30.")}
        )
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(
            _("Forecast between 1 and %(max)d days.") % {"max": MAX_DAYS},
            fields={"days": _("Out of range.")},
        )
    if not 2 <= weeks <= MAX_WEEKS:
        raise Invalid(
            _("Use between 2 and %(max)d weeks of history.") % {"max": MAX_WEEKS},
            fields={"weeks": _("Out of range.")},
        )
    first = start_date - dt.timedelta(days=weeks * 7)
    common = {
        "business_line": line,
        "group": group,
        "channel": channel,
        "source": source,
        "interval_minutes": interval_minutes,
    }
    values = history(start=first, days=weeks * 7, **common)
    if sum(values) <= 0:
        raise Invalid(
            _("There is no history in the %(weeks)d weeks before %(day)s to forecast from.")
            % {"weeks": weeks, "day": start_date.isoformat()},
            fields={"start_date": _("No history before this day.")},
        )
    model = fc.fit(values, start=first, interval_minutes=interval_minutes, weeks=weeks)
    volumes = model.predict(start_date, days)
    accuracy = fc.holdout_wape(values, start=first, interval_minutes=interval_minutes, weeks=weeks)
    uplift: dict = {}
    events = _event_days_in(start_date, days, event_days)
    if events:
        per_year = []
        years = []
        for k in range(1, uplift_years + 1):
            past = [_shift_year(d, k) for d in events]
            past_first = past[0] - dt.timedelta(days=weeks * 7)
            span = (past[-1] - past_first).days + 1
            past_values = history(start=past_first, days=span, **common)
            n = fc.per_day(interval_minutes)
            before = (past[0] - past_first).days
            if sum(past_values[: before * n]) <= 0:
                continue
            per_year.append(
                fc.uplift_factors(
                    past_values,
                    start=past_first,
                    interval_minutes=interval_minutes,
                    event_days=past,
                    weeks=weeks,
                )
            )
            years.append(past[0].year)
        if per_year:
            factors = fc.mean_factors(per_year)
            by_day = dict(zip(events, factors, strict=True))
            volumes = fc.apply_uplift(
                volumes, start=start_date, interval_minutes=interval_minutes, factors=by_day
            )
            uplift = {
                "years": years,
                "factors": {d.isoformat(): round(f, 4) for d, f in by_day.items()},
            }
    aht = None
    if source == ForecastSource.IMPORT:
        aht = _imported_aht(line, group, first, start_date)
    aht = aht or (group.aht_seconds if group else 180)
    required = fc.required_agents(
        volumes, staffing_solver(group, interval_minutes=interval_minutes, aht_seconds=aht)
    )
    obj = Forecast.objects.create(
        start_date=start_date,
        days=days,
        weeks_fitted=model.weeks,
        trend_per_week=model.trend_per_week,
        wape=accuracy,
        uplift=uplift,
        volumes=[round(v, 3) for v in volumes],
        required=required,
        aht_seconds=aht,
        created_by=actor,
        **common,
    )
    audit.record(
        actor=actor,
        action="workforce.forecast_create",
        obj=obj,
        changes={"start_date": start_date, "days": days, "group": group, "wape": accuracy},
    )
    return obj


# -- imports ------------------------------------------------------------------------------------
class ImportRejected(Invalid):
    code = "import_rejected"


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(
        _("The file is neither UTF-8 nor GBK text."), fields={"file": _("Unknown encoding.")}
    )


def _rows(filename: str, content: bytes) -> list[list]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for a damaged file
            raise Invalid(
                _("The file is not a readable .xlsx workbook."), fields={"file": _("Unreadable.")}
            )
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True, max_row=IMPORT_MAX_ROWS + 2)]
        book.close()
        return rows
    if name.endswith(".csv"):
        return list(csv.reader(io.StringIO(_decode(content))))[: IMPORT_MAX_ROWS + 2]
    raise Invalid(_("Upload a .csv or .xlsx file."), fields={"file": _("Wrong file type.")})


def _columns(header: list) -> dict[str, int]:
    names = [str(h or "").strip().lower() for h in header]
    cols: dict[str, int] = {}
    for key, aliases in HEADERS.items():
        for i, h in enumerate(names):
            if h in aliases:
                cols[key] = i
                break
    missing = [k for k in ("interval_start", "offered") if k not in cols]
    if missing:
        raise Invalid(
            _(
                "The first row must name the columns: interval start (时间段) and offered (来话量);"
                " handled (接通量) and AHT (平均处理时长) are optional."
            ),
            fields={"file": _("Missing columns.")},
        )
    return cols


def _parse_time(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip().replace("/", "-")
        if not text:
            raise ValueError
        moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz())
    return moment


def _parse_number(value, *, required: bool) -> float:
    if value is None or str(value).strip() == "":
        if required:
            raise ValueError
        return 0.0
    number = float(str(value).strip())
    if not math.isfinite(number) or number < 0:
        raise ValueError
    return number


def parse_intervals(filename: str, content: bytes, *, interval_minutes: int = 15):
    """Rows of an interval file as (start, offered, handled, aht); every bad row is reported
    with its row number (the header is row 1), and nothing is returned when any is bad."""
    rows = _rows(filename, content)
    if not rows:
        raise Invalid(_("The file is empty."), fields={"file": _("Empty.")})
    cols = _columns(rows[0])
    parsed = []
    errors: dict[str, str] = {}
    seen: set[dt.datetime] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue

        def cell(key, row=row):
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else None

        try:
            start = _parse_time(cell("interval_start"))
        except (ValueError, TypeError):
            errors[f"row {number}"] = _("the interval start is not a date and time")
            continue
        if start.minute % interval_minutes or start.second:
            errors[f"row {number}"] = _("the interval start is not on the %(n)d-minute grid") % {
                "n": interval_minutes
            }
            continue
        try:
            offered = _parse_number(cell("offered"), required=True)
            handled = _parse_number(cell("handled"), required=False)
            aht = _parse_number(cell("aht"), required=False)
        except (ValueError, TypeError):
            errors[f"row {number}"] = _("offered, handled and AHT must be numbers of at least 0")
            continue
        if start in seen:
            errors[f"row {number}"] = _("this interval appears twice")
            continue
        seen.add(start)
        parsed.append((start, offered, handled, aht))
    if len(rows) > IMPORT_MAX_ROWS + 1:
        errors["file"] = _("at most %(n)d rows per file") % {"n": IMPORT_MAX_ROWS}
    if errors:
        raise ImportRejected(
            _("%(n)d rows have errors; nothing was imported.") % {"n": len(errors)},
            fields=errors,
        )
    if not parsed:
        raise Invalid(_("The file has no data rows."), fields={"file": _("Empty.")})
    return parsed


@transaction.atomic
def intervals_import(
    *,
    actor,
    business_line=None,
    group: SkillGroup,
    filename: str,
    content: bytes,
    interval_minutes: int = 15,
) -> int:
    """Load interval history for a skill group (replacing the same intervals); all or nothing."""
    require_planner(actor)
    line = _line_of(actor, business_line)
    if group is None or group.business_line_id != line.pk:
        raise Invalid(_("Unknown skill group."), fields={"group": _("Unknown.")})
    rows = parse_intervals(filename, content, interval_minutes=interval_minutes)
    # two imports for one group at once: the second waits, then replaces the first's intervals
    # (without the lock both delete nothing and the second insert breaks the unique constraint)
    db.lock_key(f"intervals-import:{group.pk}")
    starts = [r[0] for r in rows]
    existing = IntervalRecord.objects.filter(business_line=line, group=group)
    for i in range(0, len(starts), BULK_BATCH):
        existing.filter(interval_start__in=starts[i : i + BULK_BATCH]).delete()
    IntervalRecord.objects.bulk_create(
        [
            IntervalRecord(
                business_line=line,
                group=group,
                interval_start=s,
                offered=o,
                handled=h,
                aht_seconds=a,
            )
            for s, o, h, a in rows
        ],
        batch_size=BULK_BATCH,
    )
    audit.record(
        actor=actor,
        action="workforce.intervals_import",
        obj=group,
        changes={"rows": len(rows), "file": filename},
        business_line_id=line.pk,
    )
    return len(rows)
