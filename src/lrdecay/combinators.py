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
    ParameterValueError,
    Schedule,
    check_boundaries,
    check_duration,
    check_non_negative,
    check_number,
    check_schedule,
    check_schedules,
)
from lrdecay._core import (
    set_field as _set,
)
from lrdecay._step import Step, Table, as_ratio
from lrdecay.curves import Constant, Powers, linear

__all__ = [
    "Clip",
    "Join",
    "Product",
    "Restarts",
    "Sum",
    "floor",
    "hold",
    "scale",
    "warmup",
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

    Example:
        >>> from lrdecay import Restarts, Cosine
        >>> s = Restarts(Cosine(1.0, decay_steps=10), period_steps=10, period_factor=2.0)
        >>> [s(0), s(10), s(30), s(20)]
        [1.0, 1.0, 1.0, 0.5]
    """

    schedule: Schedule
    period_steps: float
    period_factor: float = 1.0
    value_factor: float = 1.0
    _cycles: ClassVar[_Cycles | None]  # set per instance by __post_init__ (not a field)
    _gains: ClassVar[Powers]  # g**i (likewise)

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

    def _value(self, t: Step, xp: Any) -> Any:
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
def warmup(schedule: Schedule, steps: float, init_value: float = 0.0) -> Schedule:
    r"""Prepend a linear warm-up that ends where ``schedule`` starts.

    .. math::
        v(t) = \begin{cases} w_0 + (s(0) - w_0)\,t/W & t < W \\ s(t - W) & t \ge W \end{cases}

    The decay length of ``schedule`` does *not* include the warm-up: the result lasts
    ``steps + schedule.total_steps`` steps. ``steps=0`` (a config that turns warm-up off) gives
    ``schedule`` itself.

    Args:
        schedule: The schedule that follows the warm-up.
        steps: :math:`W \ge 0`, the warm-up length (0, or at least ``1e-6``).
        init_value: :math:`w_0`, the value at step 0.

    Example:
        >>> from lrdecay import warmup, Cosine
        >>> s = warmup(Cosine(1.0, decay_steps=100), steps=10)
        >>> [s(0), s(5), s(10)]
        [0.0, 0.5, 1.0]
    """
    schedule = check_schedule("warmup", "schedule", schedule)
    init_value = check_number("warmup", "init_value", init_value)
    if check_non_negative("warmup", "steps", steps) == 0:
        return schedule
    steps = check_duration("warmup", "steps", steps)
    ramp = linear(init_value, float(schedule(0)), steps)
    return Join((ramp, schedule), (steps,))


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
