"""The closed-form curves.

Every curve is a frozen dataclass (its fields are its configuration) with one formula, written once
in ``_value`` against the namespace of :mod:`lrdecay._xp`. Conventions (the glossary of the whole
library): values are ``init_value`` / ``end_value``, durations end in ``_steps``, piecewise takes
``boundaries`` and ``values``, and ``t`` is the step counted from the curve's own start.
Past its horizon a curve holds its final value unless its docstring says otherwise.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from lrdecay._core import (
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    check_bool,
    check_boundaries,
    check_duration,
    check_int,
    check_non_negative,
    check_number,
    check_periods,
    check_schedule,
    check_sequence,
)
from lrdecay._core import (
    set_field as _set,
)
from lrdecay._random import normal, torch_draws, torch_normal_within
from lrdecay._step import Step, as_ratio

_FLOAT32_TINY = 2.0**-126
"""float32's smallest normal number."""

__all__ = [
    "Constant",
    "Cosine",
    "Exponential",
    "GaussianNoise",
    "InverseTime",
    "NaturalExponential",
    "Piecewise",
    "Polynomial",
    "Ramp",
    "Tanh",
    "TimmNoise",
    "linear",
    "multistep",
    "step_decay",
]


class Powers:
    """``base ** exponent`` for a constant ``base``, as written, at a step's precision.

    ``base`` is read as the decimal the user wrote (:func:`~lrdecay._step.as_ratio`: ``0.99999``
    is 99999/100000, not the binary double nearest to it), like every parameter of lrdecay: an
    exponent of ``3e4`` would multiply the double's representation error (``1e-16``) to
    ``3e-12``, and a ``float32`` one (``3e-8``) to ``1e-3``. So where the working dtype does not
    hold the decimal exactly, the power is ``exp(exponent * ln(base))`` with the logarithm of the
    decimal computed at construction in double precision; only the exponent's own rounding
    remains. Where it does (``0.5``, ``2.0``; zero and negative bases, raised to whole powers),
    it is ``pow``, exact for whole powers of two.
    """

    __slots__ = ("base", "log", "pow32", "pow64")

    def __init__(self, base: float) -> None:
        self.base = base
        self.log = 0.0
        exact = base <= 0
        if base > 0:
            written = as_ratio(base)
            exact = Fraction(base) == written
            log = math.log1p(base - 1.0) if 0.5 <= base <= 2.0 else math.log(base)
            # ln(decimal) = ln(double) - (double - decimal) / decimal, to double precision
            self.log = log - float((Fraction(base) - written) / written)
        self.pow64 = exact
        self.pow32 = exact and (base <= 0 or float(np.float32(base)) == base)

    def __call__(self, exponent: Any, t: Step) -> Any:
        """``base ** exponent`` in the working dtype of ``t``."""
        if self.pow32 if t.exact_below == 2**24 else self.pow64:
            return t.xp.pow(self.base, exponent)
        return t.xp.exp(exponent * self.log)

    def whole(self, i: int) -> float:
        """``base ** i`` for a Python ``int`` ``i``, in double precision (``inf`` past it)."""
        try:
            return math.pow(self.base, i) if self.pow64 else math.exp(i * self.log)
        except OverflowError:
            return math.inf


def _mix(start: float, end: float, weight: Any, xp: Any) -> Any:
    """``end + (start - end) * w`` for ``w`` in ``[0, 1]``, rounded so that it is exactly
    ``start`` at ``w = 1`` and ``end`` at ``w = 0``, monotone in ``w`` and never outside
    ``[start, end]`` (the exact, monotone, bounded linear interpolation of C++20's ``std::lerp``).
    """
    if start == end:
        return start + 0.0 * weight
    if end == 0:  # (a weight rounded above 1, x * (1/T) under XLA, must not pass start)
        value = start * weight
        return xp.minimum(value, start) if start > 0 else xp.maximum(value, start)
    if start == 0:
        value = end * (1.0 - weight)
        return xp.maximum(value, 0.0) if end > 0 else xp.minimum(value, 0.0)
    if (start < 0) != (end < 0):  # opposite signs: no cancellation
        return start * weight + end * (1.0 - weight)
    value = end + (start - end) * weight
    value = xp.where(weight == 1.0, start, value)
    return xp.minimum(value, start) if start > end else xp.maximum(value, start)


@dataclasses.dataclass(frozen=True)
class Constant(Schedule):
    r"""A constant value.

    .. math:: v(t) = c

    Args:
        value: The value ``c`` at every step.

    Example:
        >>> from lrdecay import Constant
        >>> Constant(0.1)(12345)
        0.1
    """

    value: float

    def __post_init__(self) -> None:
        _set(self, "value", check_number("Constant", "value", self.value))

    def _value(self, t: Step, xp: Any) -> Any:
        return self.value

    @property
    def total_steps(self) -> float | None:
        return 0


@dataclasses.dataclass(frozen=True)
class Piecewise(Schedule):
    r"""Piecewise-constant values that switch *at* each boundary.

    .. math::
        v(t) = \begin{cases} v_0 & t < b_0 \\ v_i & b_{i-1} \le t < b_i \\ v_n & t \ge b_{n-1}
        \end{cases}

    The value changes at the boundary step itself (``t >= b``), as in optax and PyTorch's
    ``MultiStepLR``. TensorFlow 1 and Keras switch one step later (``t > b``);
    :func:`lrdecay.compat.tf1.piecewise_constant` reproduces that by shifting the boundaries.

    Args:
        boundaries: Strictly increasing, non-negative steps.
        values: One more value than boundaries.

    Example:
        >>> from lrdecay import Piecewise
        >>> s = Piecewise(boundaries=[10, 20], values=[1.0, 0.1, 0.01])
        >>> [s(9), s(10), s(20)]
        [1.0, 0.1, 0.01]
    """

    boundaries: tuple[float, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        values = check_sequence("Piecewise", "values", self.values)
        boundaries = check_boundaries(
            "Piecewise", self.boundaries, values, "values", positive=False
        )
        _set(self, "boundaries", boundaries)
        _set(self, "values", values)

    def _value(self, t: Step, xp: Any) -> Any:
        return t.switch(self.boundaries, lambda i: self.values[i])

    @property
    def total_steps(self) -> float | None:
        return self.boundaries[-1] if self.boundaries else 0


@dataclasses.dataclass(frozen=True)
class Polynomial(Schedule):
    r"""Polynomial decay from ``init_value`` to ``end_value`` over ``decay_steps``.

    .. math::
        v(t) = (v_0 - v_1)\left(1 - \frac{\min(t, T)}{T}\right)^{p} + v_1

    With ``cycle=True`` (TensorFlow's cycle) the horizon stretches instead of clamping:
    :math:`T_t = T\,\max(1, \lceil t/T \rceil)` and :math:`v(t) = (v_0-v_1)(1-t/T_t)^p + v_1`, so
    the value reaches ``end_value`` at every multiple of ``decay_steps`` and jumps back up (to a
    lower peak each time) on the next step.

    Args:
        init_value: :math:`v_0`, the value at step 0.
        decay_steps: :math:`T > 0`.
        end_value: :math:`v_1`, the value from ``decay_steps`` on.
        power: :math:`p \ge 0`; ``1`` is a straight line (``0`` holds ``init_value``, as
            :math:`0^0 = 1`).
        cycle: Stretch the horizon instead of holding ``end_value``.

    Example:
        >>> from lrdecay import Polynomial
        >>> s = Polynomial(init_value=1.0, decay_steps=10, end_value=0.0, power=2.0)
        >>> [s(0), s(5), s(10), s(11)]
        [1.0, 0.25, 0.0, 0.0]
    """

    init_value: float
    decay_steps: float
    end_value: float = 0.0
    power: float = 1.0
    cycle: bool = False

    def __post_init__(self) -> None:
        _set(self, "init_value", check_number("Polynomial", "init_value", self.init_value))
        _set(self, "decay_steps", check_duration("Polynomial", "decay_steps", self.decay_steps))
        _set(self, "end_value", check_number("Polynomial", "end_value", self.end_value))
        _set(self, "power", check_non_negative("Polynomial", "power", self.power))
        _set(self, "cycle", check_bool("Polynomial", "cycle", self.cycle))

    def _value(self, t: Step, xp: Any) -> Any:
        d = self.decay_steps
        if self.cycle:
            # t = q d + r exactly: the horizon is d ceil(t / d) (d at step 0), and what remains of
            # it is d - r inside a period, 0 on a multiple of d.
            q, r = t.divmod(d)
            inside = r.x > 0
            periods = xp.maximum(q + t.where(inside, 1.0, 0.0), 1.0)
            remaining = t.where(inside, r.until(d), t.where(q > 0, 0.0, d)) / (periods * d)
        elif self.power == 1:  # a straight line: from the start, exactly
            return _mix(self.end_value, self.init_value, t.elapsed(d) / d, xp)
        else:
            remaining = t.until(d) / d  # d - t exactly, even close to d
        if self.power != 1:
            # a power below float32's smallest normal would round to 0 (and 0**0 is 1); any such
            # power gives the same values (1 above 0, 0 at 0), in double precision too
            power = max(self.power, _FLOAT32_TINY) if self.power > 0 else self.power
            remaining = xp.pow(remaining, power)
        return _mix(self.init_value, self.end_value, remaining, xp)

    @property
    def total_steps(self) -> float | None:
        return None if self.cycle else self.decay_steps


def linear(init_value: float, end_value: float, steps: float) -> Polynomial:
    r"""A straight line from ``init_value`` (step 0) to ``end_value`` (step ``steps``), then held.

    .. math:: v(t) = v_0 + (v_1 - v_0)\,\min(t, T)/T

    This is :class:`Polynomial` with ``power=1``.

    Example:
        >>> from lrdecay import linear
        >>> linear(0.0, 1.0, 4)(1)
        0.25
    """
    return Polynomial(
        init_value=check_number("linear", "init_value", init_value),
        decay_steps=check_duration("linear", "steps", steps),
        end_value=check_number("linear", "end_value", end_value),
        power=1.0,
    )


def check_decay_rate(owner: str, rate: float, staircase: bool) -> float:
    """An exponential decay rate: ``>= 0``, or any number with ``staircase`` (whole powers)."""
    if rate < 0 and not staircase:
        raise ParameterValueError(
            owner,
            "decay_rate",
            "must be >= 0 (a negative rate has no real powers between whole periods; with "
            f"staircase=True it may be negative), got {rate!r}",
        )
    return rate


@dataclasses.dataclass(frozen=True)
class Exponential(Schedule):
    r"""Exponential decay: ``init_value`` multiplied by ``decay_rate`` every ``decay_steps``.

    .. math::
        v(t) = v_0\, r^{\,p(t)}, \qquad
        p(t) = \begin{cases} \lfloor t / T \rfloor & \text{staircase} \\ t / T & \text{otherwise}
        \end{cases}

    There is no horizon: the value keeps decaying (or growing, for ``decay_rate > 1``; a growing
    curve overflows to ``inf`` after about :math:`709 / \ln r` decay periods, so bound it with
    :class:`~lrdecay.Clip` or end it with :class:`~lrdecay.Join`).
    TensorFlow's natural-exponential decay :math:`v_0 e^{-k p}` is this curve with
    :math:`r = e^{-k}`; :class:`NaturalExponential` takes :math:`k` itself, exact when it is small.

    Args:
        init_value: :math:`v_0`.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0`; with ``staircase`` any :math:`r` (whole powers of a negative
            rate alternate in sign, as in TensorFlow).
        staircase: Decay in whole steps of ``decay_steps`` (a step function).

    Example:
        >>> from lrdecay import Exponential
        >>> s = Exponential(init_value=1.0, decay_steps=10, decay_rate=0.5, staircase=True)
        >>> [s(9), s(10), s(25)]
        [1.0, 0.5, 0.25]
    """

    init_value: float
    decay_steps: float
    decay_rate: float
    staircase: bool = False
    _powers: ClassVar[Powers]  # set per instance by __post_init__ (not a field)

    def __post_init__(self) -> None:
        _set(self, "init_value", check_number("Exponential", "init_value", self.init_value))
        _set(self, "decay_steps", check_duration("Exponential", "decay_steps", self.decay_steps))
        rate = check_number("Exponential", "decay_rate", self.decay_rate)
        _set(self, "staircase", check_bool("Exponential", "staircase", self.staircase))
        _set(self, "decay_rate", check_decay_rate("Exponential", rate, self.staircase))
        _set(self, "_powers", Powers(rate))

    def _value(self, t: Step, xp: Any) -> Any:
        p = t.divmod(self.decay_steps)[0] if self.staircase else t.x / self.decay_steps
        return self.init_value * self._powers(p, t)


@dataclasses.dataclass(frozen=True)
class NaturalExponential(Schedule):
    r"""Natural-exponential decay: ``init_value`` times :math:`e^{-k}` every ``decay_steps``.

    .. math::
        v(t) = v_0\, e^{-k\, p(t)}, \qquad
        p(t) = \begin{cases} \lfloor t / T \rfloor & \text{staircase} \\ t / T & \text{otherwise}
        \end{cases}

    The same curve as :class:`Exponential` with :math:`r = e^{-k}`, but exact for every :math:`k`:
    a small :math:`k` (``1e-7``, say) does not survive being rounded into :math:`e^{-k}`, a double
    close to 1, and the exponent :math:`p` multiplies what was lost. TensorFlow's
    ``natural_exp_decay`` (:func:`lrdecay.compat.tf1.natural_exp_decay`) is this curve. A negative
    :math:`k` grows, and overflows to ``inf`` after :math:`709 / |k|` decay periods.

    Args:
        init_value: :math:`v_0`.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`k`, any real number.
        staircase: Decay in whole steps of ``decay_steps`` (a step function).

    Example:
        >>> from lrdecay import NaturalExponential
        >>> s = NaturalExponential(init_value=1.0, decay_steps=10, decay_rate=1e-7)
        >>> round(s(10**8), 12)  # e^(-1e-7 * 10**7) = 1/e
        0.367879441171
    """

    init_value: float
    decay_steps: float
    decay_rate: float
    staircase: bool = False

    def __post_init__(self) -> None:
        owner = "NaturalExponential"
        _set(self, "init_value", check_number(owner, "init_value", self.init_value))
        _set(self, "decay_steps", check_duration(owner, "decay_steps", self.decay_steps))
        _set(self, "decay_rate", check_number(owner, "decay_rate", self.decay_rate))
        _set(self, "staircase", check_bool(owner, "staircase", self.staircase))

    def _value(self, t: Step, xp: Any) -> Any:
        p = t.divmod(self.decay_steps)[0] if self.staircase else t.x / self.decay_steps
        return self.init_value * xp.exp(p * -self.decay_rate)


@dataclasses.dataclass(frozen=True)
class InverseTime(Schedule):
    r"""Inverse-time decay, optionally raised to a power.

    .. math::
        v(t) = \frac{v_0}{\left(1 + r\,p(t)\right)^{q}}, \qquad
        p(t) = \begin{cases} \lfloor t / T \rfloor & \text{staircase} \\ t / T & \text{otherwise}
        \end{cases}

    ``power=1`` is TensorFlow's ``inverse_time_decay``; ``power=0.5`` is an inverse-square-root
    decay. No horizon.

    Args:
        init_value: :math:`v_0`.
        decay_steps: :math:`T > 0`.
        decay_rate: :math:`r \ge 0`.
        power: :math:`q`, any real number (``0.5``: inverse square root; a negative power grows).
        staircase: Use :math:`\lfloor t/T \rfloor`.

    Example:
        >>> from lrdecay import InverseTime
        >>> InverseTime(init_value=1.0, decay_steps=10, decay_rate=1.0)(10)
        0.5
    """

    init_value: float
    decay_steps: float
    decay_rate: float
    power: float = 1.0
    staircase: bool = False

    def __post_init__(self) -> None:
        _set(self, "init_value", check_number("InverseTime", "init_value", self.init_value))
        _set(self, "decay_steps", check_duration("InverseTime", "decay_steps", self.decay_steps))
        _set(self, "decay_rate", check_non_negative("InverseTime", "decay_rate", self.decay_rate))
        _set(self, "power", check_number("InverseTime", "power", self.power))
        _set(self, "staircase", check_bool("InverseTime", "staircase", self.staircase))

    def _value(self, t: Step, xp: Any) -> Any:
        p = t.divmod(self.decay_steps)[0] if self.staircase else t.x / self.decay_steps
        denominator = 1.0 + self.decay_rate * p
        if self.power != 1:
            denominator = xp.pow(denominator, self.power)
        return self.init_value / denominator


@dataclasses.dataclass(frozen=True)
class Cosine(Schedule):
    r"""Cosine decay from ``init_value`` to ``end_value`` over ``decay_steps``, then held.

    .. math::
        v(t) = v_1 + (v_0 - v_1)\,\tfrac12\left(1 + \cos\!\left(2\pi n\,\frac{\min(t,T)}{T}\right)
        \right)

    With the default ``num_periods`` :math:`n = 1/2` this is the half cosine of SGDR
    (Loshchilov & Hutter, 2017, https://arxiv.org/abs/1608.03983); other values give
    :math:`n` full waves over :math:`T` steps (TensorFlow's ``linear_cosine_decay`` uses them).

    Args:
        init_value: :math:`v_0`, the value at step 0.
        decay_steps: :math:`T > 0`.
        end_value: :math:`v_1`, reached at :math:`T` when :math:`n = 1/2`.
        num_periods: :math:`n \ge 0`, the number of cosine periods over :math:`T` (``0``: a
            constant ``init_value``).

    Example:
        >>> from lrdecay import Cosine
        >>> s = Cosine(init_value=1.0, decay_steps=100, end_value=0.1)
        >>> [s(0), round(s(50), 12), s(100), s(1000)]
        [1.0, 0.55, 0.1, 0.1]
    """

    init_value: float
    decay_steps: float
    end_value: float = 0.0
    num_periods: float = 0.5

    def __post_init__(self) -> None:
        _set(self, "init_value", check_number("Cosine", "init_value", self.init_value))
        _set(self, "decay_steps", check_duration("Cosine", "decay_steps", self.decay_steps))
        _set(self, "end_value", check_number("Cosine", "end_value", self.end_value))
        _set(self, "num_periods", check_periods("Cosine", "num_periods", self.num_periods))

    def _value(self, t: Step, xp: Any) -> Any:
        bounds = t.known_bounds()
        x = t.x
        if bounds is None or bounds[1] > self.decay_steps:  # clamp only where some t is past it
            x = xp.minimum(x, self.decay_steps)
        angle = x * (2.0 * math.pi * self.num_periods / self.decay_steps)
        if self.end_value == 0:  # h cos + h: exactly init_value at 0 and exactly 0 at the end
            half = 0.5 * self.init_value
            return half * xp.cos(angle) + half
        return _mix(self.init_value, self.end_value, 0.5 + 0.5 * xp.cos(angle), xp)

    @property
    def total_steps(self) -> float | None:
        return self.decay_steps


@dataclasses.dataclass(frozen=True)
class GaussianNoise(Schedule):
    r"""Reproducible Gaussian noise: a standard normal draw per step, scaled by ``std``.

    .. math:: v(t) = \sigma(t)\, z(s, t), \qquad z(s, t) \sim \mathcal N(0, 1)

    :math:`z` is a *stateless* function of the seed :math:`s` and the step :math:`t`: Threefry-2x32
    (the counter-based generator of ``jax.random``) keyed by the seed, with the step as counter,
    and Box–Muller (:mod:`lrdecay._random`). Evaluating the same step twice, in any order, on any
    machine, after a resume, or in another array library (NumPy, torch, jax with or without
    64-bit types, TensorFlow) gives the same number, up to the rounding of the float type. Add it
    to another schedule (``schedule + noise``) to make a noisy schedule.

    Args:
        std: The standard deviation :math:`\sigma(t)`: a number or a schedule.
        seed: An integer in ``[0, 2**64)``.

    Example:
        >>> from lrdecay import GaussianNoise
        >>> n = GaussianNoise(std=0.1, seed=7)
        >>> n(3) == n(3)
        True
    """

    std: Schedule
    seed: int = 0

    def __post_init__(self) -> None:
        _set(self, "std", check_schedule("GaussianNoise", "std", self.std))
        seed = check_int("GaussianNoise", "seed", self.seed, minimum=0)
        if seed >= 2**64:
            raise ParameterValueError("GaussianNoise", "seed", f"must be < 2**64, got {seed}")
        _set(self, "seed", seed)

    def _value(self, t: Step, xp: Any) -> Any:
        z = normal(
            xp, self.seed, t.integer(), step_bits=t.int_bits, wide=t.wide_words, dtype=t.dtype
        )
        return self.std._value(t, xp) * z

    @property
    def total_steps(self) -> float | None:
        return None


@dataclasses.dataclass(frozen=True)
class TimmNoise(Schedule):
    r"""The relative noise of timm's schedulers (``noise_range_t``), draw for draw.

    .. math::
        n(t) = \sigma z_j(s + t), \qquad j = \min\{\, j : |\sigma z_j(s + t)| < \ell \,\}

    where :math:`z_0, z_1, \dots` are what ``torch.randn(1, generator=g)`` returns, one call
    after another, for ``g = torch.Generator(); g.manual_seed(s + t)``: timm redraws until the
    noise is within the limit, and its scheduler then sets the rate to :math:`v + v\,n(t)`
    (``schedule * (1 + TimmNoise(...))``). torch's CPU generator (MT19937, the 53-bit doubles of
    ``random64`` and Box–Muller, :mod:`lrdecay._random`) is reproduced without torch, in every
    array library: the value equals torch's in double precision; in ``float32`` it is within
    float32 rounding, except that a draw within that rounding of :math:`\ell` may be kept or
    redrawn differently. The draws are bounded so that every one of them fails the limit with
    probability below :math:`2^{-64}` per step (then the noise is 0); a limit so tight that
    this needs more than 1,248 draws (:math:`\ell / |\sigma| < 0.045`) is refused.

    Args:
        seed: :math:`s`, timm's ``noise_seed`` (an integer; torch reads ``s + t`` modulo
            :math:`2^{32}`).
        std: :math:`\sigma`, timm's ``noise_std``.
        limit: :math:`\ell > 0`, timm's ``noise_pct``.

    Example:
        >>> from lrdecay import TimmNoise
        >>> n = TimmNoise(seed=42, std=1.0, limit=0.67)
        >>> round(n(0), 7)  # torch.Generator().manual_seed(42); torch.randn(1) -> 0.3366904
        0.3366904
    """

    seed: int = 42
    std: float = 1.0
    limit: float = 0.67

    def __post_init__(self) -> None:
        seed = check_int("TimmNoise", "seed", self.seed)
        if not -(2**63) <= seed < 2**64:
            raise ParameterValueError(
                "TimmNoise", "seed", f"must be in [-2**63, 2**64) (torch's seeds), got {seed}"
            )
        _set(self, "seed", seed)
        _set(self, "std", check_number("TimmNoise", "std", self.std))
        limit = check_number("TimmNoise", "limit", self.limit)
        if limit <= 0:
            raise ParameterValueError(
                "TimmNoise",
                "limit",
                f"must be > 0 (no draw is ever within a limit <= 0: timm would loop forever), "
                f"got {limit!r}",
            )
        _set(self, "limit", limit)
        if torch_draws(float(self.std), float(limit)) is None:
            raise ParameterValueError(
                "TimmNoise",
                "limit",
                f"must be at least 0.045 * |std| (timm keeps a draw only when |std z| < limit; "
                f"with limit={limit!r} and std={self.std!r} so few pass that reproducing its "
                "redraws would take more than 1,248 draws per step)",
            )

    def _value(self, t: Step, xp: Any) -> Any:
        draws = torch_draws(float(self.std), float(self.limit))
        assert draws is not None  # (checked at construction)
        return torch_normal_within(
            xp,
            self.seed,
            t.integer(),
            std=float(self.std),
            limit=float(self.limit),
            draws=draws,
            step_bits=t.int_bits,
            wide=t.wide_words,
            dtype=t.dtype,
            single=t.exact_below == 2**24,
        )

    @property
    def total_steps(self) -> float | None:
        return None


# --------------------------------------------------------------------------- ramps and tanh
RAMP_SHAPES = ("linear", "cosine", "exponential", "sqrt", "1-sqrt", "power")
"""The shapes of :class:`Ramp`."""


def check_choice(owner: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (a string)."""
    if not isinstance(value, str):
        raise ParameterTypeError(
            owner,
            name,
            f"must be one of {', '.join(choices)}, got {value!r} ({type(value).__name__})",
        )
    if value not in choices:
        raise ParameterValueError(
            owner, name, f"must be one of {', '.join(choices)}, got {value!r}"
        )
    return value


@dataclasses.dataclass(frozen=True)
class Ramp(Schedule):
    r"""A ramp from ``init_value`` (step 0) to ``end_value`` (step ``ramp_steps``), then held.

    .. math::
        v(t) = v_0 + (v_1 - v_0)\, w\!\left(\frac{\min(t, T)}{T}\right), \qquad
        w(u) = \begin{cases}
            u & \text{linear} \\
            \tfrac12\,(1 - \cos \pi u) & \text{cosine} \\
            \sqrt{u} & \text{sqrt} \\
            1 - \sqrt{1 - u} & \text{1-sqrt} \\
            u^{p} & \text{power}
        \end{cases}

    and ``"exponential"``, the geometric ramp :math:`v(t) = v_0\,(v_1/v_0)^{\min(t,T)/T}` (both
    ends non-zero, of one sign). Every shape is exactly :math:`v_0` at step 0 and exactly
    :math:`v_1` from step :math:`T` on, so a ramp joins what follows it without a jump: it is the
    warm-up of :func:`~lrdecay.warmup` (``shape=``), Darknet's burn-in (:func:`~lrdecay.burn_in`,
    ``"power"`` with :math:`p = 4`) and the ``1-sqrt`` cool-down of :class:`~lrdecay.WSD`
    (``"sqrt"`` from the peak down; ``"1-sqrt"`` is Hugging Face's ``1-sqrt`` warm-up).

    Args:
        init_value: :math:`v_0`.
        end_value: :math:`v_1`.
        ramp_steps: :math:`T > 0`.
        shape: ``"linear"``, ``"cosine"``, ``"exponential"``, ``"sqrt"``, ``"1-sqrt"`` or
            ``"power"``.
        power: :math:`p > 0`, used by ``"power"`` only.

    Example:
        >>> from lrdecay import Ramp
        >>> s = Ramp(init_value=0.0, end_value=1.0, ramp_steps=10, shape="cosine")
        >>> [s(0), round(s(5), 12), s(10), s(11)]
        [0.0, 0.5, 1.0, 1.0]
        >>> round(Ramp(1e-4, 1e-2, ramp_steps=2, shape="exponential")(1), 15)  # geometric mean
        0.001
    """

    init_value: float
    end_value: float
    ramp_steps: float
    shape: str = "linear"
    power: float = 1.0
    _log_ratio: ClassVar[float]  # ln(v1 / v0) of an exponential ramp (not a field)

    def __post_init__(self) -> None:
        _set(self, "init_value", check_number("Ramp", "init_value", self.init_value))
        _set(self, "end_value", check_number("Ramp", "end_value", self.end_value))
        _set(self, "ramp_steps", check_duration("Ramp", "ramp_steps", self.ramp_steps))
        _set(self, "shape", check_choice("Ramp", "shape", self.shape, RAMP_SHAPES))
        power = check_number("Ramp", "power", self.power)
        if power <= 0:
            raise ParameterValueError("Ramp", "power", f"must be > 0, got {power!r}")
        _set(self, "power", power)
        log_ratio = 0.0
        if self.shape == "exponential":
            a, b = self.init_value, self.end_value
            if a == 0 or b == 0 or (a < 0) != (b < 0):
                raise ParameterValueError(
                    "Ramp",
                    "init_value",
                    "and end_value must be non-zero and of one sign for an exponential ramp "
                    f"(a geometric ramp never reaches or leaves 0), got init_value={a!r} and "
                    f"end_value={b!r}",
                )
            log_ratio = math.log(b / a)
        _set(self, "_log_ratio", log_ratio)

    def _value(self, t: Step, xp: Any) -> Any:
        a, b, d = self.init_value, self.end_value, self.ramp_steps
        u = t.elapsed(d) / d  # min(t, T) / T, exact in the step
        if self.shape == "exponential":
            value = a * xp.exp(u * self._log_ratio)
            return t.where(t.less(d), value, b)  # exactly v1 from T on
        if self.shape == "linear":
            w = u
        elif self.shape == "cosine":
            w = 0.5 - 0.5 * xp.cos(u * math.pi)
        elif self.shape == "sqrt":
            w = xp.sqrt(u)
        elif self.shape == "1-sqrt":
            # 1 - sqrt(1 - u) as u / (1 + sqrt(1 - u)): no cancellation near the start, where
            # w is small (1 - u exactly, even close to T)
            w = u / (1.0 + xp.sqrt(t.until(d) / d))
        else:
            power = max(self.power, _FLOAT32_TINY)
            w = xp.pow(u, power)
        return _mix(b, a, w, xp)  # exactly v0 at w = 0 and v1 at w = 1

    @property
    def total_steps(self) -> float | None:
        return self.ramp_steps


@dataclasses.dataclass(frozen=True)
class Tanh(Schedule):
    r"""Hyperbolic-tangent decay from about ``init_value`` to about ``end_value`` over
    ``decay_steps`` (the shape of timm's ``TanhLRScheduler``), then held.

    .. math::
        v(t) = v_1 + (v_0 - v_1)\,\tfrac12\bigl(1 - \tanh(z)\bigr), \qquad
        z = \ell + (u - \ell)\,\frac{\min(t, T)}{T}

    computed as :math:`\tfrac12(1 - \tanh z) = 1/(1 + e^{2z})`. The curve starts at
    :math:`v_1 + (v_0 - v_1)/(1 + e^{2\ell})` (``init_value`` to within :math:`e^{2\ell}`, 8e-7 of
    the range with the default :math:`\ell = -7`) and ends at :math:`v_1 + (v_0 - v_1)/(1 +
    e^{2u})` (0.25 % of the range above ``end_value`` with :math:`u = 3`), held from :math:`T` on.
    timm instead drops to ``end_value`` (its ``lr_min``) at the end of its last cycle;
    :class:`~lrdecay.Restarts` repeats the curve.

    Args:
        init_value: :math:`v_0` (timm's base rate).
        decay_steps: :math:`T > 0` (timm's ``t_initial``).
        end_value: :math:`v_1` (timm's ``lr_min``).
        lower: :math:`\ell` (timm's ``lb``), below ``upper``.
        upper: :math:`u` (timm's ``ub``).

    Example:
        >>> from lrdecay import Tanh
        >>> s = Tanh(init_value=1.0, decay_steps=100)
        >>> [round(s(k), 6) for k in (0, 70, 100)]  # tanh(0) at 70 % of the way: the midpoint
        [0.999999, 0.5, 0.002473]
    """

    init_value: float
    decay_steps: float
    end_value: float = 0.0
    lower: float = -7.0
    upper: float = 3.0

    def __post_init__(self) -> None:
        _set(self, "init_value", check_number("Tanh", "init_value", self.init_value))
        _set(self, "decay_steps", check_duration("Tanh", "decay_steps", self.decay_steps))
        _set(self, "end_value", check_number("Tanh", "end_value", self.end_value))
        _set(self, "lower", check_number("Tanh", "lower", self.lower))
        _set(self, "upper", check_number("Tanh", "upper", self.upper))
        if not self.lower < self.upper:
            raise ParameterValueError(
                "Tanh", "lower", f"must be < upper, got lower={self.lower!r}, upper={self.upper!r}"
            )
        if max(abs(self.lower), abs(self.upper)) > 1e6:
            raise ParameterValueError(
                "Tanh",
                "upper" if abs(self.upper) > abs(self.lower) else "lower",
                f"must be within [-1e6, 1e6], got lower={self.lower!r}, upper={self.upper!r}",
            )

    def _value(self, t: Step, xp: Any) -> Any:
        d = self.decay_steps
        u = t.elapsed(d) / d
        z = self.lower + (self.upper - self.lower) * u
        w = 1.0 / (1.0 + xp.exp(2.0 * z))  # (1 - tanh z) / 2, in [0, 1]; exp overflow gives 0
        return _mix(self.init_value, self.end_value, w, xp)

    @property
    def total_steps(self) -> float | None:
        return self.decay_steps


# --------------------------------------------------------------------------- staircases
def step_decay(init_value: float, decay_steps: float, decay_rate: float) -> Exponential:
    r"""``init_value`` multiplied by ``decay_rate`` every ``decay_steps`` (PyTorch's ``StepLR``).

    .. math:: v(t) = v_0\, r^{\lfloor t / T \rfloor}

    This is :class:`Exponential` with ``staircase=True``: the value changes *at* each multiple of
    ``decay_steps``.

    Example:
        >>> from lrdecay import step_decay
        >>> s = step_decay(1.0, decay_steps=30, decay_rate=0.5)
        >>> [s(29), s(30), s(60)]
        [1.0, 0.5, 0.25]
    """
    return Exponential(
        init_value=check_number("step_decay", "init_value", init_value),
        decay_steps=check_duration("step_decay", "decay_steps", decay_steps),
        decay_rate=check_number("step_decay", "decay_rate", decay_rate),
        staircase=True,
    )


def multistep(init_value: float, boundaries: Any, decay_rate: float) -> Piecewise:
    r"""``init_value`` multiplied by ``decay_rate`` at each boundary (PyTorch's ``MultiStepLR``).

    .. math:: v(t) = v_0\, r^{\#\{i : b_i \le t\}}

    A :class:`Piecewise` whose values are :math:`v_0 r^i` (in double precision), switching *at*
    each boundary. Boundaries must be strictly increasing (PyTorch decays twice at a repeated
    milestone; write the rate squared instead).

    Example:
        >>> from lrdecay import multistep
        >>> s = multistep(1.0, boundaries=[30, 80], decay_rate=0.1)
        >>> [s(29), s(30), s(80)]
        [1.0, 0.1, 0.010000000000000002]
    """
    init_value = check_number("multistep", "init_value", init_value)
    rate = check_number("multistep", "decay_rate", decay_rate)
    bounds = check_sequence("multistep", "boundaries", boundaries)
    return Piecewise(
        boundaries=bounds, values=tuple(init_value * rate**i for i in range(len(bounds) + 1))
    )
