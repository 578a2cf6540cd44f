"""IM accounts → queues (CH-2, CH-3): each IM account of a business line (a 旺旺号, a WeChat
service account) names the team whose queue takes its new conversations and the type of the
tickets they open, so product questions, logistics and refunds reach different people. A
supervisor of the line (or above) keeps the list; every write is audited; a stale edit is 409.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Team
from kefu.channels.messaging.models import ImAccount, ImPurpose
from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.tickets.models import TicketType

FIELDS = ("account", "name", "purpose", "team", "ticket_type", "is_active")


def require_supervisor(user) -> None:
    if not scope.at_least(user, "supervisor"):
        raise PermissionDenied()


def accounts_for(user, line) -> QuerySet[ImAccount]:
    """The line's IM accounts with what they received (one aggregate query), for a supervisor of
    that line or an administrator."""
    require_supervisor(user)
    if line is None or not (scope.is_admin(user) or line.pk == user.business_line_id):
        return ImAccount.objects.none()
    return (
        ImAccount.objects.filter(business_line=line)
        .select_related("team")
        .annotate(
            received=Count("inbound_messages", distinct=True),
            opened=Count(
                "inbound_messages", filter=Q(inbound_messages__opened_ticket=True), distinct=True
            ),
        )
        .order_by("id")
    )


def account_get_for(user, pk) -> ImAccount:
    require_supervisor(user)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    account = ImAccount.objects.select_related("team", "business_line").filter(pk=pk).first()
    if account is None or not (
        scope.is_admin(user) or account.business_line_id == user.business_line_id
    ):
        raise NotFound()
    return account


def _clean(line, data: dict) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    if "account" in data:
        values["account"] = str(data["account"] or "").strip()[:101]
        if not values["account"] or len(values["account"]) > 100:
            errors["account"] = _("Enter the IM account (1 to 100 characters).")
    if "name" in data:
        values["name"] = str(data["name"] or "").strip()
        if not values["name"] or len(values["name"]) > 50:
            errors["name"] = _("Name the topic (1 to 50 characters).")
    if "purpose" in data:
        values["purpose"] = str(data["purpose"] or "")
        if values["purpose"] not in ImPurpose.values:
            errors["purpose"] = _("Choose reception or refunds.")
    if "ticket_type" in data:
        values["ticket_type"] = str(data["ticket_type"] or "")
        if values["ticket_type"] not in TicketType.values:
            errors["ticket_type"] = _("Choose a ticket type.")
    if "team" in data:
        raw = str(data["team"] or "").strip()
        team = (
            Team.objects.filter(pk=int(raw), business_line=line, is_active=True).first()
            if raw.isdigit() and len(raw) < 10
            else None
        )
        if team is None:
            errors["team"] = _("Choose an active team of this business line.")
        values["team"] = team
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    return values


def _taken() -> Invalid:
    message = _("This IM account is already mapped in this business line.")
    return Invalid(message, fields={"account": message})


def account_create(*, actor, business_line, **data) -> ImAccount:
    """Map a new IM account of ``business_line`` to a team's queue (audited)."""
    require_supervisor(actor)
    if not (scope.is_admin(actor) or business_line.pk == actor.business_line_id):
        raise NotFound()
    data.setdefault("purpose", ImPurpose.RECEPTION)
    data.setdefault("ticket_type", "refund" if data["purpose"] == ImPurpose.REFUND else "consult")
    values = _clean(business_line, {k: data.get(k) for k in FIELDS if k != "is_active"})
    for key in ("account", "name", "team"):
        if key not in values:
            raise Invalid(_("Some fields are not valid."), fields={key: _("Required.")})
    try:
        with transaction.atomic():
            account = ImAccount.objects.create(business_line=business_line, **values)
            audit.record(
                actor=actor,
                action="message.im_account_create",
                obj=account,
                changes={"account": account.account, "team": account.team_id},
            )
    except IntegrityError:
        raise _taken() from None
    return account


def account_update(*, actor, account: ImAccount, version, changes: dict) -> ImAccount:
    """Change an IM account's mapping; ``version`` must be the one read (else StaleWrite, 409)."""
    require_supervisor(actor)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Some fields are not valid."), fields={"version": _("Enter a number.")})
    values = _clean(account.business_line, {k: v for k, v in changes.items() if k in FIELDS})
    try:
        with transaction.atomic():
            done = ImAccount.objects.filter(pk=account.pk, version=version).update(
                version=version + 1, updated_at=timezone.now(), **values
            )
            if not done:
                raise StaleWrite()
            audit.record(
                actor=actor,
                action="message.im_account_update",
                obj=account,
                changes={k: v.pk if hasattr(v, "pk") else v for k, v in values.items()},
            )
    except IntegrityError:
        raise _taken() from None
    account.refresh_from_db()
    return account


def account_for_inbound(line, to_account: str) -> ImAccount | None:
    """The active IM account of ``line`` a customer wrote to (None: the line's default routing)."""
    to_account = (to_account or "").strip()[:100]
    if not to_account:
        return None
    return (
        ImAccount.objects.filter(business_line=line, account=to_account, is_active=True)
        .select_related("team")
        .first()
    )
