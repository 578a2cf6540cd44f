"""The event's warehouse page (PK-5): orders per brand (the previous event's shares applied to
the orders expected), the pre-packs (聚划算 / 爆款 / 热销套装) and the courier per destination
city. The forms post to the services; every answer comes back to the page with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.commerce import peak_selectors, warehouse_selectors
from kefu.commerce.models import PrePackKind
from kefu.commerce.services import warehouse as services
from kefu.commerce.warehouse import MAX_QUANTITY, NO_BRAND
from kefu.core import scope
from kefu.core.errors import DomainError

PREPACKS_PER_PAGE = 50


def _campaign(request, raw: str):
    if raw.isdigit() and int(raw) < 2**63:
        return peak_selectors.campaign_get_for(user=request.user, pk=int(raw))
    first = peak_selectors.campaigns_for(user=request.user).first()
    return peak_selectors.campaign_get_for(user=request.user, pk=first.pk) if first else None


def _back(campaign) -> str:
    return reverse("commerce:warehouse") + f"?campaign={campaign.pk}"


def _fail(request, exc: Exception) -> None:
    if isinstance(exc, ValueError):
        messages.error(request, _("The page was out of date: reload it and try again."))
    else:
        messages.error(request, str(exc.message))


@login_required
def warehouse(request):
    campaigns = list(peak_selectors.campaigns_for(user=request.user)[:20])
    campaign = _campaign(request, request.GET.get("campaign", ""))
    context: dict = {"campaigns": campaigns, "campaign": campaign, "kinds": PrePackKind.choices}
    if campaign is not None:
        plan = warehouse_selectors.plan_for(campaign)
        page = Paginator(plan["prepacks"], PREPACKS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            plan=plan,
            prepack_page=page,
            no_brand=NO_BRAND,
            max_quantity=MAX_QUANTITY,
            planner=scope.at_least(request.user, scope.LEAD),
        )
    return render(request, "commerce/warehouse.html", context)


@login_required
@require_POST
def warehouse_forecast(request, pk: int):
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=pk)
    try:
        services.forecast_set(
            actor=request.user, campaign=campaign, orders=request.POST.get("orders")
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The orders expected are recorded."))
    return redirect(_back(campaign))


@login_required
@require_POST
def prepack_add(request, pk: int):
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=pk)
    try:
        services.prepack_add(
            actor=request.user,
            campaign=campaign,
            kind=request.POST.get("kind", ""),
            item=request.POST.get("item", ""),
            brand=request.POST.get("brand", ""),
            quantity=request.POST.get("quantity"),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The pre-pack is planned."))
    return redirect(_back(campaign))


@login_required
@require_POST
def prepack_update(request, pk: int):
    prepack = warehouse_selectors.prepack_get_for(user=request.user, pk=pk)
    try:
        services.prepack_update(
            actor=request.user,
            prepack=prepack,
            version=int(request.POST.get("version", "")),
            packed=request.POST.get("packed"),
            quantity=request.POST.get("quantity"),
        )
    except (ValueError, DomainError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The pre-pack is updated."))
    return redirect(_back(prepack.campaign))


@login_required
@require_POST
def courier_set(request, pk: int):
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=pk)
    raw_version = request.POST.get("version", "")
    try:
        services.courier_set(
            actor=request.user,
            campaign=campaign,
            city=request.POST.get("city", ""),
            courier=request.POST.get("courier", ""),
            version=int(raw_version) if raw_version else None,
        )
    except (ValueError, DomainError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The courier is recorded."))
    return redirect(_back(campaign))
