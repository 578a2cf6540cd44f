"""Peak mode switched by the queue (CH-4 peak guidance, issue 17 §5): above 5 waiting
conversations per agent on shift the peak auto-reply turns on, below 3 off again (no flapping
in between), each switch audited; while on, a conversation gets the peak message; the
auto-replies page shows the state."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.channels.messaging import peak, rules, services
from kefu.channels.messaging.models import PeakState
from kefu.core.models import AuditEvent
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
TUESDAY_10 = dt.datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_rule_turns_on_above_and_off_below_with_a_gap():
    assert rules.peak_next(False, 6, 1, 5, 3) is True
    assert rules.peak_next(False, 5, 1, 5, 3) is False  # at the threshold: not above it
    assert rules.peak_next(True, 4, 1, 5, 3) is True  # between: it stays as it was
    assert rules.peak_next(False, 4, 1, 5, 3) is False
    assert rules.peak_next(True, 2, 1, 5, 3) is False
    assert rules.peak_next(False, 6, 0, 5, 3) is True  # nobody on shift


def _waiting(org, agent, n):
    customer = customer_create(actor=None, business_line=org.shop, name="孙八", phone="13500135000")
    made = [
        ticket_create(
            actor=agent, customer=customer, type="consult", channel="im", title=f"在吗{i}"
        )
        for i in range(n)
    ]
    Ticket.objects.filter(pk__in=[t.pk for t in made]).update(status="new")
    return made


def _serve(tickets):
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(status="in_progress")


def test_the_queue_per_agent_switches_peak_mode_and_each_switch_is_audited(
    org, agent, supervisor, web_as
):
    waiting = _waiting(org, agent, 6)  # one agent on shift (no shift set: always on)
    state = peak.check(org.shop, TUESDAY_10)
    assert (state.on, state.waiting, state.agents) == (True, 6, 1)
    _serve(waiting[:2])
    assert peak.check(org.shop, TUESDAY_10).on is True  # 4 a head: between the thresholds
    _serve(waiting[2:4])
    state = peak.check(org.shop, TUESDAY_10 + dt.timedelta(minutes=2))
    assert state.on is False and state.changed_at == TUESDAY_10 + dt.timedelta(minutes=2)
    actions = list(
        AuditEvent.objects.filter(action__startswith="message.peak").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["message.peak_off", "message.peak_on"]

    PeakState.objects.filter(business_line=org.shop).update(on=True)
    page = web_as(supervisor).get("/messaging/auto-replies/").content.decode()
    assert 'id="peak-on"' in page and "2 waiting, agents on shift: 1" in page


def test_while_peak_mode_is_on_a_conversation_gets_the_peak_message_once(org, agent):
    waiting = _waiting(org, agent, 6)
    peak.check(org.shop, TUESDAY_10)

    def kinds(now):
        sent = services.auto_reply(
            line=org.shop,
            channel="im",
            conversation="c-peak",
            ticket=waiting[0],
            new_ticket=False,
            from_robot=False,
            now=now,
        )
        return [a.kind for a in sent]

    assert kinds(TUESDAY_10) == ["peak"]
    assert kinds(TUESDAY_10 + dt.timedelta(minutes=5)) == []  # once per window
    _serve(waiting)
    peak.check(org.shop, TUESDAY_10)
    assert kinds(TUESDAY_10 + dt.timedelta(hours=5)) == []  # off again: no peak message


def test_a_lines_thresholds_come_from_its_policies(org):
    org.shop.policies = {
        **org.shop.policies,
        "peak_waiting_per_agent": 8,
        "peak_waiting_per_agent_off": 12,
    }
    assert peak.thresholds(org.shop) == (8.0, 8.0)  # off never above on
    org.shop.policies = {**org.shop.policies, "peak_waiting_per_agent": "many"}
    assert peak.thresholds(org.shop) == (5.0, 5.0)


PEAK_FORM = "/messaging/auto-replies/peak/"


def test_a_supervisor_sets_the_lines_thresholds_and_the_minute_job_uses_them(
    org, agent, supervisor, web_as
):
    waiting = _waiting(org, agent, 4)  # 4 a head: below the default 5
    assert peak.check(org.shop, TUESDAY_10).on is False
    client = web_as(supervisor)
    page = client.get("/messaging/auto-replies/").content.decode()
    assert 'name="version" value="1"' in page and 'id="peak-enter"' in page

    saved = client.post(PEAK_FORM, {"enter": "3", "leave": "1.5", "version": "1"}, follow=True)
    assert saved.status_code == 200
    assert "The peak thresholds are saved" in saved.content.decode()
    org.shop.refresh_from_db()
    assert peak.thresholds(org.shop) == (3.0, 1.5)
    from kefu.channels.messaging.tasks import messaging_peak_check

    messaging_peak_check.call_local()  # the every-minute job reads the line afresh
    assert PeakState.objects.get(business_line=org.shop).on is True
    (event,) = AuditEvent.objects.filter(action="message.peak_thresholds")
    assert event.actor_id == supervisor.pk
    assert event.changes == {
        "peak_waiting_per_agent": [5.0, 3.0],
        "peak_waiting_per_agent_off": [3.0, 1.5],
    }
    state = PeakState.objects.get(business_line=org.shop)
    assert state.settings_version == 2  # the job's save left the version alone

    # a form loaded before that save is refused and changes nothing
    stale = client.post(PEAK_FORM, {"enter": "9", "leave": "2", "version": "1"})
    assert stale.status_code == 409
    assert "Someone else changed this record meanwhile" in stale.content.decode()
    org.shop.refresh_from_db()
    assert peak.thresholds(org.shop) == (3.0, 1.5)
    _serve(waiting)


@pytest.mark.parametrize(
    "form, field, english, chinese",
    [
        ({"enter": "abc", "leave": "2"}, "enter", "above 0 and at most 100", "大于 0"),
        ({"enter": "0", "leave": "0"}, "enter", "above 0 and at most 100", "不超过 100"),
        ({"enter": "500", "leave": "2"}, "enter", "above 0 and at most 100", "人均等待会话数"),
        ({"enter": "4", "leave": "4"}, "leave", "lower figure than it turns on", "须低于开启阈值"),
        ({"enter": "nan", "leave": "2"}, "enter", "above 0 and at most 100", "大于 0"),
    ],
)
def test_bad_thresholds_are_400_in_both_languages_and_change_nothing(
    org, supervisor, web_as, form, field, english, chinese
):
    client = web_as(supervisor)
    refused = client.post(PEAK_FORM, {**form, "version": "1"})
    assert refused.status_code == 400 and english in refused.content.decode()
    assert f'value="{form["enter"]}"' in refused.content.decode()  # what was typed stays
    client.cookies["django_language"] = "zh-hans"
    chinese_page = client.post(PEAK_FORM, {**form, "version": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese_page.status_code == 400 and chinese in chinese_page.content.decode()
    assert "高峰阈值无效" in chinese_page.content.decode()
    org.shop.refresh_from_db()
    assert "peak_waiting_per_agent" not in org.shop.policies
    assert not AuditEvent.objects.filter(action="message.peak_thresholds").exists()
    assert peak.settings_version(org.shop) == 1


def test_an_agent_may_not_set_the_thresholds(org, agent, web_as):
    refused = web_as(agent).post(PEAK_FORM, {"enter": "3", "leave": "1", "version": "1"})
    assert refused.status_code == 403
    org.shop.refresh_from_db()
    assert "peak_waiting_per_agent" not in org.shop.policies
