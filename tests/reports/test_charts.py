"""Server-side SVG charts (foundation issue §6 "home")."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kefu.reports.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_valid_svg_with_a_title_and_a_labelled_bar_per_item():
    svg = bar_chart("Tickets by type", [("Complaint", 12), ("Enquiry", 30)], chart_id="c")

    root = ET.fromstring(svg)

    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Tickets by type"
    assert root.get("aria-labelledby") == "c-title"
    bars = root.findall(f"{SVG}g")
    assert [g.find(f"{SVG}title").text for g in bars] == ["Complaint: 12", "Enquiry: 30"]
    assert [g.findall(f"{SVG}text")[1].text for g in bars] == ["12", "30"]


def test_longest_bar_belongs_to_the_largest_value():
    root = ET.fromstring(bar_chart("t", [("a", 5), ("b", 20), ("c", 0)]))

    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]

    assert widths[1] == max(widths)
    assert widths[2] == 0
    assert widths[0] == widths[1] / 4


def test_chart_text_is_escaped():
    svg = bar_chart('<script>"x"</script>', [("A & B <i>", 1)])

    root = ET.fromstring(svg)

    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == '<script>"x"</script>'
    assert root.find(f"{SVG}g/{SVG}title").text == "A & B <i>: 1"


def test_empty_chart_is_still_valid_svg():
    root = ET.fromstring(bar_chart("Nothing", []))

    assert root.find(f"{SVG}title").text == "Nothing"
    assert root.findall(f"{SVG}rect") == []
