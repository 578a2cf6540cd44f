"""Masking of contact data (design.md: 138****1234 for roles without the right)."""

from __future__ import annotations

import pytest

from kefu.core.masking import mask_address, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812341234", "138****1234"),
        ("02158881234", "021****1234"),  # landline with area code
        ("58881234", "588*1234"),
        ("1234567", "1****67"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(raw, expected):
    assert mask_phone(raw) == expected


def test_masked_mobile_never_shows_the_middle_digits():
    masked = mask_phone("13987654321")

    assert "8765" not in masked
    assert masked.startswith("139") and masked.endswith("4321")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("(021) 5888 1234", "02158881234"),
        (None, ""),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_mask_address_keeps_the_district_and_hides_the_rest():
    assert mask_address("上海市浦东新区世纪大道100号8楼") == "上海市浦东新********"
    assert mask_address("上海市") == "上海*"
    assert mask_address("") == ""
