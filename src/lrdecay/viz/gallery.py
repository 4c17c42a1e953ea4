"""The gallery (``lrdecay gallery``): the survey of TensorFlow 1's learning-rate decay strategies.

That survey (its schedules are :data:`lrdecay.survey.FIGURES`) builds each of TensorFlow 1's
fixed learning-rate decay strategies in a TensorFlow 1 graph, runs ``MAX_STEP`` = 20,000
``sess.run`` calls, logs the learning rate to TensorBoard every ``SUMMARY_STEP`` = 10 steps and
shows one figure per curve. :func:`render_gallery` draws the same curves from the same
parameters, with no framework and in about a second:

* ``<out>/<figure.name>.png``: one plot per figure, the curve at the steps the survey logs
  (0, 10, ..., 19,990), all on shared axes so the figures compare at a glance; the legend names
  the curve as the file does (``exponential_decay_staircase.png`` shows
  ``exponential_decay_staircase``);
* ``<out>/tensorboard/<method>/events.out.tfevents.*``: one TensorBoard run per strategy (the
  survey's ``method``), one scalar tag per curve (the survey's tag), 2,000 points each, one event
  per step holding all of the run's tags (as TensorFlow 1's ``tf.summary.merge_all()`` does);
* ``<out>/index.html``: the report of :func:`lrdecay.viz.report.write_report` over the
  survey's schedules: an interactive chart of every curve, their facts, and a card per figure
  with its image, the call that builds it, its TensorBoard run and tag, its spec and config, and
  the formula of that very curve, typeset by matplotlib's mathtext (the staircase variant of a
  decay shows the staircase formula, piecewise constant decay without warm-up shows no warm-up).

Re-running into the same folder replaces these files (stale event files of the gallery's runs are
removed, so TensorBoard never shows a run twice); nothing else in the folder is touched.

Example:
    >>> import tempfile
    >>> from lrdecay.survey import FIGURES
    >>> from lrdecay.viz.gallery import render_gallery
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = render_gallery(tmp, figures=FIGURES[:2])
    ...     [p.name for p in result.images], result.scalars
    (['piecewise_decay.png', 'exponential_decay_continuous.png'], 4000)
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

from lrdecay.survey import FIGURES, MAX_STEP, SUMMARY_STEP, SurveyFigure

__all__ = ["PIP_HINT", "GalleryResult", "formula", "render_gallery"]

PIP_HINT = "pip install 'lrdecay[plot,tensorboard]'"
"""How to install what the gallery needs."""

_REQUIREMENTS = (("matplotlib", "matplotlib"), ("PIL", "Pillow"), ("tensorboard", "tensorboard"))

_PIECES = r"r_i & b_{i-1} \le t < b_i \\ r_n & t \ge b_{n-1} \end{cases}"
_BURNIN = (
    r"v(t) = \max\left(\begin{cases} \eta_b & t < B \\ \eta\, r^{%s} & t \ge B \end{cases},"
    r"\ \eta_{\min}\right)"
)
_FORMULAS: Mapping[tuple[str, str, Any], str] = MappingProxyType(
    {
        # The tf1 docstrings give one formula per function, with the variants in words ("with
        # staircase", "without warmup the first line is r_0"); a card shows its own curve's.
        ("exponential_decay", "staircase", False): r"v(t) = \eta\, r^{\,t/T}",
        ("exponential_decay", "staircase", True): r"v(t) = \eta\, r^{\lfloor t/T \rfloor}",
        ("natural_exp_decay", "staircase", False): r"v(t) = \eta\, e^{-k\,t/T}",
        ("natural_exp_decay", "staircase", True): r"v(t) = \eta\, e^{-k\lfloor t/T \rfloor}",
        ("inverse_time_decay", "staircase", False): r"v(t) = \frac{\eta}{1 + r\,t/T}",
        ("inverse_time_decay", "staircase", True): (
            r"v(t) = \frac{\eta}{1 + r\lfloor t/T \rfloor}"
        ),
        ("polynomial_decay", "cycle", True): (
            r"v(t) = (\eta - \eta_1)\left(1 - \frac{t}{T_c}\right)^{p} + \eta_1,"
            r" \quad T_c = T \max(1, \lceil t/T \rceil)"
        ),
        ("exponential_decay_with_burnin", "staircase", False): _BURNIN % r"\,(t-B)/T",
        ("exponential_decay_with_burnin", "staircase", True): (
            _BURNIN % r"\lfloor (t-B)/T \rfloor"
        ),
        ("piecewise_with_warmup", "warmup", False): (
            r"v(t) = \begin{cases} r_0 & t < b_0 \\ " + _PIECES
        ),
        ("piecewise_with_warmup", "warmup", True): (
            r"v(t) = \begin{cases} r_0 + (r_1 - r_0)\,t/b_0 & t < b_0 \\ " + _PIECES
        ),
    }
)
"""``{(tf1 function, parameter, value): LaTeX}``: the formula of a curve where the function's
docstring formula covers several variants; other curves show the docstring's formula."""

_MISSING = object()

Progress = Callable[[str], None]
_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True)
class GalleryResult:
    """What :func:`render_gallery` wrote, and how long it took."""

    out_dir: Path
    """The gallery folder."""
    images: tuple[Path, ...]
    """One PNG per figure, in catalogue order."""
    event_files: tuple[Path, ...]
    """One TensorBoard event file per run (per survey ``method``), in order of first appearance."""
    index: Path
    """The HTML page."""
    scalars: int
    """How many scalars the event files hold."""
    seconds: float
    """Wall time of the whole call."""
    timings: Mapping[str, float]
    """Seconds per phase: ``check``, ``evaluate``, ``tensorboard`` (starting the writer),
    ``tensorboard_wait`` (waiting for it to finish, when it runs in a child process), ``matplotlib``
    (import and figure set-up), ``render``, ``encode`` (PNG encoding, in a worker thread,
    overlapping ``render``), ``encode_wait`` (waiting for the last encodings), ``report``."""

    @property
    def tensorboard_dir(self) -> Path:
        """The folder to point ``tensorboard --logdir`` at."""
        return self.out_dir / "tensorboard"

    def summary(self) -> str:
        """A one-line account: what was written where, and how long it took."""
        runs = len(self.event_files)
        return (
            f"lrdecay gallery: {len(self.images)} figures, {runs} TensorBoard "
            f"run{'s' * (runs != 1)} ({self.scalars:,} scalars) and index.html written to "
            f"{self.out_dir} in {self.seconds:.2f} s "
            f"(open {self.index}; tensorboard --logdir {self.tensorboard_dir})"
        )


def _progress_function(progress: bool | Progress) -> Progress:
    if progress is True:

        def to_stderr(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        return to_stderr
    if progress is False or progress is None:
        return lambda line: None
    if callable(progress):
        return progress
    raise TypeError(f"progress must be True, False or a function of one string, got {progress!r}")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or spec-less module: let the import tell
        return True


def _check_requirements() -> None:
    missing = [dist for module, dist in _REQUIREMENTS if not _installed(module)]
    if missing:
        raise ImportError(f"lrdecay gallery needs {' and '.join(missing)}: {PIP_HINT}")


def _prepare(out_dir: str | os.PathLike[str]) -> Path:
    if not isinstance(out_dir, str | os.PathLike):
        raise TypeError(f"out_dir must be a path, got {out_dir!r}")
    out = Path(out_dir)
    if str(out) == "":
        raise ValueError("out_dir must not be empty")
    for folder in (out, out / "tensorboard"):
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"cannot write the gallery: {str(folder)!r} is not a folder")
    try:
        (out / "tensorboard").mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(
            f"cannot write the gallery to {str(out)!r}: a parent of it is a file"
        ) from None
    return out


def _check_figures(figures: Sequence[SurveyFigure]) -> tuple[SurveyFigure, ...]:
    if isinstance(figures, SurveyFigure):
        raise TypeError("figures must be a sequence of SurveyFigure, got a single SurveyFigure")
    figures = tuple(figures)
    if not figures:
        raise ValueError("figures must not be empty")
    for figure in figures:
        if not isinstance(figure, SurveyFigure):
            raise TypeError(f"figures must be SurveyFigure objects, got {figure!r}")
    names = [figure.name for figure in figures]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"figure names must be unique, got {duplicates} more than once")
    for figure in figures:
        name = figure.name
        if not name or name.startswith(".") or any(c in name for c in '/\\:*?"<>|\0'):
            raise ValueError(f"figure name {figure.name!r} is not a plain file name")
    return figures


def _runs(
    figures: Sequence[SurveyFigure], steps: np.ndarray, values: Sequence[np.ndarray]
) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
    runs: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for figure, curve in zip(figures, values, strict=True):
        run = runs.setdefault(figure.method, {})
        if figure.curve.tag in run:
            raise ValueError(
                f"run {figure.method!r} has the tag {figure.curve.tag!r} twice: TensorBoard "
                "would show one curve"
            )
        run[figure.curve.tag] = (steps, curve)
    return runs


def _write_tensorboard(out: Path, runs: Mapping[str, Mapping[str, Any]]) -> list[Path]:
    from lrdecay.viz.tensorboard import clear_run, write_scalars

    wall_time = time.time()
    paths = []
    for method, scalars in runs.items():
        run_dir = out / "tensorboard" / method
        clear_run(run_dir)
        paths.append(write_scalars(run_dir, scalars, wall_time=wall_time))
    return paths


def _in_background(function: Callable[..., _T], *args: Any) -> Future[_T]:
    """Run ``function(*args)`` in a forked child process when a second CPU is free, else now."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cpus or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        try:
            return executor.submit(function, *args)
        finally:
            executor.shutdown(wait=False)
    done: Future[_T] = Future()
    try:
        done.set_result(function(*args))
    except Exception as exc:  # delivered by .result(), as from the child process
        done.set_exception(exc)
    return done


def _call(figure: SurveyFigure) -> str:
    arguments = ", ".join(f"{name}={value!r}" for name, value in figure.curve.params.items())
    return f"tf1.{figure.curve.function}({arguments})"


def formula(figure: SurveyFigure) -> str | None:
    """The LaTeX formula of ``figure``'s curve, as its gallery card shows it.

    The formula of the figure's :mod:`lrdecay.compat.tf1` function (its docstring's ``.. math::``
    block), narrowed to the variant the figure's arguments (defaults included) select: the
    staircase formula for ``staircase=True``, no warm-up line for ``warmup=False``, ...

    Example:
        >>> from lrdecay.survey import FIGURES
        >>> from lrdecay.viz.gallery import formula
        >>> for figure in FIGURES[1:3]:
        ...     print(figure.name, "->", formula(figure))
        exponential_decay_continuous -> v(t) = \\eta\\, r^{\\,t/T}
        exponential_decay_staircase -> v(t) = \\eta\\, r^{\\lfloor t/T \\rfloor}

    Raises:
        TypeError: If ``figure`` is not a :class:`~lrdecay.survey.SurveyFigure`.
    """
    from lrdecay.compat import tf1
    from lrdecay.viz.report import math_block

    if not isinstance(figure, SurveyFigure):
        raise TypeError(f"figure must be a SurveyFigure, got {figure!r}")
    function = getattr(tf1, figure.curve.function)
    arguments = {**_defaults(function), **figure.curve.params}
    for (name, parameter, value), latex in _FORMULAS.items():
        if name == figure.curve.function and arguments.get(parameter, _MISSING) == value:
            return latex
    return math_block(function)


def _defaults(function: Callable[..., Any]) -> dict[str, Any]:
    """The parameters of a tf1 function that have a default (not the "required" marker)."""
    from lrdecay.compat import tf1

    required = getattr(tf1, "REQUIRED", inspect.Parameter.empty)
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty and p.default is not required
    }


def _entries(figures: Sequence[SurveyFigure]) -> dict[str, Any]:
    from lrdecay.compat import tf1
    from lrdecay.viz.report import ReportEntry, symbol_legend

    entries = {}
    for figure in figures:
        function = getattr(tf1, figure.curve.function)
        defaults = _defaults(function)
        symbols = {}
        for parameter, symbol in symbol_legend(function).items():
            if parameter in figure.curve.params:
                symbols[symbol] = f"{parameter} = {figure.curve.params[parameter]!r}"
            elif parameter in defaults:
                symbols[symbol] = f"{parameter} = {defaults[parameter]!r} (default)"
        entries[figure.name] = ReportEntry(
            title=figure.title,
            image=f"{figure.name}.png",
            call=_call(figure),
            formula=formula(figure),
            symbols=MappingProxyType(symbols),
            run=figure.method,
            tag=figure.curve.tag,
        )
    return entries


def _write_index(out: Path, figures: Sequence[SurveyFigure], schedules: Sequence[Any]) -> Path:
    from lrdecay import __version__
    from lrdecay.viz.report import write_report

    last = MAX_STEP - SUMMARY_STEP
    count = f"{len(figures)} learning-rate schedule{'s' * (len(figures) != 1)}"
    intro = (
        f"The {count} of the survey of TensorFlow 1's learning-rate decay strategies: "
        "piecewise constant, exponential, natural exponential, polynomial, cosine, linear "
        "cosine and cosine with restarts decay from tf.compat.v1.train, and the burn-in and "
        "warm-up schedules of TensorFlow's object-detection models, each with the survey's "
        "parameters. lrdecay draws every curve at the steps the survey logs: 0, "
        f"{SUMMARY_STEP}, …, {last:,} (every {SUMMARY_STEP} steps of {MAX_STEP:,}). All figures "
        "share their axes, so they compare at a glance; each legend names its curve as its "
        "file is named.",
        "The chart below shows every curve (hover for values, drag to zoom); the table gives "
        "each curve's peak, final value, horizon and area. Each card shows the call that builds "
        "the curve with lrdecay.compat.tf1 (from lrdecay.compat import tf1), which takes "
        "TensorFlow's names and defaults and gives TensorFlow's values, quirks included, the "
        "formula of that curve, and the lrdecay schedule it builds, as a spec and as a config.",
        "The same values are in TensorBoard event files, one run per strategy and one tag per "
        "curve, named as in the survey: tensorboard --logdir tensorboard (from this folder).",
    )
    return write_report(
        {figure.name: schedule for figure, schedule in zip(figures, schedules, strict=True)},
        out / "index.html",
        steps=range(0, MAX_STEP, SUMMARY_STEP),
        entries=_entries(figures),
        title="lrdecay gallery: the survey of TensorFlow 1's learning-rate decay strategies",
        intro=intro,
        footer=f"Written by lrdecay {__version__} (lrdecay gallery).",
    )


def render_gallery(
    out_dir: str | os.PathLike[str] = "gallery",
    *,
    progress: bool | Progress = False,
    figures: Sequence[SurveyFigure] = FIGURES,
) -> GalleryResult:
    """Draw the survey of TensorFlow 1's decay strategies: PNGs, TensorBoard runs, an HTML index.

    Args:
        out_dir: The gallery folder, created if needed (see the module docstring for its
            contents).
        progress: ``True`` to print a line per step of the work to stderr (e.g.
            ``[ 3/19] exponential_decay_staircase``), or a function called with each line.
        figures: The figures to draw (default: every schedule of the survey,
            :data:`lrdecay.survey.FIGURES`).

    Returns:
        A :class:`GalleryResult`: the paths written, the scalar count, the time taken.

    Raises:
        ImportError: If matplotlib, Pillow or tensorboard is missing (checked before anything
            is written).
        NotADirectoryError: If ``out_dir``, ``out_dir/tensorboard`` or a parent is a file.
        OSError: If a file cannot be written.
    """
    start = time.perf_counter()
    say = _progress_function(progress)
    figures = _check_figures(figures)
    _check_requirements()
    out = _prepare(out_dir)
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    timings["check"] = mark - start

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - mark
        mark = now

    steps = np.arange(0, MAX_STEP, SUMMARY_STEP, dtype=np.int64)
    schedules = [figure.curve.schedule() for figure in figures]
    values = [schedule(steps) for schedule in schedules]
    lap("evaluate")

    runs = _runs(figures, steps, values)
    # TensorBoard's writer is pure Python: on a machine with a spare core it runs in a child
    # process while this one draws the figures.
    tensorboard = _in_background(_write_tensorboard, out, runs)
    scalars = steps.size * len(figures)
    lap("tensorboard")

    from lrdecay.viz.plot import Plotter, padded_ylim, save_png

    plotter = Plotter()
    finite = [v[np.isfinite(v)] for v in values]
    ylim = padded_ylim(
        min((float(v.min()) for v in finite if v.size), default=0.0),
        max((float(v.max()) for v in finite if v.size), default=1.0),
    )
    lap("matplotlib")

    encode_seconds = 0.0

    def encode(pixels: np.ndarray, path: Path) -> Path:
        nonlocal encode_seconds
        began = time.perf_counter()
        try:
            return save_png(pixels, path)
        finally:
            encode_seconds += time.perf_counter() - began

    # Draw on this thread while a worker encodes the previous figure's PNG (Pillow releases the
    # GIL while it compresses), so encoding costs next to no wall time on a machine with 2 cores.
    images: list[Path] = []
    width = len(str(len(figures)))
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lrdecay-png") as encoder:
            pending: list[Future[Path]] = []
            for number, (figure, curve) in enumerate(zip(figures, values, strict=True), start=1):
                pixels = plotter.render(
                    {figure.name: (steps, curve)},  # the legend names the curve as the file does
                    title=figure.title,
                    xlim=(0.0, float(MAX_STEP)),
                    ylim=ylim,
                )
                path = out / f"{figure.name}.png"
                pending.append(encoder.submit(encode, pixels, path))
                images.append(path)
                say(f"[{number:>{width}}/{len(figures)}] {figure.name}")
            lap("render")
            for future in pending:
                future.result()
    finally:
        plotter.close()
    lap("encode_wait")
    timings["encode"] = encode_seconds

    event_files = tensorboard.result()
    say(f"[tensorboard] {len(runs)} runs, {scalars:,} scalars -> {out / 'tensorboard'}")
    lap("tensorboard_wait")

    index = _write_index(out, figures, schedules)
    say(f"[report] {index}")
    lap("report")

    return GalleryResult(
        out_dir=out,
        images=tuple(images),
        event_files=tuple(event_files),
        index=index,
        scalars=scalars,
        seconds=time.perf_counter() - start,
        timings=MappingProxyType(timings),
    )
