"""How a schedule shows itself in a notebook: a PNG of its curve, and HTML with a few facts.

Jupyter and IPython call :meth:`Schedule._repr_png_ <lrdecay.Schedule._repr_png_>` and
:meth:`Schedule._repr_html_ <lrdecay.Schedule._repr_html_>`, which call :func:`png` and
:func:`html`. Both draw on matplotlib's Agg canvas without ``pyplot`` (no figure is left open,
no backend is chosen) over the schedule's default horizon (:func:`~lrdecay.viz.plot.default_steps`),
and both return ``None`` when matplotlib is not installed, so the notebook falls back on the
schedule's ``repr``.

Example:
    >>> import lrdecay
    >>> from lrdecay.viz.notebook import html, png
    >>> s = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
    >>> png(s)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    >>> "<img" in html(s) and "peak" in html(s)
    True
"""

from __future__ import annotations

import base64
import html as _html
import io

from lrdecay._core import Schedule

__all__ = ["html", "png"]

_SIZE = (6.0, 3.0)
_DPI = 80


def png(schedule: Schedule) -> bytes | None:
    """A PNG of ``schedule``'s curve over its default horizon, or ``None`` without matplotlib.

    Raises:
        TypeError: If ``schedule`` is not a :class:`~lrdecay.Schedule`.
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(f"schedule must be a Schedule, got {schedule!r}")
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from lrdecay.viz.plot import plot

    figure = Figure(figsize=_SIZE, dpi=_DPI, facecolor="white", layout="tight")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    plot({type(schedule).__name__: schedule}, ax=ax)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def html(schedule: Schedule) -> str | None:
    """An ``<img>`` of :func:`png` inlined as base64 and a table of the peak, final value and
    horizon; ``None`` without matplotlib.

    Raises:
        TypeError: If ``schedule`` is not a :class:`~lrdecay.Schedule`.
    """
    image = png(schedule)
    if image is None:
        return None
    from lrdecay.viz.describe import describe

    facts = describe(schedule)
    encoded = base64.b64encode(image).decode("ascii")
    title = _html.escape(repr(schedule))
    rows = (
        ("peak", f"{_number(facts.peak)} at step {facts.peak_step:,}"),
        ("final", f"{_number(facts.final)} at step {facts.final_step:,}"),
        ("horizon", "none" if facts.total_steps is None else f"{facts.total_steps:,.6g} steps"),
    )
    table = "".join(
        f"<tr><th style='text-align:left'>{name}</th><td style='text-align:left'>"
        f"{_html.escape(value)}</td></tr>"
        for name, value in rows
    )
    return (
        f"<div><img src='data:image/png;base64,{encoded}' alt='{title}' title='{title}'/>"
        f"<table>{table}</table></div>"
    )
