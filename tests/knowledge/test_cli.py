"""`kefu kb import` and `kefu kb search --json` (stable interface)."""

import json

import pytest
from openpyxl import Workbook

from kefu.cli import main
from kefu.knowledge.models import Article


def _sheet(path, rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return str(path)


@pytest.mark.django_db(transaction=True)
def test_import_then_search_in_an_empty_database(tmp_path, capsys):
    # given an empty database and a sheet with Chinese headers
    path = _sheet(
        tmp_path / "faq.xlsx",
        [
            ["标题", "内容", "分类", "标签"],
            ["退款多久到账", "仓库签收后 1–3 个工作日退款，原路返回。", "售后/退款", "退款,到账"],
            ["怎么开发票", "确认收货后在订单详情申请开票。", "发票", "发票、开票"],
        ],
    )
    # when it is imported without a business line
    assert main(["kb", "import", path]) == 0
    # then a default line holds the articles and search finds them, best first
    capsys.readouterr()
    assert main(["kb", "search", "退钱要几天", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results[0]["title"] == "退款多久到账"
    assert isinstance(results[0]["score"], float)
    assert Article.objects.get(title="退款多久到账").business_line.industry == "ecommerce"


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_stops_the_import_with_its_number(tmp_path, capsys):
    path = _sheet(
        tmp_path / "bad.xlsx",
        [["title", "body"], ["好的一行", "内容"], ["没有内容的一行", None]],
    )
    assert main(["kb", "import", path]) == 2
    err = capsys.readouterr().err
    assert "3" in err
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_import_of_a_file_that_is_not_xlsx_is_refused(tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    assert main(["kb", "import", str(path)]) == 2
    assert "xlsx" in capsys.readouterr().err
