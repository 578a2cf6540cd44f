"""The Double 11 page: groups and their queues, shipping within 5 days, the city ratio, live
targets, the post-event report and the refund workload forecast (PK-1, PK-5, PK-7, STF-3,
STF-4, RPT-6)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from kefu.commerce import peak_selectors
from kefu.commerce.refund_forecast import MAX_ORDERS
from kefu.commerce.words import channel_label, forecast_stage_label, group_label, target_label


def _forecast_orders(raw: str) -> tuple[int | None, str]:
    """The sales forecast typed in (orders expected): (value, error message)."""
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None, ""
    if raw.isdigit() and len(raw) <= 12 and int(raw) <= MAX_ORDERS:
        return int(raw), ""
    return None, _("Enter a number of orders from 0 to %(n)s.") % {"n": f"{MAX_ORDERS:,}"}


@login_required
def double11(request):
    campaigns = list(peak_selectors.campaigns_for(user=request.user)[:20])
    wanted = request.GET.get("campaign", "")
    campaign = None
    if wanted.isdigit() and int(wanted) < 2**63:
        campaign = peak_selectors.campaign_get_for(user=request.user, pk=int(wanted))
    elif campaigns:
        campaign = peak_selectors.campaign_get_for(user=request.user, pk=campaigns[0].pk)
    context: dict = {"campaigns": campaigns, "campaign": campaign}
    if campaign is not None:
        report = peak_selectors.report_for(user=request.user, campaign=campaign)
        context.update(
            report=report,
            groups=[
                {**g, "label": group_label(g["code"])}
                for g in peak_selectors.group_queues_for(campaign)
            ],
            ship_days=peak_selectors.ship_days_for(campaign),
            cities=peak_selectors.city_ratio_for(campaign),
            channels=[
                {"label": channel_label(code), "figures": figures}
                for code, figures in sorted(report["reminders"].by_channel.items())
            ],
            targets=[
                {
                    "label": target_label(t.code),
                    "actual": t.actual,
                    "target": t.target,
                    "met": t.met,
                }
                for t in report["targets"]
            ],
        )
        # STF-3: the event's refund rates by stage applied to a sales forecast
        orders, error = _forecast_orders(request.GET.get("forecast_orders", ""))
        forecast = peak_selectors.refund_forecast_for(
            user=request.user,
            start=campaign.starts_at,
            end=campaign.ends_at,
            orders=orders or 0,
        )
        context.update(
            forecast=forecast,
            forecast_orders=orders,
            forecast_error=error,
            forecast_stages=[
                {"label": forecast_stage_label(s.stage), "figures": s} for s in forecast.stages
            ],
        )
    return render(request, "commerce/double11.html", context)
