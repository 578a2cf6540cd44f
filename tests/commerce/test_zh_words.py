"""The commerce pages speak e-commerce Chinese: a short word another app translated differently
(Order → 顺序, Review → 质检, Day → 星期, Waiting → 待作答) reads 订单, 评价, 日期 and 待处理 here."""

from __future__ import annotations

import pytest

from kefu.commerce.services import returns
from kefu.commerce.services import returns_team as team

from .conftest import at

pytestmark = pytest.mark.django_db
DONE = {
    "paid_at": "2026-11-11 10:05:00",
    "shipped_at": "2026-11-11 18:00:00",
    "delivered_at": "2026-11-13 15:00:00",
}
PAGES = (
    "/commerce/",
    "/commerce/reminders/phone/",
    "/commerce/returns/",
    "/commerce/refunds/",
    "/commerce/care/",
    "/commerce/reviews/",
    "/commerce/double11/",
    "/commerce/team/",
    "/commerce/logistics/",
    "/commerce/registers/",
    "/commerce/disputes/?all=1",
)
WRONG = ("顺序", "质检", "星期", "待作答", "上课时间", "回访结果", "受理时间")


@pytest.fixture
def zh(web_as, manager):
    client = web_as(manager)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    return client


def test_commerce_pages_in_chinese_use_the_shops_words(zh, agent, make_orders):
    orders = make_orders([("Z1", "2026-11-11 10:00:00", 199, DONE)])
    ret = returns.return_request(
        actor=agent, order=orders["Z1"], requested_at=at("2026-11-14 09:00")
    )
    returns.return_step(actor=agent, ret=ret, version=ret.version, step="approve")
    returns.return_step(actor=agent, ret=ret, version=ret.version, step="receive")
    case = team.case_open(actor=agent, order=orders["Z1"], kind="lost")
    pages = {
        path: zh.get(path)
        for path in (
            *PAGES,
            f"/commerce/returns/{ret.pk}/",
            f"/commerce/logistics/{case.pk}/",
            f"/commerce/orders/{orders['Z1'].pk}/",
        )
    }
    for path, response in pages.items():
        assert response.status_code == 200, path
        html = response.content.decode()
        assert 'lang="zh-hans"' in html, path
        text = html[html.index("<main") : html.index("</main>")]  # the site menu is not ours
        for word in WRONG:
            assert word not in text, (path, word)
    assert "<th>订单</th>" in pages["/commerce/returns/"].content.decode()
    assert "已收到" in pages[f"/commerce/returns/{ret.pk}/"].content.decode()
    assert "<th>评价内容</th>" in pages["/commerce/reviews/"].content.decode()
    assert "<th>日期</th>" in pages["/commerce/"].content.decode()
    team_page = pages["/commerce/team/"].content.decode()
    assert "补发准确率" in team_page and "退货小组" in team_page
    assert "丢件" in pages[f"/commerce/logistics/{case.pk}/"].content.decode()
