"""optax's schedule functions, as core schedules.

Each function has the name, the parameters (names, order, defaults) and the values of
``optax.<name>`` (optax 0.2.8): the value of the returned :class:`~lrdecay.Schedule` at step
``k`` is optax's ``schedule(k)``, computed in double precision (optax computes in ``float32``).
Nothing here imports jax or optax; the result is itself a jit-safe optax schedule (a
:class:`~lrdecay.Schedule` called on a jax array returns a jax array).

optax's own conventions, kept:

* the count starts at 0 and is never clipped: past its horizon a schedule holds its last value
  (``join_schedules`` and ``sgdr_schedule`` switch *at* each boundary, ``count >= b``);
* degenerate but valid arguments give optax's values: ``transition_steps <= 0`` is a constant
  ``init_value``, a negative ``transition_begin`` is 0, ``decay_rate=0`` in ``exponential_decay``
  is a constant, ``warmup_steps=0`` is no warm-up;
* the decay length of ``warmup_cosine_decay_schedule`` *includes* the warm-up;
* a curve that optax starts part-way through is started part-way through here too
  (:class:`~lrdecay.Shift`): after a negative ``warmup_steps`` the decay is at its step
  ``-warmup_steps`` at step 0, and a schedule of ``join_schedules`` (or ``sgdr_schedule``), or an
  interpolated segment of ``piecewise_interpolate_schedule``, whose boundary is below 0 is at its
  step ``-boundary`` at step 0;
* any cosine ``exponent >= 0`` is accepted (a :class:`~lrdecay.Power` of a
  :class:`~lrdecay.Cosine` where it is not a multiple of 1/2).

What optax refuses (``decay_steps <= 0`` of a cosine, negative scales, an unknown
``interpolate_type``) or turns into ``inf``/NaN (a negative ``power`` or ``exponent``, a negative
``decay_rate`` between whole periods, scales whose product overflows ``float32``) raises a
``ValueError`` naming the function, the parameter and the value. One shape that optax accepts is
refused, with a ``ValueError`` that says so: an ``exponential_decay`` whose ``transition_steps``
is positive but below 1e-6 (lrdecay's shortest period).

Example:
    >>> from lrdecay.compat import optax
    >>> s = optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=1.0, warmup_steps=10,
    ...                                        decay_steps=110, end_value=0.1)
    >>> [s(0), s(5), s(10), round(s(60), 12), s(110), s(10**6)]
    [0.0, 0.5, 1.0, 0.55, 0.1, 0.1]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lrdecay._core import (
    MIN_DURATION,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    check_bool,
    check_number,
    check_schedule,
)
from lrdecay.combinators import Clip, Join, Power, Product, Shift
from lrdecay.curves import Constant, Cosine, Exponential, Piecewise, Polynomial, linear

__all__ = [
    "constant_schedule",
    "cosine_decay_schedule",
    "cosine_onecycle_schedule",
    "exponential_decay",
    "join_schedules",
    "linear_onecycle_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "polynomial_schedule",
    "sgdr_schedule",
    "warmup_constant_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
]

_FLOAT32_MAX = 3.4028234663852886e38
_MAX_EXPONENT = 32
"""The largest cosine ``exponent`` built as a product of cosines (that many, times 2); other
exponents are a :class:`~lrdecay.Power`."""


def _owner(name: str) -> str:
    return f"optax.{name}"


def _after(begin: float, schedule: Schedule, value: float) -> Schedule:
    """``value`` before step ``begin``, then ``schedule`` from its own step 0."""
    if begin <= 0:
        return schedule
    return Join((Constant(value), schedule), (begin,))


def _started_at(schedule: Schedule, begin: float) -> Schedule:
    """``schedule`` counting its own steps from ``begin``, evaluated from step 0: started
    ``-begin`` steps in (:class:`~lrdecay.Shift`) when ``begin`` is negative."""
    return Shift(schedule, -begin) if 0 > begin > -math.inf else schedule


def _length(steps: float) -> float:
    """A transition length for a curve that clamps at its end (``min(t, T) / T``): below
    :data:`MIN_DURATION` every step from 1 on is past the end, as with ``T = 1``."""
    return 1 if steps < MIN_DURATION else steps


def constant_schedule(value: float) -> Schedule:
    r"""``optax.constant_schedule``.

    .. math:: v(t) = c

    Args:
        value: :math:`c`.

    Example:
        >>> from lrdecay.compat import optax
        >>> optax.constant_schedule(5)(100)
        5.0
    """
    return Constant(check_number(_owner("constant_schedule"), "value", value))


def _polynomial(
    owner: str,
    init_value: float,
    end_value: float,
    power: float,
    transition_steps: float,
    transition_begin: float,
) -> Schedule:
    init = check_number(owner, "init_value", init_value)
    end = check_number(owner, "end_value", end_value)
    p = check_number(owner, "power", power)
    steps = check_number(owner, "transition_steps", transition_steps)
    begin = check_number(owner, "transition_begin", transition_begin)
    if steps <= 0:  # optax: a constant init_value (and power is never used)
        return Constant(init)
    if p < 0:
        raise ParameterValueError(
            owner,
            "power",
            f"must be >= 0 (optax gives inf from the end of the transition), got {p!r}",
        )
    curve = Polynomial(init_value=init, decay_steps=_length(steps), end_value=end, power=p)
    return _after(begin, curve, init)


def polynomial_schedule(
    init_value: float,
    end_value: float,
    power: float,
    transition_steps: float,
    transition_begin: float = 0,
) -> Schedule:
    r"""``optax.polynomial_schedule``.

    With :math:`I` = ``init_value``, :math:`E` = ``end_value``, :math:`B` = ``transition_begin``
    and :math:`T` = ``transition_steps``:

    .. math::
        v(t) = (I - E)\left(1 - \frac{\min(\max(t - B, 0), T)}{T}\right)^{p} + E

    As in optax, ``transition_steps <= 0`` gives the constant ``init_value`` and a negative
    ``transition_begin`` counts as 0. A negative ``power`` (``inf`` at the end in optax) is
    refused. Built as :class:`~lrdecay.Polynomial`, behind a :class:`~lrdecay.Join` from
    :math:`B`.

    Args:
        init_value: :math:`I`.
        end_value: :math:`E`.
        power: :math:`p \ge 0`.
        transition_steps: :math:`T`.
        transition_begin: :math:`B`, steps held at :math:`I` first.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.polynomial_schedule(1.0, 0.01, power=2, transition_steps=100,
        ...                               transition_begin=5)
        >>> [s(5), round(s(6), 6), s(105)]
        [1.0, 0.980299, 0.01]
    """
    owner = _owner("polynomial_schedule")
    return _polynomial(owner, init_value, end_value, power, transition_steps, transition_begin)


def linear_schedule(
    init_value: float,
    end_value: float,
    transition_steps: float,
    transition_begin: float = 0,
) -> Schedule:
    r"""``optax.linear_schedule``: :func:`polynomial_schedule` with ``power=1``.

    .. math:: v(t) = I + (E - I)\,\frac{\min(\max(t - B, 0), T)}{T}

    Args:
        init_value: :math:`I`.
        end_value: :math:`E`.
        transition_steps: :math:`T` (``<= 0``: the constant :math:`I`).
        transition_begin: :math:`B` (negative: 0).

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.linear_schedule(init_value=1.0, end_value=0.0, transition_steps=100)
        >>> [s(0), s(25), s(100), s(1000)]
        [1.0, 0.75, 0.0, 0.0]
    """
    owner = _owner("linear_schedule")
    return _polynomial(owner, init_value, end_value, 1, transition_steps, transition_begin)


def _scales(owner: str, boundaries_and_scales: Any) -> list[tuple[float, float]]:
    """The ``{step: scale}`` mapping, sorted by step, with non-negative scales."""
    if boundaries_and_scales is None:
        return []
    if not isinstance(boundaries_and_scales, Mapping):
        raise ParameterTypeError(
            owner,
            "boundaries_and_scales",
            f"must be a dict of {{step: scale}}, got {boundaries_and_scales!r} "
            f"({type(boundaries_and_scales).__name__})",
        )
    items: list[tuple[float, float]] = []
    for key, value in boundaries_and_scales.items():
        b = check_number(owner, "boundaries_and_scales key", key)
        s = check_number(owner, f"boundaries_and_scales[{key!r}]", value)
        if s < 0:
            raise ParameterValueError(
                owner, f"boundaries_and_scales[{key!r}]", f"must be >= 0 (a scale), got {s!r}"
            )
        items.append((b, s))
    return sorted(items)


def _products(owner: str, init: float, scales: Sequence[float]) -> list[float]:
    """``init`` and its running products with ``scales``, each finite in ``float32``."""
    values = [init]
    for s in scales:
        value = values[-1] * s
        if not abs(value) <= _FLOAT32_MAX:
            raise ParameterValueError(
                owner,
                "boundaries_and_scales",
                "must keep init_value times the scales within float32's range (optax's value "
                f"becomes inf or NaN), got a running product of {value!r}",
            )
        values.append(value)
    return values


def piecewise_constant_schedule(
    init_value: float, boundaries_and_scales: Mapping[float, float] | None = None
) -> Schedule:
    r"""``optax.piecewise_constant_schedule``: ``init_value`` times every scale whose boundary
    has been reached.

    .. math:: v(t) = I \prod_{b_i \le t} s_i

    The value changes *at* each boundary (``count >= b``, unlike TensorFlow 1's ``>``). As in
    optax, boundaries may be in any order (they are sorted) and a boundary at or below 0 applies
    from step 0. Scales must be non-negative. Built as :class:`~lrdecay.Piecewise`.

    Args:
        init_value: :math:`I`.
        boundaries_and_scales: ``{step: scale}``, or ``None`` for a constant.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.piecewise_constant_schedule(1.0, {100: 0.1, 200: 0.01})
        >>> [s(99), round(s(100), 12), round(s(200), 12)]
        [1.0, 0.1, 0.001]
    """
    owner = _owner("piecewise_constant_schedule")
    init = check_number(owner, "init_value", init_value)
    items = _scales(owner, boundaries_and_scales)
    values = _products(owner, init, [s for _, s in items])
    passed = sum(1 for b, _ in items if b <= 0)
    bounds = tuple(b for b, _ in items[passed:])
    if not bounds:
        return Constant(values[-1])
    return Piecewise(boundaries=bounds, values=tuple(values[passed:]))


def _interpolated(
    owner: str,
    interpolate_type: str,
    init_value: float,
    boundaries_and_scales: Mapping[float, float] | None,
) -> Schedule:
    if interpolate_type not in ("linear", "cosine"):
        raise ParameterValueError(
            owner, "interpolate_type", f"must be 'linear' or 'cosine', got {interpolate_type!r}"
        )
    init = check_number(owner, "init_value", init_value)
    items = _scales(owner, boundaries_and_scales)
    values = _products(owner, init, [s for _, s in items])
    bounds = [0.0, *(b for b, _ in items)]
    # Interval i is [bounds[i], bounds[i + 1]): from values[i] to values[i + 1] over
    # max(length, 1) steps; it is empty where bounds are not increasing (a boundary <= 0).
    starts: list[float] = []
    pieces: list[Schedule] = []
    for i in range(len(items)):
        begin, end = bounds[i], bounds[i + 1]
        if end <= max(begin, 0):
            continue
        size = max(end - begin, 1)
        v0, v1 = values[i], values[i + 1]
        if interpolate_type == "linear":
            # the same line, from step max(begin, 0) to end
            start = max(begin, 0)
            at_start = v0 + (v1 - v0) * (start - begin) / size
            piece: Schedule = linear(at_start, v0 + (v1 - v0) * (end - begin) / size, end - start)
        else:  # a segment from below 0 is started part-way through
            start = max(begin, 0)
            piece = _started_at(Cosine(init_value=v0, decay_steps=size, end_value=v1), begin)
        starts.append(start)
        pieces.append(piece)
    starts.append(max(bounds[-1], 0))
    pieces.append(Constant(values[-1]))
    if len(pieces) == 1:
        return pieces[0]
    return Join(tuple(pieces), tuple(starts[1:]))


def piecewise_interpolate_schedule(
    interpolate_type: str,
    init_value: float,
    boundaries_and_scales: Mapping[float, float] | None = None,
) -> Schedule:
    r"""``optax.piecewise_interpolate_schedule``: linear or cosine interpolation between the
    running products of the scales.

    With boundaries :math:`0 = b_0 < b_1 < \dots < b_n` and values
    :math:`v_0 = I`, :math:`v_i = v_{i-1} s_i`, at :math:`b_i \le t < b_{i+1}` and
    :math:`f = (t - b_i) / \max(b_{i+1} - b_i, 1)`:

    .. math::
        v(t) = \begin{cases} v_i + (v_{i+1} - v_i)\, f & \text{linear} \\
        v_{i+1} + (v_i - v_{i+1})\,\tfrac12(1 + \cos \pi f) & \text{cosine} \end{cases}

    and :math:`v_n` from :math:`b_n` on. Quirk kept: it interpolates between the *running
    products*, not between the scales. Built as a :class:`~lrdecay.Join` of straight lines
    (:func:`~lrdecay.linear`) or :class:`~lrdecay.Cosine` curves and a constant. As in optax, a
    boundary may be below 0: a segment that starts before step 0 is at its step
    :math:`-b_i` at step 0 (a cosine segment is started part-way through,
    :class:`~lrdecay.Shift`).

    Args:
        interpolate_type: ``'linear'`` or ``'cosine'``.
        init_value: :math:`I`.
        boundaries_and_scales: ``{step: scale}`` (scales ``>= 0``), or ``None``.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.piecewise_interpolate_schedule('linear', 1.0, {4: 0.1, 8: 0.01})
        >>> [round(s(k), 12) for k in (0, 2, 4, 6, 8, 10)]
        [1.0, 0.55, 0.1, 0.0505, 0.001, 0.001]
        >>> c = optax.piecewise_interpolate_schedule('cosine', 1.0, {-2: 0.5, 2: 0.5})
        >>> [round(c(k), 12) for k in (0, 2, 3)]
        [0.375, 0.25, 0.25]
    """
    owner = _owner("piecewise_interpolate_schedule")
    return _interpolated(owner, interpolate_type, init_value, boundaries_and_scales)


def _onecycle_args(
    owner: str, transition_steps: float, peak_value: float, div_factor: float
) -> tuple[float, float, float]:
    steps = check_number(owner, "transition_steps", transition_steps)
    if steps <= 0:
        raise ParameterValueError(owner, "transition_steps", f"must be > 0, got {steps!r}")
    peak = check_number(owner, "peak_value", peak_value)
    div = check_number(owner, "div_factor", div_factor)
    if div <= 0:  # optax: division by zero, or a negative scale
        raise ParameterValueError(owner, "div_factor", f"must be > 0, got {div!r}")
    return steps, peak, div


def linear_onecycle_schedule(
    transition_steps: float,
    peak_value: float,
    pct_start: float = 0.3,
    pct_final: float = 0.85,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Schedule:
    r"""``optax.linear_onecycle_schedule``: three straight lines.

    From :math:`P/d` up to :math:`P` at step ``int(pct_start * T)``, back down to :math:`P/d` at
    ``int(pct_final * T)``, then to :math:`P/(d\,d_f)` at :math:`T`, held after. It is
    :func:`piecewise_interpolate_schedule` with ``{int(pct_start*T): d, int(pct_final*T): 1/d,
    T: 1/d_f}``, as in optax (so equal boundaries collapse, the later scale winning).

    Args:
        transition_steps: :math:`T > 0`.
        peak_value: :math:`P`.
        pct_start: Fraction of :math:`T` spent going up.
        pct_final: Fraction of :math:`T` at which the rate is back at :math:`P/d`.
        div_factor: :math:`d > 0`.
        final_div_factor: :math:`d_f > 0`.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.linear_onecycle_schedule(100, 1.0, div_factor=10.0, final_div_factor=100.0)
        >>> [round(s(k), 12) for k in (0, 30, 85, 100)]
        [0.1, 1.0, 0.1, 0.001]
    """
    owner = _owner("linear_onecycle_schedule")
    steps, peak, div = _onecycle_args(owner, transition_steps, peak_value, div_factor)
    start = check_number(owner, "pct_start", pct_start)
    final = check_number(owner, "pct_final", pct_final)
    last = check_number(owner, "final_div_factor", final_div_factor)
    if last <= 0:
        raise ParameterValueError(owner, "final_div_factor", f"must be > 0, got {last!r}")
    scales: dict[float, float] = {
        int(start * steps): div,
        int(final * steps): 1.0 / div,
        steps: 1.0 / last,
    }
    return _interpolated(owner, "linear", peak / div, scales)


def cosine_onecycle_schedule(
    transition_steps: float,
    peak_value: float,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Schedule:
    r"""``optax.cosine_onecycle_schedule``: cosine up, then cosine down.

    From :math:`P/d` up to :math:`P` at step ``int(pct_start * T)``, then down to
    :math:`P/(d\,d_f)` at ``int(T)``, held after: :func:`piecewise_interpolate_schedule`
    (``'cosine'``) with ``{int(pct_start*T): d, int(T): 1/(d d_f)}``, as in optax.

    Args:
        transition_steps: :math:`T > 0`.
        peak_value: :math:`P`.
        pct_start: Fraction of :math:`T` spent going up.
        div_factor: :math:`d > 0`.
        final_div_factor: :math:`d_f > 0`.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.cosine_onecycle_schedule(100, 1.0, div_factor=10.0, final_div_factor=100.0)
        >>> [round(s(k), 12) for k in (0, 15, 30, 100)]
        [0.1, 0.55, 1.0, 0.001]
    """
    owner = _owner("cosine_onecycle_schedule")
    steps, peak, div = _onecycle_args(owner, transition_steps, peak_value, div_factor)
    start = check_number(owner, "pct_start", pct_start)
    last = check_number(owner, "final_div_factor", final_div_factor)
    if last <= 0:
        raise ParameterValueError(owner, "final_div_factor", f"must be > 0, got {last!r}")
    scales: dict[float, float] = {int(start * steps): div, int(steps): 1.0 / (div * last)}
    return _interpolated(owner, "cosine", peak / div, scales)


def _exponential(
    owner: str,
    init_value: float,
    transition_steps: float,
    decay_rate: float,
    transition_begin: float,
    staircase: bool,
    end_value: float | None,
    init_name: str = "init_value",
) -> Schedule:
    init = check_number(owner, init_name, init_value)
    steps = check_number(owner, "transition_steps", transition_steps)
    rate = check_number(owner, "decay_rate", decay_rate)
    begin = check_number(owner, "transition_begin", transition_begin)
    stair = check_bool(owner, "staircase", staircase)
    end = None if end_value is None else check_number(owner, "end_value", end_value)
    if steps <= 0 or rate == 0:  # optax: a constant init_value
        return Constant(init)
    if steps < MIN_DURATION:
        raise ParameterValueError(
            owner,
            "transition_steps",
            f"must be <= 0 or at least {MIN_DURATION:g} (lrdecay's shortest period), got {steps!r}",
        )
    if rate < 0 and not stair:
        raise ParameterValueError(
            owner,
            "decay_rate",
            f"must be > 0 without staircase (optax gives NaN between whole periods), got {rate!r}",
        )
    curve = Exponential(init_value=init, decay_steps=steps, decay_rate=rate, staircase=stair)
    schedule = _after(begin, curve, init)
    if end is None:
        return schedule
    if rate < 1:
        return Clip(schedule, min_value=end)
    return Clip(schedule, max_value=end)


def exponential_decay(
    init_value: float,
    transition_steps: float,
    decay_rate: float,
    transition_begin: float = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> Schedule:
    r"""``optax.exponential_decay``.

    With :math:`I` = ``init_value``, :math:`B` = ``transition_begin``, :math:`T` =
    ``transition_steps`` and :math:`r` = ``decay_rate``:

    .. math::
        v(t) = \operatorname{bound}\left(I\, r^{\,p}\right), \qquad
        p = \frac{\max(t - B, 0)}{T} \quad (\lfloor p \rfloor \text{ with staircase})

    where ``bound`` is :math:`\max(\cdot, E)` when :math:`r < 1` and :math:`\min(\cdot, E)`
    otherwise, :math:`E` = ``end_value`` (no bound when it is ``None``); it applies from step 0,
    to :math:`I` too. As in optax, ``transition_steps <= 0`` or ``decay_rate == 0`` gives the
    constant ``init_value`` (``end_value`` unused) and a negative ``transition_begin`` counts as
    0. A negative ``decay_rate`` needs ``staircase`` (optax's real powers of it are NaN). No
    horizon: without ``end_value`` a rate above 1 grows until it overflows (in optax's
    ``float32``, from about :math:`88/\ln r` periods; in lrdecay's double precision, from
    :math:`709/\ln r`). Built as :class:`~lrdecay.Exponential` behind a :class:`~lrdecay.Join`,
    inside a :class:`~lrdecay.Clip`.

    Args:
        init_value: :math:`I`.
        transition_steps: :math:`T`.
        decay_rate: :math:`r`.
        transition_begin: :math:`B`.
        staircase: Decay at whole periods.
        end_value: :math:`E`, a lower bound (``r < 1``) or an upper bound (``r >= 1``).

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.exponential_decay(1.0, transition_steps=10, decay_rate=0.5,
        ...                             transition_begin=5, staircase=True, end_value=0.2)
        >>> [s(14), s(15), s(25), s(100)]
        [1.0, 0.5, 0.25, 0.2]
    """
    return _exponential(
        _owner("exponential_decay"),
        init_value,
        transition_steps,
        decay_rate,
        transition_begin,
        staircase,
        end_value,
    )


def _cosine_factor(owner: str, steps: float, exponent: float) -> Schedule:
    """``(1/2 (1 + cos(pi min(t, T) / T))) ** exponent``. The factor is ``cos(pi t / 2T) ** 2``,
    so a multiple ``m / 2`` of 1/2 (up to :data:`_MAX_EXPONENT`) is a product of ``m`` quarter
    waves; any other exponent is a :class:`~lrdecay.Power` of the half cosine from 1 to 0."""
    p = check_number(owner, "exponent", exponent)
    if p < 0:
        raise ParameterValueError(
            owner, "exponent", f"must be >= 0 (optax gives inf at the end of the decay), got {p!r}"
        )
    halves = 2 * p
    if halves != int(halves) or p > _MAX_EXPONENT:
        return Power(Cosine(init_value=1.0, decay_steps=steps, end_value=0.0), p)
    if p == 0:
        return Constant(1.0)
    if p == int(p):
        half = Cosine(init_value=1.0, decay_steps=steps, end_value=0.0)
        return half if p == 1 else Product((half,) * int(p))
    quarter = Cosine(init_value=1.0, decay_steps=steps, end_value=-1.0, num_periods=0.25)
    return quarter if halves == 1 else Product((quarter,) * int(halves))


def _cosine(
    owner: str,
    init_value: float,
    decay_steps: float,
    alpha: float,
    exponent: float,
    init_name: str = "init_value",
) -> Schedule:
    init = check_number(owner, init_name, init_value)
    steps = check_number(owner, "decay_steps", decay_steps)
    if steps <= 0:
        raise ParameterValueError(owner, "decay_steps", f"must be > 0, got {steps!r}")
    a = check_number(owner, "alpha", alpha)
    steps = _length(steps)
    factor = _cosine_factor(owner, steps, exponent)
    if isinstance(factor, Cosine) and factor.num_periods == 0.5:  # exponent 1
        return Cosine(init_value=init, decay_steps=steps, end_value=init * a)
    decaying = init * (1.0 - a) * factor
    return decaying + init * a if a != 0 else decaying


def cosine_decay_schedule(
    init_value: float,
    decay_steps: float,
    alpha: float = 0.0,
    exponent: float = 1.0,
) -> Schedule:
    r"""``optax.cosine_decay_schedule``.

    .. math::
        v(t) = I\left((1 - \alpha)\left(\tfrac12\left(1 + \cos\frac{\pi \min(t, T)}{T}\right)
        \right)^{p} + \alpha\right)

    ``alpha`` is a fraction of ``init_value``; the rate holds :math:`I\alpha` from :math:`T` on.
    :math:`T` must be positive (as in optax); the exponent :math:`p` may be any number
    :math:`\ge 0` (a negative one gives ``inf`` at :math:`T` in optax and is refused). With
    :math:`p = 1` it is one :class:`~lrdecay.Cosine` from :math:`I` to :math:`I\alpha`. The
    factor is :math:`\cos^{2}(\pi t/2T)`, so for a multiple of 1/2 up to 32 its :math:`p`-th
    power is a product of :math:`2p` quarter cosine waves (of :math:`p` :class:`~lrdecay.Cosine`
    curves for whole :math:`p`); any other :math:`p` is a :class:`~lrdecay.Power` of the
    :class:`~lrdecay.Cosine` from 1 to 0.

    Args:
        init_value: :math:`I`.
        decay_steps: :math:`T > 0`.
        alpha: :math:`\alpha`.
        exponent: :math:`p`.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.cosine_decay_schedule(1.0, decay_steps=100, alpha=0.1, exponent=2)
        >>> [s(0), round(s(50), 12), s(100), s(200)]
        [1.0, 0.325, 0.1, 0.1]
        >>> s = optax.cosine_decay_schedule(1.0, decay_steps=100, exponent=0.3)
        >>> [s(0), round(s(50), 12), s(100)]
        [1.0, 0.812252396356, 0.0]
    """
    return _cosine(_owner("cosine_decay_schedule"), init_value, decay_steps, alpha, exponent)


def warmup_constant_schedule(init_value: float, peak_value: float, warmup_steps: float) -> Schedule:
    r"""``optax.warmup_constant_schedule``: :func:`linear_schedule` from ``init_value`` to
    ``peak_value`` over ``warmup_steps``, then held.

    .. math:: v(t) = I + (P - I)\,\min(t, W)/W

    Args:
        init_value: :math:`I`.
        peak_value: :math:`P`.
        warmup_steps: :math:`W` (``<= 0``: the constant :math:`I`, as in optax).

    Example:
        >>> from lrdecay.compat import optax
        >>> optax.warmup_constant_schedule(0.0, 1.0, 10)(5)
        0.5
    """
    owner = _owner("warmup_constant_schedule")
    init = check_number(owner, "init_value", init_value)
    peak = check_number(owner, "peak_value", peak_value)
    warm = check_number(owner, "warmup_steps", warmup_steps)
    return _polynomial(owner, init, peak, 1, warm, 0)


def _behind_warmup(init: float, peak: float, warm: float, decay: Schedule) -> Schedule:
    """optax's ``join_schedules([linear_schedule(init, peak, warm), decay], [warm])``: with
    ``warm <= 0`` the decay alone, started ``-warm`` steps in."""
    if warm <= 0:
        return _started_at(decay, warm)
    ramp = linear(init, peak, _length(warm))
    return Join((ramp, decay), (warm,))


def warmup_cosine_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: float,
    decay_steps: float,
    end_value: float = 0.0,
    exponent: float = 1.0,
) -> Schedule:
    r"""``optax.warmup_cosine_decay_schedule``: linear warm-up, then cosine decay.

    With :math:`W` = ``warmup_steps`` and :math:`D` = ``decay_steps`` (the *total* length:
    the warm-up is included, the cosine lasts :math:`D - W`):

    .. math::
        v(t) = \begin{cases} I + (P - I)\,t/W & t < W \\
        P\left((1-\alpha)\left(\tfrac12\left(1 + \cos\frac{\pi \min(t - W, D - W)}{D - W}
        \right)\right)^{p} + \alpha\right) & t \ge W \end{cases}

    with :math:`\alpha = E/P`, or 0 when :math:`P = 0` (optax's quirk: then ``end_value`` is
    ignored). :math:`D > W` as in optax. As in optax, :math:`W \le 0` is no warm-up, and a
    negative :math:`W` starts the cosine part-way through: at step 0 it is at its step
    :math:`-W` of :math:`D - W` (:class:`~lrdecay.Shift`). ``exponent`` as in
    :func:`cosine_decay_schedule`.

    Args:
        init_value: :math:`I`, the value at step 0 (unused when :math:`W \le 0`).
        peak_value: :math:`P`, reached at :math:`W`.
        warmup_steps: :math:`W`.
        decay_steps: :math:`D > W`, warm-up included.
        end_value: :math:`E`, from :math:`D` on.
        exponent: :math:`p \ge 0`.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=10, decay_steps=110)
        >>> [s(5), s(10), round(s(60), 12), s(110)]
        [0.5, 1.0, 0.5, 0.0]
        >>> late = optax.warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=-50, decay_steps=50)
        >>> [round(late(0), 12), late(50)]
        [0.5, 0.0]
    """
    owner = _owner("warmup_cosine_decay_schedule")
    init = check_number(owner, "init_value", init_value)
    peak = check_number(owner, "peak_value", peak_value)
    warm = check_number(owner, "warmup_steps", warmup_steps)
    total = check_number(owner, "decay_steps", decay_steps)
    end = check_number(owner, "end_value", end_value)
    if total - warm <= 0:
        raise ParameterValueError(
            owner,
            "decay_steps",
            f"must be > warmup_steps (it includes the warm-up), got decay_steps={total!r} with "
            f"warmup_steps={warm!r}",
        )
    alpha = 0.0 if peak == 0 else end / peak
    decay = _cosine(owner, peak, total - warm, alpha, exponent, init_name="peak_value")
    return _behind_warmup(init, peak, warm, decay)


def warmup_exponential_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: float,
    transition_steps: float,
    decay_rate: float,
    transition_begin: float = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> Schedule:
    r"""``optax.warmup_exponential_decay_schedule``: linear warm-up, then
    :func:`exponential_decay` from ``peak_value``, counted from the end of the warm-up.

    .. math::
        v(t) = \begin{cases} I + (P - I)\,t/W & t < W \\ e(t - W) & t \ge W \end{cases}

    where :math:`e` is :func:`exponential_decay` with ``init_value=peak_value`` and the other
    arguments (``transition_begin`` counts from the end of the warm-up). As in optax,
    :math:`W \le 0` is no warm-up, and a negative :math:`W` starts the decay part-way through: at
    step 0 it is at its step :math:`-W` (:class:`~lrdecay.Shift`).

    Args:
        init_value: :math:`I` (unused when :math:`W \le 0`).
        peak_value: :math:`P`.
        warmup_steps: :math:`W`.
        transition_steps: See :func:`exponential_decay`.
        decay_rate: See :func:`exponential_decay`.
        transition_begin: See :func:`exponential_decay`.
        staircase: See :func:`exponential_decay`.
        end_value: See :func:`exponential_decay`.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.warmup_exponential_decay_schedule(0.0, 1.0, 10, transition_steps=10,
        ...                                             decay_rate=0.5)
        >>> [s(5), s(10), s(20)]
        [0.5, 1.0, 0.5]
    """
    owner = _owner("warmup_exponential_decay_schedule")
    init = check_number(owner, "init_value", init_value)
    peak = check_number(owner, "peak_value", peak_value)
    warm = check_number(owner, "warmup_steps", warmup_steps)
    decay = _exponential(
        owner,
        peak,
        transition_steps,
        decay_rate,
        transition_begin,
        staircase,
        end_value,
        init_name="peak_value",
    )
    return _behind_warmup(init, peak, warm, decay)


def sgdr_schedule(cosine_kwargs: Iterable[Mapping[str, Any]]) -> Schedule:
    r"""``optax.sgdr_schedule``: :func:`warmup_cosine_decay_schedule` cycles, one after another.

    Cycle :math:`i` is ``warmup_cosine_decay_schedule(**cosine_kwargs[i])``; it starts when the
    previous cycles' ``decay_steps`` (warm-up included) have passed, and the last one is held.
    The cycles are joined as :func:`join_schedules` joins them (so a cycle whose start is below
    0, after a negative ``decay_steps``, is started part-way through).

    Args:
        cosine_kwargs: The keyword arguments of each cycle (``decay_steps`` required).

    Example:
        >>> from lrdecay.compat import optax
        >>> cycle = dict(init_value=0.0, peak_value=1.0, warmup_steps=2, decay_steps=10)
        >>> s = optax.sgdr_schedule([cycle, cycle])
        >>> [s(0), s(2), s(10), s(12), s(20)]
        [0.0, 1.0, 0.0, 1.0, 0.0]
    """
    owner = _owner("sgdr_schedule")
    if isinstance(cosine_kwargs, Mapping) or not isinstance(cosine_kwargs, Iterable):
        raise ParameterTypeError(
            owner, "cosine_kwargs", f"must be a list of dicts, got {cosine_kwargs!r}"
        )
    schedules: list[Schedule] = []
    boundaries: list[float] = []
    step: float = 0
    for i, kwargs in enumerate(cosine_kwargs):
        if not isinstance(kwargs, Mapping) or "decay_steps" not in kwargs:
            raise ParameterTypeError(
                owner,
                f"cosine_kwargs[{i}]",
                f"must be a dict of warmup_cosine_decay_schedule's arguments with decay_steps, "
                f"got {kwargs!r}",
            )
        try:
            schedules.append(warmup_cosine_decay_schedule(**kwargs))
        except TypeError as error:
            raise ParameterTypeError(owner, f"cosine_kwargs[{i}]", f"is invalid: {error}") from None
        step += check_number(owner, f"cosine_kwargs[{i}]['decay_steps']", kwargs["decay_steps"])
        boundaries.append(step)
    if not schedules:
        raise ParameterValueError(owner, "cosine_kwargs", "must not be empty, got []")
    return _joined(schedules, boundaries[:-1])


def _joined(items: Sequence[Schedule], bounds: Sequence[float]) -> Schedule:
    """optax's ``join_schedules(items, bounds)`` with ``len(bounds) == len(items) - 1``."""
    # items[i] (i >= 1) holds on [b_{i-1}, min of the later boundaries); items[0] before every
    # boundary. One whose interval starts below 0 is started part-way through.
    starts = [-math.inf, *bounds]
    segments: list[tuple[float, Schedule]] = []
    for i, schedule in enumerate(items):
        end = min(starts[i + 1 :], default=math.inf)
        begin = starts[i]
        if end <= max(begin, 0):
            continue
        segments.append((max(begin, 0), _started_at(schedule, begin)))
    segments.sort(key=lambda item: item[0])
    if len(segments) == 1:
        return segments[0][1]
    return Join(tuple(s for _, s in segments), tuple(b for b, _ in segments[1:]))


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[float]) -> Schedule:
    r"""``optax.join_schedules``: ``schedules[i]`` from ``boundaries[i - 1]`` on, each counting its
    own steps from its boundary.

    .. math:: v(t) = s_j(t - b_{j-1}), \qquad j = \max\{i : t \ge b_{i-1}\} \quad (b_{-1} = -\infty)

    As in optax, the later boundary in the list wins where boundaries are not increasing (a
    schedule whose interval is empty is never used), and the switch happens *at* each boundary.
    A schedule that takes over before step 0 (a negative boundary :math:`b`) is at its own step
    :math:`-b` at step 0, as in optax: it is started part-way through
    (:class:`~lrdecay.Shift`). Built as :class:`~lrdecay.Join`.

    Args:
        schedules: ``n + 1`` :class:`~lrdecay.Schedule` objects (or numbers).
        boundaries: ``n`` steps.

    Example:
        >>> from lrdecay.compat import optax
        >>> s = optax.join_schedules([optax.linear_schedule(0.0, 1.0, 10),
        ...                           optax.cosine_decay_schedule(1.0, 100)], [10])
        >>> [s(5), s(10), s(110)]
        [0.5, 1.0, 0.0]
        >>> late = optax.join_schedules([0.0, optax.linear_schedule(0.0, 1.0, 10)], [-4])
        >>> [late(0), late(6), late(7)]
        [0.4, 1.0, 1.0]
    """
    owner = _owner("join_schedules")
    if isinstance(schedules, Schedule) or not isinstance(schedules, Iterable):
        raise ParameterTypeError(
            owner, "schedules", f"must be a list of schedules, got {schedules!r}"
        )
    items = [check_schedule(owner, f"schedules[{i}]", s) for i, s in enumerate(schedules)]
    if isinstance(boundaries, str | bytes) or not isinstance(boundaries, Iterable):
        raise ParameterTypeError(
            owner, "boundaries", f"must be a list of steps, got {boundaries!r}"
        )
    bounds = [check_number(owner, f"boundaries[{i}]", b) for i, b in enumerate(boundaries)]
    if not items:
        raise ParameterValueError(owner, "schedules", "must not be empty, got []")
    if len(bounds) < len(items) - 1:  # optax zips: the extra schedules are never used
        raise ParameterValueError(
            owner,
            "boundaries",
            f"must have one entry per schedule after the first, got {len(bounds)} boundaries "
            f"for {len(items)} schedules",
        )
    return _joined(items, bounds[: len(items) - 1])
