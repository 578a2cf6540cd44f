"""The other apps' reports (issue 22 §4): 回访总结报告, the repeat and malignant lists and the
property collection report, recomputed from raw rows, within scope, as page, .xlsx and PDF."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook
from testkit import agree_solution, make_user

from kefu.followups.models import CallbackTask, TaskStatus
from kefu.reports import capability_reports, statement
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

TZ = dt.timezone(dt.timedelta(hours=8))


def _resolve(ticket, actor):
    ticket = Ticket.objects.get(pk=ticket.pk)
    agree_solution(ticket, actor)
    ticket_update(
        actor=actor, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )


def _log(ticket, actor, result, notes=""):
    from kefu.followups.services import callback_log_outcome

    task = CallbackTask.objects.filter(ticket=ticket, status=TaskStatus.OPEN).get()
    callback_log_outcome(actor=actor, task=task, version=task.version, outcome=result, notes=notes)


def test_callback_summary_per_team_recomputed_from_raw_callbacks(org, manager, agent, make_ticket):
    # given: three complaints resolved on 2 October, called back on the 6th
    with time_machine.travel(dt.datetime(2026, 10, 2, 10, tzinfo=TZ), tick=False):
        tickets = [make_ticket(agent) for _ in range(3)]
        for t in tickets:
            _resolve(t, agent)
    with time_machine.travel(dt.datetime(2026, 10, 6, 10, tzinfo=TZ), tick=False):
        _log(tickets[0], agent, "satisfied")
        _log(tickets[1], agent, "dissatisfied", "退款太慢")
        _log(tickets[2], agent, "unreachable")
    # when
    report = capability_reports.build(manager, "callbacks", "2026-10")
    # then: the totals are the statement's 回访率 and the raw rows
    month = statement.monthly(manager, period="2026-10")
    total = report.data["total"]
    assert (total["due"], total["completed"]) == (
        month["callbacks"]["due"],
        month["callbacks"]["completed"],
    )
    raw_due = CallbackTask.objects.filter(
        attempt=1, due_on__month=10, status__in=("open", "done"), business_line=org.shop
    )
    # three first callbacks and the second one the satisfied customer's callback scheduled
    assert total["due"] == raw_due.count() == 4
    assert total["completed"] == raw_due.filter(reached_at__isnull=False).count() == 2
    assert total["outcomes"]["dissatisfied"] == 1 and total["outcomes"]["unreachable"] == 1
    assert [u["notes"] for u in report.data["unhappy"]] == ["退款太慢"]
    team = next(t for t in report.data["teams"] if t["team"] == "售后一组")
    assert team["rate"] == 50.0
    # scope: another line's supervisor sees none of it
    other = make_user("wy_sup2", "supervisor", department=org.wy_front.department)
    assert capability_reports.build(other, "callbacks", "2026-10").data["total"]["due"] == 0


def test_graded_lists_and_collection_report_pages_and_exports(org, manager, client):
    from kefu.customers import services as customers
    from kefu.customers.models import PropertyUnit
    from kefu.property import services as prop

    # given: the property office bills two units in January 2026, one pays in full
    wy = make_user("wy_sup", "supervisor", department=org.wy_front.department)
    prop.fee_type_save(
        actor=wy,
        code="wyf",
        name="物业管理费",
        kind="property",
        basis="area_month",
        unit_price="2.50",
        reviewed_on=dt.date(2025, 1, 10),
    )
    for building, area in (("1栋", "100"), ("=2栋", "80")):
        owner = customers.customer_create(
            actor=None, business_line=org.property, name="业主", phone=f"1390000{area:0>4}"
        )
        PropertyUnit.objects.create(
            customer=owner, building=building, unit="1", room="101", area_m2=area
        )
    prop.bills_issue(actor=wy, fee_code="wyf", period="2026-01-01", due_on="2026-01-31")
    from kefu.property.models import Bill

    paid = Bill.objects.get(unit__building="1栋")
    prop.payment_record(actor=wy, bill_id=paid.pk, amount="250", paid_on="2026-01-20")
    # when
    report = capability_reports.build(wy, "collection", "2026")
    # then: 250 of 450 collected
    assert report.data["billed_yuan"] == 450.0 and report.data["collected_yuan"] == 250.0
    assert report.data["rate"] == 55.56 and report.data["meets_target"] is False
    assert [a["arrears_yuan"] for a in report.data["arrears"]] == [200.0]
    # the shop's manager sees no bills of the property line
    assert capability_reports.build(manager, "collection", "2026").data["billed_yuan"] == 0
    client.force_login(wy)
    assert client.get("/reports/collection/?year=2026").status_code == 200
    xlsx = client.get("/reports/collection/report.xlsx?year=2026")
    cells = [
        c
        for s in load_workbook(io.BytesIO(xlsx.content)).worksheets
        for r in s.iter_rows()
        for c in r
    ]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'=2栋" in [c.value for c in cells]
    assert client.get("/reports/collection/report.pdf?year=2026").content[:5] == b"%PDF-"
    # the repair report: a public-area repair reported in March 2026, done the same day
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=TZ), tick=False):
        job = prop.repair_report(actor=wy, scope_="public", size="minor", description="路灯不亮")
        prop.repair_done(actor=wy, job_id=job.pk, version=job.version)
    repairs = capability_reports.build(wy, "repairs", "2026").data
    march = next(m for m in repairs["months"] if m["month"] == "2026-03")
    assert (march["public"], march["home"], march["done"], march["on_time"]) == (1, 0, 1, 1)
    assert repairs["total"]["total"] == 1 and repairs["on_time_rate"] == 100.0
    assert capability_reports.build(manager, "repairs", "2026").data["total"]["total"] == 0
    assert client.get("/reports/repairs/report.xlsx?year=2026").status_code == 200
    # the graded lists: empty month, the page and its exports still answer
    client.force_login(manager)
    page = client.get("/reports/graded/?period=2026-10")
    assert page.status_code == 200 and page.context["report"].data["repeat"] == []
    assert client.get("/reports/graded/report.pdf?period=2026-10").content[:5] == b"%PDF-"
    assert client.get("/reports/callbacks/?period=2026-13").status_code == 400


def test_conversion_counts_orders_placed_after_an_enquiry_and_complete_records(
    org, manager, agent, make_ticket, make_customer, client
):
    from kefu.customers.models import Customer, Order

    # given: in October three customers enquire four times; only the first customer's record
    # holds both 单位名称 and the install address (ARC-11)
    a, b, c = (make_customer(agent.business_line) for _ in range(3))
    Customer.objects.filter(pk=a.pk).update(organisation="市第一医院", address="门诊楼三层")
    Customer.objects.filter(pk=b.pk).update(organisation="康复中心")  # no address: incomplete

    def at(day, hour=10):
        return dt.datetime(2026, 10, day, hour, tzinfo=TZ)

    for customer, day in ((a, 5), (b, 10), (c, 20), (c, 21)):
        with time_machine.travel(at(day), tick=False):
            make_ticket(agent, customer=customer, type="consult", title="设备报价咨询")
    with time_machine.travel(at(6), tick=False):
        make_ticket(agent, customer=b, type="complaint")  # a complaint is no enquiry

    def order(customer, day, no):
        Order.objects.create(customer=customer, order_no=no, amount="9800", placed_at=at(day))

    order(a, 8, "A1")  # after the enquiry: it converted
    order(a, 9, "A2")  # a second order converts no second enquiry
    order(b, 3, "B1")  # before the enquiry: not converted
    order(c, 25, "C1")  # after both of c's enquiries: both converted
    # when
    report = capability_reports.build(manager, "conversion", "2026-10")
    # then: 3 converted ÷ 4 enquiries, 1 complete record of 4 enquiries
    data = report.data
    assert (data["enquiries"], data["orders"], data["conversion"]) == (4, 3, 75.0)
    assert (data["complete"], data["completeness"]) == (1, 25.0)
    assert data["months"][-1]["month"] == "2026-10" and len(data["months"]) == 12
    assert data["months"][-2]["enquiries"] == 0 and data["months"][-2]["conversion"] is None
    team = next(t for t in data["teams"] if t["team"] == "售后一组")
    assert (team["enquiries"], team["complete"]) == (4, 1)
    # another line's supervisor sees none of it
    other = make_user("wy_sup3", "supervisor", department=org.wy_front.department)
    assert capability_reports.build(other, "conversion", "2026-10").data["enquiries"] == 0
    # page and exports
    client.force_login(manager)
    page = client.get("/reports/conversion/?period=2026-10")
    assert page.status_code == 200 and "75.00 %" in page.content.decode()
    xlsx = client.get("/reports/conversion/report.xlsx?period=2026-10")
    assert xlsx.status_code == 200
    pdf = client.get("/reports/conversion/report.pdf?period=2026-10")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
