"""SMS and auto-reply rules, pure (no Django): length and parts, the shop signature, opt-out,
quiet hours, the per-recipient daily quota, the WeCom session window, and which auto-replies a
message earns."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

#: one SMS carries 70 characters; a longer text is split into parts of 67 (3 go to the header)
SINGLE = 70
PART = 67
OPT_OUT = "回复TD退订"
#: what a customer replies to stop reminders and notices
OPT_OUT_WORDS = frozenset({"TD", "T", "退订", "TD退订", "N", "UNSUBSCRIBE", "STOP"})
#: kinds of send that the customer may opt out of (replies to the customer's own ticket are not)
OPT_OUT_KINDS = frozenset({"notice", "reminder"})
#: markers of a message written by a robot: it is never answered, so two robots cannot loop
AUTO_MARKERS = ("自动回复", "[自动回复]", "【自动回复】", "auto-reply", "autoreply", "auto reply")
_SIGNED = re.compile(r"^【[^】]{1,20}】")
#: a variable of an SMS template, ``{order}`` (names only: no attribute or index access)
_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,39})\}")


def template_variables(template: str) -> list[str]:
    """The variables ``template`` names, in order, each once."""
    return list(dict.fromkeys(_VARIABLE.findall(template or "")))


def fill_template(template: str, variables: dict) -> str:
    """``template`` with each ``{name}`` replaced by ``variables[name]`` (as text). A variable
    the template names but ``variables`` lacks raises ``ValueError`` naming them all; extra
    variables are refused the same way (a provider rejects a parameter its template lacks)."""
    names = template_variables(template)
    missing = [n for n in names if n not in variables]
    extra = sorted(set(variables) - set(names))
    if missing or extra:
        raise ValueError(", ".join(missing + extra))
    return _VARIABLE.sub(lambda m: str(variables[m.group(1)]), template)


def sms_parts(text: str) -> int:
    """How many messages ``text`` costs: 1 up to 70 characters, else ⌈n / 67⌉ (0 for nothing)."""
    n = len(text)
    if n == 0:
        return 0
    return 1 if n <= SINGLE else math.ceil(n / PART)


def signed(text: str, shop: str) -> str:
    """``text`` with the shop signature 【shop】 in front (kept when it already has one)."""
    shop = (shop or "").replace("【", "").replace("】", "").strip()[:20]
    if not shop or _SIGNED.match(text):
        return text
    return f"【{shop}】{text}"


def with_opt_out(text: str, kind: str) -> str:
    """Reminders and notices end with 回复TD退订 (once)."""
    if kind not in OPT_OUT_KINDS or text.rstrip().endswith(OPT_OUT):
        return text
    return f"{text.rstrip()} {OPT_OUT}"


def is_opt_out(text: str) -> bool:
    """Whether an inbound text asks to stop messages (TD, 退订, …)."""
    return text.strip().upper().rstrip("。.!！") in OPT_OUT_WORDS


def is_auto_text(text: str) -> bool:
    low = text.strip().lower()
    return any(marker in low for marker in AUTO_MARKERS)


def _minutes(hhmm: str) -> int:
    hours, _sep, minutes = hhmm.strip().partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= 24 * 60:
        raise ValueError(hhmm)
    return value


def parse_quiet(spec: str | None) -> tuple[int, int] | None:
    """``"21:00-08:00"`` → (1260, 480) minutes of the day; None or "" → no quiet hours."""
    if not spec:
        return None
    start, _sep, end = spec.partition("-")
    a, b = _minutes(start), _minutes(end)
    return None if a == b else (a, b)


def in_quiet(local: dt.datetime, quiet: tuple[int, int] | None) -> bool:
    """Whether the local wall-clock time falls in the quiet window (it may cross midnight)."""
    if quiet is None:
        return False
    now = local.hour * 60 + local.minute
    start, end = quiet
    return start <= now < end if start < end else (now >= start or now < end)


def quiet_ends(local: dt.datetime, quiet: tuple[int, int] | None) -> dt.datetime:
    """The first local moment at or after ``local`` outside the quiet window."""
    if not in_quiet(local, quiet):
        return local
    assert quiet is not None
    end = quiet[1]
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    candidate = day_start + dt.timedelta(minutes=end)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


@dataclass(frozen=True)
class Situation:
    """What the auto-reply rules look at for one inbound message."""

    new_ticket: bool
    in_hours: bool
    peak: bool
    from_robot: bool
    #: the kinds already sent to this conversation within the window
    recent: frozenset[str] = frozenset()


ACK, OUT_OF_HOURS, PEAK = "ack", "out_of_hours", "peak"
KINDS = (ACK, OUT_OF_HOURS, PEAK)


def auto_replies(s: Situation) -> list[str]:
    """The auto-replies one inbound message earns, in order: an acknowledgement with the number
    (a new ticket), out of hours (by the business calendar), peak guidance to self-service; each
    at most once per conversation per window, and none at all to a robot (no loops)."""
    if s.from_robot:
        return []
    wanted = []
    if s.new_ticket:
        wanted.append(ACK)
    if not s.in_hours:
        wanted.append(OUT_OF_HOURS)
    elif s.peak:
        wanted.append(PEAK)
    return [kind for kind in wanted if kind not in s.recent]


def within_quota(sent_today: int, quota: int) -> bool:
    """A recipient may get ``quota`` messages a day (0 or less: no limit)."""
    return quota <= 0 or sent_today < quota


#: IM platforms that allow a business to write only within a session the customer opened: WeCom
#: customer service (企业微信 / 微信客服) takes 5 messages within 48 h of the customer's last
#: message, then nothing until the customer writes again
SESSION_PLATFORMS = frozenset({"wecom", "企业微信", "微信客服", "wecom_kf"})
SESSION_HOURS = 48
SESSION_MESSAGES = 5
CLOSED, USED = "closed", "used"


def is_session_platform(platform: str) -> bool:
    return (platform or "").strip().lower() in SESSION_PLATFORMS


def session_refusal(
    last_in: dt.datetime | None, sent_since: int, send_at: dt.datetime
) -> str | None:
    """Why a session platform would refuse a message sent at ``send_at`` to a customer whose
    last message came at ``last_in`` and who has had ``sent_since`` messages since (held ones
    included): ``CLOSED`` (never wrote, or more than 48 h before ``send_at``), ``USED`` (the 5
    messages of the session are spent), else None."""
    if last_in is None or send_at - last_in >= dt.timedelta(hours=SESSION_HOURS):
        return CLOSED
    if sent_since >= SESSION_MESSAGES:
        return USED
    return None


def peak_next(on: bool, waiting: int, agents: int, enter: float, leave: float) -> bool:
    """Peak mode after a measurement (CH-4 peak guidance): it turns on when the waiting
    conversations per agent on shift exceed ``enter`` and off only once they fall below
    ``leave`` (< ``enter``), so a queue hovering at the threshold does not flap. With nobody
    on shift every waiting conversation counts as one agent's load."""
    ratio = waiting / max(agents, 1)
    if on:
        return ratio >= leave
    return ratio > enter
