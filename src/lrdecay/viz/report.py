"""One self-contained HTML page about named schedules: an interactive chart, facts, configs.

:func:`write_report` writes a page that works offline (inline CSS and script, nothing fetched):

* an interactive chart of every curve (:mod:`lrdecay.viz._report_assets`): hovering shows each
  curve's value at the step under the pointer, dragging zooms into a step range, the wheel zooms
  around the pointer, a double click (or "reset zoom") shows everything again, and the legend's
  buttons hide or show a curve;
* a table of facts per schedule (:func:`lrdecay.viz.describe.describe`): the peak and its step,
  the final value and its step, the horizon (:attr:`~lrdecay.Schedule.total_steps`) and the area
  under the curve;
* a card per schedule: its spec (:func:`lrdecay.to_spec`) and its config
  (:func:`lrdecay.to_config`, as JSON), and what a :class:`ReportEntry` adds: an image, the call
  that built it, where it is logged in TensorBoard, its formula typeset by matplotlib's mathtext
  as inline SVG (:func:`lrdecay.viz.mathsvg.formula_html`) with its symbols explained.

Every piece of text is HTML-escaped; the chart's data is JSON in a ``<script
type="application/json">`` element with ``<``, ``>`` and ``&`` escaped, and the script sets text
with ``textContent`` only, so a schedule named ``<script>`` is shown, never run.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import lrdecay
    >>> from lrdecay.viz.report import write_report
    >>> schedules = {
    ...     "warm-up + cosine": lrdecay.warmup(lrdecay.Cosine(0.1, decay_steps=900), steps=100),
    ...     "step decay": lrdecay.step_decay(0.1, decay_steps=300, decay_rate=0.5),
    ... }
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = write_report(schedules, Path(tmp) / "report.html", title="Two schedules")
    ...     text = page.read_text(encoding="utf-8")
    >>> "<canvas" in text and "Cosine(init_value=0.1, decay_steps=900)" in text
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import inspect
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lrdecay._core import Schedule
from lrdecay.viz._report_assets import CHART_JS, CSS

__all__ = [
    "ReportEntry",
    "math_block",
    "render_report",
    "symbol_legend",
    "write_report",
]

CHART_POINTS = 40_000
"""The chart holds at most this many points in all (at most 4,000 and at least 500 per curve);
longer step ranges are thinned evenly, both ends kept. The facts use every step."""

_PER_CURVE = (500, 4000)


# --------------------------------------------------------------------------- docstring parsing
_MATH_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<inline>.*)$", re.MULTILINE)


def math_block(obj: Callable[..., Any] | str | None) -> str | None:
    """The LaTeX of the first ``.. math::`` block of a docstring (or of ``obj``'s docstring).

    Both forms are understood: ``.. math:: <formula>`` on one line, and ``.. math::`` followed
    by an indented block. Continuation lines are joined with newlines, common indentation removed.

    Example:
        >>> from lrdecay.viz.report import math_block
        >>> math_block('''Decay.
        ...
        ... .. math::
        ...     v(t) = \\\\eta
        ...     + 1
        ...
        ... More.''')
        'v(t) = \\\\eta\\n+ 1'
        >>> math_block("No formula.") is None
        True
    """
    doc = obj if isinstance(obj, str) else inspect.getdoc(obj) if obj is not None else None
    if not doc:
        return None
    doc = inspect.cleandoc(doc)
    match = _MATH_DIRECTIVE.search(doc)
    if match is None:
        return None
    indent = len(match.group("indent").expandtabs())
    lines = [match.group("inline").strip()] if match.group("inline").strip() else []
    for line in doc[match.end() :].splitlines()[1:]:
        if not line.strip():
            if lines:
                break
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        lines.append(line)
    if not lines:
        return None
    block = inspect.cleandoc("\n".join(lines)) if len(lines) > 1 else lines[0]
    return block.strip() or None


_ARG_LINE = re.compile(r"^\s+(?P<name>\w+):\s+:math:`(?P<math>[^`]+)`")
_SYMBOL = re.compile(r"^\s*((?:\\[A-Za-z]+|[A-Za-z])(?:_(?:\{[^}]*\}|\\?[A-Za-z0-9]+))?)")


def symbol_legend(obj: Callable[..., Any] | str) -> dict[str, str]:
    """``{parameter: LaTeX symbol}`` from a Google-style ``Args:`` section.

    An argument documented as ``name: :math:`T > 0`, ...`` gives ``{"name": "T"}``; arguments
    whose description does not start with a ``:math:`` role are left out.

    Example:
        >>> from lrdecay.viz.report import symbol_legend
        >>> symbol_legend('''Args:
        ...     learning_rate: :math:`\\\\eta`.
        ...     decay_steps: :math:`T > 0`.
        ...     staircase: Decay in steps.''')
        {'learning_rate': '\\\\eta', 'decay_steps': 'T'}
    """
    doc = obj if isinstance(obj, str) else inspect.getdoc(obj) or ""
    lines = doc.expandtabs().splitlines()
    out: dict[str, str] = {}
    start = next((i for i, line in enumerate(lines) if line.strip() == "Args:"), None)
    if start is None:
        return out
    indent = len(lines[start]) - len(lines[start].lstrip())
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        match = _ARG_LINE.match(line)
        symbol = _SYMBOL.match(match.group("math")) if match is not None else None
        if match is not None and symbol is not None:
            out[match.group("name")] = symbol.group(1)
    return out


# --------------------------------------------------------------------------- the page
@dataclasses.dataclass(frozen=True)
class ReportEntry:
    """What a schedule's card shows besides its spec and config (every field optional)."""

    title: str = ""
    """The card's heading (default: the schedule's name)."""
    image: str = ""
    """The URL of an image of the curve, relative to the page (e.g. a PNG next to it)."""
    call: str = ""
    """The call that builds the schedule, e.g. ``tf1.cosine_decay(learning_rate=0.01, ...)``."""
    formula: str | None = None
    """The formula, as LaTeX (typeset by :func:`~lrdecay.viz.mathsvg.formula_html`)."""
    symbols: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """``{LaTeX symbol: "parameter = value"}``, the formula's symbols explained."""
    run: str = ""
    """The TensorBoard run the curve is logged in."""
    tag: str = ""
    """The TensorBoard tag."""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—" if value is None else str(value)
    return f"{value:.6g}"


def _step(value: float | None) -> str:
    if value is None:
        return "none"
    if not math.isfinite(value):
        return str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


def _anchors(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(names, start=1):
        anchor = _ANCHOR.sub("-", name).strip("-") or f"schedule-{i}"
        while anchor in out or anchor in ("chart", "facts", "schedules"):
            anchor = f"{anchor}-{i}"
        out.append(anchor)
    return out


def _check(schedules: Any) -> dict[str, Schedule]:
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError("schedules must be a non-empty mapping {name: Schedule}")
    out = {}
    for name, schedule in schedules.items():
        if not isinstance(name, str):
            raise TypeError(f"schedule names must be strings, got {name!r}")
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule {name!r} must be a Schedule, got {schedule!r}")
        out[name] = schedule
    return out


def _thin(steps: np.ndarray, count: int) -> np.ndarray:
    if steps.size <= count:
        return steps
    picked: np.ndarray = steps[np.unique(np.linspace(0, steps.size - 1, count).round().astype(int))]
    return picked


def _json_values(values: np.ndarray) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64).tolist()]


def _script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` left to end the element."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _facts_steps(steps: Any) -> int | None:
    """The ``steps`` argument of :func:`~lrdecay.viz.describe.describe` for a report's ``steps``."""
    if steps is None or (isinstance(steps, int) and not isinstance(steps, bool)):
        return steps
    if isinstance(steps, range):
        return max(steps[0], steps[-1]) + 1 if len(steps) else None
    array = np.asarray(steps)
    return int(array.max()) + 1 if array.size else None


def _facts_row(name: str, anchor: str, color: str, schedule: Schedule, steps: int | None) -> str:
    from lrdecay.viz.describe import describe

    cells = [
        f'<td><span class="swatch" style="background:{color}"></span>'
        f'<a href="#{_e(anchor)}">{_e(name)}</a></td>'
    ]
    try:
        facts = describe(schedule, steps)
    except ValueError:  # no finite value
        cells.extend(["<td>—</td>"] * 5 + [f"<td>{_step(schedule.total_steps)}</td>", "<td>—</td>"])
        return f"<tr>{''.join(cells)}</tr>"
    cells += [
        f"<td>{_num(facts.peak)}</td>",
        f"<td>{_step(facts.peak_step)}</td>",
        f"<td>{_num(facts.final)}</td>",
        f"<td>{_step(facts.final_step)}</td>",
        f"<td>{_step(facts.total_steps)}</td>",
        f"<td>{_num(facts.auc)}</td>",
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _card(number: int, name: str, anchor: str, schedule: Schedule, entry: ReportEntry) -> str:
    from lrdecay.config import to_config
    from lrdecay.spec import to_spec
    from lrdecay.viz.mathsvg import formula_html, math_svg

    rows = []
    if entry.call:
        rows.append(f"<dt>call</dt><dd><code>{_e(entry.call)}</code></dd>")
    if entry.run or entry.tag:
        rows.append(
            f"<dt>TensorBoard</dt><dd>run <code>{_e(entry.run)}</code>, "
            f"tag <code>{_e(entry.tag)}</code></dd>"
        )
    if entry.formula:
        rows.append(
            f"<dt>formula</dt><dd>{formula_html(entry.formula)}"
            f"<details><summary>LaTeX</summary><pre>{_e(entry.formula)}</pre></details></dd>"
        )
    if entry.symbols:
        items = []
        for symbol, meaning in entry.symbols.items():
            try:
                shown = math_svg(symbol)
            except (ValueError, ImportError):
                shown = f"<code>{_e(symbol)}</code>"
            items.append(f"<li>{shown} = {_e(meaning)}</li>")
        rows.append(f'<dt>where</dt><dd><ul class="symbols">{"".join(items)}</ul></dd>')
    with contextlib.suppress(TypeError, ValueError):  # a schedule with no spec shows none
        rows.append(f'<dt>spec</dt><dd><pre class="spec">{_e(to_spec(schedule))}</pre></dd>')
    try:
        config = json.dumps(to_config(schedule), indent=2)
    except (TypeError, ValueError):
        config = None
    if config is not None:
        rows.append(
            "<dt>config</dt><dd><details><summary>lrdecay.to_config (JSON)</summary>"
            f'<pre class="config">{_e(config)}</pre></details></dd>'
        )
    title = entry.title or name
    image = ""
    if entry.image:
        image = (
            f'<a href="{_e(entry.image)}"><img src="{_e(entry.image)}" alt="{_e(title)}" '
            'loading="lazy" width="800" height="450"></a>'
        )
    return (
        f'<section class="card" id="{_e(anchor)}">'
        f'<h3><a href="#{_e(anchor)}"><span class="n">{number}.</span>{_e(title)}</a></h3>'
        f"{image}<dl>{''.join(rows)}</dl></section>"
    )


def render_report(
    schedules: Mapping[str, Schedule],
    *,
    steps: Any = None,
    title: str | None = None,
    intro: Sequence[str] = (),
    entries: Mapping[str, ReportEntry] | None = None,
    footer: str | None = None,
) -> str:
    """The HTML of the report page (see :func:`write_report` for the arguments).

    Example:
        >>> import lrdecay
        >>> from lrdecay.viz.report import render_report
        >>> page = render_report({"<b>": lrdecay.Cosine(0.1, decay_steps=100)})
        >>> "&lt;b&gt;" in page and "<b>" not in page
        True
    """
    from lrdecay import __version__
    from lrdecay.viz.plot import PALETTE, default_steps

    named = _check(schedules)
    extra = dict(entries or {})
    for name, entry in extra.items():
        if name not in named:
            raise ValueError(f"entries: {name!r} is not one of the schedules")
        if not isinstance(entry, ReportEntry):
            raise TypeError(f"entries: {name!r} must map to a ReportEntry, got {entry!r}")
    if isinstance(intro, str):
        intro = (intro,)
    names = list(named)
    anchors = _anchors(names)
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    per_curve = min(max(CHART_POINTS // len(names), _PER_CURVE[0]), _PER_CURVE[1])
    xs = _thin(default_steps(named.values(), steps), per_curve)
    data = {
        "steps": xs.tolist(),
        "series": [
            {"name": name, "color": color, "values": _json_values(schedule(xs))}
            for (name, schedule), color in zip(named.items(), colors, strict=True)
        ],
    }
    if title is None:
        title = names[0] if len(names) == 1 else "Learning-rate schedules"
    if footer is None:
        footer = f"Written by lrdecay {__version__}."
    facts_steps = _facts_steps(steps)
    facts = "".join(
        _facts_row(name, anchor, color, named[name], facts_steps)
        for name, anchor, color in zip(names, anchors, colors, strict=True)
    )
    legend = "".join(
        f'<button type="button" data-series="{i}" aria-pressed="true">'
        f'<span class="swatch" style="background:{color}"></span>{_e(name)}</button>'
        for i, (name, color) in enumerate(zip(names, colors, strict=True))
    )
    nav = "".join(
        f'<a href="#{_e(anchor)}">{_e((extra.get(name) or ReportEntry()).title or name)}</a>'
        for name, anchor in zip(names, anchors, strict=True)
    )
    cards = "\n".join(
        _card(i, name, anchor, named[name], extra.get(name, ReportEntry()))
        for i, (name, anchor) in enumerate(zip(names, anchors, strict=True), start=1)
    )
    paragraphs = "".join(f"<p>{_e(p)}</p>" for p in intro)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(title)}</h1>{paragraphs}<nav>{nav}</nav></header>\n"
        '<div class="wide"><h2>Curves</h2><div class="panel">'
        '<div id="chart"><canvas id="chart-canvas" width="800" height="380" role="img" '
        'aria-label="the learning rate of every schedule against the step"></canvas>'
        '<div id="chart-tooltip" role="tooltip" hidden></div></div>'
        f'<div class="chart-bar"><span id="chart-legend">{legend}</span>'
        '<button type="button" id="chart-reset">reset zoom</button>'
        "<span>drag to zoom into steps, wheel to zoom, double-click to reset</span></div>"
        "</div>\n"
        '<h2 id="facts">Facts</h2><div class="panel facts-wrap"><table class="facts"><thead><tr>'
        "<th>schedule</th><th>peak</th><th>at step</th><th>final</th><th>at step</th>"
        "<th>horizon (total_steps)</th><th>area under the curve</th></tr></thead>"
        f"<tbody>{facts}</tbody></table></div>"
        '<h2 id="schedules">Schedules</h2></div>\n'
        f"<main>\n{cards}\n</main>\n"
        f"<footer>{_e(footer)}</footer>\n"
        f'<script type="application/json" id="lrdecay-data">{_script_json(data)}</script>\n'
        f"<script>{CHART_JS}</script>\n</body>\n</html>\n"
    )


def write_report(
    schedules: Mapping[str, Schedule],
    path: str | os.PathLike[str],
    *,
    steps: Any = None,
    title: str | None = None,
    intro: Sequence[str] = (),
    entries: Mapping[str, ReportEntry] | None = None,
    footer: str | None = None,
) -> Path:
    """Write one self-contained HTML page about ``schedules`` to ``path`` (UTF-8).

    Args:
        schedules: ``{name: schedule}``, in the order shown.
        path: The HTML file (its folder is created if needed).
        steps: The steps charted (:func:`~lrdecay.viz.plot.default_steps`): ``None`` (0 to 10%
            past the furthest horizon), an ``int`` ``n`` (0 to ``n - 1``), a ``range`` or a
            sequence of steps. The facts are taken over every step from 0 to the horizon
            (``None``) or to the last step charted.
        title: The page title and heading (default: the name of a single schedule, else
            "Learning-rate schedules").
        intro: Paragraphs of plain text under the heading.
        entries: ``{name: ReportEntry}``: more to show on some schedules' cards.
        footer: A line of plain text at the bottom (default: the lrdecay version).

    Returns:
        The path written.

    Raises:
        TypeError, ValueError: If ``schedules``, ``steps`` or ``entries`` are malformed.
        IsADirectoryError: If ``path`` is a folder.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import lrdecay
        >>> from lrdecay.viz.report import write_report
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     page = write_report({"cosine": lrdecay.Cosine(0.1, 100)}, Path(tmp) / "r.html")
        ...     page.name
        'r.html'
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path, got {path!r}")
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"cannot write the report to {str(target)!r}: it is a folder")
    text = render_report(
        schedules, steps=steps, title=title, intro=intro, entries=entries, footer=footer
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
