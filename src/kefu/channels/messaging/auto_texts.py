"""The channel auto-replies' texts come from the knowledge base (CH-4): the line's knowledge
auto-reply of the channel and kind (``knowledge.AutoReply``: *welcome* for the acknowledgement,
*after hours*, *peak*), else the line's ``auto_replies`` policy, else the default below. The
*Auto-replies* page (``/messaging/auto-replies/``) edits them per line and channel, typed or
taken from one of the line's quick replies (快捷短语). ``{number}`` and ``{help}`` (also
``%(number)s``) are filled in; an acknowledgement or out-of-hours text that leaves the ticket
number out gets it appended, so the customer always has it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.channels.messaging import rules
from kefu.core import scope
from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.knowledge.models import AutoReply as KnowledgeReply
from kefu.knowledge.models import QuickReply
from kefu.knowledge.services import auto_reply_save

DEFAULTS = {
    rules.ACK: "您好，我们已收到您的消息，工单号 {number}，客服会尽快回复您。",
    rules.OUT_OF_HOURS: "您好，现在是非工作时间，我们会在上班后第一时间处理您的问题（工单号 {number}）。",
    rules.PEAK: "您好，当前咨询量较大，常见问题可先查看自助帮助：{help}",
}
#: our auto-reply kinds → the knowledge base's
KB_KIND = {rules.ACK: "welcome", rules.OUT_OF_HOURS: "after_hours", rules.PEAK: "peak"}
CHANNELS = ("sms", "im", "web", "email")
NUMBER_SUFFIX = "（工单号 {number}）"
DEFAULT_HOURS = (dt.time(9, 0), dt.time(18, 0))


def _fill(template: str, values: dict) -> str:
    text = template
    for key, value in values.items():
        text = text.replace("{" + key + "}", value).replace("%(" + key + ")s", value)
    return text


def template_for(line, kind: str, channel: str) -> tuple[str, str]:
    """(the template, where it comes from: ``knowledge``, ``policy`` or ``default``)."""
    kb = (
        KnowledgeReply.objects.filter(
            business_line=line, channel=channel, kind=KB_KIND[kind], is_active=True
        )
        .values_list("message", flat=True)
        .first()
    )
    if kb:
        return kb, "knowledge"
    policy = (line.policy("auto_replies") or {}).get(kind)
    if isinstance(policy, str) and policy.strip():
        return policy, "policy"
    return DEFAULTS[kind], "default"


def render(line, kind: str, channel: str, *, number: str) -> str:
    """The text of one auto-reply for a ticket ``number``."""
    template, _source = template_for(line, kind, channel)
    values = {"number": number, "help": f"/help/{line.code}/"}
    text = _fill(template, values)
    if kind in (rules.ACK, rules.OUT_OF_HOURS) and number not in text:
        text = f"{text.rstrip()}{_fill(NUMBER_SUFFIX, values)}"
    return text


def table_for(line) -> list[dict]:
    """Every channel × kind of the line with its current text and source (the page's rows)."""
    stored = {
        (r.channel, r.kind): r
        for r in KnowledgeReply.objects.filter(business_line=line, channel__in=CHANNELS)
    }
    rows = []
    for channel in CHANNELS:
        for kind in rules.KINDS:
            template, source = template_for(line, kind, channel)
            kb = stored.get((channel, KB_KIND[kind]))
            rows.append(
                {
                    "channel": channel,
                    "kind": kind,
                    "text": template,
                    "source": source,
                    "active": kb.is_active if kb else False,
                    "opens_at": kb.opens_at if kb else None,
                    "closes_at": kb.closes_at if kb else None,
                }
            )
    return rows


@transaction.atomic
def text_save(
    *,
    actor,
    line,
    channel: str,
    kind: str,
    text: str = "",
    quick_reply=None,
    is_active: bool = True,
    seen: str | None = None,
) -> KnowledgeReply:
    """Set the line's auto-reply text of ``channel`` and ``kind`` in the knowledge base: the
    ``text`` typed, or the body of the line's quick reply ``quick_reply`` (an id). Supervisors
    and above; audited by the knowledge service. ``seen`` is the text the page showed: when
    someone saved another text meanwhile the save is refused (StaleWrite, 409)."""
    if not scope.at_least(actor, "supervisor"):
        raise PermissionDenied()
    if channel not in CHANNELS or kind not in KB_KIND:
        raise Invalid(_("Not an auto-reply of a channel."), fields={"kind": _("Unknown value.")})
    if seen is not None:
        KnowledgeReply.objects.select_for_update().filter(
            business_line=line, channel=channel, kind=KB_KIND[kind]
        ).first()  # two saves of one text take turns
        shown, _source = template_for(line, kind, channel)
        if shown.replace("\r\n", "\n").strip() != seen.replace("\r\n", "\n").strip():
            raise StaleWrite()
    raw = str(quick_reply or "").strip()
    if raw:
        phrase = (
            QuickReply.objects.filter(pk=int(raw), business_line=line, is_active=True).first()
            if raw.isdigit() and len(raw) < 10
            else None
        )
        if phrase is None:
            raise Invalid(
                _("Choose one of the line's quick replies."),
                fields={"quick_reply": _("Not a quick reply of this business line.")},
            )
        text = phrase.body
    text = (text or "").strip()
    if len(text) > 500:
        raise Invalid(
            _("The text is too long."),
            fields={"text": _("Use at most %(n)d characters.") % {"n": 500}},
        )
    current = KnowledgeReply.objects.filter(
        business_line=line, channel=channel, kind=KB_KIND[kind]
    ).first()
    opens, closes = DEFAULT_HOURS
    if current is not None and current.opens_at and current.closes_at:
        opens, closes = current.opens_at, current.closes_at
    return auto_reply_save(
        actor=actor,
        business_line=line,
        channel=channel,
        kind=KB_KIND[kind],
        message=text,
        opens_at=opens,
        closes_at=closes,
        is_active=is_active,
    )
