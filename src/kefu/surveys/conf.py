"""The surveys app's one settings accessor (style.md: no getattr(settings, …) sprinkled around)."""

from __future__ import annotations

import os

from django.conf import settings


def public_url() -> str:
    """Scheme and host the customers' survey links start with: ``KEFU_PUBLIC_URL`` (e.g.
    https://kefu.example.com), else the first allowed host on the default port."""
    if url := os.environ.get("KEFU_PUBLIC_URL", "").strip():
        return url.rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "127.0.0.1")
    return f"http://{host}:8000"
