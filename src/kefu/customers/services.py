"""Every write to the customer archive: create, update (versioned), notes, merge, reveal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Conflict, Invalid
from kefu.core.masking import normalize_phone
from kefu.customers.models import Customer, PhoneGram

GRAM = 4
EDITABLE_FIELDS = (
    "name",
    "phone",
    "phone2",
    "email",
    "address",
    "gender",
    "organisation",
    "tier",
    "source_channel",
    "dedicated_agent",
    "tags",
    "wanted_services",
    "notes",
    "first_visit_on",
)


def phone_grams(*phones: str) -> set[str]:
    """Every window of 4 consecutive digits of the given phones."""
    grams: set[str] = set()
    for phone in phones:
        grams.update(phone[i : i + GRAM] for i in range(len(phone) - GRAM + 1))
    return grams


def _clean_phone(raw: str, field: str = "phone", *, required: bool = True) -> str:
    phone = normalize_phone(raw)
    if not phone and not required:
        return ""
    if not 5 <= len(phone) <= 20:
        raise Invalid(
            _("Enter a phone number of 5 to 20 digits."),
            fields={field: _("Enter a phone number of 5 to 20 digits.")},
        )
    return phone


def _index_phones(customer: Customer) -> None:
    PhoneGram.objects.filter(customer=customer).delete()
    PhoneGram.objects.bulk_create(
        PhoneGram(customer=customer, business_line_id=customer.business_line_id, gram=g)
        for g in sorted(phone_grams(customer.phone, customer.phone2))
    )


def existing_by_phone(*, business_line_id: int, phone: str) -> Customer | None:
    return (
        Customer.objects.filter(
            business_line_id=business_line_id, phone=normalize_phone(phone), merged_into=None
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def customer_create(
    *, actor, business_line, name: str, phone: str, allow_duplicate: bool = False, **fields
) -> Customer:
    """A new archive entry. A phone that already exists in the business line is refused
    with code ``duplicate_phone`` naming the existing customer, unless ``allow_duplicate``."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter the customer's name."), fields={"name": _("Required.")})
    phone = _clean_phone(phone)
    phone2 = _clean_phone(fields.pop("phone2", ""), "phone2", required=False)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if not allow_duplicate:
        dup = existing_by_phone(business_line_id=business_line.pk, phone=phone)
        if dup is not None:
            raise Conflict(
                _("A customer with this phone exists: %(name)s (#%(id)s).")
                % {"name": dup.name, "id": dup.pk},
                fields={"phone": _("Exists as customer #%(id)s.") % {"id": dup.pk}},
                code="duplicate_phone",
            )
    customer = Customer(
        business_line=business_line,
        name=name,
        phone=phone,
        phone2=phone2,
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    customer.full_clean(exclude=["business_line", "created_by", "dedicated_agent", "merged_into"])
    customer.save()
    _index_phones(customer)
    audit.record(actor=actor, action="customer.create", obj=customer, changes={"name": name})
    return customer
