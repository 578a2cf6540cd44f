"""Rate limits of the REST API, per caller: ``KEFU_API_RATE`` requests a minute (600 unless set).

The caller is the Bearer token (its hash), else the signed-in user, else the client address.
Every answer under ``/api/`` carries ``RateLimit-Limit`` (the budget of the minute),
``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds until the minute ends), with
``RateLimit-Policy: <limit>;w=60`` (the OpenAPI document and its docs page are not counted); past the budget the answer is 429 ``throttled`` in the JSON
error shape with ``Retry-After`` and nothing runs.

Requests are counted in fixed one-minute windows where every process sees them: in Redis (an
atomic INCR through Django's cache ``ratelimit``) when ``REDIS_URL`` is set, else in the
database (``ApiRateWindow``: one upsert ``… ON CONFLICT DO UPDATE SET hits = hits + 1
RETURNING hits`` a request, atomic on SQLite and PostgreSQL). Windows older than two minutes
are deleted now and then. ``KEFU_API_RATE=0`` turns the limit off.
"""

from __future__ import annotations

import hashlib
import itertools
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _

WINDOW = 60
#: the public documents of the API (no token, no data): not counted
FREE_PATHS = ("/api/v1/docs", "/api/v1/openapi.json")
PURGE_EVERY = 1000  # requests per process between two deletes of old windows
CACHE_ALIAS = "ratelimit"
_hits = itertools.count(1)


def limit() -> int:
    return max(0, int(getattr(settings, "KEFU_API_RATE", 600) or 0))


def caller(request) -> str:
    auth = request.headers.get("Authorization", "")
    scheme, _sep, credential = auth.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return "t:" + hashlib.sha256(credential.strip().encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return "a:" + (request.META.get("REMOTE_ADDR") or "-")[:64]


def _count_in_cache(who: str, window: int) -> int:
    from django.core.cache import caches

    cache = caches[CACHE_ALIAS]
    key = f"kefu:rl:{who}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        return 1


def _count_in_database(who: str, window: int) -> int:
    from kefu.core.models import ApiRateWindow

    q = connection.ops.quote_name
    table, who_, minute_, hits_ = (
        q(n) for n in (ApiRateWindow._meta.db_table, "caller", "minute", "hits")
    )
    # bandit: identifiers are the model's quoted names; the caller and minute are bound
    sql = (  # nosec B608
        f"INSERT INTO {table} ({who_}, {minute_}, {hits_}) VALUES (%s, %s, 1) "  # nosec B608
        f"ON CONFLICT ({who_}, {minute_}) DO UPDATE SET {hits_} = {table}.{hits_} + 1 "
        f"RETURNING {hits_}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [who, window])
        hits = cursor.fetchone()[0]
    if next(_hits) % PURGE_EVERY == 0:
        ApiRateWindow.objects.filter(minute__lt=window - 1).delete()
    return int(hits)


def count(who: str, window: int) -> int:
    """This request counted: the caller's requests in ``window`` so far, this one included."""
    if CACHE_ALIAS in settings.CACHES:
        return _count_in_cache(who, window)
    return _count_in_database(who, window)


class ApiRateLimitMiddleware:
    """After the session and locale middleware (the user and the language are known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        budget = limit()
        path = request.path
        if not budget or not path.startswith("/api/") or path.startswith(FREE_PATHS):
            return self.get_response(request)
        now = time.time()
        window = int(now // WINDOW)
        reset = max(1, WINDOW - int(now % WINDOW))
        hits = count(caller(request), window)
        if hits > budget:
            body = {
                "error": {
                    "code": "throttled",
                    "message": _(
                        "Too many requests: at most %(n)d a minute. Retry in %(s)d seconds."
                    )
                    % {"n": budget, "s": reset},
                    "fields": {},
                }
            }
            response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
            response["Retry-After"] = str(reset)
        else:
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(budget)
        response["RateLimit-Remaining"] = str(max(0, budget - hits))
        response["RateLimit-Reset"] = str(reset)
        response["RateLimit-Policy"] = f"{budget};w={WINDOW}"
        return response
