"""The state-of-the-art-over-time chart of a leaderboard, drawn as inline SVG at build time.

Every ranked result is a point (x: the date it was evaluated on, y: its primary-metric value),
each titled with its model name and value; the running best (`sota_history`) is a step line.
The SVG carries classes only (no inline styles), so the site's stylesheet colours it and a
strict Content-Security-Policy needs no exception. Contributor text is escaped here because
the SVG is handed to the templates as markup.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from markupsafe import Markup

from validator.site.escaping import esc, esc_text

# The drawing's own coordinate system; the stylesheet scales it to the column's width.
WIDTH = 640
HEIGHT = 340
LABEL_MAX = 26
LEFT, RIGHT, TOP, BOTTOM = 84, 24, 16, 56


class Point(NamedTuple):
    """One ranked result on the chart (a tuple: there is one per result of every leaderboard)."""

    day: int  # proleptic ordinal of the evaluation date
    value: float
    model: str
    value_text: str
    date: str
    best: bool
    extra: bool


def parse_day(value: Any) -> int | None:
    """A (partial) ISO date as an ordinal day; a partial date counts as its first day."""
    if not isinstance(value, str):
        return None
    return _parse_day_text(value)


@lru_cache(maxsize=8192)  # a leaderboard's dates repeat, and every row is parsed
def _parse_day_text(value: str) -> int | None:
    text = value.strip()
    if len(text) == 4:
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    try:
        return _dt.date.fromisoformat(text[:10]).toordinal()
    except ValueError:
        return None


def metric_number(value: Any) -> float | None:
    """A metric value as a float: a number, or the `value` of `{value, error}`."""
    if type(value) is float:  # the common case, without the checks below
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def format_number(value: Any) -> str:
    """Fallback text for a value when the data carries no `metrics_text` (shortest round-trip form)."""
    if isinstance(value, Mapping):
        main, error = value.get("value"), value.get("error")
        return f"{format_number(main)} ± {format_number(error)}" if error is not None else format_number(main)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class Points:
    """The chart's points, gathered row by row. The renderer walks a leaderboard's rows once, for
    its table, and hands each ranked row here (`add`) with the fields it has read: the rows (every
    result of every leaderboard) are not walked a second time for the chart."""

    __slots__ = ("primary", "best_keys", "best_models", "points")

    def __init__(self, leaderboard: Mapping[str, Any]) -> None:
        self.primary = leaderboard.get("primary_metric")
        history = leaderboard.get("sota_history") or []
        self.best_keys = {
            (h.get("model"), h.get("paper_id"), h.get("date")) for h in history if isinstance(h, Mapping)
        }
        # A row is a record only if its model set one: the paper of any other row is never looked up.
        self.best_models = {model for model, _, _ in self.best_keys}
        self.points: list[Point] = []

    def add(self, values: Mapping[str, Any], texts: Mapping[str, Any], model: Any, evaluated_on: Any,
            paper: Any, extra: bool) -> None:
        """A ranked row (its `metrics`, `metrics_text`, `model`, `evaluated_on`, `paper` and
        whether it used extra data) becomes a point if its primary metric and its date can be placed."""
        value = metric_number(values.get(self.primary))
        day = _parse_day_text(evaluated_on) if isinstance(evaluated_on, str) else None
        if value is None or day is None:
            return
        text = texts.get(self.primary)
        best = model in self.best_models and (model, (paper or {}).get("id"), evaluated_on) in self.best_keys
        self.points.append(
            Point._make(  # from a tuple: cheaper than the constructor's keyword-capable signature
                (
                    day,
                    value,
                    model if type(model) is str else str(model or ""),
                    text if type(text) is str else str(text) if text is not None else format_number(value),
                    evaluated_on,
                    best,
                    extra,
                ),
            )
        )


def chart_points(leaderboard: Mapping[str, Any]) -> list[Point]:
    """The ranked rows of a leaderboard that can be placed on the chart, in row order."""
    points = Points(leaderboard)
    for row in leaderboard.get("rows") or []:
        if (type(row) is dict or isinstance(row, Mapping)) and row.get("rank") is not None:
            points.add(
                row.get("metrics") or {}, row.get("metrics_text") or {}, row.get("model"), row.get("evaluated_on"),
                row.get("paper"), bool(row.get("uses_additional_data")),
            )
    return points.points


def nice_step(span: float, target: int) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about `target` intervals."""
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _value_ticks(low: float, high: float) -> tuple[float, float, list[float], int]:
    """The y range widened to round ticks, the ticks, and the decimals their labels need."""
    if high == low:
        pad = abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low, 4)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    count = round((end - start) / step)
    ticks = [start + i * step for i in range(count + 1)]
    decimals = 0  # as many as the step needs: 0.25 needs two, 5 needs none
    while decimals < 8 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return start, end, ticks, decimals


def _date_ticks(first: int, last: int) -> list[tuple[int, str]]:
    """Ticks on month starts, every 1, 3 or 6 months or 1, 2, 5, 10 or 20 years: the finest
    step that gives at most 6 ticks. Years are labelled `2019`, other months `2019-07`."""
    start, end = _dt.date.fromordinal(first), _dt.date.fromordinal(last)
    first_month = start.year * 12 + start.month - 1 + (start.day > 1)
    last_month = end.year * 12 + end.month - 1
    for step in (1, 3, 6, 12, 24, 60, 120, 240):
        months = range(first_month + (-first_month) % step, last_month + 1, step)  # multiples of step
        if len(months) <= 6:
            break
    ticks = []
    for m in months:
        year, month = divmod(m, 12)
        label = str(year) if month == 0 else f"{year}-{month + 1:02d}"
        ticks.append((_dt.date(year, month + 1, 1).toordinal(), label))
    return ticks


def axis_label(metric: str, unit: str, direction: str) -> str:
    """The value axis's label: the metric, its unit when short, which way is better; at most
    LABEL_MAX characters so that it fits beside the plot (the caption names the metric in full)."""
    unit_text = {"percent": "%"}.get(unit, unit if unit and unit != "none" and len(unit) <= 8 else "")
    suffix = (f" ({unit_text})" if unit_text else "") + {"higher": " ↑", "lower": " ↓"}.get(direction, "")
    if len(metric) + len(suffix) > LABEL_MAX:
        metric = metric[: max(1, LABEL_MAX - len(suffix) - 1)].rstrip() + "…"
    return metric + suffix


# A mark's classes and the note its title ends with, by (state of the art, extra training data).
_MARKS = {
    (False, False): ("pt", ""),
    (True, False): ("pt best", " (state of the art)"),
    (False, True): ("pt extra", " (extra training data)"),
    (True, True): ("pt best extra", " (state of the art) (extra training data)"),
}


def _fmt(x: float) -> str:
    """`x` with one decimal, less a trailing ".0" (the one decimal is always there)."""
    text = f"{x:.1f}"
    return text[:-2] if text[-1] == "0" else text


def sota_chart(leaderboard: Mapping[str, Any], points: list[Point] | None = None) -> Markup:
    """The chart as an `<svg>` element, or an empty string when no result can be placed.
    `points`: the leaderboard's `chart_points`, when the caller has gathered them already."""
    if points is None:
        points = chart_points(leaderboard)
    if not points:
        return Markup("")
    history: Sequence[Any] = leaderboard.get("sota_history") or []
    primary = str(leaderboard.get("primary_metric") or "")
    direction = ""
    unit = ""
    for metric in leaderboard.get("metrics") or []:
        if isinstance(metric, Mapping) and metric.get("name") == primary:
            direction = str(metric.get("direction") or "")
            unit = str(metric.get("unit") or "")

    days, values = [p.day for p in points], [p.value for p in points]
    first_day, last_day = min(days), max(days)
    if first_day == last_day:
        first_day, last_day = first_day - 182, last_day + 182
    else:
        pad = max(15, (last_day - first_day) // 30)
        first_day, last_day = first_day - pad, last_day + pad
    low, high, y_ticks, decimals = _value_ticks(min(values), max(values))

    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def sx(day: float) -> float:
        return LEFT + (day - first_day) / (last_day - first_day) * plot_w

    def sy(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    out: list[str] = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="chart-caption" xmlns="http://www.w3.org/2000/svg">'
    ]
    # Grid and value axis.
    tick_ys = [_fmt(sy(tick)) for tick in y_ticks]
    out.append('<g class="grid">')
    for y in tick_ys:
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
    out.append("</g>")
    out.append('<g class="axis y-axis">')
    for tick, y in zip(y_ticks, tick_ys, strict=True):
        out.append(f'<text x="{LEFT - 8}" y="{y}" dy="0.32em" text-anchor="end">{tick:.{decimals}f}</text>')
    label = axis_label(primary, unit, direction)
    out.append(
        f'<text class="axis-label" transform="translate(18 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{esc(label)}</text>'
    )
    out.append("</g>")
    # Date axis.
    out.append('<g class="axis x-axis">')
    base = TOP + plot_h
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>')
    for day, text in _date_ticks(first_day, last_day):
        x_at = sx(day)
        if x_at - LEFT < 24 or x_at > WIDTH - 18:
            continue  # a label at the very left would run into the value axis's labels
        x = _fmt(x_at)
        out.append(f'<line x1="{x}" x2="{x}" y1="{base}" y2="{base + 5}"/>')
        out.append(f'<text x="{x}" y="{base + 20}" text-anchor="middle">{text}</text>')
    out.append(
        f'<text class="axis-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle">'
        "Date evaluated</text>"
    )
    out.append("</g>")
    # The running best: a step that holds each record until the next one, up to the last result.
    steps = [
        (parse_day(h.get("date")), metric_number(h.get("value")))
        for h in history
        if isinstance(h, Mapping)
    ]
    steps = [(d, v) for d, v in steps if d is not None and v is not None]
    if steps:
        steps.sort(key=lambda s: s[0])
        end_day = max(last_day, steps[-1][0])  # the record stands to the right edge
        path = [f"M{_fmt(sx(steps[0][0]))} {_fmt(sy(steps[0][1]))}"]
        for day, value in steps[1:]:
            path.append(f"H{_fmt(sx(day))}V{_fmt(sy(value))}")
        path.append(f"H{_fmt(sx(end_day))}")
        out.append(f'<path class="sota-line" d="{"".join(path)}"/>')
    # Every ranked result; records drawn last so they sit on top.
    # One mark per ranked result, so the loop is lean: the scales are written out (the same
    # arithmetic as sx/sy, so the same digits; `[:-2]` drops a ".0" as `_fmt` does) and the
    # title, a str, is escaped by `esc_text` (no Markup objects).
    out.append('<g class="points">')
    x_span, y_span = last_day - first_day, high - low
    records: list[str] = []
    for day, value, model, value_text, date, best, extra in points:
        classes, note = _MARKS[best, extra]
        cx = f"{LEFT + (day - first_day) / x_span * plot_w:.1f}"
        cy = f"{TOP + (high - value) / y_span * plot_h:.1f}"
        mark = (
            f'<circle class="{classes}" cx="{cx[:-2] if cx[-1] == "0" else cx}" '
            f'cy="{cy[:-2] if cy[-1] == "0" else cy}" r="5">'
            f"<title>{esc_text(f'{model}: {value_text} ({date})')}{note}</title></circle>"
        )
        (records if best else out).append(mark)
    out += records
    out.append("</g></svg>")
    return Markup("".join(out))
