"""PyTorch's ``torch.optim.lr_scheduler`` classes, as core schedules (torch is not imported).

Each function has the name of a ``torch.optim.lr_scheduler`` class and its parameters, with the
same names, order and defaults, ``optimizer`` left out, plus the keyword-only ``lr``: the rate the
optimizer was built with (``torch.optim.SGD(params, lr=...)``). ``CyclicLR`` and ``OneCycleLR``
overwrite the optimizer's rate, so their ``lr`` is optional and ignored. The value at step ``k`` is
the param group's ``lr`` after ``k`` calls of ``scheduler.step()`` on a fresh optimizer (step 0:
right after the scheduler is built), quirks included: each function's docstring lists them.

PyTorch computes most of these rates *recursively* (each ``step()`` multiplies the previous rate);
lrdecay computes the closed form from the step. PyTorch's recursion accumulates about one rounding
per step, so the two agree within ``1e-12`` of the scale over thousands of steps (the tests check
every step), except where ``docs/frameworks.md`` says otherwise (the recursion of
``CosineAnnealingLR`` past ``T_max``, and running rates that PyTorch lets underflow).

``last_epoch`` is accepted with its default ``-1`` only: a schedule is a function of the step, so
a resumed run evaluates it at the resumed step (``lrdecay.torch.scheduler`` does that).

Composites take schedules built here, with the same ``lr``::

    SequentialLR([LinearLR(0.1, total_iters=100, lr=0.5),
                  CosineAnnealingLR(900, lr=0.5)], milestones=[100])
    ChainedScheduler([ConstantLR(0.5, total_iters=4, lr=0.5), ExponentialLR(0.9, lr=0.5)])

Example:
    >>> from lrdecay.compat import torch as pt
    >>> s = pt.StepLR(step_size=30, gamma=0.1, lr=0.05)
    >>> [s(29), round(s(30), 12), round(s(60), 12)]
    [0.05, 0.005, 0.0005]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lrdecay._core import (
    MIN_DURATION,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    check_bool,
    check_duration,
    check_int,
    check_number,
    check_schedules,
    check_sequence,
)
from lrdecay.combinators import Join, Product, Restarts, Shift, Sum
from lrdecay.curves import Constant, Cosine, Exponential, Piecewise, Polynomial, linear

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "PolynomialLR",
    "SequentialLR",
    "StepLR",
]


def _rate(owner: str, name: str, value: Any) -> float:
    """A rate: one number (PyTorch's per-group lists have no meaning for one schedule)."""
    if isinstance(value, list | tuple):
        raise ParameterTypeError(
            owner,
            name,
            f"must be one number (a list gives one rate per param group; build one schedule "
            f"per group), got {value!r}",
        )
    return float(check_number(owner, name, value))


def _lr(owner: str, lr: Any) -> float:
    """The optimizer's rate: ``>= 0``, as every ``torch.optim`` optimizer requires."""
    rate = _rate(owner, "lr", lr)
    if rate < 0:
        raise ParameterValueError(
            owner,
            "lr",
            f"must be >= 0 (torch.optim optimizers refuse a negative rate), got {rate!r}",
        )
    return rate


def _last_epoch(owner: str, last_epoch: Any) -> None:
    if last_epoch != -1 or isinstance(last_epoch, bool):
        raise ParameterValueError(
            owner,
            "last_epoch",
            "must be -1: a schedule is a function of the step, so resume by evaluating it at "
            f"the resumed step (lrdecay.torch.scheduler does), got {last_epoch!r}",
        )


def _relative(lr: float, factor: Schedule) -> Product:
    """``lr`` times a multiplicative factor: the form :func:`ChainedScheduler` multiplies."""
    return Product((Constant(lr), factor))


def StepLR(step_size: int, gamma: float = 0.1, last_epoch: int = -1, *, lr: float) -> Schedule:
    r"""``torch.optim.lr_scheduler.StepLR``: multiply by ``gamma`` every ``step_size`` steps.

    .. math:: v(k) = \eta\,\gamma^{\lfloor k / s \rfloor}

    Quirk kept: a negative ``step_size`` behaves as its absolute value (PyTorch tests
    ``k % step_size == 0``). ``step_size=0`` is refused (PyTorch divides by zero at step 1).

    Args:
        step_size: :math:`s`, a non-zero integer.
        gamma: :math:`\gamma`, any number (negative: the sign alternates).
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.StepLR(step_size=2, gamma=0.5, lr=1.0)
        >>> [s(k) for k in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    owner = "StepLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    size = check_int(owner, "step_size", step_size)
    if size == 0:
        raise ParameterValueError(
            owner, "step_size", "must not be 0 (PyTorch divides by it at step 1), got 0"
        )
    g = float(check_number(owner, "gamma", gamma))
    factor = Exponential(init_value=1.0, decay_steps=abs(size), decay_rate=g, staircase=True)
    return _relative(eta, factor)


def MultiStepLR(
    milestones: Sequence[int], gamma: float = 0.1, last_epoch: int = -1, *, lr: float
) -> Schedule:
    r"""``torch.optim.lr_scheduler.MultiStepLR``: multiply by ``gamma`` at each milestone.

    .. math:: v(k) = \eta\,\gamma^{\#\{m \in M : 0 \le m \le k\}}

    The rate changes *at* the milestone (``k >= m``). Quirks kept: milestones need not be sorted;
    a repeated milestone multiplies by ``gamma`` once per repetition; a milestone of 0 already
    applies at step 0; negative and non-integral milestones are never reached.

    Args:
        milestones: Steps (any order, repeats count).
        gamma: :math:`\gamma`, any number.
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.MultiStepLR(milestones=[3, 1], gamma=0.5, lr=1.0)
        >>> [s(k) for k in range(5)]
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """
    owner = "MultiStepLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    marks = check_sequence(owner, "milestones", milestones)
    counts: Counter[int] = Counter()
    for i, m in enumerate(marks):
        number = check_number(owner, f"milestones[{i}]", m)
        if number >= 0 and number == math.floor(number):
            counts[int(number)] += 1
    g = float(check_number(owner, "gamma", gamma))
    bounds = sorted(m for m in counts if m > 0)
    total = counts[0]
    values = [g**total]
    for m in bounds:
        total += counts[m]
        values.append(g**total)
    return _relative(eta, Piecewise(boundaries=tuple(bounds), values=tuple(values)))


def ConstantLR(
    factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1, *, lr: float
) -> Schedule:
    r"""``torch.optim.lr_scheduler.ConstantLR``: ``factor`` times the rate until ``total_iters``.

    .. math:: v(k) = \begin{cases} \eta f & k < N \\ \eta & k \ge N \end{cases}

    Quirk kept: with ``total_iters <= 0`` the rate stays :math:`\eta f` for ever (step 0 applies
    the factor and no later step equals ``total_iters``). With ``total_iters > 0``, ``factor=0``
    and factors whose reciprocal overflows (below about ``5.6e-309``) are refused: PyTorch
    multiplies by ``1 / factor`` at step ``total_iters`` (``ZeroDivisionError``, or ``inf``).

    Args:
        factor: :math:`0 \le f \le 1`.
        total_iters: :math:`N`, an integer.
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.ConstantLR(factor=0.5, total_iters=2, lr=1.0)
        >>> [s(0), s(1), s(2)]
        [0.5, 0.5, 1.0]
    """
    owner = "ConstantLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    f = float(check_number(owner, "factor", factor))
    if not 0 <= f <= 1:
        raise ParameterValueError(owner, "factor", f"must be between 0 and 1, got {f!r}")
    total = check_int(owner, "total_iters", total_iters)
    if total <= 0:
        return _relative(eta, Constant(f))
    if f == 0 or 1.0 / f == math.inf:
        raise ParameterValueError(
            owner,
            "factor",
            "must be > 0, with 1 / factor finite, when total_iters > 0 (PyTorch multiplies by "
            f"1 / factor at step total_iters: a ZeroDivisionError, or inf), got {f!r}",
        )
    return _relative(eta, Piecewise(boundaries=(total,), values=(f, 1.0)))


def LinearLR(
    start_factor: float = 1.0 / 3,
    end_factor: float = 1.0,
    total_iters: int = 5,
    last_epoch: int = -1,
    *,
    lr: float,
) -> Schedule:
    r"""``torch.optim.lr_scheduler.LinearLR``: a factor going linearly from start to end.

    .. math:: v(k) = \eta\left(f_0 + (f_1 - f_0)\,\frac{\min(k, N)}{N}\right)

    Quirk kept: with ``total_iters <= 0`` the rate stays :math:`\eta f_0` for ever.

    Args:
        start_factor: :math:`0 < f_0 \le 1`.
        end_factor: :math:`0 \le f_1 \le 1`.
        total_iters: :math:`N`, an integer.
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.LinearLR(start_factor=0.25, total_iters=3, lr=1.0)
        >>> [s(k) for k in range(5)]
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """
    owner = "LinearLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    f0 = float(check_number(owner, "start_factor", start_factor))
    if not 0 < f0 <= 1:
        raise ParameterValueError(owner, "start_factor", f"must be > 0 and <= 1, got {f0!r}")
    f1 = float(check_number(owner, "end_factor", end_factor))
    if not 0 <= f1 <= 1:
        raise ParameterValueError(owner, "end_factor", f"must be between 0 and 1, got {f1!r}")
    total = check_int(owner, "total_iters", total_iters)
    if total <= 0:
        return _relative(eta, Constant(f0))
    return _relative(eta, linear(f0, f1, total))


def ExponentialLR(gamma: float, last_epoch: int = -1, *, lr: float) -> Schedule:
    r"""``torch.optim.lr_scheduler.ExponentialLR``: multiply by ``gamma`` every step.

    .. math:: v(k) = \eta\,\gamma^{k}

    No horizon. A ``gamma > 1`` grows until it overflows to ``inf``, as in PyTorch.

    Args:
        gamma: :math:`\gamma`, any number (negative: the sign alternates).
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> pt.ExponentialLR(gamma=0.5, lr=1.0)(3)
        0.125
    """
    owner = "ExponentialLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    g = float(check_number(owner, "gamma", gamma))
    factor = Exponential(init_value=1.0, decay_steps=1, decay_rate=g, staircase=True)
    return _relative(eta, factor)


def PolynomialLR(
    total_iters: int = 5, power: float = 1.0, last_epoch: int = -1, *, lr: float
) -> Schedule:
    r"""``torch.optim.lr_scheduler.PolynomialLR``: polynomial decay to 0 over ``total_iters``.

    .. math:: v(k) = \eta\left(1 - \frac{\min(k, N)}{N}\right)^{p}

    Quirks kept: the rate ends at 0 (there is no end rate), and with ``total_iters <= 0`` it stays
    :math:`\eta`. A negative ``power`` is refused: PyTorch raises ``0.0 ** power`` at step
    ``total_iters``.

    Args:
        total_iters: :math:`N`, an integer.
        power: :math:`p \ge 0`.
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.PolynomialLR(total_iters=4, power=2.0, lr=1.0)
        >>> [s(k) for k in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    owner = "PolynomialLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    total = check_int(owner, "total_iters", total_iters)
    p = float(check_number(owner, "power", power))
    if total <= 0:
        return _relative(eta, Constant(1.0))
    if p < 0:
        raise ParameterValueError(
            owner,
            "power",
            f"must be >= 0 (PyTorch raises 0.0 ** power at step total_iters), got {p!r}",
        )
    return _relative(eta, Polynomial(init_value=1.0, decay_steps=total, end_value=0.0, power=p))


def CosineAnnealingLR(
    T_max: int, eta_min: float = 0.0, last_epoch: int = -1, *, lr: float
) -> Schedule:
    r"""``torch.optim.lr_scheduler.CosineAnnealingLR``: a cosine that keeps going past ``T_max``.

    .. math::
        v(k) = \eta_{\min} + (\eta - \eta_{\min})\,\tfrac12\left(1 + \cos\frac{\pi k}{T}\right)

    Quirk kept: PyTorch's recursive update does not stop at ``T_max``: the rate climbs back to
    :math:`\eta` at :math:`2T` and repeats with period :math:`2T` (not a restart: a full cosine
    wave). A negative ``T_max`` behaves as its absolute value; 0 is refused (PyTorch divides by
    it). Built as :class:`~lrdecay.Restarts` of a one-period :class:`~lrdecay.Cosine` over
    :math:`2T`. PyTorch's recursion drifts from this closed form on each rising half, by up to
    about :math:`4\cdot10^{-17}\,T^2` of the larger of ``lr`` and ``|eta_min|``
    (``docs/frameworks.md``).

    Args:
        T_max: :math:`T`, a non-zero integer.
        eta_min: :math:`\eta_{\min}`.
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.CosineAnnealingLR(T_max=10, lr=1.0)
        >>> [s(0), round(s(5), 12), s(10), round(s(15), 12), s(20)]
        [1.0, 0.5, 0.0, 0.5, 1.0]
    """
    owner = "CosineAnnealingLR"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    t = check_int(owner, "T_max", T_max)
    if t == 0:
        raise ParameterValueError(owner, "T_max", "must not be 0 (PyTorch divides by it), got 0")
    low = float(check_number(owner, "eta_min", eta_min))
    wave = Cosine(init_value=eta, decay_steps=2 * abs(t), end_value=low, num_periods=1.0)
    return Restarts(wave, period_steps=2 * abs(t))


def CosineAnnealingWarmRestarts(
    T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1, *, lr: float
) -> Schedule:
    r"""``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`` (SGDR).

    Cycle :math:`i` lasts :math:`T_i = T_0 m^i` steps; at step :math:`c` of it:

    .. math:: v = \eta_{\min} + (\eta - \eta_{\min})\,\tfrac12\left(1 + \cos\frac{\pi c}{T_i}\right)

    Every cycle restarts at :math:`\eta` (no decay of the peak) and never reaches
    :math:`\eta_{\min}` (the restart comes first). Built as :class:`~lrdecay.Restarts`.

    Args:
        T_0: :math:`T_0 > 0`, an integer.
        T_mult: :math:`m`, an integer in ``[1, 10**6]`` (PyTorch has no upper bound; a larger one
            would make the second cycle longer than any run).
        eta_min: :math:`\eta_{\min}`.
        last_epoch: ``-1`` only.
        lr: :math:`\eta`, the optimizer's rate.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.CosineAnnealingWarmRestarts(T_0=4, T_mult=2, lr=1.0)
        >>> [s(0), s(2), s(4), s(8), s(12)]
        [1.0, 0.5, 1.0, 0.5, 1.0]
    """
    owner = "CosineAnnealingWarmRestarts"
    _last_epoch(owner, last_epoch)
    eta = _lr(owner, lr)
    t0 = check_int(owner, "T_0", T_0)
    if t0 <= 0:
        raise ParameterValueError(owner, "T_0", f"must be a positive integer, got {t0!r}")
    m = check_int(owner, "T_mult", T_mult)
    if not 1 <= m <= 10**6:
        raise ParameterValueError(owner, "T_mult", f"must be between 1 and 10**6, got {m!r}")
    low = float(check_number(owner, "eta_min", eta_min))
    cycle = Cosine(init_value=eta, decay_steps=t0, end_value=low)
    return Restarts(cycle, period_steps=t0, period_factor=m)


def _triangle(height: float, up: float, down: float) -> Schedule:
    """0 up to ``height`` over ``up`` steps, back to 0 over ``down`` (a sawtooth if 0)."""
    rise = linear(0.0, height, up)
    if down == 0:
        return rise
    return Join((rise, linear(height, 0.0, down)), (up,))


def CyclicLR(
    base_lr: float,
    max_lr: float,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    scale_fn: Any = None,
    scale_mode: str = "cycle",
    cycle_momentum: bool = True,
    base_momentum: float = 0.8,
    max_momentum: float = 0.9,
    last_epoch: int = -1,
    *,
    lr: float | None = None,
) -> Schedule:
    r"""``torch.optim.lr_scheduler.CyclicLR``: triangular cycles between ``base_lr`` and ``max_lr``.

    With :math:`u` = ``step_size_up``, :math:`d` = ``step_size_down``, cycle :math:`i` starting at
    :math:`i(u+d)` and :math:`c` the step within it:

    .. math::
        v(k) = b + (M - b)\,h(c)\,s, \qquad
        h(c) = \begin{cases} c/u & c \le u \\ (u + d - c)/d & c > u \end{cases}

    with :math:`s = 1` (``"triangular"``), :math:`s = 2^{-i}` (``"triangular2"``: the height halves
    each cycle) or :math:`s = \gamma^{k}` (``"exp_range"``: the height decays every *step*).
    Built as :class:`~lrdecay.Restarts` of a :class:`~lrdecay.Join` of two lines
    (``value_factor=0.5`` for triangular2; times :class:`~lrdecay.Exponential` for exp_range),
    plus :math:`b`.

    Quirks kept: ``step_size_down=0`` gives a sawtooth; the momentum arguments are accepted and
    ignored (only the rate is a schedule). PyTorch overwrites the optimizer's rate with ``base_lr``:
    ``lr`` is ignored. Not supported: ``scale_fn`` (a Python callable; write the scaling as a
    schedule instead), and non-positive step sizes (PyTorch divides by zero, or computes values
    outside ``[base_lr, max_lr]``). ``scale_mode`` only matters with ``scale_fn`` and is ignored.

    Args:
        base_lr: :math:`b`, the rate at each cycle's start.
        max_lr: :math:`M`, the peak of the first cycle.
        step_size_up: :math:`u > 0` (a number, as PyTorch takes ``float(step_size_up)``).
        step_size_down: :math:`d \ge 0`, or ``None`` for :math:`u`.
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
        gamma: :math:`\gamma` of ``"exp_range"``.
        scale_fn: Must be ``None``.
        scale_mode: Ignored.
        cycle_momentum: Ignored.
        base_momentum: Ignored.
        max_momentum: Ignored.
        last_epoch: ``-1`` only.
        lr: Ignored (PyTorch replaces it with ``base_lr``).

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.CyclicLR(base_lr=0.0, max_lr=1.0, step_size_up=2, mode="triangular2")
        >>> [s(k) for k in range(9)]
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0]
    """
    owner = "CyclicLR"
    _last_epoch(owner, last_epoch)
    if lr is not None:
        _lr(owner, lr)
    base = _rate(owner, "base_lr", base_lr)
    peak = _rate(owner, "max_lr", max_lr)
    up = float(check_number(owner, "step_size_up", step_size_up))
    down = (
        up
        if step_size_down is None
        else float(check_number(owner, "step_size_down", step_size_down))
    )
    if up <= 0:
        raise ParameterValueError(owner, "step_size_up", f"must be > 0, got {step_size_up!r}")
    if down < 0:
        raise ParameterValueError(owner, "step_size_down", f"must be >= 0, got {step_size_down!r}")
    for name, length in (("step_size_up", up), ("step_size_down", down)):
        if 0 < length < MIN_DURATION:
            check_duration(owner, name, length)
    if scale_fn is not None:
        raise ParameterValueError(
            owner,
            "scale_fn",
            "is not supported (a Python callable is not a schedule: multiply the schedule by "
            f"one instead), got {scale_fn!r}",
        )
    if mode not in ("triangular", "triangular2", "exp_range"):
        raise ParameterValueError(
            owner,
            "mode",
            f"must be 'triangular', 'triangular2' or 'exp_range' (scale_fn is None), got {mode!r}",
        )
    g = float(check_number(owner, "gamma", gamma))
    check_bool(owner, "cycle_momentum", cycle_momentum)
    shape = _triangle(peak - base, up, down)
    waves: Schedule = Restarts(
        shape, period_steps=up + down, value_factor=0.5 if mode == "triangular2" else 1.0
    )
    if mode == "exp_range":
        decay = Exponential(init_value=1.0, decay_steps=1, decay_rate=g, staircase=True)
        waves = Product((waves, decay))
    return Sum((Constant(base), waves))


def _piece(
    strategy: str, start: float, end: float, length: float, offset: float, reach: float
) -> Schedule:
    """OneCycleLR's anneal from ``start`` to ``end`` at ``(t + offset) / length``, for local steps
    ``t`` in ``[0, reach]`` (past ``length`` it extrapolates, as PyTorch does at its last step)."""
    span = max(abs(length), reach)
    if strategy == "cos" and offset != 0:
        # a phase that began before step 0 (pct_start * total_steps < 1): the cosine started
        # part-way through
        span = max(abs(length), offset + reach)
        whole = Cosine(
            init_value=start, decay_steps=span, end_value=end, num_periods=span / (2 * abs(length))
        )
        return Shift(whole, offset)
    if strategy == "linear":
        if offset == 0 and span == length:
            return linear(start, end, length)
        delta = end - start
        return linear(
            start + delta * (offset / length), start + delta * ((offset + span) / length), span
        )
    return Cosine(
        init_value=start, decay_steps=span, end_value=end, num_periods=span / (2 * abs(length))
    )


def OneCycleLR(
    max_lr: float,
    total_steps: int | None = None,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    cycle_momentum: bool = True,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
    last_epoch: int = -1,
    *,
    lr: float | None = None,
) -> Schedule:
    r"""``torch.optim.lr_scheduler.OneCycleLR``: warm up to ``max_lr``, then anneal far below.

    With :math:`N` = ``total_steps``, :math:`\eta_0 = M/`\ ``div_factor``, :math:`\eta_{\min} =
    \eta_0/`\ ``final_div_factor`` and phase ends :math:`e_1 = pN - 1` (:math:`p` = ``pct_start``)
    and :math:`N - 1`, the rate anneals (cosine or linear) from :math:`\eta_0` to :math:`M` over
    :math:`[0, e_1]` and from :math:`M` to :math:`\eta_{\min}` over :math:`(e_1, N-1]`. With
    ``three_phase``: :math:`\eta_0 \to M` over :math:`[0, e_1]`, :math:`M \to \eta_0` over
    :math:`(e_1, 2pN - 2]`, :math:`\eta_0 \to \eta_{\min}` up to :math:`N - 1`. For the cosine,

    .. math:: \mathrm{anneal}(a, b, x) = b + \tfrac{a - b}{2}\,(1 + \cos \pi x)

    at the fraction :math:`x` of the phase (linear: :math:`a + (b - a)x`). Built as a
    :class:`~lrdecay.Join` of :class:`~lrdecay.Cosine` or linear pieces switching at the (possibly
    fractional) phase ends, as PyTorch computes them in ``float64``.

    Quirks kept: step :math:`N` is still valid and *extrapolates* the last phase (slightly above
    :math:`\eta_{\min}` for the cosine, below it for the linear anneal); PyTorch raises from step
    :math:`N + 1` on, and lrdecay holds the value of step :math:`N` (of step :math:`N - 1` where
    PyTorch already divides by zero at :math:`N`, as with ``pct_start=1.0``). ``pct_start`` must be
    a ``float`` (PyTorch refuses ``0`` and ``1``); when :math:`pN < 1` the rate starts part-way down
    the second phase (a :class:`~lrdecay.Shift`-ed cosine) and never reaches ``max_lr``. The
    momentum arguments are accepted and ignored; ``lr`` is ignored (PyTorch overwrites the rate).

    Args:
        max_lr: :math:`M`.
        total_steps: :math:`N`, a positive integer, or ``None`` for ``epochs * steps_per_epoch``.
        epochs: A positive integer (with ``steps_per_epoch``).
        steps_per_epoch: A positive integer (with ``epochs``).
        pct_start: :math:`p`, a ``float`` in ``[0, 1]``.
        anneal_strategy: ``"cos"`` or ``"linear"``.
        cycle_momentum: Ignored.
        base_momentum: Ignored.
        max_momentum: Ignored.
        div_factor: :math:`M / \eta_0`, non-zero.
        final_div_factor: :math:`\eta_0 / \eta_{\min}`, non-zero.
        three_phase: Add the phase back down to :math:`\eta_0` before the final anneal.
        last_epoch: ``-1`` only.
        lr: Ignored (PyTorch replaces it with ``max_lr / div_factor``).

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.OneCycleLR(max_lr=1.0, total_steps=11, pct_start=0.5, div_factor=10.0,
        ...                   final_div_factor=1.0, anneal_strategy="linear")
        >>> [round(s(k), 12) for k in (0, 3, 5, 10, 11, 12)]
        [0.1, 0.7, 0.918181818182, 0.1, -0.063636363636, -0.063636363636]
    """
    owner = "OneCycleLR"
    _last_epoch(owner, last_epoch)
    if lr is not None:
        _lr(owner, lr)
    if total_steps is not None:
        n = check_int(owner, "total_steps", total_steps)
        if n <= 0:
            raise ParameterValueError(owner, "total_steps", f"must be a positive integer, got {n}")
    elif epochs is not None and steps_per_epoch is not None:
        e = check_int(owner, "epochs", epochs)
        spe = check_int(owner, "steps_per_epoch", steps_per_epoch)
        if e <= 0 or spe <= 0:
            bad, value = ("epochs", e) if e <= 0 else ("steps_per_epoch", spe)
            raise ParameterValueError(owner, bad, f"must be a positive integer, got {value}")
        n = e * spe
    else:
        raise ValueError(
            f"{owner}: give either total_steps or both epochs and steps_per_epoch, got "
            f"total_steps={total_steps!r}, epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}"
        )
    if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
        raise ParameterValueError(
            owner,
            "pct_start",
            f"must be a float between 0 and 1 (PyTorch refuses ints), got {pct_start!r}",
        )
    p = check_number(owner, "pct_start", pct_start)
    if anneal_strategy not in ("cos", "linear"):
        raise ParameterValueError(
            owner, "anneal_strategy", f"must be 'cos' or 'linear', got {anneal_strategy!r}"
        )
    peak = _rate(owner, "max_lr", max_lr)
    div = float(check_number(owner, "div_factor", div_factor))
    final_div = float(check_number(owner, "final_div_factor", final_div_factor))
    for name, divisor in (("div_factor", div), ("final_div_factor", final_div)):
        if divisor == 0:
            raise ParameterValueError(owner, name, "must not be 0 (PyTorch divides by it), got 0.0")
    three = check_bool(owner, "three_phase", three_phase)
    check_bool(owner, "cycle_momentum", cycle_momentum)
    low = peak / div
    floor_lr = low / final_div
    # PyTorch's phases: (end_step, start rate, end rate); phase j covers (end_{j-1}, end_j]
    # (phase 0 from step 0) and the last one everything after.
    if three:
        phases = [
            (float(p * n) - 1, low, peak),
            (float(2 * p * n) - 2, peak, low),
            (float(n - 1), low, floor_lr),
        ]
    else:
        phases = [(float(p * n) - 1, low, peak), (float(n - 1), peak, floor_lr)]
    starts = [0.0] + [end for end, _, _ in phases[:-1]]

    def phase_of(k: int) -> int:
        for j, (end, _, _) in enumerate(phases[:-1]):
            if k <= end:
                return j
        return len(phases) - 1

    last = len(phases) - 1
    horizon = n  # the last step PyTorch computes
    if starts[last] == phases[last][0] and phase_of(n) == last:
        horizon = n - 1  # the last phase has no length: PyTorch divides by zero at step n
    if phase_of(0) == 0 and phases[0][0] == 0:
        raise ParameterValueError(
            owner,
            "pct_start",
            f"must not make pct_start * total_steps == 1 (PyTorch divides by zero at step 0), "
            f"got pct_start={p!r} with total_steps={n}",
        )
    # phase_of is non-decreasing and changes only after a phase end: these steps see every phase
    critical = {0, horizon} | {
        min(max(math.floor(end) + d, 0), horizon) for end, _, _ in phases[:-1] for d in (0, 1)
    }
    used = sorted({phase_of(k) for k in critical})
    pieces: list[Schedule] = []
    bounds: list[float] = []
    for j in used:
        end, a, b = phases[j]
        length = end - starts[j]
        first = not pieces
        offset = -starts[j] if first else 0.0
        boundary = 0.0 if first else starts[j]
        last_k = horizon if j == phase_of(horizon) else math.floor(end)
        reach = last_k - boundary
        if max(abs(length), reach) < MIN_DURATION:
            raise ParameterValueError(
                owner, "pct_start", f"gives a phase shorter than {MIN_DURATION:g} steps: {p!r}"
            )
        pieces.append(_piece(anneal_strategy, a, b, length, offset, reach))
        if not first:
            bounds.append(boundary)
    body: Schedule = pieces[0] if len(pieces) == 1 else Join(tuple(pieces), tuple(bounds))
    final = float(body(horizon))
    return Join((body, Constant(final)), (horizon + 1,))


def SequentialLR(
    schedulers: Sequence[Schedule], milestones: Sequence[int], last_epoch: int = -1
) -> Schedule:
    r"""``torch.optim.lr_scheduler.SequentialLR``: one schedule after another.

    .. math:: v(k) = s_i(k - m_{i-1}) \quad \text{for } m_{i-1} \le k < m_i

    Each schedule starts from its own step 0 at its milestone (PyTorch resets it there), so this
    is :class:`~lrdecay.Join`. Build the members with this module's functions and the same ``lr``
    (they share PyTorch's optimizer). Quirks kept: a milestone ``<= 0`` skips the schedules before
    it; of equal milestones only the last schedule runs. Not reproduced: PyTorch restarts a later
    member from its *closed form* at step 0, which differs from the member alone only for
    degenerate members (``total_iters <= 0``, a ``MultiStepLR`` milestone ``<= 0``), and nesting
    ``SequentialLR``/``ChainedScheduler`` members, which PyTorch cannot restart (it raises).

    Args:
        schedulers: The schedules, in order.
        milestones: One fewer than schedules: sorted integer steps.
        last_epoch: ``-1`` only.

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.SequentialLR([pt.LinearLR(0.5, total_iters=2, lr=1.0),
        ...                      pt.ExponentialLR(0.5, lr=1.0)], milestones=[2])
        >>> [s(k) for k in range(5)]
        [0.5, 0.75, 1.0, 0.5, 0.25]
    """
    owner = "SequentialLR"
    _last_epoch(owner, last_epoch)
    members = check_schedules(owner, "schedulers", schedulers)
    if not members:
        raise ParameterValueError(owner, "schedulers", "must not be empty, got []")
    marks = check_sequence(owner, "milestones", milestones)
    for i, m in enumerate(marks):
        check_int(owner, f"milestones[{i}]", m)
    if len(marks) != len(members) - 1:
        raise ValueError(
            f"{owner}: milestones must have one entry fewer than schedulers, got "
            f"{len(marks)} milestones for {len(members)} schedulers"
        )
    for i in range(1, len(marks)):
        if marks[i] < marks[i - 1]:
            raise ParameterValueError(
                owner, "milestones", f"must be sorted (PyTorch bisects them), got {list(marks)}"
            )
    kept = [members[sum(1 for m in marks if m <= 0)]]
    bounds: list[int] = []
    for m, s in zip(marks, members[1:], strict=True):
        if m <= 0:
            continue
        if bounds and bounds[-1] == m:
            kept[-1] = s
        else:
            bounds.append(m)
            kept.append(s)
    return kept[0] if not bounds else Join(tuple(kept), tuple(bounds))


def ChainedScheduler(schedulers: Sequence[Schedule]) -> Schedule:
    r"""``torch.optim.lr_scheduler.ChainedScheduler``: every member steps the same rate.

    .. math:: v(k) = \eta \prod_i f_i(k)

    Each member multiplies the rate by its own factor, so the chain is the product of the
    factors. The members must be this module's multiplicative schedules (``StepLR``,
    ``MultiStepLR``, ``ConstantLR``, ``LinearLR``, ``ExponentialLR``, ``PolynomialLR``) built with
    the same ``lr``: the others set the rate (``CosineAnnealingLR`` adds to it past ``T_max``)
    and do not chain as a product. Built as one :class:`~lrdecay.Product`.

    Args:
        schedulers: The schedules (PyTorch's ``optimizer`` argument is left out).

    Example:
        >>> from lrdecay.compat import torch as pt
        >>> s = pt.ChainedScheduler([pt.ConstantLR(0.5, total_iters=2, lr=1.0),
        ...                          pt.ExponentialLR(0.5, lr=1.0)])
        >>> [s(k) for k in range(4)]
        [0.5, 0.25, 0.25, 0.125]
    """
    owner = "ChainedScheduler"
    members = check_schedules(owner, "schedulers", schedulers)
    if not members:
        raise ParameterValueError(owner, "schedulers", "must not be empty, got []")
    factors: list[Schedule] = []
    rate: float | None = None
    for i, s in enumerate(members):
        if not (
            isinstance(s, Product)
            and len(s.schedules) == 2
            and isinstance(s.schedules[0], Constant)
        ):
            raise ParameterValueError(
                owner,
                f"schedulers[{i}]",
                "must be a multiplicative schedule of lrdecay.compat.torch (StepLR, MultiStepLR, "
                f"ConstantLR, LinearLR, ExponentialLR or PolynomialLR), got {s!r}",
            )
        value = s.schedules[0].value
        if rate is not None and value != rate:
            raise ParameterValueError(
                owner,
                f"schedulers[{i}]",
                f"must have the same lr as the others (one optimizer), got {value!r} and {rate!r}",
            )
        rate = value
        factors.append(s.schedules[1])
    assert rate is not None
    return Product((Constant(rate), *factors))
