"""RPT-6 as a §4 report (issue 22): the post-Double-11 report of one campaign — 催付 results
(回单率, 回款金额, 回款率) per channel, refunds, returns, reshipments (补发准确率), shipping within
5 days and the PK-7 targets — as a page, .xlsx and PDF. The figures are the commerce app's
(``peak_selectors.report_for``, recomputed from rows); this module lays them out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound
from kefu.reports import periods
from kefu.reports.periodic_reports import Report, _line_name, _met


def _num(value):
    return None if value is None else float(value)


def _pct(value) -> str:
    return "—" if value is None else f"{float(value):.1f} %"


def _campaign(user, value):
    from kefu.commerce import peak_selectors

    raw = str(value or "").strip()
    if raw:
        if not raw.isdigit() or int(raw) >= 2**63:
            raise NotFound()
        return peak_selectors.campaign_get_for(user=user, pk=int(raw))
    latest = peak_selectors.campaigns_for(user=user).first()
    return latest and peak_selectors.campaign_get_for(user=user, pk=latest.pk)


def campaign_report(user, value, line_id) -> Report:
    from kefu.commerce import peak_selectors
    from kefu.commerce.words import channel_label, target_label

    campaign = _campaign(user, value)
    if campaign is None:
        today = timezone.localdate()
        span = periods.Span("", today, today + dt.timedelta(days=1))
        title = _("Post-event report · no campaign yet")
        return Report("double11", span, title, {"campaign": None, "business_line": line_id}, [])
    start = timezone.localtime(campaign.starts_at).date()
    end = timezone.localtime(campaign.ends_at).date() + dt.timedelta(days=1)
    span = periods.Span(str(campaign.pk), start, end)
    r = peak_selectors.report_for(user=user, campaign=campaign)
    rem = r["reminders"]

    def figures(label, f):
        return [
            label,
            f.reminded_orders,
            f.paid_orders,
            _pct(f.order_rate),
            _num(f.reminded_amount),
            _num(f.paid_amount),
            _pct(f.amount_rate),
        ]

    channels = [figures(channel_label(code), f) for code, f in sorted(rem.by_channel.items())] + [
        figures(_("Total"), rem.total)
    ]
    refunds, returns, reships, ship = r["refunds"], r["returns"], r["reshipments"], r["shipping"]
    data = {
        "campaign": campaign.pk,
        "name": campaign.name,
        "business_line": campaign.business_line_id,
        "from": campaign.starts_at.isoformat(),
        "to": campaign.ends_at.isoformat(),
        "reminders": {
            "reminded_orders": rem.total.reminded_orders,
            "paid_orders": rem.total.paid_orders,
            "order_rate": _num(rem.total.order_rate),
            "paid_amount": _num(rem.total.paid_amount),
            "amount_rate": _num(rem.total.amount_rate),
        },
        "refunds": {k: _num(refunds[k]) for k in ("submitted", "approved", "rejected", "amount")}
        | {"completion": _num(refunds["completion"]), "hours": _num(refunds["hours"])},
        "returns": {k: _num(returns[k]) for k in ("received", "resolved", "on_time")}
        | {"on_time_rate": _num(returns["on_time_rate"]), "hours": _num(returns["turnaround"])},
        "reshipments": {k: _num(reships[k]) for k in ("sent", "correct", "wrong", "unchecked")}
        | {"accuracy": _num(reships["accuracy"]), "hours": _num(reships["turnaround"])},
        "shipping": {"paid": ship["paid"], "within": ship["within"], "share": _num(ship["share"])},
        "targets": [
            {"code": t.code, "actual": _num(t.actual), "target": _num(t.target), "met": t.met}
            for t in r["targets"]
        ],
    }
    title = _("Post-event report %(campaign)s · %(line)s") % {
        "campaign": campaign.name,
        "line": _line_name(campaign.business_line_id),
    }
    figure_value = [_("Figure"), _("Value")]
    sections = [
        (
            _("Payment reminders (催付)"),
            [
                _("Channel"),
                _("Orders reminded"),
                _("Orders paid"),
                _("Recovered-order rate (回单率)"),
                _("Amount reminded (yuan)"),
                _("Amount recovered (回款金额, yuan)"),
                _("Recovery rate (回款率)"),
            ],
            channels,
        ),
        (
            _("Refunds"),
            figure_value,
            [
                [_("Submitted"), refunds["submitted"]],
                [_("Approved"), refunds["approved"]],
                [_("Rejected"), refunds["rejected"]],
                [_("Amount refunded (yuan)"), _num(refunds["amount"])],
                [_("Completion"), _pct(refunds["completion"])],
                [_("Average hours to approval"), _num(refunds["hours"])],
            ],
        ),
        (
            _("Returns"),
            figure_value,
            [
                [_("Returns received"), returns["received"]],
                [_("Resolved"), returns["resolved"]],
                [_("Resolved in time"), returns["on_time"]],
                [_("In-time rate"), _pct(returns["on_time_rate"])],
                [_("Average turnaround (hours)"), _num(returns["turnaround"])],
            ],
        ),
        (
            _("Reshipments (补发)"),
            figure_value,
            [
                [_("Sent"), reships["sent"]],
                [_("Found correct"), reships["correct"]],
                [_("Found wrong"), reships["wrong"]],
                [_("Reshipments not checked yet"), reships["unchecked"]],
                [_("Reshipment accuracy (补发准确率)"), _pct(reships["accuracy"])],
                [_("Average turnaround (hours)"), _num(reships["turnaround"])],
            ],
        ),
        (
            _("Shipping within 5 days of payment"),
            figure_value,
            [
                [_("Orders paid"), ship["paid"]],
                [_("Shipped within 5 days"), ship["within"]],
                [_("Share"), _pct(ship["share"])],
            ],
        ),
        (
            _("Targets"),
            [_("Target"), _("Actual"), _("Target value"), _("Met")],
            [
                [target_label(t.code), _num(t.actual), _num(t.target), _met(t.met)]
                for t in r["targets"]
            ],
        ),
    ]
    return Report("double11", span, title, data, sections)
