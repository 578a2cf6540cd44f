"""Two imports at the same moment (issue 15 §2, "no duplicate rows from concurrency"): interval
history and knowledge articles are each loaded once, and neither import fails. PostgreSQL runs the
threads truly in parallel; SQLite's one writer already serialises them (its in-memory test
database cannot host two writers, so the race is checked where it exists)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kefu.knowledge.models import Article
from kefu.knowledge.services import articles_import
from kefu.workforce.models import IntervalRecord
from kefu.workforce.services import intervals_import

pytestmark = pytest.mark.django_db(transaction=True)


def _together(n: int, work) -> list:
    barrier = threading.Barrier(n)
    errors: list = []

    def run() -> None:
        try:
            barrier.wait()
            work()
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race exists on PostgreSQL")


def test_two_interval_imports_of_one_group_at_once_keep_each_interval_once(manager, groups):
    lines = ["开始时间,呼入量,接通量,平均处理时长"] + [
        f"2025-03-03 {9 + i // 4:02d}:{(i % 4) * 15:02d},{10 + i},{9 + i},200" for i in range(24)
    ]
    content = "\n".join(lines).encode("gbk")

    errors = _together(
        2,
        lambda: intervals_import(
            actor=manager, group=groups["aftersales"], filename="话务.csv", content=content
        ),
    )

    assert errors == []
    assert IntervalRecord.objects.count() == 24


def test_two_article_imports_of_one_file_at_once_add_each_title_once(org, manager):
    items = [
        {
            "title": f"退货运费谁承担{i}",
            "body": "质量问题由商家承担。",
            "category": "",
            "tags": [],
            "status": "published",
            "audience": "internal",
        }
        for i in range(20)
    ]

    errors = _together(
        2, lambda: articles_import(actor=manager, business_line=org.shop, items=items)
    )

    assert errors == []
    assert Article.objects.filter(business_line=org.shop).count() == 20
