"""The order card inside the ticket page (Gorgias/Gladly): the customer's orders with their
status and what is under way, and one-click actions that come back to the ticket — a return
with the §9.6 window shown before submitting, a refund for the second key, a 查件 / 延长收货时间
case — each linked to the ticket and refused clearly (nothing changed) when it may not be done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.commerce.models import LogisticsCase, Refund, Return
from kefu.commerce.services import returns
from kefu.commerce.team_selectors import registers_for
from kefu.core.errors import PermissionDenied
from kefu.core.models import AuditEvent
from kefu.customers.services import customer_create
from kefu.tickets.models import TicketEvent
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%d %H:%M:%S"


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime(FMT)


@pytest.fixture
def bought(make_orders, agent):
    """A buyer with a delivered order two days ago (to the second), an order shipped yesterday
    and not delivered, and an unpaid one; their ticket."""
    now = timezone.now().replace(microsecond=0)
    delivered = now - dt.timedelta(days=2, hours=3)
    shipped = now - dt.timedelta(days=1)
    fmt = lambda t: timezone.localtime(t).strftime(FMT)  # noqa: E731
    orders = make_orders(
        [
            (
                "D1",
                fmt(delivered - dt.timedelta(days=3)),
                259,
                {
                    "paid_at": fmt(delivered - dt.timedelta(days=3)),
                    "shipped_at": fmt(delivered - dt.timedelta(days=2)),
                    "delivered_at": fmt(delivered),
                    "courier": "顺丰",
                    "tracking_no": "SF100",
                },
            ),
            (
                "S1",
                fmt(shipped - dt.timedelta(days=1)),
                88,
                {
                    "paid_at": fmt(shipped - dt.timedelta(days=1)),
                    "shipped_at": fmt(shipped),
                    "courier": "中通",
                    "tracking_no": "ZT200",
                },
            ),
            ("U1", fmt(now - dt.timedelta(hours=2)), 35, {}),
        ],
        buyer_id="buyer-wang",
    )
    customer = orders["D1"].customer
    assert orders["S1"].customer_id == customer.pk
    ticket = ticket_create(
        actor=agent, title="想退货", customer=customer, type="consult", channel="im"
    )
    return orders, ticket, delivered


def _card(client, ticket) -> str:
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    return page[page.index('id="order-card"') :]


def _item(card: str, order) -> str:
    start = card.index(f'id="card-order-{order.pk}"')
    end = card.find('id="card-order-', start + 10)
    return card[start : end if end != -1 else len(card)]


def test_the_card_shows_the_policy_before_a_return_is_opened_and_the_return_after(
    web_as, agent, bought
):
    orders, ticket, delivered = bought
    client = web_as(agent)
    card = _card(client, ticket)
    d1 = _item(card, orders["D1"])
    deadline = _local(delivered + dt.timedelta(days=7))
    assert f"7-day no-reason return ends {deadline}" in d1
    assert "Delivered" in d1 and "action-return" in d1 and "action-refund" in d1
    # not delivered: no return yet, but a parcel to trace; unpaid: nothing to refund or trace
    s1, u1 = _item(card, orders["S1"]), _item(card, orders["U1"])
    assert "action-return" not in s1 and "action-case" in s1 and "action-refund" in s1
    assert "action-refund" not in u1 and "action-case" not in u1 and "Awaiting payment" in u1
    assert f'href="/commerce/orders/{orders["D1"].pk}/"' in d1

    response = client.post(
        f"/commerce/orders/{orders['D1'].pk}/return/",
        {"ticket": ticket.pk, "reason": "尺码不合适"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/#order-card"
    ret = Return.objects.get(order=orders["D1"])
    assert (ret.ticket_id, ret.status, ret.rule, ret.handled_by) == (
        ticket.pk,
        "requested",
        "no_reason_window",
        agent,
    )
    assert AuditEvent.objects.filter(action="commerce.return_request", object_id=ret.pk).exists()
    line = TicketEvent.objects.get(ticket=ticket, field="order")
    assert f"R{ret.pk}" in line.after and "D1" in line.after and line.actor == agent

    d1 = _item(_card(client, ticket), orders["D1"])
    assert f"R{ret.pk}" in d1 and "Requested" in d1
    assert "action-return" not in d1  # one open return per order
    timeline = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Order action" in timeline


def test_a_second_return_from_a_stale_card_is_refused_and_changes_nothing(
    web_as, agent, agent_b, bought
):
    orders, ticket, _delivered = bought
    web_as(agent).post(f"/commerce/orders/{orders['D1'].pk}/return/", {"ticket": ticket.pk})
    client = web_as(agent_b)
    response = client.post(
        f"/commerce/orders/{orders['D1'].pk}/return/", {"ticket": ticket.pk}, follow=True
    )
    first = Return.objects.get(order=orders["D1"])
    assert f"A return of this order is already open (R{first.pk})." in response.content.decode()
    assert Return.objects.filter(order=orders["D1"]).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, field="order").count() == 1


def test_the_window_closed_shows_on_the_card_and_a_forced_return_is_refused(
    web_as, agent, make_orders
):
    now = timezone.now().replace(microsecond=0)
    delivered = now - dt.timedelta(days=7, seconds=1)
    t = lambda v: timezone.localtime(v).strftime(FMT)  # noqa: E731
    orders = make_orders(
        [
            (
                "OLD",
                t(delivered - dt.timedelta(days=2)),
                120,
                {
                    "paid_at": t(delivered - dt.timedelta(days=2)),
                    "shipped_at": t(delivered - dt.timedelta(days=1)),
                    "delivered_at": t(delivered),
                },
            )
        ]
    )
    ticket = ticket_create(
        actor=agent, title="退货", customer=orders["OLD"].customer, type="consult", channel="im"
    )
    client = web_as(agent)
    item = _item(_card(client, ticket), orders["OLD"])
    ended = _local(delivered + dt.timedelta(days=7))
    assert f"The return window ended {ended}: no return can be opened." in item
    assert "action-return" not in item
    page = client.post(
        f"/commerce/orders/{orders['OLD'].pk}/return/", {"ticket": ticket.pk}, follow=True
    ).content.decode()
    assert "The return window after delivery has passed." in page
    assert not Return.objects.exists()
    assert not TicketEvent.objects.filter(ticket=ticket, field="order").exists()


def test_a_refund_from_the_card_waits_for_somebody_else(web_as, agent, manager, bought):
    orders, ticket, _delivered = bought
    client = web_as(agent)
    client.post(
        f"/commerce/orders/{orders['S1'].pk}/refund/", {"ticket": ticket.pk, "amount": "30.50"}
    )
    refund = Refund.objects.get(order=orders["S1"])
    assert (refund.status, str(refund.amount), refund.ticket_id) == (
        "submitted",
        "30.50",
        ticket.pk,
    )
    assert refund.reviewed_by == agent and refund.submitted_by == agent
    item = _item(_card(client, ticket), orders["S1"])
    assert f"F{refund.pk}" in item and "Submitted for approval" in item
    assert "action-refund" not in item  # one waiting refund per order
    # a second one from a stale card: refused, nothing written
    page = client.post(
        f"/commerce/orders/{orders['S1'].pk}/refund/",
        {"ticket": ticket.pk, "amount": "10"},
        follow=True,
    ).content.decode()
    assert f"A refund of this order is already waiting (F{refund.pk})." in page
    assert Refund.objects.filter(order=orders["S1"]).count() == 1
    # two keys: the agent (even a lead) who submitted it cannot grant it
    with pytest.raises(PermissionDenied):
        returns.refund_decide(actor=agent, refund=refund, version=refund.version, approve=True)
    returns.refund_decide(actor=manager, refund=refund, version=refund.version, approve=True)
    refund.refresh_from_db()
    assert refund.status == "approved"
    assert "Approved by finance" in _item(_card(client, ticket), orders["S1"])


def test_a_bad_refund_amount_is_refused_clearly(web_as, agent, bought):
    orders, ticket, _delivered = bought
    client = web_as(agent)
    for amount in ("", "abc", "0", "88.01"):
        page = client.post(
            f"/commerce/orders/{orders['S1'].pk}/refund/",
            {"ticket": ticket.pk, "amount": amount},
            follow=True,
        )
        assert page.status_code == 200
    assert not Refund.objects.exists()
    assert not TicketEvent.objects.filter(ticket=ticket, field="order").exists()


def test_refunds_switched_off_offer_an_exchange_only(web_as, org, agent, bought):
    org.shop.policies = {**org.shop.policies, "refunds_enabled": False}
    org.shop.save()
    orders, ticket, _delivered = bought
    client = web_as(agent)
    item = _item(_card(client, ticket), orders["D1"])
    assert "Start an exchange" in item and "action-refund" not in item
    client.post(f"/commerce/orders/{orders['S1'].pk}/refund/", {"ticket": ticket.pk, "amount": "5"})
    assert not Refund.objects.exists()
    client.post(
        f"/commerce/orders/{orders['D1'].pk}/return/", {"ticket": ticket.pk, "exchange": "1"}
    )
    assert Return.objects.get(order=orders["D1"]).exchange


def test_parcel_trace_and_extended_receipt_time_from_the_card(web_as, agent, bought):
    orders, ticket, _delivered = bought
    client = web_as(agent)
    s1 = orders["S1"]
    client.post(f"/commerce/orders/{s1.pk}/case/", {"ticket": ticket.pk, "kind": "anomaly"})
    client.post(
        f"/commerce/orders/{s1.pk}/case/",
        {"ticket": ticket.pk, "kind": "extend", "extend_days": "5"},
    )
    trace = LogisticsCase.objects.get(order=s1, kind="anomaly")
    extend = LogisticsCase.objects.get(order=s1, kind="extend")
    assert (trace.status, trace.ticket_id, trace.courier) == ("open", ticket.pk, "中通")
    assert (extend.status, extend.extend_days, extend.ticket_id) == ("closed", 5, ticket.pk)
    item = _item(_card(client, ticket), s1)
    assert f"L{trace.pk}" in item and "Receipt time extended by 5 days" in item
    assert TicketEvent.objects.filter(ticket=ticket, field="order").count() == 2
    # 查件 and 延长收货时间 land in their registers of the day
    regs = {code: rows for code, _t, rows in registers_for(user=agent, day=timezone.localdate())}
    assert [r.order_no for r in regs["trace"]] == ["S1"]
    assert [r.order_no for r in regs["extend"]] == ["S1"] and "5" in regs["extend"][0].detail
    # a second 查件 while one is open, days out of range, an unshipped order: refused, unchanged
    for data, order in (
        ({"kind": "anomaly"}, s1),
        ({"kind": "extend", "extend_days": "31"}, s1),
        ({"kind": "extend", "extend_days": "x"}, s1),
        ({"kind": "anomaly"}, orders["U1"]),
        ({"kind": "nonsense"}, s1),
    ):
        page = client.post(
            f"/commerce/orders/{order.pk}/case/", {"ticket": ticket.pk, **data}, follow=True
        )
        assert page.status_code == 200
    assert LogisticsCase.objects.count() == 2


def test_scope_another_line_or_another_customers_ticket(
    web_as, agent, wy_agent, org, bought, make_orders
):
    orders, _ticket, _delivered = bought
    d1 = orders["D1"]
    # another line's agent: the order is not found, and the card's forms do not exist for them
    assert web_as(wy_agent).post(f"/commerce/orders/{d1.pk}/return/", {}).status_code in (403, 404)
    assert web_as(wy_agent).get(f"/commerce/orders/{d1.pk}/").status_code in (403, 404)
    # a ticket of another customer: refused (400-type message), nothing written
    stranger = make_orders([("X9", "2026-11-01 10:00:00", 5)], buyer_id="buyer-li")["X9"].customer
    other = ticket_create(
        actor=agent, title="别的客户", customer=stranger, type="consult", channel="im"
    )
    client = web_as(agent)
    page = client.post(f"/commerce/orders/{d1.pk}/return/", {"ticket": other.pk}, follow=True)
    assert "This order is not the ticket customer&#x27;s." in page.content.decode()
    assert not Return.objects.exists()
    # a ticket id that is not a number, or outside the user's scope: 404
    assert client.post(f"/commerce/orders/{d1.pk}/return/", {"ticket": "x"}).status_code == 404
    owner = customer_create(
        actor=None, business_line=org.property, name="业主", phone="13800009999"
    )
    wy_ticket = ticket_create(
        actor=wy_agent, title="物业报修", customer=owner, type="consult", channel="phone"
    )
    assert (
        client.post(f"/commerce/orders/{d1.pk}/return/", {"ticket": wy_ticket.pk}).status_code
        == 404
    )
    assert not Return.objects.exists()


def test_the_order_page_lists_what_was_done_and_offers_the_same_actions(web_as, agent, bought):
    orders, ticket, _delivered = bought
    client = web_as(agent)
    client.post(f"/commerce/orders/{orders['D1'].pk}/return/", {"ticket": ticket.pk})
    page = client.get(f"/commerce/orders/{orders['D1'].pk}/").content.decode()
    ret = Return.objects.get()
    assert "D1" in page and f"R{ret.pk}" in page and "SF100" in page
    assert "action-refund" in page and "action-case" in page
    # from the order page an action comes back to the order page
    response = client.post(f"/commerce/orders/{orders['D1'].pk}/refund/", {"amount": "9.90"})
    assert response["Location"] == f"/commerce/orders/{orders['D1'].pk}/"
    assert Refund.objects.get().ticket_id is None


def test_api_return_refund_and_case_with_their_ticket(api_as, agent, bought):
    orders, ticket, _delivered = bought
    api = api_as(agent)
    r = api.post("/api/v1/commerce/returns", {"order": orders["D1"].pk, "ticket": ticket.pk})
    assert r.status_code == 201 and r.json()["ticket"] == ticket.pk
    again = api.post("/api/v1/commerce/returns", {"order": orders["D1"].pk})
    assert again.status_code == 409 and again.json()["error"]["code"] == "return_open"
    f = api.post(
        "/api/v1/commerce/refunds",
        {"order": orders["S1"].pk, "amount": "20", "ticket": ticket.pk},
    )
    assert f.status_code == 201
    assert (f.json()["status"], f.json()["submitted_by"]) == ("submitted", agent.pk)
    assert (
        api.post("/api/v1/commerce/refunds", {"order": orders["S1"].pk, "amount": "1"}).status_code
        == 409
    )
    assert (
        api.post("/api/v1/commerce/refunds", {"order": orders["D1"].pk, "amount": "-1"}).status_code
        == 400
    )
    c = api.post(
        "/api/v1/commerce/logistics",
        {"order": "S1", "kind": "extend", "extend_days": 3, "ticket": ticket.pk},
    )
    assert c.status_code == 201
    assert (c.json()["status"], c.json()["extend_days"], c.json()["ticket"]) == (
        "closed",
        3,
        ticket.pk,
    )
    assert TicketEvent.objects.filter(ticket=ticket, field="order").count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_agents_clicking_at_once_open_one_return_and_one_refund(agent, agent_b, make_orders):
    import threading

    from django.db import connection

    from kefu.core.errors import Conflict

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is run on PostgreSQL")
    now = timezone.now().replace(microsecond=0)
    t = lambda v: timezone.localtime(v).strftime(FMT)  # noqa: E731
    order = make_orders(
        [
            (
                "RACE1",
                t(now - dt.timedelta(days=4)),
                300,
                {
                    "paid_at": t(now - dt.timedelta(days=4)),
                    "delivered_at": t(now - dt.timedelta(days=1)),
                },
            )
        ]
    )["RACE1"]
    for action in (
        lambda who: returns.return_request(actor=who, order=order),
        lambda who: returns.refund_request(actor=who, order=order, amount="10"),
    ):
        barrier = threading.Barrier(2)
        outcomes = []

        def worker(who, action=action, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                action(who)
                outcomes.append("ok")
            except Conflict:
                outcomes.append("409")
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(u,)) for u in (agent, agent_b)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert sorted(outcomes) == ["409", "ok"]
    assert Return.objects.filter(order=order).count() == 1
    assert Refund.objects.filter(order=order).count() == 1


def test_an_htmx_action_answers_with_the_card_alone_and_its_outcome(web_as, agent, bought):
    """From the ticket page htmx posts the action; the card comes back in place with the outcome
    in it (a refusal too, nothing written), not a redirect to the whole page."""
    orders, ticket, _delivered = bought
    client = web_as(agent)
    url = f"/commerce/orders/{orders['S1'].pk}/refund/"
    bad = client.post(url, {"ticket": ticket.pk, "amount": "88.01"}, HTTP_HX_REQUEST="true")
    html = bad.content.decode()
    assert bad.status_code == 200 and html.lstrip().startswith("<section")
    assert 'id="order-card"' in html and "<html" not in html
    assert "alert-danger" in html and not Refund.objects.exists()
    done = client.post(url, {"ticket": ticket.pk, "amount": "5"}, HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert done.status_code == 200 and "alert-success" in html
    refund = Refund.objects.get()
    assert f"F{refund.pk}" in _item(html, orders["S1"])  # the card shows the refund under way
    assert 'hx-post="' in html  # the actions of the new card answer in place too
