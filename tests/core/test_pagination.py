"""Cursor pagination (design.md: ?cursor=&limit= → {"items", "next"}), on the audit log."""

from __future__ import annotations

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from kefu.core import audit
from kefu.core.errors import Invalid
from kefu.core.models import AuditEvent
from kefu.core.pagination import MAX_LIMIT, _encode, paginate


@pytest.fixture
def events(db):
    """12 events, the first 7 sharing one timestamp to the microsecond."""
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        for i in range(7):
            audit.record(actor=None, action=f"same.{i}")
    for i in range(5):
        audit.record(actor=None, action=f"later.{i}")
    return AuditEvent.objects.all()


def _walk(qs, ordering: str, limit: int, branches=()) -> list[int]:
    seen, cursor = [], None
    while True:
        page = paginate(qs, ordering=ordering, cursor=cursor, limit=limit, branches=branches)
        seen.extend(e.pk for e in page.items)
        if page.next is None:
            return seen
        cursor = page.next


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 12, 50])
@pytest.mark.parametrize("ordering", ["-created_at", "created_at"])
def test_pages_have_no_duplicates_or_gaps_when_rows_share_a_timestamp(events, ordering, limit):
    seen = _walk(events, ordering, limit)

    expected = list(events.order_by(ordering, ordering[0].replace("c", "") + "pk"))
    assert seen == [e.pk for e in expected]
    assert len(set(seen)) == 12


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("ordering", ["-created_at", "created_at"])
def test_pages_read_branch_by_branch_are_the_pages_of_their_or(events, ordering, limit):
    # overlapping terms, like an agent's team and the tickets the agent holds
    branches = [Q(action__startswith="same"), Q(action__endswith=".1"), Q(action__endswith=".2")]
    either = events.filter(branches[0] | branches[1] | branches[2])

    seen = _walk(either, ordering, limit, branches=branches)

    assert seen == _walk(either, ordering, limit)
    assert len(seen) == len(set(seen)) == 9


def test_pages_are_stable_when_new_rows_arrive(events):
    first = paginate(events, ordering="-created_at", cursor=None, limit=4)

    audit.record(actor=None, action="newer")
    rest = _walk_from(events, first.next)

    assert [e.pk for e in first.items] + rest == sorted(
        AuditEvent.objects.exclude(action="newer").values_list("pk", flat=True), reverse=True
    )


def _walk_from(qs, cursor) -> list[int]:
    seen = []
    while cursor:
        page = paginate(qs, ordering="-created_at", cursor=cursor, limit=4)
        seen.extend(e.pk for e in page.items)
        cursor = page.next
    return seen


def test_last_page_has_no_next(events):
    page = paginate(events, ordering="-created_at", cursor=None, limit=12)

    assert len(page.items) == 12
    assert page.next is None


@pytest.mark.parametrize("cursor", ["!!!", "bm90IGpzb24", _encode("x", 1)[:-3] + "zzz"])
def test_bad_cursor_is_invalid(events, cursor):
    with pytest.raises(Invalid) as exc:
        paginate(events, ordering="-created_at", cursor=cursor, limit=5)

    assert exc.value.fields == {"cursor": "Not a valid cursor."}


def test_cursor_with_a_non_integer_id_is_invalid(events):
    with pytest.raises(Invalid):
        paginate(events, ordering="id", cursor=_encode(3, "7"), limit=5)


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_limit_out_of_range_is_invalid(events, limit):
    with pytest.raises(Invalid):
        paginate(events, ordering="-created_at", cursor=None, limit=limit)


def test_a_page_is_one_query(events, django_assert_num_queries):
    with django_assert_num_queries(1):
        paginate(events, ordering="-created_at", cursor=None, limit=5)


def test_cursor_made_for_another_ordering_is_refused_not_a_server_error(db):
    """A cursor whose value does not fit the ordering field is Invalid (400), never a 500."""
    import base64
    import json

    import pytest

    from kefu.core.errors import Invalid
    from kefu.core.models import AuditEvent
    from kefu.core.pagination import paginate

    forged = base64.urlsafe_b64encode(json.dumps([1, 2]).encode()).decode().rstrip("=")
    with pytest.raises(Invalid):
        paginate(AuditEvent.objects.all(), ordering="-created_at", cursor=forged, limit=5)
