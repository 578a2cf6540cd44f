"""The demo's school (issue 21 §2, the lesson desk): a fourth business line, 启航教育培训中心,
with its customer-service staff, 180 students on three campuses, twelve teachers of five
subjects and their weekly timetables, 180 days of lessons of every kind (测试课, first, regular,
ad-hoc, trial, 补课 after a teacher's cancellation) and the next two weeks booked; hour ledgers
with purchases, deductions, restorations and renewals (some students run low: the renewal
prompt); cancellations in time, teachers' and the school's, short-notice leaves (sick leave with
a certificate approved by the lead, hours restored and written into the profile; personal leave
refused; the last days' still waiting), no-shows with their 旷课回访 (same-day callbacks,
logged), and booking requests including a second unmet one with its alternative (BK-5).

Rows are bulk-inserted with their historic times; the recent no-shows' callbacks go through the
followups services. The same seed gives the same data; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kefu.accounts import services as account_services
from kefu.accounts.models import BusinessLine, Team, User
from kefu.booking.models import (
    BookingRequest,
    EntryKind,
    ExceptionStatus,
    HourEntry,
    LeaveReason,
    Lesson,
    LessonKind,
    LessonStatus,
    Party,
    Student,
)
from kefu.customers.models import Customer, CustomerNote, PhoneGram
from kefu.customers.services import phone_grams, tag_index
from kefu.demo.bulk import Ids, historic_timestamps, reset_sequences

LINE = ("启航教育培训中心", "edu", "education")
# the school's demo logins: username, display name, role, team (None: the department)
USERS = (
    ("edu_supervisor", "高明", "supervisor", None),
    ("edu_lead", "许婷", "lead", "约课组"),
    ("edu_agent", "何佳", "agent", "约课组"),
    ("edu_agent2", "罗飞", "agent", "约课组"),
    ("edu_agent3", "梁静", "agent", "约课组"),
    ("edu_followup_lead", "宋雨", "lead", "回访组"),
    ("edu_followup", "唐悦", "agent", "回访组"),
)
DEPARTMENT = "客服部"
CAMPUSES = ("天河校区", "海珠校区", "番禺校区")
TEACHERS = (
    ("王静", "英语"),
    ("李娜", "英语"),
    ("张敏", "英语"),
    ("刘洋", "数学"),
    ("陈晨", "数学"),
    ("杨帆", "数学"),
    ("赵雪", "钢琴"),
    ("黄磊", "钢琴"),
    ("周婷", "美术"),
    ("吴昊", "美术"),
    ("孙丽", "语文"),
    ("郑凯", "语文"),
)
STUDENTS = 180
DAYS = 180
AHEAD_DAYS = 14
PACKS = (Decimal(24), Decimal(36), Decimal(48))
SOURCES = ("校区前台", "官网预约", "老学员转介绍", "地推活动")
TAGS = ("学龄前", "小学", "初中", "成人", "家长陪同")
PENDING_DAYS = 3  # short-notice leaves this recent still wait for the lead
CALLBACK_DAYS = 14  # no-shows this recent have their 旷课回访 as callback tasks
EVIDENCE = "booking/evidence/demo/病假证明.txt"
ABSENCE_REASONS = (
    "孩子发烧，家长忘记请假",
    "家长加班，没人接送",
    "学校临时补课",
    "记错了上课时间",
)
TEACHER_NOTES = ("老师病假，已安排补课", "老师家中有事，已安排补课", "老师外出培训，已安排补课")


def teacher_label(name: str, subject: str) -> str:
    return f"{name}（{subject}）"


def build_education_rows(*, now: dt.datetime, seed: int, story: bool = True) -> int:
    """Build the school; the number of lessons written (0 when it exists already)."""
    if BusinessLine.objects.filter(code=LINE[1]).exists():
        return 0
    rng = random.Random(seed + 21)
    with transaction.atomic():
        line = account_services.business_line_create(name=LINE[0], code=LINE[1], industry=LINE[2])
        users = _users(line)
    from kefu.followups.services.policies import policies_seed

    policies_seed(line)
    with transaction.atomic():
        written = _School(line, users, now, rng).build()
    _no_show_callbacks(line, users, now, rng)
    _flows(line, users, now)
    if story:
        _tickets(line, users)
    return written


def _users(line) -> dict[str, User]:
    from kefu.demo.builder import DEMO_PASSWORD

    teams = {t.name: t for t in Team.objects.filter(business_line=line)}
    department = next(iter(teams.values())).department
    users = {}
    for username, display, role, team in USERS:
        place = {"team": teams[team]} if team else {"department": department}
        users[username] = account_services.user_create(
            username=username, password=None, role=role, display_name=display, **place
        )
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return users


class _School:
    def __init__(self, line, users, now, rng: random.Random):
        self.line, self.users, self.now, self.rng = line, users, now, rng
        self.tz = timezone.get_current_timezone()
        self.agents = [u for u in users.values() if u.role == "agent" and u.team.name == "约课组"]
        self.lead = users["edu_lead"]
        self.lessons: list[Lesson] = []
        self.entries: list[HourEntry] = []
        self.notes: list[CustomerNote] = []
        self.requests: list[BookingRequest] = []
        self.ids = Ids(Customer, Student, Lesson)

    def build(self) -> int:
        if not default_storage.exists(EVIDENCE):
            default_storage.save(
                EVIDENCE, ContentFile("病假证明（演示）：因病需休息一天。".encode())
            )
        customers, grams, students = [], [], []
        from kefu.demo.customer_rows import CustomerMaker

        maker = CustomerMaker(self.rng, self.ids, self.now)
        for n in range(STUDENTS):
            customer, student = self._student(maker, n)
            customers.append(customer)
            students.append(student)
            grams += [
                PhoneGram(customer_id=customer.pk, business_line_id=self.line.pk, gram=g)
                for g in phone_grams(customer.phone)
            ]
        models = (Customer, Student, Lesson, HourEntry, CustomerNote, BookingRequest)
        with historic_timestamps(*models):
            Customer.objects.bulk_create(customers, batch_size=500)
            PhoneGram.objects.bulk_create(grams, batch_size=2000)
            Student.objects.bulk_create(students, batch_size=500)
            for student, customer in zip(students, customers, strict=True):
                self._timetable(student, customer)
            Lesson.objects.bulk_create(self.lessons, batch_size=1000)
            HourEntry.objects.bulk_create(self.entries, batch_size=2000)
            CustomerNote.objects.bulk_create(self.notes, batch_size=500)
            BookingRequest.objects.bulk_create(self.requests, batch_size=500)
        reset_sequences(Customer, Student, Lesson)
        return len(self.lessons)

    def _student(self, maker, n: int):
        rng = self.rng
        name, gender = maker.name_gender()
        joined = self.now - dt.timedelta(days=rng.uniform(7, DAYS + 20))
        tags = rng.sample(TAGS, k=1)
        customer = Customer(
            pk=self.ids.take(Customer),
            business_line_id=self.line.pk,
            name=name,
            phone=maker.phone(),
            gender=gender,
            address=f"广州市{CAMPUSES[n % 3][:2]}区",
            source_channel=rng.choice(SOURCES),
            tags=tags,
            tag_index=tag_index(tags),
            first_visit_on=timezone.localdate(joined),
            created_at=joined,
            updated_at=joined,
        )
        agent = self.agents[n % len(self.agents)]
        student = Student(
            pk=self.ids.take(Student),
            business_line_id=self.line.pk,
            department_id=agent.department_id,
            team_id=agent.team_id,
            customer_id=customer.pk,
            agent=agent,
            campus=CAMPUSES[n % 3],
            created_at=joined,
            updated_at=joined,
        )
        return customer, student

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)

    def _entry(self, student, kind, hours, at, lesson=None, note="", actor=None):
        delta = hours if kind != EntryKind.DEDUCTION else -hours
        self.entries.append(
            HourEntry(
                student_id=student.pk,
                kind=kind,
                hours=hours,
                delta=delta,
                lesson_id=lesson.pk if lesson else None,
                note=note,
                actor=actor or student.agent,
                created_at=at,
            )
        )
        return delta

    def _timetable(self, student, customer) -> None:
        """The student's weekly lesson with one teacher from joining on, and what became of
        each lesson; purchases keep the ledger able to pay for what is booked."""
        rng, now = self.rng, self.now
        name, subject = rng.choice(TEACHERS)
        teacher = teacher_label(name, subject)
        length = rng.choice((Decimal(1), Decimal(1), Decimal("1.5"), Decimal(2)))
        weekday = rng.randrange(7)
        hour = rng.choice((9, 10, 14, 15, 16)) if weekday >= 5 else rng.choice((17, 18, 19))
        joined = student.created_at
        balance = self._entry(
            student, EntryKind.PURCHASE, rng.choice(PACKS), joined, note="首购课包"
        )
        day = timezone.localdate(joined) + dt.timedelta(days=1)
        start = self._at(day, hour if weekday >= 5 else 18)
        plan = [(LessonKind.TEST, start, Decimal(1))]
        first = day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)
        for week in range(60):
            when = self._at(first + dt.timedelta(weeks=week), hour)
            if when > now + dt.timedelta(days=AHEAD_DAYS):
                break
            plan.append((LessonKind.FIRST if week == 0 else LessonKind.REGULAR, when, length))
            if rng.random() < 0.04:
                plan.append((LessonKind.ADHOC, when + dt.timedelta(days=2, hours=-1), length))
            if rng.random() < 0.02:
                plan.append((LessonKind.TRIAL, when + dt.timedelta(days=3), Decimal(1)))
        plan.sort(key=lambda p: p[1])
        booked = Decimal(0)
        for kind, when, hours in plan:
            if balance - booked < hours:
                if rng.random() < 0.25:
                    break  # stopped renewing: the desk's renewal prompt (SEG-8)
                bought = rng.choice(PACKS)
                balance += self._entry(
                    student, EntryKind.PURCHASE, bought, when - dt.timedelta(days=2), note="续费"
                )
            lesson_teacher = teacher
            if kind == LessonKind.TRIAL:
                other = rng.choice([t for t in TEACHERS if t[1] != subject])
                lesson_teacher = teacher_label(*other)
            lesson = self._lesson(student, kind, when, hours, lesson_teacher)
            if when > now:
                booked += hours
                continue
            balance += self._outcome(student, customer, lesson)
        self._requests(student, teacher, hour)

    def _lesson(self, student, kind, when, hours, teacher) -> Lesson:
        lesson = Lesson(
            pk=self.ids.take(Lesson),
            business_line_id=self.line.pk,
            department_id=student.department_id,
            team_id=student.team_id,
            student_id=student.pk,
            teacher=teacher,
            kind=kind,
            start_at=when,
            hours=hours,
            booked_by=student.agent,
            created_at=min(self.now, when - dt.timedelta(days=self.rng.randint(3, 10))),
            updated_at=min(self.now, when),
        )
        self.lessons.append(lesson)
        return lesson

    def _outcome(self, student, customer, lesson: Lesson) -> Decimal:
        """What became of a past lesson; the change of the balance."""
        rng, r = self.rng, self.rng.random()
        start = lesson.start_at
        if lesson.kind == LessonKind.TEST or r < 0.80:
            lesson.status = LessonStatus.ATTENDED
            return self._entry(student, EntryKind.DEDUCTION, lesson.hours, start, lesson)
        if r < 0.86:  # in time: nothing deducted, the next lesson offered
            self._cancel(lesson, Party.STUDENT, rng.uniform(13, 72), "学生请假，已约下次课")
            return Decimal(0)
        if r < 0.89:  # the teacher's: never deducts, a make-up lesson (补课)
            short = rng.random() < 0.4
            self._cancel(
                lesson,
                Party.TEACHER,
                rng.uniform(1, 11) if short else rng.uniform(24, 96),
                rng.choice(TEACHER_NOTES),
            )
            makeup = start + dt.timedelta(days=rng.randint(2, 5))
            if makeup < self.now:
                extra = self._lesson(
                    student, LessonKind.ADHOC, makeup, lesson.hours, lesson.teacher
                )
                extra.note = "补课"
                extra.status = LessonStatus.ATTENDED
                return self._entry(student, EntryKind.DEDUCTION, extra.hours, makeup, extra)
            return Decimal(0)
        if r < 0.90:
            self._cancel(lesson, Party.COMPANY, rng.uniform(48, 120), "校区消防演练停课")
            return Decimal(0)
        if r < 0.955:
            return self._late_leave(student, customer, lesson)
        lesson.status = LessonStatus.NO_SHOW
        return self._entry(student, EntryKind.DEDUCTION, lesson.hours, start, lesson)

    def _cancel(self, lesson, by, hours_before: float, note: str) -> None:
        lesson.status = LessonStatus.CANCELLED
        lesson.cancelled_by = by
        lesson.cancelled_at = lesson.start_at - dt.timedelta(hours=hours_before)
        lesson.note = note

    def _late_leave(self, student, customer, lesson: Lesson) -> Decimal:
        """Inside the 12-hour cut-off: deducted; sick leave with a certificate is approved by
        the lead (hours restored, the profile told), personal leave refused."""
        rng = self.rng
        sick = rng.random() < 0.65
        at = lesson.start_at - dt.timedelta(hours=rng.uniform(1, 11.5))
        lesson.status = LessonStatus.LATE_LEAVE
        lesson.cancelled_by = Party.STUDENT
        lesson.cancelled_at = at
        lesson.leave_reason = LeaveReason.SICK if sick else LeaveReason.PERSONAL
        lesson.note = "发烧，家长来电请假" if sick else "临时有事"
        change = self._entry(student, EntryKind.DEDUCTION, lesson.hours, at, lesson)
        if sick:
            lesson.evidence = EVIDENCE
        if lesson.start_at > self.now - dt.timedelta(days=PENDING_DAYS):
            lesson.exception = ExceptionStatus.PENDING
            return change
        decided = at + dt.timedelta(hours=rng.uniform(4, 30))
        lesson.decided_by = self.lead
        local = timezone.localtime(lesson.start_at).strftime("%Y-%m-%d %H:%M")
        if sick:
            lesson.exception = ExceptionStatus.APPROVED
            lesson.status = LessonStatus.EXCUSED
            change += self._entry(
                student,
                EntryKind.RESTORATION,
                lesson.hours,
                decided,
                lesson,
                "病假证明已核",
                self.lead,
            )
            body = f"{local} 的课请病假（已交病假证明）：组长批准，课时已返还，已回访家长。"
        else:
            lesson.exception = ExceptionStatus.REFUSED
            body = f"{local} 的课临时请事假（不足12小时）：组长未批准，课时照扣，已向家长说明请假规则。"
        self.notes.append(
            CustomerNote(
                customer_id=customer.pk,
                author=self.lead,
                body=body,
                created_at=decided,
                updated_at=decided,
            )
        )
        return change

    def _requests(self, student, teacher: str, hour: int) -> None:
        """Booking requests (BK-5): most met; a few unmet, the second in a row with its
        alternative, the lead alerted and the 30-minute callback promised."""
        rng = self.rng
        if rng.random() > 0.2:
            return
        at = self.now - dt.timedelta(days=rng.uniform(2, 120))
        wanted = f"周六上午 {teacher}"
        unmet = rng.random() < 0.5
        self.requests.append(self._request(student, wanted, not unmet, "", at))
        if not unmet:
            return
        again = at + dt.timedelta(days=rng.randint(3, 8))
        alternative = rng.choice(
            (f"下周六 {hour}:00 同一老师", "本周日 10:00 换老师一次", "保留两周后周六 9:00 的时段")
        )
        self.requests.append(self._request(student, wanted, False, alternative, again, second=True))

    def _request(self, student, wanted, met, alternative, at, second=False) -> BookingRequest:
        return BookingRequest(
            student_id=student.pk,
            wanted=wanted,
            met=met,
            alternative=alternative,
            leader_alerted=second,
            callback_due_at=None if met else at + dt.timedelta(minutes=30),
            created_by=student.agent,
            created_at=at,
            updated_at=at,
        )


def _no_show_callbacks(line, users, now, rng: random.Random) -> None:
    """The 旷课回访 of the recent no-shows: the same-day callback task (FU-6); before today
    it was made, its notes the 旷课回访表 (reason, the leave rule told, no dispute)."""
    from kefu.followups.models import CallbackTask
    from kefu.followups.services.callbacks import callback_log_outcome, callback_trigger

    today = timezone.localdate(now)
    since = now - dt.timedelta(days=CALLBACK_DAYS)
    lessons = (
        Lesson.objects.filter(business_line=line, status=LessonStatus.NO_SHOW, start_at__gte=since)
        .select_related("student__agent")
        .order_by("start_at")
    )
    for lesson in lessons:
        agent = lesson.student.agent
        customer = Customer.objects.select_related("business_line").get(
            pk=lesson.student.customer_id
        )
        with transaction.atomic():
            task = callback_trigger(
                kind="no_show", customer=customer, at=lesson.start_at, actor=agent
            )
            if task is None or timezone.localdate(lesson.start_at) >= today:
                continue
            task = CallbackTask.objects.get(pk=task.pk)
            if task.status != "open":  # the customer's earlier no-show made it already
                continue
            notes = (
                f"旷课原因：{rng.choice(ABSENCE_REASONS)}；已说明请假规则（电话至少提前1天，"
                "APP至少提前12小时），课时按旷课扣除，家长无异议。"
            )
            callback_log_outcome(
                actor=agent,
                task=task,
                version=task.version,
                outcome="satisfied",
                notes=notes,
                duration_seconds=rng.randint(90, 300),
            )


def _flows(line, users, now) -> None:
    """BK-7 and BK-8 flows through their services, a few at every stage: substitute teachers
    for students unbookable twice in a row, 1-on-1 → group for others."""
    from kefu.booking import flow_services, flows
    from kefu.core.errors import Invalid

    lead = users["edu_lead"]
    tz = timezone.get_current_timezone()
    trial_day = timezone.localdate(now) + dt.timedelta(days=4)
    unbookable = [
        r.student
        for r in BookingRequest.objects.filter(student__business_line=line, leader_alerted=True)
        .select_related("student__agent")
        .order_by("student_id")
    ]
    others = Student.objects.filter(business_line=line).exclude(pk__in=[s.pk for s in unbookable])
    plans = [(s, flows.SUBSTITUTE, n % 4 + 1) for n, s in enumerate(unbookable[:6])]
    plans += [(s, flows.GROUP, n % 7 + 1) for n, s in enumerate(others.order_by("-id")[:8])]
    for n, (student, kind, steps) in enumerate(plans):
        agent = student.agent
        try:  # a trial needs free hours: a student without them is left out
            with transaction.atomic():
                teacher = flow_services.current_teacher(student)
                subject = flows.subject_of(teacher)
                same = [teacher_label(*t) for t in TEACHERS if t[1] == subject]
                other = next((t for t in same if t != teacher), teacher)
                flow = flow_services.flow_open(
                    actor=agent,
                    student_id=student.pk,
                    kind=kind,
                    note="周六上午连续两次约不上原老师"
                    if kind == flows.SUBSTITUTE
                    else "家长想试试小班课",
                )
                for step in flows.FLOWS[kind][1:steps]:
                    actor = lead if step.role == flows.LEAD else agent
                    trial = dt.datetime.combine(trial_day, dt.time(10 + n % 8), tzinfo=tz)
                    flow = flow_services.flow_advance(
                        actor=actor,
                        flow_id=flow.pk,
                        version=flow.version,
                        note="已与老师确认" if "note" in step.needs else "",
                        teacher=other,
                        start_at=trial,
                        hours="1",
                    )
        except Invalid:
            continue


TICKETS = (
    ("约课组", "咨询暑期英语班课程安排", "consult"),
    ("约课组", "想把周六的课调到周日上午", "consult"),
    ("约课组", "孩子病了，明天的课想请假", "consult"),
    ("回访组", "家长反映老师临时取消课程", "complaint"),
    ("回访组", "回访：家长对钢琴课很满意", "praise"),
    ("回访组", "建议增加周末上午的数学课", "suggestion"),
)


def _tickets(line, users) -> None:
    """A few enquiries of the school's two teams, filed through the intake service."""
    from kefu.tickets.services import ticket_create

    customers = list(Customer.objects.filter(business_line=line).order_by("id")[: len(TICKETS)])
    by_team = {u.team.name: u for u in users.values() if u.role == "agent"}
    for (team, title, kind), customer in zip(TICKETS, customers, strict=False):
        ticket_create(
            actor=by_team[team],
            title=title,
            description="家长来电，已记录并按流程处理。",
            type=kind,
            channel="phone",
            priority="normal",
            customer=customer,
        )
