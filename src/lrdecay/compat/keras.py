"""Keras 3's ``keras.optimizers.schedules`` classes, as core schedules (Keras is not imported).

Each function has the name of a Keras 3 schedule class and its constructor's parameters, with the
same names, order and defaults (``name`` is accepted and ignored), and returns the
:class:`~lrdecay.Schedule` that gives Keras's values, quirks included: each docstring lists them.
Keras computes in ``float32`` (the dtype of ``initial_learning_rate``), lrdecay in double precision;
the two agree within ``float32`` rounding except for the classes of ``docs/tf1-differences.md``
(steps from ``2**24`` on, exact restart and staircase steps that Keras's ``float32`` division or
logarithm puts in the neighbouring piece), where lrdecay gives the exact value.

Keras's formulas are TensorFlow 1's (:mod:`lrdecay.compat.tf1`), plus the warm-up of
``CosineDecay``. Two of Keras's inputs are refused, with a message: an integer
``initial_learning_rate`` (Keras then computes in integers: ``CosineDecay(0, 1000,
warmup_target=0.1, warmup_steps=1000)`` is 0 at every step) and an empty ``boundaries`` list (Keras
raises ``IndexError`` when called).

Example:
    >>> from lrdecay.compat import keras as k
    >>> s = k.CosineDecay(0.0, decay_steps=1000, warmup_target=0.1, warmup_steps=100)
    >>> [s(0), round(s(50), 12), s(100), round(s(600), 12), s(1100), s(5000)]
    [0.0, 0.05, 0.1, 0.05, 0.0, 0.0]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrdecay._core import (
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    check_bool,
    check_duration,
    check_non_negative,
    check_number,
    check_sequence,
)
from lrdecay.combinators import Join, Restarts
from lrdecay.curves import (
    Cosine,
    Exponential,
    InverseTime,
    Piecewise,
    Polynomial,
    check_decay_rate,
    linear,
)

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
]


def _initial(owner: str, value: Any) -> float:
    """``initial_learning_rate``: a float (Keras computes in its dtype; an int means integers)."""
    number = check_number(owner, "initial_learning_rate", value)
    if isinstance(number, numbers.Integral) and not isinstance(value, np.floating):
        raise ParameterTypeError(
            owner,
            "initial_learning_rate",
            f"must be a float: Keras computes in its dtype, so an int makes every rate an integer "
            f"(write {value!r}.0), got {value!r}",
        )
    return float(number)


def ExponentialDecay(
    initial_learning_rate: float,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str = "ExponentialDecay",
) -> Schedule:
    r"""``keras.optimizers.schedules.ExponentialDecay``.

    .. math:: v(t) = \eta\, r^{\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    No horizon. Returns :class:`~lrdecay.Exponential`.

    Args:
        initial_learning_rate: :math:`\eta`, a float.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0` (any :math:`r` with ``staircase``: whole powers; a negative
            rate between whole periods is NaN in Keras).
        staircase: Decay at discrete intervals.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import keras as k
        >>> k.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)(200)
        0.025
    """
    owner = "ExponentialDecay"
    lr = _initial(owner, initial_learning_rate)
    steps = check_duration(owner, "decay_steps", decay_steps)
    stair = check_bool(owner, "staircase", staircase)
    rate = check_decay_rate(owner, check_number(owner, "decay_rate", decay_rate), stair)
    return Exponential(init_value=lr, decay_steps=steps, decay_rate=rate, staircase=stair)


def PiecewiseConstantDecay(
    boundaries: Sequence[float], values: Sequence[float], name: str = "PiecewiseConstant"
) -> Schedule:
    r"""``keras.optimizers.schedules.PiecewiseConstantDecay``.

    .. math::
        v(t) = \begin{cases} v_0 & t \le b_0 \\ v_i & b_{i-1} < t \le b_i \\ v_n & t > b_{n-1}
        \end{cases}

    Quirks kept: the value switches one step *after* each boundary (``t > b``, as TensorFlow 1;
    optax and PyTorch switch *at* it); Keras casts the boundaries to the step's integer type, so a
    fractional boundary is truncated toward zero (``2.5`` acts as ``2``); equal boundaries are
    allowed (the value between them is never used). Refused: unsorted boundaries (Keras then adds
    overlapping values) and an empty list (Keras raises ``IndexError`` when called). Built as
    :class:`~lrdecay.Piecewise` with every boundary moved to ``b + 1``.

    Args:
        boundaries: Non-decreasing steps, at least one.
        values: One more value than boundaries.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import keras as k
        >>> s = k.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> [s(100), s(101), s(201)]
        [1.0, 0.5, 0.1]
    """
    owner = "PiecewiseConstantDecay"
    bounds = check_sequence(owner, "boundaries", boundaries)
    vals = tuple(
        float(check_number(owner, f"values[{i}]", v))
        for i, v in enumerate(check_sequence(owner, "values", values))
    )
    if len(bounds) != len(vals) - 1:
        raise ValueError(
            f"{owner}: boundaries must have one entry fewer than values, got {len(bounds)} "
            f"boundaries for {len(vals)} values"
        )
    if not bounds:
        raise ParameterValueError(
            owner, "boundaries", "must not be empty (Keras raises IndexError when called), got []"
        )
    steps = []
    for i, b in enumerate(bounds):
        number = check_number(owner, f"boundaries[{i}]", b)
        if isinstance(number, float):  # Keras: float32, then cast to the step's integer type
            number = math.trunc(float(np.float32(number)))
        steps.append(number)
    for i in range(1, len(steps)):
        if steps[i] < steps[i - 1]:
            raise ParameterValueError(
                owner, "boundaries", f"must be sorted (non-decreasing), got {list(bounds)}"
            )
    # The value after boundary b holds from step b + 1; a boundary below 0 is behind every step.
    passed = sum(1 for b in steps if b < 0)
    switches: list[int] = []
    pieces = [vals[passed]]
    for b, v in zip(steps[passed:], vals[passed + 1 :], strict=True):
        if switches and switches[-1] == b + 1:
            pieces[-1] = v
        else:
            switches.append(b + 1)
            pieces.append(v)
    return Piecewise(boundaries=tuple(switches), values=tuple(pieces))


def PolynomialDecay(
    initial_learning_rate: float,
    decay_steps: float,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
    name: str = "PolynomialDecay",
) -> Schedule:
    r"""``keras.optimizers.schedules.PolynomialDecay``.

    .. math:: v(t) = (\eta - \eta_1)\left(1 - \frac{\min(t, T)}{T}\right)^{p} + \eta_1

    Quirk kept: with ``cycle=True`` the horizon stretches to :math:`T\lceil t/T\rceil` (:math:`T` at
    step 0): the rate touches ``end_learning_rate`` at each multiple of :math:`T` and jumps back up
    to a lower peak on the next step. A negative ``power`` is refused (Keras gives ``inf`` at
    :math:`T`). Returns :class:`~lrdecay.Polynomial`.

    Args:
        initial_learning_rate: :math:`\eta`, a float.
        decay_steps: :math:`T > 0`.
        end_learning_rate: :math:`\eta_1`.
        power: :math:`p \ge 0`.
        cycle: Stretch the horizon past ``decay_steps``.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import keras as k
        >>> s = k.PolynomialDecay(1.0, decay_steps=100, end_learning_rate=0.0, cycle=True)
        >>> [s(50), s(100), s(101)]
        [0.5, 0.0, 0.495]
    """
    owner = "PolynomialDecay"
    return Polynomial(
        init_value=_initial(owner, initial_learning_rate),
        decay_steps=check_duration(owner, "decay_steps", decay_steps),
        end_value=check_number(owner, "end_learning_rate", end_learning_rate),
        power=check_non_negative(owner, "power", power),
        cycle=check_bool(owner, "cycle", cycle),
    )


def InverseTimeDecay(
    initial_learning_rate: float,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str = "InverseTimeDecay",
) -> Schedule:
    r"""``keras.optimizers.schedules.InverseTimeDecay``.

    .. math:: v(t) = \frac{\eta}{1 + r\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    A negative ``decay_rate`` is refused (the denominator reaches 0: Keras gives ``inf``, then
    negative rates). Returns :class:`~lrdecay.InverseTime`.

    Args:
        initial_learning_rate: :math:`\eta`, a float.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0`.
        staircase: Decay at discrete intervals.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import keras as k
        >>> k.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)(2)
        0.05
    """
    owner = "InverseTimeDecay"
    return InverseTime(
        init_value=_initial(owner, initial_learning_rate),
        decay_steps=check_duration(owner, "decay_steps", decay_steps),
        decay_rate=check_non_negative(owner, "decay_rate", decay_rate),
        staircase=check_bool(owner, "staircase", staircase),
    )


def CosineDecay(
    initial_learning_rate: float,
    decay_steps: float,
    alpha: float = 0.0,
    name: str = "CosineDecay",
    warmup_target: float | None = None,
    warmup_steps: float = 0,
) -> Schedule:
    r"""``keras.optimizers.schedules.CosineDecay``, with Keras 3's linear warm-up.

    Without ``warmup_target``, from :math:`\eta` = ``initial_learning_rate``:

    .. math:: v(t) = \eta\left((1-\alpha)\,\tfrac12\left(1 + \cos\frac{\pi \min(t,T)}{T}\right)
        + \alpha\right)

    With it (:math:`\eta_w` = ``warmup_target``, :math:`W` = ``warmup_steps``): a line from
    :math:`\eta` to :math:`\eta_w` over :math:`[0, W)`, then the cosine above from :math:`\eta_w`
    over the *next* :math:`T` steps (the decay length does not include the warm-up): the rate
    ends at :math:`\eta_w\alpha` at step :math:`W + T` and holds it.

    Quirks kept: ``alpha`` is a fraction of the peak, not a rate; with ``warmup_target`` and
    ``warmup_steps=0`` the cosine starts from ``warmup_target``, not from
    ``initial_learning_rate``. A negative ``warmup_steps`` is refused (Keras would start part-way
    down the cosine). Built as :class:`~lrdecay.Cosine`, after a :func:`~lrdecay.linear` ramp in a
    :class:`~lrdecay.Join` with a warm-up.

    Args:
        initial_learning_rate: :math:`\eta`, a float: the start of the warm-up, or of the decay.
        decay_steps: :math:`T > 0`.
        alpha: :math:`\alpha`, the final rate as a fraction of the peak.
        name: Ignored.
        warmup_target: :math:`\eta_w`, or ``None`` for no warm-up.
        warmup_steps: :math:`W \ge 0` (used only with ``warmup_target``).

    Example:
        >>> from lrdecay.compat import keras as k
        >>> s = k.CosineDecay(1.0, decay_steps=100, alpha=0.1)
        >>> [s(0), round(s(50), 12), s(100), s(1000)]
        [1.0, 0.55, 0.1, 0.1]
    """
    owner = "CosineDecay"
    lr = _initial(owner, initial_learning_rate)
    steps = check_duration(owner, "decay_steps", decay_steps)
    a = float(check_number(owner, "alpha", alpha))
    warm = check_non_negative(owner, "warmup_steps", warmup_steps)
    if warmup_target is None:
        return Cosine(init_value=lr, decay_steps=steps, end_value=lr * a)
    target = float(check_number(owner, "warmup_target", warmup_target))
    decay = Cosine(init_value=target, decay_steps=steps, end_value=target * a)
    if warm == 0:
        return decay
    ramp = linear(lr, target, check_duration(owner, "warmup_steps", warm))
    return Join((ramp, decay), (warm,))


def CosineDecayRestarts(
    initial_learning_rate: float,
    first_decay_steps: float,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
    name: str = "SGDRDecay",
) -> Schedule:
    r"""``keras.optimizers.schedules.CosineDecayRestarts`` (SGDR).

    Cycle :math:`i` lasts :math:`T m_t^{i}` steps; within it, at fraction :math:`f \in [0, 1)`:

    .. math:: v = \eta\left((1-\alpha)\, m_m^{i}\, \tfrac12(1 + \cos \pi f) + \alpha\right)

    Quirks kept: restarts never stop (no horizon); ``m_mul`` scales only the cosine part, so the
    floor :math:`\eta\alpha` is the same in every cycle while the restart amplitude is
    :math:`\eta(1-\alpha)m_m^i`. Fixed: Keras finds the cycle with a ``float32`` logarithm and
    sometimes puts an exact restart step at the end of the previous cycle; here the index is
    exact (:class:`~lrdecay.Restarts`, cycle starts computed with :math:`T` and :math:`m_t` as
    written). ``t_mul < 1`` is refused (the cycles end after :math:`T/(1-m_t)` steps and Keras
    gives NaN from there), and so is ``t_mul > 1e6``.

    Args:
        initial_learning_rate: :math:`\eta`, a float.
        first_decay_steps: :math:`T > 0`.
        t_mul: :math:`1 \le m_t \le 10^6`.
        m_mul: :math:`m_m`, any number.
        alpha: :math:`\alpha`, the floor as a fraction of :math:`\eta`.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import keras as k
        >>> s = k.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
        >>> [s(0), s(10), s(30)]
        [1.0, 0.5, 0.25]
    """
    owner = "CosineDecayRestarts"
    lr = _initial(owner, initial_learning_rate)
    first = check_duration(owner, "first_decay_steps", first_decay_steps)
    tm = float(check_number(owner, "t_mul", t_mul))
    if not 1 <= tm <= 1e6:
        raise ParameterValueError(
            owner,
            "t_mul",
            "must be between 1 and 1e6 (with t_mul < 1 the cycles end at step "
            f"first_decay_steps / (1 - t_mul) and Keras gives NaN after it), got {tm!r}",
        )
    mm = float(check_number(owner, "m_mul", m_mul))
    a = float(check_number(owner, "alpha", alpha))
    cycle = Cosine(init_value=lr * (1.0 - a), decay_steps=first, end_value=0.0)
    restarts = Restarts(cycle, period_steps=first, period_factor=tm, value_factor=mm)
    return restarts + lr * a if a != 0 else restarts
