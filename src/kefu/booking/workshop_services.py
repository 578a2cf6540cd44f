"""Every write of the 4S workshop desk (BK-10, SR-4, SR-5, CMP-10, RPR-3, SEG-7).

A booking takes a slot and a bay (``workshop.fit``): the line's workshop row is locked while it
decides, so two advisors cannot give the same bay twice. The customer is promised the estimate
× 1.5 in workshop hours. Each status the customer is told about writes an ``AppointmentUpdate``
and publishes ``workshop.update``; the booking app's after-commit subscriber sends it through the
messaging outbox (quota, quiet hours and opt-out are the outbox's), so a rolled-back change sends
nothing. A comeback (返修) names the delivered job it comes back for.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kefu.booking import workshop
from kefu.booking.models import (
    ActivityKind,
    AfterSalesActivity,
    Appointment,
    AppointmentStatus,
    AppointmentUpdate,
    ServiceKind,
    Workshop,
)
from kefu.core import audit, events, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.core.inputs import date_in_range
from kefu.customers.models import Customer, Vehicle

log = logging.getLogger("kefu.booking")
OFF_BOARD = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
RECEIVED = (
    AppointmentStatus.ARRIVED,
    AppointmentStatus.IN_REPAIR,
    AppointmentStatus.READY,
    AppointmentStatus.DELIVERED,
)


def workshop_of(line_id: int, *, create: bool = False) -> Workshop:
    """The line's workshop; a line without its row reads the defaults (a read writes nothing),
    a write creates it."""
    if create:
        return Workshop.objects.get_or_create(business_line_id=line_id)[0]
    found = Workshop.objects.filter(business_line_id=line_id).first()
    if found is None:
        found = Workshop(business_line_id=line_id)
        for field in Workshop._meta.concrete_fields:
            if field.has_default():
                setattr(found, field.attname, field.to_python(field.get_default()))
    return found


@transaction.atomic
def workshop_set(*, actor, line_id: int | None = None, **values) -> Workshop:
    """A supervisor (or above) sets the workshop's capacity, hours and intake targets."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or above may change the workshop."))
    line_id = line_id if scope.is_admin(actor) and line_id else actor.business_line_id
    shop = Workshop.objects.select_for_update().get(pk=workshop_of(line_id, create=True).pk)
    fields = ("bays", "mechanics", "advisors", "opens", "closes", "day_target", "month_target")
    unknown = set(values) - set(fields)
    if unknown:
        raise Invalid(_("Some fields are not valid."), fields={k: _("Not valid.") for k in unknown})
    for name, value in values.items():
        setattr(shop, name, value)
    try:
        if any(not isinstance(getattr(shop, t), dt.time) for t in ("opens", "closes")):
            shop.opens = dt.time.fromisoformat(str(shop.opens))
            shop.closes = dt.time.fromisoformat(str(shop.closes))
        shop.full_clean()
        capacity_of(shop)
    except (ValidationError, workshop.WorkshopError, TypeError, ValueError):
        raise Invalid(
            _("Enter at least one bay, mechanic and advisor, and opening before closing.")
        ) from None
    shop.save(update_fields=[*values, "updated_at"])
    audit.record(
        actor=actor,
        action="booking.workshop_set",
        obj=shop,
        changes={k: str(v) for k, v in values.items()},
    )
    return shop


def capacity_of(shop: Workshop) -> workshop.Capacity:
    opens, closes = shop.opens, shop.closes
    if isinstance(opens, str):  # a row made in this process from the field defaults
        opens, closes = dt.time.fromisoformat(opens), dt.time.fromisoformat(str(closes))
    return workshop.Capacity(shop.bays, shop.mechanics, shop.advisors, opens, closes)


def jobs_on(line_id: int, day: dt.date) -> list[workshop.Job]:
    """The jobs in the workshop on ``day`` (local), long ones of the day before included."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    rows = (
        Appointment.objects.filter(
            business_line_id=line_id,
            start_at__gte=start - dt.timedelta(days=2),
            start_at__lt=start + dt.timedelta(days=1),
        )
        .exclude(status__in=OFF_BOARD)
        .values_list("start_at", "estimate_hours", "bay")
    )
    return [
        workshop.Job(timezone.localtime(s), workshop.job_end(timezone.localtime(s), h), b)
        for s, h, b in rows
    ]


def _local(name: str, value) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime) or not date_in_range(value):
        raise Invalid(
            _("Enter a time such as 2026-11-24 09:30."), fields={name: _("Not a valid time.")}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def _estimate(value) -> Decimal:
    try:
        return workshop.estimate(value).quantize(Decimal("0.01"))
    except (workshop.WorkshopError, InvalidOperation):
        raise Invalid(
            _("Enter the estimated work in hours, such as 1.5."),
            fields={"estimate_hours": _("Between 0 and 40 hours.")},
        ) from None


def _slot_list(slots) -> str:
    return ", ".join(timezone.localtime(s.start).strftime("%H:%M") for s in slots)


def _plate(appointment: Appointment) -> str:
    vehicle = appointment.vehicle
    return (vehicle.plate or vehicle.model_name) if vehicle else ""


def _update_text(appointment: Appointment, status: str) -> str:
    ready = timezone.localtime(appointment.quoted_ready_at)
    values = {
        "time": date_format(timezone.localtime(appointment.start_at), "m-d H:i"),
        "ready": date_format(ready, "m-d H:i"),
        "service": ServiceKind(appointment.kind).label,
        "plate": _plate(appointment),
    }
    texts = {
        AppointmentStatus.BOOKED: _(
            "Your appointment on %(time)s is confirmed (%(service)s, %(plate)s). "
            "Expected ready by %(ready)s."
        ),
        AppointmentStatus.ARRIVED: _(
            "We have received your vehicle %(plate)s; it will be ready by %(ready)s."
        ),
        AppointmentStatus.IN_REPAIR: _(
            "Your vehicle %(plate)s is being worked on now; promised ready by %(ready)s."
        ),
        AppointmentStatus.READY: _("Your vehicle %(plate)s is ready for collection."),
        AppointmentStatus.DELIVERED: _(
            "Thank you for your visit. If anything about the work on %(plate)s is not right, "
            "call us: we put it right free of charge."
        ),
    }
    return texts[status] % values


def _tell(appointment: Appointment, status: str, actor, text: str | None = None):
    """Write the customer's update and publish it; it is sent after the commit."""
    if text is None:
        with translation.override(settings.LANGUAGE_CODE):
            text = _update_text(appointment, status)
    update = AppointmentUpdate.objects.create(
        appointment=appointment,
        stage=workshop.STAGES[status],
        status=status,
        text=text[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    events.publish(
        "workshop.update",
        object_id=appointment.pk,
        business_line_id=appointment.business_line_id,
        payload={
            "customer": appointment.customer_id,
            "stage": update.stage,
            "status": status,
            "update": update.pk,
        },
        actor=actor,
    )
    return update


@transaction.atomic
def appointment_book(
    *,
    actor,
    customer_id: int | None,
    kind: str,
    start_at,
    estimate_hours,
    vehicle_id: int | None = None,
    comeback_of_id: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a vehicle into a slot. A full slot is refused (409) naming the quietest open slots
    of the day; the caller holds nothing (the line's workshop row is locked here)."""
    if not customer_id and vehicle_id:  # the vehicle names its owner
        customer_id = (
            Vehicle.objects.filter(pk=vehicle_id).values_list("customer_id", flat=True).first()
        )
    customer = Customer.objects.filter(
        scope.business_line_q(actor), pk=customer_id or 0, merged_into=None
    ).first()
    if customer is None:
        raise Invalid(
            _("Choose a customer of your business line."),
            fields={"customer": _("Unknown customer.")},
        )
    if kind not in ServiceKind.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"kind": _("Choose one of the list.")}
        )
    vehicle = None
    if vehicle_id:
        vehicle = Vehicle.objects.filter(pk=vehicle_id, customer=customer).first()
        if vehicle is None:
            raise Invalid(
                _("Choose one of the customer's vehicles."),
                fields={"vehicle": _("Not this customer's vehicle.")},
            )
    start = _local("start_at", start_at)
    hours = _estimate(estimate_hours)
    if start <= (now or timezone.now()):
        raise Invalid(_("Some fields are not valid."), fields={"start_at": _("In the past.")})
    comeback_of = None
    if comeback_of_id:
        comeback_of = Appointment.objects.filter(
            pk=comeback_of_id,
            customer=customer,
            business_line_id=customer.business_line_id,
            status=AppointmentStatus.DELIVERED,
        ).first()
        if comeback_of is None:
            raise Invalid(
                _("A comeback names a delivered job of the same customer."),
                fields={"comeback_of": _("Unknown job.")},
            )
    note = (note or "").strip()
    if len(note) > 200:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"note": _("At most %(n)d characters.") % {"n": 200}},
        )
    shop = workshop_of(customer.business_line_id, create=True)
    shop = Workshop.objects.select_for_update().get(pk=shop.pk)
    capacity = capacity_of(shop)
    jobs = jobs_on(customer.business_line_id, start.date())
    try:
        bay = workshop.fit(capacity, jobs, start, hours)
    except workshop.WorkshopError:
        raise Invalid(
            _("Choose a slot of the workshop's opening hours (%(opens)s–%(closes)s, on the hour).")
            % {
                "opens": capacity.opens.strftime("%H:%M"),
                "closes": capacity.closes.strftime("%H:%M"),
            },
            fields={"start_at": _("Not a slot.")},
        ) from None
    if bay is None:
        slots = workshop.board(start.date(), capacity, jobs, start.tzinfo)
        quiet = workshop.suggestions(slots, after=now or timezone.now())
        raise Conflict(
            _("This slot is full. Quieter slots that day: %(slots)s.")
            % {"slots": _slot_list(quiet) or _("none, try another day")},
            fields={"start_at": _("The slot is full.")},
        )
    appointment = Appointment.objects.create(
        business_line_id=customer.business_line_id,
        department_id=actor.department_id,
        team_id=actor.team_id,
        customer=customer,
        vehicle=vehicle,
        kind=kind,
        start_at=start,
        estimate_hours=hours,
        quoted_ready_at=workshop.quoted_ready(start, hours, capacity.opens, capacity.closes),
        bay=bay,
        advisor=actor,
        comeback_of=comeback_of,
        note=note,
    )
    _tell(appointment, AppointmentStatus.BOOKED, actor)
    audit.record(
        actor=actor,
        action="booking.appointment_book",
        obj=appointment,
        changes={"start_at": start, "bay": bay, "estimate": hours, "comeback": bool(comeback_of)},
    )
    return appointment


def appointment_for(actor, appointment_id: int, version: int | None = None) -> Appointment:
    from kefu.booking.workshop_selectors import appointments_for

    found = appointments_for(actor).filter(pk=appointment_id).select_related("vehicle").first()
    if found is None:
        raise NotFound(_("Appointment not found."))
    if version is not None and found.version != version:
        raise StaleWrite(_("Someone changed this appointment meanwhile; reload and try again."))
    return found


@transaction.atomic
def appointment_move(*, actor, appointment_id: int, version: int, status: str) -> Appointment:
    """Move an appointment along booked → received → in the workshop → ready → delivered (or
    cancelled / did not come); the customer is told at each step of the repair (SR-4)."""
    appointment = appointment_for(actor, appointment_id, version)
    if status not in AppointmentStatus.values or not workshop.may_move(appointment.status, status):
        raise Invalid(_("The appointment cannot move to that status from where it is."))
    changes = {"status": status}
    if status == AppointmentStatus.DELIVERED:
        changes["delivered_at"] = timezone.now()
    updated = Appointment.objects.filter(pk=appointment.pk, version=version).update(
        **changes, version=F("version") + 1
    )
    if not updated:
        raise StaleWrite(_("Someone changed this appointment meanwhile; reload and try again."))
    appointment.refresh_from_db()
    if status in workshop.STAGES:
        _tell(appointment, status, actor)
    audit.record(
        actor=actor, action="booking.appointment_move", obj=appointment, changes={"status": status}
    )
    return appointment


@transaction.atomic
def appointment_progress(*, actor, appointment_id: int, text: str) -> AppointmentUpdate:
    """A word to the customer while the vehicle is in the workshop (SR-4 "during")."""
    appointment = appointment_for(actor, appointment_id)
    if appointment.status != AppointmentStatus.IN_REPAIR:
        raise Invalid(_("Progress is told while the vehicle is in the workshop."))
    text = (text or "").strip()
    if not text or len(text) > 300:
        raise Invalid(
            _("Write the message to the customer (at most 300 characters)."),
            fields={"text": _("This field is required.")},
        )
    update = _tell(appointment, AppointmentStatus.IN_REPAIR, actor, text=text)
    audit.record(actor=actor, action="booking.appointment_progress", obj=appointment, changes={})
    return update


@transaction.atomic
def activity_record(
    *,
    actor,
    kind: str,
    happened_on,
    customer_id: int | None = None,
    title: str = "",
    amount_yuan=None,
    attendees=None,
) -> AfterSalesActivity:
    """A 续保 sold (with its customer) or an in-store event held (with its attendees) (SEG-7)."""
    if kind not in ActivityKind.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"kind": _("Choose one of the list.")}
        )
    if isinstance(happened_on, str):
        try:
            happened_on = dt.date.fromisoformat(happened_on)
        except ValueError:
            happened_on = None
    if not isinstance(happened_on, dt.date) or happened_on > timezone.localdate():
        raise Invalid(
            _("Enter a date such as 2026-11-30."), fields={"happened_on": _("Not a valid date.")}
        )
    line_id = actor.business_line_id
    customer = None
    if customer_id:
        customer = Customer.objects.filter(
            scope.business_line_q(actor), pk=customer_id, merged_into=None
        ).first()
        if customer is None:
            raise Invalid(
                _("Choose a customer of your business line."),
                fields={"customer": _("Unknown customer.")},
            )
        line_id = customer.business_line_id
    if kind == ActivityKind.RENEWAL and customer is None:
        raise Invalid(
            _("A renewal names its customer."), fields={"customer": _("This field is required.")}
        )
    title = (title or "").strip()
    if kind == ActivityKind.STORE_EVENT and not title:
        raise Invalid(
            _("An in-store event needs its title."), fields={"title": _("This field is required.")}
        )
    try:
        amount = Decimal(str(amount_yuan)).quantize(Decimal("0.01")) if amount_yuan else None
        people = int(attendees) if attendees not in (None, "") else None
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(
            _("Some fields are not valid."), fields={"amount_yuan": _("Not a number.")}
        ) from None
    if (amount is not None and (amount < 0 or amount >= Decimal("1e8"))) or (
        people is not None and not 0 <= people <= 100000
    ):
        raise Invalid(_("Some fields are not valid."), fields={"amount_yuan": _("Out of range.")})
    if line_id is None or len(title) > 100:
        raise Invalid(_("Some fields are not valid."), fields={"title": _("Not valid.")})
    activity = AfterSalesActivity.objects.create(
        business_line_id=line_id,
        kind=kind,
        happened_on=happened_on,
        customer=customer,
        title=title,
        amount_yuan=amount,
        attendees=people,
        recorded_by=actor,
    )
    audit.record(actor=actor, action="booking.activity", obj=activity, changes={"kind": kind})
    return activity


def on_workshop_update(event) -> None:
    """After the commit: send the customer's update by SMS through the messaging outbox."""
    from kefu.core.sms import send_sms

    update = (
        AppointmentUpdate.objects.filter(pk=event.payload["update"])
        .select_related("appointment__customer")
        .first()
    )
    if update is None or not update.appointment.customer.phone:
        return
    try:
        send_sms(
            update.appointment.customer.phone,
            update.text,
            business_line_id=update.appointment.business_line_id,
            kind="message",
        )
    except Exception:  # a refusal (quota, opt-out) or a provider failure is on the outbox row
        log.warning("workshop update %s was not sent", update.pk)
