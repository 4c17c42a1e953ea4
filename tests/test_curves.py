"""Each curve against an independent formula, and the properties curves promise.

References are written here from the formulas (in ``mpmath`` at 40 digits, or with exact integers
and ``fractions``), never from lrdecay's output.
"""

from __future__ import annotations

import bisect
import math
import re
from fractions import Fraction

import mpmath  # type: ignore[import-untyped]
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ulps import assert_ulps

from lrdecay import (
    Constant,
    Cosine,
    Exponential,
    GaussianNoise,
    InverseTime,
    Piecewise,
    Polynomial,
    Ramp,
    Schedule,
    Tanh,
    linear,
    multistep,
    step_decay,
)

mpmath.mp.dps = 40
MAX_STEP = 2**53
EPS = 2.0**-52

values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
positive_values = st.floats(min_value=1e-8, max_value=1e3)
int_durations = st.integers(min_value=1, max_value=10**6)
float_durations = st.floats(min_value=0.5, max_value=1e6)
durations = st.one_of(int_durations, float_durations)
powers = st.one_of(st.sampled_from([0.5, 1.0, 2.0, 3.0]), st.floats(min_value=0.05, max_value=8.0))


def steps_around(horizon: float) -> st.SearchStrategy[int]:
    """Steps near 0, near the horizon (-1, 0, +1), anywhere, and huge ones up to 2**53."""
    h = math.floor(horizon)
    special = sorted({0, 1, max(h - 1, 0), h, h + 1, math.ceil(horizon), 2 * h + 1, MAX_STEP})
    return st.one_of(
        st.sampled_from(special),
        st.integers(min_value=0, max_value=max(2 * h + 2, 10)),
        st.integers(min_value=0, max_value=MAX_STEP),
    )


def check_close(got: float, ref: mpmath.mpf, scale: float, rtol: float = 1e-12) -> None:
    """|got - ref| <= rtol * scale (scale: the curve's magnitude, for cancellation near 0)."""
    err = abs(mpmath.mpf(got) - ref)
    assert err <= rtol * scale + 1e-300, f"got {got!r}, reference {mpmath.nstr(ref, 20)}"


def evaluate_both(schedule: object, step: int) -> list[float]:
    """The value at ``step`` by the scalar path and by the array path."""
    s = schedule  # a Schedule
    return [s(step), float(s(np.array([step]))[0])]  # type: ignore[operator]


# --------------------------------------------------------------------------- references
def ref_polynomial(
    init: float, d: float, end: float, power: float, cycle: bool, t: int
) -> mpmath.mpf:
    t_, d_ = mpmath.mpf(t), mpmath.mpf(d)
    if cycle:
        # Horizon stretches to d * ceil(t / d), at least d; found with exact rationals.
        k = max(1, math.ceil(Fraction(t) / Fraction(d)))
        horizon = d_ * k
        frac = t_ / horizon
    else:
        frac = min(t_, d_) / d_
    return (mpmath.mpf(init) - end) * (1 - frac) ** power + end


def ref_cosine(init: float, d: float, end: float, periods: float, t: int) -> mpmath.mpf:
    t_ = min(mpmath.mpf(t), mpmath.mpf(d))
    wave = (1 + mpmath.cos(2 * mpmath.pi * periods * t_ / d)) / 2
    return end + (mpmath.mpf(init) - end) * wave


def decay_exponent(t: int, d: float, staircase: bool) -> mpmath.mpf:
    if staircase:
        return mpmath.mpf(math.floor(Fraction(t) / Fraction(d)))
    return mpmath.mpf(t) / d


def ref_exponential(init: float, d: float, rate: float, staircase: bool, t: int) -> mpmath.mpf:
    return init * mpmath.power(mpmath.mpf(rate), decay_exponent(t, d, staircase))


def ref_inverse_time(
    init: float, d: float, rate: float, power: float, staircase: bool, t: int
) -> mpmath.mpf:
    return init / (1 + rate * decay_exponent(t, d, staircase)) ** power


# --------------------------------------------------------------------------- Constant
@given(value=values, step=st.integers(min_value=0, max_value=MAX_STEP))
def test_constant(value: float, step: int) -> None:
    s = Constant(value)
    assert s(step) == value
    assert (s(np.array([step, 0, MAX_STEP])) == value).all()


# --------------------------------------------------------------------------- Polynomial
@given(data=st.data(), init=values, end=values, d=durations, power=powers, cycle=st.booleans())
def test_polynomial_against_formula(
    data: st.DataObject, init: float, end: float, d: float, power: float, cycle: bool
) -> None:
    # cycle=True with a fractional decay_steps: a step t near a multiple k*d is ambiguous (is
    # 63 a multiple of 0.7, i.e. of 0.6999999999999999556?), so integer d only; see
    # test_polynomial_cycle_fractional_decay_steps_is_finite for the fractional case.
    assume(not cycle or float(d).is_integer())
    s = Polynomial(init_value=init, decay_steps=d, end_value=end, power=power, cycle=cycle)
    scale = max(abs(init), abs(end), 1e-300)
    for t in data.draw(st.lists(steps_around(d), min_size=1, max_size=6)):
        ref = ref_polynomial(init, d, end, power, cycle, t)
        # 1 - t/T is computed with an absolute error of about an ulp; x**p multiplies that by
        # its derivative p * x**(p-1), which is large near x = 0 when p < 1. That is the
        # conditioning of the formula itself, so it is part of the tolerance.
        x = float((ref - end) / (mpmath.mpf(init) - end)) if init != end else 1.0
        x = abs(x) ** (1 / power) if x else 0.0
        slope = power * x ** (power - 1) if x > 0 else 0.0
        tol = 1e-13 * scale + 2 * EPS * abs(init - end) * slope
        for got in evaluate_both(s, t):
            check_close(got, ref, 1.0, rtol=tol)
            if x == 0.0:
                assert got == pytest.approx(end, abs=1e-15 * scale)


def test_polynomial_examples_by_hand() -> None:
    s = Polynomial(init_value=1.0, decay_steps=10, end_value=0.0, power=2.0)
    assert [s(0), s(5), s(10), s(11), s(MAX_STEP)] == [1.0, 0.25, 0.0, 0.0, 0.0]
    assert linear(0.0, 1.0, 4)(1) == 0.25
    assert linear(2.0, 1.0, 4)(np.array([0, 2, 4, 8])).tolist() == [2.0, 1.5, 1.0, 1.0]


def test_polynomial_cycle_semantics() -> None:
    # D0 = 100, power 1, from 1 to 0: at s = k*D0 the horizon is k*D0, so the value is the end;
    # one step later the horizon is (k+1)*D0 and the value is 1 - (k*D0 + 1)/((k+1)*D0).
    s = Polynomial(init_value=1.0, decay_steps=100, end_value=0.0, cycle=True)
    expected = {
        0: Fraction(1),
        1: 1 - Fraction(1, 100),
        100: Fraction(0),
        101: 1 - Fraction(101, 200),  # 0.495
        150: 1 - Fraction(150, 200),
        200: Fraction(0),
        201: 1 - Fraction(201, 300),  # 0.33
        300: Fraction(0),
        301: 1 - Fraction(301, 400),
        10**6: Fraction(0),
        10**6 + 1: 1 - Fraction(10**6 + 1, 10**6 + 100),
    }
    for t, v in expected.items():
        assert s(t) == pytest.approx(float(v), abs=1e-15), t
        assert s(np.array([t]))[0] == pytest.approx(float(v), abs=1e-15), t
    assert Fraction(expected[101]) == Fraction(495, 1000)
    # With init/end: the same fraction of (init - end) above end.
    g = Polynomial(init_value=0.3, decay_steps=100, end_value=0.1, cycle=True)
    assert g(101) == pytest.approx(0.495 * (0.3 - 0.1) + 0.1, rel=1e-14)
    assert g(100) == pytest.approx(0.1, rel=1e-14)


@given(
    d=st.integers(min_value=2, max_value=10**6),
    k=st.integers(min_value=1, max_value=10**6),
    init=positive_values,
    power=powers,
)
def test_polynomial_cycle_touches_end_at_every_multiple(
    d: int, k: int, init: float, power: float
) -> None:
    assume(k * d + 1 <= MAX_STEP)
    s = Polynomial(init_value=init, decay_steps=d, end_value=0.0, power=power, cycle=True)
    assert s(k * d) == 0.0
    assert s(np.array([k * d]))[0] == 0.0
    after = s(k * d + 1)
    assert after > 0.0
    check_close(after, ref_polynomial(init, d, 0.0, power, True, k * d + 1), init, rtol=1e-9)


@pytest.mark.parametrize("d", [0.7, 2.3, 0.1, 1.1, 7.7, 0.37])
@pytest.mark.parametrize("power", [0.5, 1.0, 2.0])
def test_polynomial_cycle_fractional_decay_steps_is_finite(d: float, power: float) -> None:
    """(Regression: d * ceil(t / d) can round below t, 0.7 * ceil(63 / 0.7) = 62.99999999999999,
    and 1 - t / horizon < 0 gave NaN for power 0.5 and values below end_value for power 1.)"""
    s = Polynomial(init_value=1.0, decay_steps=d, end_value=0.25, power=power, cycle=True)
    steps = np.arange(0, 20000)
    v = s(steps)
    assert np.isfinite(v).all()
    assert ((v >= 0.25) & (v <= 1.0)).all()
    # (Python ints and NumPy arrays take different exact paths: agree within rounding)
    assert_ulps([s(int(t)) for t in steps[::97]], v[::97], 1.0)


# --------------------------------------------------------------------------- Cosine
@given(
    data=st.data(),
    init=values,
    end=values,
    d=durations,
    periods=st.one_of(st.just(0.5), st.sampled_from([1.0, 2.0, 4.0]), st.floats(0.01, 50.0)),
)
def test_cosine_against_formula(
    data: st.DataObject, init: float, end: float, d: float, periods: float
) -> None:
    s = Cosine(init_value=init, decay_steps=d, end_value=end, num_periods=periods)
    scale = max(abs(init), abs(end), 1e-300)
    for t in data.draw(st.lists(steps_around(d), min_size=1, max_size=6)):
        ref = ref_cosine(init, d, end, periods, t)
        # The angle 2*pi*n*t/T carries an error of a few ulps of itself.
        rtol = 1e-12 + 8 * EPS * 2 * math.pi * periods
        for got in evaluate_both(s, t):
            check_close(got, ref, scale, rtol=rtol)


def test_cosine_examples_by_hand() -> None:
    s = Cosine(init_value=1.0, decay_steps=100, end_value=0.1)
    assert s(0) == 1.0
    assert s(50) == pytest.approx(0.55, abs=1e-15)
    assert s(100) == pytest.approx(0.1, abs=1e-16)
    assert s(10**9) == s(100)
    full = Cosine(init_value=1.0, decay_steps=100, end_value=0.0, num_periods=1.0)
    assert full(50) == pytest.approx(0.0, abs=1e-16)
    assert full(100) == pytest.approx(1.0, abs=1e-15)


# --------------------------------------------------------------------------- monotone, bounded
def end_values(init: float) -> st.SearchStrategy[float]:
    """Any value, the same value, or one a few ulps away (where rounding is the whole story)."""
    nudged = st.integers(-4, 4).map(lambda k: init + k * math.ulp(init))
    return st.one_of(values, st.just(init), nudged, st.just(0.0), st.just(-init))


@given(
    data=st.data(),
    init=values,
    d=st.integers(min_value=1, max_value=3000),
    power=powers,
    kind=st.sampled_from(["cosine", "polynomial"]),
)
def test_decay_is_monotone_and_bounded(
    data: st.DataObject, init: float, d: int, power: float, kind: str
) -> None:
    end = data.draw(end_values(init))
    s: Schedule
    if kind == "cosine":
        s = Cosine(init_value=init, decay_steps=d, end_value=end)
    else:
        s = Polynomial(init_value=init, decay_steps=d, end_value=end, power=power)
    v = s(np.arange(0, d + 3))
    lo, hi = min(init, end), max(init, end)
    assert v[0] == init
    assert v[d] == pytest.approx(end, abs=4 * EPS * max(abs(init), abs(end)))
    assert ((v >= lo) & (v <= hi)).all()
    diffs = np.diff(v)
    assert (diffs <= 0).all() if init >= end else (diffs >= 0).all()
    assert np.isfinite(v).all()
    big = s(np.array([d, 10 * d, 2**40, MAX_STEP]))
    assert (big == big[0]).all()


@pytest.mark.parametrize("kind", ["cosine", "polynomial"])
def test_equal_init_and_end_is_constant(kind: str) -> None:
    """(Regression: init*w + end*(1-w) rounded to init +- 1 ulp and was not monotone.)"""
    c = 1.5286839177857754
    s: Schedule
    if kind == "cosine":
        s = Cosine(init_value=c, decay_steps=79, end_value=c)
    else:
        s = Polynomial(init_value=0.1, decay_steps=79, end_value=0.1, power=2.0)
        c = 0.1
    v = s(np.arange(0, 80))
    assert (v == c).all(), sorted(set(v.tolist()))


# --------------------------------------------------------------------------- Exponential
@given(
    data=st.data(),
    init=values,
    d=durations,
    rate=st.floats(min_value=1e-3, max_value=2.0),
    staircase=st.booleans(),
)
def test_exponential_against_formula(
    data: st.DataObject, init: float, d: float, rate: float, staircase: bool
) -> None:
    s = Exponential(init_value=init, decay_steps=d, decay_rate=rate, staircase=staircase)
    for t in data.draw(st.lists(steps_around(d), min_size=1, max_size=6)):
        ref = ref_exponential(init, d, rate, staircase, t)
        factor = ref_exponential(1.0, d, rate, staircase, t)
        if factor > 1e300 or factor < 1e-290:
            continue  # overflow / underflow territory; see the finiteness tests
        # exp(p * log r): the exponent carries a relative error of a few ulps.
        exponent = float(abs(decay_exponent(t, d, staircase) * mpmath.log(rate)))
        rtol = 1e-13 + 4 * EPS * exponent
        for got in evaluate_both(s, t):
            check_close(got, ref, float(abs(ref)), rtol=rtol)


def test_exponential_examples_by_hand() -> None:
    s = Exponential(init_value=1.0, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [s(0), s(9), s(10), s(19), s(20), s(25)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    c = Exponential(init_value=1.0, decay_steps=10, decay_rate=0.5)
    assert c(5) == pytest.approx(math.sqrt(0.5), rel=1e-15)
    assert c(30) == pytest.approx(0.125, rel=1e-15)


# --------------------------------------------------------------------------- InverseTime
@given(
    data=st.data(),
    init=values,
    d=durations,
    rate=st.floats(min_value=0.0, max_value=100.0),
    power=powers,
    staircase=st.booleans(),
)
def test_inverse_time_against_formula(
    data: st.DataObject, init: float, d: float, rate: float, power: float, staircase: bool
) -> None:
    s = InverseTime(
        init_value=init, decay_steps=d, decay_rate=rate, power=power, staircase=staircase
    )
    for t in data.draw(st.lists(steps_around(d), min_size=1, max_size=6)):
        ref = ref_inverse_time(init, d, rate, power, staircase, t)
        if ref_inverse_time(1.0, d, rate, power, staircase, t) < 1e-290:
            continue  # underflow: subnormal results carry no relative precision
        for got in evaluate_both(s, t):
            check_close(got, ref, float(abs(ref)), rtol=1e-13 + 8 * EPS * power)


def test_inverse_time_examples_by_hand() -> None:
    assert InverseTime(init_value=1.0, decay_steps=10, decay_rate=1.0)(10) == 0.5
    assert InverseTime(1.0, decay_steps=10, decay_rate=1.0, power=0.5)(30) == 0.5
    stair = InverseTime(1.0, decay_steps=10, decay_rate=1.0, staircase=True)
    assert [stair(9), stair(10), stair(19), stair(20)] == [1.0, 0.5, 0.5, 1 / 3]
    assert InverseTime(0.3, decay_steps=10, decay_rate=0.0)(10**9) == 0.3


# --------------------------------------------------------------------------- staircases
@given(
    d=st.integers(min_value=1, max_value=10**7),
    k=st.integers(min_value=1, max_value=MAX_STEP),
    rate=st.floats(min_value=0.5, max_value=0.999),
    kind=st.sampled_from(["exponential", "inverse_time"]),
)
def test_staircase_changes_exactly_at_multiples(d: int, k: int, rate: float, kind: str) -> None:
    k = max(1, min(k, (MAX_STEP + 1) // d - 1))  # every step below stays <= 2**53
    assume((k + 1) * d - 1 <= MAX_STEP)
    s: Schedule
    if kind == "exponential":
        s = Exponential(init_value=1.0, decay_steps=d, decay_rate=rate, staircase=True)

        def ref(t: int) -> mpmath.mpf:
            return ref_exponential(1.0, d, rate, True, t)
    else:
        s = InverseTime(init_value=1.0, decay_steps=d, decay_rate=rate, staircase=True)

        def ref(t: int) -> mpmath.mpf:
            return ref_inverse_time(1.0, d, rate, 1.0, True, t)

    steps = [(k - 1) * d, k * d - 1, k * d, (k + 1) * d - 1]
    v = s(np.array(steps))
    assert v[0] == v[1], "constant within a stair"
    assert v[2] == v[3], "constant within a stair"
    before, after = ref(k * d - 1), ref(k * d)
    if before > 1e-290 and (before - after) / before > 1e-12:
        assert v[2] < v[1], "the value must change exactly at k * decay_steps"
    for t, got in zip(steps, v, strict=True):
        r = ref(t)
        if r > 1e-290:
            check_close(float(got), r, float(r), rtol=1e-13 + 4 * EPS * abs(float(mpmath.log(r))))
    # the scalar path (math.pow) and the array path (NumPy's SIMD pow) round their own ways
    assert_ulps([s(t) for t in steps], v, what="scalar vs array")


# --------------------------------------------------------------------------- Piecewise
@given(
    data=st.data(),
    bounds=st.lists(st.integers(min_value=0, max_value=10**6), max_size=6, unique=True),
)
def test_piecewise_switches_at_boundaries(data: st.DataObject, bounds: list[int]) -> None:
    bounds.sort()
    vals = data.draw(st.lists(values, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    s = Piecewise(boundaries=bounds, values=vals)

    def ref(t: int) -> float:
        return vals[bisect.bisect_right(bounds, t)]  # number of boundaries b <= t

    probes = {0, MAX_STEP} | {b + d for b in bounds for d in (-1, 0, 1) if b + d >= 0}
    probes |= set(data.draw(st.lists(st.integers(0, 2 * 10**6), max_size=5)))
    for t in sorted(probes):
        assert s(t) == ref(t), t
    arr = np.array(sorted(probes))
    assert s(arr).tolist() == [ref(int(t)) for t in arr]
    for i, b in enumerate(bounds):
        assert s(b) == vals[i + 1]
        if b > 0:
            assert s(b - 1) == vals[i]


def test_piecewise_examples_by_hand() -> None:
    s = Piecewise(boundaries=[10, 20], values=[1.0, 0.1, 0.01])
    assert [s(0), s(9), s(10), s(19), s(20), s(MAX_STEP)] == [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    frac = Piecewise(boundaries=[10.5], values=[1.0, 2.0])
    assert [frac(10), frac(11)] == [1.0, 2.0]
    zero = Piecewise(boundaries=[0], values=[1.0, 2.0])
    assert zero(0) == 2.0
    assert Piecewise(boundaries=[], values=[3.0])(12345) == 3.0


# --------------------------------------------------------------------------- finiteness
@given(
    init=st.floats(min_value=-1e30, max_value=1e30),
    end=st.floats(min_value=-1e30, max_value=1e30),
    d=st.floats(min_value=1e-3, max_value=1e15),
    power=st.floats(min_value=1e-3, max_value=100.0),
    rate=st.floats(min_value=1e-300, max_value=1.0),
    periods=st.floats(min_value=1e-3, max_value=1e3),
    cycle=st.booleans(),
    staircase=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**64 - 1),  # the documented range
)
def test_curves_are_finite_for_valid_inputs(
    init: float,
    end: float,
    d: float,
    power: float,
    rate: float,
    periods: float,
    cycle: bool,
    staircase: bool,
    seed: int,
) -> None:
    curves = [
        Constant(init),
        Polynomial(init, d, end, power=power, cycle=cycle and float(d).is_integer()),
        Cosine(init, d, end, num_periods=periods),
        Exponential(init, d, rate, staircase=staircase),
        InverseTime(init, d, 1.0 / rate if rate > 1e-200 else 1e200, power=power),
        GaussianNoise(std=abs(init), seed=seed),
        Piecewise([d], [init, end]),
    ]
    steps = np.array([0, 1, 2, 999, math.floor(d), math.ceil(d), 10**9, 2**40, MAX_STEP])
    steps = steps[steps <= MAX_STEP]
    for s in curves:
        assert np.isfinite(s(steps)).all(), s
        for t in steps:
            assert math.isfinite(s(int(t))), (s, t)


TINY = [
    pytest.param(lambda d: Cosine(1.0, decay_steps=d), id="Cosine"),
    pytest.param(lambda d: Cosine(1.0, decay_steps=d, num_periods=1e6), id="Cosine-max-periods"),
    pytest.param(lambda d: InverseTime(1.0, decay_steps=d, decay_rate=0.0), id="InverseTime"),
    pytest.param(
        lambda d: Exponential(1.0, decay_steps=d, decay_rate=0.5, staircase=True), id="Exp-stair"
    ),
    pytest.param(lambda d: Polynomial(1.0, decay_steps=d, cycle=True), id="Polynomial-cycle"),
    pytest.param(lambda d: Polynomial(1.0, decay_steps=d, power=0.5), id="Polynomial"),
    pytest.param(lambda d: linear(1.0, 0.0, d), id="linear"),
]


@pytest.mark.parametrize("make", TINY)
@pytest.mark.parametrize("d", [1e-310, 1e-10, 9.9e-7])
def test_durations_below_the_minimum_are_rejected(make: object, d: float) -> None:
    """(Regression: Cosine(1.0, decay_steps=1e-310)(0) was nan, others raised from math.)"""
    with pytest.raises(ValueError, match=r"steps.*" + re.escape(repr(d))):
        make(d)  # type: ignore[operator]


@pytest.mark.parametrize("make", TINY)
def test_shortest_duration_stays_finite(make: object) -> None:
    s = make(1e-6)  # type: ignore[operator]
    steps = [0, 1, 2, 1000, 2**40, MAX_STEP]
    for t in steps:
        assert math.isfinite(s(t))
    assert np.isfinite(s(np.array(steps))).all()
    assert np.isfinite(s(np.array(steps), dtype="float32")).all()


def test_too_many_periods_are_rejected() -> None:
    Cosine(1.0, decay_steps=10, num_periods=1e6)
    with pytest.raises(ValueError, match=r"num_periods.*1e\+300"):
        Cosine(1.0, decay_steps=10, num_periods=1e300)


def test_exponential_growth_overflows_to_inf() -> None:
    """Documented reality rather than a promise: decay_rate > 1 grows without bound."""
    s = Exponential(init_value=1.0, decay_steps=1, decay_rate=2.0)
    assert s(10) == 1024.0
    assert s(2000) == math.inf  # 2**2000 is not a float


# --------------------------------------------------------------------------- GaussianNoise
def test_noise_is_a_pure_function_of_seed_and_step() -> None:
    n = GaussianNoise(std=1.0, seed=42)
    steps = np.array([5, 0, 123456, 2**40, 7, 5, MAX_STEP, 1])
    forward = n(steps)
    # Order, shape, scalar vs array, repeated evaluation and a fresh equal object: all the same.
    assert forward[0] == forward[5]
    assert np.array_equal(n(steps[::-1]), forward[::-1])
    assert np.array_equal(n(steps.reshape(2, 4)), forward.reshape(2, 4))
    assert [n(int(t)) for t in steps] == forward.tolist()
    assert np.array_equal(GaussianNoise(std=1.0, seed=42)(steps), forward)
    big = n(np.arange(0, 40000))
    assert np.array_equal(big[steps[steps < 40000]], forward[steps < 40000])
    assert np.isfinite(forward).all()


@given(seed=st.integers(min_value=0, max_value=2**64 - 1), std=positive_values)
def test_noise_scales_with_std(seed: int, std: float) -> None:
    unit = GaussianNoise(std=1.0, seed=seed)
    scaled = GaussianNoise(std=std, seed=seed)
    steps = np.arange(0, 50)
    assert np.array_equal(scaled(steps), std * unit(steps))
    shaped = GaussianNoise(std=linear(1.0, 0.0, 40), seed=seed)
    assert np.array_equal(shaped(steps), linear(1.0, 0.0, 40)(steps) * unit(steps))
    assert (shaped(np.arange(40, 50)) == 0.0).all()


def test_different_seeds_differ() -> None:
    steps = np.arange(0, 2000)
    seeds_ = (0, 1, 2, 3, 1000, 2**32, 2**63, 2**64 - 1)
    draws = {seed: GaussianNoise(std=1.0, seed=seed)(steps) for seed in seeds_}
    seeds = list(draws)
    for i, a in enumerate(seeds):
        for b in seeds[i + 1 :]:
            same = np.count_nonzero(draws[a] == draws[b])
            assert same == 0, (a, b)
            corr = np.corrcoef(draws[a], draws[b])[0, 1]
            assert abs(corr) < 5 / math.sqrt(len(steps)), (a, b, corr)


def test_seeds_beyond_64_bits_are_rejected() -> None:
    """(Regression: seed=2**64 silently repeated seed 0's noise.)"""
    with pytest.raises(ValueError, match=r"seed must be < 2\*\*64, got 18446744073709551616"):
        GaussianNoise(std=1.0, seed=2**64)
    GaussianNoise(std=1.0, seed=2**64 - 1)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    cdf: np.ndarray = 0.5 * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))
    return cdf


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40 + 7])
def test_noise_statistics(seed: int) -> None:
    n_steps = 200_000
    z = GaussianNoise(std=1.0, seed=seed)(np.arange(n_steps))
    sigma_mean = 1 / math.sqrt(n_steps)
    assert abs(z.mean()) < 5 * sigma_mean
    assert abs(z.std() - 1.0) < 5 * math.sqrt(0.5 / n_steps)
    # Neighbouring steps (and steps two apart) are uncorrelated.
    for lag in (1, 2, 3):
        r = float(np.corrcoef(z[:-lag], z[lag:])[0, 1])
        assert abs(r) < 5 * sigma_mean, (lag, r)
    # It is a normal distribution: Kolmogorov-Smirnov distance (1.95/sqrt(n) is the 0.1% level),
    # the third and fourth moments, and the tails.
    sample = np.sort(z[:20000])
    cdf = _normal_cdf(sample)
    ecdf_hi = np.arange(1, sample.size + 1) / sample.size
    ecdf_lo = np.arange(0, sample.size) / sample.size
    ks = max(np.max(ecdf_hi - cdf), np.max(cdf - ecdf_lo))
    assert ks < 1.95 / math.sqrt(sample.size)
    assert abs(np.mean(z**3)) < 5 * math.sqrt(15 / n_steps)
    assert abs(np.mean(z**4) - 3.0) < 5 * math.sqrt(96 / n_steps)
    tail = np.mean(np.abs(z) > 3.0)
    assert abs(tail - 0.0026997960632601866) < 5 * math.sqrt(0.0027 / n_steps)


def test_noise_seeds_below_2_64() -> None:
    GaussianNoise(0.1, seed=2**64 - 1)
    with pytest.raises(
        ValueError,
        match=r"^GaussianNoise: seed must be < 2\*\*64, got 18446744073709551616$",
    ):
        GaussianNoise(0.1, seed=2**64)
    with pytest.raises(
        ValueError, match=r"^Exponential: decay_rate must be >= 0 \(a negative rate"
    ):
        Exponential(1.0, 10, -0.5)


def test_inverse_time_power_two() -> None:
    s = InverseTime(1.0, decay_steps=10, decay_rate=1.0, power=2.0)
    assert [s(0), s(10), s(30)] == [1.0, 0.25, 1 / 16]


def test_a_power_below_float32s_tiny_still_reaches_zero() -> None:
    """``0 ** 5e-324`` is 0, and float32 (which rounds the power itself to 0) agrees."""
    s = Polynomial(1.0, 10, 0.0, power=5e-324)
    assert s(10) == 0.0 and s(5) == 1.0
    assert s(np.array([5, 10]), dtype="float32").tolist() == [1.0, 0.0]


def test_an_empty_array_of_steps() -> None:
    for s in (Cosine(1.0, 10), Polynomial(1.0, 10), Exponential(1.0, 10, 0.5)):
        out = s(np.array([], dtype=np.int64))
        assert out.shape == (0,) and out.dtype == np.float64


# --------------------------------------------------------------------------- Ramp (issue 7)
def ref_ramp(a: float, b: float, d: float, shape: str, power: float, t: int) -> mpmath.mpf:
    """The ramp's shapes, written from their definitions in mpmath."""
    u = min(mpmath.mpf(t), mpmath.mpf(d)) / mpmath.mpf(d)
    a_, b_ = mpmath.mpf(a), mpmath.mpf(b)
    if shape == "exponential":
        return a_ * mpmath.power(b_ / a_, u)
    w = {
        "linear": u,
        "cosine": (1 - mpmath.cos(mpmath.pi * u)) / 2,
        "sqrt": mpmath.sqrt(u),
        "1-sqrt": 1 - mpmath.sqrt(1 - u),
        "power": mpmath.power(u, power),
    }[shape]
    return a_ + (b_ - a_) * w


@given(
    data=st.data(),
    a=positive_values,
    b=positive_values,
    d=durations,
    shape=st.sampled_from(["linear", "cosine", "exponential", "sqrt", "1-sqrt", "power"]),
    power=st.floats(0.25, 6.0),
)
def test_ramp_against_formula(
    data: st.DataObject, a: float, b: float, d: float, shape: str, power: float
) -> None:
    s = Ramp(a, b, d, shape=shape, power=power)
    t = data.draw(steps_around(d))
    ref = ref_ramp(a, b, d, shape, power, t)
    for got in evaluate_both(s, t):
        check_close(got, ref, max(a, b))
        assert min(a, b) <= got <= max(a, b)  # never outside its ends
    # exactly the ends: init_value at 0, end_value from the horizon on
    assert s(0) == a and s(math.ceil(d)) == b and s(MAX_STEP) == b
    assert s.total_steps == d


@pytest.mark.parametrize("shape", ["linear", "cosine", "exponential", "sqrt", "1-sqrt", "power"])
def test_ramp_is_monotone(shape: str) -> None:
    up = Ramp(1e-4, 0.1, 997, shape=shape, power=4.0)(np.arange(1100))
    down = Ramp(0.1, 1e-4, 997, shape=shape, power=4.0)(np.arange(1100))
    assert (np.diff(up) >= 0).all() and (np.diff(down) <= 0).all()


def test_ramp_validation() -> None:
    with pytest.raises(ValueError, match=r"Ramp: shape must be one of .*got 'cubic'"):
        Ramp(0.0, 1.0, 10, shape="cubic")
    with pytest.raises(TypeError, match=r"Ramp: shape must be one of .*got 3 \(int\)"):
        Ramp(0.0, 1.0, 10, shape=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Ramp: power must be > 0, got 0"):
        Ramp(0.0, 1.0, 10, shape="power", power=0)
    with pytest.raises(ValueError, match=r"Ramp: init_value and end_value must be non-zero"):
        Ramp(0.0, 1.0, 10, shape="exponential")
    with pytest.raises(ValueError, match=r"Ramp: init_value and end_value .*got init_value=-1"):
        Ramp(-1.0, 1.0, 10, shape="exponential")
    with pytest.raises(ValueError, match=r"Ramp: ramp_steps must be > 0"):
        Ramp(0.0, 1.0, 0)


# --------------------------------------------------------------------------- Tanh (issue 7)
def ref_tanh(v0: float, d: float, v1: float, lb: float, ub: float, t: int) -> mpmath.mpf:
    """timm's TanhLRScheduler formula (tanh_lr.py), held from t_initial on."""
    tr = min(mpmath.mpf(t), mpmath.mpf(d)) / mpmath.mpf(d)
    return v1 + mpmath.mpf(0.5) * (mpmath.mpf(v0) - v1) * (1 - mpmath.tanh(lb * (1 - tr) + ub * tr))


@given(
    data=st.data(),
    v0=positive_values,
    v1=st.floats(0.0, 1e-3),
    d=durations,
    lb=st.floats(-10.0, 0.0),
    width=st.floats(0.5, 15.0),
)
def test_tanh_against_timm_formula(
    data: st.DataObject, v0: float, v1: float, d: float, lb: float, width: float
) -> None:
    s = Tanh(v0, d, end_value=v1, lower=lb, upper=lb + width)
    t = data.draw(steps_around(d))
    ref = ref_tanh(v0, d, v1, lb, lb + width, t)
    for got in evaluate_both(s, t):
        check_close(got, ref, max(v0, v1))


def test_tanh_by_hand() -> None:
    s = Tanh(1.0, 100)
    assert s(70) == 0.5  # z = -7 + 10 * 0.7 = 0: tanh(0) = 0
    assert s(0) == pytest.approx(0.5 * (1 + math.tanh(7)), rel=1e-15)
    assert s(100) == s(10**9) == pytest.approx(0.5 * (1 - math.tanh(3)), rel=1e-14)
    assert s.total_steps == 100
    with pytest.raises(ValueError, match=r"Tanh: lower must be < upper, got lower=3, upper=3"):
        Tanh(1.0, 100, lower=3, upper=3)
    with pytest.raises(ValueError, match=r"Tanh: decay_steps must be > 0"):
        Tanh(1.0, -1)


# --------------------------------------------------------------------------- step / multistep
def torch_lrs(make: object, n: int, lr: float = 1.0) -> list[float]:
    """The rate PyTorch's scheduler gives updates 0 .. n - 1 (read before each ``step()``)."""
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    sched = make(opt)  # type: ignore[operator]
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize(("size", "gamma"), [(1, 0.5), (7, 0.1), (30, 0.9)])
def test_step_decay_against_torch_steplr(size: int, gamma: float) -> None:
    import torch

    ref = torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, size, gamma), 200, lr=0.3)
    ours = step_decay(0.3, size, gamma)(np.arange(200))
    # torch multiplies the live rate (chainable form): a rounding per decay
    assert_ulps(ours, ref, 0.3, ulps=64)
    assert step_decay(0.3, size, gamma) == Exponential(0.3, size, gamma, staircase=True)


@pytest.mark.parametrize("milestones", [[1], [10, 20], [3, 50, 51, 120]])
def test_multistep_against_torch_multisteplr(milestones: list[int]) -> None:
    import torch

    ref = torch_lrs(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones, 0.1), 150)
    ours = multistep(1.0, milestones, 0.1)(np.arange(150))
    assert_ulps(ours, ref, 1.0, ulps=64)
    exact = [0.1 ** bisect.bisect_right(milestones, k) for k in range(150)]
    assert_ulps(ours, exact, 1.0)


def test_step_helpers_validation() -> None:
    with pytest.raises(ValueError, match=r"step_decay: decay_steps must be > 0"):
        step_decay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match=r"Piecewise: boundaries must be strictly increasing"):
        multistep(0.1, [10, 10], 0.5)
    with pytest.raises(TypeError, match=r"multistep: decay_rate must be a real number"):
        multistep(0.1, [10], "0.5")
