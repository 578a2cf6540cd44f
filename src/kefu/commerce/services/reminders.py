"""The 催付 job (§9.5): plan the reminders due now, send SMS/IM at set times, work the phone list.

Planning is one INSERT … SELECT per channel whose window is open: the open unpaid orders placed
between ``lookback`` and ``delay`` ago that have no reminder on that channel yet. The unique
constraint (order, channel) makes two racing workers write one reminder, never two.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine
from kefu.channels.messaging import rules as message_rules
from kefu.commerce import reminder_rules
from kefu.commerce.models import CallOutcome, Campaign, Reminder, ReminderStatus
from kefu.core import audit, events
from kefu.core.errors import Conflict, Invalid
from kefu.core.sms import send_sms_many
from kefu.customers.models import Shop

log = logging.getLogger("kefu.commerce")

# the call register's result for each one-click outcome
CALL_RESULTS = {
    CallOutcome.PROMISED: "answered",
    CallOutcome.NO_INTENT: "answered",
    CallOutcome.NO_ANSWER: "unreachable",
    CallOutcome.WRONG_NUMBER: "wrong_number",
}
DEFAULT_SCRIPTS = {
    "sms": "亲爱的{name}，您在{shop}的订单{order}（¥{amount}）还未付款，库存有限，付款后我们会尽快发货哦~",
    "im": "亲，您的订单{order}还未付款哦，有任何疑问随时联系我们，付款后马上为您安排发货~",
}


def rules_for(line: BusinessLine) -> reminder_rules.ReminderRules:
    return reminder_rules.ReminderRules.from_policy(
        line.policy("reminders"), tz=timezone.get_default_timezone()
    )


def active_campaign(line_id: int, at: dt.datetime) -> Campaign | None:
    return (
        Campaign.objects.filter(business_line_id=line_id, starts_at__lte=at, ends_at__gt=at)
        .order_by("-starts_at")
        .first()
    )


_PLAN_SQL = """
INSERT INTO commerce_reminder
    (business_line_id, order_id, channel, status, campaign_id, team_id, amount, placed_at,
     due_at, outcome)
SELECT %s, o.id, %s, 'pending', %s, %s, o.amount, o.placed_at, %s, ''
FROM customers_order o
WHERE o.shop_id IN ({shops}) AND o.paid_at IS NULL AND o.closed_at IS NULL
  AND o.placed_at <= %s AND o.placed_at >= %s {online}
  AND NOT EXISTS (
      SELECT 1 FROM commerce_reminder r WHERE r.order_id = o.id AND r.channel = %s)
ON CONFLICT DO NOTHING
"""


def plan_due(*, at: dt.datetime | None = None, business_line_id: int | None = None) -> dict:
    """Write the reminders due at ``at`` (default now) for every line with shops; idempotent.
    Returns {channel: reminders written}."""
    at = at or timezone.now()
    written = dict.fromkeys(reminder_rules.CHANNELS, 0)
    shops: dict[int, list[int]] = {}
    qs = Shop.objects.filter(is_active=True)
    if business_line_id is not None:
        qs = qs.filter(business_line_id=business_line_id)
    for shop_id, line_id in qs.values_list("id", "business_line_id"):
        shops.setdefault(line_id, []).append(shop_id)
    for line in BusinessLine.objects.filter(pk__in=shops):
        rules = rules_for(line)
        campaign = active_campaign(line.pk, at)
        oldest = at - dt.timedelta(hours=rules.lookback_hours)
        for channel in reminder_rules.CHANNELS:
            if not rules.in_window(channel, at):
                continue
            sql = _PLAN_SQL.format(
                shops=",".join(str(int(s)) for s in shops[line.pk]),
                online="AND o.buyer_online = %s" if channel == reminder_rules.IM else "",
            )
            adapt = connection.ops.adapt_datetimefield_value
            params = [
                line.pk,
                channel,
                campaign.pk if campaign else None,
                campaign.team_id if campaign else None,
                adapt(at),
                adapt(at - rules.delay(channel)),
                adapt(oldest),
            ]
            if channel == reminder_rules.IM:
                params.append(True)
            params.append(channel)
            with transaction.atomic(), connection.cursor() as cursor:
                index_probes_only(cursor)
                cursor.execute(sql, params)
                written[channel] += max(cursor.rowcount, 0)
    return written


def index_probes_only(cursor) -> None:
    """On PostgreSQL, plan this transaction's statements with index scans: the NOT EXISTS of the
    plan is then one probe of ``reminder_one_per_channel`` per order. Planned on statistics of an
    empty reminder table (a first 双11, a fresh ANALYZE), it became a nested-loop anti join with a
    sequential scan of the reminders for every order, while the same statement filled that table:
    477 s for 100,000 orders, 10 s with index probes (bench/README.md, E-commerce)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL enable_seqscan = off")


def _text(reminder: Reminder, campaign: Campaign | None) -> str:
    script = ""
    if campaign is not None:
        script = campaign.sms_script if reminder.channel == "sms" else campaign.im_script
    script = script or DEFAULT_SCRIPTS[reminder.channel]
    order = reminder.order
    try:
        return script.format(
            name=order.customer.name,
            shop=order.shop.name if order.shop_id else "",
            order=order.order_no,
            amount=order.amount,
        )
    except (KeyError, IndexError, ValueError):
        return DEFAULT_SCRIPTS[reminder.channel].format(
            name=order.customer.name, shop="", order=order.order_no, amount=order.amount
        )


def _quiet_hours(line: BusinessLine) -> tuple[int, int] | None:
    try:
        return message_rules.parse_quiet(line.policy("quiet_hours"))
    except ValueError:  # a bad policy value: the outbox ignores it too
        return None


def _send_all(texts: dict[int, list[tuple[str, str]]]) -> None:
    """Hand the SMS of each business line to the outbox as one batch of reminders (the line's
    signature, opt-outs, quota and quiet hours; a fixed number of queries per batch, not per
    message); one failing message does not stop the others."""
    for line_id, messages in texts.items():
        try:
            send_sms_many(messages, business_line_id=line_id, kind="reminder")
        except Exception:  # a gateway error is logged; the reminders count as handed over
            log.exception("payment-reminder SMS batch failed")


def send_due(*, at: dt.datetime | None = None, limit: int = 2000) -> dict:
    """Send up to ``limit`` pending SMS and IM reminders (the throttle per run, PAY-6) in one
    transaction: the batch is locked (``skip_locked`` on PostgreSQL, so two workers take
    different rows) and claimed by one UPDATE pending → sent; SMS leave through ``core.sms``
    after the commit, IM is handed to the channel adapters by the ``reminder.due`` event.
    Reminders of orders paid or closed meanwhile are cancelled; those outside their window
    wait for the next opening."""
    at = at or timezone.now()
    local = timezone.localtime(at)
    sent = {"sms": 0, "im": 0}
    with transaction.atomic():
        pending = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=ReminderStatus.PENDING, channel__in=("sms", "im"))
            .select_related("order__customer", "order__shop", "campaign")
            .order_by("id")[:limit]
        )
        line_ids = {r.business_line_id for r in pending}
        lines = list(BusinessLine.objects.filter(pk__in=line_ids))
        rules = {b.pk: rules_for(b) for b in lines}
        # the outbox would hold a message written in the line's quiet hours until they end,
        # which may be before the channel's window opens: such reminders wait here instead
        quiet = {b.pk for b in lines if message_rules.in_quiet(local, _quiet_hours(b))}
        stop, ready = [], []
        for reminder in pending:
            order = reminder.order
            if order.paid_at is not None or order.closed_at is not None:
                stop.append(reminder.pk)
            elif reminder.business_line_id in quiet:
                continue
            elif rules[reminder.business_line_id].in_window(reminder.channel, at):
                ready.append(reminder)
        if stop:
            Reminder.objects.filter(pk__in=stop, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.CANCELLED
            )
        claimed = Reminder.objects.filter(
            pk__in=[r.pk for r in ready], status=ReminderStatus.PENDING
        ).update(status=ReminderStatus.SENT, sent_at=at)
        if claimed != len(ready):
            # another sender took some of them meanwhile (SQLite, where rows are not locked):
            # nothing of this batch is sent twice, it waits for the next run
            transaction.set_rollback(True)
            return sent
        texts: dict[int, list[tuple[str, str]]] = {}
        for r in ready:
            if r.channel == "sms":
                texts.setdefault(r.business_line_id, []).append(
                    (r.order.customer.phone, _text(r, r.campaign))
                )
        events.publish_many(
            "reminder.due",
            [
                {
                    "object_id": r.pk,
                    "business_line_id": r.business_line_id,
                    "payload": {
                        "order": r.order_id,
                        "customer": r.order.customer_id,
                        "channel": r.channel,
                        "text": _text(r, r.campaign) if r.channel == "im" else None,
                    },
                }
                for r in ready
            ],
        )
        transaction.on_commit(lambda: _send_all(texts))
        for r in ready:
            sent[r.channel] += 1
    return sent


@transaction.atomic
def reminder_call_outcome(*, actor, reminder: Reminder, outcome: str) -> Reminder:
    """One click on the phone list (PAY-3): the outcome is registered as an outbound call and the
    order leaves the list. The caller obtained ``reminder`` through the scoped selector."""
    from kefu.followups.services.registers import register_call

    if outcome not in CallOutcome.values:
        raise Invalid(_("Choose one of the call outcomes."), fields={"outcome": _("Unknown.")})
    locked = Reminder.objects.select_for_update().select_related("order").get(pk=reminder.pk)
    if locked.channel != "phone":
        raise Invalid(_("Only phone reminders take a call outcome."))
    if locked.status != ReminderStatus.PENDING:
        raise Conflict(_("This order has already been called or has left the list."))
    if locked.order.paid_at is not None or locked.order.closed_at is not None:
        raise Conflict(_("The order has been paid or closed meanwhile: no call needed."))
    now = timezone.now()
    locked.status = ReminderStatus.CALLED
    locked.outcome = outcome
    locked.agent = actor
    locked.sent_at = now
    locked.save(update_fields=["status", "outcome", "agent", "sent_at"])
    register_call(
        actor=actor,
        customer_id=locked.order.customer_id,
        result=CALL_RESULTS[outcome],
        started_at=now,
        notes=str(CallOutcome(outcome).label),
    )
    audit.record(
        actor=actor,
        action="commerce.reminder_call",
        obj=locked,
        business_line_id=locked.business_line_id,
        changes={"outcome": outcome, "order": locked.order_id},
    )
    return locked


@transaction.atomic
def campaign_create(*, actor, business_line, name: str, starts_at, ends_at, team=None, **fields):
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Give the campaign a name."), fields={"name": _("Required.")})
    if ends_at <= starts_at:
        raise Invalid(_("The campaign must end after it starts."))
    fields.setdefault("training_on", (starts_at - dt.timedelta(days=30)).date())
    campaign = Campaign.objects.create(
        business_line=business_line,
        name=name[:100],
        starts_at=starts_at,
        ends_at=ends_at,
        team=team,
        **fields,
    )
    audit.record(
        actor=actor, action="commerce.campaign_create", obj=campaign, changes={"name": name}
    )
    return campaign
