"""Combinators: schedules built from other schedules.

:class:`Join` runs schedules one after another, :class:`Restarts` repeats one, :class:`Clip`
bounds one, :class:`Sum` and :class:`Product` combine several pointwise. The helpers
:func:`warmup`, :func:`hold`, :func:`scale` and :func:`floor` build the common shapes from them,
so a warm-up is a :class:`Join` and nothing else: there is exactly one formula for each idea.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from typing import Any, ClassVar

from lrdecay._core import (
    MIN_DURATION,
    ParameterValueError,
    Schedule,
    check_bool,
    check_boundaries,
    check_duration,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
    check_schedule,
    check_schedules,
)
from lrdecay._core import (
    set_field as _set,
)
from lrdecay._step import Step, Table, as_ratio
from lrdecay._xp import SCALAR
from lrdecay.curves import (
    Constant,
    Cosine,
    Exponential,
    InverseTime,
    Powers,
    Ramp,
    check_choice,
    linear,
)

__all__ = [
    "WSD",
    "Clip",
    "Cyclic",
    "Join",
    "OneCycle",
    "Power",
    "Product",
    "Restarts",
    "Shift",
    "Sum",
    "Warp",
    "burn_in",
    "floor",
    "hold",
    "inverse_sqrt",
    "scale",
    "warmup",
    "with_floor",
]


_LN2 = math.log(2.0)


@dataclasses.dataclass(frozen=True)
class Join(Schedule):
    r"""Run ``schedules`` one after another, switching at ``boundaries``.

    .. math::
        v(t) = s_i(t - b_{i-1}) \quad \text{for } b_{i-1} \le t < b_i
        \qquad (b_{-1} = 0,\ b_n = \infty)

    Each schedule sees its own local step, starting at 0 when it takes over (as optax's
    ``join_schedules``). The switch happens *at* the boundary.

    Args:
        schedules: ``n + 1`` schedules (numbers are taken as :class:`~lrdecay.Constant`).
        boundaries: ``n`` strictly increasing, positive steps.

    Example:
        >>> from lrdecay import Join, Constant, linear
        >>> s = Join([linear(0.0, 1.0, 10), Constant(1.0)], boundaries=[10])
        >>> [s(0), s(5), s(10), s(99)]
        [0.0, 0.5, 1.0, 1.0]
    """

    schedules: tuple[Schedule, ...]
    boundaries: tuple[float, ...]

    def __post_init__(self) -> None:
        schedules = check_schedules("Join", "schedules", self.schedules)
        boundaries = check_boundaries(
            "Join", self.boundaries, schedules, "schedules", positive=True
        )
        _set(self, "schedules", schedules)
        _set(self, "boundaries", boundaries)

    def _value(self, t: Step, xp: Any) -> Any:
        k = t.python_int
        if k is not None:  # one Python step: its piece alone
            i = bisect.bisect_right(self.boundaries, k)
            return self.schedules[i]._value(t.shift(self.boundaries[i - 1]) if i else t, xp)
        # Only the segments some step falls in are evaluated (all of them for tensors).
        starts = (0, *self.boundaries)
        return t.switch(self.boundaries, lambda i: self.schedules[i]._value(t.shift(starts[i]), xp))

    @property
    def total_steps(self) -> float | None:
        tail = self.schedules[-1].total_steps
        start = self.boundaries[-1] if self.boundaries else 0
        return None if tail is None else start + tail


_MAX_CYCLES = 4096
"""The most cycles :class:`Restarts` tabulates; past them it finds cycles by a logarithm."""

_LAST_STEP = 2**53


def _steps(value: Any) -> float:
    """A length in steps as a Python number: an ``int`` when it is whole."""
    number = float(value)
    return int(number) if number.is_integer() else number


class _Cycles:
    """The cycles of a geometric :class:`Restarts`, tabulated once: cycle ``i`` starts at the exact
    rational ``S_i = P (m**i - 1) / (m - 1)`` (``P`` and ``m`` as written, see
    :func:`~lrdecay._step.as_ratio`), so its first step is ``ceil(S_i)``."""

    __slots__ = ("complete", "delta", "exact", "gain", "starts", "stretch")

    def __init__(self, period: float, factor: float, gain: Powers) -> None:
        p = as_ratio(period)
        m = as_ratio(factor)
        a, b = m.numerator, m.denominator
        starts, exact, delta, stretch, gains = [0], [0.0], [0.0], [1.0], [1.0]
        power_a, power_b, scale = a, b, 1  # a**i, b**i, b**(i - 1) for i = 1
        self.complete = False
        while len(starts) < _MAX_CYCLES:
            numerator = p.numerator * (power_a - power_b)
            denominator = p.denominator * (a - b) * scale
            first = -(-numerator // denominator)
            if first > _LAST_STEP:
                self.complete = True
                break
            starts.append(first)
            exact.append(numerator / denominator)
            delta.append((first * denominator - numerator) / denominator)
            stretch.append(power_a / power_b)
            gains.append(gain.whole(len(gains)))
            power_a, power_b, scale = power_a * a, power_b * b, scale * b
        self.starts = Table(starts, "int64")
        self.exact = Table(exact, "float64")
        self.delta = Table(delta, "float64")
        self.stretch = Table(stretch, "float64")
        self.gain = Table(gains, "float64")


@dataclasses.dataclass(frozen=True)
class Restarts(Schedule):
    r"""Repeat ``schedule`` in cycles (warm restarts), optionally longer and lower each time.

    Cycle :math:`i = 0, 1, \dots` lasts :math:`P m^i` steps and starts at
    :math:`S_i = P\,(m^i - 1)/(m - 1)` (:math:`S_i = P i` when :math:`m = 1`). Within it the
    schedule is played from its start, stretched to the cycle's length, and scaled by :math:`g^i`:

    .. math:: v(t) = g^{i}\, s\!\left(\frac{t - S_i}{m^{i}}\right), \qquad S_i \le t < S_{i+1}

    The cycle index is exact, in every dtype and array library: the cycle starts are computed once,
    at construction, in exact rational arithmetic on :math:`P` and :math:`m` **as written** (their
    shortest decimal form: ``1.1`` is 11/10, not the binary double nearest to it), and a step is
    looked up among the integer steps that begin each cycle. So with ``period_steps=1250`` and
    ``period_factor=1.1`` the third cycle begins at step 2625 = 1250 + 1375, and every exact restart
    step is the first step of its cycle (TensorFlow's ``cosine_decay_restarts``, which finds the
    cycle with a ``float32`` logarithm, sometimes puts it at the end of the previous one).

    The table holds the cycles that begin by step ``2**53``, at most 4,096 of them. Only a factor
    very close to 1 has more (``m < 1.008`` with ``P = 1``, ``m < 1.001`` with ``P = 100``): past
    the 4,096th cycle, the cycle is found with a logarithm in the working precision, as TensorFlow
    does, and an exact restart step there may fall at the end of the previous cycle.

    Args:
        schedule: The curve played in each cycle, over its first ``period_steps`` steps.
        period_steps: :math:`P > 0`, the length of the first cycle.
        period_factor: :math:`1 \le m \le 10^6`, each cycle is ``m`` times longer than the
            previous one.
        value_factor: :math:`g`, each cycle's values are ``g`` times the previous one's (any real
            number: 0 leaves only the first cycle, a negative factor alternates the sign).
        max_cycles: :math:`N \ge 1`, or ``None`` (the default) to restart forever. After
            :math:`N` cycles (from :math:`S_N` on) the value holds where the last cycle ended,
            :math:`g^{N-1} s(P)`, as timm's ``cycle_limit`` does.

    Example:
        >>> from lrdecay import Restarts, Cosine
        >>> s = Restarts(Cosine(1.0, decay_steps=10), period_steps=10, period_factor=2.0)
        >>> [s(0), s(10), s(30), s(20)]
        [1.0, 1.0, 1.0, 0.5]
        >>> s = Restarts(Cosine(1.0, decay_steps=10, end_value=0.1), 10, max_cycles=2)
        >>> [s(10), s(19), s(20), s(10**6)]
        [1.0, 0.12202456766718092, 0.1, 0.1]
    """

    schedule: Schedule
    period_steps: float
    period_factor: float = 1.0
    value_factor: float = 1.0
    max_cycles: int | None = None
    _cycles: ClassVar[_Cycles | None]  # set per instance by __post_init__ (not a field)
    _gains: ClassVar[Powers]  # g**i (likewise)
    _limit: ClassVar[tuple[float, float] | None]  # (S_N, the value held from it on) (likewise)

    def __post_init__(self) -> None:
        _set(self, "schedule", check_schedule("Restarts", "schedule", self.schedule))
        _set(self, "period_steps", check_duration("Restarts", "period_steps", self.period_steps))
        factor = check_number("Restarts", "period_factor", self.period_factor)
        if factor < 1:
            raise ParameterValueError(
                "Restarts",
                "period_factor",
                "must be >= 1 (cycles that shrink end after a finite number of steps), "
                f"got {factor!r}",
            )
        if factor > 1e6:
            raise ParameterValueError(
                "Restarts",
                "period_factor",
                "must be <= 1e6 (the second cycle would already be longer than any training "
                f"run), got {factor!r}",
            )
        _set(self, "period_factor", factor)
        gain = check_number("Restarts", "value_factor", self.value_factor)
        _set(self, "value_factor", gain)
        _set(self, "_gains", Powers(gain))
        cycles = None if factor == 1 else _Cycles(self.period_steps, factor, self._gains)
        _set(self, "_cycles", cycles)
        limit = None
        if self.max_cycles is not None:
            cycles_ = check_int("Restarts", "max_cycles", self.max_cycles, minimum=1)
            _set(self, "max_cycles", cycles_)
            limit = self._end_of(cycles_)
        _set(self, "_limit", limit)

    def _end_of(self, n: int) -> tuple[float, float] | None:
        """``(S_n, g**(n-1) s(P))``: where cycle ``n`` would start (exactly, from the parameters
        as written) and the value the last cycle ends on; ``None`` when no step reaches it."""
        p = as_ratio(self.period_steps)
        m = as_ratio(self.period_factor)
        if m != 1 and (n - 1) * math.log(float(m)) + math.log(float(p)) > 60 * _LN2:
            return None  # beyond 2**60 steps
        start = p * n if m == 1 else p * (m**n - 1) / (m - 1)
        if start > _LAST_STEP:
            return None
        end = Step(
            SCALAR,
            n=p.numerator,
            scale=p.denominator,
            dtype=float,
            int_dtype=int,
            int_max=None,
            concrete=True,
            wide_words=True,
            bounds=(float(p), float(p)),
        )
        value = float(self.schedule._value(end, SCALAR))
        if value != 0 and self.value_factor != 1:
            value *= self._gains.whole(n - 1)
        return _steps(start), value

    def _value(self, t: Step, xp: Any) -> Any:
        value = self._restarted(t, xp)
        if self._limit is None:
            return value
        start, held = self._limit
        return t.where(t.less(start), value, held)

    @property
    def total_steps(self) -> float | None:
        return None if self._limit is None else self._limit[0]

    def _restarted(self, t: Step, xp: Any) -> Any:
        if self._cycles is None:
            periods, local = t.divmod(self.period_steps)
            gain = self._gains(periods, t) if self.value_factor != 1 else 1.0
        else:
            local, gain = self._cycle(t, xp, self._cycles)
        value = self.schedule._value(local, xp)
        if self.value_factor == 1:
            return value
        if abs(self.value_factor) > 1:  # g**i overflows to inf after many cycles: 0 stays 0
            return xp.where(value == 0, value, value * gain)
        return value * gain

    def _cycle(self, t: Step, xp: Any, cycles: _Cycles) -> tuple[Step, Any]:
        """The step within its cycle, and the cycle's gain ``g**i``."""
        if t.whole:
            starts = t.table(cycles.starts, integer=True)
            i = xp.searchsorted(starts, t.n, side="right") - 1
            offset = xp.astype(t.n - t.take(starts, i), t.dtype) + t.take(t.table(cycles.delta), i)
        else:
            exact = t.table(cycles.exact)
            i = xp.searchsorted(exact, t.x, side="right") - 1
            offset = xp.maximum(t.x - t.take(exact, i), 0.0)
        local = offset / t.take(t.table(cycles.stretch), i)
        gain = t.take(t.table(cycles.gain), i) if self.value_factor != 1 else 1.0
        if not cycles.complete:
            local, gain = self._past_table(t, xp, cycles, local, gain)
        return t.stretched(local, (0.0, float(self.period_steps))), gain

    def _past_table(
        self, t: Step, xp: Any, cycles: _Cycles, local: Any, gain: Any
    ) -> tuple[Any, Any]:
        """Past the table's last cycle ``L``: the cycle ``L + j`` from a logarithm."""
        last = len(cycles.starts) - 1
        m = self.period_factor
        length = self.period_steps * cycles.stretch.values[last]  # of cycle L
        growth = math.log1p(m - 1.0)
        if t.whole:  # the step since S_L, exact while float holds it
            first = cycles.starts.values[last]
            if t.int_max is not None and first > t.int_max:
                return local, gain  # no step of this integer type gets past the table
            since = xp.astype(xp.maximum(t.n - first, 0), t.dtype) + cycles.delta.values[last]
        else:
            since = xp.maximum(t.x - cycles.exact.values[last], 0.0)

        def start_of(j: Any) -> Any:  # of cycle L + j, counted from S_L
            return length * xp.expm1(j * growth) / (m - 1.0)

        j = xp.floor(xp.log1p(since * ((m - 1.0) / length)) / growth)
        j = xp.where(since < start_of(j), j - 1.0, j)
        j = xp.where(since >= start_of(j + 1.0), j + 1.0, j)
        within = t.less(cycles.starts.values[last])
        beyond = xp.maximum(since - start_of(j), 0.0) / (
            cycles.stretch.values[last] * xp.exp(j * growth)
        )
        local = t.where(within, local, beyond)
        if self.value_factor != 1:
            gain = t.where(within, gain, cycles.gain.values[last] * self._gains(j, t))
        return local, gain


@dataclasses.dataclass(frozen=True)
class Shift(Schedule):
    r"""``schedule`` started ``steps`` steps in: :math:`v(t) = s(t + \Delta)`.

    .. math:: v(t) = s(t + \Delta), \qquad \Delta \ge 0

    What a framework does when its curve starts part-way through (Hugging Face's
    ``cosine_warmup_with_min_lr`` evaluates its cosine one step ahead). :math:`\Delta` is read
    as written, and the shifted step is exact (integer arithmetic, like a :class:`Join`'s pieces).
    A step within :math:`\Delta` of the largest its integers hold (``2**31 - 1`` for ``int32``
    tensors) is taken as that largest step minus :math:`\Delta`, so that the sum does not
    overflow: the curve's value there, past any horizon short of it.

    Args:
        schedule: The schedule to start part-way through.
        steps: :math:`\Delta \ge 0`, a whole or fractional number of steps.

    Example:
        >>> from lrdecay import Shift, linear
        >>> s = Shift(linear(0.0, 1.0, 10), steps=2.5)
        >>> [s(0), s(5), s(7), s(8)]
        [0.25, 0.75, 0.95, 1.0]
    """

    schedule: Schedule
    steps: float

    def __post_init__(self) -> None:
        _set(self, "schedule", check_schedule("Shift", "schedule", self.schedule))
        _set(self, "steps", check_non_negative("Shift", "steps", self.steps))

    def _value(self, t: Step, xp: Any) -> Any:
        if self.steps == 0:
            return self.schedule._value(t, xp)
        if t.int_max is not None:  # t + steps must not overflow the step's integers
            t = t.at_most(t.int_max - math.ceil(self.steps))
        return self.schedule._value(t.shift(-self.steps), xp)

    @property
    def total_steps(self) -> float | None:
        inner = self.schedule.total_steps
        return None if inner is None else max(inner - self.steps, 0)


@dataclasses.dataclass(frozen=True)
class Warp(Schedule):
    r"""``schedule`` played on a power-warped clock: :math:`v(t) = s\big(T\,(t/T)^{k}\big)`.

    .. math:: v(t) = s\!\left(T \left(\frac{t}{T}\right)^{k}\right), \qquad k \ge 0

    The clock agrees with the step at :math:`t = 0` and :math:`t = T`: a curve of length
    :math:`T` still starts and ends where it did, but with :math:`k > 1` it spends longer near
    its start (the "k-decay" of Zhang and Li, arXiv:2004.05909: timm's ``k_decay``, where the
    cosine's argument is :math:`\pi\, t^k / T^k`), with :math:`k < 1` near its end. Warped, the
    step is known only by its floating-point value (like a step of
    :class:`Restarts` stretched by a factor). :math:`k = 1` is the schedule itself.

    Args:
        schedule: The schedule to play on the warped clock.
        steps: :math:`T > 0`, where the warped clock meets the step again.
        power: :math:`k \ge 0`.

    Example:
        >>> from lrdecay import Warp, linear
        >>> s = Warp(linear(0.0, 1.0, 100), steps=100, power=2.0)
        >>> [s(0), s(50), s(100)]
        [0.0, 0.25, 1.0]
    """

    schedule: Schedule
    steps: float
    power: float

    def __post_init__(self) -> None:
        _set(self, "schedule", check_schedule("Warp", "schedule", self.schedule))
        _set(self, "steps", check_positive("Warp", "steps", self.steps))
        _set(self, "power", check_non_negative("Warp", "power", self.power))

    def _value(self, t: Step, xp: Any) -> Any:
        if self.power == 1:
            return self.schedule._value(t, xp)
        period, power = float(self.steps), float(self.power)
        u = xp.maximum(t.x, 0.0) / period
        x = xp.pow(u, power) * period
        if power > 0:  # 0 ** k = 0, also where float32 flushes a tiny k to 0 (TF: 0 ** 0 = 1)
            x = t.where(u > 0, x, 0.0)
        bounds = t.bounds
        if bounds is not None:
            low, high = (max(b, 0.0) for b in bounds)
            bounds = ((low / period) ** power * period, (high / period) ** power * period)
        else:
            bounds = (0.0, math.inf)
        return self.schedule._value(t.stretched(x, bounds), xp)

    @property
    def total_steps(self) -> float | None:
        inner = self.schedule.total_steps
        if self.power == 0:  # the clock stands at T
            return 0
        if inner is None:
            return None
        return float(self.steps) * math.pow(inner / float(self.steps), 1.0 / float(self.power))


@dataclasses.dataclass(frozen=True)
class Power(Schedule):
    r"""A schedule raised to a power: :math:`v(t) = \max(s(t), 0)^{p}`.

    .. math:: v(t) = \max\big(s(t), 0\big)^{p}, \qquad p \ge 0

    optax's ``cosine_decay_schedule(exponent=p)`` is a :class:`~lrdecay.Cosine` from 1 to 0
    raised to :math:`p`. A negative value of :math:`s` counts as 0 (a rate is not negative, and a
    fractional power of a negative number is not a real number), so the result is never NaN;
    :math:`0^0 = 1`.

    Args:
        schedule: The base, a schedule.
        exponent: :math:`p \ge 0`.

    Example:
        >>> from lrdecay import Cosine, Power
        >>> s = Power(Cosine(1.0, decay_steps=100), exponent=2.0)
        >>> [round(s(k), 12) for k in (0, 50, 100)]
        [1.0, 0.25, 0.0]
    """

    schedule: Schedule
    exponent: float

    def __post_init__(self) -> None:
        _set(self, "schedule", check_schedule("Power", "schedule", self.schedule))
        _set(self, "exponent", check_non_negative("Power", "exponent", self.exponent))

    def _value(self, t: Step, xp: Any) -> Any:
        value = self.schedule._value(t, xp)
        if isinstance(value, int | float):  # a constant base: a Python number
            return math.pow(max(float(value), 0.0), float(self.exponent))
        if self.exponent == 1:
            return xp.maximum(value, 0.0)
        return xp.pow(xp.maximum(value, 0.0), float(self.exponent))

    @property
    def total_steps(self) -> float | None:
        return self.schedule.total_steps


@dataclasses.dataclass(frozen=True)
class Clip(Schedule):
    r"""Bound a schedule's values from below and/or above.

    .. math:: v(t) = \min(\max(s(t), \ell), u)

    Args:
        schedule: The schedule to bound.
        min_value: :math:`\ell`, or ``None`` for no lower bound.
        max_value: :math:`u`, or ``None`` for no upper bound.

    Example:
        >>> from lrdecay import Clip, Exponential
        >>> s = Clip(Exponential(1.0, decay_steps=1, decay_rate=0.5), min_value=0.1)
        >>> [s(1), s(10)]
        [0.5, 0.1]
    """

    schedule: Schedule
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self) -> None:
        _set(self, "schedule", check_schedule("Clip", "schedule", self.schedule))
        if self.min_value is None and self.max_value is None:
            raise ValueError("Clip: give min_value, max_value or both, got neither")
        if self.min_value is not None:
            _set(self, "min_value", check_number("Clip", "min_value", self.min_value))
        if self.max_value is not None:
            _set(self, "max_value", check_number("Clip", "max_value", self.max_value))
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(
                f"Clip: min_value must be <= max_value, got min_value={self.min_value!r} "
                f"and max_value={self.max_value!r}"
            )

    def _value(self, t: Any, xp: Any) -> Any:
        value = self.schedule._value(t, xp)
        if self.min_value is not None:
            value = xp.maximum(value, self.min_value)
        if self.max_value is not None:
            value = xp.minimum(value, self.max_value)
        return value

    @property
    def total_steps(self) -> float | None:
        return self.schedule.total_steps


def _horizon(schedules: tuple[Schedule, ...]) -> float | None:
    horizons = [s.total_steps for s in schedules]
    if any(h is None for h in horizons):
        return None
    return max(h for h in horizons if h is not None)


@dataclasses.dataclass(frozen=True)
class Sum(Schedule):
    r"""The pointwise sum of schedules: :math:`v(t) = \sum_k s_k(t)`.

    Example:
        >>> from lrdecay import Constant, linear
        >>> (linear(0.0, 1.0, 10) + 0.5)(10)
        1.5
    """

    schedules: tuple[Schedule, ...]

    def __post_init__(self) -> None:
        schedules = check_schedules("Sum", "schedules", self.schedules)
        if not schedules:
            raise ParameterValueError("Sum", "schedules", "must not be empty, got []")
        _set(self, "schedules", schedules)

    def _value(self, t: Any, xp: Any) -> Any:
        result = self.schedules[0]._value(t, xp)
        for s in self.schedules[1:]:
            result = result + s._value(t, xp)
        return result

    @property
    def total_steps(self) -> float | None:
        return _horizon(self.schedules)


@dataclasses.dataclass(frozen=True)
class Product(Schedule):
    r"""The pointwise product of schedules: :math:`v(t) = \prod_k s_k(t)`.

    Example:
        >>> from lrdecay import Cosine
        >>> (0.1 * Cosine(1.0, decay_steps=10))(0)
        0.1
    """

    schedules: tuple[Schedule, ...]

    def __post_init__(self) -> None:
        schedules = check_schedules("Product", "schedules", self.schedules)
        if not schedules:
            raise ParameterValueError("Product", "schedules", "must not be empty, got []")
        _set(self, "schedules", schedules)

    def _value(self, t: Any, xp: Any) -> Any:
        result = self.schedules[0]._value(t, xp)
        for s in self.schedules[1:]:
            result = result * s._value(t, xp)
        return result

    @property
    def total_steps(self) -> float | None:
        return _horizon(self.schedules)


# --------------------------------------------------------------------------- shape helpers
WARMUP_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")
"""The shapes of :func:`warmup`."""


def warmup(
    schedule: Schedule, steps: float, init_value: float = 0.0, shape: str = "linear"
) -> Schedule:
    r"""Prepend a warm-up that ends exactly where ``schedule`` starts.

    .. math::
        v(t) = \begin{cases} w_0 + (s(0) - w_0)\,w(t/W) & t < W \\ s(t - W) & t \ge W
        \end{cases}

    with :math:`w(u) = u` (``"linear"``), :math:`\tfrac12(1 - \cos \pi u)` (``"cosine"``),
    :math:`1 - \sqrt{1 - u}` (``"1-sqrt"``, Hugging Face's), or the geometric ramp
    :math:`w_0 (s(0)/w_0)^{t/W}` (``"exponential"``, which needs a non-zero ``init_value`` of
    the sign of :math:`s(0)`): a :class:`Join` of a :class:`~lrdecay.Ramp`
    (``linear`` is :func:`~lrdecay.linear`) and ``schedule``, continuous at :math:`W` for every
    shape. The decay length of ``schedule`` does *not* include the warm-up: the result lasts
    ``steps + schedule.total_steps`` steps. ``steps=0`` (a config that turns warm-up off) gives
    ``schedule`` itself.

    Args:
        schedule: The schedule that follows the warm-up.
        steps: :math:`W \ge 0`, the warm-up length (0, or at least ``1e-6``).
        init_value: :math:`w_0`, the value at step 0.
        shape: ``"linear"`` (the default), ``"cosine"``, ``"exponential"`` or ``"1-sqrt"``.

    Example:
        >>> from lrdecay import warmup, Cosine
        >>> s = warmup(Cosine(1.0, decay_steps=100), steps=10)
        >>> [s(0), s(5), s(10)]
        [0.0, 0.5, 1.0]
        >>> s = warmup(Cosine(1.0, decay_steps=100), steps=2, init_value=0.01, shape="exponential")
        >>> [s(0), round(s(1), 12), s(2)]
        [0.01, 0.1, 1.0]
    """
    schedule = check_schedule("warmup", "schedule", schedule)
    init_value = check_number("warmup", "init_value", init_value)
    shape = check_choice("warmup", "shape", shape, WARMUP_SHAPES)
    if check_non_negative("warmup", "steps", steps) == 0:
        return schedule
    steps = check_duration("warmup", "steps", steps)
    target = float(schedule(0))
    if shape == "linear":
        return Join((linear(init_value, target, steps), schedule), (steps,))
    if shape == "exponential" and (init_value == 0 or (init_value < 0) != (target < 0)):
        raise ParameterValueError(
            "warmup",
            "init_value",
            "must be non-zero and of the sign of the schedule's first value for "
            f"shape='exponential' (a geometric ramp never leaves 0), got {init_value!r} (the "
            f"schedule starts at {target!r})",
        )
    return Join((Ramp(init_value, target, steps, shape=shape), schedule), (steps,))


def burn_in(schedule: Schedule, steps: float, power: float = 4.0) -> Schedule:
    r"""Darknet's burn-in: rise as :math:`(t/B)^p` to where ``schedule`` starts, then run it.

    .. math::
        v(t) = \begin{cases} s(0)\,(t/B)^{p} & t < B \\ s(t - B) & t \ge B \end{cases}

    Darknet (``burn_in=`` and ``power=`` in a ``.cfg``) multiplies its rate by
    ``(batch_num / burn_in) ** power`` with ``power = 4`` by default. ``steps=0`` gives
    ``schedule`` itself.

    Args:
        schedule: The schedule that follows.
        steps: :math:`B \ge 0` (0, or at least ``1e-6``).
        power: :math:`p > 0`.

    Example:
        >>> from lrdecay import burn_in, Constant
        >>> s = burn_in(Constant(0.001), steps=1000)
        >>> [s(0), s(500), s(1000)]
        [0.0, 6.25e-05, 0.001]
    """
    schedule = check_schedule("burn_in", "schedule", schedule)
    power = check_number("burn_in", "power", power)
    if power <= 0:
        raise ParameterValueError("burn_in", "power", f"must be > 0, got {power!r}")
    if check_non_negative("burn_in", "steps", steps) == 0:
        return schedule
    steps = check_duration("burn_in", "steps", steps)
    ramp = Ramp(0.0, float(schedule(0)), steps, shape="power", power=power)
    return Join((ramp, schedule), (steps,))


def with_floor(schedule: Schedule, floor_value: float) -> Schedule:
    r"""Rescale a schedule that decays to 0 so that it decays to ``floor_value`` instead: a floor
    inside the formula, not a clamp.

    .. math:: v(t) = f + \frac{s(0) - f}{s(0)}\, s(t)

    An affine map of the values: :math:`s(0)` stays (to within rounding), and wherever
    :math:`s(t) = 0` exactly (a :class:`~lrdecay.Cosine`, a :func:`~lrdecay.linear` decay or a
    :class:`~lrdecay.WSD` to 0 from their horizon on) the value is exactly ``floor_value``; the
    shape is kept, unlike :func:`floor`'s ``max(s(t), f)``, which flattens the curve where it
    crosses ``f``. Curves with an ``end_value`` take the floor directly.

    Args:
        schedule: A schedule with :math:`s(0) \ne 0`.
        floor_value: :math:`f`.

    Example:
        >>> from lrdecay import with_floor, Cosine
        >>> s = with_floor(Cosine(1.0, decay_steps=100), 0.1)
        >>> [s(0), round(s(50), 12), s(100)]
        [1.0, 0.55, 0.1]
    """
    schedule = check_schedule("with_floor", "schedule", schedule)
    floor_value = check_number("with_floor", "floor_value", floor_value)
    start = float(schedule(0))
    if start == 0:
        raise ParameterValueError(
            "with_floor", "schedule", "must not start at 0 (the map keeps s(0)), got s(0) = 0.0"
        )
    return Sum(
        (Constant(floor_value), Product((Constant((start - floor_value) / start), schedule)))
    )


def inverse_sqrt(
    peak_value: float,
    warmup_steps: float = 0,
    timescale: float | None = None,
    init_value: float = 0.0,
) -> Schedule:
    r"""Inverse-square-root decay after a linear warm-up (the Transformer's "Noam" schedule,
    Hugging Face's ``get_inverse_sqrt_schedule``, fairseq's ``inverse_sqrt``).

    .. math::
        v(t) = \begin{cases} w_0 + (v_p - w_0)\,t/W & t < W \\
        v_p \sqrt{\dfrac{\tau}{\tau + t - W}} & t \ge W \end{cases}

    With :math:`\tau = W` (the default) this is the Noam schedule
    :math:`d^{-1/2}\min(t^{-1/2}, t\,W^{-3/2})` with :math:`v_p = (dW)^{-1/2}`. Built as
    :func:`warmup` of :class:`~lrdecay.InverseTime` (``power=0.5``, ``decay_steps=timescale``).

    Args:
        peak_value: :math:`v_p`, the value at the end of the warm-up.
        warmup_steps: :math:`W \ge 0`.
        timescale: :math:`\tau > 0`; defaults to ``warmup_steps`` (required when that is 0).
        init_value: :math:`w_0`, the value at step 0.

    Example:
        >>> from lrdecay import inverse_sqrt
        >>> s = inverse_sqrt(1.0, warmup_steps=100)
        >>> [s(0), s(50), s(100), s(400)]
        [0.0, 0.5, 1.0, 0.5]
    """
    peak_value = check_number("inverse_sqrt", "peak_value", peak_value)
    init_value = check_number("inverse_sqrt", "init_value", init_value)
    warmup_steps = _length("inverse_sqrt", "warmup_steps", warmup_steps)
    if timescale is None:
        if warmup_steps == 0:
            raise ParameterValueError(
                "inverse_sqrt",
                "timescale",
                "must be given when warmup_steps is 0 (it defaults to warmup_steps), got None",
            )
        timescale = warmup_steps
    timescale = check_duration("inverse_sqrt", "timescale", timescale)
    decay = InverseTime(peak_value, decay_steps=timescale, decay_rate=1.0, power=0.5)
    return warmup(decay, warmup_steps, init_value=init_value)


def hold(schedule: Schedule, steps: float, value: float | None = None) -> Schedule:
    r"""Hold a constant for ``steps`` steps, then run ``schedule`` from its start.

    .. math:: v(t) = \begin{cases} c & t < H \\ s(t - H) & t \ge H \end{cases}

    ``steps=0`` gives ``schedule`` itself.

    Args:
        schedule: The schedule that follows.
        steps: :math:`H \ge 0` (0, or at least ``1e-6``).
        value: :math:`c`; defaults to ``schedule(0)``, so the curve is continuous.

    Example:
        >>> from lrdecay import hold, Cosine
        >>> s = hold(Cosine(1.0, decay_steps=100), steps=50)
        >>> [s(0), s(49), s(50), s(150)]
        [1.0, 1.0, 1.0, 0.0]
    """
    schedule = check_schedule("hold", "schedule", schedule)
    if value is not None:
        value = check_number("hold", "value", value)
    if check_non_negative("hold", "steps", steps) == 0:
        return schedule
    steps = check_duration("hold", "steps", steps)
    held = float(schedule(0)) if value is None else value
    return Join((Constant(held), schedule), (steps,))


def scale(schedule: Schedule, factor: float) -> Schedule:
    r"""Multiply a schedule by a constant: :math:`v(t) = c\,s(t)`.

    Example:
        >>> from lrdecay import scale, Cosine
        >>> scale(Cosine(1.0, decay_steps=10), 0.01)(0)
        0.01
    """
    schedule = check_schedule("scale", "schedule", schedule)
    return Product((Constant(check_number("scale", "factor", factor)), schedule))


def floor(schedule: Schedule, min_value: float) -> Schedule:
    r"""Never go below ``min_value``: :math:`v(t) = \max(s(t), \ell)`.

    Example:
        >>> from lrdecay import floor, Exponential
        >>> floor(Exponential(1.0, decay_steps=1, decay_rate=0.1), 0.05)(5)
        0.05
    """
    schedule = check_schedule("floor", "schedule", schedule)
    return Clip(schedule, min_value=check_number("floor", "min_value", min_value))


# --------------------------------------------------------------------------- named shapes
@dataclasses.dataclass(frozen=True)
class _Built(Schedule):
    """A named schedule whose formula is a composition of curves and combinators, built once at
    construction (``_body``): its fields are its configuration, the body its values."""

    _body: ClassVar[Schedule]  # set per instance by __post_init__ (not a field)

    def _value(self, t: Step, xp: Any) -> Any:
        return self._body._value(t, xp)

    @property
    def total_steps(self) -> float | None:
        return self._body.total_steps


def _length(owner: str, name: str, value: Any) -> float:
    """0 (a part turned off), or a duration."""
    if check_non_negative(owner, name, value) == 0:
        return 0
    return check_duration(owner, name, value)


def _optional_length(owner: str, name: str, value: Any) -> float | None:
    """``None``, 0, or a duration."""
    return None if value is None else _length(owner, name, value)


def _sequence(pieces: list[tuple[Schedule, float]], tail: Schedule) -> Schedule:
    """``pieces`` (each with its length) one after another, then ``tail``; empty pieces
    dropped."""
    schedules: list[Schedule] = []
    boundaries: list[float] = []
    at: float = 0
    for piece, length in pieces:
        if length > 0:
            schedules.append(piece)
            at = at + length
            boundaries.append(at)
    if not schedules:
        return tail
    return Join((*schedules, tail), tuple(boundaries))


WSD_DECAY_SHAPES = ("linear", "cosine", "1-sqrt", "exponential")
"""The decay shapes of :class:`WSD`."""


@dataclasses.dataclass(frozen=True)
class WSD(_Built):
    r"""Warmup–stable–decay (trapezoidal): warm up to ``peak_value``, hold it, decay to
    ``end_value``; the decay may be decided later (:meth:`with_decay_from`).

    .. math::
        v(t) = \begin{cases}
            w_0 + (v_p - w_0)\, w(t / W) & t < W \\
            v_p & W \le t < W + S \\
            v_p + (v_1 - v_p)\, d\!\left(\frac{\min(t - W - S,\ D)}{D}\right) & t \ge W + S
        \end{cases}

    Warm-up shapes :math:`w` are those of :func:`warmup`; decay shapes :math:`d(u)`:
    ``"linear"`` :math:`u`, ``"cosine"`` :math:`\tfrac12(1 - \cos \pi u)`, ``"1-sqrt"``
    :math:`\sqrt u` (so :math:`v = v_1 + (v_p - v_1)(1 - \sqrt u)`, the cool-down of Hägele et
    al., 2024) and ``"exponential"``, the geometric :math:`v_p (v_1 / v_p)^u` (a positive
    ``end_value``). The stable phase is exactly ``peak_value``, and the decay ends exactly on
    ``end_value`` at :math:`W + S + D`, held from there on. This is Hugging Face's
    ``get_wsd_schedule`` with ``init_value = end_value = min_lr_ratio * peak``.

    The decay length is ``decay_steps``, or ``decay_fraction`` of the whole run:
    :math:`D = f\,(W + S)/(1 - f)`, so that :math:`D = f\,(W + S + D)`. With ``stable_steps=None``
    the stable phase never ends (an open-ended run): :meth:`with_decay_from` branches the decay
    off any step of it, e.g. from a checkpoint.

    Args:
        peak_value: :math:`v_p`.
        warmup_steps: :math:`W \ge 0`.
        stable_steps: :math:`S \ge 0`, or ``None`` for an open-ended stable phase.
        decay_steps: :math:`D > 0`; or give ``decay_fraction``.
        decay_fraction: :math:`0 < f < 1`, the decay's share of the whole run.
        init_value: :math:`w_0`, the value at step 0.
        end_value: :math:`v_1`, the value at the end of the decay.
        decay_shape: ``"linear"`` (default), ``"cosine"``, ``"1-sqrt"`` or ``"exponential"``.
        warmup_shape: ``"linear"`` (default), ``"cosine"``, ``"exponential"`` or ``"1-sqrt"``.

    Example:
        >>> from lrdecay import WSD
        >>> s = WSD(1.0, warmup_steps=10, stable_steps=80, decay_steps=10, end_value=0.1)
        >>> [s(0), s(5), s(10), s(89), s(90), s(95), s(100), s(10**6)]
        [0.0, 0.5, 1.0, 1.0, 1.0, 0.55, 0.1, 0.1]
        >>> run = WSD(1.0, warmup_steps=10, decay_fraction=0.2)  # open-ended
        >>> cooled = run.with_decay_from(90)  # decide at step 90: decay over 22.5 steps
        >>> [run(100), cooled(89), cooled(90), cooled.total_steps]
        [1.0, 1.0, 1.0, 112.5]
    """

    peak_value: float
    warmup_steps: float = 0
    stable_steps: float | None = None
    decay_steps: float | None = None
    decay_fraction: float | None = None
    init_value: float = 0.0
    end_value: float = 0.0
    decay_shape: str = "linear"
    warmup_shape: str = "linear"

    def __post_init__(self) -> None:
        owner = "WSD"
        peak = check_number(owner, "peak_value", self.peak_value)
        _set(self, "peak_value", peak)
        _set(self, "warmup_steps", _length(owner, "warmup_steps", self.warmup_steps))
        _set(self, "stable_steps", _optional_length(owner, "stable_steps", self.stable_steps))
        if self.decay_steps is not None:
            _set(self, "decay_steps", check_duration(owner, "decay_steps", self.decay_steps))
        if self.decay_fraction is not None:
            f = check_number(owner, "decay_fraction", self.decay_fraction)
            if not 0 < f < 1:
                raise ParameterValueError(
                    owner, "decay_fraction", f"must be > 0 and < 1, got {f!r}"
                )
            _set(self, "decay_fraction", f)
            if self.decay_steps is not None:
                raise ParameterValueError(
                    owner,
                    "decay_fraction",
                    "and decay_steps are two ways to give one length: give one, got "
                    f"decay_steps={self.decay_steps!r} and decay_fraction={f!r}",
                )
        if self.stable_steps is not None and self.decay_length is None:
            raise ParameterValueError(
                owner,
                "decay_steps",
                "or decay_fraction must be given when stable_steps is (leave stable_steps None "
                "for an open-ended stable phase), got neither",
            )
        _set(self, "init_value", check_number(owner, "init_value", self.init_value))
        _set(self, "end_value", check_number(owner, "end_value", self.end_value))
        decay_shape = check_choice(owner, "decay_shape", self.decay_shape, WSD_DECAY_SHAPES)
        _set(self, "decay_shape", decay_shape)
        _set(
            self,
            "warmup_shape",
            check_choice(owner, "warmup_shape", self.warmup_shape, WARMUP_SHAPES),
        )
        end = self.end_value
        if decay_shape == "exponential" and (peak == 0 or end == 0 or (peak < 0) != (end < 0)):
            raise ParameterValueError(
                owner,
                "end_value",
                "must be non-zero and of the sign of peak_value for decay_shape='exponential' "
                f"(a geometric decay never reaches 0), got {end!r} (peak_value={peak!r})",
            )
        w = self.warmup_steps
        stable: Schedule = Constant(peak)
        tail = stable
        if (
            w > 0
            and self.warmup_shape == "exponential"
            and (self.init_value == 0 or (self.init_value < 0) != (peak < 0))
        ):
            raise ParameterValueError(
                owner,
                "init_value",
                "must be non-zero and of the sign of peak_value for "
                f"warmup_shape='exponential', got {self.init_value!r}",
            )
        pieces: list[tuple[Schedule, float]] = []
        if w > 0:
            if self.warmup_shape == "linear":
                pieces.append((linear(self.init_value, peak, w), w))
            else:
                pieces.append((Ramp(self.init_value, peak, w, shape=self.warmup_shape), w))
        d = self.decay_length
        if self.stable_steps is not None and d is not None:
            pieces.append((stable, self.stable_steps))
            if decay_shape == "linear":
                tail = linear(peak, end, d)
            elif decay_shape == "cosine":
                tail = Cosine(peak, d, end_value=end)
            else:
                shape = "sqrt" if decay_shape == "1-sqrt" else "exponential"
                tail = Ramp(peak, end, d, shape=shape)
        _set(self, "_body", _sequence(pieces, tail))

    @property
    def decay_length(self) -> float | None:
        """:math:`D` in steps: ``decay_steps``, or the share ``decay_fraction`` of the run once
        the stable phase's length is known (``None`` before)."""
        if self.decay_steps is not None:
            return self.decay_steps
        if self.decay_fraction is None or self.stable_steps is None:
            return None
        f = self.decay_fraction
        length = float(
            (as_ratio(self.warmup_steps) + as_ratio(self.stable_steps))
            * as_ratio(f)
            / (1 - as_ratio(f))
        )
        length = _steps(length)
        if length < MIN_DURATION:
            raise ParameterValueError(
                "WSD",
                "decay_fraction",
                "needs a run before the decay (warmup_steps + stable_steps > 0) to be a share of, "
                f"got warmup_steps={self.warmup_steps!r} and "
                f"stable_steps={self.stable_steps!r}",
            )
        return length

    def with_decay_from(self, step: float, decay_steps: float | None = None) -> WSD:
        """The same run, with its decay starting at ``step`` (a step of the warm-up's end or
        later): a new :class:`WSD` whose ``stable_steps`` is ``step - warmup_steps``. Up to
        ``step`` it has this schedule's values (the stable phase is the same constant).

        Args:
            step: Where the decay starts, at least ``warmup_steps``.
            decay_steps: The decay's length, if not this schedule's ``decay_steps`` or
                ``decay_fraction``.
        """
        step = check_non_negative("WSD.with_decay_from", "step", step)
        if step < self.warmup_steps:
            raise ParameterValueError(
                "WSD.with_decay_from",
                "step",
                f"must be >= warmup_steps ({self.warmup_steps!r}): the decay branches off the "
                f"stable phase, got {step!r}",
            )
        stable = float(as_ratio(step) - as_ratio(self.warmup_steps))
        stable = int(stable) if stable.is_integer() else stable
        if decay_steps is not None:
            decay_steps = check_duration("WSD.with_decay_from", "decay_steps", decay_steps)
            return dataclasses.replace(
                self, stable_steps=stable, decay_steps=decay_steps, decay_fraction=None
            )
        if self.decay_steps is None and self.decay_fraction is None:
            raise ParameterValueError(
                "WSD.with_decay_from",
                "decay_steps",
                "must be given: this WSD has neither decay_steps nor decay_fraction, got None",
            )
        return dataclasses.replace(self, stable_steps=stable)


ONECYCLE_SHAPES = ("cosine", "linear")
"""The annealing shapes of :class:`OneCycle`."""


@dataclasses.dataclass(frozen=True)
class OneCycle(_Built):
    r"""The one-cycle policy (Smith & Topin, 2018): up to ``peak_value``, then down to
    ``end_value``, over ``cycle_steps`` steps; then held.

    Two phases (the default), with :math:`W` the warm-up length:

    .. math::
        v(t) = \begin{cases} a(v_0, v_p, t / W) & t < W \\
        a\!\left(v_p, v_1, \frac{\min(t, C) - W}{C - W}\right) & t \ge W \end{cases}

    and with ``three_phase=True``: :math:`v_0 \to v_p` over :math:`[0, W]`, :math:`v_p \to v_0`
    over :math:`[W, 2W]`, :math:`v_0 \to v_1` over :math:`[2W, C]`. The annealing
    :math:`a(x, y, u) = y + (x - y)\tfrac12(1 + \cos \pi u)` (``"cosine"``) or
    :math:`x + (y - x)u` (``"linear"``) is a :class:`~lrdecay.Cosine` or a
    :func:`~lrdecay.linear` piece of a :class:`Join`: exactly :math:`v_p` at :math:`W` and
    :math:`v_1` at :math:`C`.

    This is optax's ``cosine_onecycle_schedule`` with ``transition_steps=C``, :math:`W` =
    ``pct_start * C``, :math:`v_0 = v_p` / ``div_factor`` and :math:`v_1 = v_0` /
    ``final_div_factor`` (optax's ``linear_onecycle_schedule`` is another curve: three phases
    of unequal lengths). PyTorch's ``OneCycleLR`` reaches the peak one
    step earlier and the end at ``total_steps - 1``: it is ``cycle_steps = total_steps - 1`` and
    ``warmup_steps = pct_start * total_steps - 1``.

    Args:
        init_value: :math:`v_0`.
        peak_value: :math:`v_p`.
        end_value: :math:`v_1`.
        cycle_steps: :math:`C > 0`, where the cycle ends on ``end_value``.
        warmup_steps: :math:`W`, with :math:`0 < W < C` (:math:`2W < C` for three phases);
            or give ``warmup_fraction``.
        warmup_fraction: :math:`W / C` (default 0.3 when neither is given).
        shape: ``"cosine"`` (default) or ``"linear"``.
        three_phase: Come back down to ``init_value`` before annealing to ``end_value``.

    Example:
        >>> from lrdecay import OneCycle
        >>> s = OneCycle(0.04, 1.0, 4e-6, cycle_steps=100, warmup_fraction=0.25)
        >>> [s(0), round(s(25), 12), s(100), s(200)]
        [0.04, 1.0, 4e-06, 4e-06]
    """

    init_value: float
    peak_value: float
    end_value: float
    cycle_steps: float
    warmup_steps: float | None = None
    warmup_fraction: float | None = None
    shape: str = "cosine"
    three_phase: bool = False

    def __post_init__(self) -> None:
        owner = "OneCycle"
        v0 = check_number(owner, "init_value", self.init_value)
        vp = check_number(owner, "peak_value", self.peak_value)
        v1 = check_number(owner, "end_value", self.end_value)
        _set(self, "init_value", v0)
        _set(self, "peak_value", vp)
        _set(self, "end_value", v1)
        c = check_duration(owner, "cycle_steps", self.cycle_steps)
        _set(self, "cycle_steps", c)
        _set(self, "shape", check_choice(owner, "shape", self.shape, ONECYCLE_SHAPES))
        _set(self, "three_phase", check_bool(owner, "three_phase", self.three_phase))
        if self.warmup_steps is not None and self.warmup_fraction is not None:
            raise ParameterValueError(
                owner,
                "warmup_fraction",
                "and warmup_steps are two ways to give one length: give one, got "
                f"warmup_steps={self.warmup_steps!r} and warmup_fraction={self.warmup_fraction!r}",
            )
        if self.warmup_fraction is not None:
            f = check_number(owner, "warmup_fraction", self.warmup_fraction)
            limit = 0.5 if self.three_phase else 1
            if not 0 < f < limit:
                raise ParameterValueError(
                    owner, "warmup_fraction", f"must be > 0 and < {limit}, got {f!r}"
                )
            _set(self, "warmup_fraction", f)
        if self.warmup_steps is not None:
            w = check_duration(owner, "warmup_steps", self.warmup_steps)
            _set(self, "warmup_steps", w)
        else:
            f = 0.3 if self.warmup_fraction is None else self.warmup_fraction
            w = float(as_ratio(f) * as_ratio(c))
            w = int(w) if w.is_integer() else w
            check_duration(owner, "warmup_fraction * cycle_steps", w)
        phases = 3 if self.three_phase else 2
        rest = float(as_ratio(c) - (phases - 1) * as_ratio(w))
        if rest < MIN_DURATION:
            raise ParameterValueError(
                owner,
                "warmup_steps",
                f"must leave room for the last phase: {phases - 1} x warmup_steps < cycle_steps, "
                f"got warmup_steps={w!r} and cycle_steps={c!r}",
            )
        rest = int(rest) if rest.is_integer() else rest

        def piece(a: float, b: float, length: float) -> Schedule:
            return (
                Cosine(a, length, end_value=b) if self.shape == "cosine" else linear(a, b, length)
            )

        pieces = [(piece(v0, vp, w), w)]
        if self.three_phase:
            pieces.append((piece(vp, v0, w), w))
            tail = piece(v0, v1, rest)
        else:
            tail = piece(vp, v1, rest)
        _set(self, "_body", _sequence(pieces, tail))


CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
"""The modes of :class:`Cyclic`."""


@dataclasses.dataclass(frozen=True)
class Cyclic(_Built):
    r"""Cyclical learning rates (Smith, 2017, https://arxiv.org/abs/1506.01186): a triangle wave
    between ``init_value`` and ``peak_value``, forever.

    .. math::
        v(t) = v_0 + (v_p - v_0)\,\Lambda(t)\,\gamma_t, \qquad
        \Lambda(t) = \begin{cases} r / U & r < U \\ 1 - (r - U)/D & r \ge U \end{cases}
        \quad r = t \bmod (U + D)

    with the amplitude factor :math:`\gamma_t = 1` (``"triangular"``), :math:`2^{-k}` in cycle
    :math:`k = \lfloor t / (U + D) \rfloor` (``"triangular2"``), or :math:`\gamma^{t}`
    (``"exp_range"``). PyTorch's ``CyclicLR`` (``base_lr``, ``max_lr``, ``step_size_up``,
    ``step_size_down``, ``mode``, ``gamma``) is this curve. Built from :class:`Restarts` of a
    :class:`Join` of two :func:`~lrdecay.linear` pieces, so cycle positions are exact.

    Args:
        init_value: :math:`v_0`, the value at the start of each cycle.
        peak_value: :math:`v_p`, the value :math:`U` steps into a cycle.
        up_steps: :math:`U > 0`.
        down_steps: :math:`D > 0`; defaults to ``up_steps``.
        mode: ``"triangular"`` (default), ``"triangular2"`` or ``"exp_range"``.
        gamma: :math:`\gamma > 0`, the per-step factor of ``"exp_range"`` (ignored otherwise).

    Example:
        >>> from lrdecay import Cyclic
        >>> s = Cyclic(0.1, 1.0, up_steps=10, mode="triangular2")
        >>> [s(0), s(10), s(20), s(30), round(s(35), 12)]
        [0.1, 1.0, 0.1, 0.55, 0.325]
    """

    init_value: float
    peak_value: float
    up_steps: float
    down_steps: float | None = None
    mode: str = "triangular"
    gamma: float = 1.0

    def __post_init__(self) -> None:
        owner = "Cyclic"
        v0 = check_number(owner, "init_value", self.init_value)
        vp = check_number(owner, "peak_value", self.peak_value)
        _set(self, "init_value", v0)
        _set(self, "peak_value", vp)
        up = check_duration(owner, "up_steps", self.up_steps)
        _set(self, "up_steps", up)
        down = (
            up if self.down_steps is None else check_duration(owner, "down_steps", self.down_steps)
        )
        if self.down_steps is not None:
            _set(self, "down_steps", down)
        _set(self, "mode", check_choice(owner, "mode", self.mode, CYCLIC_MODES))
        gamma = check_number(owner, "gamma", self.gamma)
        if gamma <= 0:
            raise ParameterValueError(owner, "gamma", f"must be > 0, got {gamma!r}")
        _set(self, "gamma", gamma)
        period = float(as_ratio(up) + as_ratio(down))
        period = int(period) if period.is_integer() else period
        triangle = Join((linear(0.0, 1.0, up), linear(1.0, 0.0, down)), (up,))
        gain = 0.5 if self.mode == "triangular2" else 1.0
        wave: Schedule = Restarts(triangle, period_steps=period, value_factor=gain)
        if self.mode == "exp_range" and gamma != 1:
            wave = Product((wave, Exponential(1.0, decay_steps=1, decay_rate=gamma)))
        body: Schedule = wave if vp - v0 == 1 else Product((Constant(vp - v0), wave))
        if v0 != 0:
            body = Sum((Constant(v0), body))
        _set(self, "_body", body)

    @property
    def total_steps(self) -> float | None:
        return None
