"""Writes of the report builder: saved reports (create, edit, delete — owner or a supervisor
of the owner's line; audited), e-mail subscriptions, and the delivery sweep (the last full week
or month of every active subscription, sent once per period by a unique key)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.reports import builder_defs as defs
from kefu.reports.builder_models import (
    DeliveryStatus,
    Frequency,
    ReportDelivery,
    ReportSubscription,
    SavedReport,
    Visibility,
)

log = logging.getLogger(__name__)


# -- reading ----------------------------------------------------------------------------------


def visible_q(user) -> Q:
    """Saved reports ``user`` sees: built-in ones, their own, and shared ones of their line
    (every shared one for an administrator)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    q = ~Q(builtin="") | Q(owner_id=user.pk)
    shared = Q(visibility=Visibility.SHARED)
    if scope.is_admin(user):
        return q | shared
    if user.business_line_id:
        q |= shared & Q(business_line_id=user.business_line_id)
    return q


def reports_for(user) -> QuerySet[SavedReport]:
    return SavedReport.objects.filter(visible_q(user))


MAX_ID = 2**63 - 1  # a bigger id matches nothing (and PostgreSQL's bigint would overflow)


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 1 <= pk <= MAX_ID else None


def report_get(*, user, pk) -> SavedReport:
    pk = _pk(pk)
    if pk is None:
        raise NotFound()
    report = reports_for(user).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def can_edit(user, report: SavedReport) -> bool:
    """The owner, or a supervisor and above of the owner's line (administrators: any); a
    built-in report by administrators only."""
    if scope.is_admin(user):
        return True
    if report.builtin:
        return False
    if report.owner_id == user.pk:
        return True
    return scope.at_least(user, scope.SUPERVISOR) and (
        report.business_line_id is not None and report.business_line_id == user.business_line_id
    )


def _require_edit(user, report: SavedReport) -> None:
    if not can_edit(user, report):
        raise PermissionDenied(_("Only the owner or a supervisor may change this report."))


def _clean(name, visibility) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("This field is required.")})
    if len(name) > defs.NAME_MAX:
        raise Invalid(_("The name is too long."), fields={"name": _("At most 100 characters.")})
    visibility = visibility or Visibility.PRIVATE
    if visibility not in Visibility.values:
        raise Invalid(_("Choose private or shared."), fields={"visibility": _("Not valid.")})
    return name, visibility


# -- saved reports ----------------------------------------------------------------------------


def report_create(*, user, name, definition, visibility=Visibility.PRIVATE) -> SavedReport:
    name, visibility = _clean(name, visibility)
    definition = defs.validate(definition)
    with transaction.atomic():
        report = SavedReport.objects.create(
            owner=user,
            business_line_id=user.business_line_id,
            name=name,
            definition=definition,
            visibility=visibility,
        )
        audit.record(
            actor=user,
            action="reports.report_saved",
            obj=report,
            changes={"name": name, "visibility": visibility, "definition": definition},
        )
    return report


def report_update(
    *, user, report: SavedReport, version, name, definition, visibility
) -> SavedReport:
    _require_edit(user, report)
    name, visibility = _clean(name, visibility)
    definition = defs.validate(definition)
    with transaction.atomic():
        before = {"name": report.name, "visibility": report.visibility}
        before["definition"] = report.definition
        after = {"name": name, "visibility": visibility, "definition": definition}
        updated = SavedReport.objects.filter(pk=report.pk, version=version).update(
            **after, version=report.version + 1, updated_at=timezone.now()
        )
        if not updated:
            raise StaleWrite()
        report.refresh_from_db()
        audit.record(
            actor=user,
            action="reports.report_changed",
            obj=report,
            changes=audit.diff(before, after),
        )
    return report


def report_delete(*, user, report: SavedReport) -> None:
    _require_edit(user, report)
    with transaction.atomic():
        audit.record(
            actor=user,
            action="reports.report_deleted",
            obj=report,
            changes={"name": report.name, "definition": report.definition},
        )
        report.delete()


def ensure_builtins() -> int:
    """The built-in analyses (RPT-11) that are missing, added (the demo calls it too)."""
    n = 0
    for code, name, definition in defs.BUILTINS:
        _row, created = SavedReport.objects.get_or_create(
            builtin=code,
            defaults={
                "name": name,
                "visibility": Visibility.SHARED,
                "definition": defs.validate(definition),
            },
        )
        n += created
    return n


# -- subscriptions ----------------------------------------------------------------------------


def recipients_for(user):
    """The users ``user`` may subscribe: active users within their scope (their team, their
    department, their line, everyone — by role), themselves included."""
    from kefu.accounts.models import User

    return User.objects.filter(is_active=True).filter(
        scope.records_q(user, business_line="business_line_id", owners=("id",))
    )


def subscribe(*, user, report: SavedReport, recipient, frequency) -> ReportSubscription:
    if frequency not in Frequency.values:
        raise Invalid(_("Choose weekly or monthly."), fields={"frequency": _("Not valid.")})
    recipient_id = _pk(recipient)
    if recipient_id is None:
        raise Invalid(_("Choose a recipient."), fields={"recipient": _("Not valid.")})
    person = recipients_for(user).filter(pk=recipient_id).first()
    if person is None:
        raise Invalid(
            _("Choose a recipient within your scope."), fields={"recipient": _("Not valid.")}
        )
    if report.visibility == Visibility.PRIVATE and not report.builtin and person.pk != user.pk:
        raise Invalid(
            _("Share the report before sending it to someone else."),
            fields={"recipient": _("Not valid.")},
        )
    if not person.email:
        raise Invalid(_("This user has no e-mail address."), fields={"recipient": _("Not valid.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                sub = ReportSubscription.objects.create(
                    report=report, recipient=person, frequency=frequency, created_by=user
                )
        except IntegrityError:
            raise Invalid(
                _("This recipient already receives this report at this frequency."),
                fields={"recipient": _("Already subscribed.")},
            ) from None
        audit.record(
            actor=user,
            action="reports.subscribed",
            obj=sub,
            business_line_id=person.business_line_id,
            changes={"report": report.pk, "recipient": person.pk, "frequency": frequency},
        )
    return sub


def subscriptions_for(user) -> QuerySet[ReportSubscription]:
    """Subscriptions ``user`` sees: their own, those they created, and (leads and above) those
    of the recipients within their scope."""
    q = Q(recipient_id=user.pk) | Q(created_by_id=user.pk)
    if scope.at_least(user, scope.LEAD):
        q |= Q(recipient__in=recipients_for(user))
    return ReportSubscription.objects.filter(q)


def unsubscribe(*, user, pk) -> None:
    sub = subscriptions_for(user).filter(pk=_pk(pk)).first() if _pk(pk) else None
    if sub is None:
        raise NotFound()
    with transaction.atomic():
        audit.record(
            actor=user,
            action="reports.unsubscribed",
            obj=sub,
            business_line_id=sub.recipient.business_line_id,
            changes={"report": sub.report_id, "recipient": sub.recipient_id},
        )
        sub.delete()


# -- delivery ---------------------------------------------------------------------------------


#: how long a send may take before another run takes the delivery over
SENDING_LEASE = dt.timedelta(minutes=30)


def _claim(
    sub: ReportSubscription, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> ReportDelivery | None:
    """The delivery row of (sub, period) for this worker, or None when another worker has it or
    it was sent: a new row by the unique key, or a failed one taken over by a conditional update."""
    try:
        with transaction.atomic():
            return ReportDelivery.objects.create(
                subscription=sub, period_start=start, period_end=end, address=sub.recipient.email
            )
    except IntegrityError:
        pass
    now = now or timezone.now()
    # a failed send is tried again; so is one left "sending" by a worker that died mid-send
    retry = Q(status=DeliveryStatus.FAILED) | Q(
        status=DeliveryStatus.SENDING, updated_at__lt=now - SENDING_LEASE
    )
    row = ReportDelivery.objects.filter(retry, subscription=sub, period_start=start).first()
    if row is None:
        return None
    taken = ReportDelivery.objects.filter(retry, pk=row.pk, updated_at=row.updated_at).update(
        status=DeliveryStatus.SENDING, error="", updated_at=now
    )
    return row if taken else None


def _mail(sub: ReportSubscription, start: dt.date, end: dt.date) -> int:
    """Render the report within the recipient's scope and send it with the .xlsx attached."""
    from kefu.reports import builder, builder_export

    person = sub.recipient
    with translation.override(settings.LANGUAGE_CODE):
        definition = defs.for_period(defs.validate(sub.report.definition), start, end)
        result = builder.run(person, definition, today=end)
        name = sub.report.display_name
        subject = _("%(name)s · %(start)s – %(end)s") % {"name": name, "start": start, "end": end}
        lines = [subject, "", builder_export.text_table(result)]
        mail = EmailMessage(
            subject=subject,
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
        )
        mail.attach(
            f"report-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            builder_export.xlsx(result, title=name),
            builder_export.XLSX,
        )
        mail.send()
    return len(result.rows)


def send_due(*, at: dt.datetime | None = None) -> dict:
    """Send every active subscription's report for its last full period before ``at``:
    {"sent", "skipped"} (skipped: sent before, taken by another worker, or failed now)."""
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    sent = skipped = 0
    subs = ReportSubscription.objects.filter(
        is_active=True, recipient__is_active=True
    ).select_related("report", "recipient")
    for sub in subs.order_by("pk").iterator():
        if not sub.recipient.email:  # nowhere to send it: no row, so it goes once one is set
            skipped += 1
            continue
        start, end = defs.last_full(sub.frequency, day)
        row = _claim(sub, start, end, at)
        if row is None:
            skipped += 1
            continue
        try:
            n = _mail(sub, start, end)
        except Exception as exc:
            log.warning("report %s to %s failed: %s", sub.report_id, sub.recipient_id, exc)
            ReportDelivery.objects.filter(pk=row.pk).update(
                status=DeliveryStatus.FAILED, error=str(exc)[:500], updated_at=timezone.now()
            )
            skipped += 1
            continue
        with transaction.atomic():
            ReportDelivery.objects.filter(pk=row.pk).update(
                status=DeliveryStatus.SENT,
                rows=n,
                sent_at=timezone.now(),
                address=sub.recipient.email,
                updated_at=timezone.now(),
            )
            row.refresh_from_db()
            audit.record(
                actor=None,
                action="reports.report_sent",
                obj=row,
                business_line_id=sub.recipient.business_line_id,
                changes={
                    "report": sub.report_id,
                    "recipient": sub.recipient_id,
                    "period": [str(start), str(end)],
                },
            )
        sent += 1
    return {"sent": sent, "skipped": skipped}


def deliveries_for(user) -> QuerySet[ReportDelivery]:
    return ReportDelivery.objects.filter(subscription__in=subscriptions_for(user))
