"""The surveys catalogue is complete and the public survey page speaks Chinese."""

from __future__ import annotations

import polib
from django.urls import reverse

from kefu.core.i18n import ROOT, compile_all
from kefu.surveys import services
from kefu.surveys.tokens import make_token

CATALOGUE = ROOT / "surveys/locale/zh_Hans/LC_MESSAGES/django.po"


def test_surveys_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]


def test_public_survey_page_in_chinese(client, settings, agent, make_ticket, close, questionnaire):
    compile_all()
    settings.LANGUAGE_CODE = "zh-hans"
    questionnaire()
    invitation = services.invite_after_close(close(make_ticket(agent), agent))
    url = reverse("surveys:answer", args=[make_token(invitation.pk)])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1 = 非常不满意，5 = 非常满意" in page
    assert "提交" in page
    forged = reverse("surveys:answer", args=[make_token(invitation.pk) + "x"])
    again = client.get(forged, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "该调查链接无效。" in again
