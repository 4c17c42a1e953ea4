"""TensorFlow 1's schedules computed exactly, independently of lrdecay: the third judge of parity.

Each function here is written from TensorFlow's source (``tf.compat.v1.train``) and from
tensorflow/models' ``learning_schedules`` (the survey of TensorFlow 1's learning-rate decay
strategies copies three of them), in exact arithmetic: every parameter is read as the decimal the
user wrote (its ``repr``, so ``t_mul=1.1`` is 11/10), integer quantities (the piece of a staircase,
the cycle of a restart, the multiple of a polynomial cycle) are exact rationals, and the rest is
``mpmath`` at 60 significant digits. Nothing here imports lrdecay.

``value(function, params, step)`` is the exact rate; ``value(..., piece=+1)`` the exact rate the
formula would give if the step were placed one piece (staircase step, cycle, restart) later, which
is what TensorFlow's ``float32`` arithmetic sometimes does at a boundary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

mpmath.mp.dps = 60

#: TensorFlow's defaults, written from its source (the signature test checks them against TF).
DEFAULTS: dict[str, dict[str, Any]] = {
    "piecewise_constant": {},
    "exponential_decay": {"staircase": False},
    "natural_exp_decay": {"staircase": False},
    "inverse_time_decay": {"staircase": False},
    "polynomial_decay": {"end_learning_rate": 0.0001, "power": 1.0, "cycle": False},
    "cosine_decay": {"alpha": 0.0},
    "linear_cosine_decay": {"num_periods": 0.5, "alpha": 0.0, "beta": 0.001},
    "noisy_linear_cosine_decay": {
        "initial_variance": 1.0,
        "variance_decay": 0.55,
        "num_periods": 0.5,
        "alpha": 0.0,
        "beta": 0.001,
    },
    "cosine_decay_restarts": {"t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0},
    "exponential_decay_with_burnin": {
        "burnin_learning_rate": 0.0,
        "burnin_steps": 0,
        "min_learning_rate": 0.0,
        "staircase": True,
    },
    "piecewise_with_warmup": {"warmup": False},
    "cosine_decay_with_warmup": {
        "alpha": 0.0,
        "warmup_learning_rate": 0.0,
        "warmup_steps": 0,
        "hold_base_rate_steps": 0,
    },
}
DEFAULTS["piecewise_constant_decay"] = DEFAULTS["piecewise_constant"]


def written(value: Any) -> Fraction:
    """A parameter as the decimal the user wrote."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


def mp(value: Any) -> Any:
    if isinstance(value, mpmath.mpf):
        return value
    q = written(value) if not isinstance(value, Fraction) else value
    return mpmath.mpf(q.numerator) / q.denominator


def arguments(function: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with TensorFlow's defaults filled in (a lone boundary as a list)."""
    p = {**DEFAULTS[function], **params}
    if isinstance(p.get("boundaries"), int):
        p["boundaries"] = [p["boundaries"]]
    return p


def initial_rate(function: str, params: Mapping[str, Any]) -> float:
    """The scale tolerances are relative to (with the local value): the schedule's base rate, or
    the magnitude of the formula's terms where they can be larger (a polynomial rising to its end
    rate, linear cosine with ``alpha`` and ``beta``): float32 rounds each term to its own ulps."""
    p = arguments(function, params)
    if function == "polynomial_decay":  # lr - end and end: terms as large as either
        return max(abs(float(p["learning_rate"])), abs(float(p["end_learning_rate"])))
    if function in ("linear_cosine_decay", "noisy_linear_cosine_decay"):
        # lr * ((alpha + linear) * cosine + beta): terms as large as lr * (|alpha| + 1 + |beta|)
        terms = abs(float(p["alpha"])) + 1.0 + abs(float(p["beta"]))
        return abs(float(p["learning_rate"])) * terms
    for key in ("learning_rate", "learning_rate_base"):
        if key in p:
            return abs(float(p[key]))
    return max(abs(float(v)) for v in p.get("values", p.get("rates", [1.0])))


def _floor(q: Fraction) -> int:
    return q.numerator // q.denominator


def _ceil(q: Fraction) -> int:
    return -(-q.numerator // q.denominator)


def restart_cycle(first: Any, t_mul: Any, t: Fraction) -> tuple[int, Fraction, Fraction]:
    """``(i, S_i, S_{i+1})``: the cycle of step ``t`` and its exact start and end."""
    length, factor = written(first), written(t_mul)
    if factor == 1:
        i = _floor(t / length)
        return i, i * length, (i + 1) * length
    start, i = Fraction(0), 0
    while start + length <= t:
        start, length, i = start + length, length * factor, i + 1
    return i, start, start + length


def restart_starts(first: Any, t_mul: Any, limit: int) -> list[Fraction]:
    """Exact cycle starts of SGDR, as written, while they are at most ``limit`` (and one more)."""
    starts, length, factor = [Fraction(0)], written(first), written(t_mul)
    while starts[-1] <= limit:
        starts.append(starts[-1] + length)
        length *= factor
    return starts


def cuts(function: str, params: Mapping[str, Any], horizon: int) -> list[int]:
    """The integer steps at which the schedule enters a new piece, up to ``horizon`` (and a few
    beyond): where ``float32`` can misplace a step, so where the tests look closely."""
    p = arguments(function, params)
    if function in ("piecewise_constant", "piecewise_constant_decay"):
        return [int(b) + 1 for b in p["boundaries"]]  # TF switches one step after a boundary
    if function == "piecewise_with_warmup":
        return [int(b) for b in p["boundaries"]]
    if function in ("exponential_decay", "natural_exp_decay", "inverse_time_decay"):
        if not p["staircase"]:
            return []
        d = written(p["decay_steps"])
        return [_ceil(k * d) for k in range(1, _floor(horizon / d) + 2)]
    if function == "polynomial_decay":
        d = written(p["decay_steps"])
        if p["cycle"]:
            return [_ceil(k * d) for k in range(1, _floor(horizon / d) + 2)]
        return [_ceil(d)]
    if function in ("cosine_decay", "linear_cosine_decay", "noisy_linear_cosine_decay"):
        return [_ceil(written(p["decay_steps"]))]
    if function == "cosine_decay_restarts":
        starts = restart_starts(p["first_decay_steps"], p["t_mul"], horizon)
        return [_ceil(s) for s in starts[1:]]
    if function == "exponential_decay_with_burnin":
        b = int(p["burnin_steps"])
        if not p["staircase"]:
            return [b]
        d = written(p["learning_rate_decay_steps"])
        return [b, *(b + _ceil(k * d) for k in range(1, _floor(horizon / d) + 2))]
    if function == "cosine_decay_with_warmup":
        w, h = int(p["warmup_steps"]), int(p["hold_base_rate_steps"])
        return sorted({w, w + h, w + h + 1, _floor(written(p["total_decay_steps"])) + 1})
    raise ValueError(function)


def piece(function: str, params: Mapping[str, Any], step: int) -> int | None:
    """Which piece the step lies in (staircase step, polynomial cycle, restart cycle, piecewise
    interval), exactly; ``None`` for a schedule without pieces."""
    p = arguments(function, params)
    t = Fraction(step)
    if function in ("piecewise_constant", "piecewise_constant_decay"):
        return sum(1 for b in p["boundaries"] if t > b)
    if function == "piecewise_with_warmup":
        return sum(1 for b in p["boundaries"] if t >= b)
    if function in ("exponential_decay", "natural_exp_decay", "inverse_time_decay"):
        return _floor(t / written(p["decay_steps"])) if p["staircase"] else None
    if function == "polynomial_decay":
        d = written(p["decay_steps"])
        return max(_ceil(t / d), 1) if p["cycle"] else int(t >= d)
    if function == "cosine_decay_restarts":
        return restart_cycle(p["first_decay_steps"], p["t_mul"], t)[0]
    if function == "exponential_decay_with_burnin":
        b = int(p["burnin_steps"])
        if t < b:
            return -1
        return _floor((t - b) / written(p["learning_rate_decay_steps"])) if p["staircase"] else 0
    if function == "cosine_decay_with_warmup":
        w, h = int(p["warmup_steps"]), int(p["hold_base_rate_steps"])
        total = written(p["total_decay_steps"])
        return 0 if t < w else 1 if t <= w + h else 2 if t <= total else 3
    return None


def at_boundary(function: str, params: Mapping[str, Any], step: int) -> bool:
    """Whether ``step`` is the first step of a piece or the last one before a new piece."""
    here = piece(function, params, step)
    if here is None:
        return False
    before = piece(function, params, step - 1) if step > 0 else here
    return before != here or piece(function, params, step + 1) != here


def peak(function: str, params: Mapping[str, Any], step: int) -> float:
    """The magnitude of the curve around ``step``: the larger of ``|value|`` and, for restarts,
    the peak of the step's cycle (``float32`` error is relative to it, not to the value near the
    cycle's end)."""
    here = abs(value(function, params, step))
    if function != "cosine_decay_restarts":
        return here
    p = arguments(function, params)
    i = piece(function, params, step) or 0
    top = mp(p["learning_rate"]) * (
        (1 - mp(p["alpha"])) * _power(mp(p["m_mul"]), mp(i)) + mp(p["alpha"])
    )
    return max(here, abs(float(top)))


def value_at(function: str, params: Mapping[str, Any], step: Fraction) -> float:
    """The exact rate at a real (rational) ``step``: what the formula gives a rounded step."""
    return float(_value(function, arguments(function, params), Fraction(step), 0))


def value(function: str, params: Mapping[str, Any], step: int, *, piece: int = 0) -> float:
    """The exact rate of ``function(**params)`` at ``step`` (a non-negative integer), as a float.

    ``piece`` moves the step's piece (staircase step, polynomial cycle, restart) by that many:
    what the formula gives when a float32 division or logarithm misplaces the step. ``None`` is
    never returned: for schedules without pieces, ``piece`` must be 0.
    """
    return float(_value(function, arguments(function, params), Fraction(step), piece))


def _value(f: str, p: dict[str, Any], t: Fraction, piece: int) -> Any:
    pi = mpmath.pi
    if f in ("piecewise_constant", "piecewise_constant_decay"):
        index = sum(1 for b in p["boundaries"] if t > b) + piece
        return mp(p["values"][min(max(index, 0), len(p["values"]) - 1)])
    if f in ("exponential_decay", "natural_exp_decay", "inverse_time_decay"):
        q = t / written(p["decay_steps"])
        e = mp(Fraction(_floor(q) + piece) if p["staircase"] else q)
        lr, r = mp(p["learning_rate"]), mp(p["decay_rate"])
        if f == "exponential_decay":
            return lr * _power(r, e)
        if f == "natural_exp_decay":
            return lr * mpmath.exp(-r * e)
        return lr / (1 + r * e)
    if f == "polynomial_decay":
        d = written(p["decay_steps"])
        if p["cycle"]:
            multiple = max(_ceil(t / d), 1) + piece
            frac = t / (d * multiple) if multiple > 0 else Fraction(1)
        else:
            frac = min(t, d) / d if piece == 0 else Fraction(1 if piece < 0 else 0)
        lr, end = mp(p["learning_rate"]), mp(p["end_learning_rate"])
        return (lr - end) * _power(1 - mp(frac), mp(p["power"])) + end
    if f == "cosine_decay":
        d = written(p["decay_steps"])
        frac = mp(min(t, d) / d)
        alpha = mp(p["alpha"])
        return mp(p["learning_rate"]) * ((1 - alpha) * (1 + mpmath.cos(pi * frac)) / 2 + alpha)
    if f in ("linear_cosine_decay", "noisy_linear_cosine_decay"):
        if f == "noisy_linear_cosine_decay" and p["initial_variance"] != 0:
            raise ValueError("noisy_linear_cosine_decay is random unless initial_variance=0")
        d = written(p["decay_steps"])
        s = min(t, d)
        linear = mp((d - s) / d)
        wave = (1 + mpmath.cos(pi * 2 * mp(p["num_periods"]) * mp(s / d))) / 2
        return mp(p["learning_rate"]) * ((mp(p["alpha"]) + linear) * wave + mp(p["beta"]))
    if f == "cosine_decay_restarts":
        first, factor = written(p["first_decay_steps"]), written(p["t_mul"])
        i, start, end = restart_cycle(first, factor, t)
        for _ in range(abs(piece)):  # the neighbouring cycle's start and end
            if piece > 0:
                i, start, end = i + 1, end, end + (end - start) * factor
            elif i > 0:
                i, start, end = i - 1, start - (end - start) / factor, start
        frac = (t - start) / (end - start)
        alpha, m = mp(p["alpha"]), _power(mp(p["m_mul"]), mp(i))
        cosine = m * (1 + mpmath.cos(pi * mp(frac))) / 2
        return mp(p["learning_rate"]) * ((1 - alpha) * cosine + alpha)
    if f == "exponential_decay_with_burnin":
        base = mp(p["learning_rate_base"])
        burnin_lr = base if p["burnin_learning_rate"] == 0 else mp(p["burnin_learning_rate"])
        b = int(p["burnin_steps"])
        if t < b:
            rate = burnin_lr
        else:
            q = (t - b) / written(p["learning_rate_decay_steps"])
            e = mp(Fraction(_floor(q) + piece) if p["staircase"] else q)
            rate = base * _power(mp(p["learning_rate_decay_factor"]), e)
        return max(rate, mp(p["min_learning_rate"]))
    if f == "piecewise_with_warmup":
        bounds, rates = list(p["boundaries"]), list(p["rates"])
        if p["warmup"] and bounds and t < bounds[0]:
            r0, r1 = mp(rates[0]), mp(rates[1])
            return r0 + (r1 - r0) * mp(t) / bounds[0]
        index = sum(1 for b in bounds if t >= b) + piece
        return mp(rates[min(max(index, 0), len(rates) - 1)])
    if f == "cosine_decay_with_warmup":
        base, alpha = mp(p["learning_rate_base"]), mp(p["alpha"])
        total = written(p["total_decay_steps"])
        w, h = int(p["warmup_steps"]), int(p["hold_base_rate_steps"])
        if t > total:
            return alpha
        if w > 0 and t < w:
            warm = mp(p["warmup_learning_rate"])
            return warm + (base - warm) * mp(t) / w
        if h > 0 and t <= w + h:
            return base
        d = total - w - h
        frac = mp(min(t - w - h, d) / d)
        return base * ((1 - alpha) * (1 + mpmath.cos(pi * frac)) / 2 + alpha)
    raise ValueError(f"no exact formula for {f!r}")


def _power(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` with TensorFlow's (IEEE ``pow``) conventions: ``0 ** 0 == 1``."""
    if exponent == 0:
        return mpmath.mpf(1)
    if base == 0:
        return mpmath.mpf(0) if exponent > 0 else mpmath.inf
    if base < 0:
        if exponent != int(exponent):
            return mpmath.nan
        return mpmath.power(base, int(exponent))
    return mpmath.power(base, exponent)


FLOAT_PARAMETERS = frozenset(
    {
        "learning_rate",
        "decay_steps",
        "decay_rate",
        "end_learning_rate",
        "power",
        "alpha",
        "beta",
        "num_periods",
        "initial_variance",
        "variance_decay",
        "first_decay_steps",
        "t_mul",
        "m_mul",
        "values",
        "learning_rate_base",
        "learning_rate_decay_steps",
        "learning_rate_decay_factor",
        "burnin_learning_rate",
        "min_learning_rate",
        "rates",
        "warmup_learning_rate",
    }
)
"""The parameters TensorFlow turns into ``float32`` tensors (the others stay integers)."""


def rounded_to_float32(params: Mapping[str, Any], function: str = "") -> dict[str, Any]:
    """The parameters as TensorFlow holds them: each of :data:`FLOAT_PARAMETERS` in ``float32``
    (and for ``natural_exp_decay`` the rate ``exp(-decay_rate)`` it decays by, in ``float32``)."""

    def f32(v: Any) -> Any:
        if isinstance(v, bool):
            return v
        if isinstance(v, int | float):
            return float(np.float32(v))
        if isinstance(v, list | tuple):
            return [f32(x) for x in v]
        return v

    rounded = {k: f32(v) if k in FLOAT_PARAMETERS else v for k, v in params.items()}
    if function == "natural_exp_decay":  # TF decays by float32(exp(-k)): k as that rate means
        rate = np.exp(-np.float32(rounded["decay_rate"]), dtype=np.float32)
        rounded["decay_rate"] = -mpmath.log(mpmath.mpf(float(rate)))
    return rounded


def as_float32_step(step: int) -> int:
    """The integer a ``float32`` step holds (TensorFlow casts the step to ``float32``)."""
    return int(np.float32(step))


def is_finite(x: float) -> bool:
    return math.isfinite(x)
