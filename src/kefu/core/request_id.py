"""A request id on every response (``X-Request-ID``) and in every log line of that request.

The id is the client's ``X-Request-ID`` when it is sane (1–128 letters, digits and ``._:-``),
else a new one (32 hex digits). ``RequestIdMiddleware`` (first in ``MIDDLEWARE``) sets it for
the request and answers it; ``RequestIdFilter`` (on the console handler in ``LOGGING``) puts it
in each record as ``request_id`` ("-" outside a request: the worker, commands).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("kefu_request_id", default="-")


def current() -> str:
    """The id of the request being served ("-" outside one)."""
    return _current.get()


def choose(offered: str | None) -> str:
    offered = (offered or "").strip()
    return offered if _SANE.match(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = choose(request.headers.get(HEADER))
        request.request_id = request_id
        # kept until the response is closed (``request_finished``), so Django's own
        # "Bad Request: /path" lines, written after the middleware returns, carry it too
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget(**_kwargs) -> None:
    _current.set("-")


def connect() -> None:
    """Reset the id when a response is finished (``CoreConfig.ready``)."""
    from django.core.signals import request_finished

    request_finished.connect(_forget, dispatch_uid="kefu.core.request_id")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
