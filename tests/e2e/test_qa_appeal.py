"""Quality inspection in a real browser (issue 18 §1): a reviewer of another team scores a
sampled ticket, the agent appeals it, and the second reviewer decides the appeal by changing
the score."""

from __future__ import annotations

import pytest
from inspections.conftest import forms, lead2, lead3, month, sampled  # noqa: F401
from testkit import PASSWORD

from kefu.accounts.models import User
from kefu.inspections.models import Review

pytestmark = pytest.mark.e2e


def _sign_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _fill_sheet(page, review, *, miss_first: bool) -> None:
    first = True
    for c in review.form.categories.all():
        for i in c.items.all():
            value = "0" if miss_first and first and not i.critical else f"{i.points:g}"
            page.fill(f"#item-{i.pk}", value)
            first = False


def test_reviewer_scores_agent_appeals_second_reviewer_decides(
    transactional_db,
    page,
    screenshot,
    sampled,  # noqa: F811
    agent,
):
    review = (
        Review.objects.filter(sample=sampled["sample"], source="random", agent=agent)
        .select_related("form", "reviewer", "ticket")
        .order_by("id")
        .first()
    )
    assert review.reviewer.team_id != agent.team_id  # cross-audit, not self-audit

    _sign_in(page, review.reviewer)
    page.goto("/qa/")
    page.click(f"#to-score a[href='/qa/reviews/{review.pk}/']")
    _fill_sheet(page, review, miss_first=True)
    page.fill("#score-comment", "开场白缺少自我介绍")
    page.click("#score-form button[type=submit]")
    page.wait_for_selector("#review-score")
    first_score = page.inner_text("#review-score")
    assert first_score != "100.00"

    _sign_in(page, agent)
    page.goto(f"/qa/reviews/{review.pk}/")
    page.fill("#appeal-reason", "录音第 5 秒已自我介绍，请复核")
    page.click("#appeal-form button[type=submit]")
    page.wait_for_selector("#appeal")
    review.refresh_from_db()
    decider = User.objects.get(pk=review.appeal.decider_id)
    assert decider.pk != review.reviewer_id and decider.team_id != agent.team_id
    assert not page.locator("#appeal-form").count()  # one appeal only

    _sign_in(page, decider)
    page.goto("/qa/")
    page.click(f"#to-decide a[href='/qa/reviews/{review.pk}/']")
    page.check("#outcome-changed")
    page.click("#decide-form summary")
    _fill_sheet(page, review, miss_first=False)
    page.fill("#decide-note", "复听录音，已自我介绍，改为满分")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("#appeal")
    assert page.inner_text("#review-score") == "100.00"
    screenshot("qa-appeal-decided")
    review.refresh_from_db()
    assert review.status == "decided" and review.appeal.status == "changed"
