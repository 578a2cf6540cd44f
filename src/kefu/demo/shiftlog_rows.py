"""The demo's shift logs (SR-3, LOG-6): 180 days of the handover book of the shop's 售后一组 and
the property office's 前台组 (a page for each morning and afternoon shift), the teams' leads'
management log on weekdays and the property front desk's daily patrol report.

Entries of earlier days are signed off by the department's supervisor in the evening of their
day, classified; today's entries await sign-off, so the supervisor's daily review queue is
never empty after a build. A few signed entries carry an addendum (a correction).

Rows are inserted with ``bulk_create`` (about 1,500 whatever the ``--size``); their text is cut
once per distinct sentence and indexed for the Chinese search (core.search).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core import search
from kefu.demo.bulk import historic_timestamps
from kefu.shiftlogs.models import ShiftLogAddendum, ShiftLogEntry

DAYS = 180
SHIFT_HOURS = {"morning": 15, "afternoon": 21}  # when the page is written (end of the shift)
TEAMS = (("shop", "售后一组"), ("wy", "前台组"))  # (business line code, team)

HANDOVER = {
    "shop": [
        (
            "售后咨询{n}个，退换货申请{k}单待审核",
            "接待售后咨询{n}个，其中退换货申请{k}单已录入，物流查件{m}单已回复客户。",
            "退换货申请{k}单待仓库确认收货",
        ),
        (
            "物流延误集中，安抚客户{k}位",
            "快递中转延误，{k}位客户来电催件，已逐一安抚并登记查件。",
            "跟进{k}单查件结果并回电客户",
        ),
        (
            "差评客户{k}位已联系",
            "店铺差评{k}条，已联系客户了解原因，{m}位同意补发处理。",
            "等待补发单号后通知客户",
        ),
        (
            "大促售后高峰，在线接待{n}人次",
            "大促后售后咨询量上升，在线接待{n}人次，平均响应时间正常。",
            "",
        ),
        ("破损件{k}单已补发", "客户反馈商品破损{k}单，已核实照片并安排补发。", "补发件签收后回访"),
        (
            "退款争议{k}单升级主管",
            "退款金额争议{k}单，客户情绪较大，已升级主管处理。",
            "主管明日答复客户",
        ),
    ],
    "wy": [
        (
            "{b}号楼电梯困人已派工程部",
            "{b}号楼电梯困人，工程部5分钟到场解困，业主情绪已安抚。",
            "电梯维保单位明日检修",
        ),
        (
            "{b}号楼地下室漏水报修",
            "业主报{b}号楼地下室漏水，已通知工程部关闸并清理积水。",
            "下午复查漏水点",
        ),
        (
            "前台接待业主{n}人次，报修{k}单",
            "前台接待业主{n}人次，居家报修{k}单、公共区域报修{m}单，均已派单。",
            "{k}单居家报修待上门",
        ),
        (
            "物业费催缴{k}户已登记",
            "电话催缴物业费{k}户，{m}户承诺本周缴纳。",
            "本周五前再次提醒未缴户",
        ),
        (
            "{b}号楼噪音投诉已处理",
            "{b}号楼业主投诉夜间装修噪音，已联系施工方停工并告知业主。",
            "明日回访投诉业主",
        ),
        (
            "快递柜故障，业主取件受阻",
            "{b}号楼快递柜故障，已联系厂家维修，临时改为前台代收。",
            "厂家明日上门维修",
        ),
        ("访客登记{n}人，车辆临停{k}辆", "访客登记{n}人，临停车辆{k}辆，无异常。", ""),
    ],
}
MANAGEMENT = [
    (
        "班组周例会：{k}项改进",
        "组织班组例会，复盘本周投诉{k}起，确定{m}项改进措施并分工落实。",
        "周五检查改进措施落实情况",
    ),
    (
        "新人带教与质检抽查",
        "抽查通话/会话录音{n}条，{k}条服务用语不规范，已一对一辅导。",
        "下周复查辅导效果",
    ),
    ("排班调整与人员到岗", "本日到岗{n}人，{k}人请假，已调整班次保证高峰在岗。", ""),
]
PATROL = [
    (
        "{b}号楼公共区域巡查",
        "{b}号楼大堂、电梯厅、消防通道巡查一遍：消防通道畅通，{k}处照明灯不亮已报修。",
        "照明灯维修后复查",
        "{b}号楼",
    ),
    (
        "地下车库巡查",
        "地下车库巡查：{k}处积水、{m}辆车占用消防通道，已张贴提示。",
        "通知车主挪车",
        "地下车库",
    ),
    (
        "园区绿化与设施巡查",
        "园区巡查：儿童游乐设施完好，{k}处路灯损坏，垃圾清运及时。",
        "路灯报修",
        "中心园区",
    ),
]
OPEN_CATEGORIES = [
    ("routine", 70),
    ("complaint", 10),
    ("repair", 12),
    ("safety", 4),
    ("service", 4),
]
NOTES = ["已阅，按计划跟进", "处理及时", "请明日回访客户", "注意跟进未完事项", ""]
ADDENDA = [
    "更正：困人时间为08:40，不是08:10。",
    "补记：客户已于次日确认收到补发件。",
    "补记：工程部已完成维修，业主满意。",
]


def _numbers(rng: random.Random) -> dict:
    """One entry's figures, shared by its summary, text and open items."""
    return {
        "n": rng.randint(20, 90),
        "k": rng.randint(1, 9),
        "m": rng.randint(1, 5),
        "b": rng.randint(1, 12),
    }


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def build_shiftlog_rows(*, now: dt.datetime, seed: int, lines: dict) -> int:
    """Insert the demo's shift logs; ``lines`` maps the line codes ("shop", "wy") to lines."""
    rng = random.Random(seed + 23)
    today = timezone.localdate(now)
    entries: list[ShiftLogEntry] = []
    for key, team_name in TEAMS:
        team = Team.objects.filter(business_line=lines[key], name=team_name).first()
        if team is None:
            continue
        members = list(User.objects.filter(team=team, is_active=True).order_by("id"))
        agents = [u for u in members if u.role == "agent"] or members
        lead = next((u for u in members if u.role == "lead"), None)
        supervisor = (
            User.objects.filter(department_id=team.department_id, role="supervisor")
            .order_by("id")
            .first()
        )
        if not agents or supervisor is None:
            continue
        for back in range(DAYS, -1, -1):
            day = today - dt.timedelta(days=back)
            kinds = [("handover", shift) for shift in SHIFT_HOURS]
            if lead and (day.weekday() < 5 or back == 0):
                kinds.append(("management", "morning"))
            if key == "wy":
                kinds.append(("patrol", "afternoon"))
            for kind, shift in kinds:
                written = _at(
                    day, SHIFT_HOURS[shift] - (2 if kind != "handover" else 0), rng.randint(0, 40)
                )
                if written > now:
                    if kind == "handover" and shift == "afternoon":
                        continue  # today's afternoon page is not written yet
                    written = now - dt.timedelta(minutes=rng.randint(5, 50))
                author = lead if kind == "management" else rng.choice(agents)
                area = ""
                if kind == "handover":
                    title, body, items = rng.choice(HANDOVER[key])
                elif kind == "management":
                    title, body, items = rng.choice(MANAGEMENT)
                else:
                    title, body, items, area = rng.choice(PATROL)
                figures = _numbers(rng)
                entry = ShiftLogEntry(
                    business_line_id=team.business_line_id,
                    department_id=team.department_id,
                    team=team,
                    kind=kind,
                    shift_date=day,
                    shift=shift,
                    author=author,
                    area=area.format(**figures),
                    title=title.format(**figures),
                    body=body.format(**figures),
                    open_items=items.format(**figures),
                    created_at=written,
                    updated_at=written,
                )
                if kind == "handover":
                    others = [u for u in agents if u.pk != author.pk]
                    entry.handed_to = rng.choice(others) if others else None
                if back > 0:  # earlier days: signed that evening
                    signed_at = _at(day, 21, 30) + dt.timedelta(minutes=rng.randint(0, 80))
                    entry.status = "signed"
                    entry.category = rng.choices(
                        [c for c, _ in OPEN_CATEGORIES], [w for _, w in OPEN_CATEGORIES]
                    )[0]
                    entry.review_note = rng.choice(NOTES)
                    entry.signed_by = supervisor
                    entry.signed_at = signed_at
                    entry.updated_at = signed_at
                    entry.version = 2
                entries.append(entry)
    if not entries:
        return 0
    cut: dict[str, str] = {}

    def segment(text: str) -> str:
        if text not in cut:
            cut[text] = search.segment(text)
        return cut[text]

    with search.dictionary_pinned():
        for e in entries:
            e.search_text = " ".join(
                segment(t) for t in (e.title, e.area, e.body, e.open_items) if t
            )
    with transaction.atomic(), historic_timestamps(ShiftLogEntry, ShiftLogAddendum):
        made = ShiftLogEntry.objects.bulk_create(entries, batch_size=500)
        search.index_rows(ShiftLogEntry, [(e.pk, e.search_text) for e in made])
        signed = [e for e in made if e.status == "signed"]
        addenda = []
        for e in rng.sample(signed, min(6, len(signed))):
            text = rng.choice(ADDENDA)
            at = e.signed_at + dt.timedelta(hours=12)
            addenda.append(
                ShiftLogAddendum(entry=e, author=e.author, body=text, created_at=at, updated_at=at)
            )
            e.search_text = f"{e.search_text} {segment(text)}"
        ShiftLogAddendum.objects.bulk_create(addenda)
        ShiftLogEntry.objects.bulk_update([a.entry for a in addenda], ["search_text"])
        search.index_rows(ShiftLogEntry, [(a.entry.pk, a.entry.search_text) for a in addenda])
    return len(made)
