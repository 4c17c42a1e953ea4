"""TensorFlow 1's learning-rate decay functions, and three of tensorflow/models', as core schedules.

Each function has the signature of ``tf.compat.v1.train.<name>`` (or, for
``exponential_decay_with_burnin``, ``piecewise_with_warmup`` and ``cosine_decay_with_warmup``, of
the functions of TensorFlow's object-detection ``learning_schedules`` that the survey of TensorFlow
1's learning-rate decay strategies uses): the same parameter names, in the same order, with the same
defaults, ``global_step`` included (``x`` for ``piecewise_constant``) and ``name`` last, so TF1
code ports by changing its import:

* without a step (``global_step`` omitted or ``None``) a function returns the
  :class:`~lrdecay.Schedule`;
* with one (a Python int, a NumPy array, a torch/jax/TensorFlow tensor, a ``tf.Variable``) it
  returns the value there, as :meth:`Schedule.__call__ <lrdecay.Schedule.__call__>` does: a
  TensorFlow tensor for a TensorFlow step, in eager mode, inside ``tf.function`` and in a TF1
  graph.

``name`` is accepted and ignored (it names TensorFlow graph nodes). The schedules are built from
curves and combinators and give TensorFlow's values, quirks included (each quirk is listed in the
function's docstring), within ``float32`` rounding: TensorFlow computes in ``float32``, lrdecay in
double precision. Where TensorFlow's ``float32`` arithmetic is itself off (steps from ``2**24`` on,
exact restart steps of geometric restarts, reciprocals at staircase boundaries), lrdecay gives the
exact value: ``docs/tf1-differences.md`` lists every such class with an example.

Example:
    >>> from lrdecay.compat import tf1
    >>> s = tf1.exponential_decay(learning_rate=0.01, decay_steps=2000, decay_rate=0.98,
    ...                           staircase=True)
    >>> [s(1999), s(2000)]
    [0.01, 0.0098]
    >>> tf1.exponential_decay(0.01, 2000, 2000, 0.98, staircase=True)  # TF1's order: the value
    0.0098
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from lrdecay._core import (
    MAX_PERIODS,
    MIN_DURATION,
    ParameterValueError,
    Schedule,
    check_bool,
    check_duration,
    check_increasing,
    check_int,
    check_non_negative,
    check_number,
    check_sequence,
)
from lrdecay.combinators import Join, Restarts, floor
from lrdecay.curves import (
    Constant,
    Cosine,
    Exponential,
    GaussianNoise,
    InverseTime,
    NaturalExponential,
    Piecewise,
    Polynomial,
    check_decay_rate,
    linear,
)

__all__ = [
    "cosine_decay",
    "cosine_decay_restarts",
    "cosine_decay_with_warmup",
    "exponential_decay",
    "exponential_decay_with_burnin",
    "inverse_time_decay",
    "linear_cosine_decay",
    "natural_exp_decay",
    "noisy_linear_cosine_decay",
    "piecewise_constant",
    "piecewise_constant_decay",
    "piecewise_with_warmup",
    "polynomial_decay",
]


class _Required:
    """The default of a parameter TensorFlow requires but that must follow an optional
    ``global_step``: leaving it out raises ``TypeError``."""

    def __repr__(self) -> str:
        return "<required>"


REQUIRED: Any = _Required()


def _require(owner: str, **values: Any) -> None:
    missing = [name for name, value in values.items() if value is REQUIRED]
    if missing:
        names = " and ".join(repr(m) for m in missing)
        raise TypeError(f"{owner}() missing required argument{'s' * (len(missing) > 1)}: {names}")


def _at(schedule: Schedule, global_step: Any) -> Any:
    """The schedule itself, or its value at ``global_step`` when one is given."""
    return schedule if global_step is None else schedule(global_step)


def piecewise_constant(
    x: Any = None,
    boundaries: Sequence[int] = REQUIRED,
    values: Sequence[float] = REQUIRED,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.piecewise_constant``: constant values between boundaries.

    .. math::
        v(t) = \begin{cases} v_0 & t \le b_0 \\ v_i & b_{i-1} < t \le b_i \\ v_n & t > b_{n-1}
        \end{cases}

    Quirk kept: TensorFlow switches one step *after* each boundary (the value for ``b`` is still
    the old one), unlike :class:`~lrdecay.Piecewise`, which switches at it. The result is a
    :class:`~lrdecay.Piecewise` with every boundary moved to ``b + 1``. As in TensorFlow, a lone
    integer is one boundary, boundaries may repeat (the value between equal boundaries is never
    used) and may be negative (behind every step).

    Args:
        x: The step (TensorFlow's ``global_step``), or ``None`` for the schedule.
        boundaries: Non-decreasing integer steps (or one integer).
        values: One more value than boundaries.
        name: Ignored (TensorFlow's name scope).

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.piecewise_constant(boundaries=[5000, 8000], values=[0.01, 0.001, 0.0001])
        >>> [s(5000), s(5001)]
        [0.01, 0.001]
    """
    owner = "piecewise_constant"
    _require(owner, boundaries=boundaries, values=values)
    lone = isinstance(boundaries, numbers.Integral)  # TensorFlow takes a lone boundary
    bounds = check_sequence(owner, "boundaries", [boundaries] if lone else boundaries)
    vals = check_sequence(owner, "values", values)
    for i, b in enumerate(bounds):
        check_int(owner, f"boundaries[{i}]", b)
    check_increasing(owner, "boundaries", bounds, strict=False)
    if len(vals) != len(bounds) + 1:
        raise ValueError(
            f"{owner}: values must have exactly one more entry than boundaries, got "
            f"{len(vals)} values for {len(bounds)} boundaries"
        )
    # The value after boundary b holds from step b + 1. A boundary below 0 is behind every step;
    # of equal boundaries only the last value is ever used (TensorFlow counts them all).
    passed = sum(1 for b in bounds if b < 0)
    switches: list[int] = []
    pieces = [vals[passed]]
    for b, v in zip(bounds[passed:], vals[passed + 1 :], strict=True):
        if switches and switches[-1] == b + 1:
            pieces[-1] = v
        else:
            switches.append(b + 1)
            pieces.append(v)
    return _at(Piecewise(boundaries=tuple(switches), values=tuple(pieces)), x)


piecewise_constant_decay = piecewise_constant
"""TensorFlow's alias of :func:`piecewise_constant`."""


def _decay_args(
    owner: str, learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool
) -> tuple[float, float, float, bool]:
    _require(owner, learning_rate=learning_rate, decay_steps=decay_steps, decay_rate=decay_rate)
    return (
        check_number(owner, "learning_rate", learning_rate),
        check_duration(owner, "decay_steps", decay_steps),
        check_number(owner, "decay_rate", decay_rate),
        check_bool(owner, "staircase", staircase),
    )


def exponential_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    decay_rate: float = REQUIRED,
    staircase: bool = False,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.exponential_decay``.

    .. math:: v(t) = \eta\, r^{\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    No horizon: the rate keeps decaying. Returns :class:`~lrdecay.Exponential`.

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0` (or any :math:`r` with ``staircase``: whole powers).
        staircase: Decay at discrete intervals.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> tf1.exponential_decay(0.01, decay_steps=2000, decay_rate=0.98)(2000)
        0.0098
    """
    owner = "exponential_decay"
    lr, steps, rate, stair = _decay_args(owner, learning_rate, decay_steps, decay_rate, staircase)
    rate = check_decay_rate(owner, rate, stair)
    schedule = Exponential(init_value=lr, decay_steps=steps, decay_rate=rate, staircase=stair)
    return _at(schedule, global_step)


def natural_exp_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    decay_rate: float = REQUIRED,
    staircase: bool = False,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.natural_exp_decay``.

    .. math:: v(t) = \eta\, e^{-k\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    (TensorFlow's docstring omits :math:`T`; its code divides by it, and so do we.) Returns
    :class:`~lrdecay.NaturalExponential`, exact for every :math:`k` (a small one would not survive
    being rounded into :math:`e^{-k}`).

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`k` (negative grows).
        staircase: Decay at discrete intervals.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> round(tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=1.0)(10), 12)
        0.367879441171
    """
    owner = "natural_exp_decay"
    lr, steps, k, stair = _decay_args(owner, learning_rate, decay_steps, decay_rate, staircase)
    schedule = NaturalExponential(init_value=lr, decay_steps=steps, decay_rate=k, staircase=stair)
    return _at(schedule, global_step)


def inverse_time_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    decay_rate: float = REQUIRED,
    staircase: bool = False,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.inverse_time_decay``.

    .. math:: v(t) = \frac{\eta}{1 + r\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    Returns :class:`~lrdecay.InverseTime`.

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0`.
        staircase: Decay at discrete intervals.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> tf1.inverse_time_decay(0.01, decay_steps=2000, decay_rate=0.5)(2000)
        0.006666666666666667
    """
    owner = "inverse_time_decay"
    lr, steps, rate, stair = _decay_args(owner, learning_rate, decay_steps, decay_rate, staircase)
    if rate < 0:  # 1 + r t / T reaches 0: TensorFlow divides by zero there
        raise ParameterValueError(owner, "decay_rate", f"must be >= 0, got {rate!r}")
    schedule = InverseTime(init_value=lr, decay_steps=steps, decay_rate=rate, staircase=stair)
    return _at(schedule, global_step)


def polynomial_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.polynomial_decay``.

    .. math::
        v(t) = (\eta - \eta_1)\left(1 - \frac{\min(t, T)}{T}\right)^{p} + \eta_1

    Quirk kept: with ``cycle=True`` the horizon stretches to :math:`T\lceil t/T\rceil` (and
    :math:`T` at step 0), so the rate touches ``end_learning_rate`` at every multiple of ``T`` and
    jumps back up to a *lower* peak on the next step; it is not a restart. Returns
    :class:`~lrdecay.Polynomial`.

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        end_learning_rate: :math:`\eta_1`.
        power: :math:`p \ge 0` (0 holds :math:`\eta`, as :math:`0^0 = 1` in TensorFlow).
        cycle: Stretch the horizon past ``decay_steps``.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.polynomial_decay(1.0, decay_steps=100, end_learning_rate=0.0, cycle=True)
        >>> [s(100), s(101)]
        [0.0, 0.495]
    """
    owner = "polynomial_decay"
    _require(owner, learning_rate=learning_rate, decay_steps=decay_steps)
    schedule = Polynomial(
        init_value=check_number(owner, "learning_rate", learning_rate),
        decay_steps=check_duration(owner, "decay_steps", decay_steps),
        end_value=check_number(owner, "end_learning_rate", end_learning_rate),
        power=check_non_negative(owner, "power", power),
        cycle=check_bool(owner, "cycle", cycle),
    )
    return _at(schedule, global_step)


def cosine_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    alpha: float = 0.0,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.cosine_decay``.

    .. math::
        v(t) = \eta\left((1-\alpha)\,\tfrac12\left(1 + \cos\frac{\pi \min(t,T)}{T}\right)
        + \alpha\right)

    ``alpha`` is a *fraction* of ``learning_rate``; the rate holds :math:`\eta\alpha` after
    :math:`T`. Returns :class:`~lrdecay.Cosine` with ``end_value`` :math:`= \eta\alpha`.

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        alpha: :math:`\alpha`, the final rate as a fraction of :math:`\eta`.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> tf1.cosine_decay(0.01, decay_steps=10000, alpha=0.001)(10000)
        1e-05
    """
    owner = "cosine_decay"
    _require(owner, learning_rate=learning_rate, decay_steps=decay_steps)
    lr = check_number(owner, "learning_rate", learning_rate)
    steps = check_duration(owner, "decay_steps", decay_steps)
    a = check_number(owner, "alpha", alpha)
    return _at(Cosine(init_value=lr, decay_steps=steps, end_value=lr * a), global_step)


def _linear_cosine(
    owner: str,
    learning_rate: float,
    decay_steps: float,
    num_periods: float,
    alpha: float,
    beta: float,
    noise: Schedule | None = None,
) -> Schedule:
    _require(owner, learning_rate=learning_rate, decay_steps=decay_steps)
    lr = check_number(owner, "learning_rate", learning_rate)
    steps = check_duration(owner, "decay_steps", decay_steps)
    # cos is even: TensorFlow's negative num_periods give the curve of their absolute value
    periods = check_number(owner, "num_periods", num_periods)
    if abs(periods) > MAX_PERIODS:
        raise ValueError(
            f"{owner}: num_periods must be between -{MAX_PERIODS:g} and {MAX_PERIODS:g}, "
            f"got {periods!r}"
        )
    periods = abs(periods)
    a = check_number(owner, "alpha", alpha)
    b = check_number(owner, "beta", beta)
    envelope: Schedule = linear(1.0 + a, a, steps)
    if noise is not None:
        envelope = envelope + noise
    wave = Cosine(init_value=1.0, decay_steps=steps, end_value=0.0, num_periods=periods)
    return lr * (envelope * wave + b)


def linear_cosine_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.linear_cosine_decay``.

    .. math::
        v(t) = \eta\left(\left(\alpha + \frac{T - \min(t,T)}{T}\right)
        \tfrac12\left(1 + \cos\frac{2\pi n \min(t,T)}{T}\right) + \beta\right)

    Quirk kept: at step 0 the factor is :math:`1 + \alpha + \beta`, so the first rate is *above*
    ``learning_rate``. Built as ``learning_rate * (linear * cosine_wave + beta)``.

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        num_periods: :math:`n`, cosine periods over :math:`T` (:math:`|n|` counts: cos is even).
        alpha: :math:`\alpha`, added to the linear envelope.
        beta: :math:`\beta`, the floor (a fraction of :math:`\eta`).
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.linear_cosine_decay(1.0, decay_steps=1000)
        >>> [round(s(0), 9), round(s(500), 9), round(s(1000), 9)]
        [1.001, 0.251, 0.001]
    """
    schedule = _linear_cosine(
        "linear_cosine_decay", learning_rate, decay_steps, num_periods, alpha, beta
    )
    return _at(schedule, global_step)


def noisy_linear_cosine_decay(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    decay_steps: float = REQUIRED,
    initial_variance: float = 1.0,
    variance_decay: float = 0.55,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    name: str | None = None,
    *,
    seed: int = 0,
) -> Any:
    r"""``tf.compat.v1.train.noisy_linear_cosine_decay``, with reproducible noise.

    .. math::
        v(t) = \eta\left(\left(\alpha + \frac{T - \min(t,T)}{T} + \epsilon_t\right)
        \tfrac12\left(1 + \cos\frac{2\pi n \min(t,T)}{T}\right) + \beta\right), \quad
        \epsilon_t \sim \mathcal N\!\left(0, \frac{\sigma_0^2}{(1 + \min(t,T))^{d}}\right)

    Difference from TensorFlow, on purpose: TensorFlow draws :math:`\epsilon_t` from an unseeded
    generator, so no two evaluations agree. Here :math:`\epsilon_t` is a stateless function of
    ``(seed, t)`` (:class:`~lrdecay.GaussianNoise`), with the same distribution: a resumed run sees
    the same noise. Quirks kept: the noise is multiplied by the cosine wave (it vanishes where the
    wave is 0), its variance stops decaying at ``decay_steps``, and nothing stops the rate from
    going negative.

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        decay_steps: :math:`T > 0`.
        initial_variance: :math:`\sigma_0^2 \ge 0`.
        variance_decay: :math:`d` (negative: the variance grows until ``decay_steps``).
        num_periods: :math:`n` (:math:`|n|` counts).
        alpha: :math:`\alpha`.
        beta: :math:`\beta`.
        name: Ignored.
        seed: Seed of the noise, in ``[0, 2**64)`` (keyword only: TensorFlow has no such
            parameter; its noise comes from the graph's random seed).

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.noisy_linear_cosine_decay(0.01, decay_steps=1000, seed=3)
        >>> s(10) == s(10)
        True
    """
    owner = "noisy_linear_cosine_decay"
    _require(owner, learning_rate=learning_rate, decay_steps=decay_steps)
    steps = check_duration(owner, "decay_steps", decay_steps)
    variance = check_non_negative(owner, "initial_variance", initial_variance)
    decay = check_number(owner, "variance_decay", variance_decay)
    seed = check_int(owner, "seed", seed, minimum=0)
    if seed >= 2**64:
        raise ValueError(f"{owner}: seed must be < 2**64, got {seed}")
    std: Schedule = Constant(math.sqrt(variance))
    if decay != 0 and variance > 0:
        # sqrt(initial_variance / (1 + t) ** variance_decay), frozen at t = decay_steps.
        decaying = InverseTime(
            init_value=math.sqrt(variance), decay_steps=1, decay_rate=1.0, power=decay / 2
        )
        frozen = math.sqrt(variance) / (1.0 + steps) ** (decay / 2)  # its value at decay_steps
        std = Join((decaying, Constant(frozen)), (steps,))
    noise = GaussianNoise(std=std, seed=seed)
    schedule = _linear_cosine(owner, learning_rate, steps, num_periods, alpha, beta, noise)
    return _at(schedule, global_step)


def cosine_decay_restarts(
    learning_rate: float = REQUIRED,
    global_step: Any = None,
    first_decay_steps: float = REQUIRED,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
    name: str | None = None,
) -> Any:
    r"""``tf.compat.v1.train.cosine_decay_restarts`` (SGDR).

    Cycle :math:`i` lasts :math:`T m_t^{i}` steps; within it, at fraction :math:`f \in [0, 1)`:

    .. math:: v = \eta\left((1-\alpha)\, m_m^{i}\, \tfrac12(1 + \cos \pi f) + \alpha\right)

    Quirks kept: there is no horizon (restarts never stop), and ``m_mul`` scales only the cosine
    part: the floor :math:`\eta\alpha` is the same in every cycle. Fixed: TensorFlow finds the cycle
    with a ``float32`` logarithm and sometimes assigns an exact restart step to the end of the
    previous cycle; here the index is exact (:class:`~lrdecay.Restarts`). ``t_mul < 1`` is
    rejected: those cycles end after :math:`T/(1-m_t)` steps and TensorFlow returns NaN from there.

    The rule for restart steps: cycle :math:`i` begins at :math:`S_i = T (m_t^i - 1)/(m_t - 1)`,
    computed exactly with :math:`T` and :math:`m_t` **as written** (the shortest decimal that
    reads back as the same double: ``t_mul=1.1`` is 11/10, not the binary double nearest to it),
    and its first step is the smallest integer :math:`\ge S_i`. So with
    ``first_decay_steps=1250, t_mul=1.1`` the third cycle begins at step 2625 = 1250 + 1375, where
    TensorFlow still gives the end of the second (``docs/tf1-differences.md``).

    Args:
        learning_rate: :math:`\eta`.
        global_step: The step, or ``None`` for the schedule.
        first_decay_steps: :math:`T > 0`, the length of the first cycle.
        t_mul: :math:`1 \le m_t \le 10^6`, how much longer each cycle is.
        m_mul: :math:`m_m`, how much higher (or lower) each cycle's peak is (0: only the first
            cycle has a cosine; negative: the sign alternates, as in TensorFlow).
        alpha: :math:`\alpha`, the floor as a fraction of :math:`\eta`.
        name: Ignored.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.cosine_decay_restarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
        >>> [s(0), s(10), s(30)]
        [1.0, 0.5, 0.25]
        >>> tf1.cosine_decay_restarts(1.0, 2625, 1250, t_mul=1.1)  # the third cycle's first step
        1.0
    """
    owner = "cosine_decay_restarts"
    _require(owner, learning_rate=learning_rate, first_decay_steps=first_decay_steps)
    lr = check_number(owner, "learning_rate", learning_rate)
    first = check_duration(owner, "first_decay_steps", first_decay_steps)
    tm = check_number(owner, "t_mul", t_mul)
    if tm > 1e6:
        raise ValueError(f"{owner}: t_mul must be <= 1e6, got {tm!r}")
    if tm < 1:
        raise ValueError(
            f"{owner}: t_mul must be >= 1 (with t_mul < 1 the cycles end at step "
            f"first_decay_steps / (1 - t_mul) and TensorFlow returns NaN after it), got {tm!r}"
        )
    mm = check_number(owner, "m_mul", m_mul)
    a = check_number(owner, "alpha", alpha)
    cycle = Cosine(init_value=lr * (1.0 - a), decay_steps=first, end_value=0.0)
    restarts = Restarts(cycle, period_steps=first, period_factor=tm, value_factor=mm)
    return _at(restarts + lr * a if a != 0 else restarts, global_step)


def exponential_decay_with_burnin(
    global_step: Any = None,
    learning_rate_base: float = REQUIRED,
    learning_rate_decay_steps: float = REQUIRED,
    learning_rate_decay_factor: float = REQUIRED,
    burnin_learning_rate: float = 0.0,
    burnin_steps: int = 0,
    min_learning_rate: float = 0.0,
    staircase: bool = True,
) -> Any:
    r"""``exponential_decay_with_burnin`` of TensorFlow's object-detection ``learning_schedules``.

    .. math::
        v(t) = \max\left(\begin{cases} \eta_b & t < B \\
        \eta\, r^{\,(t-B)/T} & t \ge B \end{cases},\ \eta_{\min}\right)

    (with :math:`\lfloor (t-B)/T \rfloor` when ``staircase``, the default). Quirk kept: a
    ``burnin_learning_rate`` of exactly 0 means "use ``learning_rate_base``". Built as
    ``floor(Join([Constant, Exponential], [B]), min_learning_rate)``.

    Args:
        global_step: The step, or ``None`` for the schedule.
        learning_rate_base: :math:`\eta`.
        learning_rate_decay_steps: :math:`T > 0`.
        learning_rate_decay_factor: :math:`r > 0`.
        burnin_learning_rate: :math:`\eta_b` (0 means :math:`\eta`).
        burnin_steps: :math:`B \ge 0`.
        min_learning_rate: :math:`\eta_{\min}`.
        staircase: Decay at discrete intervals.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.exponential_decay_with_burnin(None, 0.01, 2000, 0.98,
        ...                                       burnin_learning_rate=0.001, burnin_steps=2000)
        >>> [s(1999), s(2000), s(4000)]
        [0.001, 0.01, 0.0098]
    """
    owner = "exponential_decay_with_burnin"
    _require(
        owner,
        learning_rate_base=learning_rate_base,
        learning_rate_decay_steps=learning_rate_decay_steps,
        learning_rate_decay_factor=learning_rate_decay_factor,
    )
    base = check_number(owner, "learning_rate_base", learning_rate_base)
    steps = check_duration(owner, "learning_rate_decay_steps", learning_rate_decay_steps)
    factor = check_number(owner, "learning_rate_decay_factor", learning_rate_decay_factor)
    burnin_lr = check_number(owner, "burnin_learning_rate", burnin_learning_rate)
    burnin = check_int(owner, "burnin_steps", burnin_steps, minimum=0)
    min_lr = check_number(owner, "min_learning_rate", min_learning_rate)
    stair = check_bool(owner, "staircase", staircase)
    if burnin_lr == 0:
        burnin_lr = base
    if factor < 0 and not stair:
        raise ParameterValueError(
            owner,
            "learning_rate_decay_factor",
            f"must be >= 0 without staircase (no real powers between periods), got {factor!r}",
        )
    schedule: Schedule = Exponential(
        init_value=base, decay_steps=steps, decay_rate=factor, staircase=stair
    )
    if burnin > 0:
        schedule = Join((Constant(burnin_lr), schedule), (burnin,))
    if min_lr > 0 or min(base, burnin_lr, factor) < 0:  # else no rate is below min_lr
        schedule = floor(schedule, min_lr)
    return _at(schedule, global_step)


def piecewise_with_warmup(
    global_step: Any = None,
    boundaries: Sequence[int] = REQUIRED,
    rates: Sequence[float] = REQUIRED,
    warmup: bool = False,
) -> Any:
    r"""``manual_stepping`` of TensorFlow's object-detection ``learning_schedules``, under the name
    the survey of TensorFlow 1's learning-rate decay strategies gives it.

    .. math::
        v(t) = \begin{cases} r_0 + (r_1 - r_0)\,t/b_0 & t < b_0 \text{ (warm-up)} \\
        r_i & b_{i-1} \le t < b_i \\ r_n & t \ge b_{n-1} \end{cases}

    Without ``warmup`` the first line is :math:`r_0`. Quirk kept (and unlike TensorFlow's own
    ``piecewise_constant``): the rate switches *at* each boundary. The original's checks are kept:
    boundaries are non-negative integers, strictly increasing, the first is not 0, and there is
    exactly one more rate than boundaries. Built as :class:`~lrdecay.Piecewise`, behind a linear
    warm-up :class:`~lrdecay.Join` when ``warmup``.

    Args:
        global_step: The step, or ``None`` for the schedule.
        boundaries: Steps where the rate changes.
        rates: One more rate than boundaries.
        warmup: Ramp linearly from ``rates[0]`` to ``rates[1]`` over ``[0, boundaries[0])``.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.piecewise_with_warmup(None, [2000, 5000], [1e-5, 0.01, 0.001], warmup=True)
        >>> [s(0), s(2000), s(5000)]
        [1e-05, 0.01, 0.001]
    """
    owner = "piecewise_with_warmup"
    _require(owner, boundaries=boundaries, rates=rates)
    bounds = check_sequence(owner, "boundaries", boundaries)
    vals = check_sequence(owner, "rates", rates)
    for i, b in enumerate(bounds):
        check_int(owner, f"boundaries[{i}]", b, minimum=0)
    check_increasing(owner, "boundaries", bounds)
    if len(vals) != len(bounds) + 1:
        raise ValueError(
            f"{owner}: rates must have exactly one more entry than boundaries, got "
            f"{len(vals)} rates for {len(bounds)} boundaries"
        )
    if bounds and bounds[0] == 0:
        raise ValueError(f"{owner}: boundaries[0] cannot be 0 (the first step), got {list(bounds)}")
    use_warmup = check_bool(owner, "warmup", warmup)
    if use_warmup and bounds:
        first = bounds[0]
        tail = Piecewise(boundaries=tuple(b - first for b in bounds[1:]), values=vals[1:])
        return _at(Join((linear(vals[0], vals[1], first), tail), (first,)), global_step)
    return _at(Piecewise(boundaries=bounds, values=vals), global_step)


def cosine_decay_with_warmup(
    global_step: Any = None,
    learning_rate_base: float = REQUIRED,
    total_decay_steps: int = REQUIRED,
    alpha: float = 0.0,
    warmup_learning_rate: float = 0.0,
    warmup_steps: int = 0,
    hold_base_rate_steps: int = 0,
) -> Any:
    r"""``cosine_decay_with_warmup`` of TensorFlow's object-detection ``learning_schedules`` (with
    the ``alpha`` the survey of TensorFlow 1's learning-rate decay strategies adds): linear warm-up,
    hold, cosine decay.

    With :math:`W` = ``warmup_steps``, :math:`H` = ``hold_base_rate_steps``, :math:`N` =
    ``total_decay_steps`` and :math:`D = N - W - H`:

    .. math::
        v(t) = \begin{cases}
        \eta_w + (\eta - \eta_w)\, t / W & t < W \\
        \eta & W \le t \le W + H \\
        \eta\left((1-\alpha)\tfrac12\left(1 + \cos\frac{\pi (t - W - H)}{D}\right) + \alpha\right)
            & W + H < t \le N \\
        \alpha & t > N
        \end{cases}

    Quirk kept: after ``total_decay_steps`` the function returns ``alpha`` *itself*, not
    :math:`\eta\alpha` (the cosine ends at :math:`\eta\alpha` at step :math:`N`, then the rate
    jumps to :math:`\alpha`). The decay length :math:`N` *includes* warm-up and hold; when
    :math:`N \le W + H` the cosine is never reached and the rate is :math:`\alpha` after
    :math:`N`, as in the original. Built as a :class:`~lrdecay.Join` of a linear ramp, a
    constant, a :class:`~lrdecay.Cosine` and a constant.

    Args:
        global_step: The step, or ``None`` for the schedule.
        learning_rate_base: :math:`\eta`.
        total_decay_steps: :math:`N \ge 0` (:math:`N > W` without a hold: the cosine needs a
            length).
        alpha: Fraction of :math:`\eta` the cosine ends at; also the rate after :math:`N`.
        warmup_learning_rate: :math:`\eta_w \le \eta`, the rate at step 0.
        warmup_steps: :math:`W \ge 0`.
        hold_base_rate_steps: :math:`H \ge 0`.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.cosine_decay_with_warmup(None, 0.01, 15000, alpha=1e-5,
        ...                                  warmup_learning_rate=1e-4, warmup_steps=2000,
        ...                                  hold_base_rate_steps=2000)
        >>> [round(s(k), 12) for k in (0, 2000, 4000, 15000, 15001)]
        [0.0001, 0.01, 0.01, 1e-07, 1e-05]
    """
    owner = "cosine_decay_with_warmup"
    _require(owner, learning_rate_base=learning_rate_base, total_decay_steps=total_decay_steps)
    base = check_number(owner, "learning_rate_base", learning_rate_base)
    total = check_non_negative(owner, "total_decay_steps", total_decay_steps)
    a = check_number(owner, "alpha", alpha)
    warm_lr = check_number(owner, "warmup_learning_rate", warmup_learning_rate)
    warm = check_non_negative(owner, "warmup_steps", warmup_steps)
    held = check_non_negative(owner, "hold_base_rate_steps", hold_base_rate_steps)
    if warm > 0 and base < warm_lr:
        raise ValueError(
            f"{owner}: learning_rate_base must be >= warmup_learning_rate, got "
            f"learning_rate_base={base!r} and warmup_learning_rate={warm_lr!r}"
        )
    # The cosine runs for W + H < t <= N (W <= t <= N without a hold): it may never run.
    decay = total - warm - held
    cosine_runs = total > warm + held if held > 0 else total >= warm
    if cosine_runs and decay < MIN_DURATION:
        raise ValueError(
            f"{owner}: total_decay_steps must be > warmup_steps + hold_base_rate_steps (by at "
            f"least {MIN_DURATION:g} steps, the cosine's length) when the cosine is reached, "
            f"got total_decay_steps={total!r} with warmup_steps={warm!r} and "
            f"hold_base_rate_steps={held!r}"
        )
    # The original switches to `alpha` for t > total, i.e. from step floor(total) + 1.
    end = math.floor(total) + 1
    pieces: list[tuple[float, Schedule]] = []
    if warm > 0:
        pieces.append((0, linear(warm_lr, base, warm)))
    if held > 0:
        pieces.append((warm, Constant(base)))
    if cosine_runs:
        cosine = Cosine(init_value=base, decay_steps=decay, end_value=base * a)
        pieces.append((warm + held, cosine))
    kept = [(start, piece) for start, piece in pieces if start < end]
    kept.append((end, Constant(a)))
    schedules = tuple(piece for _, piece in kept)
    bounds = tuple(start for start, _ in kept[1:])
    return _at(Join(schedules, bounds), global_step)
