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
    >>> from lrdecay.viz.tensorboard import write_scalars
    >>> steps = np.arange(0, 100, 10)
    >>> with tempfile.TemporaryDirectory() as logdir:
    ...     path = write_scalars(logdir, {"learning_rate": (steps, 0.1 * 0.9 ** (steps / 10))})
    ...     path.name.startswith("events.out.tfevents.")
    True
"""

from __future__ import annotations

import itertools
import math
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["write_scalars"]

_PIP_HINT = "pip install 'lrdecay[tensorboard]'"
_FILE_COUNTER = itertools.count()
_MAX_STEP = (1 << 63) - 1

ScalarSeries = tuple[Any, Any]
"""``(steps, values)``: two equally long 1-D array-likes, integer steps and real values."""


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
) -> Path:
    """Write scalar curves to a new TensorBoard event file in ``logdir``.

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
