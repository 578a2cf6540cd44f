"""Charts are Apache ECharts options (issue 22: a maintained package, never a CDN); the option
carries every label and value as data, so a page embeds it as JSON, never as markup."""

from __future__ import annotations

from kefu.reports.charts import bar_option, chart


def test_bar_option_carries_each_label_and_value_in_order():
    option = bar_option("Tickets by type", [("Complaint", 12), ("Enquiry", 30)])
    assert option["yAxis"]["data"] == ["Complaint", "Enquiry"]
    assert option["series"][0]["data"] == [12, 30]
    assert option["aria"]["label"]["description"] == "Tickets by type"


def test_chart_height_fits_its_bars_and_text_is_data_not_markup():
    c = chart("c", "t", [("<b>x</b>", 1), ("y", 2), ("z", 3)])
    assert c["height"] > chart("d", "t", [("x", 1)])["height"]
    assert c["option"]["yAxis"]["data"][0] == "<b>x</b>"  # json_script escapes it on the page
