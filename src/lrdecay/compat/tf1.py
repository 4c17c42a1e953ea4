"""TensorFlow 1's learning-rate decay functions, and the seed's three, as core schedules.

Each constructor takes the argument names of ``tf.compat.v1.train.<name>`` (or of the seed's
function), without ``global_step`` and ``name``, with TensorFlow's defaults, and returns a core
:class:`~lrdecay.Schedule` built from curves and combinators, whose values are TensorFlow's within
``3e-6 ×`` the initial rate (TensorFlow computes in ``float32``; we compute in ``float64``), quirks
included. Each quirk is listed in the function's docstring. Where TensorFlow's ``float32``
arithmetic is itself wrong (steps from ``2**24`` on, where ``float32`` can no longer hold the
step; exact restart steps of geometric restarts) these schedules give the mathematically exact
value.

Example:
    >>> from lrdecay.compat import tf1
    >>> s = tf1.exponential_decay(learning_rate=0.01, decay_steps=2000, decay_rate=0.98,
    ...                           staircase=True)
    >>> [s(1999), s(2000)]
    [0.01, 0.0098]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lrdecay._core import (
    MIN_DURATION,
    SCALAR,
    Schedule,
    check_bool,
    check_duration,
    check_increasing,
    check_int,
    check_non_negative,
    check_number,
    check_periods,
    check_positive,
    check_sequence,
)
from lrdecay.combinators import Join, Restarts, floor
from lrdecay.curves import (
    Constant,
    Cosine,
    Exponential,
    GaussianNoise,
    InverseTime,
    Piecewise,
    Polynomial,
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


def piecewise_constant(boundaries: Sequence[int], values: Sequence[float]) -> Schedule:
    r"""``tf.compat.v1.train.piecewise_constant``: constant values between boundaries.

    .. math::
        v(t) = \begin{cases} v_0 & t \le b_0 \\ v_i & b_{i-1} < t \le b_i \\ v_n & t > b_{n-1}
        \end{cases}

    Quirk kept: TensorFlow switches one step *after* each boundary (the value for ``b`` is still
    the old one), unlike :class:`~lrdecay.Piecewise`, which switches at it. The result is a
    :class:`~lrdecay.Piecewise` with every boundary moved to ``b + 1``.

    Args:
        boundaries: Strictly increasing integer steps.
        values: One more value than boundaries.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.piecewise_constant(boundaries=[5000, 8000], values=[0.01, 0.001, 0.0001])
        >>> [s(5000), s(5001)]
        [0.01, 0.001]
    """
    owner = "piecewise_constant"
    bounds = check_sequence(owner, "boundaries", boundaries)
    vals = check_sequence(owner, "values", values)
    for i, b in enumerate(bounds):
        check_int(owner, f"boundaries[{i}]", b, minimum=0)
    check_increasing(owner, "boundaries", bounds)
    if len(vals) != len(bounds) + 1:
        raise ValueError(
            f"{owner}: values must have exactly one more entry than boundaries, got "
            f"{len(vals)} values for {len(bounds)} boundaries"
        )
    return Piecewise(boundaries=tuple(b + 1 for b in bounds), values=vals)


piecewise_constant_decay = piecewise_constant


def _decay_args(
    owner: str, learning_rate: float, decay_steps: float, staircase: bool
) -> tuple[float, float, bool]:
    return (
        check_number(owner, "learning_rate", learning_rate),
        check_duration(owner, "decay_steps", decay_steps),
        check_bool(owner, "staircase", staircase),
    )


def exponential_decay(
    learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
) -> Schedule:
    r"""``tf.compat.v1.train.exponential_decay``.

    .. math:: v(t) = \eta\, r^{\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    No horizon: the rate keeps decaying. Returns :class:`~lrdecay.Exponential`.

    Args:
        learning_rate: :math:`\eta`.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r > 0`.
        staircase: Decay at discrete intervals.

    Example:
        >>> from lrdecay.compat import tf1
        >>> tf1.exponential_decay(0.01, decay_steps=2000, decay_rate=0.98)(2000)
        0.0098
    """
    lr, steps, stair = _decay_args("exponential_decay", learning_rate, decay_steps, staircase)
    rate = check_positive("exponential_decay", "decay_rate", decay_rate)
    return Exponential(init_value=lr, decay_steps=steps, decay_rate=rate, staircase=stair)


def natural_exp_decay(
    learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
) -> Schedule:
    r"""``tf.compat.v1.train.natural_exp_decay``.

    .. math:: v(t) = \eta\, e^{-k\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    (TensorFlow's docstring omits :math:`T`; its code divides by it, and so do we.) Returns
    :class:`~lrdecay.Exponential` with ``decay_rate`` :math:`= e^{-k}`.

    Args:
        learning_rate: :math:`\eta`.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`k` (any finite number; negative grows).
        staircase: Decay at discrete intervals.

    Example:
        >>> from lrdecay.compat import tf1
        >>> round(tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=1.0)(10), 12)
        0.367879441171
    """
    lr, steps, stair = _decay_args("natural_exp_decay", learning_rate, decay_steps, staircase)
    k = check_number("natural_exp_decay", "decay_rate", decay_rate)
    if abs(k) > 700:  # exp(-k) must be a positive, finite double
        raise ValueError(
            f"natural_exp_decay: decay_rate must be between -700 and 700 (the rate is "
            f"exp(-decay_rate) per decay_steps), got {k!r}"
        )
    return Exponential(init_value=lr, decay_steps=steps, decay_rate=math.exp(-k), staircase=stair)


def inverse_time_decay(
    learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
) -> Schedule:
    r"""``tf.compat.v1.train.inverse_time_decay``.

    .. math:: v(t) = \frac{\eta}{1 + r\,t/T} \quad (\lfloor t/T \rfloor \text{ with staircase})

    Returns :class:`~lrdecay.InverseTime`.

    Args:
        learning_rate: :math:`\eta`.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0`.
        staircase: Decay at discrete intervals.

    Example:
        >>> from lrdecay.compat import tf1
        >>> tf1.inverse_time_decay(0.01, decay_steps=2000, decay_rate=0.5)(2000)
        0.006666666666666667
    """
    lr, steps, stair = _decay_args("inverse_time_decay", learning_rate, decay_steps, staircase)
    rate = check_non_negative("inverse_time_decay", "decay_rate", decay_rate)
    return InverseTime(init_value=lr, decay_steps=steps, decay_rate=rate, staircase=stair)


def polynomial_decay(
    learning_rate: float,
    decay_steps: float,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
) -> Schedule:
    r"""``tf.compat.v1.train.polynomial_decay``.

    .. math::
        v(t) = (\eta - \eta_1)\left(1 - \frac{\min(t, T)}{T}\right)^{p} + \eta_1

    Quirk kept: with ``cycle=True`` the horizon stretches to :math:`T\lceil t/T\rceil` (and
    :math:`T` at step 0), so the rate touches ``end_learning_rate`` at every multiple of ``T`` and
    jumps back up to a *lower* peak on the next step; it is not a restart. Returns
    :class:`~lrdecay.Polynomial`.

    Args:
        learning_rate: :math:`\eta`.
        decay_steps: :math:`T > 0`.
        end_learning_rate: :math:`\eta_1`.
        power: :math:`p > 0`.
        cycle: Stretch the horizon past ``decay_steps``.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.polynomial_decay(1.0, decay_steps=100, end_learning_rate=0.0, cycle=True)
        >>> [s(100), s(101)]
        [0.0, 0.495]
    """
    owner = "polynomial_decay"
    return Polynomial(
        init_value=check_number(owner, "learning_rate", learning_rate),
        decay_steps=check_duration(owner, "decay_steps", decay_steps),
        end_value=check_number(owner, "end_learning_rate", end_learning_rate),
        power=check_positive(owner, "power", power),
        cycle=check_bool(owner, "cycle", cycle),
    )


def cosine_decay(learning_rate: float, decay_steps: float, alpha: float = 0.0) -> Schedule:
    r"""``tf.compat.v1.train.cosine_decay``.

    .. math::
        v(t) = \eta\left((1-\alpha)\,\tfrac12\left(1 + \cos\frac{\pi \min(t,T)}{T}\right)
        + \alpha\right)

    ``alpha`` is a *fraction* of ``learning_rate``; the rate holds :math:`\eta\alpha` after
    :math:`T`. Returns :class:`~lrdecay.Cosine` with ``end_value`` :math:`= \eta\alpha`.

    Args:
        learning_rate: :math:`\eta`.
        decay_steps: :math:`T > 0`.
        alpha: :math:`\alpha`, the final rate as a fraction of :math:`\eta`.

    Example:
        >>> from lrdecay.compat import tf1
        >>> tf1.cosine_decay(0.01, decay_steps=10000, alpha=0.001)(10000)
        1e-05
    """
    owner = "cosine_decay"
    lr = check_number(owner, "learning_rate", learning_rate)
    steps = check_duration(owner, "decay_steps", decay_steps)
    a = check_number(owner, "alpha", alpha)
    return Cosine(init_value=lr, decay_steps=steps, end_value=lr * a)


def _linear_cosine(
    owner: str,
    learning_rate: float,
    decay_steps: float,
    num_periods: float,
    alpha: float,
    beta: float,
    noise: Schedule | None = None,
) -> Schedule:
    lr = check_number(owner, "learning_rate", learning_rate)
    steps = check_duration(owner, "decay_steps", decay_steps)
    periods = check_periods(owner, "num_periods", num_periods)
    a = check_number(owner, "alpha", alpha)
    b = check_number(owner, "beta", beta)
    envelope: Schedule = linear(1.0 + a, a, steps)
    if noise is not None:
        envelope = envelope + noise
    wave = Cosine(init_value=1.0, decay_steps=steps, end_value=0.0, num_periods=periods)
    return lr * (envelope * wave + b)


def linear_cosine_decay(
    learning_rate: float,
    decay_steps: float,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
) -> Schedule:
    r"""``tf.compat.v1.train.linear_cosine_decay``.

    .. math::
        v(t) = \eta\left(\left(\alpha + \frac{T - \min(t,T)}{T}\right)
        \tfrac12\left(1 + \cos\frac{2\pi n \min(t,T)}{T}\right) + \beta\right)

    Quirk kept: at step 0 the factor is :math:`1 + \alpha + \beta`, so the first rate is *above*
    ``learning_rate``. Built as ``learning_rate * (linear * cosine_wave + beta)``.

    Args:
        learning_rate: :math:`\eta`.
        decay_steps: :math:`T > 0`.
        num_periods: :math:`n > 0`, cosine periods over :math:`T`.
        alpha: :math:`\alpha`, added to the linear envelope.
        beta: :math:`\beta`, the floor (a fraction of :math:`\eta`).

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.linear_cosine_decay(1.0, decay_steps=1000)
        >>> [round(s(0), 9), round(s(500), 9), round(s(1000), 9)]
        [1.001, 0.251, 0.001]
    """
    return _linear_cosine(
        "linear_cosine_decay", learning_rate, decay_steps, num_periods, alpha, beta
    )


def noisy_linear_cosine_decay(
    learning_rate: float,
    decay_steps: float,
    initial_variance: float = 1.0,
    variance_decay: float = 0.55,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    seed: int = 0,
) -> Schedule:
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
        decay_steps: :math:`T > 0`.
        initial_variance: :math:`\sigma_0^2 \ge 0`.
        variance_decay: :math:`d \ge 0`.
        num_periods: :math:`n > 0`.
        alpha: :math:`\alpha`.
        beta: :math:`\beta`.
        seed: Seed of the noise (a non-negative integer).

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.noisy_linear_cosine_decay(0.01, decay_steps=1000, seed=3)
        >>> s(10) == s(10)
        True
    """
    owner = "noisy_linear_cosine_decay"
    steps = check_duration(owner, "decay_steps", decay_steps)
    variance = check_non_negative(owner, "initial_variance", initial_variance)
    decay = check_non_negative(owner, "variance_decay", variance_decay)
    seed = check_int(owner, "seed", seed, minimum=0)
    if seed >= 2**64:
        raise ValueError(f"{owner}: seed must be < 2**64, got {seed}")
    std: Schedule = Constant(math.sqrt(variance))
    if decay > 0 and variance > 0:
        # sqrt(initial_variance / (1 + t) ** variance_decay), frozen at t = decay_steps.
        decaying = InverseTime(
            init_value=math.sqrt(variance), decay_steps=1, decay_rate=1.0, power=decay / 2
        )
        frozen = float(decaying._value(float(steps), SCALAR))
        std = Join((decaying, Constant(frozen)), (steps,))
    noise = GaussianNoise(std=std, seed=seed)
    return _linear_cosine(owner, learning_rate, steps, num_periods, alpha, beta, noise)


def cosine_decay_restarts(
    learning_rate: float,
    first_decay_steps: float,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
) -> Schedule:
    r"""``tf.compat.v1.train.cosine_decay_restarts`` (SGDR).

    Cycle :math:`i` lasts :math:`T m_t^{i}` steps; within it, at fraction :math:`f \in [0, 1)`:

    .. math:: v = \eta\left((1-\alpha)\, m_m^{i}\, \tfrac12(1 + \cos \pi f) + \alpha\right)

    Quirks kept: there is no horizon (restarts never stop), and ``m_mul`` scales only the cosine
    part: the floor :math:`\eta\alpha` is the same in every cycle. Fixed: TensorFlow finds the cycle
    with a ``float32`` logarithm and sometimes assigns an exact restart step to the end of the
    previous cycle; here the index is exact (:class:`~lrdecay.Restarts`). ``t_mul < 1`` is
    rejected: those cycles end after :math:`T/(1-m_t)` steps and TensorFlow returns NaN from there.

    Args:
        learning_rate: :math:`\eta`.
        first_decay_steps: :math:`T > 0`, the length of the first cycle.
        t_mul: :math:`1 \le m_t \le 10^6`, how much longer each cycle is.
        m_mul: :math:`m_m > 0`, how much higher (or lower) each cycle's peak is.
        alpha: :math:`\alpha`, the floor as a fraction of :math:`\eta`.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.cosine_decay_restarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
        >>> [s(0), s(10), s(30)]
        [1.0, 0.5, 0.25]
    """
    owner = "cosine_decay_restarts"
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
    mm = check_positive(owner, "m_mul", m_mul)
    a = check_number(owner, "alpha", alpha)
    cycle = Cosine(init_value=lr * (1.0 - a), decay_steps=first, end_value=0.0)
    restarts = Restarts(cycle, period_steps=first, period_factor=tm, value_factor=mm)
    return restarts + lr * a if a != 0 else restarts


def exponential_decay_with_burnin(
    learning_rate_base: float,
    learning_rate_decay_steps: float,
    learning_rate_decay_factor: float,
    burnin_learning_rate: float = 0.0,
    burnin_steps: int = 0,
    min_learning_rate: float = 0.0,
    staircase: bool = True,
) -> Schedule:
    r"""The seed's ``exponential_decay_with_burnin`` (from TF's object-detection utilities).

    .. math::
        v(t) = \max\left(\begin{cases} \eta_b & t < B \\
        \eta\, r^{\,(t-B)/T} & t \ge B \end{cases},\ \eta_{\min}\right)

    (with :math:`\lfloor (t-B)/T \rfloor` when ``staircase``, the default). Quirk kept: a
    ``burnin_learning_rate`` of exactly 0 means "use ``learning_rate_base``". Built as
    ``floor(Join([Constant, Exponential], [B]), min_learning_rate)``.

    Args:
        learning_rate_base: :math:`\eta`.
        learning_rate_decay_steps: :math:`T > 0`.
        learning_rate_decay_factor: :math:`r > 0`.
        burnin_learning_rate: :math:`\eta_b` (0 means :math:`\eta`).
        burnin_steps: :math:`B \ge 0`.
        min_learning_rate: :math:`\eta_{\min}`.
        staircase: Decay at discrete intervals.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.exponential_decay_with_burnin(0.01, 2000, 0.98, burnin_learning_rate=0.001,
        ...                                       burnin_steps=2000)
        >>> [s(1999), s(2000), s(4000)]
        [0.001, 0.01, 0.0098]
    """
    owner = "exponential_decay_with_burnin"
    base = check_number(owner, "learning_rate_base", learning_rate_base)
    steps = check_duration(owner, "learning_rate_decay_steps", learning_rate_decay_steps)
    factor = check_positive(owner, "learning_rate_decay_factor", learning_rate_decay_factor)
    burnin_lr = check_number(owner, "burnin_learning_rate", burnin_learning_rate)
    burnin = check_int(owner, "burnin_steps", burnin_steps, minimum=0)
    min_lr = check_number(owner, "min_learning_rate", min_learning_rate)
    stair = check_bool(owner, "staircase", staircase)
    if burnin_lr == 0:
        burnin_lr = base
    schedule: Schedule = Exponential(
        init_value=base, decay_steps=steps, decay_rate=factor, staircase=stair
    )
    if burnin > 0:
        schedule = Join((Constant(burnin_lr), schedule), (burnin,))
    if min_lr != 0 or base < 0 or burnin_lr < 0:
        schedule = floor(schedule, min_lr)
    return schedule


def piecewise_with_warmup(
    boundaries: Sequence[int], rates: Sequence[float], warmup: bool = False
) -> Schedule:
    r"""The seed's ``piecewise_with_warmup`` (TF object detection's ``manual_stepping``).

    .. math::
        v(t) = \begin{cases} r_0 + (r_1 - r_0)\,t/b_0 & t < b_0 \text{ (warm-up)} \\
        r_i & b_{i-1} \le t < b_i \\ r_n & t \ge b_{n-1} \end{cases}

    Without ``warmup`` the first line is :math:`r_0`. Quirk kept (and unlike TensorFlow's own
    ``piecewise_constant``): the rate switches *at* each boundary. The seed's own checks are kept:
    boundaries are non-negative integers, strictly increasing, the first is not 0, and there is
    exactly one more rate than boundaries. Built as :class:`~lrdecay.Piecewise`, behind a linear
    warm-up :class:`~lrdecay.Join` when ``warmup``.

    Args:
        boundaries: Steps where the rate changes.
        rates: One more rate than boundaries.
        warmup: Ramp linearly from ``rates[0]`` to ``rates[1]`` over ``[0, boundaries[0])``.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.piecewise_with_warmup([2000, 5000], [1e-5, 0.01, 0.001], warmup=True)
        >>> [s(0), s(2000), s(5000)]
        [1e-05, 0.01, 0.001]
    """
    owner = "piecewise_with_warmup"
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
        return Join((linear(vals[0], vals[1], first), tail), (first,))
    return Piecewise(boundaries=bounds, values=vals)


def cosine_decay_with_warmup(
    learning_rate_base: float,
    total_decay_steps: int,
    alpha: float = 0.0,
    warmup_learning_rate: float = 0.0,
    warmup_steps: int = 0,
    hold_base_rate_steps: int = 0,
) -> Schedule:
    r"""The seed's ``cosine_decay_with_warmup``: linear warm-up, hold, cosine decay.

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

    Quirk kept: after ``total_decay_steps`` the seed returns ``alpha`` *itself*, not
    :math:`\eta\alpha` (the cosine ends at :math:`\eta\alpha` at step :math:`N`, then the rate
    jumps to :math:`\alpha`). The decay length :math:`N` *includes* warm-up and hold. Built as a
    :class:`~lrdecay.Join` of a linear ramp, a constant, a :class:`~lrdecay.Cosine` and a
    constant.

    Args:
        learning_rate_base: :math:`\eta`.
        total_decay_steps: :math:`N > W + H`.
        alpha: Fraction of :math:`\eta` the cosine ends at; also the rate after :math:`N`.
        warmup_learning_rate: :math:`\eta_w \le \eta`, the rate at step 0.
        warmup_steps: :math:`W \ge 0`.
        hold_base_rate_steps: :math:`H \ge 0`.

    Example:
        >>> from lrdecay.compat import tf1
        >>> s = tf1.cosine_decay_with_warmup(0.01, 15000, alpha=1e-5, warmup_learning_rate=1e-4,
        ...                                  warmup_steps=2000, hold_base_rate_steps=2000)
        >>> [round(s(k), 12) for k in (0, 2000, 4000, 15000, 15001)]
        [0.0001, 0.01, 0.01, 1e-07, 1e-05]
    """
    owner = "cosine_decay_with_warmup"
    base = check_number(owner, "learning_rate_base", learning_rate_base)
    total = check_duration(owner, "total_decay_steps", total_decay_steps)
    a = check_number(owner, "alpha", alpha)
    warm_lr = check_number(owner, "warmup_learning_rate", warmup_learning_rate)
    warm = check_non_negative(owner, "warmup_steps", warmup_steps)
    held = check_non_negative(owner, "hold_base_rate_steps", hold_base_rate_steps)
    if total - warm - held < MIN_DURATION:
        raise ValueError(
            f"{owner}: total_decay_steps must be > warmup_steps + hold_base_rate_steps (by at "
            f"least {MIN_DURATION:g} steps, the cosine's length), got "
            f"total_decay_steps={total!r} with warmup_steps={warm!r} and "
            f"hold_base_rate_steps={held!r}"
        )
    if warm > 0 and base < warm_lr:
        raise ValueError(
            f"{owner}: learning_rate_base must be >= warmup_learning_rate, got "
            f"learning_rate_base={base!r} and warmup_learning_rate={warm_lr!r}"
        )
    pieces: list[Schedule] = []
    bounds: list[float] = []
    if warm > 0:
        pieces.append(linear(warm_lr, base, warm))
        bounds.append(warm)
    if held > 0:
        pieces.append(Constant(base))
        bounds.append(warm + held)
    pieces.append(Cosine(init_value=base, decay_steps=total - warm - held, end_value=base * a))
    # The seed switches to `alpha` for t > total, i.e. from step floor(total) + 1.
    bounds.append(math.floor(total) + 1)
    pieces.append(Constant(a))
    return Join(tuple(pieces), tuple(bounds))
