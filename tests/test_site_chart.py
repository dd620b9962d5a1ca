"""The state-of-the-art chart: one titled mark per ranked result, the running best as a step line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from validator.site.chart import axis_label, chart_points, parse_day, sota_chart

SVG = "{http://www.w3.org/2000/svg}"


def board(rows: list[dict[str, Any]], history: list[dict[str, Any]], direction: str = "higher") -> dict[str, Any]:
    return {
        "task": {"id": "t", "name": "T"},
        "dataset": {"id": "d", "name": "D"},
        "metrics": [{"name": "Acc", "direction": direction, "unit": "percent"}],
        "primary_metric": "Acc",
        "rows": rows,
        "sota_history": history,
    }


def row(rank: int | None, model: str, value: Any, text: str | None, date: str, extra: bool = False) -> dict[str, Any]:
    metrics = {} if value is None else {"Acc": value}
    texts = {} if text is None else {"Acc": text}
    return {"rank": rank, "model": model, "paper": {"id": model.lower()}, "metrics": metrics, "metrics_text": texts,
            "uses_additional_data": extra, "evaluated_on": date}


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_one_titled_mark_per_ranked_result_and_a_step_line() -> None:
    rows = [
        row(1, "C", 90.5, "90.50", "2021-03-01"),
        row(2, "B", {"value": 88.0, "error": 0.2}, "88.0", "2020"),
        row(3, "A", 80, "80", "2019-06", extra=True),
        row(None, "No primary", None, None, "2020-01-01"),
    ]
    history = [
        {"date": "2019-06", "model": "A", "paper_id": "a", "value": 80},
        {"date": "2020", "model": "B", "paper_id": "b", "value": 88.0},
        {"date": "2021-03-01", "model": "C", "paper_id": "c", "value": 90.5},
    ]
    svg = parse(sota_chart(board(rows, history)))
    marks = svg.findall(f".//{SVG}circle")
    assert len(marks) == 3
    titles = sorted(m.find(f"{SVG}title").text or "" for m in marks)  # type: ignore[union-attr]
    assert titles[0].startswith("A: 80 (2019-06)") and "extra training data" in titles[0]
    assert titles[1].startswith("B: 88.0 (2020)") and titles[2].startswith("C: 90.50 (2021-03-01)")
    assert all("best" in (m.get("class") or "") for m in marks)
    path = svg.find(f".//{SVG}path").get("d")  # type: ignore[union-attr]
    assert path is not None and path.startswith("M") and path.count("V") == 2 and path.count("H") == 3
    # the line steps up (higher is better): every V goes to a smaller y
    ys = [float(y) for y in re.findall(r"V([\d.]+)", path)]
    assert ys == sorted(ys, reverse=True)


def test_points_sit_where_their_dates_and_values_say() -> None:
    rows = [row(1, "New", 60.0, "60", "2020-01-01"), row(2, "Old", 50.0, "50", "2018-01-01")]
    svg = parse(sota_chart(board(rows, [])))
    marks = {m.find(f"{SVG}title").text.split(":")[0]: m for m in svg.findall(f".//{SVG}circle")}  # type: ignore[union-attr]
    assert float(marks["New"].get("cx") or 0) > float(marks["Old"].get("cx") or 0)
    assert float(marks["New"].get("cy") or 0) < float(marks["Old"].get("cy") or 0)  # higher value, higher up
    labels = [t.text for t in svg.findall(f".//{SVG}text")]
    assert "2019" in labels and "2020" in labels  # year ticks
    assert "Date evaluated" in labels and "Acc (%) ↑" in labels


def test_lower_is_better_steps_down_and_is_labelled() -> None:
    rows = [row(1, "B", 30.0, "30.0", "2020-01-01"), row(2, "A", 50.0, "50.0", "2019-01-01")]
    history = [{"date": "2019-01-01", "model": "A", "paper_id": "a", "value": 50.0},
               {"date": "2020-01-01", "model": "B", "paper_id": "b", "value": 30.0}]
    svg = parse(sota_chart(board(rows, history, direction="lower")))
    path = svg.find(f".//{SVG}path").get("d") or ""  # type: ignore[union-attr]
    start_y = float(path.split()[1].split("H")[0])
    (down_y,) = [float(y) for y in re.findall(r"V([\d.]+)", path)]
    assert down_y > start_y  # a smaller value is drawn lower
    assert "Acc (%) ↓" in [t.text for t in svg.findall(f".//{SVG}text")]


def test_a_single_result_and_equal_values_still_draw() -> None:
    svg = parse(sota_chart(board([row(1, "Only", 5, "5", "2020-05-05")], [])))
    assert len(svg.findall(f".//{SVG}circle")) == 1
    rows = [row(1, "A", 7, "7", "2020-01-01"), row(1, "B", 7, "7.0", "2020-01-01")]
    svg = parse(sota_chart(board(rows, [])))
    assert len(svg.findall(f".//{SVG}circle")) == 2
    for circle in svg.findall(f".//{SVG}circle"):
        assert 0 <= float(circle.get("cx") or -1) <= 640 and 0 <= float(circle.get("cy") or -1) <= 340


def test_no_chart_without_a_placeable_result() -> None:
    assert str(sota_chart(board([], []))) == ""
    assert str(sota_chart(board([row(None, "X", None, None, "2020")], []))) == ""
    assert str(sota_chart({})) == ""


def test_hostile_model_names_are_escaped_in_titles() -> None:
    markup = str(sota_chart(board([row(1, "<script>alert(1)</script>", 1, "1</title><script>", "2020")], [])))
    assert "<script>" not in markup
    title = parse(markup).find(f".//{SVG}title")
    assert title is not None and title.text == "<script>alert(1)</script>: 1</title><script> (2020)"


def test_partial_dates_count_as_their_first_day() -> None:
    assert parse_day("2019") == parse_day("2019-01-01")
    assert parse_day("2019-09") == parse_day("2019-09-01")
    assert parse_day("2019-13") is None and parse_day(None) is None
    assert chart_points(board([row(1, "A", 1, "1", "not a date")], [])) == []


def test_long_metric_names_are_shortened_on_the_axis() -> None:
    label = axis_label("Mean Average Precision at IoU 0.5 to 0.95 (COCO)", "percent", "higher")
    assert len(label) <= 26 and label.endswith("… (%) ↑")
    assert axis_label("Params", "count", "lower") == "Params (count) ↓"
    assert axis_label("BLEU", "none", "") == "BLEU"
