"""Scalar curves to TensorBoard event files, with TensorBoard's own writer.

An event file is a TFRecord file of serialized ``Event`` protocol buffers. :func:`write_scalars`
builds the events with the ``tensorboard`` package's own protobuf classes
(``tensorboard.compat.proto``) and frames them with its own ``RecordWriter``
(``tensorboard.summary.writer.record_writer``): first the ``file_version`` event, then one event
per step holding a ``Summary.Value(tag=..., simple_value=...)`` for each tag logged at that step,
exactly what TensorFlow 1's ``tf.summary.merge_all()`` + ``FileWriter.add_summary`` write.
Neither TensorFlow nor torch is imported (``EventFileWriter`` would import TensorFlow when it
is installed, which takes seconds).

Example:
    >>> import tempfile
    >>> import numpy as np

from lrdecay._core import Schedule

if TYPE_CHECKING:
    from lrdecay._core import Schedule
    >>> from lrdecay.viz.tensorboard import write_scalars
    >>> steps = np.arange(0, 100, 10)
    >>> with tempfile.TemporaryDirectory() as logdir:
    ...     path = write_scalars(logdir, {"learning_rate": (steps, 0.1 * 0.9 ** (steps / 10))})
    ...     path.name.startswith("events.out.tfevents.")
    True

:func:`write_tensorboard` is the schedule-level entry point (``lrdecay tensorboard``): one run
per named schedule, its planned curve under the tag ``learning_rate`` every ``every`` steps and,
optionally, a PNG of the curve as an image summary. It writes through :func:`write_scalars`, as
the gallery (:mod:`lrdecay.viz.gallery`) does.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import socket
import struct
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lrdecay._core import Schedule

__all__ = [
    "IMAGE_SUFFIX",
    "MAX_POINTS",
    "TAG",
    "clear_run",
    "run_names",
    "write_scalars",
    "write_tensorboard",
]

TAG = "learning_rate"
"""The scalar tag :func:`write_tensorboard` logs each schedule under."""

IMAGE_SUFFIX = "/figure"
"""The image summary's tag is the scalar tag plus this (``learning_rate/figure``)."""

MAX_POINTS = 1_000_000
""":func:`write_tensorboard` refuses to log more points than this per run."""

_PIP_HINT = "pip install 'lrdecay[tensorboard]'"
_FILE_COUNTER = itertools.count()
_MAX_STEP = (1 << 63) - 1

ScalarSeries = tuple[Any, Any]
"""``(steps, values)``: two equally long 1-D array-likes, integer steps and real values."""


ImageSummary = tuple[int, bytes]
"""``(step, png)``: an image logged at ``step``, as the bytes of a PNG file."""


def _tensorboard() -> tuple[Any, Any, Any]:
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"writing TensorBoard files needs tensorboard: {_PIP_HINT}") from exc
    return event_pb2, summary_pb2, RecordWriter


# --------------------------------------------------------------------------- validation
def _steps_array(tag: str, steps: Any) -> np.ndarray:
    array = np.asarray(steps)
    if array.ndim != 1:
        raise ValueError(f"write_scalars: steps of {tag!r} must be 1-D, got shape {array.shape}")
    if array.dtype.kind == "f":
        if array.size and not (np.isfinite(array).all() and (array == np.floor(array)).all()):
            raise ValueError(f"write_scalars: steps of {tag!r} must be integers")
    elif array.dtype.kind not in "iu":
        raise TypeError(
            f"write_scalars: steps of {tag!r} must be integers, got dtype {array.dtype}"
        )
    if array.size:
        lo, hi = array.min().item(), array.max().item()  # exact Python ints for integer steps
        if lo < 0:
            raise ValueError(f"write_scalars: steps of {tag!r} must be >= 0, got {lo}")
        if hi > _MAX_STEP:
            raise ValueError(f"write_scalars: steps of {tag!r} must be < 2**63, got {hi}")
    return array.astype(np.int64)


def _values_array(tag: str, values: Any, count: int) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"write_scalars: values of {tag!r} must be real numbers") from None
    if array.shape != (count,):
        raise ValueError(
            f"write_scalars: {tag!r} has {count} steps but values of shape {array.shape}"
        )
    return array


def _series(scalars: Mapping[str, ScalarSeries]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    if not isinstance(scalars, Mapping):
        raise TypeError(
            "write_scalars: scalars must be a mapping {tag: (steps, values)}, got "
            f"{type(scalars).__name__}"
        )
    out = []
    for tag, series in scalars.items():
        if not isinstance(tag, str) or not tag:
            raise ValueError(f"write_scalars: every tag must be a non-empty string, got {tag!r}")
        if not isinstance(series, tuple | list) or len(series) != 2:
            raise TypeError(f"write_scalars: {tag!r} must map to a (steps, values) pair")
        steps = _steps_array(tag, series[0])
        values = _values_array(tag, series[1], steps.size)
        out.append((tag, steps, values))
    return out


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _images(images: Mapping[str, ImageSummary] | None) -> dict[str, tuple[int, bytes, int, int]]:
    """``{tag: (step, png, width, height)}``, checked; the size is read from the PNG header."""
    if images is None:
        return {}
    if not isinstance(images, Mapping):
        raise TypeError("write_scalars: images must be a mapping {tag: (step, png_bytes)}")
    out = {}
    for tag, item in images.items():
        if not isinstance(tag, str) or not tag:
            raise ValueError(
                f"write_scalars: every image tag must be a non-empty string, got {tag!r}"
            )
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise TypeError(f"write_scalars: image {tag!r} must map to a (step, png_bytes) pair")
        step, png = item
        if (
            isinstance(step, bool)
            or not isinstance(step, int | np.integer)
            or not (0 <= int(step) <= _MAX_STEP)
        ):
            raise ValueError(f"write_scalars: the step of image {tag!r} must be an int >= 0")
        if not isinstance(png, bytes) or png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
            raise ValueError(f"write_scalars: image {tag!r} must be the bytes of a PNG file")
        width, height = struct.unpack(">II", png[16:24])
        out[tag] = (int(step), png, int(width), int(height))
    return out


def _event_path(logdir: Path, wall_time: float, filename_suffix: str) -> tuple[Path, Any]:
    """A new event file named as TensorBoard's writers name them, opened for exclusive writing."""
    host = socket.gethostname()
    while True:
        name = (
            f"events.out.tfevents.{int(wall_time):010d}.{host}.{os.getpid()}."
            f"{next(_FILE_COUNTER)}{filename_suffix}"
        )
        path = logdir / name
        try:
            return path, open(path, "xb")  # the caller closes it
        except FileExistsError:
            continue


# --------------------------------------------------------------------------- the public function
def write_scalars(
    logdir: str | os.PathLike[str],
    scalars: Mapping[str, ScalarSeries],
    *,
    wall_time: float | None = None,
    filename_suffix: str = "",
    images: Mapping[str, ImageSummary] | None = None,
) -> Path:
    """Write scalar curves (and PNG images) to a new TensorBoard event file in ``logdir``.

    ``logdir`` is one TensorBoard *run* (created if needed): point ``tensorboard --logdir`` at it
    or at a folder above it. Each tag becomes a scalar chart. Values are stored as ``float32``
    (TensorBoard's ``simple_value``), steps as ``int64``. Events are written in step order; tags
    that share a step are written in one event (as ``tf.summary.merge_all`` does), in the
    mapping's order.

    Args:
        logdir: The run directory.
        scalars: ``{tag: (steps, values)}``; steps are non-negative integers, one value per step.
        wall_time: The events' wall-clock time in seconds since the epoch (default: now).
        filename_suffix: Appended to the event file's name.
        images: ``{tag: (step, png_bytes)}``: images for TensorBoard's Images dashboard, each
            written in an event of its own after the scalars.

    Returns:
        The path of the event file written.

    Raises:
        NotADirectoryError: If ``logdir`` (or a parent) is a file.
        TypeError, ValueError: If a tag, steps or values are malformed.
        ImportError: If the ``tensorboard`` package is missing.

    Example:
        >>> import tempfile
        >>> from lrdecay.viz.tensorboard import write_scalars
        >>> with tempfile.TemporaryDirectory() as logdir:
        ...     path = write_scalars(logdir, {"lr": ([0, 1, 2], [0.1, 0.05, 0.0])})
        ...     path.parent == Path(logdir)
        True
    """
    series = _series(scalars)
    pictures = _images(images)
    if not isinstance(filename_suffix, str) or any(c in filename_suffix for c in "/\\\0"):
        raise ValueError(
            f"write_scalars: filename_suffix must be a plain string, got {filename_suffix!r}"
        )
    if wall_time is None:
        wall_time = time.time()
    elif not isinstance(wall_time, int | float) or not math.isfinite(wall_time) or wall_time < 0:
        raise ValueError(f"write_scalars: wall_time must be a finite time >= 0, got {wall_time!r}")
    wall_time = float(wall_time)

    event_pb2, summary_pb2, record_writer = _tensorboard()
    events = _events(series)

    directory = Path(logdir)
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"write_scalars: logdir {str(directory)!r} is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    path, handle = _event_path(directory, wall_time, filename_suffix)
    writer = record_writer(handle)
    try:
        version = event_pb2.Event(wall_time=wall_time, file_version="brain.Event:2")
        writer.write(version.SerializeToString())
        value_class = summary_pb2.Summary.Value
        for step, tagged in events:
            summary = summary_pb2.Summary(
                value=[value_class(tag=tag, simple_value=value) for tag, value in tagged]
            )
            event = event_pb2.Event(wall_time=wall_time, step=step, summary=summary)
            writer.write(event.SerializeToString())
        for tag, (step, png, width, height) in pictures.items():
            image = summary_pb2.Summary.Image(
                height=height, width=width, colorspace=3, encoded_image_string=png
            )
            summary = summary_pb2.Summary(value=[value_class(tag=tag, image=image)])
            event = event_pb2.Event(wall_time=wall_time, step=step, summary=summary)
            writer.write(event.SerializeToString())
    finally:
        writer.close()
    return path


def _events(
    series: list[tuple[str, np.ndarray, np.ndarray]],
) -> list[tuple[int, list[tuple[str, float]]]]:
    """``(step, [(tag, value), ...])`` in step order; tags sharing a step in the mapping's order."""
    by_step: dict[int, list[tuple[str, float]]] = {}
    for tag, steps, values in series:
        for step, value in zip(steps.tolist(), values.tolist(), strict=True):
            by_step.setdefault(step, []).append((tag, value))
    return sorted(by_step.items(), key=lambda item: item[0])


# --------------------------------------------------------------------------- runs of schedules
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def run_names(names: Sequence[str]) -> list[str]:
    """Folder names for TensorBoard runs named ``names``: safe, unique, in the same order.

    Every run of characters other than letters, digits, ``.``, ``_``, ``+`` and ``-`` becomes
    ``_``; names that collide get ``-2``, ``-3``, ... appended.

    Example:
        >>> from lrdecay.viz.tensorboard import run_names
        >>> run_names(["warm-up + cosine", "a/b", "a_b", "..", ""])
        ['warm-up_+_cosine', 'a_b', 'a_b-2', 'run', 'run-2']
    """
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = _UNSAFE.sub("_", str(name)).strip(".") or "run"
        candidate, number = base, 1
        while candidate.lower() in taken:  # case-insensitive file systems
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def clear_run(run_dir: str | os.PathLike[str]) -> None:
    """Delete the event files in ``run_dir``, so that a run written again is not shown twice."""
    directory = Path(run_dir)
    if directory.is_dir():
        for stale in directory.glob("events.out.tfevents.*"):
            if stale.is_file():
                stale.unlink()


def _png_bytes(pixels: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels[..., :3]), "RGB").save(
        buffer, format="PNG", compress_level=1
    )
    return buffer.getvalue()


def _logged_steps(schedules: Sequence[Schedule], steps: int | None, every: int) -> np.ndarray:
    from lrdecay.viz.plot import default_steps

    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"write_tensorboard: every must be an int >= 1, got {every!r}")
    if steps is None:
        stop = int(default_steps(schedules)[-1]) + 1
    elif isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"write_tensorboard: steps must be an int or None, got {steps!r}")
    elif steps <= 0:
        raise ValueError(f"write_tensorboard: steps must be > 0, got {steps}")
    else:
        stop = steps
    count = -(-stop // every)
    if count > MAX_POINTS:
        raise ValueError(
            f"write_tensorboard: {count:,} points per run (steps 0 to {stop - 1:,} every "
            f"{every:,}) is more than {MAX_POINTS:,}: pass a larger every or fewer steps"
        )
    return np.arange(0, stop, every, dtype=np.int64)


def write_tensorboard(
    schedules: Mapping[str, Schedule],
    logdir: str | os.PathLike[str],
    *,
    steps: int | None = None,
    every: int = 10,
    figure: bool = True,
    tag: str = TAG,
    wall_time: float | None = None,
) -> list[Path]:
    """Log each schedule's planned curve as a TensorBoard run: ``logdir/<name>/events.out.*``.

    Each schedule gets a run (a folder named by :func:`run_names`; an earlier event file in it is
    replaced) holding its value at steps ``0, every, 2 * every, ...`` below ``steps`` as the
    scalar ``tag``, and, with ``figure``, a PNG of that curve (all runs on the same axes) as
    the image ``tag + "/figure"`` at step 0. Values are stored as ``float32``, as TensorBoard
    stores every scalar. View with ``tensorboard --logdir <logdir>``.

    Args:
        schedules: ``{name: schedule}``, one run each, in order.
        logdir: The folder above the runs (created if needed).
        steps: Log steps below this; default: 10% past the furthest horizon of the schedules
            (:func:`~lrdecay.viz.plot.default_steps`), or 1,000 when none has one.
        every: Log every ``every`` steps (the survey logs every 10).
        figure: Also write each curve's plot as an image (needs matplotlib).
        tag: The scalar tag.
        wall_time: The events' time stamp in seconds since the epoch (default: now).

    Returns:
        The event files written, one per schedule, in order.

    Raises:
        TypeError: If a schedule is not a :class:`~lrdecay.Schedule`, or ``steps`` not an int.
        ValueError: If ``schedules`` is empty, ``steps`` or ``every`` is not positive, or a run
            would hold more than :data:`MAX_POINTS` points.
        NotADirectoryError: If ``logdir`` is a file.
        ImportError: If tensorboard (or, with ``figure``, matplotlib) is missing.

    Example:
        >>> import tempfile
        >>> import lrdecay
        >>> from lrdecay.viz.tensorboard import write_tensorboard
        >>> schedules = {"cosine": lrdecay.Cosine(init_value=0.1, decay_steps=1000)}
        >>> with tempfile.TemporaryDirectory() as logdir:
        ...     [path] = write_tensorboard(schedules, logdir, every=50, figure=False)
        ...     path.parent.name
        'cosine'
    """
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError(
            "write_tensorboard: schedules must be a non-empty mapping {name: Schedule}"
        )
    for name, schedule in schedules.items():
        if not isinstance(schedule, Schedule):
            raise TypeError(
                f"write_tensorboard: schedule {name!r} must be a Schedule, got {schedule!r}"
            )
    if not isinstance(tag, str) or not tag:
        raise ValueError(f"write_tensorboard: tag must be a non-empty string, got {tag!r}")
    directory = Path(logdir)
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"write_tensorboard: logdir {str(directory)!r} is not a directory")
    x = _logged_steps(list(schedules.values()), steps, every)
    curves = [np.asarray(schedule(x), dtype=np.float64) for schedule in schedules.values()]
    _tensorboard()  # fail before anything is written
    pictures: list[dict[str, ImageSummary]] = [{} for _ in curves]
    if figure:
        from lrdecay.viz.plot import Plotter, padded_ylim

        finite = [c[np.isfinite(c)] for c in curves]
        ylim = padded_ylim(
            min((float(c.min()) for c in finite if c.size), default=0.0),
            max((float(c.max()) for c in finite if c.size), default=1.0),
        )
        xlim = (0.0, float(max(int(x[-1]), 1)))
        plotter = Plotter()
        try:
            for picture, name, curve in zip(pictures, schedules, curves, strict=True):
                pixels = plotter.render(
                    {str(name): (x, curve)}, title=str(name), xlim=xlim, ylim=ylim
                )
                picture[tag + IMAGE_SUFFIX] = (0, _png_bytes(pixels))
        finally:
            plotter.close()
    if wall_time is None:
        wall_time = time.time()
    paths = []
    for run, curve, picture in zip(run_names(list(schedules)), curves, pictures, strict=True):
        run_dir = directory / run
        clear_run(run_dir)
        paths.append(write_scalars(run_dir, {tag: (x, curve)}, wall_time=wall_time, images=picture))
    return paths
