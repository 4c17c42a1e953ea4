"""``lrdecay.compat.tf1`` against TensorFlow 1's formulas and the seed's, quirks included.

The reference functions below are written from TensorFlow's source (as transcribed in the
project's research notes, section "(b)") and from the seed's code, in plain Python ``float``
math, one step at a time. They share nothing with lrdecay except the documented deviation: the
restart index of ``cosine_decay_restarts`` is found exactly (by adding up cycle lengths), where
TensorFlow's floating logarithm sometimes lands in the previous cycle.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lrdecay import Schedule
from lrdecay.compat import tf1
from lrdecay.seed import MAX_STEP as SEED_MAX_STEP
from lrdecay.seed import SEED_FIGURES, SUMMARY_STEP

EPS = 2.0**-52
MAX_STEP = 2**53


# --------------------------------------------------------------------------- TF1 references
def ref_exponential_decay(
    t: int, learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
) -> float:
    p = t / decay_steps
    if staircase:
        p = math.floor(p)
    return float(learning_rate * decay_rate**p)


def ref_natural_exp_decay(
    t: int, learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
) -> float:
    p = t / decay_steps
    if staircase:
        p = math.floor(p)
    return learning_rate * math.exp(-decay_rate * p)


def ref_inverse_time_decay(
    t: int, learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
) -> float:
    p = t / decay_steps
    if staircase:
        p = math.floor(p)
    return learning_rate / (1 + decay_rate * p)


def ref_polynomial_decay(
    t: int,
    learning_rate: float,
    decay_steps: float,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
) -> float:
    d = decay_steps
    s = float(t)
    if cycle:
        multiplier = 1.0 if s == 0 else math.ceil(s / decay_steps)
        d = d * multiplier
    else:
        s = min(s, d)
    p = s / d
    return float((learning_rate - end_learning_rate) * (1 - p) ** power + end_learning_rate)


def ref_piecewise_constant(t: int, boundaries: Sequence[int], values: Sequence[float]) -> float:
    if t <= boundaries[0]:
        return values[0]
    for i in range(1, len(boundaries)):
        if boundaries[i - 1] < t <= boundaries[i]:
            return values[i]
    return values[-1]


def ref_cosine_decay(t: int, learning_rate: float, decay_steps: float, alpha: float = 0.0) -> float:
    s = min(float(t), decay_steps)
    c = 0.5 * (1 + math.cos(math.pi * s / decay_steps))
    return learning_rate * ((1 - alpha) * c + alpha)


def exact_cycle(t: int, first: float, t_mul: float) -> tuple[int, float]:
    """(cycle index, fraction completed in the cycle), by adding up the cycle lengths exactly."""
    if t_mul == 1.0:  # equal cycles: exact integer division of rationals
        i = math.floor(Fraction(t) / Fraction(first))
        return i, float((t - i * Fraction(first)) / Fraction(first))
    start, length, i = Fraction(0), Fraction(first), 0
    while start + length <= t:
        start, length, i = start + length, length * Fraction(t_mul), i + 1
    return i, float((t - start) / length)


def ref_cosine_decay_restarts(
    t: int,
    learning_rate: float,
    first_decay_steps: float,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
) -> float:
    i, f = exact_cycle(t, first_decay_steps, t_mul)
    m_fac = m_mul**i
    c = 0.5 * m_fac * (1 + math.cos(math.pi * f))
    return learning_rate * ((1 - alpha) * c + alpha)


def near_restart(t: int, first: float, t_mul: float) -> bool:
    """Whether a non-integer restart time lies within 2**-47 (relative) of step ``t``."""

    def close(start: Fraction) -> bool:
        return start != t and abs(start - t) <= start * Fraction(1, 2**47)

    if t_mul == 1.0:  # restarts at k * first: only the nearest k matters
        k = round(Fraction(t) / Fraction(first))
        return any(close(j * Fraction(first)) for j in (k - 1, k, k + 1) if j > 0)
    start, length = Fraction(first), Fraction(first) * Fraction(t_mul)
    while start <= t + 1:
        if close(start):
            return True
        start, length = start + length, length * Fraction(t_mul)
    return False


def tf_cycle(t: int, first: float, t_mul: float) -> tuple[int, float]:
    """TensorFlow's own (floating logarithm) cycle index and fraction, in float64."""
    f = t / first
    if t_mul == 1.0:
        i = math.floor(f)
        return i, f - i
    i = math.floor(math.log(1 - f * (1 - t_mul)) / math.log(t_mul))
    sum_r = (1 - t_mul**i) / (1 - t_mul)
    return i, (f - sum_r) / t_mul**i


def ref_linear_cosine_decay(
    t: int,
    learning_rate: float,
    decay_steps: float,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    eps: float = 0.0,
) -> float:
    s = min(float(t), decay_steps)
    linear = (decay_steps - s) / decay_steps
    frac = 2 * num_periods * s / decay_steps
    c = 0.5 * (1 + math.cos(math.pi * frac))
    return learning_rate * ((alpha + linear + eps) * c + beta)


# --------------------------------------------------------------------------- the seed's three
def ref_exponential_decay_with_burnin(
    t: int,
    learning_rate_base: float,
    learning_rate_decay_steps: float,
    learning_rate_decay_factor: float,
    burnin_learning_rate: float = 0.0,
    burnin_steps: int = 0,
    min_learning_rate: float = 0.0,
    staircase: bool = True,
) -> float:
    if burnin_learning_rate == 0:
        burnin_learning_rate = learning_rate_base
    post = ref_exponential_decay(
        t - burnin_steps,
        learning_rate_base,
        learning_rate_decay_steps,
        learning_rate_decay_factor,
        staircase=staircase,
    )
    value = burnin_learning_rate if t < burnin_steps else post
    return max(value, min_learning_rate)


def ref_piecewise_with_warmup(
    t: int, boundaries: Sequence[int], rates: Sequence[float], warmup: bool = False
) -> float:
    bounds, values = _seed_manual_stepping(tuple(boundaries), tuple(rates), warmup)
    index = max(i for i, b in enumerate(bounds) if t >= b)
    return values[index]


@functools.lru_cache(maxsize=64)
def _seed_manual_stepping(
    boundaries_: tuple[int, ...], rates_: tuple[float, ...], warmup: bool
) -> tuple[list[int], list[float]]:
    """The seed's list building, verbatim: one boundary per warm-up step."""
    boundaries, rates = list(boundaries_), list(rates_)
    if warmup and boundaries:
        slope = (rates[1] - rates[0]) * 1.0 / boundaries[0]
        warmup_steps = list(range(boundaries[0]))
        warmup_rates = [rates[0] + slope * step for step in warmup_steps]
        boundaries = warmup_steps + boundaries
        rates = warmup_rates + rates[1:]
    else:
        boundaries = [0, *boundaries]
    return boundaries, rates


def ref_cosine_decay_with_warmup(
    t: int,
    learning_rate_base: float,
    total_decay_steps: float,
    alpha: float = 0.0,
    warmup_learning_rate: float = 0.0,
    warmup_steps: float = 0,
    hold_base_rate_steps: float = 0,
) -> float:
    # tf.train.cosine_decay(base, decay_steps=d, global_step=t - W - H, alpha): the shifted
    # step may be negative (those values are replaced below).
    d = total_decay_steps - warmup_steps - hold_base_rate_steps
    s = min(t - warmup_steps - hold_base_rate_steps, d)
    c = 0.5 * (1 + math.cos(math.pi * s / d))
    lr = learning_rate_base * ((1 - alpha) * c + alpha)
    if hold_base_rate_steps > 0:
        lr = lr if t > warmup_steps + hold_base_rate_steps else learning_rate_base
    if warmup_steps > 0:
        slope = (learning_rate_base - warmup_learning_rate) / warmup_steps
        warmup_rate = slope * t + warmup_learning_rate
        lr = warmup_rate if t < warmup_steps else lr
    return alpha if t > total_decay_steps else lr


REFERENCES: dict[str, Callable[..., float]] = {
    "exponential_decay": ref_exponential_decay,
    "natural_exp_decay": ref_natural_exp_decay,
    "inverse_time_decay": ref_inverse_time_decay,
    "polynomial_decay": ref_polynomial_decay,
    "piecewise_constant": ref_piecewise_constant,
    "piecewise_constant_decay": ref_piecewise_constant,
    "cosine_decay": ref_cosine_decay,
    "cosine_decay_restarts": ref_cosine_decay_restarts,
    "linear_cosine_decay": ref_linear_cosine_decay,
    "exponential_decay_with_burnin": ref_exponential_decay_with_burnin,
    "piecewise_with_warmup": ref_piecewise_with_warmup,
    "cosine_decay_with_warmup": ref_cosine_decay_with_warmup,
}


def compare(
    schedule: Schedule,
    reference: Callable[[int], float],
    steps: Sequence[int],
    scale: float,
    rtol: float = 1e-12,
    relative: bool = False,
) -> None:
    """Scalar and array values against the reference, to ``rtol`` of ``scale`` (or of itself)."""
    array = schedule(np.array(steps, dtype=np.int64))
    for t, a in zip(steps, array, strict=True):
        ref = reference(t)
        tol = rtol * (abs(ref) if relative else scale) + 1e-300
        for got in (schedule(t), float(a)):
            assert abs(got - ref) <= tol, f"step {t}: got {got!r}, reference {ref!r}"


def steps_near(*points: float) -> st.SearchStrategy[list[int]]:
    special = {0, 1, 2, MAX_STEP, 2**24 + 1}
    for p in points:
        special |= {max(0, math.floor(p) + d) for d in (-1, 0, 1, 2)}
    top = int(max(points, default=10) * 3) + 10
    return st.lists(
        st.one_of(st.sampled_from(sorted(special)), st.integers(0, top), st.integers(0, MAX_STEP)),
        min_size=1,
        max_size=10,
    )


lr_st = st.floats(min_value=1e-6, max_value=10.0)
lengths = st.one_of(st.integers(1, 100_000), st.floats(0.5, 1e5))
rates = st.floats(min_value=0.05, max_value=1.0)


# --------------------------------------------------------------------------- hypothesis vs formulas
@given(lr=lr_st, d=lengths, r=rates, stair=st.booleans(), data=st.data())
def test_exponential_decay(lr: float, d: float, r: float, stair: bool, data: st.DataObject) -> None:
    s = tf1.exponential_decay(learning_rate=lr, decay_steps=d, decay_rate=r, staircase=stair)
    steps = data.draw(steps_near(d, 2 * d))
    steps = [t for t in steps if ref_exponential_decay(t, 1.0, d, r, stair) > 1e-290]
    for t in steps:
        exponent = abs((math.floor(t / d) if stair else t / d) * math.log(r))
        compare(
            s,
            lambda t: ref_exponential_decay(t, lr, d, r, stair),
            [t],
            0.0,
            rtol=1e-13 + 4 * EPS * exponent,
            relative=True,
        )


@given(lr=lr_st, d=lengths, k=st.floats(0.0, 5.0), stair=st.booleans(), data=st.data())
def test_natural_exp_decay(lr: float, d: float, k: float, stair: bool, data: st.DataObject) -> None:
    s = tf1.natural_exp_decay(learning_rate=lr, decay_steps=d, decay_rate=k, staircase=stair)
    steps = data.draw(steps_near(d, 2 * d))
    for t in steps:
        p = math.floor(t / d) if stair else t / d
        if k * p > 700:
            continue
        # The documented construction stores the rate exp(-k), rounded: p times its rounding
        # error of half an ulp adds to the usual error of exp(p * log(rate)).
        compare(
            s,
            lambda t: ref_natural_exp_decay(t, lr, d, k, stair),
            [t],
            0.0,
            rtol=1e-13 + 4 * EPS * k * p + EPS * p,
            relative=True,
        )


@given(lr=lr_st, d=lengths, r=st.floats(0.0, 10.0), stair=st.booleans(), data=st.data())
def test_inverse_time_decay(
    lr: float, d: float, r: float, stair: bool, data: st.DataObject
) -> None:
    s = tf1.inverse_time_decay(learning_rate=lr, decay_steps=d, decay_rate=r, staircase=stair)
    compare(
        s,
        lambda t: ref_inverse_time_decay(t, lr, d, r, stair),
        data.draw(steps_near(d)),
        0.0,
        rtol=1e-14,
        relative=True,
    )


@given(
    lr=lr_st,
    d=st.integers(1, 100_000),
    end=st.floats(0.0, 1e-3),
    power=st.one_of(st.sampled_from([0.5, 1.0, 2.0]), st.floats(1.0, 4.0)),
    cycle=st.booleans(),
    data=st.data(),
)
def test_polynomial_decay(
    lr: float, d: int, end: float, power: float, cycle: bool, data: st.DataObject
) -> None:
    s = tf1.polynomial_decay(lr, d, end_learning_rate=end, power=power, cycle=cycle)
    steps = data.draw(steps_near(d, 2 * d, 3 * d))
    # power < 1 near the end of a cycle is ill-conditioned (x**p with x ~ 1/t); keep p >= 1
    # there and p = 0.5 only before the first horizon.
    if power < 1:
        steps = [t for t in steps if t < d]
    compare(
        s,
        lambda t: ref_polynomial_decay(t, lr, d, end, power, cycle),
        steps,
        lr,
        rtol=1e-12 * max(1.0, power),
    )


@given(
    bounds=st.lists(st.integers(0, 10**6), min_size=1, max_size=5, unique=True).map(sorted),
    data=st.data(),
)
def test_piecewise_constant(bounds: list[int], data: st.DataObject) -> None:
    vals = data.draw(st.lists(lr_st, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    for fn in (tf1.piecewise_constant, tf1.piecewise_constant_decay):
        s = fn(boundaries=bounds, values=vals)
        steps = data.draw(steps_near(*bounds))
        array = s(np.array(steps))
        for t, a in zip(steps, array, strict=True):
            assert s(t) == a == ref_piecewise_constant(t, bounds, vals), t


@given(lr=lr_st, d=lengths, alpha=st.floats(0.0, 1.0), data=st.data())
def test_cosine_decay(lr: float, d: float, alpha: float, data: st.DataObject) -> None:
    s = tf1.cosine_decay(learning_rate=lr, decay_steps=d, alpha=alpha)
    compare(s, lambda t: ref_cosine_decay(t, lr, d, alpha), data.draw(steps_near(d)), lr)


@given(
    lr=lr_st,
    first=st.one_of(st.integers(1, 1000), st.floats(0.5, 1000.0)),
    t_mul=st.one_of(st.sampled_from([1.0, 2.0, 1.5, 3.0]), st.floats(1.1, 4.0)),
    m_mul=st.floats(0.1, 2.0),
    alpha=st.floats(0.0, 0.5),
    data=st.data(),
)
def test_cosine_decay_restarts(
    lr: float, first: float, t_mul: float, m_mul: float, alpha: float, data: st.DataObject
) -> None:
    s = tf1.cosine_decay_restarts(lr, first, t_mul=t_mul, m_mul=m_mul, alpha=alpha)
    # Restart steps (rounded both ways) of the first cycles, and anything up to a few cycles.
    starts: list[float] = []
    start, length = Fraction(0), Fraction(first)
    while len(starts) < 8 and start < 10**6:
        start, length = start + length, length * Fraction(t_mul)
        starts.append(float(start))
    steps = data.draw(steps_near(*starts))
    steps = [t for t in steps if t <= 10**9]  # keep the brute-force cycle search short
    # A restart time that is not an integer but within 2**-47 of one (e.g. 10 * (1 + 1.1) =
    # 21.000000000000002) may fall on either side of that step: skip those steps.
    steps = [t for t in steps if not near_restart(t, first, t_mul)]
    # m_mul > 1 grows without bound; keep m_mul**i well inside the float range.
    growth = math.log(max(m_mul, 1.0))
    steps = [t for t in steps if exact_cycle(t, first, t_mul)[0] * growth < 600]
    assume(steps)
    compare(
        s,
        lambda t: ref_cosine_decay_restarts(t, lr, first, t_mul, m_mul, alpha),
        steps,
        lr * max(1.0, m_mul) ** exact_cycle(max(steps), first, t_mul)[0],
        rtol=1e-11,
    )


@given(
    lr=lr_st,
    d=lengths,
    periods=st.one_of(st.sampled_from([0.5, 1.0, 4.0]), st.floats(0.1, 20.0)),
    alpha=st.floats(0.0, 1.0),
    beta=st.floats(0.0, 0.1),
    data=st.data(),
)
def test_linear_cosine_decay(
    lr: float, d: float, periods: float, alpha: float, beta: float, data: st.DataObject
) -> None:
    s = tf1.linear_cosine_decay(lr, d, num_periods=periods, alpha=alpha, beta=beta)
    compare(
        s,
        lambda t: ref_linear_cosine_decay(t, lr, d, periods, alpha, beta),
        data.draw(steps_near(d)),
        lr * (1 + alpha + beta),
        rtol=1e-12 * (1 + periods),
    )


@given(
    base=lr_st,
    d=st.integers(1, 10_000),
    factor=rates,
    burnin_lr=st.one_of(st.just(0.0), lr_st),
    burnin=st.integers(0, 10_000),
    min_lr=st.one_of(st.just(0.0), st.floats(0.0, 1e-3)),
    stair=st.booleans(),
    data=st.data(),
)
def test_exponential_decay_with_burnin(
    base: float,
    d: int,
    factor: float,
    burnin_lr: float,
    burnin: int,
    min_lr: float,
    stair: bool,
    data: st.DataObject,
) -> None:
    s = tf1.exponential_decay_with_burnin(base, d, factor, burnin_lr, burnin, min_lr, stair)
    steps = data.draw(steps_near(burnin, burnin + d, burnin + 2 * d))
    compare(
        s,
        lambda t: ref_exponential_decay_with_burnin(
            t, base, d, factor, burnin_lr, burnin, min_lr, stair
        ),
        steps,
        0.0,
        rtol=1e-12,
        relative=True,
    )


@given(
    bounds=st.lists(st.integers(1, 3000), min_size=1, max_size=4, unique=True).map(sorted),
    warm=st.booleans(),
    data=st.data(),
)
def test_piecewise_with_warmup(bounds: list[int], warm: bool, data: st.DataObject) -> None:
    rates_ = data.draw(st.lists(lr_st, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    s = tf1.piecewise_with_warmup(bounds, rates_, warmup=warm)
    steps = data.draw(steps_near(*bounds))
    compare(
        s,
        lambda t: ref_piecewise_with_warmup(t, bounds, rates_, warm),
        steps,
        max(rates_),
        rtol=4 * EPS,
    )


@given(
    base=lr_st,
    total=st.integers(1, 20_000),
    alpha=st.floats(0.0, 1e-2),
    warm_frac=st.floats(0.0, 0.5),
    hold_frac=st.floats(0.0, 0.45),
    warm_lr_frac=st.floats(0.0, 1.0),
    data=st.data(),
)
def test_cosine_decay_with_warmup(
    base: float,
    total: int,
    alpha: float,
    warm_frac: float,
    hold_frac: float,
    warm_lr_frac: float,
    data: st.DataObject,
) -> None:
    warm = int(total * warm_frac)
    hold = int(total * hold_frac)
    assume(total > warm + hold)
    warm_lr = base * warm_lr_frac
    s = tf1.cosine_decay_with_warmup(base, total, alpha, warm_lr, warm, hold)
    steps = data.draw(steps_near(warm, warm + hold, total))
    compare(
        s,
        lambda t: ref_cosine_decay_with_warmup(t, base, total, alpha, warm_lr, warm, hold),
        steps,
        base,
        rtol=1e-12,
    )


# --------------------------------------------------------------------------- every seed figure
@pytest.mark.parametrize("figure", SEED_FIGURES, ids=[f.name for f in SEED_FIGURES])
def test_seed_figures_match_the_formulas(figure: Any) -> None:
    schedule = figure.curve.schedule()
    params = dict(figure.curve.params)
    reference = REFERENCES[figure.curve.function]
    logged = list(range(0, SEED_MAX_STEP, SUMMARY_STEP))  # what the seed logs
    edges = {b + d for b in (2000, 4000, 5000, 8000, 10000, 15000) for d in (-1, 0, 1)}
    steps = sorted(set(logged) | edges)
    scale = max(abs(reference(t, **params)) for t in steps)
    compare(schedule, lambda t: reference(t, **params), steps, scale, rtol=1e-12)


def test_seed_catalogue_is_complete() -> None:
    assert len(SEED_FIGURES) == 19
    assert len({f.name for f in SEED_FIGURES}) == 19
    assert {f.curve.function for f in SEED_FIGURES} == set(REFERENCES) - {
        "piecewise_constant_decay",
        "inverse_time_decay",
    }


# --------------------------------------------------------------------------- the quirks
def test_piecewise_constant_switches_one_step_after_the_boundary() -> None:
    s = tf1.piecewise_constant(boundaries=[5000, 8000], values=[0.01, 0.001, 0.0001])
    assert [s(0), s(5000), s(5001), s(8000), s(8001)] == [0.01, 0.01, 0.001, 0.001, 0.0001]
    zero = tf1.piecewise_constant(boundaries=[0], values=[1.0, 2.0])
    assert [zero(0), zero(1)] == [1.0, 2.0]


def test_piecewise_with_warmup_switches_at_the_boundary() -> None:
    s = tf1.piecewise_with_warmup([5000, 8000], [0.01, 0.001, 0.0001])
    assert [s(4999), s(5000), s(7999), s(8000)] == [0.01, 0.001, 0.001, 0.0001]
    w = tf1.piecewise_with_warmup([2000, 5000, 8000], [1e-5, 0.01, 0.001, 0.0001], warmup=True)
    assert w(0) == 1e-5
    assert w(1000) == pytest.approx(1e-5 + (0.01 - 1e-5) / 2, rel=1e-14)
    assert w(1999) == pytest.approx(1e-5 + (0.01 - 1e-5) * 1999 / 2000, rel=1e-14)
    assert [w(2000), w(4999), w(5000), w(8000)] == [0.01, 0.01, 0.001, 0.0001]
    # Without boundaries there is nothing to warm up to.
    assert tf1.piecewise_with_warmup([], [0.3], warmup=True)(10) == 0.3


def test_cosine_decay_with_warmup_returns_alpha_itself_after_total() -> None:
    base, total, alpha = 0.01, 15000, 1e-5
    for hold in (0, 2000):
        s = tf1.cosine_decay_with_warmup(base, total, alpha, 1e-4, 2000, hold)
        assert s(0) == pytest.approx(1e-4, rel=1e-15)
        assert s(2000) == pytest.approx(base, rel=1e-15)
        assert s(total) == pytest.approx(base * alpha, rel=1e-9)  # base * alpha at the end
        assert s(total + 1) == alpha  # then alpha itself: the seed's quirk
        assert s(10**9) == alpha
        if hold:
            assert s(2000 + hold) == base
            assert s(2000 + hold + 1) < base


def test_cosine_decay_with_warmup_fractional_total() -> None:
    s = tf1.cosine_decay_with_warmup(1.0, 100.5, alpha=0.25)
    assert s(100) == pytest.approx(ref_cosine_decay_with_warmup(100, 1.0, 100.5, 0.25), rel=1e-14)
    assert s(101) == 0.25


def test_linear_cosine_first_value_is_above_learning_rate() -> None:
    s = tf1.linear_cosine_decay(1.0, decay_steps=1000)
    assert s(0) == pytest.approx(1.001, rel=1e-15)
    assert s(0) > 1.0
    assert s(500) == pytest.approx(0.251, rel=1e-14)
    assert s(1000) == pytest.approx(0.001, rel=1e-12)
    a = tf1.linear_cosine_decay(0.1, decay_steps=10, alpha=0.5, beta=0.25)
    assert a(0) == pytest.approx(0.1 * (1 + 0.5 + 0.25), rel=1e-15)


def test_polynomial_decay_cycle_quirk() -> None:
    s = tf1.polynomial_decay(1.0, decay_steps=100, end_learning_rate=0.0, cycle=True)
    assert [s(0), s(100), s(200), s(300)] == [1.0, 0.0, 0.0, 0.0]
    assert s(101) == pytest.approx(0.495, rel=1e-14)  # not a restart to 1.0: a lower peak
    assert s(201) == pytest.approx(0.33, rel=1e-14)
    held = tf1.polynomial_decay(1.0, decay_steps=100, end_learning_rate=0.0)
    assert held(101) == 0.0
    # TF's default end_learning_rate is 1e-4.
    assert tf1.polynomial_decay(1.0, decay_steps=10)(10) == pytest.approx(1e-4, rel=1e-12)


def test_burnin_rate_zero_means_base() -> None:
    s = tf1.exponential_decay_with_burnin(
        0.01, 2000, 0.98, burnin_learning_rate=0.0, burnin_steps=2000
    )
    assert [s(0), s(1999), s(2000), s(3999)] == [0.01, 0.01, 0.01, 0.01]
    assert s(4000) == pytest.approx(0.0098, rel=1e-14)
    b = tf1.exponential_decay_with_burnin(
        0.01, 2000, 0.98, burnin_learning_rate=0.001, burnin_steps=2000
    )
    assert [b(0), b(1999), b(2000)] == [0.001, 0.001, 0.01]


def test_burnin_min_learning_rate_floor() -> None:
    s = tf1.exponential_decay_with_burnin(1.0, 1, 0.5, min_learning_rate=0.1)
    expected = [1.0, 0.5, 0.25, 0.125, 0.1, 0.1]
    assert [s(0), s(1), s(2), s(3), s(4), s(100)] == pytest.approx(expected, rel=4 * EPS)
    # The floor also applies during burn-in (the seed takes the max of the where()).
    t = tf1.exponential_decay_with_burnin(
        1.0, 1, 0.5, burnin_learning_rate=0.01, burnin_steps=5, min_learning_rate=0.1
    )
    assert [t(0), t(4), t(5), t(9)] == [0.1, 0.1, 1.0, 0.1]
    # A negative base is floored at the default 0, as max(..., 0.0) does.
    n = tf1.exponential_decay_with_burnin(-1.0, 10, 0.5)
    assert n(0) == 0.0


def test_natural_exp_decay_divides_by_decay_steps() -> None:
    s = tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=1.0)
    assert s(10) == pytest.approx(math.exp(-1.0), rel=1e-15)


def test_cosine_decay_restarts_alpha_floor_is_not_scaled() -> None:
    s = tf1.cosine_decay_restarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    assert s(0) == pytest.approx(1.0, rel=1e-15)
    assert s(10) == pytest.approx(0.9 * 0.5 + 0.1, rel=1e-15)  # cycle 1 peak
    assert s(30) == pytest.approx(0.9 * 0.25 + 0.1, rel=1e-15)  # cycle 2 peak
    assert s(29) == pytest.approx(ref_cosine_decay_restarts(29, 1.0, 10, 2.0, 0.5, 0.1), rel=1e-14)
    assert s(29) > 0.1  # the floor stays at lr * alpha, not scaled by m_mul


def test_restarts_agree_with_tensorflow_away_from_exact_restart_steps() -> None:
    """Where TensorFlow's own float64 logarithm finds the right cycle, the values agree."""
    for first, t_mul in ((1, 3.0), (7, 3.0), (1, 10.0), (5000, 2.0), (13, 1.5)):
        s = tf1.cosine_decay_restarts(1.0, first, t_mul=t_mul)
        disagreements = 0
        for t in range(0, 2000):
            i_tf, f_tf = tf_cycle(t, first, t_mul)
            i_ex, _ = exact_cycle(t, first, t_mul)
            if i_tf != i_ex:
                disagreements += 1  # TF's off-by-one at an exact restart step (c.1)
                assert s(t) == pytest.approx(1.0, rel=1e-12)  # ours: the new cycle's peak
                continue
            tf_value = 0.5 * (1 + math.cos(math.pi * f_tf))
            assert s(t) == pytest.approx(tf_value, rel=1e-9, abs=1e-12), (first, t_mul, t)
        if (first, t_mul) in ((1, 3.0), (7, 3.0), (1, 10.0)):
            assert disagreements > 0  # the research notes' examples: 121, 847, 111


@pytest.mark.parametrize(
    ("first", "t_mul"),
    [
        (43, 1.1),
        (13, 1.2),
        (7, 1.3),
        (15, 1.7),
        (125, 1.6084741864017045),
        (504, 3.1911947173421558),
    ],
)
def test_restart_at_first_decay_steps_with_non_integer_t_mul(first: int, t_mul: float) -> None:
    """(Regression: these first restart steps used to land at the end of cycle 0.)"""
    s = tf1.cosine_decay_restarts(1.0, first, t_mul=t_mul)
    assert exact_cycle(first, first, t_mul) == (1, 0.0)
    assert tf_cycle(first, first, t_mul)[0] == 1  # TensorFlow's index is right here
    assert s(first) == pytest.approx(1.0, rel=1e-12)


def test_restart_steps_from_the_research_notes() -> None:
    # t_mul=3, first=1: restart at 121 (k=5); t_mul=10, first=1: 111 (k=3); t_mul=3, first=7: 847.
    for first, t_mul, step, k in ((1, 3.0, 121, 5), (1, 10.0, 111, 3), (7, 3.0, 847, 5)):
        assert exact_cycle(step, first, t_mul) == (k, 0.0)
        s = tf1.cosine_decay_restarts(1.0, first, t_mul=t_mul, m_mul=0.5)
        assert s(step) == pytest.approx(0.5**k, rel=1e-14)
        assert s(step - 1) < 0.5**k * 0.01


def test_large_steps_are_exact_beyond_float32() -> None:
    # TF casts the step to float32; from 2**24 on it can no longer tell steps apart. We can.
    s = tf1.exponential_decay(1.0, decay_steps=1, decay_rate=0.999999, staircase=True)
    a, b = s(2**24 + 1), s(2**24 + 2)
    assert a != b
    assert a == pytest.approx(ref_exponential_decay(2**24 + 1, 1.0, 1, 0.999999, True), rel=1e-9)
    p = tf1.piecewise_constant(boundaries=[2**24 + 1], values=[1.0, 2.0])
    assert [p(2**24 + 1), p(2**24 + 2)] == [1.0, 2.0]


# --------------------------------------------------------------------------- the seed's errors
def test_seed_value_errors() -> None:
    with pytest.raises(ValueError, match=r"boundaries\[0\] cannot be 0"):
        tf1.piecewise_with_warmup([0, 10], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"strictly increasing.*\[10, 5\]"):
        tf1.piecewise_with_warmup([10, 5], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"rates.*2 rates for 2 boundaries"):
        tf1.piecewise_with_warmup([5, 10], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"learning_rate_base=0\.01.*warmup_learning_rate=0\.1"):
        tf1.cosine_decay_with_warmup(0.01, 100, warmup_learning_rate=0.1, warmup_steps=10)
    with pytest.raises(ValueError, match=r"total_decay_steps=10 .*warmup_steps=10"):
        tf1.cosine_decay_with_warmup(0.01, 10, warmup_steps=10)


# --------------------------------------------------------------------------- the noisy variant
@given(
    lr=lr_st,
    d=lengths,
    periods=st.floats(0.1, 8.0),
    alpha=st.floats(0.0, 1.0),
    beta=st.floats(0.0, 0.1),
    decay=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**64 - 1),
)
def test_noisy_without_variance_is_linear_cosine_exactly(
    lr: float, d: float, periods: float, alpha: float, beta: float, decay: float, seed: int
) -> None:
    noisy = tf1.noisy_linear_cosine_decay(lr, d, 0.0, decay, periods, alpha, beta, seed)
    clean = tf1.linear_cosine_decay(lr, d, periods, alpha, beta)
    steps = np.array([0, 1, 2, math.floor(d), math.ceil(d), 10**6, MAX_STEP])
    assert np.array_equal(noisy(steps), clean(steps))
    assert [noisy(int(t)) for t in steps] == [clean(int(t)) for t in steps]


def test_noisy_is_reproducible_and_seeded() -> None:
    a = tf1.noisy_linear_cosine_decay(0.1, 1000, seed=1)
    b = tf1.noisy_linear_cosine_decay(0.1, 1000, seed=1)
    c = tf1.noisy_linear_cosine_decay(0.1, 1000, seed=2)
    steps = np.arange(0, 1000)
    assert np.array_equal(a(steps), b(steps))
    assert np.array_equal(a(steps[::-1]), a(steps)[::-1])
    assert [a(int(t)) for t in steps[:50]] == a(steps[:50]).tolist()
    assert not np.array_equal(a(steps), c(steps))


@pytest.mark.parametrize(
    ("variance", "decay", "periods"),
    [(1.0, 0.55, 1.0), (0.25, 0.0, 1.0), (4.0, 1.0, 2.0), (1.0, 0.55, 0.5)],
)
def test_noise_has_the_right_std_per_step_region(
    variance: float, decay: float, periods: float
) -> None:
    lr, d = 0.1, 100_000
    noisy = tf1.noisy_linear_cosine_decay(lr, d, variance, decay, periods, 0.0, 0.001, seed=7)
    clean = tf1.linear_cosine_decay(lr, d, periods, 0.0, 0.001)
    # Regions before the horizon, and after it (where the std is frozen at its value at d).
    regions = [(0, 1000), (1000, 10_000), (10_000, 50_000), (50_000, 100_000)]
    if periods != 0.5:
        regions.append((d, d + 100_000))  # with whole periods the wave is 1 after the horizon
    for lo, hi in regions:
        t = np.arange(lo, hi)
        s_eff = np.minimum(t, d).astype(float)
        wave = 0.5 * (1 + np.cos(np.pi * 2 * periods * s_eff / d))
        keep = wave > 0.05  # the noise is multiplied by the wave: skip where it vanishes
        t, s_eff, wave = t[keep], s_eff[keep], wave[keep]
        ratio = (noisy(t) - clean(t)) / (lr * wave)
        std = np.sqrt(variance / (1 + s_eff) ** decay)
        z = ratio / std
        n = z.size
        assert n > 500
        assert abs(z.mean()) < 5 / math.sqrt(n), (lo, hi, z.mean())
        assert abs(z.std() - 1) < 5 * math.sqrt(0.5 / n), (lo, hi, z.std())
        if lo >= d:
            # Frozen: the raw ratio has the constant std sqrt(variance / (1 + d) ** decay).
            frozen = math.sqrt(variance / (1 + d) ** decay)
            assert abs(ratio.std() / frozen - 1) < 5 * math.sqrt(0.5 / n)


def test_noise_vanishes_where_the_wave_is_zero() -> None:
    lr, d = 0.1, 1000
    noisy = tf1.noisy_linear_cosine_decay(lr, d, 1.0, 0.55, 0.5, 0.0, 0.001, seed=3)
    after = noisy(np.arange(d, d + 100))
    assert np.allclose(after, lr * 0.001, rtol=1e-12, atol=1e-18)
    # Nothing stops it from going negative before the horizon (TF's quirk, kept).
    wild = tf1.noisy_linear_cosine_decay(lr, d, 100.0, 0.0, 0.5, 0.0, 0.0, seed=3)
    assert (wild(np.arange(0, d)) < 0).any()
