"""``Idempotency-Key`` on API POSTs: a retried create returns the first result, never a duplicate.

A client sends ``Idempotency-Key: <any string of 1–255 visible ASCII characters>`` with a POST.
The first request with a key claims it: a row unique on (credential, key) inserted and committed
before the operation runs, so two simultaneous retries cannot both run, in one process or many,
on SQLite or PostgreSQL. When the operation succeeds (2xx) its status, content type and body are
kept; a later request with the same key and the same method, path and body gets exactly that
answer again (with ``Idempotent-Replayed: true``), and nothing runs. A retry that arrives while
the first is still running waits for it (up to ``WAIT_SECONDS``), then replays it.

- The same key with another body (or path) is refused: 422 ``idempotency_key_reused``.
- A key still running after ``WAIT_SECONDS`` answers 409 ``idempotency_key_in_progress``.
- A request that fails (4xx, 5xx, an exception) gives the key back: nothing was created, and the
  corrected request may use it again.
- Keys belong to the credential that sent them (the token; the user of a browser session) and
  are forgotten after ``KEEP`` (24 hours).

``kefu/api.py`` applies ``idempotent`` to every operation (``api.add_decorator(mode="view")``);
it acts on POSTs that carry the header. Nothing here imports an app.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import re
import time

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP = dt.timedelta(hours=24)
WAIT_SECONDS = 10.0  # how long a retry waits for the first request to finish
POLL_SECONDS = 0.05
STALE_AFTER = dt.timedelta(minutes=5)  # a claim whose request died without an answer
PURGE_EVERY = 500  # claims per process between two purges of expired keys
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_claims = itertools.count(1)

OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Any unique string (a UUID): a retry of this POST with the same key and "
    "body returns the first answer (status and body, with `Idempotent-Replayed: true`) and "
    "creates nothing again. The same key with another body is 422 `idempotency_key_reused`; "
    "while the first request still runs, 409 `idempotency_key_in_progress`. Keys are kept 24 "
    "hours, per token.",
}


def _error(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _owner(request: HttpRequest) -> str | None:
    """Whose keys these are: the Bearer token (its hash), else the signed-in user."""
    auth = request.headers.get("Authorization", "")
    scheme, _sep, credential = auth.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return "token:" + hashlib.sha256(credential.strip().encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the method, the path with its query string, and the body (for a multipart
    upload: its fields and each file's name and content)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((name, upload.name, upload.size)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def purge(now: dt.datetime | None = None) -> int:
    """Forget keys older than ``KEEP`` (an indexed range delete); returns how many."""
    from kefu.core.models import ApiIdempotencyKey

    cutoff = (now or timezone.now()) - KEEP
    return ApiIdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]


def _claim(owner: str, key: str, fingerprint: str):
    """The new claim, or None when the key is taken."""
    from kefu.core.models import ApiIdempotencyKey

    if next(_claims) % PURGE_EVERY == 0:
        purge()
    try:
        with transaction.atomic():
            return ApiIdempotencyKey.objects.create(owner=owner, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return None


def _replay(row) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type)
    response[REPLAYED] = "true"
    return response


def _settle(owner: str, key: str, fingerprint: str) -> HttpResponse | None:
    """What a request whose key is taken gets: the first answer, a refusal, or None when the key
    came free (given back, expired or abandoned) and may be claimed again."""
    from kefu.core.models import ApiIdempotencyKey

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = ApiIdempotencyKey.objects.filter(owner=owner, key=key).first()
        if row is None:
            return None
        now = timezone.now()
        if row.created_at < now - KEEP or (
            row.status is None and row.created_at < now - STALE_AFTER
        ):
            ApiIdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            return None
        if row.fingerprint != fingerprint:
            return _error(
                422,
                "idempotency_key_reused",
                _(
                    "This Idempotency-Key was used for another request (another body or "
                    "address). Use a new key for a new request."
                ),
                {HEADER: _("Already used for another request.")},
            )
        if row.status is not None:
            return _replay(row)
        if time.monotonic() > deadline:
            return _error(
                409,
                "idempotency_key_in_progress",
                _("A request with this Idempotency-Key is still running. Retry in a moment."),
                {HEADER: _("Still running.")},
            )
        time.sleep(POLL_SECONDS)


def idempotent(run):
    """Wrap an operation's ``run`` (ninja's "view" decorator mode): see the module docstring."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs):
        raw = request.headers.get(HEADER) if request.method == "POST" else None
        if raw is None:
            return run(request, *args, **kwargs)
        key = raw.strip()
        if not _KEY.match(key):
            return _error(
                400,
                "invalid",
                _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
                {HEADER: _("1 to 255 visible ASCII characters, such as a UUID.")},
            )
        owner = _owner(request)
        if owner is None:  # no credential: the operation answers 401 itself
            return run(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        for _attempt in range(3):
            claim = _claim(owner, key, fingerprint)
            if claim is not None:
                break
            answer = _settle(owner, key, fingerprint)
            if answer is not None:
                return answer
        else:
            return _error(
                409,
                "idempotency_key_in_progress",
                _("A request with this Idempotency-Key is still running. Retry in a moment."),
                {HEADER: _("Still running.")},
            )
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            claim.delete()
            raise
        if 200 <= response.status_code < 300 and not getattr(response, "streaming", False):
            type(claim).objects.filter(pk=claim.pk).update(
                status=response.status_code,
                content_type=response.get("Content-Type", "")[:100],
                body=response.content,
            )
        else:  # nothing was created: the key may be used again
            claim.delete()
        return response

    return wrapper


def declare(schema: dict) -> None:
    """The OpenAPI document lists the header on every POST operation."""
    for path_item in schema.get("paths", {}).values():
        operation = path_item.get("post")
        if operation is None:
            continue
        params = operation.setdefault("parameters", [])
        if not any(p.get("name") == HEADER for p in params):
            params.append(dict(OPENAPI_PARAMETER))
