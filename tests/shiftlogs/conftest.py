"""Shift-log fixtures: entries written through the service (never Model.objects.create)."""

from __future__ import annotations

import pytest
from django.utils import timezone


@pytest.fixture
def write():
    from kefu.shiftlogs.services import entry_write

    def _write(actor, *, kind="handover", shift="morning", shift_date=None, **fields):
        fields.setdefault("title", "早班交接：3号楼电梯报修已派单")
        fields.setdefault("body", "早班接待来电12个，3号楼电梯困人已派维修，业主情绪已安抚。")
        if kind == "patrol":
            fields.setdefault("area", "3号楼大堂")
        return entry_write(
            actor=actor,
            kind=kind,
            shift=shift,
            shift_date=shift_date or timezone.localdate(),
            **fields,
        )

    return _write
