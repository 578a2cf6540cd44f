"""Spreadsheet rows ↔ customers: header mapping, row validation, formula neutralising.

Pure apart from gettext: no models, no database. ``imports.py`` streams the rows of a workbook
through ``parse_row`` and checks duplicates against the archive itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core import xlsx
from kefu.core.masking import normalize_phone

TAG_SPLIT = re.compile(r"[,，、;；]")
TAG_MAX = 30
TAGS_MAX_TOTAL = 480
FORMULA_PREFIXES = xlsx.FORMULA_PREFIXES

# canonical key → accepted header labels (compared case-insensitively, spaces trimmed)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "客户名称", "名称", "name"),
    "phone": ("电话", "手机", "手机号", "phone", "mobile"),
    "address": ("地址", "address"),
    "tier": ("等级", "客户等级", "tier"),
    "tags": ("标签", "tags"),
    "source": ("来源", "来源渠道", "source", "source channel"),
    "notes": ("备注", "notes"),
    "vehicle_model": ("车型", "vehicle model"),
    "plate": ("车号", "车牌", "车牌号", "plate", "plate number"),
    "vehicle_kind": ("车种", "vehicle type"),
    "maintenance_interval": ("保养周期", "maintenance interval", "maintenance interval (days)"),
    "next_maintenance": ("下一次保养期", "下次保养", "next maintenance"),
    "building": ("楼栋", "building"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room"),
    "area": ("面积", "area", "area (m²)"),
}
REQUIRED = ("name", "phone")
VEHICLE_KEYS = (
    "vehicle_model",
    "plate",
    "vehicle_kind",
    "maintenance_interval",
    "next_maintenance",
)
UNIT_KEYS = ("building", "unit", "room", "area")
TIERS = {
    "普通": "normal",
    "普通客户": "normal",
    "银卡": "silver",
    "金卡": "gold",
    "vip": "vip",
    "normal": "normal",
    "silver": "silver",
    "gold": "gold",
}
_LOOKUP = {label.lower(): key for key, labels in HEADERS.items() for label in labels}

# the export's columns, in order, with labels that this parser reads back
EXPORT_COLUMNS = (
    ("name", gettext_lazy("Name")),
    ("phone", gettext_lazy("Phone")),
    ("address", gettext_lazy("Address")),
    ("tier", gettext_lazy("Tier")),
    ("tags", gettext_lazy("Tags")),
    ("source", gettext_lazy("Source")),
    ("notes", gettext_lazy("Notes")),
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ParsedRow:
    row: int
    name: str
    phone: str
    address: str = ""
    tier: str = "normal"
    tags: list[str] = field(default_factory=list)
    source: str = ""
    notes: str = ""
    vehicle: dict | None = None
    unit: dict | None = None


def split_tags(raw: str) -> list[str]:
    """'老客户，投诉过、VIP' → ['老客户', '投诉过', 'VIP'] (trimmed, unique, in order)."""
    seen: list[str] = []
    for part in TAG_SPLIT.split(raw or ""):
        tag = part.strip().replace("|", "")
        if tag and tag not in seen:
            seen.append(tag)
    return seen


safe_cell = xlsx.safe_cell  # one rule for every export (kefu.core.xlsx)


def map_headers(header: tuple) -> tuple[dict[str, int], dict[int, str], list[RowError]]:
    """Columns by canonical key, the file's own labels by index, and header errors (row 1).

    Columns this importer does not know are left out of ``columns`` (see ``ignored_columns``)."""
    columns: dict[str, int] = {}
    labels: dict[int, str] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(header):
        label = str(raw).strip() if raw is not None else ""
        if not label:
            continue
        labels[index] = label
        key = _LOOKUP.get(label.lower())
        if key is None:
            continue  # other columns (an export's id, dates, figures) are ignored
        if key in columns:
            errors.append(RowError(1, label, _("This column appears twice.")))
        else:
            columns[key] = index
    errors.extend(
        RowError(1, HEADERS[key][0], _("This column is required."))
        for key in REQUIRED
        if key not in columns
    )
    return columns, labels, errors


def ignored_columns(columns: dict[str, int], labels: dict[int, str]) -> list[str]:
    used = set(columns.values())
    return [label for index, label in sorted(labels.items()) if index not in used]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    if not text:
        return None
    return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))


def parse_row(number: int, values: tuple, columns: dict[str, int], labels: dict[int, str]):
    """One data row → (ParsedRow or None, [RowError…]); ``number`` is the sheet's row number."""
    errors: list[RowError] = []

    def get(key: str) -> str:
        index = columns.get(key)
        return _text(values[index]) if index is not None and index < len(values) else ""

    def raw(key: str):
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def err(key: str, reason: str) -> None:
        label = labels.get(columns.get(key, -1), HEADERS[key][0])
        errors.append(RowError(number, label, reason))

    name = get("name")
    if not name:
        err("name", _("The name is required."))
    elif len(name) > 100:
        err("name", _("At most 100 characters."))
    phone = normalize_phone(get("phone"))
    if not 5 <= len(phone) <= 20:
        err("phone", _("Enter a phone number of 5 to 20 digits."))
    address = get("address")
    if len(address) > 255:
        err("address", _("At most 255 characters."))
    tier_raw = get("tier")
    tier = TIERS.get(tier_raw.lower(), "") if tier_raw else "normal"
    if not tier:
        err("tier", _("Use 普通, 银卡, 金卡 or VIP (or normal, silver, gold, vip)."))
    tags = split_tags(get("tags"))
    if any(len(t) > TAG_MAX for t in tags) or len("|".join(tags)) > TAGS_MAX_TOTAL:
        err("tags", _("Tags are too long."))
    source = get("source")
    if len(source) > 20:
        err("source", _("At most 20 characters."))
    vehicle = None
    if any(get(k) for k in VEHICLE_KEYS):
        vehicle = {
            "model_name": get("vehicle_model"),
            "plate": get("plate"),
            "kind": get("vehicle_kind"),
            "maintenance_interval_days": None,
            "next_maintenance_on": None,
        }
        if not vehicle["model_name"]:
            err("vehicle_model", _("The vehicle model is required when a vehicle is given."))
        if len(vehicle["plate"]) > 20:
            err("plate", _("At most 20 characters."))
        if get("maintenance_interval"):
            try:
                days = int(Decimal(get("maintenance_interval")))
                if not 1 <= days <= 3650:
                    raise ValueError
                vehicle["maintenance_interval_days"] = days
            except (InvalidOperation, ValueError):
                err("maintenance_interval", _("Enter a number of days between 1 and 3650."))
        try:
            vehicle["next_maintenance_on"] = _date(raw("next_maintenance"))
        except ValueError:
            err("next_maintenance", _("Enter a date such as 2026-03-31."))
    unit = None
    if any(get(k) for k in UNIT_KEYS):
        unit = {"building": get("building"), "unit": get("unit"), "room": get("room")}
        if not unit["building"] or not unit["room"]:
            err(
                "building" if not unit["building"] else "room", _("Building and room are required.")
            )
        if any(len(v) > 20 for v in unit.values()):
            err("building", _("At most 20 characters."))
        unit["area_m2"] = None
        if get("area"):
            try:
                area = Decimal(get("area").removesuffix("㎡").removesuffix("m²").strip())
                if not Decimal(0) < area < Decimal(1_000_000):
                    raise InvalidOperation
                unit["area_m2"] = area.quantize(Decimal("0.01"))
            except InvalidOperation:
                err("area", _("Enter the area in square metres, e.g. 89.5."))
    if errors:
        return None, errors
    row = ParsedRow(number, name, phone, address, tier, tags, source, get("notes"), vehicle, unit)
    return row, []
