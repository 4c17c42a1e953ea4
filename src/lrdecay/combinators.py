"""Combinators: schedules built from other schedules.

:class:`Join` runs schedules one after another, :class:`Restarts` repeats one, :class:`Clip`
bounds one, :class:`Sum` and :class:`Product` combine several pointwise. The helpers
:func:`warmup`, :func:`hold`, :func:`scale` and :func:`floor` build the common shapes from them,
so a warm-up is a :class:`Join` and nothing else: there is exactly one formula for each idea.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from lrdecay._core import (
    Schedule,
    check_boundaries,
    check_duration,
    check_number,
    check_positive,
    check_schedule,
    check_schedules,
    pieces_reached,
)
from lrdecay._core import (
    set_field as _set,
)
from lrdecay.curves import Constant, linear

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

    def _value(self, t: Any, xp: Any) -> Any:
        # Only the segments the steps fall in are evaluated (all of them when t is traced).
        first, last, lowest, highest = pieces_reached(self.boundaries, t, xp)

        def local(i: int) -> Any:
            start = self.boundaries[i - 1] if i else 0
            if start == 0:
                return t
            if lowest < start:
                return xp.maximum(t - start, 0.0)
            shifted = t - start
            xp.note(shifted, (lowest - start, highest - start))
            return shifted

        result = self.schedules[last]._value(local(last), xp)
        for i in range(last - 1, first - 1, -1):
            result = xp.where(
                t < self.boundaries[i], self.schedules[i]._value(local(i), xp), result
            )
        return result

    @property
    def total_steps(self) -> float | None:
        tail = self.schedules[-1].total_steps
        start = self.boundaries[-1] if self.boundaries else 0
        return None if tail is None else start + tail


@dataclasses.dataclass(frozen=True)
class Restarts(Schedule):
    r"""Repeat ``schedule`` in cycles (warm restarts), optionally longer and lower each time.

    Cycle :math:`i = 0, 1, \dots` lasts :math:`P m^i` steps and starts at
    :math:`S_i = P\,(m^i - 1)/(m - 1)` (:math:`S_i = P i` when :math:`m = 1`). Within it the
    schedule is played from its start, stretched to the cycle's length, and scaled by :math:`g^i`:

    .. math:: v(t) = g^{i}\, s\!\left(\frac{t - S_i}{m^{i}}\right), \qquad S_i \le t < S_{i+1}

    The cycle index is exact: a floating-point estimate
    :math:`\lfloor \log(1 + t(m-1)/P) / \log m \rfloor` is corrected against the cycle starts
    themselves, which are computed in double precision (even for ``dtype="float32"``) and are
    integers whenever they should be, so an exact restart step is always the first step of its
    cycle (TensorFlow's ``cosine_decay_restarts`` sometimes puts it at the end of the previous
    one).

    Args:
        schedule: The curve played in each cycle, over its first ``period_steps`` steps.
        period_steps: :math:`P > 0`, the length of the first cycle.
        period_factor: :math:`1 \le m \le 10^6`, each cycle is ``m`` times longer than the
            previous one.
        value_factor: :math:`g > 0`, each cycle's values are ``g`` times the previous one's.

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

    def __post_init__(self) -> None:
        _set(self, "schedule", check_schedule("Restarts", "schedule", self.schedule))
        _set(self, "period_steps", check_duration("Restarts", "period_steps", self.period_steps))
        factor = check_number("Restarts", "period_factor", self.period_factor)
        if factor < 1:
            raise ValueError(
                "Restarts: period_factor must be >= 1 (cycles that shrink end after a finite "
                f"number of steps), got {factor!r}"
            )
        if factor > 1e6:
            raise ValueError(
                f"Restarts: period_factor must be <= 1e6 (the second cycle would already be "
                f"longer than any training run), got {factor!r}"
            )
        _set(self, "period_factor", factor)
        _set(self, "value_factor", check_positive("Restarts", "value_factor", self.value_factor))

    def _value(self, t: Any, xp: Any) -> Any:
        p, m = self.period_steps, self.period_factor
        if m == 1:
            index = xp.floor(t / p)
            local = t - index * p
        else:
            index, start, stretch = self._cycle(xp.float64(t), xp)
            local = xp.maximum(xp.float64(t) - start, 0.0) / stretch
        value = self.schedule._value(local, xp)
        if self.value_factor != 1:
            value = value * xp.pow(self.value_factor, index)
        return value

    def _cycle(self, t: Any, xp: Any) -> tuple[Any, Any, Any]:
        """Cycle index, cycle start and stretch ``m**i`` of (double-precision) steps ``t``."""
        p, m = self.period_steps, self.period_factor
        growth = math.log1p(m - 1.0)  # log(m), accurate when m is close to 1

        def start_of(i: Any) -> Any:
            # S_i = P (m^i - 1) / (m - 1). m^i - 1 comes from expm1 while m^i < 2 (no
            # cancellation when m is close to 1) and from pow above (exact for integer m while
            # m^i < 2**53). The geometric sum (m^i - 1) / (m - 1), then its product with P, is
            # snapped to an integer when within 16 ulps of one: rounding, not the parameters, put
            # it off (P = 43, m = 1.1 would give S_1 = 43.00000000000001; P = 3, m = 10 would give
            # S_16 = 3333333333333333.5).
            x = i * growth
            grown = xp.where(x < _LN2, xp.expm1(xp.minimum(x, _LN2)), xp.pow(m, i) - 1.0)
            return snap(p * snap(grown / (m - 1.0)))

        def snap(s: Any) -> Any:
            nearest = xp.rint(s)
            return xp.where(abs(s - nearest) <= s * 2.0**-48, nearest, s)

        index = xp.floor(xp.log1p(t * ((m - 1.0) / p)) / growth)
        # The logarithm is only an estimate: correct it against the cycle starts themselves.
        index = xp.where(t < start_of(index), index - 1.0, index)
        index = xp.where(t >= start_of(index + 1.0), index + 1.0, index)
        return index, start_of(index), xp.pow(m, index)


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
            raise ValueError("Sum: schedules must not be empty, got []")
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
            raise ValueError("Product: schedules must not be empty, got []")
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
    ``steps + schedule.total_steps`` steps.

    Args:
        schedule: The schedule that follows the warm-up.
        steps: :math:`W > 0`, the warm-up length.
        init_value: :math:`w_0`, the value at step 0.

    Example:
        >>> from lrdecay import warmup, Cosine
        >>> s = warmup(Cosine(1.0, decay_steps=100), steps=10)
        >>> [s(0), s(5), s(10)]
        [0.0, 0.5, 1.0]
    """
    schedule = check_schedule("warmup", "schedule", schedule)
    steps = check_duration("warmup", "steps", steps)
    init_value = check_number("warmup", "init_value", init_value)
    ramp = linear(init_value, float(schedule(0)), steps)
    return Join((ramp, schedule), (steps,))


def hold(schedule: Schedule, steps: float, value: float | None = None) -> Schedule:
    r"""Hold a constant for ``steps`` steps, then run ``schedule`` from its start.

    .. math:: v(t) = \begin{cases} c & t < H \\ s(t - H) & t \ge H \end{cases}

    Args:
        schedule: The schedule that follows.
        steps: :math:`H > 0`.
        value: :math:`c`; defaults to ``schedule(0)``, so the curve is continuous.

    Example:
        >>> from lrdecay import hold, Cosine
        >>> s = hold(Cosine(1.0, decay_steps=100), steps=50)
        >>> [s(0), s(49), s(50), s(150)]
        [1.0, 1.0, 1.0, 0.0]
    """
    schedule = check_schedule("hold", "schedule", schedule)
    steps = check_duration("hold", "steps", steps)
    held = float(schedule(0)) if value is None else check_number("hold", "value", value)
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
