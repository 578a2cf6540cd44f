"""The knowledge catalogue is complete and the public help page speaks Chinese."""

import polib
import pytest

from kefu.core.i18n import ROOT, compile_all

CATALOGUE = ROOT / "knowledge/locale/zh_Hans/LC_MESSAGES/django.po"


def test_knowledge_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]


@pytest.mark.django_db
def test_public_help_page_in_chinese(kb, client, settings):
    compile_all()
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get(
        "/help/shop/shop-refund-time/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "这篇内容对您有帮助吗？" in page
