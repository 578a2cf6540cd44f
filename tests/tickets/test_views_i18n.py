"""The ticket pages speak Chinese: a complete zh_Hans catalogue for the tickets app (design.md i18n)."""

from __future__ import annotations

import polib
import pytest
from django.urls import reverse

from kefu.core.i18n import ROOT, compile_all

CATALOGUE = ROOT / "tickets/locale/zh_Hans/LC_MESSAGES/django.po"


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_all()


def test_tickets_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 200
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_ticket_pages_render_in_chinese(web_as, agent, make_ticket):
    client = web_as(agent)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    ticket = make_ticket(agent, title="商品少发了一件")

    intake = client.get(reverse("tickets:intake")).content.decode()
    listing = client.get(reverse("tickets:list")).content.decode()
    detail = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "按电话（4 位以上数字）或姓名查找" in intake and "保存工单" in intake
    assert "本组队列" in listing and "权限内全部" in listing
    # a ticket is 创建 (created); 建档 (filed) is the customer list's word for the same English
    assert "创建时间起" in listing and "建档" not in listing
    assert "首问负责人" in detail and "内部备注（客户不可见）" in detail
    assert "投诉" in detail
    # the timeline's first event says what happened, not the "created at" column header
    assert "创建了工单" in detail
