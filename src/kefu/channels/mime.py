"""Decoding of an e-mail (RFC 5322 / MIME bytes) into what Kefu keeps: pure, no Django import.

``parse(raw)`` never raises and never loses Chinese text:

- every part and header is decoded by ``decode_bytes``: valid UTF-8 wins over any label (a wrong
  label is common), GB2312/GBK labels decode as GB18030 (mail labelled GB2312 carries GBK
  characters), Big5 as Big5-HKSCS; a missing or wrong label is detected (GB18030, Big5 by a
  statistical guess), and the last fallback replaces only the bytes that fit no charset;
- RFC 2047 encoded words (several charsets in one header), raw 8-bit headers, RFC 2231 file names;
- HTML-only mail becomes safe plain text (nh3 strips every tag, scripts and styles with their
  content); inline images and attachments are listed with their bytes;
- auto-replies (Auto-Submitted, X-Autoreply, Precedence bulk/junk/list, 自动回复 subjects) and
  bounces (multipart/report delivery-status, mailer-daemon) are recognised, with the addresses
  a bounce reports as failed.
"""

from __future__ import annotations

import email
import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

ALIASES = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-gbk": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "us-ascii": "",
    "ascii": "",
    "default": "",
}
# labels that say nothing about 8-bit bytes: an 8-bit body under them is guessed
WEAK_LABELS = {"", "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"}


def normalise_label(label: str | None) -> str:
    label = (label or "").strip().strip('"').lower()
    return ALIASES.get(label, label)


def _codec_ok(label: str) -> bool:
    import codecs

    try:
        codecs.lookup(label)
    except LookupError:
        return False
    return True


def _guess(data: bytes) -> str | None:
    """GB18030 or Big5 for 8-bit bytes that are not UTF-8 (a statistical guess)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:4000], cp_isolation=["gb18030", "big5", "utf_8"]).best()
    except Exception:  # the guess is a hint only
        return None
    if best is None:
        return None
    name = best.encoding.lower().replace("_", "")
    return "big5hkscs" if "big5" in name else "gb18030"


def decode_bytes(data: bytes, label: str | None = None) -> tuple[str, str]:
    """``(text, charset used)`` for ``data`` labelled ``label``; never raises."""
    if not data:
        return "", normalise_label(label) or "ascii"
    if data.isascii():
        return data.decode("ascii"), "ascii"
    try:
        return data.decode("utf-8"), "utf-8"  # valid UTF-8 with 8-bit bytes: a label lies
    except UnicodeDecodeError:
        pass
    wanted = normalise_label(label)
    if wanted and wanted not in WEAK_LABELS and wanted != "utf-8" and _codec_ok(wanted):
        try:
            return data.decode(wanted), wanted
        except UnicodeDecodeError:
            pass
    guessed = _guess(data)
    order = [c for c in (guessed, "gb18030", "big5hkscs") if c]
    for charset in dict.fromkeys(order):
        try:
            return data.decode(charset), charset
        except UnicodeDecodeError:
            continue
    if wanted in WEAK_LABELS - {""} and _codec_ok(wanted):
        return data.decode(wanted, errors="replace"), wanted
    return data.decode("gb18030", errors="replace"), "gb18030?"


def _raw_header_bytes(value: str) -> bytes | None:
    """A header read with surrogateescape (8-bit bytes unencoded): its bytes back."""
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        try:
            return value.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass")
    return None


def decode_header_value(value, hint: str | None = None) -> str:
    """An RFC 2047 header (encoded words in several charsets, raw 8-bit bytes) as text; ``hint``
    is the charset of the message's text, the best guess for raw 8-bit header bytes."""
    if value is None:
        return ""
    if isinstance(value, Header):  # raw 8-bit bytes (compat32 wraps them as unknown-8bit)
        pieces = decode_header(value)
    else:
        value = str(value)
        raw = _raw_header_bytes(value)
        if raw is not None:
            value = decode_bytes(raw, hint)[0]
        try:
            pieces = decode_header(value)
        except Exception:
            return " ".join(value.split())
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, bytes):
            label = charset if charset and charset != "unknown-8bit" else hint
            out.append(decode_bytes(chunk, label)[0])
        else:
            out.append(chunk)
    text = "".join(out)
    return " ".join(text.replace("\x00", "").split())


_BLOCK = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|hr)\b[^>]*>", re.I)


def html_to_text(markup: str) -> str:
    """Safe plain text of an HTML body: every tag stripped, scripts and styles dropped."""
    markup = _BLOCK.sub("\n", markup or "")
    try:
        cleaned = nh3.clean(markup, tags=set(), attributes={})
    except Exception:
        cleaned = re.sub(r"<[^>]*>", " ", markup)
    text = html.unescape(cleaned).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class Parsed:
    message_id: str
    in_reply_to: str
    references: list[str]
    subject: str
    from_name: str
    from_address: str
    to: list[str]
    date: object  # datetime or None
    text: str
    html_only: bool
    attachments: list[Part] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)
    auto_reply: bool = False
    bounce: bool = False
    bounced: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


_ID = re.compile(r"<([^<>\s]+)>")


def message_ids(value) -> list[str]:
    """The Message-IDs in a References / In-Reply-To header, without angle brackets."""
    text = str(value or "")
    found = _ID.findall(text)
    if not found and text.strip() and "@" in text:
        found = [t.strip("<>") for t in text.split() if "@" in t]
    return [f[:250] for f in found]


def _filename(part: Message) -> str:
    name = None
    for where in ("content-disposition", "content-type"):
        key = "filename" if where == "content-disposition" else "name"
        param = part.get_param(key, header=where)
        if param is None:
            continue
        if isinstance(param, tuple):  # RFC 2231: (charset, language, percent-decoded value)
            charset, _lang, value = param
            try:
                raw = value.encode("latin-1", "surrogateescape")
            except UnicodeEncodeError:
                raw = value.encode("utf-8", "surrogateescape")
            name = decode_bytes(raw, charset)[0]
        else:
            name = decode_header_value(
                param if isinstance(param, Header) else email.utils.unquote(str(param))
            )
        if name:
            break
    return (name or "").replace("/", "_").replace("\\", "_").strip()


AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自動回覆|auto(matic)?[ -]?reply|out of (the )?office|autoreply|"
    r"undeliverable|delivery status notification|退信|系统退信)",
    re.I,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.I)


def _noise(msg: Message, parsed: Parsed) -> None:
    auto = (msg.get("Auto-Submitted") or "").strip().lower()
    precedence = (msg.get("Precedence") or "").strip().lower()
    if (auto and auto != "no") or msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        parsed.auto_reply = True
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        parsed.auto_reply = True
    if AUTO_SUBJECT.search(parsed.subject):
        parsed.auto_reply = True
    report = msg.get_content_type() == "multipart/report" and (
        (msg.get_param("report-type") or "").lower() == "delivery-status"
    )
    if report or BOUNCE_SENDERS.match(parsed.from_address):
        parsed.bounce = True
        parsed.auto_reply = True
    if parsed.bounce:
        failed = []
        for part in msg.walk():
            if part.get_content_type() == "message/delivery-status":
                failed += _failed_recipients(part)
        for value in msg.get_all("X-Failed-Recipients") or []:
            failed += [a for _n, a in getaddresses([str(value)]) if "@" in a]
        parsed.bounced = sorted({a.strip().lower() for a in failed if a})


def _failed_recipients(part: Message) -> list[str]:
    out = []
    blocks = part.get_payload() if part.is_multipart() else []
    texts = [str(block) for block in blocks]
    if not texts:
        payload = part.get_payload(decode=True) or b""
        texts.append(payload.decode("utf-8", "replace"))
    for text in texts:
        recipient = re.search(r"^Final-Recipient:\s*[^;]*;\s*(\S+)", text, re.I | re.M)
        action = re.search(r"^Action:\s*(\w+)", text, re.I | re.M)
        if recipient and (action is None or action.group(1).lower() == "failed"):
            out.append(recipient.group(1).strip("<>"))
    return out


def _text_charset(msg: Message) -> str | None:
    try:
        for part in msg.walk():
            if part.get_content_maintype() == "text" and part.get_content_charset():
                label = normalise_label(part.get_content_charset())
                return None if label in WEAK_LABELS else label
    except Exception:
        return None
    return None


#: extensions for parts that come without a file name (a screenshot pasted into the mail)
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}


def unnamed(content_type: str, n: int) -> str:
    """A file name for the ``n``-th part without one, with the extension of its type
    (``image-2.png``), so the line's allowed file types judge it by what it is."""
    ext = EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ""
    stem = (
        content_type.split("/")[0]
        if content_type.startswith(("image/", "audio/", "video/"))
        else "part"
    )
    return f"{stem}-{n}{ext}"


def parse(raw: bytes) -> Parsed:
    """Everything Kefu reads from one message; never raises (a broken part is noted)."""
    problems: list[str] = []
    try:
        msg = email.message_from_bytes(raw or b"")
    except Exception as exc:  # the stdlib parser is lenient; this is belt and braces
        msg = Message()
        problems.append(f"unparsable: {type(exc).__name__}")
    hint = _text_charset(msg)
    subject = decode_header_value(msg.get("Subject"), hint)
    from_name, from_address = parseaddr(decode_header_value(msg.get("From"), hint))
    to = [
        a.lower()
        for _n, a in getaddresses([decode_header_value(v) for v in msg.get_all("To") or []])
        if a
    ]
    ids = message_ids(msg.get("Message-ID"))
    message_id = (
        ids[0] if ids else f"sha256-{hashlib.sha256(raw or b'').hexdigest()[:40]}@kefu.invalid"
    )
    replied = message_ids(msg.get("In-Reply-To"))
    try:
        date = parsedate_to_datetime(str(msg.get("Date"))) if msg.get("Date") else None
    except Exception:
        date = None
    parsed = Parsed(
        message_id=message_id,
        in_reply_to=replied[0] if replied else "",
        references=message_ids(msg.get("References")),
        subject=subject[:500],
        from_name=from_name.strip()[:100],
        from_address=from_address.strip().lower()[:254],
        to=to,
        date=date,
        text="",
        html_only=False,
        problems=problems,
    )
    plain, markup = [], []
    for part in msg.walk() if not problems else []:
        try:
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
            name = _filename(part)
            data = part.get_payload(decode=True) or b""
            if ctype in ("text/plain", "text/html") and not name and disposition != "attachment":
                text, used = decode_bytes(data, part.get_content_charset())
                parsed.charsets.append(used)
                (plain if ctype == "text/plain" else markup).append(text)
            elif ctype == "message/delivery-status" or ctype == "text/rfc822-headers":
                continue
            else:
                parsed.attachments.append(
                    Part(
                        filename=name or unnamed(ctype, len(parsed.attachments) + 1),
                        content_type=ctype,
                        data=data,
                        inline=disposition == "inline" or bool(part.get("Content-ID")),
                    )
                )
        except Exception as exc:  # one broken part never loses the others
            parsed.problems.append(f"part: {type(exc).__name__}")
    if plain:
        parsed.text = "\n\n".join(t.strip() for t in plain if t.strip())
    elif markup:
        parsed.text = html_to_text("\n".join(markup))
        parsed.html_only = True
    parsed.text = parsed.text.replace("\r\n", "\n").replace("\x00", "")
    try:
        _noise(msg, parsed)
    except Exception as exc:
        parsed.problems.append(f"noise: {type(exc).__name__}")
    return parsed
