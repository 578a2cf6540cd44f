"""Every read of the customer archive, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.core.masking import mask_address, mask_phone, normalize_phone
from kefu.customers.models import Customer, PhoneGram

FULL, REVEAL, MASKED = "full", "reveal", "masked"
_ROLE_DEFAULT = {
    "agent": REVEAL,
    "lead": REVEAL,
    "supervisor": FULL,
    "manager": FULL,
    "admin": FULL,
}


def contact_access(user) -> str:
    """How ``user`` sees phones and addresses: always, masked with an audited reveal, or masked."""
    if getattr(user, "contact_access", ""):
        return user.contact_access
    if scope.is_admin(user):
        return FULL
    return _ROLE_DEFAULT.get(getattr(user, "role", ""), MASKED)


def shown_phone(user, phone: str) -> str:
    return phone if contact_access(user) == FULL else mask_phone(phone)


def shown_address(user, address: str) -> str:
    return address if contact_access(user) == FULL else mask_address(address)


def customer_qs_for(user) -> QuerySet[Customer]:
    """Customers of the user's business line (all for admins), merged-away records excluded."""
    return Customer.objects.filter(scope.business_line_q(user), merged_into=None)


def customer_get_for(*, user, pk: int) -> Customer:
    customer = customer_qs_for(user).filter(pk=pk).first()
    if customer is None:
        raise NotFound()
    return customer


def customer_search_for(*, user, q: str, limit: int = 20) -> list[Customer]:
    """Find by any 4+ consecutive phone digits (indexed) or by name."""
    q = (q or "").strip()
    qs = customer_qs_for(user)
    digits = normalize_phone(q)
    if (
        len(digits) >= 4
        and digits == "".join(ch for ch in q if ch.isdigit())
        and not any(ch.isalpha() for ch in q)
    ):
        grams = PhoneGram.objects.filter(gram=digits[:4]).values("customer_id")
        if not scope.is_admin(user):
            grams = grams.filter(business_line_id=user.business_line_id)
        qs = qs.filter(pk__in=grams)
        if len(digits) > 4:
            from django.db.models import Q

            qs = qs.filter(Q(phone__contains=digits) | Q(phone2__contains=digits))
        return list(qs.order_by("-id")[:limit])
    if not q:
        return []
    starts = list(qs.filter(name__startswith=q).order_by("-id")[:limit])
    if len(starts) >= limit:
        return starts
    seen = {c.pk for c in starts}
    more = qs.filter(name__contains=q).exclude(pk__in=seen).order_by("-id")[: limit - len(starts)]
    return starts + list(more)
