"""Hugging Face transformers' learning-rate schedules (``transformers.optimization``), as core
schedules.

Each function has the name and the parameters of the transformers function, with ``lr`` (the
optimizer's learning rate) in place of the optimizer: ``get_scheduler("cosine", lr=3e-4,
num_warmup_steps=100, num_training_steps=1000)``. transformers returns a ``LambdaLR`` whose
multiplier scales the optimizer's rate; the :class:`~lrdecay.Schedule` returned here is the rate
itself: its value at step ``k`` is the group's ``lr`` after ``k`` calls of ``scheduler.step()``
(``lr * lr_lambda(k)``), in double precision, as in transformers. Nothing here imports
transformers or torch.

transformers' conventions, kept:

* the linear warm-up starts at 0 (``k / num_warmup_steps``), except ``cosine_warmup_with_min_lr``
  (``(k + 1) / num_warmup_steps``, or from ``warmup_lr_rate``);
* ``num_training_steps`` *includes* the warm-up;
* past ``num_training_steps``: ``linear`` stays at 0, ``polynomial`` at ``lr_end``,
  ``cosine_with_restarts`` drops to 0, ``warmup_stable_decay`` holds ``min_lr_ratio * lr``, but
  ``cosine``, ``cosine_with_min_lr`` and ``cosine_warmup_with_min_lr`` keep going: their cosine is
  periodic (:class:`~lrdecay.Restarts` of a full wave), rising again after the horizon;
* a negative ``num_warmup_steps`` is no warm-up, and the decay, which counts from
  ``num_warmup_steps``, is at its step ``-num_warmup_steps`` at step 0: it is started part-way
  through (:class:`~lrdecay.Shift`), as is the decay of ``warmup_stable_decay`` after a negative
  ``num_stable_steps``.

``last_epoch`` is accepted for the signature's sake and must be -1: a schedule is a function of
the step (evaluate it at the step to resume). What transformers refuses, or turns into a
division by zero or a NaN, is refused with a ``ValueError`` naming the function, the parameter and
the value; ``reduce_lr_on_plateau`` and ``greedy`` are refused: they follow a metric, not the
step. Two shapes that transformers accepts are refused, with a ``ValueError`` that says so: a
negative ``num_cycles`` of ``cosine_with_restarts`` (half cosines rising from 0) and a negative
``power`` of ``polynomial`` whose decay never reaches 0 (a fractional ``num_training_steps``).

Example:
    >>> from lrdecay.compat import transformers
    >>> s = transformers.get_scheduler("linear", lr=1.0, num_warmup_steps=10,
    ...                                num_training_steps=110)
    >>> [s(0), s(5), s(10), s(60), s(110), s(200)]
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from lrdecay._core import (
    MAX_PERIODS,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    check_number,
)
from lrdecay._step import as_ratio
from lrdecay.combinators import Clip, Join, Restarts, Shift
from lrdecay.curves import Constant, Cosine, InverseTime, Polynomial, Ramp, linear

__all__ = [
    "SCHEDULER_TYPES",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_inverse_sqrt_schedule",
    "get_linear_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_scheduler",
    "get_wsd_schedule",
]

SCHEDULER_TYPES = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "reduce_lr_on_plateau",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
    "greedy",
)
"""The names of transformers' ``SchedulerType``."""

_WSD_TYPES = ("linear", "cosine", "1-sqrt")


def _owner(name: str) -> str:
    return f"transformers.{name}"


def _lr(owner: str, lr: Any) -> float:
    value = check_number(owner, "lr", lr)
    if value < 0:
        raise ParameterValueError(
            owner, "lr", f"must be >= 0 (torch's optimizers refuse a negative rate), got {value!r}"
        )
    return value


def _last_epoch(owner: str, last_epoch: Any) -> None:
    if last_epoch != -1:
        raise ParameterValueError(
            owner,
            "last_epoch",
            "must be -1: an lrdecay schedule is a function of the step (to resume, evaluate it at "
            f"the step), got {last_epoch!r}",
        )


def _warmup_steps(owner: str, num_warmup_steps: Any) -> float:
    """Any number: a negative one is no warm-up, the decay started part-way through."""
    return check_number(owner, "num_warmup_steps", num_warmup_steps)


def _cycles(owner: str, num_cycles: Any) -> float:
    cycles = check_number(owner, "num_cycles", num_cycles)
    if abs(cycles) > MAX_PERIODS:
        raise ParameterValueError(
            owner,
            "num_cycles",
            f"must be within [-{MAX_PERIODS:g}, {MAX_PERIODS:g}], got {cycles!r}",
        )
    return cycles


def _after_warmup(lr: float, warm: float, rest: Schedule) -> Schedule:
    """transformers' warm-up ``k / max(1, W)`` over ``[0, W)``, then ``rest`` from its step 0 at
    ``W``; with ``W < 0``, ``rest`` alone, at its step ``-W`` at step 0."""
    if warm < 0:
        return Shift(rest, -warm)
    if warm == 0:
        return rest
    return Join((linear(0.0, lr, max(1, warm)), rest), (warm,))


_FLAT_PERIOD = 1e25
"""A cosine period beyond which the wave is flat in double precision at every step up to
``2**53``: its phase stays below ``1e-8``, where ``cos`` rounds to 1."""


def _flat(length: float, cycles: float) -> bool:
    """Whether ``num_cycles`` waves over ``length`` steps are flat (or none)."""
    return as_ratio(length) > _FLAT_PERIOD * as_ratio(abs(cycles))


def _period(length: float, cycles: float) -> float:
    """``length / cycles`` as a double that, read as written (:func:`~lrdecay._step.as_ratio`), is
    not above the exact quotient of the two as written: so a cycle that starts on a whole step
    (``num_cycles=3.3`` over 11 steps: step 10) is placed on it, not one step later."""
    exact = as_ratio(length) / as_ratio(abs(cycles))
    period = float(exact)
    while as_ratio(period) > exact:
        period = math.nextafter(period, 0.0)
    return period


_JOINED_RESTARTS = 64
"""Up to this many restarts inside the horizon, hard restarts are a :class:`~lrdecay.Join` of
their cycles (each restart on the exact step); more are a :class:`~lrdecay.Restarts`."""


def _at_or_after(value: Fraction) -> float:
    """The smallest double not below ``value``: an integer step is at or past it exactly when it
    is at or past ``value``."""
    near = float(value)
    while Fraction(near) < value:
        near = math.nextafter(near, math.inf)
    return near


def _hard_restarts(rate: float, length: float, cycles: float) -> Schedule:
    """``cycles`` half cosines from ``rate`` to 0 over ``length`` steps, each restarting on the
    first step at or past its exact start ``j * length / cycles`` (read as written), then 0."""
    exact = as_ratio(length) / as_ratio(cycles)
    period = float(exact)
    restarts = math.ceil(as_ratio(cycles)) - 1  # inside [0, length)
    if restarts > _JOINED_RESTARTS:  # whole steps only where float division puts them
        period = _period(length, cycles)
        cosine = Restarts(Cosine(init_value=rate, decay_steps=period), period_steps=period)
        return Join((cosine, Constant(0.0)), (length,))
    starts = sorted({_at_or_after(j * exact) for j in range(1, restarts + 1)} - {0.0})
    starts = [b for b in starts if b < length]
    pieces = (Cosine(init_value=rate, decay_steps=period),) * (len(starts) + 1)
    return Join((*pieces, Constant(0.0)), (*starts, length))


def _wave(top: float, bottom: float, length: float, cycles: float) -> Schedule:
    r"""The periodic ``bottom + (top - bottom) (1 + cos(2 pi c t / L)) / 2``, never clamped."""
    if _flat(length, cycles):
        return Constant(top)
    period = _period(length, cycles)
    wave = Cosine(init_value=top, decay_steps=period, end_value=bottom, num_periods=1.0)
    return Restarts(wave, period_steps=period)


def _decay_length(warm: float, total: float) -> float:
    return max(1, total - warm)


def get_constant_schedule(lr: float, last_epoch: int = -1) -> Schedule:
    r"""``transformers.get_constant_schedule``: the constant ``lr``.

    Args:
        lr: The optimizer's learning rate.
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> transformers.get_constant_schedule(3e-4)(10**6)
        0.0003
    """
    owner = _owner("get_constant_schedule")
    _last_epoch(owner, last_epoch)
    return Constant(_lr(owner, lr))


def get_constant_schedule_with_warmup(
    lr: float, num_warmup_steps: int, last_epoch: int = -1
) -> Schedule:
    r"""``transformers.get_constant_schedule_with_warmup``.

    .. math:: v(k) = \eta \min\left(\frac{k}{\max(1, W)}, 1\right)

    (the constant :math:`\eta` when :math:`W \le 0`).

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_constant_schedule_with_warmup(1.0, num_warmup_steps=4)
        >>> [s(0), s(1), s(4), s(100)]
        [0.0, 0.25, 1.0, 1.0]
    """
    owner = _owner("get_constant_schedule_with_warmup")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    return _after_warmup(rate, _warmup_steps(owner, num_warmup_steps), Constant(rate))


def get_linear_schedule_with_warmup(
    lr: float, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1
) -> Schedule:
    r"""``transformers.get_linear_schedule_with_warmup``.

    .. math::
        v(k) = \eta \begin{cases} k / \max(1, W) & k < W \\
        \max\left(0, \dfrac{N - k}{\max(1, N - W)}\right) & k \ge W \end{cases}

    The decay reaches 0 at :math:`N` (warm-up included) and stays there. With :math:`W < 0` the
    line starts part-way down, at :math:`N / (N - W)` of :math:`\eta`.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_training_steps: :math:`N`.
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_linear_schedule_with_warmup(1.0, 2, 10)
        >>> [s(1), s(2), s(6), s(10), s(11)]
        [0.5, 1.0, 0.5, 0.0, 0.0]
        >>> late = transformers.get_linear_schedule_with_warmup(1.0, -10, 10)
        >>> [late(0), late(5), late(10)]
        [0.5, 0.25, 0.0]
    """
    owner = _owner("get_linear_schedule_with_warmup")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    total = check_number(owner, "num_training_steps", num_training_steps)
    length = _decay_length(warm, total)
    rest: Schedule = Constant(0.0)
    if total > warm:  # a line through (W, (N - W) / length) and (N, 0)
        rest = linear(rate * (total - warm) / length, 0.0, total - warm)
    return _after_warmup(rate, warm, rest)


def get_cosine_schedule_with_warmup(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> Schedule:
    r"""``transformers.get_cosine_schedule_with_warmup``.

    .. math::
        v(k) = \eta \begin{cases} k / \max(1, W) & k < W \\
        \tfrac12\left(1 + \cos(2\pi c\, p)\right) & k \ge W \end{cases}, \qquad
        p = \frac{k - W}{\max(1, N - W)}

    Quirk kept: :math:`p` is not clamped, so past :math:`N` the cosine rises again (with the
    default :math:`c = 1/2` it is back at :math:`\eta` at :math:`2N - W`). Built as a
    :class:`~lrdecay.Restarts` of one full :class:`~lrdecay.Cosine` wave behind the warm-up.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_training_steps: :math:`N`.
        num_cycles: :math:`c`, waves over :math:`N - W` steps (1/2: a half cosine to 0).
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_cosine_schedule_with_warmup(1.0, 10, 110)
        >>> [s(10), round(s(60), 12), s(110), round(s(160), 12), s(210)]
        [1.0, 0.5, 0.0, 0.5, 1.0]
    """
    owner = _owner("get_cosine_schedule_with_warmup")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    total = check_number(owner, "num_training_steps", num_training_steps)
    wave = _wave(rate, 0.0, _decay_length(warm, total), _cycles(owner, num_cycles))
    return _after_warmup(rate, warm, wave)


def get_cosine_with_hard_restarts_schedule_with_warmup(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 1,
    last_epoch: int = -1,
) -> Schedule:
    r"""``transformers.get_cosine_with_hard_restarts_schedule_with_warmup``.

    .. math::
        v(k) = \eta \begin{cases} k / \max(1, W) & k < W \\
        \tfrac12\left(1 + \cos(\pi\,\{c\,p\})\right) & 0 \le p < 1 \\
        0 & p \ge 1 \end{cases}, \qquad p = \frac{k - W}{\max(1, N - W)}

    (:math:`\{x\}` the fractional part): :math:`c` half cosines from :math:`\eta` to 0, then 0 from
    :math:`N`. The cycle is exact, with :math:`c` read as written: each restart is on the first
    step at or past :math:`j \max(1, N - W) / c` (a :class:`~lrdecay.Join` of the cycles; beyond 64
    restarts, a :class:`~lrdecay.Restarts`, whose period is read as a fraction with bounded
    terms, so that a restart just after a whole step may land on it). Where transformers'
    floating :math:`c\,p` lands just below a whole number at a restart step (:math:`c = 3.3`,
    :math:`N - W = 11`, step 10), it gives about 0 there instead of
    :math:`\eta`. A negative :math:`c` (in transformers, half cosines rising from 0, with the
    value :math:`\eta` at each whole cycle) is refused as not expressible.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_training_steps: :math:`N`.
        num_cycles: :math:`c \ge 0`.
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_cosine_with_hard_restarts_schedule_with_warmup(1.0, 0, 100, 2)
        >>> [s(0), round(s(25), 12), s(50), s(100)]
        [1.0, 0.5, 1.0, 0.0]
    """
    owner = _owner("get_cosine_with_hard_restarts_schedule_with_warmup")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    total = check_number(owner, "num_training_steps", num_training_steps)
    cycles = _cycles(owner, num_cycles)
    if cycles < 0:
        raise ParameterValueError(
            owner,
            "num_cycles",
            "must be >= 0 (not expressible: transformers' half cosines then rise, with a jump "
            f"at each whole cycle), got {cycles!r}",
        )
    length = _decay_length(warm, total)
    rest: Schedule = Join((Constant(rate), Constant(0.0)), (length,))
    if not _flat(length, cycles):
        rest = _hard_restarts(rate, length, cycles)
    return _after_warmup(rate, warm, rest)


def get_polynomial_decay_schedule_with_warmup(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
) -> Schedule:
    r"""``transformers.get_polynomial_decay_schedule_with_warmup``.

    .. math::
        v(k) = \begin{cases} \eta\, k / \max(1, W) & k < W \\
        (\eta - \eta_1)\left(1 - \frac{k - W}{N - W}\right)^{p} + \eta_1 & W \le k \le N \\
        \eta_1 & k > N \end{cases}

    As in transformers, ``lr`` must be above ``lr_end``. :math:`N = W` is a division by zero at
    step :math:`W` in transformers, refused when a step reaches it (a whole :math:`W \ge 0`). A
    negative ``power`` is unused where no step is in the decay, and otherwise refused: a
    division by zero at step :math:`N` for a whole :math:`N`, not expressible (lrdecay has no
    such curve) for a fractional one. A negative :math:`W` starts the polynomial part-way
    through. Built as a :class:`~lrdecay.Polynomial` between the warm-up and the constant.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_training_steps: :math:`N`.
        lr_end: :math:`\eta_1 < \eta`.
        power: :math:`p \ge 0`.
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_polynomial_decay_schedule_with_warmup(1.0, 0, 10, lr_end=0.0,
        ...                                                            power=2.0)
        >>> [s(0), s(5), s(10), s(11)]
        [1.0, 0.25, 0.0, 0.0]
    """
    owner = _owner("get_polynomial_decay_schedule_with_warmup")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    total = check_number(owner, "num_training_steps", num_training_steps)
    end = check_number(owner, "lr_end", lr_end)
    p = check_number(owner, "power", power)
    if not rate > end:
        raise ParameterValueError(
            owner, "lr_end", f"must be smaller than lr, got lr_end={end!r} and lr={rate!r}"
        )
    if total == warm and warm >= 0 and warm == int(warm):
        raise ParameterValueError(
            owner,
            "num_training_steps",
            f"must differ from num_warmup_steps (transformers divides by zero at step {warm!r}), "
            f"got {total!r}",
        )
    if math.floor(total) < max(math.ceil(warm), 0):  # no step is in the decay: power unused
        p = max(p, 0)
    if p < 0:
        why = (
            "transformers divides by zero at num_training_steps"
            if total == int(total)
            else "not expressible: lrdecay's polynomial has no negative power"
        )
        raise ParameterValueError(owner, "power", f"must be >= 0 ({why}), got {p!r}")
    rest: Schedule = Constant(end)
    if total > warm:  # the polynomial for W <= k <= N, lr_end from the step after N
        curve = Polynomial(init_value=rate, decay_steps=total - warm, end_value=end, power=p)
        rest = Join((curve, Constant(end)), (math.floor(total) + 1 - warm,))
    return _after_warmup(rate, warm, rest)


def get_inverse_sqrt_schedule(
    lr: float, num_warmup_steps: int, timescale: int | None = None, last_epoch: int = -1
) -> Schedule:
    r"""``transformers.get_inverse_sqrt_schedule``.

    .. math::
        v(k) = \eta \begin{cases} k / \max(1, W) & k < W \\
        \sqrt{\dfrac{\tau}{\tau + k - W}} & k \ge W \end{cases}

    with :math:`\tau` = ``timescale``, by default :math:`W` (10,000 when :math:`W = 0`); it must
    be positive (transformers divides by it, and with :math:`\tau < 0` takes the square root of
    a negative number). A negative :math:`W` (with a ``timescale``) starts the decay part-way
    through. Built as :class:`~lrdecay.InverseTime` with ``power=0.5`` behind the warm-up.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        timescale: :math:`\tau > 0`.
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_inverse_sqrt_schedule(1.0, num_warmup_steps=100)
        >>> [s(50), s(100), s(400)]
        [0.5, 1.0, 0.5]
    """
    owner = _owner("get_inverse_sqrt_schedule")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    scale = (warm or 10_000) if timescale is None else check_number(owner, "timescale", timescale)
    if scale <= 0:
        default = " (by default num_warmup_steps)" if timescale is None else ""
        raise ParameterValueError(
            owner,
            "timescale",
            f"must be > 0 (transformers divides by it, or takes the square root of a negative "
            f"number){default}, got {scale!r}",
        )
    decay = InverseTime(init_value=rate, decay_steps=scale, decay_rate=1.0, power=0.5)
    return _after_warmup(rate, warm, decay)


def _min_rate(owner: str, rate: float, min_lr: Any, min_lr_rate: Any) -> float:
    if min_lr is not None and min_lr_rate is not None:
        raise ParameterValueError(
            owner,
            "min_lr",
            f"and min_lr_rate cannot both be set, got min_lr={min_lr!r} and "
            f"min_lr_rate={min_lr_rate!r}",
        )
    if min_lr is not None:
        floor = check_number(owner, "min_lr", min_lr)
        if rate == 0:
            raise ParameterValueError(
                owner, "min_lr", "needs lr > 0 (transformers divides min_lr by lr), got lr=0"
            )
        return floor / rate
    if min_lr_rate is None:
        raise ParameterValueError(
            owner, "min_lr", "or min_lr_rate must be set, got neither (both None)"
        )
    return check_number(owner, "min_lr_rate", min_lr_rate)


def _clipped(schedule: Schedule, floor: float) -> Schedule:
    """``max(0, schedule)`` where the schedule can go below 0 (a floor below 0)."""
    return Clip(schedule, min_value=0.0) if floor < 0 else schedule


def get_cosine_with_min_lr_schedule_with_warmup(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> Schedule:
    r"""``transformers.get_cosine_with_min_lr_schedule_with_warmup``: the cosine of
    :func:`get_cosine_schedule_with_warmup` lifted to a floor.

    .. math::
        v(k) = \eta \begin{cases} k / \max(1, W) & k < W \\
        \max\left(0,\ r + (1 - r)\,\tfrac12\left(1 + \cos(2\pi c\, p)\right)\right) & k \ge W
        \end{cases}, \qquad p = \frac{k - W}{\max(1, N - W)}

    with :math:`r` = ``min_lr_rate``, or ``min_lr / lr`` (exactly one of them). As in
    :func:`get_cosine_schedule_with_warmup`, :math:`p` is not clamped: the cosine rises again after
    :math:`N`.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_training_steps: :math:`N`.
        num_cycles: :math:`c`.
        last_epoch: Must be -1.
        min_lr: The floor as a rate.
        min_lr_rate: The floor as a fraction of ``lr``.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_cosine_with_min_lr_schedule_with_warmup(1.0, 0, 100, min_lr=0.1)
        >>> [s(0), round(s(50), 12), s(100)]
        [1.0, 0.55, 0.1]
    """
    owner = _owner("get_cosine_with_min_lr_schedule_with_warmup")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    total = check_number(owner, "num_training_steps", num_training_steps)
    cycles = _cycles(owner, num_cycles)
    r = _min_rate(owner, rate, min_lr, min_lr_rate)
    wave = _wave(rate, rate * r, _decay_length(warm, total), cycles)
    return _after_warmup(rate, warm, _clipped(wave, r))


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> Schedule:
    r"""``transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate`` (the scheduler type
    ``cosine_warmup_with_min_lr``).

    .. math::
        v(k) = \eta \begin{cases} (k + 1) / \max(1, W) & k < W \text{ (no warmup\_lr\_rate)} \\
        w + (1 - w)\,k / \max(1, W - 1) & k < W \text{ (warmup\_lr\_rate } w) \\
        \max\left(0,\ r + (1 - r)\,\tfrac12\left(1 + \cos(2\pi c\, p)\right)\right) & k \ge W
        \end{cases}, \qquad p = \frac{k - W + 1}{\max(1, N - W)}

    Quirks kept: the warm-up does not start at 0, and the cosine is one step ahead (its top is at
    step :math:`W - 1`, which still shows the warm-up's value); :math:`p` is not clamped. Built as
    a warm-up :class:`~lrdecay.Join`-ed at :math:`W` to a periodic cosine started one step in
    (:class:`~lrdecay.Shift`), for any :math:`W \ge 0`, whole or not; with :math:`W < 0`, the
    cosine alone, started :math:`1 - W` steps in.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_training_steps: :math:`N`.
        num_cycles: :math:`c`.
        last_epoch: Must be -1.
        min_lr: The floor as a rate.
        min_lr_rate: The floor as a fraction of ``lr``.
        warmup_lr_rate: :math:`w`, the warm-up's first value as a fraction of ``lr``.

    Example:
        >>> from lrdecay.compat import transformers
        >>> f = transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate
        >>> s = f(1.0, 4, 104, min_lr_rate=0.0)
        >>> [s(0), s(3), s(4), round(s(53), 12), s(103)]
        [0.25, 1.0, 0.9997532801828658, 0.5, 0.0]
    """
    owner = _owner("get_cosine_with_min_lr_schedule_with_warmup_lr_rate")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    total = check_number(owner, "num_training_steps", num_training_steps)
    cycles = _cycles(owner, num_cycles)
    r = _min_rate(owner, rate, min_lr, min_lr_rate)
    wave = _clipped(_wave(rate, rate * r, max(1, total - warm), cycles), r)
    ramp: Schedule
    if warmup_lr_rate is None:
        m = max(1.0, warm)
        ramp = linear(rate / m, rate * (m + 1) / m, m)
    else:
        w = check_number(owner, "warmup_lr_rate", warmup_lr_rate)
        # w + (1 - w) k / max(1, W - 1) for every k < W, unclamped (a fractional W's last step
        # goes past the rate, as transformers' does)
        length = max(warm, 1)  # (no warm-up: the ramp is never used)
        ramp = linear(rate * w, rate * (w + (1 - w) * length / max(1, warm - 1)), length)
    if cycles == 0:  # a constant after the warm-up: no phase to keep
        return Join((ramp, wave), (warm,)) if warm > 0 else wave
    # transformers' cosine is one step ahead of its warm-up (and -W more without one)
    ahead = Shift(wave, 1 - min(warm, 0))
    return Join((ramp, ahead), (warm,)) if warm > 0 else ahead


def get_wsd_schedule(
    lr: float,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> Schedule:
    r"""``transformers.get_wsd_schedule``: warm-up, stable, decay (the ``warmup_stable_decay``
    type).

    With :math:`m` = ``min_lr_ratio``, :math:`S` = ``num_stable_steps`` (by default
    :math:`N - W - D`) and :math:`D` = ``num_decay_steps``:

    .. math::
        v(k) = \eta \begin{cases} \max(0, m + (1 - m)\, g(k / \max(1, W))) & k < W \\
        1 & W \le k < W + S \\
        \max(0, m + (1 - m)\, h((k - W - S) / \max(1, D))) & W + S \le k < W + S + D \\
        m & \text{after} \end{cases}

    with :math:`g(p)` = :math:`p`, :math:`\tfrac12(1 - \cos \pi p)` or :math:`1 - \sqrt{1-p}` and
    :math:`h(p)` = :math:`1 - p`, :math:`\tfrac12(1 + \cos 2\pi c p)` or :math:`1 - \sqrt p`
    (``warmup_type``, ``decay_type``: ``"linear"``, ``"cosine"``, ``"1-sqrt"``). Quirk kept: the
    warm-up starts from :math:`m`, not 0. As in transformers, each phase starts where the earlier
    ones end: with a negative :math:`S` (or :math:`W`) the decay starts part-way through, at its
    step :math:`-S` (:class:`~lrdecay.Shift`), and :math:`D \le 0` is no decay. Built as a
    :class:`~lrdecay.Join` of a
    :func:`~lrdecay.linear`, :class:`~lrdecay.Cosine` or :class:`~lrdecay.Polynomial`
    (``power=0.5``) warm-up, a constant, a linear, :class:`~lrdecay.Cosine` or
    :class:`~lrdecay.Ramp` (``"sqrt"``) decay and a constant.

    Args:
        lr: :math:`\eta`.
        num_warmup_steps: :math:`W` (negative: the decay starts part-way through).
        num_decay_steps: :math:`D`.
        num_training_steps: :math:`N`, used when ``num_stable_steps`` is ``None``.
        num_stable_steps: :math:`S`.
        warmup_type: ``"linear"``, ``"cosine"`` or ``"1-sqrt"``.
        decay_type: ``"linear"``, ``"cosine"`` or ``"1-sqrt"``.
        min_lr_ratio: :math:`m`.
        num_cycles: :math:`c`, for the cosine decay.
        last_epoch: Must be -1.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_wsd_schedule(1.0, 10, 100, num_training_steps=1000,
        ...                                   decay_type="1-sqrt", min_lr_ratio=0.1)
        >>> [s(0), s(10), s(899), s(900), s(925), s(1000)]
        [0.1, 1.0, 1.0, 1.0, 0.55, 0.1]
        >>> late = transformers.get_wsd_schedule(1.0, 0, 100, num_stable_steps=-25,
        ...                                      decay_type="1-sqrt")
        >>> [late(0), late(75), late(76)]
        [0.5, 0.0, 0.0]
    """
    owner = _owner("get_wsd_schedule")
    _last_epoch(owner, last_epoch)
    rate = _lr(owner, lr)
    warm = _warmup_steps(owner, num_warmup_steps)
    decay = check_number(owner, "num_decay_steps", num_decay_steps)
    if num_training_steps is None and num_stable_steps is None:
        raise ParameterValueError(
            owner, "num_training_steps", "or num_stable_steps must be given, got neither"
        )
    if num_training_steps is not None and num_stable_steps is not None:
        warnings.warn(
            "Both num_training_steps and num_stable_steps are specified. num_stable_steps will "
            "be used.",
            stacklevel=2,
        )
    for name, kind in (("warmup_type", warmup_type), ("decay_type", decay_type)):
        if kind not in _WSD_TYPES:
            raise ParameterValueError(
                owner, name, f"must be 'linear', 'cosine' or '1-sqrt', got {kind!r}"
            )
    m = check_number(owner, "min_lr_ratio", min_lr_ratio)
    cycles = _cycles(owner, num_cycles)
    if num_stable_steps is None:
        total = check_number(owner, "num_training_steps", num_training_steps)
        stable = total - warm - decay
    else:
        stable = check_number(owner, "num_stable_steps", num_stable_steps)
    low = rate * m
    # (first step, step after the last, the piece's own step 0, the piece): transformers tests
    # k < W, then k < W + S, then k < W + S + D, so each phase starts where the earlier ones end
    # and a decay whose own start W + S is before its first step is started part-way through.
    phases: list[tuple[float, float, float, Schedule]] = []
    if warm > 0:
        length = max(1, warm)
        ramp: Schedule
        if warmup_type == "linear":
            ramp = linear(low, rate, length)
        elif warmup_type == "cosine":
            ramp = Cosine(init_value=low, decay_steps=length, end_value=rate)
        else:
            ramp = Polynomial(init_value=low, decay_steps=length, end_value=rate, power=0.5)
        phases.append((0, warm, 0, _clipped(ramp, m)))
    phases.append((warm, warm + stable, warm, Constant(rate)))
    if decay > 0:
        length = max(1, decay)
        down: Schedule
        if decay_type == "linear":
            down = linear(rate, low, length)
        elif decay_type == "cosine":
            down = Cosine(
                init_value=rate, decay_steps=length, end_value=low, num_periods=abs(cycles)
            )
        else:
            down = Ramp(init_value=rate, end_value=low, ramp_steps=length, shape="sqrt")
        phases.append(
            (max(warm, warm + stable), warm + stable + decay, warm + stable, _clipped(down, m))
        )
    last = max(warm, warm + stable, warm + stable + decay)
    phases.append((last, math.inf, last, Constant(low)))
    kept: list[tuple[float, Schedule]] = []
    for first, end, origin, piece in phases:
        start = max(first, 0)
        if end <= start:
            continue
        if start > origin:
            piece = Shift(piece, start - origin)
        kept.append((start, piece))
    schedules = tuple(piece for _, piece in kept)
    bounds = tuple(start for start, _ in kept[1:])
    if len(schedules) == 1:
        return schedules[0]
    return Join(schedules, bounds)


def get_scheduler(
    name: str,
    lr: float,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: Mapping[str, Any] | None = None,
) -> Schedule:
    r"""``transformers.get_scheduler``: any schedule by its ``SchedulerType`` name.

    The arguments are passed as transformers passes them: ``constant`` takes none,
    ``constant_with_warmup`` only ``num_warmup_steps``, ``inverse_sqrt`` ``num_warmup_steps`` and
    the specific keyword arguments, ``warmup_stable_decay`` also ``num_training_steps`` (which
    may be ``None``), every other name both (required). ``reduce_lr_on_plateau`` and ``greedy`` are
    refused: their rate follows a metric, not the step.

    Args:
        name: One of :data:`SCHEDULER_TYPES` (or a ``SchedulerType`` member).
        lr: The optimizer's learning rate.
        num_warmup_steps: :math:`W`.
        num_training_steps: :math:`N`.
        scheduler_specific_kwargs: Keyword arguments of the schedule's function.

    Example:
        >>> from lrdecay.compat import transformers
        >>> s = transformers.get_scheduler("warmup_stable_decay", lr=3e-4, num_warmup_steps=100,
        ...     num_training_steps=1000,
        ...     scheduler_specific_kwargs={"num_decay_steps": 200, "decay_type": "1-sqrt"})
        >>> [s(0), s(100), s(800), round(s(850), 12), s(1000)]
        [0.0, 0.0003, 0.0003, 0.00015, 0.0]
    """
    owner = _owner("get_scheduler")
    kind = getattr(name, "value", name)
    if not isinstance(kind, str) or kind not in SCHEDULER_TYPES:
        raise ParameterValueError(
            owner, "name", f"must be one of {', '.join(SCHEDULER_TYPES)}, got {name!r}"
        )
    if kind in ("reduce_lr_on_plateau", "greedy"):
        raise ParameterValueError(
            owner,
            "name",
            f"{kind!r} is not a function of the step (its rate follows a metric): lrdecay has "
            "no schedule for it",
        )
    if kind == "constant":
        return get_constant_schedule(lr)
    if scheduler_specific_kwargs is None:
        scheduler_specific_kwargs = {}
    if not isinstance(scheduler_specific_kwargs, Mapping):
        raise ParameterTypeError(
            owner,
            "scheduler_specific_kwargs",
            f"must be a dict, got {scheduler_specific_kwargs!r}",
        )
    extra = dict(scheduler_specific_kwargs)
    if num_warmup_steps is None:
        raise ParameterValueError(owner, "num_warmup_steps", f"is required by {kind!r}, got None")
    if kind == "constant_with_warmup":
        return get_constant_schedule_with_warmup(lr, num_warmup_steps=num_warmup_steps)
    if kind == "inverse_sqrt":
        return get_inverse_sqrt_schedule(lr, num_warmup_steps=num_warmup_steps, **extra)
    if kind == "warmup_stable_decay":
        return get_wsd_schedule(
            lr, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **extra
        )
    if num_training_steps is None:
        raise ParameterValueError(owner, "num_training_steps", f"is required by {kind!r}, got None")
    functions: dict[str, Callable[..., Schedule]] = {
        "linear": get_linear_schedule_with_warmup,
        "cosine": get_cosine_schedule_with_warmup,
        "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
        "polynomial": get_polynomial_decay_schedule_with_warmup,
        "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
        "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    }
    function = functions[kind]
    schedule: Schedule = function(
        lr, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **extra
    )
    return schedule
