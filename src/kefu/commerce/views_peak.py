"""The Double 11 page: groups and their queues, shipping within 5 days, the city ratio, live
targets and the post-event report (PK-1, PK-5, PK-7, STF-4, RPT-6)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kefu.commerce import peak_selectors
from kefu.commerce.words import channel_label, group_label, target_label


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
    return render(request, "commerce/double11.html", context)
