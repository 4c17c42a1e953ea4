"""Schedules drawn in the terminal, as text (``lrdecay show``), with uniplot.

For work over SSH, where no image can be opened: :func:`terminal_plot` returns the chart as a
string of Unicode block characters, curves overlaid with a legend, phase boundaries
(:func:`~lrdecay.viz.plot.phase_boundaries`) as vertical grid lines. uniplot is imported when
the function is called (``pip install uniplot``, a dependency of lrdecay).

Example:
    >>> import lrdecay
    >>> from lrdecay.viz.terminal import terminal_plot
    >>> text = terminal_plot({"cosine": lrdecay.Cosine(init_value=0.1, decay_steps=1000)})
    >>> "cosine" in text and "█" in text
    True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from lrdecay._core import Schedule

__all__ = ["terminal_plot"]


def terminal_plot(
    schedules: Mapping[str, Schedule],
    *,
    steps: Any = None,
    log_y: bool = False,
    width: int = 72,
    height: int = 18,
    color: bool = False,
    steps_per_epoch: float | None = None,
    title: str | None = None,
) -> str:
    """The curves of ``schedules`` as a text chart.

    Args:
        schedules: ``{label: schedule}``, drawn in order, named in the legend.
        steps: The steps to draw (see :func:`~lrdecay.viz.plot.default_steps`).
        log_y: A logarithmic y axis (values <= 0 are left out).
        width: The plotting area's width in characters.
        height: Its height in lines.
        color: Colour the curves with ANSI escape codes.
        steps_per_epoch: When given, the x axis counts epochs.
        title: A title line above the chart.

    Raises:
        ImportError: If uniplot is missing.
        ValueError: If a size is not positive or nothing is left to draw.
    """
    from lrdecay.viz.plot import default_steps, phase_boundaries

    try:
        from uniplot import plot_to_string
    except ImportError as error:
        raise ImportError("drawing in the terminal needs uniplot: pip install uniplot") from error
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 8:
            raise ValueError(f"{name} must be an integer >= 8, got {value!r}")
    xs = default_steps(schedules.values(), steps)
    per = float(steps_per_epoch) if steps_per_epoch else 1.0
    x_shown = xs / per
    series_x: list[np.ndarray] = []
    series_y: list[np.ndarray] = []
    for schedule in schedules.values():
        ys = np.asarray(schedule(xs), dtype=np.float64)
        keep = np.isfinite(ys) & ((ys > 0) if log_y else True)
        series_x.append(x_shown[keep])
        series_y.append(ys[keep])
    values = [y for y in series_y if y.size]
    if not values:
        raise ValueError("nothing to draw: no finite value" + (" above 0" if log_y else ""))
    y_lo = min(float(y.min()) for y in values)
    y_hi = max(float(y.max()) for y in values)
    if not log_y:
        y_lo = min(y_lo, 0.0)
    if y_hi <= y_lo:
        y_hi = y_lo + (abs(y_lo) or 1.0)
    x_lo, x_hi = float(x_shown[0]), float(x_shown[-1])
    if x_hi <= x_lo:
        x_hi = x_lo + 1.0
    last = float(xs[-1])
    marks = sorted({b for s in schedules.values() for b in phase_boundaries(s) if b < last})
    options: dict[str, Any] = {
        "lines": True,
        "legend_labels": list(schedules),
        "width": width,
        "height": height,
        "color": color,
        "x_min": x_lo,
        "x_max": x_hi,
        "y_min": y_lo,
        "y_max": y_hi if not log_y else y_hi * 1.05,
        "y_as_log": log_y,
        "x_gridlines": [m / per for m in marks[:24] if math.isfinite(m)],
        "y_gridlines": [],
        "x_unit": " epochs" if steps_per_epoch else "",
    }
    if title:
        options["title"] = title
    text = plot_to_string(series_y, series_x, **options)
    return text if isinstance(text, str) else "\n".join(text)
