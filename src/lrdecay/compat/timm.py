"""timm's learning-rate schedulers (``timm.scheduler``), as core schedules.

Each function has the name and the parameters of the timm class, with ``lr`` (the optimizer's
learning rate, timm's base value) in place of the optimizer: ``CosineLRScheduler(lr=0.1,
t_initial=1000, warmup_t=50)``. The value of the returned :class:`~lrdecay.Schedule` at ``t`` is
the group's ``lr`` after ``scheduler.step_update(t)`` (with ``t_in_epochs=False``; with
``t_in_epochs=True`` the same function of the epoch passed to ``scheduler.step(epoch)``), in
double precision, as in timm. Nothing here imports timm or torch.

timm's conventions, kept:

* the warm-up goes linearly from ``warmup_lr_init`` at 0; with ``warmup_prefix=False`` it
  *replaces* the first ``warmup_t`` steps of the curve, which then carries on from step
  ``warmup_t`` where it would have been (so the cosine and polynomial schedulers jump at the end of
  the warm-up; the tanh scheduler's warm-up ends on the curve's value); with
  ``warmup_prefix=True`` the curve starts after the warm-up;
* cycles last ``t_initial * cycle_mul**i`` steps; ``cycle_decay`` scales each cycle's *peak*
  only (``lr_min`` stays); after ``cycle_limit`` cycles the rate is ``lr_min``;
* ``MultiStepLRScheduler`` decays one step *before* each ``decay_t`` entry (timm's
  ``bisect_right(decay_t, t + 1)``), ``StepLRScheduler`` at the multiples of ``decay_t``.

* ``noise_range_t`` (a step ``r``: from ``r`` on; ``[r0, r1]``: ``r0 <= t < r1``) multiplies the
  rate by ``1 + n(t)``, with timm's noise ``n(t)`` drawn as torch draws it
  (:class:`~lrdecay.TimmNoise`: ``torch.Generator`` seeded ``noise_seed + t``, ``torch.randn``
  times ``noise_std``, redrawn until ``|n| < noise_pct``), reproduced without torch;
* ``k_decay`` plays each cycle on the clock ``t**k / t_i**k`` (:class:`~lrdecay.Warp`);
* a negative ``warmup_t`` is no warm-up, and with ``warmup_prefix`` starts the curve ``-warmup_t``
  steps in (:class:`~lrdecay.Shift`).

Refused, with a ``ValueError`` naming the class, the parameter and the value: what timm asserts
against (``t_initial <= 0``, ``lr_min < 0``, ...) or fails on while stepping (``cycle_mul < 1``:
a logarithm of a negative number once the shrinking cycles are over; ``k_decay < 0``: ``0 ** k``
at a cycle's first step; ``noise_pct <= 0``: timm redraws forever); a noise limit so tight that
reproducing timm's redraws would take more than 1,248 draws per step (``noise_pct < 0.045 *
noise_std``); a negative ``power`` of ``PolyLRScheduler`` (the rate grows without bound towards
each cycle's end), which lrdecay's curves cannot express. Exact: the cycle of a step when
``cycle_mul != 1`` (timm finds it with a floating logarithm, which at an exact restart step may
give the end of the previous cycle).

Example:
    >>> from lrdecay.compat import timm
    >>> s = timm.CosineLRScheduler(lr=1.0, t_initial=100, lr_min=0.1, warmup_t=10,
    ...                            warmup_lr_init=0.0, warmup_prefix=True)
    >>> [s(0), s(5), s(10), round(s(60), 12), s(110), s(1000)]
    [0.0, 0.5, 1.0, 0.55, 0.1, 0.1]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from lrdecay._core import (
    ParameterError,
    ParameterValueError,
    Schedule,
    check_bool,
    check_number,
    check_sequence,
)
from lrdecay._step import as_ratio
from lrdecay.combinators import Join, Restarts, Shift, Warp
from lrdecay.curves import (
    Constant,
    Cosine,
    Exponential,
    Piecewise,
    Polynomial,
    Tanh,
    TimmNoise,
    linear,
)

__all__ = [
    "CosineLRScheduler",
    "MultiStepLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "TanhLRScheduler",
]

_LAST_STEP = 2**53


def _owner(name: str) -> str:
    return f"timm.scheduler.{name}"


def _common(
    owner: str,
    lr: Any,
    warmup_t: Any,
    warmup_lr_init: Any,
    warmup_prefix: Any,
    t_in_epochs: Any,
) -> tuple[float, float, float, bool]:
    rate = check_number(owner, "lr", lr)
    if rate < 0:
        raise ParameterValueError(
            owner, "lr", f"must be >= 0 (torch's optimizers refuse a negative rate), got {rate!r}"
        )
    warm = check_number(owner, "warmup_t", warmup_t)
    init = check_number(owner, "warmup_lr_init", warmup_lr_init)
    prefix = check_bool(owner, "warmup_prefix", warmup_prefix)
    check_bool(owner, "t_in_epochs", t_in_epochs)
    return rate, warm, init, prefix


def _with_noise(
    owner: str,
    curve: Schedule,
    noise_range_t: Any,
    noise_pct: Any,
    noise_std: Any,
    noise_seed: Any,
) -> Schedule:
    """``v + v n(t)`` where ``noise_range_t`` says (``t >= r``, or ``r[0] <= t < r[1]``)."""
    if noise_range_t is None:
        return curve
    if isinstance(noise_range_t, list | tuple):
        if len(noise_range_t) < 2:
            raise ParameterValueError(
                owner,
                "noise_range_t",
                f"must be a number or [start, end] (timm reads noise_range_t[1]), got "
                f"{list(noise_range_t)!r}",
            )
        start = check_number(owner, "noise_range_t[0]", noise_range_t[0])
        end = check_number(owner, "noise_range_t[1]", noise_range_t[1])
    else:
        start, end = check_number(owner, "noise_range_t", noise_range_t), math.inf
    # TimmNoise validates; its errors are re-raised under timm's names
    names = {"seed": "noise_seed", "std": "noise_std", "limit": "noise_pct"}
    try:
        noise = TimmNoise(
            seed=42 if noise_seed is None else noise_seed, std=noise_std, limit=noise_pct
        )
    except ParameterError as error:
        raise type(error)(owner, names.get(error.name, error.name), error.detail) from None
    first = max(start, 0)
    if end <= first:
        return curve  # an empty range: no noise
    pieces: list[Schedule] = []
    boundaries: list[float] = []
    if first > 0:
        pieces.append(Constant(0.0))
        boundaries.append(first)
    pieces.append(Constant(1.0))
    if end != math.inf:
        pieces.append(Constant(0.0))
        boundaries.append(end)
    within = Join(tuple(pieces), tuple(boundaries)) if boundaries else Constant(1.0)
    return curve * (1.0 + within * noise)


def _with_warmup(
    curve: Schedule, warm: float, init: float, target: float, prefix: bool
) -> Schedule:
    """timm's warm-up ``init + t (target - init) / W`` for ``t < W``, then ``curve`` from its own
    step 0 (``prefix``) or carrying on at step ``W`` (the warm-up replaces its first steps). A
    negative ``W`` is no warm-up; with ``prefix``, the curve starts ``-W`` steps in."""
    if warm < 0:
        return Shift(curve, -warm) if prefix else curve
    if warm == 0:
        return curve
    ramp = linear(init, target, warm)
    if prefix:
        return Join((ramp, curve), (warm,))
    before = Piecewise(boundaries=(warm,), values=(1.0, 0.0))
    after = Piecewise(boundaries=(warm,), values=(0.0, 1.0))
    return before * ramp + after * curve


def _cycle_end(t_initial: float, cycle_mul: float, cycle_limit: int) -> int | None:
    """The first step of cycle ``cycle_limit`` (exactly, as :class:`~lrdecay.Restarts` places
    it), or ``None`` past ``2**53``."""
    if cycle_limit <= 0:
        return 0
    p, m = as_ratio(t_initial), as_ratio(cycle_mul)
    if m > 1 and cycle_limit * math.log(cycle_mul) + math.log(t_initial / (cycle_mul - 1)) > 38:
        return None  # far past 2**53 (e**38 > 2**54): no need for the exact sum
    if m == 1:
        start = p * cycle_limit
    else:
        start, length = Fraction(0), p
        for _ in range(cycle_limit):
            start += length
            length *= m
            if start > _LAST_STEP:
                return None
    if start > _LAST_STEP:
        return None
    return math.ceil(start)


def _cycles(
    owner: str,
    shape: Any,
    rate: float,
    lr_min: float,
    t_initial: float,
    cycle_mul: float,
    cycle_decay: float,
    cycle_limit: int,
) -> Schedule:
    """``lr_min + (rate g**i - lr_min) w(t / t_i)`` in cycle ``i``, ``lr_min`` after the limit:
    ``shape(top, bottom)`` is one cycle's curve from ``top`` to ``bottom``."""
    end = _cycle_end(t_initial, cycle_mul, cycle_limit)
    if end == 0:
        return Constant(lr_min)

    def repeat(cycle: Schedule, gain: float) -> Schedule:
        return Restarts(cycle, period_steps=t_initial, period_factor=cycle_mul, value_factor=gain)

    if cycle_decay == 1:
        cycles = repeat(shape(rate, lr_min), 1.0)
    elif lr_min == 0:
        cycles = repeat(shape(rate, 0.0), cycle_decay)
    else:  # only the peak decays: lr_min (1 - w) + rate g**i w
        cycles = repeat(shape(0.0, lr_min), 1.0) + repeat(shape(rate, 0.0), cycle_decay)
    if end is None:
        return cycles
    return Join((cycles, Constant(lr_min)), (end,))


def _cycle_args(
    owner: str,
    t_initial: Any,
    lr_min: Any,
    cycle_mul: Any,
    cycle_decay: Any,
    cycle_limit: Any,
) -> tuple[float, float, float, float, int]:
    steps = check_number(owner, "t_initial", t_initial)
    if steps <= 0:
        raise ParameterValueError(
            owner, "t_initial", f"must be > 0 (timm asserts it), got {steps!r}"
        )
    low = check_number(owner, "lr_min", lr_min)
    if low < 0:
        raise ParameterValueError(owner, "lr_min", f"must be >= 0 (timm asserts it), got {low!r}")
    mul = check_number(owner, "cycle_mul", cycle_mul)
    if mul < 1:
        raise ParameterValueError(
            owner,
            "cycle_mul",
            "must be >= 1 (with shrinking cycles timm takes the logarithm of a negative number "
            f"once they are over, and fails), got {mul!r}",
        )
    if mul > 1e6:
        raise ParameterValueError(owner, "cycle_mul", f"must be <= 1e6, got {mul!r}")
    decay = check_number(owner, "cycle_decay", cycle_decay)
    # cycle i runs while i < cycle_limit: a fractional limit counts as the next whole number
    limit = math.ceil(check_number(owner, "cycle_limit", cycle_limit))
    return steps, low, mul, decay, limit


def _k_decay(owner: str, k_decay: Any) -> float:
    k = check_number(owner, "k_decay", k_decay)
    if k < 0:
        raise ParameterValueError(
            owner,
            "k_decay",
            f"must be >= 0 (timm raises ZeroDivisionError at a cycle's first step, 0 ** k), "
            f"got {k!r}",
        )
    return k


def CosineLRScheduler(
    lr: float,
    t_initial: int,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
    initialize: bool = True,
) -> Schedule:
    r"""``timm.scheduler.CosineLRScheduler`` (SGDR).

    In cycle :math:`i` (length :math:`T_i = T m^i`, at :math:`t_c` steps into it):

    .. math::
        v = \eta_{\min} + \tfrac12\left(\eta\, g^{i} - \eta_{\min}\right)
        \left(1 + \cos\frac{\pi t_c}{T_i}\right)

    and :math:`\eta_{\min}` from cycle ``cycle_limit`` on; the warm-up as described in
    :mod:`lrdecay.compat.timm`. Built as :class:`~lrdecay.Restarts` of a
    :class:`~lrdecay.Cosine` (two of them, summed, when ``cycle_decay`` and ``lr_min`` are both
    set: only the peak decays).

    Args:
        lr: :math:`\eta`, the base rate.
        t_initial: :math:`T > 0`.
        lr_min: :math:`\eta_{\min} \ge 0`.
        cycle_mul: :math:`m \ge 1`.
        cycle_decay: :math:`g`.
        cycle_limit: The number of cycles.
        warmup_t: Warm-up steps.
        warmup_lr_init: The rate at step 0 of the warm-up.
        warmup_prefix: Start the curve after the warm-up.
        t_in_epochs: Whether timm's ``t`` counts epochs (the schedule is the same function of it).
        noise_range_t: Where the noise applies: ``None`` (nowhere), a step (from it on) or
            ``[start, end]``.
        noise_pct: The noise limit, ``> 0``.
        noise_std: The noise's standard deviation.
        noise_seed: The noise's seed.
        k_decay: :math:`k \ge 0`: each cycle runs on the clock :math:`t_c^k / T_i^k`.
        initialize: Ignored (timm's parameter-group bookkeeping).

    Example:
        >>> from lrdecay.compat import timm
        >>> s = timm.CosineLRScheduler(1.0, t_initial=10, cycle_mul=2.0, cycle_decay=0.5,
        ...                            cycle_limit=3)
        >>> [s(0), s(10), s(30), s(70)]
        [1.0, 0.5, 0.25, 0.0]
    """
    owner = _owner("CosineLRScheduler")
    rate, warm, init, prefix = _common(
        owner, lr, warmup_t, warmup_lr_init, warmup_prefix, t_in_epochs
    )
    steps, low, mul, decay, limit = _cycle_args(
        owner, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit
    )
    k = _k_decay(owner, k_decay)

    def shape(top: float, bottom: float) -> Schedule:
        cosine = Cosine(init_value=top, decay_steps=steps, end_value=bottom)
        return cosine if k == 1 else Warp(cosine, steps=steps, power=k)

    curve = _cycles(owner, shape, rate, low, steps, mul, decay, limit)
    return _with_noise(
        owner,
        _with_warmup(curve, warm, init, rate, prefix),
        noise_range_t,
        noise_pct,
        noise_std,
        noise_seed,
    )


def TanhLRScheduler(
    lr: float,
    t_initial: int,
    lb: float = -7.0,
    ub: float = 3.0,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> Schedule:
    r"""``timm.scheduler.TanhLRScheduler``.

    In cycle :math:`i` (length :math:`T_i = T m^i`, at fraction :math:`f = t_c / T_i`):

    .. math::
        v = \eta_{\min} + \tfrac12\left(\eta\, g^{i} - \eta_{\min}\right)
        \left(1 - \tanh\left(\ell (1 - f) + u f\right)\right)

    and :math:`\eta_{\min}` from cycle ``cycle_limit`` on. Unlike the cosine scheduler, without
    ``warmup_prefix`` the warm-up ends on the curve's value at ``warmup_t`` (no jump). Built as
    :class:`~lrdecay.Restarts` of :class:`~lrdecay.Tanh`.

    Args:
        lr: :math:`\eta`.
        t_initial: :math:`T > 0`.
        lb: :math:`\ell < u`.
        ub: :math:`u`.
        lr_min: :math:`\eta_{\min} \ge 0`.
        cycle_mul: :math:`m \ge 1`.
        cycle_decay: :math:`g`.
        cycle_limit: The number of cycles, ``>= 0``.
        warmup_t: Warm-up steps, ``>= 0``.
        warmup_lr_init: The rate at step 0, ``>= 0``.
        warmup_prefix: Start the curve after the warm-up.
        t_in_epochs: Whether timm's ``t`` counts epochs.
        noise_range_t: Where the noise applies: ``None``, a step or ``[start, end]``.
        noise_pct: The noise limit, ``> 0``.
        noise_std: The noise's standard deviation.
        noise_seed: The noise's seed.
        initialize: Ignored.

    Example:
        >>> from lrdecay.compat import timm
        >>> s = timm.TanhLRScheduler(1.0, t_initial=100)
        >>> [round(s(k), 6) for k in (0, 70, 99, 100)]
        [0.999999, 0.5, 0.003018, 0.0]
    """
    owner = _owner("TanhLRScheduler")
    rate, warm, init, prefix = _common(
        owner, lr, warmup_t, warmup_lr_init, warmup_prefix, t_in_epochs
    )
    if warm < 0:
        raise ParameterValueError(
            owner, "warmup_t", f"must be >= 0 (timm asserts it), got {warm!r}"
        )
    steps, low, mul, decay, limit = _cycle_args(
        owner, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit
    )
    lower = check_number(owner, "lb", lb)
    upper = check_number(owner, "ub", ub)
    if not lower < upper:
        raise ParameterValueError(
            owner, "lb", f"must be < ub (timm asserts it), got lb={lower!r} and ub={upper!r}"
        )
    if limit < 0:
        raise ParameterValueError(
            owner, "cycle_limit", f"must be >= 0 (timm asserts it), got {limit}"
        )
    if init < 0:
        raise ParameterValueError(
            owner, "warmup_lr_init", f"must be >= 0 (timm asserts it), got {init!r}"
        )

    def shape(top: float, bottom: float) -> Schedule:
        return Tanh(init_value=top, decay_steps=steps, end_value=bottom, lower=lower, upper=upper)

    curve = _cycles(owner, shape, rate, low, steps, mul, decay, limit)
    target = rate
    if warm > 0 and not prefix:  # timm's warm-up ends on the curve's value at warmup_t
        if warm != int(warm):
            raise ParameterValueError(
                owner,
                "warmup_t",
                "must be a whole number without warmup_prefix (timm evaluates the curve at it, "
                f"which is not expressible between steps), got {warm!r}",
            )
        target = float(curve(int(warm)))
    return _with_noise(
        owner,
        _with_warmup(curve, warm, init, target, prefix),
        noise_range_t,
        noise_pct,
        noise_std,
        noise_seed,
    )


def PolyLRScheduler(
    lr: float,
    t_initial: int,
    power: float = 0.5,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
    initialize: bool = True,
) -> Schedule:
    r"""``timm.scheduler.PolyLRScheduler``.

    In cycle :math:`i` (length :math:`T_i = T m^i`, at :math:`t_c` steps into it):

    .. math::
        v = \eta_{\min} + \left(\eta\, g^{i} - \eta_{\min}\right)\left(1 - \frac{t_c}{T_i}
        \right)^{p}

    and :math:`\eta_{\min}` from cycle ``cycle_limit`` on. Built as :class:`~lrdecay.Restarts` of
    :class:`~lrdecay.Polynomial`; a negative ``power`` is refused (the polynomial grows without
    bound towards each cycle's end: not expressible).

    Args:
        lr: :math:`\eta`.
        t_initial: :math:`T > 0`.
        power: :math:`p \ge 0`.
        lr_min: :math:`\eta_{\min} \ge 0`.
        cycle_mul: :math:`m \ge 1`.
        cycle_decay: :math:`g`.
        cycle_limit: The number of cycles.
        warmup_t: Warm-up steps.
        warmup_lr_init: The rate at step 0.
        warmup_prefix: Start the curve after the warm-up.
        t_in_epochs: Whether timm's ``t`` counts epochs.
        noise_range_t: Where the noise applies: ``None``, a step or ``[start, end]``.
        noise_pct: The noise limit, ``> 0``.
        noise_std: The noise's standard deviation.
        noise_seed: The noise's seed.
        k_decay: :math:`k \ge 0`: each cycle runs on the clock :math:`t_c^k / T_i^k`.
        initialize: Ignored.

    Example:
        >>> from lrdecay.compat import timm
        >>> s = timm.PolyLRScheduler(1.0, t_initial=100, power=2.0)
        >>> [s(0), s(50), s(100)]
        [1.0, 0.25, 0.0]
    """
    owner = _owner("PolyLRScheduler")
    rate, warm, init, prefix = _common(
        owner, lr, warmup_t, warmup_lr_init, warmup_prefix, t_in_epochs
    )
    steps, low, mul, decay, limit = _cycle_args(
        owner, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit
    )
    k = _k_decay(owner, k_decay)
    p = check_number(owner, "power", power)
    if p < 0:
        raise ParameterValueError(
            owner,
            "power",
            f"must be >= 0 (a negative power is not expressible with lrdecay's curves), got {p!r}",
        )

    def shape(top: float, bottom: float) -> Schedule:
        poly = Polynomial(init_value=top, decay_steps=steps, end_value=bottom, power=p)
        return poly if k == 1 else Warp(poly, steps=steps, power=k)

    curve = _cycles(owner, shape, rate, low, steps, mul, decay, limit)
    return _with_noise(
        owner,
        _with_warmup(curve, warm, init, rate, prefix),
        noise_range_t,
        noise_pct,
        noise_std,
        noise_seed,
    )


def StepLRScheduler(
    lr: float,
    decay_t: float,
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> Schedule:
    r"""``timm.scheduler.StepLRScheduler``.

    .. math:: v(t) = \eta\, r^{\lfloor t / d \rfloor}

    (:math:`t` counted from the end of the warm-up with ``warmup_prefix``, the default here).
    Built as :class:`~lrdecay.Exponential` with ``staircase=True``.

    Args:
        lr: :math:`\eta`.
        decay_t: :math:`d > 0`.
        decay_rate: :math:`r`.
        warmup_t: Warm-up steps.
        warmup_lr_init: The rate at step 0.
        warmup_prefix: Start the decay after the warm-up.
        t_in_epochs: Whether timm's ``t`` counts epochs.
        noise_range_t: Where the noise applies: ``None``, a step or ``[start, end]``.
        noise_pct: The noise limit, ``> 0``.
        noise_std: The noise's standard deviation.
        noise_seed: The noise's seed.
        initialize: Ignored.

    Example:
        >>> from lrdecay.compat import timm
        >>> s = timm.StepLRScheduler(1.0, decay_t=30, decay_rate=0.5)
        >>> [s(29), s(30), s(60)]
        [1.0, 0.5, 0.25]
    """
    owner = _owner("StepLRScheduler")
    rate, warm, init, prefix = _common(
        owner, lr, warmup_t, warmup_lr_init, warmup_prefix, t_in_epochs
    )
    period = check_number(owner, "decay_t", decay_t)
    if period <= 0:
        raise ParameterValueError(
            owner, "decay_t", f"must be > 0 (timm divides by it), got {period!r}"
        )
    factor = check_number(owner, "decay_rate", decay_rate)
    curve = Exponential(init_value=rate, decay_steps=period, decay_rate=factor, staircase=True)
    return _with_noise(
        owner,
        _with_warmup(curve, warm, init, rate, prefix),
        noise_range_t,
        noise_pct,
        noise_std,
        noise_seed,
    )


def MultiStepLRScheduler(
    lr: float,
    decay_t: Sequence[float],
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> Schedule:
    r"""``timm.scheduler.MultiStepLRScheduler``.

    .. math:: v(t) = \eta\, r^{\#\{j : d_j \le t + 1\}}

    Quirk kept: the rate decays at :math:`t = d_j - 1`, one step before each entry (timm's
    ``bisect_right(decay_t, t + 1)``); a repeated entry decays twice. ``decay_t`` must be sorted
    (timm's bisection assumes it). Built as :class:`~lrdecay.Piecewise`.

    Args:
        lr: :math:`\eta`.
        decay_t: Non-decreasing steps :math:`d_j`.
        decay_rate: :math:`r`.
        warmup_t: Warm-up steps.
        warmup_lr_init: The rate at step 0.
        warmup_prefix: Start the decay after the warm-up.
        t_in_epochs: Whether timm's ``t`` counts epochs.
        noise_range_t: Where the noise applies: ``None``, a step or ``[start, end]``.
        noise_pct: The noise limit, ``> 0``.
        noise_std: The noise's standard deviation.
        noise_seed: The noise's seed.
        initialize: Ignored.

    Example:
        >>> from lrdecay.compat import timm
        >>> s = timm.MultiStepLRScheduler(1.0, decay_t=[30, 60], decay_rate=0.5)
        >>> [s(28), s(29), s(59)]
        [1.0, 0.5, 0.25]
    """
    owner = _owner("MultiStepLRScheduler")
    rate, warm, init, prefix = _common(
        owner, lr, warmup_t, warmup_lr_init, warmup_prefix, t_in_epochs
    )
    marks = check_sequence(owner, "decay_t", decay_t)
    for i in range(1, len(marks)):
        if marks[i] < marks[i - 1]:
            raise ParameterValueError(
                owner,
                "decay_t",
                f"must be sorted (timm bisects it), got {list(marks)} (decay_t[{i}]="
                f"{marks[i]!r} after {marks[i - 1]!r})",
            )
    factor = check_number(owner, "decay_rate", decay_rate)
    # from t = d - 1 on, bisect_right(decay_t, t + 1) counts d: switch where the count changes
    switches = sorted({d - 1 for d in marks if d - 1 > 0})
    boundaries = tuple(switches)
    values = tuple(rate * factor ** bisect.bisect_right(marks, b + 1) for b in (0, *switches))
    curve: Schedule = (
        Piecewise(boundaries=boundaries, values=values) if boundaries else Constant(values[0])
    )
    return _with_noise(
        owner,
        _with_warmup(curve, warm, init, rate, prefix),
        noise_range_t,
        noise_pct,
        noise_std,
        noise_seed,
    )
