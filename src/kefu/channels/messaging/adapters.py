"""One adapter interface for SMS and IM: ``send(recipient, text, template=…, variables=…) →
Sent(provider_id, status)`` — a text, or a provider template's code with its variables (the
text they make is passed too, for the log and providers that take text only).

``KEFU_SMS_BACKEND`` picks the SMS adapter: ``log`` (default: the log, and the outbox page shows
what was sent), ``file`` (one JSON line per message in ``KEFU_SMS_FILE``, default
``<data dir>/sms-outbox.jsonl``), ``http`` (a generic provider: a JSON POST to ``KEFU_SMS_URL``
signed with ``KEFU_SMS_SECRET`` like our inbound webhooks; the provider answers ``{"id",
"status"}``), or a dotted path to a class with ``send(phone, text)`` (the older interface).
IM (旺旺/千牛, WeChat) goes through the same generic webhook adapter: ``KEFU_IM_URL`` and
``KEFU_IM_SECRET``; without a URL, IM messages are logged like SMS.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from kefu.channels.messaging import signing
from kefu.core.masking import mask_phone

log = logging.getLogger("kefu.messaging")
_file_lock = threading.Lock()
TIMEOUT = 10


@dataclass(frozen=True)
class Sent:
    provider_id: str
    status: str = "sent"


class LogAdapter:
    name = "log"

    def send(self, recipient: str, text: str, template: str = "", variables=None) -> Sent:
        log.info("message to %s: %s", mask_phone(recipient), text)
        return Sent(f"log-{uuid.uuid4().hex[:16]}")


class FileAdapter:
    name = "file"

    def __init__(self, path: str | None = None):
        default = Path(settings.DATA_DIR) / "sms-outbox.jsonl"
        self.path = Path(path or getattr(settings, "KEFU_SMS_FILE", "") or default)

    def send(self, recipient: str, text: str, template: str = "", variables=None) -> Sent:
        provider_id = f"file-{uuid.uuid4().hex[:16]}"
        row = {"id": provider_id, "to": recipient, "text": text}
        if template:
            row.update(template=template, variables=variables or {})
        line = json.dumps(row, ensure_ascii=False)
        with _file_lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return Sent(provider_id)


class HttpAdapter:
    """A generic provider: POST ``{"to", "text"}`` (and ``"template", "variables"`` for a
    template send) with ``X-Kefu-Timestamp`` and
    ``X-Kefu-Signature`` (HMAC-SHA256 over timestamp "." body); a 2xx answer's ``id`` and
    ``status`` are the provider's; anything else raises (the outbox records the failure)."""

    name = "http"

    def __init__(self, url: str, secret: str = ""):
        self.url, self.secret = url, secret

    def send(self, recipient: str, text: str, template: str = "", variables=None) -> Sent:
        data = {"to": recipient, "text": text}
        if template:
            data.update(template=template, variables=variables or {})
        body = json.dumps(data, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Kefu-Timestamp": stamp,
                "X-Kefu-Signature": signing.sign(self.secret, stamp, body),
            },
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # nosec B310
            data = json.loads(answer.read() or b"{}")
        provider_id = str(data.get("id") or f"http-{uuid.uuid4().hex[:16]}")
        return Sent(provider_id[:100], str(data.get("status") or "sent")[:10])


class LegacyAdapter:
    """A class with ``send(phone, text)`` returning nothing (kefu.core.sms's older interface)."""

    def __init__(self, path: str):
        self.backend = import_string(path)()
        self.name = path.rsplit(".", 1)[-1][:20]

    def send(self, recipient: str, text: str, template: str = "", variables=None) -> Sent:
        result = self.backend.send(recipient, text)  # the older interface takes text only
        if isinstance(result, Sent):
            return result
        return Sent(f"{self.name}-{uuid.uuid4().hex[:12]}")


def sms_adapter():
    backend = (getattr(settings, "KEFU_SMS_BACKEND", "") or "log").strip()
    if backend in ("log", "kefu.core.sms.LogBackend"):
        return LogAdapter()
    if backend == "file":
        return FileAdapter()
    if backend == "http":
        return HttpAdapter(settings.KEFU_SMS_URL, getattr(settings, "KEFU_SMS_SECRET", ""))
    return LegacyAdapter(backend)


def im_adapter():
    url = getattr(settings, "KEFU_IM_URL", "")
    if url:
        return HttpAdapter(url, getattr(settings, "KEFU_IM_SECRET", ""))
    return LogAdapter()


def adapter_for(channel: str):
    return im_adapter() if channel == "im" else sms_adapter()
