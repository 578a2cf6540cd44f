"""Threading and folding rules of inbound e-mail: pure, no Django import.

- ``subject_token``: the ticket number in a subject (``[#T2612060000123]``, also ``[#T-000123]``).
- ``candidates``: the Message-IDs a reply points at, nearest first (In-Reply-To, then References
  from the newest back), so the first one Kefu knows names the ticket.
- ``fold``: a customer's new words apart from the quoted history and the signature, which the
  timeline shows folded (Outlook, Foxmail, QQ Mail, Gmail and ``>`` quoting).
- ``rate_exceeded``: the per-sender limit of new mail in a window.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"\[#\s*(T-?\d{4,20})\s*\]", re.I)
REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|答复|回复|回覆|转发|轉寄)\s*[:：]\s*)+", re.I)


def subject_token(subject: str) -> str:
    """The ticket number carried in ``subject``, or ""."""
    found = TOKEN.search(subject or "")
    return found.group(1).upper() if found else ""


def clean_subject(subject: str) -> str:
    """The subject without reply prefixes and the ticket token (a new ticket's title)."""
    text = TOKEN.sub("", subject or "")
    return " ".join(REPLY_PREFIX.sub("", text).split())


def candidates(in_reply_to: str, references: list[str]) -> list[str]:
    out = [in_reply_to] if in_reply_to else []
    out += list(reversed(references or []))
    return list(dict.fromkeys(i for i in out if i))


# where the quoted history starts (the line itself and everything after it is folded)
QUOTE_STARTS = [
    re.compile(p, re.I)
    for p in (
        r"^-{2,}\s*(original message|原始邮件|原始郵件)\s*-{2,}",  # Outlook, Foxmail, QQ Mail
        r"^-{5,}\s*$",
        r"^_{10,}\s*$",  # Outlook web
        r"^(from|发件人|寄件者)\s*[:：].+",  # Outlook header block
        r"^on .+ wrote:\s*$",  # Gmail (en)
        r"^.{0,80}(写道|寫道)\s*[:：]\s*$",  # Gmail (zh): 2026年12月6日 … 写道：
        r"^在 .+ 写道\s*[:：]?\s*$",
        r"^>",
    )
]
SIGNATURE = re.compile(r"^(-- ?|——+|发自我的(iPhone|手机|华为|小米).*|Sent from my .*)$", re.I)


def fold(text: str) -> tuple[str, str]:
    """``(new text, folded history and signature)`` of a message body."""
    lines = (text or "").splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(p.search(stripped) for p in QUOTE_STARTS) or SIGNATURE.match(stripped):
            head = "\n".join(lines[:index]).strip()
            if head:
                return head, "\n".join(lines[index:]).strip()
    return (text or "").strip(), ""


def rate_exceeded(recent: int, limit: int) -> bool:
    """``recent`` mails from one sender in the window already reach ``limit`` (0: no limit)."""
    return limit > 0 and recent >= limit
