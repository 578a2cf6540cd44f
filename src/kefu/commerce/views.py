"""Pages of e-commerce operations: the 催付 overview with PAY-5 results, the phone work list
with one-click outcomes, the returns sweep and a return's steps, the refund queue."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.commerce import selectors
from kefu.commerce.models import CallOutcome, Dispute
from kefu.commerce.services import reminders, returns
from kefu.commerce.words import channel_label, rule_message
from kefu.core.errors import DomainError

RESULT_DAYS = 30


def _period():
    tz = timezone.get_default_timezone()
    today = timezone.localdate()
    first = today - dt.timedelta(days=RESULT_DAYS - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return first, today, start, end


@login_required
def index(request):
    first, today, start, end = _period()
    r = selectors.results_for(user=request.user, start=start, end=end)
    channels = [
        {"label": channel_label(code), "figures": r.by_channel[code]}
        for code in ("sms", "im", "phone")
        if code in r.by_channel
    ]
    days = sorted(r.by_day.items(), reverse=True)[:7]
    return render(
        request,
        "commerce/index.html",
        {
            "first": first,
            "today": today,
            "total": r.total,
            "channels": channels,
            "days": days,
            "phone_waiting": len(selectors.phone_list_for(user=request.user, limit=200)),
            "open_returns": len(selectors.returns_sweep_for(user=request.user)),
            "overdue_returns": selectors.overdue_returns_count(user=request.user),
            "refunds_waiting": len(selectors.refund_queue_for(user=request.user)),
        },
    )


@login_required
def phone_list(request):
    items = selectors.phone_list_for(user=request.user)
    return render(
        request,
        "commerce/phone_list.html",
        {"items": items, "outcomes": CallOutcome.choices},
    )


@login_required
@require_POST
def reminder_outcome(request, pk: int):
    try:
        reminder = selectors.reminder_get_for(user=request.user, pk=pk)
        done = reminders.reminder_call_outcome(
            actor=request.user, reminder=reminder, outcome=request.POST.get("outcome", "")
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Order %(order)s: %(outcome)s recorded.")
            % {"order": reminder.order.order_no, "outcome": done.get_outcome_display()},
        )
    return redirect("commerce:phone")


@login_required
def return_list(request):
    now = timezone.now()
    items = list(selectors.returns_sweep_for(user=request.user))
    for r in items:
        r.overdue = r.due_at is not None and r.due_at < now
    return render(request, "commerce/return_list.html", {"items": items})


STEP_LABELS = {
    "approve": gettext_lazy("Approve"),
    "ship_back": gettext_lazy("Record the return tracking number"),
    "receive": gettext_lazy("Parcel received"),
    "inspect": gettext_lazy("Record the inspection"),
    "refund": gettext_lazy("Refund"),
    "exchange": gettext_lazy("Send the replacement"),
    "refuse": gettext_lazy("Refuse (goods not intact)"),
    "dispute": gettext_lazy("Customer disputes"),
}
NEXT_STEPS = {
    "requested": ("approve",),
    "approved": ("ship_back", "receive"),
    "shipped_back": ("receive",),
    "received": ("inspect",),
    "inspected": ("refund", "exchange", "refuse"),
    "refused": ("dispute",),
}


@login_required
def return_detail(request, pk: int):
    ret = selectors.return_get_for(user=request.user, pk=pk)
    steps = [(code, str(STEP_LABELS[code])) for code in NEXT_STEPS.get(ret.status, ())]
    return render(
        request,
        "commerce/return_detail.html",
        {
            "ret": ret,
            "steps": steps,
            "rule": rule_message(ret.rule) if ret.rule else "",
            "overdue": ret.due_at is not None and ret.due_at < timezone.now(),
            "dispute": Dispute.objects.filter(ret=ret).first(),
        },
    )


@login_required
@require_POST
def return_step(request, pk: int):
    ret = selectors.return_get_for(user=request.user, pk=pk)
    intact = request.POST.get("intact")
    try:
        version = int(request.POST.get("version", ""))
        returns.return_step(
            actor=request.user,
            ret=ret,
            version=version,
            step=request.POST.get("step", ""),
            tracking_no=request.POST.get("tracking_no", ""),
            intact=None if intact in (None, "") else intact == "1",
            note=request.POST.get("note", ""),
        )
    except ValueError:
        messages.error(request, _("The page was out of date: reload it and try again."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The return has moved on."))
    return redirect("commerce:return", pk=pk)


@login_required
def refund_list(request):
    return render(
        request,
        "commerce/refund_list.html",
        {"items": selectors.refund_queue_for(user=request.user)},
    )


@login_required
@require_POST
def refund_decide(request, pk: int):
    refund = selectors.refund_get_for(user=request.user, pk=pk)
    try:
        returns.refund_decide(
            actor=request.user,
            refund=refund,
            version=int(request.POST.get("version", "0") or 0),
            approve=request.POST.get("approve") == "1",
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The refund has been decided."))
    return redirect("commerce:refunds")
