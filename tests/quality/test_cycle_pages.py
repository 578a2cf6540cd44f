"""The appraisal-cycle pages: the supervisor plans and drives a cycle, the evaluators score on
the page that lists who has not scored yet, agents see only their own row; both languages."""

from __future__ import annotations

import pytest

from kefu.quality.models_cycle import AppraisalCycle, CycleScore

pytestmark = pytest.mark.django_db


def test_supervisor_drives_the_cycle_and_the_page_lists_who_has_not_scored(
    web_as, org, supervisor, lead, agent, agent_b, agent2
):
    sup = web_as(supervisor)
    r = sup.post(
        "/quality/cycles/new/",
        {
            "team": org.aftersales1.pk,
            "name": "十一月考核",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "goals": "首次解决率 85%",
        },
    )
    cycle = AppraisalCycle.objects.get()
    assert r.status_code == 302 and cycle.members.count() == 2
    sup.post(f"/quality/cycles/{cycle.pk}/advance/", {"version": cycle.version})
    sup.post(
        f"/quality/cycles/{cycle.pk}/indicators/",
        {
            "name": "CSI",
            "measure": "平均分 ÷ 满分",
            "target": "90",
            "weight": "100",
            "due": "2026-11-30",
        },
    )
    cycle.refresh_from_db()
    sup.post(f"/quality/cycles/{cycle.pk}/advance/", {"version": cycle.version})
    sup.post(
        f"/quality/cycles/{cycle.pk}/briefing/",
        {"held_on": "2026-11-02", "place": "培训室", "notes": "评分尺度"},
    )
    cycle.refresh_from_db()
    stale = sup.post(f"/quality/cycles/{cycle.pk}/advance/", {"version": cycle.version - 1})
    assert stale.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == "briefing"  # a stale form moves nothing
    sup.post(f"/quality/cycles/{cycle.pk}/advance/", {"version": cycle.version})
    cycle.refresh_from_db()
    assert cycle.stage == "evaluation"

    mine = CycleScore.objects.get(evaluator=agent)
    web_as(agent).post(f"/quality/cycles/scores/{mine.pk}/", {"score": "80"})
    leads = CycleScore.objects.get(evaluator=lead, member__user=agent_b)
    assert (
        web_as(agent).post(f"/quality/cycles/scores/{leads.pk}/", {"score": "1"}).status_code == 404
    )
    sup = web_as(supervisor)  # one test client: sign the supervisor back in
    sup.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = sup.get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert "尚未评分" in page and page.count("尚未给") == 3  # agent_b ×1, lead ×2
    sup.post("/i18n/setlang/", {"language": "en", "next": "/"})

    agent_page = web_as(agent).get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert "Not scored yet" not in agent_page and "agent_b" not in agent_page
    assert web_as(agent2).get(f"/quality/cycles/{cycle.pk}/").status_code == 404
    assert "十一月考核" in web_as(lead).get("/quality/cycles/").content.decode()
