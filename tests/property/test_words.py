"""Words on the property office's and the repair centre's pages that another app's catalogue
used to win (a short msgid such as "Rate" read 回访率 on the collection table), and the order of
buildings as people count them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.property.rules import building_order

pytestmark = pytest.mark.django_db


def test_buildings_sort_as_people_count_them():
    names = ["11栋", "2栋", "A座", "1栋", "10栋"]

    assert sorted(names, key=building_order) == ["1栋", "2栋", "10栋", "11栋", "A座"]


def test_the_collection_table_reads_collection_rate_in_chinese(web_as, wy_agent):
    html = web_as(wy_agent).get(reverse("property:desk"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "收费率" in html.content.decode() and "回访率" not in html.content.decode()


def test_the_repair_centre_reads_repeat_rate_in_chinese(web_as, org):
    line = account_services.business_line_create(name="维修", code="rcw", industry="repair")
    repairer = make_user("rcw_a", "agent", team=Team.objects.filter(business_line=line).first())

    html = web_as(repairer).get(reverse("booking:repairs"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "返修率" in html.content.decode() and "回访率" not in html.content.decode()


def test_the_activities_page_title_is_a_title_and_the_fees_show_once(web_as, wy_agent):
    html = web_as(wy_agent).get(reverse("property:activities")).content.decode()

    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "centre-fees" not in title
    assert html.count('id="centre-fees"') == 1
