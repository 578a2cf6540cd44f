"""One search box for the whole product (the top bar): tickets, customers and knowledge articles
together, each group scoped exactly like its own list, with a link to see all of it there."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kefu.core.errors import Invalid
from kefu.customers.selectors import customer_search_for, shown_phone
from kefu.knowledge.selectors import article_search_for
from kefu.tickets.filters import MAX_Q, TicketFilters
from kefu.tickets.selectors import ticket_list_for

PER_GROUP = 5


@login_required
@require_safe
def global_search(request):
    q = (request.GET.get("q") or "").strip().replace("\x00", "")[:MAX_Q]
    context: dict = {"q": q, "groups": [], "refused": ""}
    if q:
        try:
            context["groups"] = _groups(request.user, q)
        except Invalid as exc:  # a search beyond the phone mask (customers.phone_search)
            context["refused"] = str(exc.message)
    context["empty"] = (
        bool(q) and not context["refused"] and not any(g["rows"] for g in context["groups"])
    )
    return render(
        request, "reports/search.html", context, status=403 if context["refused"] else 200
    )


def _groups(user, q: str) -> list[dict]:
    tickets = list(
        ticket_list_for(user=user, filters=TicketFilters(q=q)).order_by("-created_at", "-id")[
            :PER_GROUP
        ]
    )
    customers = customer_search_for(user=user, q=q, limit=PER_GROUP)
    articles = article_search_for(user=user, q=q, limit=PER_GROUP)
    query = urlencode({"q": q})
    return [
        {
            "kind": "tickets",
            "rows": tickets,
            "all": f"{reverse('tickets:list')}?tab=all&{query}",
        },
        {
            "kind": "customers",
            "rows": [{"customer": c, "phone": shown_phone(user, c.phone)} for c in customers],
            "all": f"{reverse('customers:list')}?{query}",
        },
        {
            "kind": "articles",
            "rows": articles,
            "all": f"{reverse('knowledge:articles')}?{query}",
        },
    ]
