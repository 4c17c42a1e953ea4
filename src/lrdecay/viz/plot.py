"""Plot schedules to PNG, SVG or PDF files with matplotlib, fast enough to draw dozens a second.

:func:`plot_schedules` draws one or more named schedules over a step range, to the format its file
name ends in: ``.png``, ``.svg`` or ``.pdf`` (:data:`FORMATS`). :class:`Plotter` is the engine
behind it: one matplotlib ``Figure`` on an Agg canvas, reused from plot to plot. When consecutive
plots share their axes (same limits and labels), the axes, ticks and grid are drawn once and
restored from a saved background, and only the curves, legend and title are drawn again; the
pixels then go straight to a PNG encoder at a fast compression level (:func:`save_png`). SVG and
PDF files are drawn in full by matplotlib's own vector backends.

matplotlib is imported when a :class:`Plotter` is created, never when this module is imported,
and no global matplotlib state is touched: no ``pyplot``, no ``matplotlib.use``, no ``rcParams``
changes (every style choice is set on the artists themselves).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import lrdecay
    >>> from lrdecay.viz.plot import plot_schedules
    >>> cosine = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = plot_schedules({"warm-up + cosine": cosine}, Path(tmp) / "cosine.png")
    ...     path.read_bytes()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from lrdecay._core import Schedule

__all__ = [
    "FORMATS",
    "PALETTE",
    "Plotter",
    "default_steps",
    "horizon",
    "output_format",
    "plot_schedules",
    "save_png",
]

_PIP_HINT = "pip install 'lrdecay[plot]'"

PALETTE = (
    "#1f6fb5",
    "#e8730c",
    "#2a9d4a",
    "#d33a3a",
    "#8059b8",
    "#8c5a4b",
    "#d957a8",
    "#6e6e6e",
    "#a7a21c",
    "#1aa9b8",
)
"""Line colours, in order (a slightly deeper take on matplotlib's ``tab10``)."""

FORMATS: Mapping[str, str] = MappingProxyType({".png": "png", ".svg": "svg", ".pdf": "pdf"})
"""The file name extensions :func:`plot_schedules` writes, and the format each one means."""

_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}
"""No time stamp in vector files: the same plot gives the same file."""

DEFAULT_STOP = 1000
"""Steps plotted by default when no schedule has a horizon (e.g. an exponential decay)."""

MAX_POINTS = 8192
"""Longer step ranges are drawn through this many evenly spaced steps (below pixel resolution)."""

Curve = tuple[Any, Any]
"""``(x, y)``: two equally long 1-D array-likes."""

_INK = "#262626"
_MUTED = "#6b6b6b"
_RULE = "#b8b8b8"
_GRID = "#e8e8e8"


def _matplotlib() -> tuple[Any, Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
    except ImportError as error:
        raise ImportError(f"plotting needs matplotlib: {_PIP_HINT}") from error
    return Figure, FigureCanvasAgg, FuncFormatter


def _step_label(value: float, _position: Any = None) -> str:
    """Tick label of a step: ``0``, ``2,500``, ``1.5M``."""
    if abs(value) >= 1_000_000:
        return f"{value / 1e6:,.6g}M"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _auto_limits(curves: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[Any, Any]:
    """``(xlim, ylim)`` covering every curve, with headroom above for the legend."""
    xs = [x for x, _ in curves if x.size]
    ys = [y[np.isfinite(y)] for _, y in curves]
    ys = [y for y in ys if y.size]
    if xs:
        x_lo = min(float(x.min()) for x in xs)
        x_hi = max(float(x.max()) for x in xs)
    else:
        x_lo, x_hi = 0.0, 1.0
    if x_hi <= x_lo:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    if ys:
        y_lo = min(float(y.min()) for y in ys)
        y_hi = max(float(y.max()) for y in ys)
    else:
        y_lo, y_hi = 0.0, 1.0
    # Room above the data for the legend in the upper right: about 6% of the axes per entry.
    share = min(0.05 + 0.065 * len(curves), 0.6)
    return (x_lo, x_hi), padded_ylim(y_lo, y_hi, headroom=max(0.16, share / (1 - share)))


def padded_ylim(y_min: float, y_max: float, *, headroom: float = 0.16) -> tuple[float, float]:
    """y limits for data in ``[y_min, y_max]``: from 0 when all is >= 0, with room above.

    Args:
        y_min: The smallest value shown.
        y_max: The largest value shown.
        headroom: Space above ``y_max`` (for the legend), as a fraction of the data's span.

    Example:
        >>> from lrdecay.viz.plot import padded_ylim
        >>> padded_ylim(0.0001, 0.01)
        (0.0, 0.0116)
    """
    lo = 0.0 if y_min >= 0 else y_min
    span = y_max - lo
    if span <= 0:
        span = abs(y_max) or 1.0
    hi = y_max + headroom * span
    if y_min < 0:
        lo = y_min - 0.04 * span
    return (lo, float(f"{hi:.6g}"))


class Plotter:
    """A reusable figure that renders line plots of curves to RGBA pixels, PNG, SVG or PDF files.

    Not thread-safe: use one per thread. Rendering is fastest when consecutive calls pass the
    same ``xlim``, ``ylim`` and axis labels: the axes are then drawn once and reused.

    Args:
        width: Figure width in inches.
        height: Figure height in inches.
        dpi: Pixels per inch (the PNG is ``width * dpi`` by ``height * dpi`` pixels).

    Raises:
        ImportError: If matplotlib is not installed.

    Example:
        >>> import numpy as np
        >>> from lrdecay.viz.plot import Plotter
        >>> x = np.arange(100)
        >>> pixels = Plotter(width=4, height=3, dpi=50).render({"lr": (x, 0.9 ** x)}, title="demo")
        >>> pixels.shape, pixels.dtype
        ((150, 200, 4), dtype('uint8'))
    """

    def __init__(self, *, width: float = 8.0, height: float = 4.5, dpi: float = 100) -> None:
        for name, value in (("width", width), ("height", height), ("dpi", dpi)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Plotter: {name} must be a number, got {value!r}")
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"Plotter: {name} must be > 0, got {value!r}")
        if width * dpi > 10_000 or height * dpi > 10_000:
            raise ValueError(
                f"Plotter: {width * dpi:.0f} x {height * dpi:.0f} pixels is too large "
                "(at most 10,000 each way)"
            )
        figure_class, canvas_class, formatter = _matplotlib()
        self._figure = figure_class(figsize=(width, height), dpi=dpi, facecolor="white")
        self._canvas = canvas_class(self._figure)
        # Fixed margins in inches (no layout engine: it would re-measure text on every draw).
        left, right, bottom, top = 0.9, 0.3, 0.6, 0.55
        ax = self._figure.add_axes(
            (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)
        )
        ax.set_facecolor("white")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(_RULE)
        ax.tick_params(colors=_RULE, labelcolor=_INK, labelsize=9, length=4)
        ax.grid(True, color=_GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.xaxis.set_major_formatter(formatter(_step_label))
        ax.yaxis.get_offset_text().set(color=_MUTED, fontsize=9)
        self._title = ax.text(
            0.0,
            1.0 + 0.18 / (height - bottom - top),
            "",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=13,
            fontweight="bold",
            parse_math=False,
            color=_INK,
        )
        self._ax = ax
        self._lines: list[Any] = []
        self._legend: Any = None
        self._background: Any = None
        self._background_key: Any = None

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of the rendered image in pixels."""
        width, height = self._canvas.get_width_height()
        return int(width), int(height)

    def render(
        self,
        curves: Mapping[str, Curve],
        *,
        title: str = "",
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        xlabel: str = "step",
        ylabel: str = "learning rate",
    ) -> np.ndarray:
        """Draw ``curves`` and return the image as a ``(height, width, 4)`` ``uint8`` RGBA array.

        Args:
            curves: ``{label: (x, y)}``, drawn in order, one colour each, named in the legend.
            title: The title above the axes.
            xlim: x-axis limits; default: the range of the curves' x.
            ylim: y-axis limits; default: from 0 (or the minimum if negative) to the maximum,
                with headroom for the legend.
            xlabel: The x-axis label.
            ylabel: The y-axis label.
        """
        key = self._update(curves, title, xlim, ylim, xlabel, ylabel)
        dynamic = [*self._lines, self._legend, self._title]
        if key != self._background_key:
            self._set_axes(key)
            for artist in dynamic:
                artist.set_visible(False)
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self._figure.bbox)
            self._background_key = key
            for artist in dynamic:
                artist.set_visible(True)
        else:
            self._canvas.restore_region(self._background)
        for artist in dynamic:
            self._ax.draw_artist(artist)
        return np.array(self._canvas.buffer_rgba(), copy=True)

    @property
    def legend_labels(self) -> tuple[str, ...]:
        """The labels in the legend of the last plot drawn, in order (empty before the first)."""
        if self._legend is None:
            return ()
        return tuple(str(text.get_text()) for text in self._legend.get_texts())

    def _update(
        self,
        curves: Mapping[str, Curve],
        title: str,
        xlim: tuple[float, float] | None,
        ylim: tuple[float, float] | None,
        xlabel: str,
        ylabel: str,
    ) -> tuple[Any, ...]:
        """Set the curves, legend and title; return the axes' key (limits and labels)."""
        data = _curves(curves)
        if xlim is None or ylim is None:
            auto_x, auto_y = _auto_limits(data)
            xlim = auto_x if xlim is None else xlim
            ylim = auto_y if ylim is None else ylim
        xlim, ylim = _limits("xlim", xlim), _limits("ylim", ylim)
        ax = self._ax

        labels = list(curves)
        for line in self._lines[len(data) :]:
            line.remove()
        del self._lines[len(data) :]
        for i, (x, y) in enumerate(data):
            if i < len(self._lines):
                self._lines[i].set_data(x, y)
            else:
                color = PALETTE[i % len(PALETTE)]
                self._lines.append(ax.plot(x, y, color=color, linewidth=2.0)[0])
        if self._legend is not None and len(self._legend.get_texts()) == len(labels):
            for text, label in zip(self._legend.get_texts(), labels, strict=True):
                text.set_text(label)
        else:
            if self._legend is not None:
                self._legend.remove()
            self._legend = ax.legend(
                self._lines,
                labels,
                loc="upper right",
                fontsize=9,
                frameon=True,
                framealpha=0.92,
                edgecolor=_GRID,
                fancybox=False,
                labelcolor=_INK,
            )
            for text in self._legend.get_texts():
                text.set_parse_math(False)  # labels are plain text: "$" is a dollar sign
        self._title.set_text(str(title))
        return (xlim, ylim, str(xlabel), str(ylabel))

    def _set_axes(self, key: tuple[Any, ...]) -> None:
        xlim, ylim, xlabel, ylabel = key
        self._ax.set_xlim(xlim)
        self._ax.set_ylim(ylim)
        self._ax.set_xlabel(xlabel, fontsize=10, color=_MUTED)
        self._ax.set_ylabel(ylabel, fontsize=10, color=_MUTED)

    def save(
        self,
        curves: Mapping[str, Curve],
        path: str | os.PathLike[str],
        *,
        title: str = "",
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        xlabel: str = "step",
        ylabel: str = "learning rate",
    ) -> Path:
        """Draw ``curves`` as :meth:`render` does and write them to ``path``, in an existing folder.

        The format is the one ``path``'s extension names (see :data:`FORMATS`): a PNG of the
        rendered pixels, or an SVG or PDF drawn by matplotlib's vector backends.

        Raises:
            ValueError: If ``path`` does not end in ``.png``, ``.svg`` or ``.pdf``.
        """
        target, file_format = output_format(path)
        options: dict[str, Any] = {
            "title": title,
            "xlim": xlim,
            "ylim": ylim,
            "xlabel": xlabel,
            "ylabel": ylabel,
        }
        if file_format == "png":
            return save_png(self.render(curves, **options), target)
        self._set_axes(self._update(curves, **options))
        self._background_key = None  # the Agg background is redrawn on the next render
        for artist in (*self._lines, self._legend, self._title):
            artist.set_visible(True)
        self._figure.savefig(
            target, format=file_format, facecolor="white", metadata=_METADATA[file_format]
        )
        return target

    def close(self) -> None:
        """Release the figure's artists (the object is unusable afterwards)."""
        self._figure.clear()
        self._lines, self._legend, self._background = [], None, None


def output_format(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """``path`` as a :class:`~pathlib.Path`, and the format its extension names (:data:`FORMATS`).

    Raises:
        TypeError: If ``path`` is not a path.
        ValueError: If its extension (case aside) is not ``.png``, ``.svg`` or ``.pdf``.

    Example:
        >>> from lrdecay.viz.plot import output_format
        >>> output_format("plots/cosine.SVG")[1]
        'svg'
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path, got {path!r}")
    target = Path(path)
    file_format = FORMATS.get(target.suffix.lower())
    if file_format is None:
        supported = ", ".join(FORMATS)
        raise ValueError(
            f"path must end in one of {supported} (the extension sets the file format), "
            f"got {str(target)!r}"
        )
    return target, file_format


def _limits(name: str, limits: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in limits)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of numbers, got {limits!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be two finite numbers, low < high, got {limits!r}")
    return lo, hi


def _curves(curves: Mapping[str, Curve]) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping {label: (x, y)}")
    out = []
    for label, curve in curves.items():
        if not isinstance(label, str):
            raise TypeError(f"curve labels must be strings, got {label!r}")
        if not isinstance(curve, tuple | list) or len(curve) != 2:
            raise TypeError(f"curve {label!r} must be an (x, y) pair")
        x = np.asarray(curve[0], dtype=np.float64)
        y = np.asarray(curve[1], dtype=np.float64)
        if x.ndim != 1 or x.shape != y.shape:
            raise ValueError(
                f"curve {label!r}: x and y must be 1-D and equally long, got {x.shape}, {y.shape}"
            )
        out.append((x, y))
    return out


def save_png(pixels: np.ndarray, path: str | os.PathLike[str], *, compress_level: int = 1) -> Path:
    """Write an RGB or RGBA ``uint8`` image of shape ``(height, width, 3 or 4)`` to a PNG file.

    RGBA images are written as RGB (alpha dropped): the plots are drawn on an opaque background.

    Uses Pillow (a matplotlib dependency), which releases the GIL while it compresses, so a
    thread can encode one image while the next is drawn. Level 1 compression is several times
    faster than the default level 6 and, for line plots, barely larger.

    Args:
        pixels: The image, e.g. from :meth:`Plotter.render`.
        path: The file to write (its folder must exist).
        compress_level: zlib level, 0 (none) to 9 (smallest, slowest).
    """
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(f"writing PNG files needs Pillow: {_PIP_HINT}") from error
    array = np.asarray(pixels)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(
            f"pixels must be a (height, width, 3 or 4) uint8 array, got {array.dtype} {array.shape}"
        )
    if not isinstance(compress_level, int) or not 0 <= compress_level <= 9:
        raise ValueError(f"compress_level must be an integer 0 to 9, got {compress_level!r}")
    target = Path(path)
    image = Image.fromarray(np.ascontiguousarray(array), "RGBA" if array.shape[2] == 4 else "RGB")
    if image.mode == "RGBA":
        image = image.convert("RGB")
    image.save(target, format="PNG", compress_level=compress_level)
    return target


# --------------------------------------------------------------------------- schedules
_LAST_STEP = 2**53
"""No plot goes past this step (integers stay exact in ``float64`` up to it)."""

_CYCLES_SHOWN = 3
"""A :class:`~lrdecay.Restarts` without a horizon is plotted over its first three cycles."""


def horizon(schedule: Schedule) -> float:
    """The last step at which anything in ``schedule`` changes, as far as its parts tell; 0 if none.

    The schedule's own :attr:`~lrdecay.Schedule.total_steps` counts, and so does every schedule
    nested in it (found through its dataclass fields: ``schedule``, ``schedules``, ``std``, ...),
    so a part without a horizon hides nothing: the noise of a ``GaussianNoise`` whose ``std`` is
    a 20,000-step cosine lasts 20,000 steps, and so does a sum holding it. A part of a
    :class:`~lrdecay.Join` counts from the boundary where it starts and ends at the next one; a
    :class:`~lrdecay.Restarts` counts its first three cycles. Curves with no end (an exponential
    decay) add nothing.

    Example:
        >>> import lrdecay
        >>> from lrdecay.viz.plot import horizon
        >>> noise = lrdecay.GaussianNoise(std=lrdecay.Cosine(0.1, decay_steps=20_000), seed=1)
        >>> horizon(lrdecay.Cosine(1.0, decay_steps=5_000) + noise)
        20000.0
    """
    from lrdecay.combinators import Join, Restarts

    found = [0.0]
    total = schedule.total_steps
    if total is not None and math.isfinite(total):
        found.append(float(total))
    if isinstance(schedule, Join):
        starts = (0.0, *schedule.boundaries)
        ends = (*schedule.boundaries, math.inf)
        for part, start, end in zip(schedule.schedules, starts, ends, strict=True):
            found.append(min(float(start) + horizon(part), float(end)))
    elif isinstance(schedule, Restarts):
        growth = float(schedule.period_factor)
        cycles = sum(growth**i for i in range(_CYCLES_SHOWN))
        found.append(float(schedule.period_steps) * cycles)
    elif dataclasses.is_dataclass(schedule):
        for field in dataclasses.fields(schedule):
            value = getattr(schedule, field.name, None)
            parts = value if isinstance(value, tuple | list) else (value,)
            found.extend(horizon(part) for part in parts if isinstance(part, Schedule))
    finite = [h for h in found if math.isfinite(h)]
    return min(max(finite), float(_LAST_STEP))


def _spread(count: int) -> np.ndarray:
    """Indices ``0 .. count - 1``, or :data:`MAX_POINTS` of them evenly spread (both ends kept)."""
    if count <= MAX_POINTS:
        return np.arange(count, dtype=np.int64)
    pick = np.linspace(0, count - 1, MAX_POINTS).round().astype(np.int64)
    return np.unique(pick)


def default_steps(schedules: Iterable[Schedule], steps: Any = None) -> np.ndarray:
    """The steps to plot ``schedules`` at, as an ``int64`` array.

    ``steps`` may be:

    * ``None``: from 0 to 10% past the furthest :func:`horizon` of the schedules (every part of
      them, nested ones and noise included), or to :data:`DEFAULT_STOP` (1,000) if none has one;
    * an ``int`` ``n``: steps ``0 .. n-1``;
    * a ``range`` or a 1-D sequence of non-negative integers.

    Ranges longer than :data:`MAX_POINTS` are thinned evenly (ends kept), without ever holding
    the whole range in memory.

    Raises:
        TypeError: If a schedule is not a :class:`~lrdecay.Schedule`, or steps are not integers.
        ValueError: If ``steps`` is empty, not positive or negative.

    Example:
        >>> import lrdecay
        >>> from lrdecay.viz.plot import default_steps
        >>> s = default_steps([lrdecay.Cosine(init_value=1.0, decay_steps=100)])
        >>> int(s[0]), int(s[-1]), s.size
        (0, 110, 111)
    """
    if steps is None:
        schedules = list(schedules)
        for schedule in schedules:
            if not isinstance(schedule, Schedule):
                raise TypeError(f"schedules must be Schedule objects, got {schedule!r}")
        furthest = max((horizon(schedule) for schedule in schedules), default=0.0)
        if furthest > 0:
            end = math.ceil(furthest)
            stop = min(end + math.ceil(end / 10) + 1, _LAST_STEP + 1)
        else:
            stop = DEFAULT_STOP
        return _spread(stop)
    if isinstance(steps, int) and not isinstance(steps, bool):
        if steps <= 0:
            raise ValueError(f"steps must be > 0, got {steps}")
        return _spread(steps)
    if isinstance(steps, range):
        if len(steps) == 0:
            raise ValueError(f"steps must not be empty, got {steps!r}")
        if min(steps[0], steps[-1]) < 0:
            raise ValueError(f"steps must be >= 0, got {steps!r}")
        return np.array([steps[int(i)] for i in _spread(len(steps))], dtype=np.int64)
    array = np.asarray(steps)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"steps must be a non-empty 1-D sequence, got shape {array.shape}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"steps must be integers, got dtype {array.dtype}")
    if array.min() < 0:
        raise ValueError(f"steps must be >= 0, got {array.min()}")
    picked: np.ndarray = array.astype(np.int64)[_spread(array.size)]
    return picked


def _named(schedules: Any) -> dict[str, Schedule]:
    if isinstance(schedules, Schedule):
        return {type(schedules).__name__: schedules}
    items = schedules.items() if isinstance(schedules, Mapping) else schedules
    try:
        named = {str(label): schedule for label, schedule in items}
    except (TypeError, ValueError):
        raise TypeError(
            "schedules must be a Schedule, a mapping {label: Schedule} or (label, Schedule) pairs"
        ) from None
    if not named:
        raise ValueError("schedules must not be empty")
    for label, schedule in named.items():
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule {label!r} must be a Schedule, got {schedule!r}")
    return named


def _writable(path: str | os.PathLike[str]) -> Path:
    """``path`` as a plot file this module can write: a known extension, not in a file."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path, got {path!r}")
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {str(target)!r}: it is a folder")
    target, _ = output_format(target)
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise NotADirectoryError(f"cannot write {str(target)!r}: {str(parent)!r} is not a folder")
    return target


def plot_schedules(
    schedules: Schedule | Mapping[str, Schedule] | Iterable[tuple[str, Schedule]],
    path: str | os.PathLike[str],
    *,
    steps: Any = None,
    title: str | None = None,
    xlabel: str = "step",
    ylabel: str = "learning rate",
    width: float = 8.0,
    height: float = 4.5,
    dpi: float = 100,
) -> Path:
    """Plot named schedules over a step range to a PNG, SVG or PDF file.

    Args:
        schedules: A schedule, a mapping ``{label: schedule}`` or ``(label, schedule)`` pairs;
            the labels name the curves in the legend.
        path: The file to write (its folder is created if needed); its extension sets the
            format: ``.png``, ``.svg`` or ``.pdf`` (:data:`FORMATS`, case aside).
        steps: The steps to draw (see :func:`default_steps`): ``None`` (from 0 to past the
            horizon of every part of every schedule), an ``int``, a ``range`` or a sequence of
            steps.
        title: The title; default: the label of a single schedule, else "Learning-rate schedules".
        xlabel: The x-axis label.
        ylabel: The y-axis label.
        width: Figure width in inches.
        height: Figure height in inches.
        dpi: Pixels per inch.

    Returns:
        The path written.

    Raises:
        ValueError: If ``path`` does not end in ``.png``, ``.svg`` or ``.pdf`` (checked before
            anything is computed or written).
        NotADirectoryError: If the folder of ``path`` is a file.
        IsADirectoryError: If ``path`` is a folder.
        TypeError, ValueError: If schedules or steps are malformed.
        ImportError: If matplotlib is missing.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import lrdecay
        >>> from lrdecay.viz.plot import plot_schedules
        >>> schedules = {
        ...     "cosine": lrdecay.Cosine(init_value=0.1, decay_steps=1000),
        ...     "linear": lrdecay.linear(0.1, 0.0, 1000),
        ... }
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = plot_schedules(schedules, Path(tmp) / "two.png", steps=1200, dpi=50)
        ...     vector = plot_schedules(schedules, Path(tmp) / "two.svg")
        ...     path.stat().st_size > 2000, b"<svg" in vector.read_bytes()
        (True, True)
    """
    target = _writable(path)
    named = _named(schedules)
    xs = default_steps(named.values(), steps)
    curves = {label: (xs, schedule(xs)) for label, schedule in named.items()}
    if title is None:
        title = next(iter(named)) if len(named) == 1 else "Learning-rate schedules"
    target.parent.mkdir(parents=True, exist_ok=True)
    plotter = Plotter(width=width, height=height, dpi=dpi)
    try:
        return plotter.save(curves, target, title=title, xlabel=xlabel, ylabel=ylabel)
    finally:
        plotter.close()


# --------------------------------------------------------------------------- phases and axes
_MAX_PHASES = 24
"""More phase boundaries than this (a long staircase) are not marked: they would hide the curve."""


def phase_boundaries(schedule: Schedule) -> list[float]:
    """The steps where one phase of ``schedule`` gives way to the next, in increasing order.

    Found from the schedule's structure, not its values: the boundaries of every
    :class:`~lrdecay.Join` (so the end of a :func:`~lrdecay.warmup` or :func:`~lrdecay.hold`, and
    the phases of :class:`~lrdecay.WSD` and :class:`~lrdecay.OneCycle`), the starts of the first
    three cycles of a :class:`~lrdecay.Restarts`, the ``boundaries`` of a piecewise curve, and the
    step where a part with a horizon ends (:attr:`~lrdecay.Schedule.total_steps`). Step 0 is not
    a boundary.

    Example:
        >>> import lrdecay
        >>> from lrdecay.viz.plot import phase_boundaries
        >>> phase_boundaries(lrdecay.warmup(lrdecay.Cosine(0.1, decay_steps=900), steps=100))
        [100.0, 1000.0]
    """
    found: set[float] = set()
    _collect_phases(schedule, 0.0, math.inf, found, depth=0)
    marks = sorted(b for b in found if 0 < b <= _LAST_STEP)
    return marks


def _collect_phases(
    schedule: Schedule, offset: float, end: float, found: set[float], *, depth: int
) -> None:
    from lrdecay.combinators import Join, Restarts, Shift, Warp

    if depth > 32 or not isinstance(schedule, Schedule):
        return

    def add(step: float) -> None:
        at = offset + float(step)
        if math.isfinite(at) and at < end:
            found.add(at)

    total = schedule.total_steps
    if total is not None and math.isfinite(total):
        add(total)
    if isinstance(schedule, Join):
        starts = (0.0, *schedule.boundaries)
        ends = (*schedule.boundaries, math.inf)
        for part, start, stop in zip(schedule.schedules, starts, ends, strict=True):
            if start:
                add(start)
            _collect_phases(
                part, offset + float(start), min(offset + float(stop), end), found, depth=depth + 1
            )
        return
    if isinstance(schedule, Restarts):
        at, length = 0.0, float(schedule.period_steps)
        cycles = _CYCLES_SHOWN if schedule.max_cycles is None else schedule.max_cycles
        for _ in range(min(cycles, _CYCLES_SHOWN)):
            at += length
            add(at)
            length *= float(schedule.period_factor)
        return
    if isinstance(schedule, Warp | Shift):
        return  # their parts run on another clock
    body = getattr(schedule, "_body", None)
    if isinstance(body, Schedule):
        _collect_phases(body, offset, end, found, depth=depth + 1)
        return
    if not dataclasses.is_dataclass(schedule):
        return
    for field in dataclasses.fields(schedule):
        value = getattr(schedule, field.name, None)
        if field.name == "boundaries" and isinstance(value, tuple | list):
            for step in value:
                if isinstance(step, int | float) and not isinstance(step, bool):
                    add(step)
            continue
        parts = value if isinstance(value, tuple | list) else (value,)
        for part in parts:
            if isinstance(part, Schedule):
                _collect_phases(part, offset, end, found, depth=depth + 1)


def _default_label(schedule: Schedule) -> str:
    """A legend label: the schedule's spec text when :mod:`lrdecay.spec` can write it, else its
    ``repr``; shortened to 60 characters."""
    try:
        from lrdecay.spec import to_spec  # type: ignore[import-not-found, unused-ignore]

        text = str(to_spec(schedule))
    except Exception:  # no spec module yet, or a schedule it cannot write
        text = repr(schedule)
    return text if len(text) <= 60 else text[:59] + "…"


def _labelled(schedules: Any, labels: Sequence[str] | None) -> dict[str, Schedule]:
    if isinstance(schedules, Schedule):
        pairs: list[tuple[str, Schedule]] = [(_default_label(schedules), schedules)]
    elif isinstance(schedules, Mapping):
        pairs = [(str(label), schedule) for label, schedule in schedules.items()]
    else:
        try:
            items = list(schedules)
        except TypeError:
            raise TypeError(
                "schedules must be a Schedule, a sequence of them or a mapping {label: Schedule}"
            ) from None
        pairs = [(_default_label(s) if isinstance(s, Schedule) else "", s) for s in items]
    if not pairs:
        raise ValueError("schedules must not be empty")
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != len(pairs):
            raise ValueError(f"labels: {len(labels)} given for {len(pairs)} schedules")
        pairs = [(label, s) for label, (_, s) in zip(labels, pairs, strict=True)]
    named: dict[str, Schedule] = {}
    for label, schedule in pairs:
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedules must be Schedule objects, got {schedule!r}")
        unique, n = label, 2
        while unique in named:
            unique, n = f"{label} ({n})", n + 1
        named[unique] = schedule
    return named


def plot(
    schedules: Schedule | Sequence[Schedule] | Mapping[str, Schedule],
    *,
    steps: Any = None,
    ax: Any = None,
    log_y: bool = False,
    labels: Sequence[str] | None = None,
    steps_per_epoch: float | None = None,
    phases: bool = True,
) -> Any:
    """Draw schedules on matplotlib axes, overlaid and labelled, phase boundaries marked.

    Args:
        schedules: A schedule, a sequence of them, or a mapping ``{label: schedule}``.
        steps: The steps to draw (see :func:`default_steps`); default: past every horizon.
        ax: The matplotlib ``Axes`` to draw on; default: a new figure's (from
            ``matplotlib.pyplot``, so that notebooks show it).
        log_y: A logarithmic y axis.
        labels: The legend labels, one per schedule (default: the mapping's keys, or each
            schedule's spec text).
        steps_per_epoch: When given, the x axis counts epochs (``step / steps_per_epoch``).
        phases: Mark :func:`phase_boundaries` with dotted vertical lines.

    Returns:
        The matplotlib ``Axes``, for further styling.

    Raises:
        TypeError, ValueError: If schedules, labels or steps are malformed.
        ImportError: If matplotlib is missing.

    Example:
        >>> import lrdecay
        >>> from matplotlib.figure import Figure
        >>> from lrdecay.viz.plot import plot
        >>> ax = Figure().add_subplot()
        >>> s = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
        >>> plot([s], ax=ax, labels=["warm-up + cosine"]) is ax
        True
        >>> [t.get_text() for t in ax.get_legend().get_texts()]
        ['warm-up + cosine']
    """
    named = _labelled(schedules, labels)
    if steps_per_epoch is not None and (
        isinstance(steps_per_epoch, bool)
        or not isinstance(steps_per_epoch, int | float)
        or not math.isfinite(steps_per_epoch)
        or steps_per_epoch <= 0
    ):
        raise ValueError(f"steps_per_epoch must be a number > 0, got {steps_per_epoch!r}")
    xs = default_steps(named.values(), steps)
    if ax is None:
        try:
            import matplotlib.pyplot as plt
        except ImportError as error:
            raise ImportError(f"plotting needs matplotlib: {_PIP_HINT}") from error
        _, ax = plt.subplots(figsize=(8.0, 4.5))
    else:
        _matplotlib()
    per = float(steps_per_epoch) if steps_per_epoch else 1.0
    x_shown = xs / per
    curves = []
    for i, (label, schedule) in enumerate(named.items()):
        ys = np.asarray(schedule(xs), dtype=np.float64)
        curves.append((x_shown, ys))
        ax.plot(x_shown, ys, color=PALETTE[i % len(PALETTE)], linewidth=1.8, label=label)
    if phases:
        last = float(xs[-1])
        marks = sorted({b for s in named.values() for b in phase_boundaries(s) if b <= last})
        if len(marks) <= _MAX_PHASES:
            for mark in marks:
                ax.axvline(mark / per, color=_MUTED, linestyle=":", linewidth=1.0, zorder=1)
    if log_y:
        ax.set_yscale("log")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, color=_GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xlabel("epoch" if steps_per_epoch else "step", color=_MUTED)
    ax.set_ylabel("learning rate", color=_MUTED)
    if not steps_per_epoch:
        _, _, formatter = _matplotlib()
        ax.xaxis.set_major_formatter(formatter(_step_label))
    xlim, ylim = _auto_limits(curves)
    ax.set_xlim(*xlim)
    if not log_y:
        ax.set_ylim(*ylim)  # with room above the curves for the legend
    legend = ax.legend(loc="upper right", fontsize=9, frameon=False)
    for text in legend.get_texts():
        text.set_parse_math(False)
    return ax
