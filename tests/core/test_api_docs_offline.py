"""`/api/v1/docs` works on an intranet with no way out: the Swagger UI page references no
external host, and every script, stylesheet and icon it loads is served by our own server."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag in ("img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])


@pytest.mark.django_db
def test_docs_page_loads_everything_from_our_server(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    for marker in ("http://", "https://", "//cdn", "jsdelivr", "unpkg", "django-ninja.dev"):
        assert marker not in html, f"the docs page points outside: {marker}"

    parser = _Assets()
    parser.feed(html)
    scripts = [u for u in parser.urls if u.endswith(".js")]
    styles = [u for u in parser.urls if u.endswith(".css")]
    assert any("swagger-ui-bundle" in u for u in scripts)
    assert styles, "the Swagger UI stylesheet is missing"
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert len(body) > 100, url


@pytest.mark.django_db
def test_docs_page_reads_our_openapi_spec(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/openapi.json" in html
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == "Kefu API"
