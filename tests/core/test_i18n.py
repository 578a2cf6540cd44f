"""Chinese first, English second: the navbar language switch works and persists (design.md i18n)."""

from __future__ import annotations

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from kefu.core.i18n import ROOT, compile_all

CATALOGUES = [
    ROOT / "locale/zh_Hans/LC_MESSAGES/django.po",
    ROOT / "core/locale/zh_Hans/LC_MESSAGES/django.po",
    ROOT / "accounts/locale/zh_Hans/LC_MESSAGES/django.po",
]


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_all()


def _switch(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_language_switch_renders_chinese_then_english(web_as, agent):
    client = web_as(agent)
    me = reverse("accounts:me")

    response = _switch(client, "zh-hans", me)
    assert response.status_code == 302
    chinese = client.get(me).content.decode()
    _switch(client, "en", me)
    english = client.get(me).content.decode()

    assert "我的账户" in chinese and "客服专员" in chinese and 'lang="zh-hans"' in chinese
    assert "My account" in english and "Agent" in english and 'lang="en"' in english


def test_chosen_language_persists_across_requests(web_as, agent):
    client = web_as(agent)
    _switch(client, "zh-hans", "/")

    first = client.get(reverse("accounts:me")).content.decode()
    second = client.get(reverse("accounts:password_change")).content.decode()

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "我的账户" in first
    assert "当前密码" in second


def test_error_pages_speak_the_users_language(web_as, agent):
    client = web_as(agent)
    _switch(client, "zh-hans", "/")

    response = client.get(reverse("accounts:org_users"))

    assert response.status_code == 403
    assert "您的角色无权访问此页面" in response.content.decode()


def test_api_errors_are_translated(client, db):
    response = client.get("/api/v1/accounts/me", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json()["error"] == {
        "code": "unauthorized",
        "message": "请登录或提供有效的 API 令牌。",
        "fields": {},
    }


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    po = polib.pofile(str(path))

    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]
