"""Every write to the customer archive: create, update (versioned), notes, merge, reveal.

Assets (vehicles, units, buyer accounts, orders, memberships) are written in ``assets.py`` and
bulk imports in ``imports.py``; both are re-exported here for callers that want one module.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, db, events, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.core.masking import normalize_phone
from kefu.customers.models import Customer, CustomerNote, PhoneGram, Tier
from kefu.customers.sheets import split_tags

GRAM = 4
NOTE_MAX = 5000
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


def tag_index(tags: list[str]) -> str:
    """The ``|a|b|`` form stored in ``Customer.tag_index`` for the tag filter."""
    return f"|{'|'.join(tags)}|" if tags else ""


def clean_tags(raw) -> list[str]:
    """Tags from a list or a string separated by , ， or 、; trimmed, unique, in order."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return split_tags(raw)
    if not isinstance(raw, (list, tuple)) or not all(isinstance(t, str) for t in raw):
        raise Invalid(
            _("Tags must be a list of words."), fields={"tags": _("Not a list of words.")}
        )
    return split_tags(",".join(raw))


def _clean_phone(raw: str, field: str = "phone", *, required: bool = True) -> str:
    phone = normalize_phone(raw if isinstance(raw, str) else str(raw or ""))
    if not phone and not required:
        return ""
    if not 5 <= len(phone) <= 20:
        raise Invalid(
            _("Enter a phone number of 5 to 20 digits."),
            fields={field: _("Enter a phone number of 5 to 20 digits.")},
        )
    return phone


def _clean_tier(value) -> str:
    if value not in Tier.values:
        raise Invalid(
            _("Choose a tier: normal, silver, gold or vip."),
            fields={"tier": _("Not a known tier.")},
        )
    return value


def _clean_agent(line_id: int, value):
    """A dedicated agent must be an active user of the customer's business line."""
    from kefu.accounts.models import User

    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, User) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None or user.business_line_id != line_id:
        raise Invalid(
            _("Choose a dedicated agent of this business line."),
            fields={"dedicated_agent": _("Not a user of this business line.")},
        )
    return user


def _index_phones(customer: Customer, *, fresh: bool = False) -> None:
    """One row per digit gram (phone_search); ``fresh``: a new customer has none to delete."""
    if not fresh:
        PhoneGram.objects.filter(customer=customer).delete()
    db.insert_rows(
        [
            PhoneGram(customer=customer, business_line_id=customer.business_line_id, gram=g)
            for g in sorted(phone_grams(customer.phone, customer.phone2))
        ]
    )


def existing_by_phone(*, business_line_id: int, phone: str) -> Customer | None:
    """The line's (unmerged) customer with this phone, the oldest if several."""
    # plain SQL: every intake of a new caller asks it, and the ORM spent 0.6 ms of CPU building
    # the query (five times the raw query's cost, issue 24)
    table = Customer._meta.db_table
    rows = Customer.objects.raw(
        f"SELECT * FROM {table} WHERE business_line_id = %s AND phone = %s"  # nosec B608
        " AND merged_into_id IS NULL ORDER BY id LIMIT 1",
        [business_line_id, normalize_phone(phone)],
    )
    return next(iter(rows), None)


def duplicate_phone_error(dup: Customer) -> Conflict:
    """The ``duplicate_phone`` conflict naming the existing customer (pages offer to open it)."""
    exc = Conflict(
        _("A customer with this phone exists: %(name)s (#%(id)s).")
        % {"name": dup.name, "id": dup.pk},
        fields={"phone": _("Exists as customer #%(id)s.") % {"id": dup.pk}},
        code="duplicate_phone",
    )
    exc.existing = dup
    return exc


@transaction.atomic
def customer_create(
    *, actor, business_line, name: str, phone: str, allow_duplicate: bool = False, **fields
) -> Customer:
    """A new archive entry (ARC-1). A phone that already exists in the business line is refused
    with code ``duplicate_phone`` naming the existing customer, unless ``allow_duplicate``."""
    return _customer_insert(
        actor=actor,
        business_line=business_line,
        name=name,
        phone=phone,
        allow_duplicate=allow_duplicate,
        **fields,
    )


def _customer_insert(
    *,
    actor,
    business_line,
    name: str,
    phone: str,
    allow_duplicate: bool,
    last_contact_at=None,
    **fields,
) -> Customer:
    """``customer_create`` inside the caller's transaction (no savepoint of its own)."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter the customer's name."), fields={"name": _("Required.")})
    phone = _clean_phone(phone)
    phone2 = _clean_phone(fields.pop("phone2", ""), "phone2", required=False)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "tags" in fields:
        fields["tags"] = clean_tags(fields["tags"])
    if "tier" in fields:
        fields["tier"] = _clean_tier(fields["tier"] or Tier.NORMAL)
    if "dedicated_agent" in fields:
        fields["dedicated_agent"] = _clean_agent(business_line.pk, fields["dedicated_agent"])
    if not allow_duplicate:
        # two agents typing the same new caller at once: the second sees the first's row
        db.lock_key(f"customer-phone:{business_line.pk}:{phone}")
        dup = existing_by_phone(business_line_id=business_line.pk, phone=phone)
        if dup is not None:
            raise duplicate_phone_error(dup)
    customer = Customer(
        business_line=business_line,
        name=name,
        phone=phone,
        phone2=phone2,
        created_by=actor if getattr(actor, "pk", None) else None,
        last_contact_at=last_contact_at,
        **fields,
    )
    customer.tag_index = tag_index(customer.tags)
    _full_clean(customer)
    db.insert_rows([customer])
    _index_phones(customer, fresh=True)
    audit.record(actor=actor, action="customer.create", obj=customer, changes={"name": name})
    events.publish(
        "customer.created",
        object_id=customer.pk,
        business_line_id=business_line.pk,
        payload={"name": name},
        actor=actor,
        subject=customer,
    )
    return customer


# no savepoint: the one caller is the phone intake, whose whole transaction fails with it (a
# savepoint and its release were two of the intake's statements each, issue 24)
@transaction.atomic(savepoint=False)
def customer_for_caller(
    *, actor, business_line, phone: str, name: str, contact_at=None
) -> Customer:
    """The line's customer with this phone, else a new one (intake of a caller known only by
    phone); a new one's last contact is ``contact_at`` (the intake's moment). Two intakes of the same new caller at once make one customer: on PostgreSQL the
    miss is checked again under the phone's lock; SQLite's IMMEDIATE transaction already holds
    the only write lock from the first lookup on, so there the first miss stands."""
    found = existing_by_phone(business_line_id=business_line.pk, phone=phone)
    if found is None and db.is_postgres():
        db.lock_key(f"customer-phone:{business_line.pk}:{normalize_phone(phone)}")
        found = existing_by_phone(business_line_id=business_line.pk, phone=phone)
    if found is not None:
        found.business_line = business_line
        return found
    # looked up above under the lock: the insert need not look again
    return _customer_insert(
        actor=actor,
        business_line=business_line,
        name=name,
        phone=phone,
        allow_duplicate=True,
        last_contact_at=contact_at,
    )


# never in an event's payload: a changed one reads null
CONTACT_FIELDS = ("phone", "phone2", "email", "address")


def _event_changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} of the fields that changed, ids for users, contact data withheld."""
    changed = {}
    for key, old in before.items():
        new = after[key]
        if old == new:
            continue
        if key in CONTACT_FIELDS:
            changed[key] = None
        else:
            changed[key] = [getattr(old, "pk", old), getattr(new, "pk", new)]
    return changed


def _full_clean(customer: Customer) -> None:
    from django.core.exceptions import ValidationError

    try:
        customer.full_clean(
            exclude=["business_line", "created_by", "dedicated_agent", "merged_into"]
        )
    except ValidationError as exc:
        fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise Invalid(_("Some fields are not valid."), fields=fields) from None


def _clean_changes(customer: Customer, changes: dict) -> dict:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    values = dict(changes)
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise Invalid(_("Enter the customer's name."), fields={"name": _("Required.")})
    if "phone" in values:
        values["phone"] = _clean_phone(values["phone"])
    if "phone2" in values:
        values["phone2"] = _clean_phone(values["phone2"] or "", "phone2", required=False)
    if "tags" in values:
        values["tags"] = clean_tags(values["tags"])
    if "tier" in values:
        values["tier"] = _clean_tier(values["tier"])
    if "dedicated_agent" in values:
        values["dedicated_agent"] = _clean_agent(
            customer.business_line_id, values["dedicated_agent"]
        )
    for key in ("email", "address", "gender", "organisation", "source_channel"):
        if key in values:
            values[key] = (values[key] or "").strip()
    for key in ("wanted_services", "notes"):
        if key in values:
            values[key] = values[key] or ""
    return values


@transaction.atomic
def customer_update(*, actor, customer: Customer, version: int, changes: dict) -> Customer:
    """Change archive fields (ARC-7) if nobody else changed the customer since ``version``.

    The caller obtained ``customer`` through a scoped selector. Phones are normalised, the
    phone index follows, a phone of another customer of the line is a ``duplicate_phone``
    conflict, and a stale ``version`` raises ``StaleWrite`` with nothing written.
    """
    values = _clean_changes(customer, changes)
    before = {k: getattr(customer, k) for k in values}
    for key, value in values.items():
        setattr(customer, key, value)
    _full_clean(customer)
    if "phone" in values and values["phone"] != before["phone"]:
        db.lock_key(f"customer-phone:{customer.business_line_id}:{values['phone']}")
        dup = existing_by_phone(business_line_id=customer.business_line_id, phone=values["phone"])
        if dup is not None and dup.pk != customer.pk:
            raise duplicate_phone_error(dup)
    if "tags" in values:
        values["tag_index"] = tag_index(values["tags"])
    now = timezone.now()
    updated = Customer.objects.filter(pk=customer.pk, version=version, merged_into=None).update(
        **values, updated_at=now, version=F("version") + 1
    )
    if not updated:
        raise StaleWrite()
    customer.version = version + 1
    customer.updated_at = now
    if "tags" in values:
        customer.tag_index = values["tag_index"]
    if {"phone", "phone2"} & set(values):
        _index_phones(customer)
    changed = audit.diff(before, {k: values[k] for k in before})
    for key in ("phone", "phone2", "address"):
        if key in changed:
            changed[key] = ["…", "…"]  # the audit log does not copy contact data
    audit.record(actor=actor, action="customer.update", obj=customer, changes=changed)
    payload_changes = _event_changes(before, {k: values[k] for k in before})
    if payload_changes:
        events.publish(
            "customer.updated",
            object_id=customer.pk,
            business_line_id=customer.business_line_id,
            payload={"changed": payload_changes, "version": customer.version},
            actor=actor,
            subject=customer,
        )
    return customer


@transaction.atomic
def note_add(*, actor, customer: Customer, body: str) -> CustomerNote:
    """A dated note in the archive (complaint history, visit notes: ARC-4, ARC-10)."""
    body = (body or "").strip() if isinstance(body, str) else ""
    if not body:
        raise Invalid(_("Write the note first."), fields={"body": _("Required.")})
    if len(body) > NOTE_MAX:
        raise Invalid(
            _("A note may have at most %(n)d characters.") % {"n": NOTE_MAX},
            fields={"body": _("Too long.")},
        )
    note = CustomerNote.objects.create(
        customer=customer, author=actor if getattr(actor, "pk", None) else None, body=body
    )
    audit.record(actor=actor, action="customer.note", obj=customer, changes={"note": note.pk})
    return note


def _fill(keep: Customer, merge: Customer) -> dict:
    """Fields of ``keep`` that are empty and known on ``merge``, plus merged tags and dates."""
    values: dict = {}
    for key in ("email", "address", "organisation", "source_channel", "wanted_services", "gender"):
        if not getattr(keep, key) and getattr(merge, key):
            values[key] = getattr(merge, key)
    if not keep.phone2:
        other = merge.phone if merge.phone != keep.phone else merge.phone2
        if other and other != keep.phone:
            values["phone2"] = other
    if merge.notes:
        values["notes"] = "\n".join(n for n in (keep.notes, merge.notes) if n)
    tags = split_tags(",".join([*keep.tags, *merge.tags]))
    if tags != keep.tags:
        values["tags"] = tags
        values["tag_index"] = tag_index(tags)
    if keep.dedicated_agent_id is None and merge.dedicated_agent_id is not None:
        values["dedicated_agent_id"] = merge.dedicated_agent_id
    if merge.last_contact_at and (
        keep.last_contact_at is None or merge.last_contact_at > keep.last_contact_at
    ):
        values["last_contact_at"] = merge.last_contact_at
    if merge.first_visit_on and (
        keep.first_visit_on is None or merge.first_visit_on < keep.first_visit_on
    ):
        values["first_visit_on"] = merge.first_visit_on
    tiers = list(Tier.values)
    if tiers.index(merge.tier) > tiers.index(keep.tier):
        values["tier"] = merge.tier
    return values


@transaction.atomic
def customer_merge(*, actor, keep: Customer, merge: Customer) -> Customer:
    """Merge a duplicate archive entry into ``keep`` (supervisors and above).

    Every ticket, note and asset of ``merge`` moves to ``keep``; empty fields of ``keep`` are
    filled from ``merge``; ``merge`` stays as a record pointing at ``keep`` (``merged_into``),
    so its history and audit events are kept. Both rows are locked for the duration.
    """
    from kefu.customers.models import BuyerAccount, Membership, Order, PropertyUnit, Vehicle
    from kefu.tickets.models import Ticket

    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors and above may merge customers."))
    if keep.pk == merge.pk:
        raise Invalid(
            _("Choose another customer to merge."), fields={"merge": _("The same customer.")}
        )
    rows = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    keep, merge = rows.get(keep.pk), rows.get(merge.pk)
    if keep is None or merge is None:
        raise NotFound()
    if keep.business_line_id != merge.business_line_id:
        raise Invalid(
            _("Only customers of the same business line can be merged."),
            fields={"merge": _("Another business line.")},
        )
    if keep.merged_into_id or merge.merged_into_id:
        raise Conflict(_("This customer was already merged."), code="already_merged")
    now = timezone.now()
    moved = {
        "tickets": Ticket.objects.filter(customer=merge).update(
            customer=keep, version=F("version") + 1, updated_at=now
        ),
        "notes": CustomerNote.objects.filter(customer=merge).update(customer=keep),
    }
    for label, model in (
        ("vehicles", Vehicle),
        ("units", PropertyUnit),
        ("buyer_accounts", BuyerAccount),
        ("orders", Order),
        ("memberships", Membership),
    ):
        moved[label] = model.objects.filter(customer=merge).update(customer=keep)
    # entries merged into ``merge`` earlier now point at the survivor too
    Customer.objects.filter(merged_into=merge).update(merged_into=keep, updated_at=now)
    values = _fill(keep, merge)
    Customer.objects.filter(pk=keep.pk).update(**values, updated_at=now, version=F("version") + 1)
    Customer.objects.filter(pk=merge.pk).update(
        merged_into=keep, merged_at=now, updated_at=now, version=F("version") + 1
    )
    PhoneGram.objects.filter(customer=merge).delete()
    keep.refresh_from_db()
    _index_phones(keep)
    audit.record(
        actor=actor,
        action="customer.merge",
        obj=keep,
        changes={"merged": merge.pk, "name": merge.name, "moved": moved},
    )
    audit.record(actor=actor, action="customer.merged_into", obj=merge, changes={"into": keep.pk})
    events.publish(
        "customer.merged",
        object_id=merge.pk,
        business_line_id=merge.business_line_id,
        payload={"merged_into": keep.pk},
        actor=actor,
        subject=merge,
    )
    return keep


@transaction.atomic
def contact_reveal(*, actor, customer: Customer, ip: str | None = None) -> dict:
    """The full phone(s) and address of ``customer`` for a user allowed to reveal them; audited
    as ``customer.reveal``. Users whose contact access is "masked" get ``PermissionDenied``."""
    from kefu.customers.selectors import MASKED, contact_access

    if contact_access(actor) == MASKED:
        raise PermissionDenied(_("Your role may not see customers' full contact data."))
    from kefu.customers.phone_search import check_reveal_budget

    check_reveal_budget(actor)  # the budget that searches beyond the mask share (429)
    audit.record(
        actor=actor,
        action="customer.reveal",
        obj=customer,
        changes={"fields": ["phone", "phone2", "address"]},
        ip=ip,
    )
    return {"phone": customer.phone, "phone2": customer.phone2, "address": customer.address}


from kefu.customers.assets import (  # noqa: E402  re-exported for one import site
    buyer_account_add,
    membership_add,
    order_add,
    property_unit_add,
    service_record_add,
    vehicle_add,
    vehicle_update,
)

__all__ = [
    "buyer_account_add",
    "contact_reveal",
    "customer_create",
    "customer_merge",
    "customer_update",
    "membership_add",
    "note_add",
    "order_add",
    "property_unit_add",
    "service_record_add",
    "vehicle_add",
    "vehicle_update",
]
