"""IM accounts → queues (CH-2 routing by topic, CH-3 the refund account apart from reception):
an IM message to a mapped account opens its ticket in that team's queue with its type; the
supervisor keeps the mapping on the IM accounts page (agents may not; a stale edit changes
nothing; another line's account is not found)."""

import pytest
from testkit import make_user

from kefu.channels.messaging import im_accounts
from kefu.channels.messaging.models import ImAccount, InboundMessage
from kefu.core.errors import Invalid, StaleWrite
from kefu.tickets.models import Ticket

from .test_inbound import post


@pytest.fixture
def mapped(org, supervisor):
    logistics = im_accounts.account_create(
        actor=supervisor,
        business_line=org.shop,
        account="网店:物流小美",
        name="物流问题",
        team=str(org.aftersales2.pk),
        ticket_type="consult",
    )
    refunds = im_accounts.account_create(
        actor=supervisor,
        business_line=org.shop,
        account="网店:退款",
        name="退款",
        purpose="refund",
        team=str(org.aftersales1.pk),
    )
    return logistics, refunds


def _im(n, to, text="我的快递到哪了"):
    return {
        "id": f"im-{n}",
        "from": f"buyer{n}",
        "to": to,
        "text": text,
        "business_line": "shop",
        "conversation": f"c-{n}",
        "phone": f"1370013700{n}",
        "platform": "旺旺",
    }


def test_ch2_ch3_inbound_im_goes_to_the_queue_of_the_account_written_to(org, mapped):
    logistics, _refunds = mapped
    # when customers write to the logistics account, the refund account and an unmapped one
    to_logistics = post("im", _im(1, "网店:物流小美")).json()
    to_refunds = post("im", _im(2, "网店:退款", "申请退款")).json()
    elsewhere = post("im", _im(3, "网店:售前")).json()
    # then each ticket is in the queue (team) and of the type its account names
    first, second, third = (
        Ticket.objects.get(pk=r["ticket"]) for r in (to_logistics, to_refunds, elsewhere)
    )
    assert (first.team_id, first.type) == (org.aftersales2.pk, "consult")
    assert (second.team_id, second.type) == (org.aftersales1.pk, "refund")
    assert third.team_id is not None and third.type == "consult"
    assert InboundMessage.objects.get(provider_id="im-1").account == logistics
    assert InboundMessage.objects.get(provider_id="im-3").account is None


def test_supervisor_maps_an_account_on_the_page_and_agents_may_not(org, supervisor, agent, web_as):
    client = web_as(supervisor)
    page = client.get("/messaging/im-accounts/")
    assert page.status_code == 200 and "im-accounts-empty" in page.content.decode()
    response = client.post(
        "/messaging/im-accounts/new/",
        {
            "account": "网店:售后",
            "name": "产品问题",
            "purpose": "reception",
            "team": org.aftersales1.pk,
            "ticket_type": "repair",
        },
    )
    assert response.status_code == 302
    account = ImAccount.objects.get(account="网店:售后")
    assert (account.team_id, account.ticket_type) == (org.aftersales1.pk, "repair")
    assert "产品问题" in client.get("/messaging/im-accounts/").content.decode()

    agent_client = web_as(agent)
    assert agent_client.get("/messaging/im-accounts/").status_code == 403
    assert (
        agent_client.post(f"/messaging/im-accounts/{account.pk}/", {"name": "x"}).status_code == 403
    )


def test_stale_or_bad_edits_change_nothing_and_other_lines_are_not_found(
    org, mapped, supervisor, web_as
):
    logistics, _refunds = mapped
    client = web_as(supervisor)
    form = {
        "account": logistics.account,
        "name": "物流与发货",
        "purpose": "reception",
        "team": org.presale.pk,
        "ticket_type": "consult",
        "is_active": "on",
    }
    # a stale version (someone saved meanwhile) and another line's team change nothing
    client.post(f"/messaging/im-accounts/{logistics.pk}/", {**form, "version": 0})
    client.post(
        f"/messaging/im-accounts/{logistics.pk}/",
        {**form, "version": logistics.version, "team": org.wy_front.pk},
    )
    logistics.refresh_from_db()
    assert (logistics.name, logistics.team_id, logistics.version) == (
        "物流问题",
        org.aftersales2.pk,
        1,
    )
    with pytest.raises(StaleWrite):
        im_accounts.account_update(actor=supervisor, account=logistics, version=0, changes=form)
    # the same account twice in a line is refused with a message
    with pytest.raises(Invalid, match="already mapped"):
        im_accounts.account_create(
            actor=supervisor,
            business_line=org.shop,
            **{k: form[k] for k in ("account", "name", "team")},
        )
    # a fresh version saves
    client.post(f"/messaging/im-accounts/{logistics.pk}/", {**form, "version": logistics.version})
    logistics.refresh_from_db()
    assert (logistics.name, logistics.team_id, logistics.version) == (
        "物流与发货",
        org.presale.pk,
        2,
    )

    wy_supervisor = make_user("wy_sup", "supervisor", department=org.wy_front.department)
    other = web_as(wy_supervisor)
    assert other.post(f"/messaging/im-accounts/{logistics.pk}/", form).status_code == 404
    assert "网店:物流小美" not in other.get("/messaging/im-accounts/").content.decode()
