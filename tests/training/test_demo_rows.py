"""The demo's training rows: the supervisor's first page of training shows true, non-zero
figures (certified and 未上岗 agents, hours this year, requests waiting), and the 4S desk's
yearly minimums show met and behind categories."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.demo.training_rows import build_training_rows
from kefu.training import selectors
from kefu.training.models import CertificationGrant, Enrolment, TrainingRequest

pytestmark = pytest.mark.django_db


def test_demo_rows_give_the_supervisor_true_figures(org, agent, agent_b, lead, supervisor, web_as):
    b1 = make_user("b1", "agent", team=org.aftersales2)
    b2 = make_user("b2", "agent", team=org.aftersales2)
    s4 = make_user("s4", "agent", team=org.s4_front)
    now = timezone.now()
    build_training_rows(now=now, seed=1, lines={"shop": org.shop, "4s": org.auto})
    assert CertificationGrant.objects.filter(user__in=[agent, agent_b, lead, b1]).count() == 4
    assert not CertificationGrant.objects.filter(user=b2).exists()  # 未上岗
    assert selectors.on_duty([b1, b2], org.aftersales2.pk) == {b1.pk: True, b2.pk: False}
    assert Enrolment.objects.filter(user=agent, status="attended").count() >= 10
    assert TrainingRequest.objects.filter(state="requested").exists()
    page = web_as(supervisor).get(reverse("training:people"))
    assert page.status_code == 200 and len(page.context["board"]) >= 5
    minimums = selectors.minimums(s4)
    assert any(m.met for m in minimums) and any(not m.met for m in minimums)


def test_demo_library_has_the_spec_series_kb4_set_and_a_project_at_each_stage(
    org, lead, supervisor
):
    """TRN-2 series and KB-4's courseware in the library; TRN-3 projects with survey votes."""
    from kefu.training.models import Course, CourseProject, TrainingClass

    make_user("b1", "agent", team=org.aftersales2)
    build_training_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    five = Course.objects.filter(series__name__contains="营销五部曲").order_by("series_position")
    assert [c.title.split("：")[1] for c in five] == [
        "抓开场",
        "客户类型分析",
        "挖需求",
        "谈方案",
        "促交易",
    ]
    kb4 = {"售后接待快捷语", "处理问题流程", "售后处理规范", "售后平台规则", "售后工作行为个人提升"}
    assert kb4 <= set(Course.objects.filter(status="published").values_list("title", flat=True))
    assert TrainingClass.objects.filter(course__isnull=False).count() >= 10
    states = set(CourseProject.objects.values_list("state", flat=True))
    assert states == {"rolled_out", "trialled", "survey"}
    waiting = CourseProject.objects.get(state="trialled")
    assert waiting.top_needs[0]["votes"] >= 1 and waiting.experts.exists()
    # the structure page: an archived series, its retired course kept, offered for nothing new
    from kefu.training.models import CourseSeries

    old = CourseSeries.objects.get(archived=True)
    assert [c.status for c in old.courses.all()] == ["retired"]
    assert CourseSeries.objects.filter(archived=False).count() >= 2


def test_demo_evaluations_show_micro_courses_above_all_training(org, lead, supervisor):
    """SAT-6: the demo's micro-courses rate above all internal training; 金讲台 is on file."""
    from kefu.training import evaluation_selectors

    make_user("b1", "agent", team=org.aftersales2)
    build_training_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    board = evaluation_selectors.satisfaction_board(supervisor)
    assert board["micro"] > board["overall"] > 85 and board["overall_ratings"] > 20
    records = {r["trainer"]: r for r in evaluation_selectors.trainer_records(supervisor)}
    assert [c.name for c in records[lead]["certificates"]] == ["金讲台"]
    assert records[lead]["classes"] >= 20 and records[lead]["satisfaction"] > 90


def test_demo_plans_are_approved_by_the_manager_with_their_months_classes(org, manager, supervisor):
    """TRN-8: the annual and past monthly plans approved; this month's awaits the director."""
    from kefu.training import plan_selectors
    from kefu.training.models import TrainingPlan

    make_user("b1", "agent", team=org.aftersales2)
    build_training_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    assert TrainingPlan.objects.filter(kind="annual", state="approved", approver=manager).exists()
    monthly = TrainingPlan.objects.filter(kind="monthly", state="approved").order_by(
        "-year", "-month"
    )
    assert monthly.count() == 6
    (row,) = plan_selectors.month_summary(monthly[0])
    assert row["planned"] >= 3 and row["satisfaction"] > 85
    assert TrainingPlan.objects.filter(state="submitted").count() == 1


def test_demo_double11_certification_is_made_from_its_template_and_counts_the_drill(
    org, agent, agent_b, lead, supervisor, manager
):
    """PK-4: the shop's 双11 certification has the template's six components, the drill among
    them; its holders passed every must-pass one (drill included) by the rule the services use."""
    from kefu.demo.training_cert_rows import build_cert_rows
    from kefu.demo.training_drill_rows import build_drill_rows
    from kefu.training import cert_templates, certify
    from kefu.training.models import Certification, PracticalScore

    for i in range(6):
        make_user(f"d{i}", "agent", team=org.aftersales1 if i % 2 else org.aftersales2)
    from kefu.workforce import staff_status
    from kefu.workforce.models import BorrowedStaff
    from kefu.workforce.services import peak_plan_from_template

    peak_plan_from_template(actor=manager, business_line=org.shop, year=2026)
    now = timezone.now()
    build_training_rows(now=now, seed=1, lines={"shop": org.shop, "4s": org.auto})
    build_drill_rows(now=now, seed=1)
    build_cert_rows(now=now, seed=1)
    cert = Certification.objects.get(business_line=org.shop, template="double11")
    assert cert.components == cert_templates.DOUBLE11.components()
    assert "drill" in [c["code"] for c in cert.components]
    grants = CertificationGrant.objects.filter(certification=cert)
    from kefu.accounts.models import User

    agents = User.objects.filter(business_line=org.shop, role="agent", is_active=True).count()
    assert 0 < grants.count() < agents  # non-zero, and not everyone made it
    for grant in grants:
        best: dict[str, float] = {}
        rows = PracticalScore.objects.filter(user=grant.user, created_at__lt=grant.passed_at)
        for kind, score in rows.values_list("kind", "score"):
            best[kind] = max(best.get(kind, 0.0), float(score))
        assert best.get("drill", 0) >= 60
        outcome = certify.evaluate(certify.components_from(cert.components), best, 75)
        assert outcome.passed and float(grant.total) == outcome.total
    # PK-3's extra modules: the certified borrowed person took all six, the next one three
    linked = list(BorrowedStaff.objects.filter(user__isnull=False).order_by("id"))
    shown = staff_status.for_users(org.shop.pk, [b.user_id for b in linked])
    missing = [len(shown[b.user_id]["modules"]["missing"]) for b in linked]
    assert missing == [0, 3]
