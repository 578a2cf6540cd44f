"""Where a page may send the browser after a form: only back into Kefu itself.

``next``/``return`` values come from the client. ``//evil.example``, ``https://evil.example`` and
``/\\evil.example`` all look like paths to a naive ``startswith("/")`` check but leave the site
in a browser; Django's ``url_has_allowed_host_and_scheme`` refuses each of them.
"""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, value: str | None, default: str) -> str:
    """``value`` when it points into this site (same host, same scheme), else ``default``."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default
