"""Facts about a schedule's curve: peak, final value, warm-up end, area, jumps; and differences.

:func:`describe` evaluates a schedule at every step from 0 to its horizon (:func:`dense_steps`)
and reports what a reader checks before training: the peak and where it is, the value at step 0
and at the end, where the warm-up ends, the schedule's own horizon
(:attr:`~lrdecay.Schedule.total_steps`), the area under the curve and the discontinuities.
:func:`compare` says where and by how much two schedules differ. ``lrdecay describe`` and
``lrdecay compare`` print these facts.

Rules, so that nobody has to guess:

* **Steps.** Every integer step from 0 to the furthest :func:`~lrdecay.viz.plot.horizon`
  (included), or steps 0 to 999 when there is none; ranges longer than :data:`DENSE_POINTS`
  steps are thinned to that many evenly spaced steps (both ends kept).
* **Warm-up end.** When the curve rises first (its first value that differs from the value at
  step 0 is larger), the first step at which it reaches its peak; otherwise ``None``.
* **Area.** The trapezoid rule over the evaluated steps (``numpy.trapezoid``).
* **Jumps** (:func:`find_jumps`). Between consecutive evaluated steps ``a < b``, the change
  ``d = |v(b) - v(a)|`` is a jump when it is larger than ``1e-12`` times the largest
  ``|v|`` (not rounding) and more than :data:`JUMP_RATIO` (8) times both the median of the
  :data:`JUMP_WINDOW` (5) changes on either side of it and the 90th percentile of all the
  changes (when there are 50 or more). The changes of a smooth curve are alike from one step
  to the next, and a piecewise constant curve's are 0 around its jumps; the percentile keeps
  noise (:class:`~lrdecay.GaussianNoise`), whose every change is random, from counting as
  jumps. A jump is reported at ``b``, the first step with the new value. A curve whose jumps
  are more than a tenth of its changes (cycles of under ten steps) is too busy for this rule.

Example:
    >>> import lrdecay
    >>> from lrdecay.viz.describe import describe
    >>> facts = describe(lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100))
    >>> facts.peak, facts.peak_step, facts.warmup_end, facts.total_steps, facts.final
    (0.1, 100, 100, 1000.0, 0.0)
    >>> steps = describe(lrdecay.step_decay(0.1, decay_steps=300, decay_rate=0.5)).jumps
    >>> [(jump.step, jump.before, jump.after) for jump in steps][:2]
    [(300, 0.1, 0.05), (600, 0.05, 0.025)]
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from lrdecay._core import Schedule

__all__ = [
    "DENSE_POINTS",
    "JUMP_RATIO",
    "JUMP_WINDOW",
    "Description",
    "Difference",
    "Jump",
    "compare",
    "dense_steps",
    "describe",
    "find_jumps",
]

DENSE_POINTS = 2**21
"""Longer step ranges are evaluated at this many evenly spaced steps (both ends kept)."""

JUMP_RATIO = 8.0
"""A change is a jump when it is more than this many times its neighbours' median change."""

JUMP_WINDOW = 5
"""How many changes on either side of a change are its neighbours."""

_FLAT = 1e-12
"""Changes below this fraction of the largest ``|value|`` are rounding, never jumps."""

_DEFAULT_STOP = 1000


def dense_steps(schedules: Iterable[Schedule], steps: int | None = None) -> np.ndarray:
    """The steps to evaluate ``schedules`` at for facts and exports, as an ``int64`` array.

    Args:
        schedules: The schedules (their horizons set the default range).
        steps: ``n``: steps ``0 .. n - 1``. ``None``: steps 0 to the furthest
            :func:`~lrdecay.viz.plot.horizon` of the schedules, included, or 0 to 999 when none
            has one.

    Returns:
        Every step of the range, or :data:`DENSE_POINTS` evenly spaced ones (ends kept) when the
        range is longer.

    Raises:
        TypeError: If a schedule is not a :class:`~lrdecay.Schedule` or ``steps`` not an int.
        ValueError: If ``steps`` is not positive.

    Example:
        >>> import lrdecay
        >>> from lrdecay.viz.describe import dense_steps
        >>> s = dense_steps([lrdecay.Cosine(0.1, decay_steps=100)])
        >>> int(s[0]), int(s[-1]), s.size
        (0, 100, 101)
    """
    from lrdecay.viz.plot import horizon

    schedules = list(schedules)
    for schedule in schedules:
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedules must be Schedule objects, got {schedule!r}")
    if steps is None:
        furthest = max((horizon(schedule) for schedule in schedules), default=0.0)
        count = math.ceil(furthest) + 1 if furthest > 0 else _DEFAULT_STOP
    elif isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be an int, got {steps!r}")
    elif steps <= 0:
        raise ValueError(f"steps must be > 0, got {steps}")
    else:
        count = steps
    if count <= DENSE_POINTS:
        return np.arange(count, dtype=np.int64)
    return np.unique(np.linspace(0, count - 1, DENSE_POINTS).round().astype(np.int64))


@dataclasses.dataclass(frozen=True)
class Jump:
    """A discontinuity: the value goes from ``before`` (at ``step_before``) to ``after`` at
    ``step``."""

    step: int
    before: float
    after: float
    step_before: int

    @property
    def size(self) -> float:
        """``after - before``."""
        return self.after - self.before


def find_jumps(
    steps: Sequence[int] | np.ndarray, values: Sequence[float] | np.ndarray
) -> list[Jump]:
    """The jumps of a curve sampled at increasing ``steps`` (the rule is in the module's text).

    Example:
        >>> from lrdecay.viz.describe import find_jumps
        >>> [j.step for j in find_jumps(range(8), [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5])]
        [3]
        >>> find_jumps(range(5), [0.0, 0.1, 0.2, 0.3, 0.4])
        []
    """
    x = np.asarray(steps, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if v.size < 2:
        return []
    d = np.abs(np.diff(v))
    finite = np.isfinite(v)
    scale = float(np.abs(v[finite]).max()) if finite.any() else 0.0
    n, w = d.size, JUMP_WINDOW
    padded = np.full(n + 2 * w, np.inf)
    padded[w : w + n] = np.where(np.isfinite(d), d, np.inf)
    offsets = np.array([o for o in range(-w, w + 1) if o != 0])
    # Cheap filter first: a jump exceeds RATIO times its neighbours' median, so their minimum.
    smallest = np.full(n, np.inf)
    for o in offsets:
        smallest = np.minimum(smallest, padded[w + o : w + o + n])
    smallest = np.where(np.isinf(smallest), 0.0, smallest)
    changes = d[np.isfinite(d)]
    typical = float(np.percentile(changes, 90)) if changes.size >= 50 else 0.0
    candidates = np.flatnonzero(
        (d > _FLAT * scale) & (d > JUMP_RATIO * smallest) & (d > JUMP_RATIO * typical)
    )
    found: list[Jump] = []
    for start in range(0, candidates.size, 65536):
        chunk = candidates[start : start + 65536]
        around = padded[chunk[:, None] + w + offsets[None, :]]
        around[np.isinf(around)] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no neighbours
            median = np.nanmedian(around, axis=1)
        median = np.where(np.isnan(median), 0.0, median)
        for i in chunk[d[chunk] > JUMP_RATIO * median]:
            found.append(Jump(int(x[i + 1]), float(v[i]), float(v[i + 1]), int(x[i])))
    return found


@dataclasses.dataclass(frozen=True)
class Description:
    """What :func:`describe` found (see the module's text for the rules)."""

    initial: float
    """The value at the first evaluated step (step 0 by default)."""
    peak: float
    """The largest value."""
    peak_step: int
    """The first step at which it is reached."""
    final: float
    """The value at the last evaluated step."""
    final_step: int
    """The last evaluated step (the horizon by default)."""
    warmup_end: int | None
    """The first step of the peak when the curve rises first, else ``None``."""
    total_steps: float | None
    """The schedule's own horizon (:attr:`~lrdecay.Schedule.total_steps`), or ``None``."""
    auc: float
    """The area under the curve (trapezoid rule over the evaluated steps)."""
    jumps: tuple[Jump, ...]
    """The discontinuities."""
    points: int
    """How many steps were evaluated."""

    def to_dict(self) -> dict[str, Any]:
        """The facts as JSON-ready Python values (jumps as a list of dicts)."""
        out = dataclasses.asdict(self)
        out["jumps"] = [dataclasses.asdict(jump) for jump in self.jumps]
        return out


def describe(schedule: Schedule, steps: int | None = None) -> Description:
    """The facts about ``schedule``'s curve over :func:`dense_steps` (``steps`` as there).

    Raises:
        TypeError: If ``schedule`` is not a :class:`~lrdecay.Schedule`.
        ValueError: If ``steps`` is not positive, or the curve has no finite value.
    """
    x = dense_steps([schedule], steps)
    v = np.asarray(schedule(x), dtype=np.float64)
    if not np.isfinite(v).any():
        raise ValueError("the schedule has no finite value on the steps evaluated")
    peak_index = int(np.nanargmax(v))
    moved = np.flatnonzero(v != v[0])
    rises = moved.size > 0 and v[moved[0]] > v[0]
    warmup_end = int(x[peak_index]) if rises and peak_index > 0 else None
    total = schedule.total_steps
    return Description(
        initial=float(v[0]),
        peak=float(v[peak_index]),
        peak_step=int(x[peak_index]),
        final=float(v[-1]),
        final_step=int(x[-1]),
        warmup_end=warmup_end,
        total_steps=None if total is None else float(total),
        auc=float(np.trapezoid(v, x)) if v.size > 1 else 0.0,
        jumps=tuple(find_jumps(x, v)),
        points=int(x.size),
    )


@dataclasses.dataclass(frozen=True)
class Difference:
    """Where and by how much two schedules differ (see :func:`compare`)."""

    identical: bool
    """Whether every evaluated value is the same."""
    max_abs: float
    """The largest ``|a - b|``."""
    max_abs_step: int
    """The first step where it occurs."""
    max_rel: float
    """The largest ``|a - b| / max(|a|, |b|)`` (0 where both are 0)."""
    max_rel_step: int
    """The first step where it occurs."""
    first_step: int | None
    """The first step where they differ, or ``None``."""
    mean_abs: float
    """The mean ``|a - b|`` over the evaluated steps."""
    points: int
    """How many steps were evaluated (0 to the furthest horizon by default)."""
    last_step: int
    """The last evaluated step."""

    def to_dict(self) -> dict[str, Any]:
        """The facts as JSON-ready Python values."""
        return dataclasses.asdict(self)


def compare(a: Schedule, b: Schedule, steps: int | None = None) -> Difference:
    """Where and by how much ``a`` and ``b`` differ, over :func:`dense_steps` of both.

    Example:
        >>> import lrdecay
        >>> from lrdecay.viz.describe import compare
        >>> d = compare(lrdecay.Cosine(0.1, decay_steps=100), lrdecay.linear(0.1, 0.0, 100))
        >>> d.identical, round(d.max_abs, 4), d.first_step
        (False, 0.0105, 1)
    """
    x = dense_steps([a, b], steps)
    va = np.asarray(a(x), dtype=np.float64)
    vb = np.asarray(b(x), dtype=np.float64)
    with np.errstate(all="ignore"):
        diff = np.abs(va - vb)
        size = np.maximum(np.abs(va), np.abs(vb))
        rel = np.where(size > 0, diff / np.where(size > 0, size, 1.0), 0.0)
    same = (va == vb) | (np.isnan(va) & np.isnan(vb))
    differing = np.flatnonzero(~same)
    i = int(np.nanargmax(diff)) if np.isfinite(diff).any() else 0
    j = int(np.nanargmax(rel)) if np.isfinite(rel).any() else 0
    return Difference(
        identical=differing.size == 0,
        max_abs=float(diff[i]),
        max_abs_step=int(x[i]),
        max_rel=float(rel[j]),
        max_rel_step=int(x[j]),
        first_step=int(x[differing[0]]) if differing.size else None,
        mean_abs=float(np.nanmean(diff)),
        points=int(x.size),
        last_step=int(x[-1]),
    )
