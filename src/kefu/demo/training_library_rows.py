"""The demo's course library (TRN-2, KB-4) and course development (TRN-3) for the shop: the three
knowledge modules with their areas, the two series of the spec (基础电话服务技巧系列, 营销五部曲),
KB-4's after-sales courseware, the early classes linked to their courses, and three development
projects: last year's rolled out, this year's awaiting the expert panel, next year's survey open."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.demo.bulk import historic_timestamps
from kefu.training import development
from kefu.training.models import (
    Course,
    CourseModule,
    CourseProject,
    CourseSeries,
    ProjectNeed,
    TrainingClass,
)

BUSINESS, SERVICE, SUPPORT = "企业业务类知识", "客户服务类知识", "其他支撑类知识"
AREAS = ("电话服务", "投诉处理", "电话营销")
# (title, module or area, series, minutes, method, objectives, revision)
COURSES = [
    ("MOT服务技巧", "电话服务", "基础电话服务技巧系列", 60, "theory", "掌握关键时刻的服务要点", 2),
    (
        "MOT服务技巧深化提升",
        "电话服务",
        "基础电话服务技巧系列",
        60,
        "case_drill",
        "用真实录音复盘关键时刻",
        1,
    ),
    (
        "营销五部曲：抓开场",
        "电话营销",
        "电话营销技巧系列 营销五部曲",
        60,
        "hands_on",
        "30 秒内建立信任的开场",
        1,
    ),
    (
        "营销五部曲：客户类型分析",
        "电话营销",
        "电话营销技巧系列 营销五部曲",
        60,
        "discussion",
        "识别四类客户并调整话术",
        1,
    ),
    (
        "营销五部曲：挖需求",
        "电话营销",
        "电话营销技巧系列 营销五部曲",
        60,
        "hands_on",
        "用开放式提问挖掘需求",
        1,
    ),
    (
        "营销五部曲：谈方案",
        "电话营销",
        "电话营销技巧系列 营销五部曲",
        60,
        "case_drill",
        "把产品利益对应到需求",
        1,
    ),
    (
        "营销五部曲：促交易",
        "电话营销",
        "电话营销技巧系列 营销五部曲",
        60,
        "hands_on",
        "识别成交信号并促成",
        1,
    ),
    ("投诉处理", "投诉处理", None, 120, "case_drill", "受理安抚、澄清判定、协商方案、跟踪落实", 3),
    # KB-4: the after-sales courseware
    ("售后接待快捷语", BUSINESS, None, 30, "hands_on", "快捷语熟练完整背出", 2),
    ("处理问题流程", BUSINESS, None, 60, "theory", "售后问题从登记到结案的流程", 1),
    ("售后处理规范", BUSINESS, None, 60, "theory", "退换货、补发、退款的处理规范", 2),
    ("售后平台规则", BUSINESS, None, 60, "theory", "天猫售后规则与赔付标准", 4),
    ("售后工作行为个人提升", BUSINESS, None, 30, "discussion", "售后工作行为规范与个人提升", 1),
    ("办公软件与插件", SUPPORT, None, 60, "hands_on", "千牛、插件与报表工具", 1),
    ("双11 大促准备", SUPPORT, None, 240, "briefing", "活动规则、话术与排班的半日主题课", 1),
]
NEEDS = ["退款纠纷话术", "情绪安抚", "新品护肤知识", "催付技巧", "平台新规解读", "情绪安抚"]


def build_library_rows(line, people, *, lead, supervisor, manager, now) -> None:
    """The library, the early classes' courses and the development projects; a few dozen rows."""
    modules = {}
    for i, name in enumerate((BUSINESS, SERVICE, SUPPORT)):
        modules[name] = CourseModule.objects.create(business_line=line, name=name, position=i)
    for i, name in enumerate(AREAS):
        modules[name] = CourseModule.objects.create(
            business_line=line, name=name, parent=modules[SERVICE], position=10 + i
        )
    series, rows = {}, []
    for pos, (title, module, series_name, minutes, method, objectives, revision) in enumerate(
        COURSES
    ):
        if series_name and series_name not in series:
            series[series_name] = CourseSeries.objects.create(
                business_line=line, name=series_name, module=modules[module]
            )
        at = now - dt.timedelta(days=170 - pos * 3)
        rows.append(
            Course(
                business_line=line,
                module=modules[module],
                series=series.get(series_name),
                series_position=pos,
                title=title,
                minutes=minutes,
                method=method,
                objectives=objectives,
                materials="课件 PPT、案例集、随堂测验",
                owner=(lead, supervisor)[pos % 2],
                revision=revision,
                status="published",
                created_at=at,
                updated_at=at,
            )
        )
    with historic_timestamps(Course, CourseProject, ProjectNeed):
        created = {c.title: c for c in Course.objects.bulk_create(rows)}
        for title, course in created.items():
            TrainingClass.objects.filter(business_line=line, title=title).update(course=course)
        _projects(line, people, created, lead, supervisor, manager, now)
    _archived_series(line, modules["电话服务"], supervisor or lead, now)


def _archived_series(line, module, actor, now) -> None:
    """Last year's phone-service series, its course retired, archived through the service (an
    audited edit the library's structure page shows)."""
    from kefu.training import library_services

    old = CourseSeries.objects.create(
        business_line=line, name="电话服务基础系列（旧版）", module=module
    )
    Course.objects.create(
        business_line=line,
        module=module,
        series=old,
        title="电话礼仪（旧版）",
        minutes=60,
        method="theory",
        objectives="问候、转接与结束语",
        owner=actor,
        status="retired",
    )
    library_services.series_archive(actor=actor, series=old, version=1, archived=True)


def _projects(line, people, created, lead, supervisor, manager, now) -> None:
    today = timezone.localdate(now)
    experts = [p for p in (supervisor, manager) if p is not None]
    developers = [p for p in (lead, *people[:1]) if p is not None and p not in experts]
    done = CourseProject(
        business_line=line,
        year=today.year - 1,
        title=f"{today.year - 1} 年度课程开发",
        state="rolled_out",
        top_needs=[{"topic": "投诉处理", "votes": 9}, {"topic": "电话营销", "votes": 7}],
        external_course="外购：客户投诉处理实战（2 天）",
        course_title="投诉处理",
        minutes=120,
        objectives="受理安抚、澄清判定、协商方案、跟踪落实",
        materials="内化版课件、录音案例 12 个",
        workshop_on=today - dt.timedelta(days=175),
        trial_notes="试讲两次，压缩为 2 小时准微课",
        returned=1,
        panel_note="通过",
        accepted_by=supervisor,
        filed_by=manager,
        course=created["投诉处理"],
        created_by=supervisor,
        created_at=now - dt.timedelta(days=179),
        updated_at=now - dt.timedelta(days=160),
    )
    waiting = CourseProject(
        business_line=line,
        year=today.year,
        title=f"{today.year} 年度课程开发",
        state="trialled",
        external_course="外购：情绪压力与客户安抚",
        course_title="情绪安抚与共情沟通",
        minutes=60,
        objectives="识别客户情绪并用共情话术安抚",
        materials="内化版课件、角色扮演脚本",
        workshop_on=today - dt.timedelta(days=40),
        trial_notes="早课试讲，补充售后案例",
        created_by=supervisor,
        created_at=now - dt.timedelta(days=120),
        updated_at=now - dt.timedelta(days=5),
    )
    survey = CourseProject(
        business_line=line,
        year=today.year + 1,
        title=f"{today.year + 1} 年度培训需求调查",
        created_by=supervisor,
        created_at=now - dt.timedelta(days=3),
        updated_at=now - dt.timedelta(days=3),
    )
    done, waiting, survey = CourseProject.objects.bulk_create([done, waiting, survey])
    for project in (done, waiting):
        project.experts.set(experts)
        project.developers.set(developers)
    needs = [
        ProjectNeed(
            project=project,
            user=person,
            topic=NEEDS[(i + k) % len(NEEDS)],
            created_at=project.created_at + dt.timedelta(days=1),
            updated_at=project.created_at + dt.timedelta(days=1),
        )
        for project in (waiting, survey)
        for i, person in enumerate(people)
        for k in (0, 2)
    ]
    ProjectNeed.objects.bulk_create(needs, ignore_conflicts=True)
    named = (
        ProjectNeed.objects.filter(project=waiting).order_by("id").values_list("topic", flat=True)
    )
    top = development.top_needs(list(named))
    CourseProject.objects.filter(pk=waiting.pk).update(
        top_needs=[{"topic": t, "votes": n} for t, n in top]
    )
