"""Every write of the surveys app: questionnaires, targets, invitations (after closure, campaigns,
during a callback), their delivery and the one answer each accepts (spec §1.9, §9.12)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, events, mail, scope, sms
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from kefu.surveys import conf, metrics, periods
from kefu.surveys.models import (
    Campaign,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Source,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyTarget,
)
from kefu.surveys.tokens import make_token

log = logging.getLogger("kefu.surveys")

# closed tickets looked at per periodic run: bounded work, the next run picks up the rest
CLOSED_BATCH = 500
# customers invited per campaign per run (the same reason)
CAMPAIGN_BATCH = 2000
MAX_QUESTIONS = 50
MAX_CHOICES = 20
MAX_TEXT = 2000
MAX_LINK_DAYS = 90
QUESTIONNAIRE_FIELDS = ("name", "intro", "status", "after_close", "link_days")


# -- questionnaires ------------------------------------------------------------------------


def _require_editor(actor, business_line_id: int) -> None:
    """Team leads and above of the questionnaire's business line (admins everywhere)."""
    if not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Only team leads and above can edit questionnaires."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line_id:
        raise NotFound()


def _clean_text(value, field: str, *, max_length: int, required: bool = True) -> str:
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid(_("Some fields are not valid."), fields={field: _("Required.")})
    if len(text) > max_length:
        raise Invalid(
            _("Some fields are not valid."),
            fields={field: _("At most %(n)d characters.") % {"n": max_length}},
        )
    return text


def _clean_questions(raw) -> list[Question]:
    """Unsaved Question rows from a list of dicts {kind, text, dimension, required, choices}."""
    if not isinstance(raw, list) or len(raw) > MAX_QUESTIONS:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"questions": _("A list of at most %(n)d questions.") % {"n": MAX_QUESTIONS}},
        )
    out = []
    for i, item in enumerate(raw, start=1):
        prefix = f"questions.{i - 1}"
        if not isinstance(item, dict):
            raise Invalid(_("Some fields are not valid."), fields={prefix: _("Not a question.")})
        out.append(_clean_question(item, prefix=prefix, order=i))
    return out


def _clean_question(item: dict, *, prefix: str = "", order: int = 1) -> Question:
    def name(field: str) -> str:
        return f"{prefix}.{field}" if prefix else field

    kind = item.get("kind")
    if kind not in QuestionKind.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name("kind"): _("Choose from %(c)s.") % {"c": ", ".join(QuestionKind.values)}},
        )
    text = _clean_text(item.get("text"), name("text"), max_length=300)
    dimension = _clean_text(
        item.get("dimension", ""), name("dimension"), max_length=50, required=False
    )
    required = item.get("required", True)
    if not isinstance(required, bool):
        raise Invalid(
            _("Some fields are not valid."), fields={name("required"): _("true or false.")}
        )
    choices = item.get("choices") or []
    if isinstance(choices, str):
        choices = choices.splitlines()
    if not isinstance(choices, list):
        raise Invalid(
            _("Some fields are not valid."), fields={name("choices"): _("A list of texts.")}
        )
    choices = [c.strip() for c in choices if isinstance(c, str) and c.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if not 2 <= len(choices) <= MAX_CHOICES or len(set(choices)) != len(choices):
            raise Invalid(
                _("Some fields are not valid."),
                fields={
                    name("choices"): _("Between 2 and %(n)d different choices, one a line.")
                    % {"n": MAX_CHOICES}
                },
            )
        if any(len(c) > 100 for c in choices):
            raise Invalid(
                _("Some fields are not valid."),
                fields={name("choices"): _("At most %(n)d characters.") % {"n": 100}},
            )
    else:
        choices = []
    return Question(
        order=order, kind=kind, text=text, dimension=dimension, required=required, choices=choices
    )


def _clean_link_days(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LINK_DAYS:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"link_days": _("A number of days from 1 to %(n)d.") % {"n": MAX_LINK_DAYS}},
        )
    return value


def _clean_status(value) -> str:
    if value not in QuestionnaireStatus.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                "status": _("Choose from %(c)s.") % {"c": ", ".join(QuestionnaireStatus.values)}
            },
        )
    return value


def _check_name_free(business_line_id: int, name: str, exclude: int | None = None) -> None:
    qs = Questionnaire.objects.filter(business_line_id=business_line_id, name=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Invalid(
            _("A questionnaire with this name already exists."),
            fields={"name": _("Choose another name.")},
        )


def _only_after_close(questionnaire: Questionnaire) -> None:
    """At most one questionnaire of a line is sent after closure: setting it unsets the others."""
    if questionnaire.after_close:
        Questionnaire.objects.filter(
            business_line_id=questionnaire.business_line_id, after_close=True
        ).exclude(pk=questionnaire.pk).update(after_close=False, version=F("version") + 1)


def questionnaire_create(
    *,
    actor,
    business_line,
    name: str,
    intro: str = "",
    status: str = QuestionnaireStatus.DRAFT,
    after_close: bool = False,
    link_days: int = 14,
    questions: list | None = None,
) -> Questionnaire:
    """A questionnaire with its questions (in the given order). Leads and above of the line."""
    _require_editor(actor, business_line.pk)
    return _create(
        actor=actor,
        business_line=business_line,
        name=name,
        intro=intro,
        status=status,
        after_close=after_close,
        link_days=link_days,
        questions=questions,
    )


def _create(
    *, actor, business_line, name, intro, status, after_close, link_days, questions
) -> Questionnaire:
    name = _clean_text(name, "name", max_length=100)
    intro = _clean_text(intro, "intro", max_length=MAX_TEXT, required=False)
    status = _clean_status(status)
    link_days = _clean_link_days(link_days)
    rows = _clean_questions(questions or [])
    with transaction.atomic():
        _check_name_free(business_line.pk, name)
        questionnaire = Questionnaire.objects.create(
            business_line=business_line,
            name=name,
            intro=intro,
            status=status,
            after_close=bool(after_close),
            link_days=link_days,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for row in rows:
            row.questionnaire = questionnaire
        Question.objects.bulk_create(rows)
        _only_after_close(questionnaire)
        audit.record(
            actor=actor,
            action="survey.questionnaire_create",
            obj=questionnaire,
            changes={"name": name, "questions": len(rows)},
        )
    return questionnaire


def _has_answers(questionnaire: Questionnaire) -> bool:
    return SurveyAnswer.objects.filter(questionnaire_id=questionnaire.pk).exists()


def questionnaire_update(
    *, actor, questionnaire: Questionnaire, version: int, changes: dict
) -> Questionnaire:
    """Change the settings (and, while nobody has answered, the whole question list).

    ``version`` is the version the editor saw; another write meanwhile raises StaleWrite."""
    from kefu.core.errors import StaleWrite

    _require_editor(actor, questionnaire.business_line_id)
    unknown = set(changes) - {*QUESTIONNAIRE_FIELDS, "questions"}
    if unknown:
        raise Invalid(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))},
            fields={k: _("Cannot be changed.") for k in sorted(unknown)},
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Some fields are not valid."), fields={"version": _("Enter a number.")})
    if version != questionnaire.version:
        raise StaleWrite()
    values: dict = {}
    if "name" in changes:
        values["name"] = _clean_text(changes["name"], "name", max_length=100)
    if "intro" in changes:
        values["intro"] = _clean_text(
            changes["intro"], "intro", max_length=MAX_TEXT, required=False
        )
    if "status" in changes:
        values["status"] = _clean_status(changes["status"])
    if "after_close" in changes:
        values["after_close"] = bool(changes["after_close"])
    if "link_days" in changes:
        values["link_days"] = _clean_link_days(changes["link_days"])
    rows = _clean_questions(changes["questions"]) if "questions" in changes else None
    with transaction.atomic():
        if "name" in values:
            _check_name_free(questionnaire.business_line_id, values["name"], questionnaire.pk)
        if rows is not None:
            if _has_answers(questionnaire):
                raise Conflict(
                    _(
                        "This questionnaire already has answers, so its questions cannot be "
                        "replaced. Copy it under a new name instead."
                    ),
                    code="has_answers",
                )
            questionnaire.questions.all().delete()
            for row in rows:
                row.questionnaire = questionnaire
            Question.objects.bulk_create(rows)
        before = {k: getattr(questionnaire, k) for k in values}
        written = Questionnaire.objects.filter(pk=questionnaire.pk, version=version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not written:
            raise StaleWrite()
        for k, v in values.items():
            setattr(questionnaire, k, v)
        questionnaire.version = version + 1
        _only_after_close(questionnaire)
        changed = audit.diff(before, values)
        if rows is not None:
            changed["questions"] = len(rows)
        audit.record(
            actor=actor, action="survey.questionnaire_update", obj=questionnaire, changes=changed
        )
    return questionnaire


def question_add(*, actor, questionnaire: Questionnaire, data: dict) -> Question:
    """Append a question (the builder page's one-at-a-time form)."""
    _require_editor(actor, questionnaire.business_line_id)
    question = _clean_question(data)
    with transaction.atomic():
        if questionnaire.questions.count() >= MAX_QUESTIONS:
            raise Invalid(_("A questionnaire has at most %(n)d questions.") % {"n": MAX_QUESTIONS})
        last = questionnaire.questions.order_by("-order").values_list("order", flat=True).first()
        question.questionnaire = questionnaire
        question.order = (last or 0) + 1
        question.save()
        Questionnaire.objects.filter(pk=questionnaire.pk).update(version=F("version") + 1)
        audit.record(
            actor=actor,
            action="survey.question_add",
            obj=questionnaire,
            changes={"question": question.text},
        )
    return question


def question_remove(*, actor, questionnaire: Questionnaire, question_id) -> None:
    """Remove a question nobody has answered yet."""
    _require_editor(actor, questionnaire.business_line_id)
    with transaction.atomic():
        question = questionnaire.questions.filter(pk=question_id).first()
        if question is None:
            raise NotFound()
        if question.answers.exists():
            raise Conflict(
                _("This question already has answers; make it optional instead of removing it."),
                code="has_answers",
            )
        question.delete()
        Questionnaire.objects.filter(pk=questionnaire.pk).update(version=F("version") + 1)
        audit.record(
            actor=actor,
            action="survey.question_remove",
            obj=questionnaire,
            changes={"question": question.text},
        )


def question_move(*, actor, questionnaire: Questionnaire, question_id, up: bool) -> None:
    """Swap a question with its neighbour above (``up``) or below."""
    _require_editor(actor, questionnaire.business_line_id)
    with transaction.atomic():
        rows = list(questionnaire.questions.order_by("order", "id"))
        index = next((i for i, q in enumerate(rows) if str(q.pk) == str(question_id)), None)
        if index is None:
            raise NotFound()
        other = index - 1 if up else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for order, row in enumerate(rows, start=1):
            if row.order != order:
                row.order = order
                row.save(update_fields=["order"])


def questionnaire_delete(*, actor, questionnaire: Questionnaire) -> None:
    """Delete a questionnaire that was never sent; a sent one can only be archived."""
    _require_editor(actor, questionnaire.business_line_id)
    with transaction.atomic():
        if questionnaire.invitations.exists():
            raise Conflict(
                _("This questionnaire has been sent, so it cannot be deleted. Archive it instead."),
                code="has_invitations",
            )
        audit.record(
            actor=actor,
            action="survey.questionnaire_delete",
            obj=questionnaire,
            changes={"name": questionnaire.name},
        )
        questionnaire.delete()


# -- targets -------------------------------------------------------------------------------


def _clean_percent(value, field: str, *, low: int = 0, required: bool = True) -> Decimal | None:
    if value in (None, "") and not required:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= 100:
        raise Invalid(
            _("Some fields are not valid."),
            fields={field: _("A number from %(low)d to 100.") % {"low": low}},
        )
    return number.quantize(metrics.TWO_PLACES)


def target_set(*, actor, business_line, csi=None, satisfied=None, nps=None) -> SurveyTarget:
    """Set a line's CSI / satisfied-rate / NPS targets (managers of the line, admins). Each
    target reads its own figure and each is optional, but at least one is set (§9.12)."""
    if not scope.at_least(actor, scope.MANAGER):
        raise PermissionDenied(_("Only managers can change satisfaction targets."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line.pk:
        raise NotFound()
    values = {
        "csi": _clean_percent(csi, "csi", required=False),
        "satisfied": _clean_percent(satisfied, "satisfied", required=False),
        "nps": _clean_percent(nps, "nps", low=-100, required=False),
    }
    if all(value is None for value in values.values()):
        raise Invalid(
            _("Set at least one target: CSI, satisfied rate or NPS."),
            fields={"csi": _("Set at least one target.")},
        )
    with transaction.atomic():
        target, _created = SurveyTarget.objects.update_or_create(
            business_line=business_line, defaults=values
        )
        audit.record(
            actor=actor,
            action="survey.target_set",
            obj=target,
            changes=values,
            business_line_id=business_line.pk,
        )
    return target


# -- invitations ---------------------------------------------------------------------------


def _schedule_delivery(invitation_ids: list[int]) -> None:
    if not invitation_ids:
        return

    def enqueue():
        from kefu.surveys.tasks import survey_deliver

        for pk in invitation_ids:
            survey_deliver(pk)

    transaction.on_commit(enqueue)


def _ticket_snapshot(ticket) -> dict:
    return {
        "ticket": ticket,
        "customer_id": ticket.customer_id,
        "agent_id": ticket.assignee_id or ticket.first_owner_id,
        "team_id": ticket.team_id,
        "department_id": ticket.department_id,
    }


def after_close_questionnaire(business_line_id: int) -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(
            business_line_id=business_line_id, after_close=True, status=QuestionnaireStatus.ACTIVE
        )
        .order_by("-id")
        .first()
    )


def invite_after_close(ticket) -> SurveyInvitation | None:
    """Invite the customer of a just-closed ticket to the line's after-close questionnaire.

    Idempotent (one invitation per ticket, a unique constraint): calling it again, or for a
    ticket closed twice, returns the existing invitation. None when the line has no active
    after-close questionnaire. The link is sent after the surrounding transaction commits."""
    questionnaire = after_close_questionnaire(ticket.business_line_id)
    if questionnaire is None:
        return None
    existing = SurveyInvitation.objects.filter(
        ticket_id=ticket.pk, source=Source.AFTER_CLOSE
    ).first()
    if existing:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                business_line_id=ticket.business_line_id,
                questionnaire=questionnaire,
                source=Source.AFTER_CLOSE,
                expires_at=now + dt.timedelta(days=questionnaire.link_days),
                **_ticket_snapshot(ticket),
            )
    except IntegrityError:
        return SurveyInvitation.objects.filter(
            ticket_id=ticket.pk, source=Source.AFTER_CLOSE
        ).first()
    _schedule_delivery([invitation.pk])
    return invitation


def on_ticket_status_changed(event) -> None:
    """``ticket.status_changed`` subscriber (``SurveysConfig.ready``): a ticket just closed
    invites its customer, in the ticket's transaction; the link is sent after the commit."""
    if event.payload["after"] != "closed":
        return
    from kefu.tickets.models import Ticket

    ticket = getattr(event, "subject", None)
    if not isinstance(ticket, Ticket):
        ticket = Ticket.objects.get(pk=event.object_id)
    invite_after_close(ticket)


def invite_closed_tickets() -> int:
    """The periodic catch-up: invite for tickets closed since the after-close questionnaire was
    created that have no invitation yet (idempotent; at most CLOSED_BATCH per line and run)."""
    from kefu.tickets.models import Status, Ticket

    created = 0
    lines = (
        Questionnaire.objects.filter(after_close=True, status=QuestionnaireStatus.ACTIVE)
        .values_list("business_line_id", flat=True)
        .distinct()
    )
    for line_id in list(lines):
        questionnaire = after_close_questionnaire(line_id)
        if questionnaire is None:
            continue
        tickets = (
            Ticket.objects.filter(
                business_line_id=line_id,
                status=Status.CLOSED,
                closed_at__gte=questionnaire.created_at,
            )
            .exclude(survey_invitations__source=Source.AFTER_CLOSE)
            .only(
                "id",
                "business_line_id",
                "customer_id",
                "assignee_id",
                "first_owner_id",
                "team_id",
                "department_id",
            )
            .order_by("id")[:CLOSED_BATCH]
        )
        for ticket in tickets:
            with transaction.atomic():
                before = SurveyInvitation.objects.filter(ticket_id=ticket.pk).exists()
                if invite_after_close(ticket) is not None and not before:
                    created += 1
    return created


def campaign_create(
    *,
    actor,
    questionnaire: Questionnaire,
    name: str,
    months,
    day: int = 1,
    lookback_months: int = 6,
) -> Campaign:
    """A scheduled campaign: on ``day`` of each of ``months`` the line's customers with a ticket
    in the last ``lookback_months`` months are invited (SAT-3: May and November)."""
    _require_editor(actor, questionnaire.business_line_id)
    name = _clean_text(name, "name", max_length=100)
    if (
        not isinstance(months, list)
        or not months
        or any(not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 12 for m in months)
    ):
        raise Invalid(_("Some fields are not valid."), fields={"months": _("Months from 1 to 12.")})
    for field, value, high in (("day", day, 28), ("lookback_months", lookback_months, 36)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= high:
            raise Invalid(
                _("Some fields are not valid."),
                fields={field: _("A number from 1 to %(n)d.") % {"n": high}},
            )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            business_line_id=questionnaire.business_line_id,
            questionnaire=questionnaire,
            name=name,
            months=sorted(set(months)),
            day=day,
            lookback_months=lookback_months,
        )
        audit.record(
            actor=actor,
            action="survey.campaign_create",
            obj=campaign,
            changes={"name": name, "months": campaign.months},
        )
    return campaign


def campaign_run(*, campaign: Campaign, today: dt.date) -> int:
    """Invite the campaign's audience for ``today``'s period when today is in one of its months
    and on or after its day. Idempotent per customer × campaign × period (a unique constraint):
    running twice, or every day of the month, invites nobody twice. Returns the number invited."""
    from kefu.tickets.models import Ticket

    if (
        not campaign.is_active
        or today.month not in campaign.months
        or today.day < campaign.day
        or campaign.questionnaire.status != QuestionnaireStatus.ACTIVE
    ):
        return 0
    period = periods.month_label(today)
    since = timezone.make_aware(
        dt.datetime.combine(periods.months_back(today, campaign.lookback_months), dt.time.min)
    )
    latest = Ticket.objects.filter(customer_id=OuterRef("customer_id"), created_at__gte=since)
    latest = latest.order_by("-created_at", "-id")
    audience = (
        Ticket.objects.filter(business_line_id=campaign.business_line_id, created_at__gte=since)
        .exclude(
            Exists(
                SurveyInvitation.objects.filter(
                    customer_id=OuterRef("customer_id"), campaign=campaign, period=period
                )
            )
        )
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .values("customer_id", "assignee_id", "first_owner_id", "team_id", "department_id")
        .order_by("customer_id")[:CAMPAIGN_BATCH]
    )
    now = timezone.now()
    expires = now + dt.timedelta(days=campaign.questionnaire.link_days)
    rows = [
        SurveyInvitation(
            business_line_id=campaign.business_line_id,
            questionnaire_id=campaign.questionnaire_id,
            source=Source.CAMPAIGN,
            campaign=campaign,
            period=period,
            customer_id=row["customer_id"],
            agent_id=row["assignee_id"] or row["first_owner_id"],
            team_id=row["team_id"],
            department_id=row["department_id"],
            expires_at=expires,
        )
        for row in audience
    ]
    with transaction.atomic():
        SurveyInvitation.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            SurveyInvitation.objects.filter(
                campaign=campaign, period=period, sent_at__isnull=True, created_at__gte=now
            ).values_list("pk", flat=True)
        )
        _schedule_delivery(ids)
    return len(ids)


def campaigns_run(*, today: dt.date | None = None) -> int:
    """Run every active campaign for today (the periodic job)."""
    today = today or timezone.localdate()
    total = 0
    for campaign in Campaign.objects.filter(is_active=True).select_related("questionnaire"):
        total += campaign_run(campaign=campaign, today=today)
    return total


def survey_link(invitation: SurveyInvitation) -> str:
    path = reverse("surveys:answer", args=[make_token(invitation.pk)])
    return conf.public_url() + path


def _invite_by_sms(invitation: SurveyInvitation, text: str) -> str:
    """The SMS of an invitation, a notice of its business line (quiet hours, the daily quota,
    opt-out): ``sms``, ``sms:held`` (sent when the quiet hours end) or ``sms:refused``."""
    try:
        result = sms.send_sms(
            invitation.customer.phone,
            text,
            business_line_id=invitation.business_line_id,
            kind="notice",
        )
    except sms.NotSent:
        return "sms:refused"
    return "sms:held" if getattr(result, "status", "") == sms.HELD else "sms"


def _invite_by_email(invitation: SurveyInvitation, text: str) -> str:
    """The e-mail of an invitation, a notice of its business line through the mail outbox
    (quiet hours, the daily quota, retries): ``email``, ``email:held`` or ``email:refused``."""
    status = mail.send_customer_mail(
        invitation.customer.email,
        _("Your opinion matters: %(name)s") % {"name": invitation.questionnaire.name},
        text,
        business_line_id=invitation.business_line_id,
        kind="survey",
        ticket_id=invitation.ticket_id,
        customer_id=invitation.customer_id,
    )
    return {mail.HELD: "email:held", mail.REFUSED: "email:refused"}.get(status, "email")


def invitation_deliver(*, invitation_id: int) -> SurveyInvitation | None:
    """Send the link by e-mail (when the customer has an address) and SMS (when a phone).
    Sent once: an invitation already sent, answered or taken during a callback is left alone."""
    invitation = (
        SurveyInvitation.objects.select_related("customer", "questionnaire", "business_line")
        .filter(pk=invitation_id, sent_at__isnull=True, answered_at__isnull=True)
        .exclude(source=Source.CALLBACK)
        .first()
    )
    if invitation is None:
        return None
    link = survey_link(invitation)
    customer = invitation.customer
    text = _("%(line)s invites you to a short satisfaction survey “%(name)s”: %(link)s") % {
        "line": invitation.business_line.name,
        "name": invitation.questionnaire.name,
        "link": link,
    }
    channels = []
    if customer.email:
        channels.append(_invite_by_email(invitation, text))
    if customer.phone:
        channels.append(_invite_by_sms(invitation, text))
    invitation.sent_at = timezone.now()
    invitation.sent_channels = ",".join(channels)
    invitation.save(update_fields=["sent_at", "sent_channels", "updated_at"])
    return invitation


# -- answers -------------------------------------------------------------------------------


def _field(question: Question) -> str:
    return f"q{question.pk}"


def clean_answers(questions: list[Question], raw: dict) -> list[dict]:
    """Validate one submission: ``raw`` maps "q<id>" (or the id) to a score, a choice, a list of
    choices or a text. Invalid names every question that is wrong, in the respondent's words."""
    errors: dict[str, str] = {}
    cleaned = []
    if not isinstance(raw, dict):
        raise Invalid(
            _("Some answers are not valid."), fields={"answers": _("Not a list of answers.")}
        )
    for question in questions:
        key = _field(question)
        value = raw.get(key, raw.get(str(question.pk)))
        if isinstance(value, str):
            value = value.strip()
        empty = value in (None, "", [])
        if empty:
            if question.required:
                errors[key] = _("Please answer this question.")
            continue
        row = {"question": question, "score": None, "choices": [], "text": ""}
        if question.kind in metrics.SCALE_MAX:
            low, high = metrics.SCALE_MIN[question.kind], metrics.SCALE_MAX[question.kind]
            try:
                score = int(value)
            except (TypeError, ValueError):
                score = None
            if isinstance(value, bool) or score is None or not low <= score <= high:
                errors[key] = _("Choose a score from %(low)d to %(high)d.") % {
                    "low": low,
                    "high": high,
                }
                continue
            row["score"] = score
        elif question.kind == QuestionKind.SINGLE:
            if value not in question.choices:
                errors[key] = _("Choose one of the offered answers.")
                continue
            row["choices"] = [value]
        elif question.kind == QuestionKind.MULTIPLE:
            values = value if isinstance(value, list) else [value]
            if any(v not in question.choices for v in values):
                errors[key] = _("Choose among the offered answers.")
                continue
            row["choices"] = [c for c in question.choices if c in values]
        else:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                errors[key] = _("At most %(n)d characters.") % {"n": MAX_TEXT}
                continue
            row["text"] = value.replace("\x00", "")
        cleaned.append(row)
    if errors:
        raise Invalid(_("Some answers are missing or not valid."), fields=errors)
    return cleaned


def _answer_scores(cleaned: list[dict]) -> dict:
    """One answer's CSI (percent, as a string) and 0–10 recommend score, for ``survey.answered``."""
    scored = [r for r in cleaned if r["score"] is not None]
    stats = [
        metrics.QuestionStat(
            question_id=r["question"].pk,
            dimension=r["question"].dimension,
            max_score=metrics.SCALE_MAX[r["question"].kind],
            count=1,
            total=r["score"],
            top_two=0,
        )
        for r in scored
    ]
    csi = metrics.compute(stats).csi
    ten = [r["score"] for r in scored if r["question"].kind == "scale10"]
    return {"csi": None if csi is None else str(csi), "nps": ten[0] if ten else None}


def already_answered_error() -> Conflict:
    return Conflict(_("This survey has already been answered. Thank you!"), code="already_answered")


def response_submit(
    *, invitation: SurveyInvitation, answers: dict, channel: str, recorded_by=None
) -> SurveyResponse:
    """Record the one answer of an invitation; a second one is refused (Conflict
    ``already_answered``, enforced by the unique invitation of a response)."""
    questions = list(invitation.questionnaire.questions.order_by("order", "id"))
    cleaned = clean_answers(questions, answers)
    if not any(row["score"] is not None or row["choices"] or row["text"] for row in cleaned):
        raise Invalid(_("Please answer at least one question."), fields={"answers": _("Required.")})
    now = timezone.now()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation, submitted_at=now, channel=channel, recorded_by=recorded_by
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(
                    response=response,
                    question=row["question"],
                    kind=row["question"].kind,
                    dimension=row["question"].dimension,
                    score=row["score"],
                    max_score=metrics.SCALE_MAX.get(row["question"].kind),
                    choices=row["choices"],
                    text=row["text"],
                    business_line_id=invitation.business_line_id,
                    questionnaire_id=invitation.questionnaire_id,
                    department_id=invitation.department_id,
                    team_id=invitation.team_id,
                    agent_id=invitation.agent_id,
                    answered_at=now,
                )
                for row in cleaned
            )
            SurveyInvitation.objects.filter(pk=invitation.pk).update(
                answered_at=now, updated_at=now
            )
            invitation.answered_at = now
            audit.record(
                actor=recorded_by,
                action="survey.response",
                obj=invitation,
                changes={
                    "channel": channel,
                    "scores": {
                        str(r["question"].pk): r["score"] for r in cleaned if r["score"] is not None
                    },
                },
            )
            events.publish(
                "survey.answered",
                object_id=invitation.pk,
                business_line_id=invitation.business_line_id,
                payload={
                    "ticket": invitation.ticket_id,
                    "customer": invitation.customer_id,
                    "questionnaire": invitation.questionnaire_id,
                    **_answer_scores(cleaned),
                },
                actor=recorded_by,
                subject=invitation,
            )
    except IntegrityError:
        raise already_answered_error() from None
    return response


def callback_survey_record(
    *, actor, callback_id, questionnaire_id, answers: dict
) -> SurveyResponse:
    """Answers the customer gave during a callback (回访), recorded by the agent making it.

    The callback is looked up in ``actor``'s scope (outside it: NotFound); the questionnaire must
    be an active one of the callback's line. The results count for the ticket's agent and team
    (or the callback's owner when it has no ticket). One response per callback."""
    from kefu.followups.selectors import callback_get_for

    task = callback_get_for(user=actor, pk=callback_id)
    questionnaire = Questionnaire.objects.filter(
        pk=_int_or_none(questionnaire_id),
        business_line_id=task.business_line_id,
        status=QuestionnaireStatus.ACTIVE,
    ).first()
    if questionnaire is None:
        raise Invalid(
            _("Choose an active questionnaire of this business line."),
            fields={"questionnaire": _("Not available.")},
        )
    if SurveyInvitation.objects.filter(callback_id=task.pk, source=Source.CALLBACK).exists():
        raise already_answered_error()
    if task.ticket_id:
        snapshot = _ticket_snapshot(task.ticket)
    else:
        snapshot = {
            "customer_id": task.customer_id,
            "agent_id": task.owner_id,
            "team_id": task.team_id,
            "department_id": task.department_id,
        }
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                business_line_id=task.business_line_id,
                questionnaire=questionnaire,
                source=Source.CALLBACK,
                callback=task,
                expires_at=now,
                **snapshot,
            )
            return response_submit(
                invitation=invitation, answers=answers, channel=Source.CALLBACK, recorded_by=actor
            )
    except IntegrityError:
        raise already_answered_error() from None


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 2**63 - 1 else None


def periodic_run(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic job: catch-up invitations for closed tickets, then scheduled campaigns."""
    return {"after_close": invite_closed_tickets(), "campaigns": campaigns_run(today=today)}


def seed_demo_surveys(business_line) -> list[Questionnaire]:
    """Default questionnaires (and campaigns) for a business line from its industry template
    (see ``seed.py``): e.g. the 4S CSI survey, property 物业满意度 with its May/November campaign,
    the school's four dimensions. Idempotent: names that exist are skipped."""
    from kefu.surveys.seed import SEEDS

    made = []
    for spec in SEEDS.get(business_line.industry, SEEDS["default"]):
        if Questionnaire.objects.filter(business_line=business_line, name=spec["name"]).exists():
            continue
        with transaction.atomic():
            questionnaire = _create(
                actor=None,
                business_line=business_line,
                name=spec["name"],
                intro=spec.get("intro", ""),
                status=QuestionnaireStatus.ACTIVE,
                after_close=spec.get("after_close", False),
                link_days=spec.get("link_days", 14),
                questions=spec["questions"],
            )
            if campaign := spec.get("campaign"):
                Campaign.objects.create(
                    business_line=business_line, questionnaire=questionnaire, **campaign
                )
        made.append(questionnaire)
    return made
