"""Platform disputes (客户维权, 淘宝小二介入; CMP-11): a refused return the buyer takes to the
platform. First the negotiation with the buyer, each contact logged (time, channel, what was
offered, the answer); then the appeal pack to the platform — 进货凭证 (purchase proof), 品牌授权
(brand authorisation), the reasons and the chat logs; then the outcome (won, lost, withdrawn by
the buyer) and the amount paid to the buyer. Every write is one transaction, audited; a stale
version is a 409, a step out of order a 409, bad input a 400 that changes nothing."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from kefu.commerce.models import (
    ContactChannel,
    Dispute,
    DisputeContact,
    DisputeEvidence,
    DisputeOutcome,
    DisputeStage,
    EvidenceKind,
    Return,
    ReturnStatus,
)
from kefu.core import audit
from kefu.core.errors import Conflict, Invalid, StaleWrite
from kefu.tickets.services import ALLOWED_EXTENSIONS

TEXT_MAX = 500
REASONS_MAX = 5000
# the appeal pack needs these kinds of evidence (品牌授权 only when the goods are a brand's: not
# required, counted when there)
REQUIRED_EVIDENCE = (EvidenceKind.PURCHASE, EvidenceKind.CHAT)


def _text(value, limit: int, field: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        raise Invalid(_("Fill in the required fields."), fields={field: _("Required.")})
    if len(value) > limit:
        raise Invalid(
            _("Some fields are too long."),
            fields={field: _("At most %(n)d characters.") % {"n": limit}},
        )
    return value


def _bump(dispute: Dispute, version: int, **changes) -> Dispute:
    if dispute.version != version:
        raise StaleWrite()
    if not Dispute.objects.filter(pk=dispute.pk, version=version).update(
        **changes, version=version + 1, updated_at=timezone.now()
    ):
        raise StaleWrite()
    for k, v in changes.items():
        setattr(dispute, k, v)
    dispute.version = version + 1
    return dispute


def create_for_return(*, actor, ret: Return, at: dt.datetime, case_no: str = "") -> Dispute:
    """The dispute record of a return just moved to 维权 (called inside its transaction)."""
    case_no = (case_no or "").strip()
    if len(case_no) > 60:
        raise Invalid(
            _("Some fields are too long."),
            fields={"case_no": _("At most %(n)d characters.") % {"n": 60}},
        )
    dispute = Dispute.objects.create(
        business_line_id=ret.business_line_id,
        ret=ret,
        order_id=ret.order_id,
        platform_case_no=case_no,
        opened_at=at,
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="commerce.dispute_open",
        obj=dispute,
        changes={"return": ret.pk, "case_no": case_no},
    )
    return dispute


@transaction.atomic
def dispute_open(
    *, actor, ret: Return, version: int, case_no: str = "", at: dt.datetime | None = None
) -> Dispute:
    """The buyer took the refused return ``ret`` to the platform: the return moves to 维权
    (RET-6's last step) and the dispute opens in negotiation, in one transaction."""
    from kefu.commerce.services import returns

    if ret.status != ReturnStatus.REFUSED:
        raise Conflict(_("Only a refused return can be disputed."))
    returns.return_step(
        actor=actor, ret=ret, version=version, step="dispute", at=at, dispute_case_no=case_no
    )
    return Dispute.objects.get(ret=ret)


def _open(dispute: Dispute) -> None:
    if dispute.stage == DisputeStage.CLOSED:
        raise Conflict(_("This dispute is closed."))


@transaction.atomic
def contact_add(
    *,
    actor,
    dispute: Dispute,
    version: int,
    channel: str,
    offer: str,
    answer: str,
    at: dt.datetime | None = None,
) -> DisputeContact:
    """One contact with the buyer, logged: time (default now; not in the future, not before the
    dispute), channel, what was offered and the buyer's answer."""
    _open(dispute)
    if channel not in ContactChannel.values:
        raise Invalid(_("Choose a channel."), fields={"channel": _("Unknown.")})
    offer = _text(offer, TEXT_MAX, "offer")
    answer = _text(answer, TEXT_MAX, "answer")
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5) or at < dispute.opened_at - dt.timedelta(days=30):
        raise Invalid(
            _("The contact's time must lie between the dispute's opening and now."),
            fields={"at": _("Out of range.")},
        )
    _bump(dispute, version)
    contact = DisputeContact.objects.create(
        dispute=dispute, at=at, channel=channel, offer=offer, answer=answer, by=actor
    )
    audit.record(
        actor=actor,
        action="commerce.dispute_contact",
        obj=dispute,
        changes={"contact": contact.pk, "channel": channel, "offer": offer, "answer": answer},
    )
    return contact


@transaction.atomic
def evidence_add(*, actor, dispute: Dispute, kind: str, upload) -> DisputeEvidence:
    """A file of the appeal pack, before it is submitted: the attachment types of tickets and
    the line's ``attachment_max_bytes``."""
    _open(dispute)
    if dispute.stage != DisputeStage.NEGOTIATING:
        raise Conflict(_("The appeal pack has been submitted: no more files can be added."))
    if kind not in EvidenceKind.values:
        raise Invalid(_("Choose the kind of evidence."), fields={"kind": _("Unknown.")})
    if upload is None or not getattr(upload, "size", 0):
        raise Invalid(_("Choose a file."), fields={"file": _("The file is empty.")})
    name = get_valid_filename(os.path.basename(getattr(upload, "name", "") or "file"))[-200:]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise Invalid(
            _("This kind of file cannot be attached."),
            fields={
                "file": _("Allowed: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_EXTENSIONS))}
            },
        )
    limit = int(dispute.business_line.policy("attachment_max_bytes") or 0)
    if limit and upload.size > limit:
        raise Invalid(
            _("The file is too large."),
            fields={"file": _("At most %(mb).1f MB.") % {"mb": limit / (1024 * 1024)}},
        )
    evidence = DisputeEvidence(
        dispute=dispute,
        kind=kind,
        name=name,
        size=upload.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        uploaded_by=actor,
    )
    evidence.file.save(f"{uuid.uuid4().hex[:8]}-{name}", upload, save=False)
    evidence.save()
    Dispute.objects.filter(pk=dispute.pk).update(updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="commerce.dispute_evidence",
        obj=dispute,
        changes={"evidence": evidence.pk, "kind": kind, "name": name, "size": upload.size},
    )
    return evidence


def missing_for_appeal(dispute: Dispute) -> list[str]:
    """What the appeal pack still lacks (codes): ``contact`` (no negotiation logged yet),
    ``purchase`` (进货凭证), ``chat`` (聊天记录)."""
    missing = []
    if not dispute.contacts.exists():
        missing.append("contact")
    kinds = set(dispute.evidence.values_list("kind", flat=True))
    missing += [k.value for k in REQUIRED_EVIDENCE if k.value not in kinds]
    return missing


@transaction.atomic
def appeal_submit(*, actor, dispute: Dispute, version: int, reasons: str) -> Dispute:
    """The appeal pack goes to the platform: after at least one contact with the buyer, with the
    reasons, a purchase proof and a chat log (a 400 naming what is missing otherwise)."""
    _open(dispute)
    if dispute.stage != DisputeStage.NEGOTIATING:
        raise Conflict(_("The appeal pack has been submitted already."))
    reasons = _text(reasons, REASONS_MAX, "reasons")
    missing = missing_for_appeal(dispute)
    if missing:
        from kefu.commerce.words import appeal_missing_label

        raise Invalid(
            _("The appeal pack is not complete: %(missing)s.")
            % {"missing": ", ".join(appeal_missing_label(m) for m in missing)},
            code="appeal_incomplete",
        )
    _bump(
        dispute,
        version,
        stage=DisputeStage.APPEALING,
        reasons=reasons,
        appealed_at=timezone.now(),
        appealed_by=actor,
    )
    audit.record(
        actor=actor,
        action="commerce.dispute_appeal",
        obj=dispute,
        changes={"evidence": dispute.evidence.count(), "contacts": dispute.contacts.count()},
    )
    return dispute


def _amount(value, maximum: Decimal, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise Invalid(
                _("Enter the amount paid to the buyer."), fields={"amount": _("Required.")}
            )
        return None
    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(_("The amount is not a number."), fields={"amount": _("Invalid.")}) from None
    if not amount.is_finite() or amount < 0 or amount > maximum:
        raise Invalid(
            _("The amount must be from 0 to the return's amount (¥%(max)s).") % {"max": maximum},
            fields={"amount": _("Out of range.")},
        )
    return amount


@transaction.atomic
def dispute_close(*, actor, dispute: Dispute, version: int, outcome: str, amount=None) -> Dispute:
    """The outcome: won or lost once the platform decided on the appeal pack (lost: the amount
    paid to the buyer, > 0); withdrawn by the buyer at any time (an amount agreed, optional)."""
    _open(dispute)
    if outcome not in DisputeOutcome.values:
        raise Invalid(_("Choose the outcome."), fields={"outcome": _("Unknown.")})
    if outcome in (DisputeOutcome.WON, DisputeOutcome.LOST) and (
        dispute.stage != DisputeStage.APPEALING
    ):
        raise Conflict(_("The platform decides on the appeal pack: submit it first."))
    maximum = dispute.ret.amount
    paid = _amount(amount, maximum, required=outcome == DisputeOutcome.LOST)
    if outcome == DisputeOutcome.LOST and paid == 0:
        raise Invalid(
            _("A lost dispute pays the buyer: enter the amount."),
            fields={"amount": _("Out of range.")},
        )
    if outcome == DisputeOutcome.WON:
        if paid not in (None, Decimal("0.00")):
            raise Invalid(
                _("A won dispute pays the buyer nothing."), fields={"amount": _("Out of range.")}
            )
        paid = Decimal("0.00")
    _bump(
        dispute,
        version,
        stage=DisputeStage.CLOSED,
        outcome=outcome,
        amount=paid,
        closed_at=timezone.now(),
        closed_by=actor,
    )
    audit.record(
        actor=actor,
        action="commerce.dispute_close",
        obj=dispute,
        changes={"outcome": outcome, "amount": None if paid is None else str(paid)},
    )
    return dispute
