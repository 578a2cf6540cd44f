"""The quality bench's reads and writes cost the same number of queries whatever the size of the
ticket table (issue 18 "must show": the penalty summary and the rankings at 1,000,000 tickets):
bench/quality_bench.py builds two lines side by side, one ten times the other, and the 月处罚汇总表
figures, tabulating the draft and a team's ranking are counted on each. A query per complaint,
per unit or per agent would make the larger line's count grow."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.quality import selectors, services
from kefu.quality.models import PenaltySummary

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_bench.py"


def _bench():
    spec = importlib.util.spec_from_file_location("quality_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _counts(ctx) -> dict:
    line, period = ctx["line"], ctx["period"]
    policy = services.policy_for(line)
    out = {}
    with CaptureQueriesContext(connection) as q:
        rows = selectors.penalty_rows(line, period, policy)
    out["penalty_rows"] = len(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        services.summary_build(actor=ctx["manager"], business_line=line, period=period)
    out["summary_build"] = len(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        services.rank_team(actor=ctx["supervisor"], team=ctx["teams"][0], period=period)
    out["rank_team"] = len(q.captured_queries)
    summary = PenaltySummary.objects.get(business_line=line, period=period)
    assert summary.rows.count() == len(rows)
    return out, sum(r["repeat"] + r["malignant"] for r in rows)


def test_query_counts_do_not_grow_with_the_tickets(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    bench = _bench()
    small = bench.build(990, 2, prefix="s")
    large = bench.build(9900, 2, prefix="l")
    small_counts, small_complaints = _counts(small)
    large_counts, large_complaints = _counts(large)
    assert large["graded"] > 5 * small["graded"] > 0
    assert large_complaints > small_complaints
    assert small_counts == large_counts
    assert small_counts["penalty_rows"] == 4  # the figure bench/README.md states
