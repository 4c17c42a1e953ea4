"""Combinators: Join, warmup, hold, Restarts, Clip, Sum, Product, scale, floor and the operators.

Restart cycles are checked against brute force: cycle starts found by adding up integer (or exact
rational) cycle lengths in a loop, never by the closed form the library uses.
"""

from __future__ import annotations

import bisect
import math
import re
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ulps import assert_ulps

from lrdecay import (
    Clip,
    Constant,
    Cosine,
    Exponential,
    GaussianNoise,
    Join,
    Piecewise,
    Polynomial,
    Product,
    Restarts,
    Schedule,
    Sum,
    floor,
    hold,
    linear,
    scale,
    warmup,
)

MAX_STEP = 2**53
EPS = 2.0**-52

values = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)
positive = st.floats(min_value=1e-6, max_value=10.0)


def simple_schedules() -> st.SearchStrategy[Schedule]:
    return st.one_of(
        st.builds(Constant, values),
        st.builds(Cosine, values, st.integers(1, 500), values),
        st.builds(lambda a, b, n: linear(a, b, n), values, values, st.integers(1, 500)),
        st.builds(Exponential, positive, st.integers(1, 100), st.floats(0.1, 1.0)),
        st.builds(lambda v, d: Polynomial(v, d, power=2.0, cycle=True), values, st.integers(1, 99)),
    )


def magnitude(s: Schedule) -> float:
    """The scale of a schedule's values (for tolerances): its largest |value| at a few steps."""
    return float(np.max(np.abs(s(np.array([0, 1, 10, 100, 1000, 5000])))))


def both(s: Schedule, steps: list[int]) -> list[tuple[float, float]]:
    """(scalar, array) values at each step."""
    arr = s(np.array(steps, dtype=np.int64))
    return [(s(t), float(a)) for t, a in zip(steps, arr, strict=True)]


# --------------------------------------------------------------------------- Join
@given(
    data=st.data(),
    parts=st.lists(simple_schedules(), min_size=1, max_size=5),
)
def test_join_uses_local_time_and_switches_at_boundaries(
    data: st.DataObject, parts: list[Schedule]
) -> None:
    bounds = sorted(
        data.draw(
            st.lists(
                st.integers(1, 3000), min_size=len(parts) - 1, max_size=len(parts) - 1, unique=True
            )
        )
    )
    s = Join(parts, bounds)
    starts = [0, *bounds]

    def expected(t: int) -> float:
        i = bisect.bisect_right(bounds, t)  # the piece whose start is the last start <= t
        value: float = parts[i](t - starts[i])
        return value

    probes = {0, 1, MAX_STEP} | {b + d for b in bounds for d in (-1, 0, 1)}
    probes |= set(data.draw(st.lists(st.integers(0, 4000), max_size=8)))
    for t in sorted(probes):
        for got in both(s, [t])[0]:
            assert got == pytest.approx(expected(t), rel=4 * EPS, abs=1e-300), t
    for i, b in enumerate(bounds):
        assert s(b) == parts[i + 1](0), "the new schedule starts at its step 0 at the boundary"
        assert s(b - 1) == parts[i](b - 1 - starts[i]), "the old one runs up to boundary - 1"


def test_join_by_hand() -> None:
    s = Join([linear(0.0, 1.0, 10), Constant(1.0)], boundaries=[10])
    assert [s(0), s(5), s(9), s(10), s(99)] == [0.0, 0.5, 0.9, 1.0, 1.0]
    three = Join([Constant(1.0), linear(5.0, 0.0, 5), Constant(-1.0)], [3, 8])
    expected = [1, 1, 1, 5, 4, 3, 2, 1, -1, -1]
    assert three(np.arange(0, 10)).tolist() == pytest.approx(expected, rel=4 * EPS)
    frac = Join([Constant(1.0), Constant(2.0)], [2.5])
    assert [frac(2), frac(3)] == [1.0, 2.0]
    # Numbers are constants.
    assert Join([0.5, 0.25], [4]) == Join([Constant(0.5), Constant(0.25)], [4])


def test_join_noise_uses_local_steps() -> None:
    noise = GaussianNoise(std=1.0, seed=9)
    s = Join([Constant(0.0), noise], [100])
    steps = np.arange(100, 400)
    assert np.array_equal(s(steps), noise(steps - 100))


# --------------------------------------------------------------------------- warmup / hold
@given(
    inner=simple_schedules(),
    w=st.one_of(st.integers(1, 2000), st.floats(0.5, 2000.0)),
    init=values,
)
def test_warmup(inner: Schedule, w: float, init: float) -> None:
    s = warmup(inner, steps=w, init_value=init)
    peak = inner(0)
    assert s(0) == init
    first_after = math.ceil(w)
    # Linear ramp from init to inner(0), computed independently.
    for t in sorted({0, 1, math.floor(w / 2), first_after - 1}):
        if t < w:
            ref = init + (peak - init) * Fraction(t) / Fraction(w)
            assert s(t) == pytest.approx(float(ref), rel=1e-14, abs=1e-14 * (abs(init) + abs(peak)))
    if float(w).is_integer():
        w_int = int(w)
        # The warm-up does not eat into the schedule: step W + k is the schedule's step k.
        for k in (0, 1, 2, 17, 499, 1000):
            assert s(w_int + k) == inner(k)
        assert s(w_int) == peak, "the schedule starts exactly where the ramp was heading"
        # Continuity: the last ramp step is one ramp increment below the start value.
        assert abs(s(w_int - 1) - peak) <= abs(peak - init) / w + 1e-12 * (abs(peak) + abs(init))
    tail = inner.total_steps
    assert s.total_steps == (None if tail is None else w + tail)


def test_warmup_by_hand() -> None:
    s = warmup(Cosine(1.0, decay_steps=100), steps=10)
    assert [s(0), s(5), s(10), s(110)] == [0.0, 0.5, 1.0, 0.0]
    assert s(60) == pytest.approx(0.5, abs=1e-15)
    assert s.total_steps == 110
    w = warmup(Constant(0.1), steps=4, init_value=0.02)
    assert w(np.arange(6)).tolist() == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.1, 0.1], rel=1e-14)


@given(
    inner=simple_schedules(),
    h=st.integers(1, 2000),
    value=st.one_of(st.none(), values),
)
def test_hold(inner: Schedule, h: int, value: float | None) -> None:
    s = hold(inner, steps=h, value=value)
    held = inner(0) if value is None else value
    assert s(0) == held
    assert s(h - 1) == held
    assert (s(np.arange(0, h)) == held).all()
    for k in (0, 1, 7, 100, 5000):
        assert s(h + k) == inner(k)
    tail = inner.total_steps
    assert s.total_steps == (None if tail is None else h + tail)


# --------------------------------------------------------------------------- Restarts: brute force
def brute_cycles(p: Fraction, m: Fraction, limit: int) -> list[Fraction]:
    """Cycle starts S_0 = 0, S_{i+1} = S_i + P * m**i, up to the first start beyond ``limit``."""
    starts = [Fraction(0)]
    length = p
    while starts[-1] <= limit:
        starts.append(starts[-1] + length)
        length *= m
    return starts


def brute_index(starts: list[Fraction], t: int) -> int:
    i = 0
    while starts[i + 1] <= t:  # a loop, not a logarithm
        i += 1
    return i


def brute_indices(starts: list[Fraction], n: int) -> np.ndarray:
    """The cycle index of every step 0 .. n-1, walking the steps and the cycles together."""
    out = np.empty(n, dtype=np.int64)
    i = 0
    for t in range(n):
        while starts[i + 1] <= t:
            i += 1
        out[t] = i
    return out


def index_probe(p: float, m: float) -> Restarts:
    """A Restarts whose value is exactly 2**cycle_index."""
    return Restarts(Constant(1.0), period_steps=p, period_factor=m, value_factor=2.0)


def local_probe(p: float, m: float) -> Restarts:
    """A Restarts whose value is the local step within the cycle, in first-cycle units."""
    return Restarts(linear(0.0, float(p), p), period_steps=p, period_factor=m)


@pytest.mark.parametrize("m", [1, 2, 3, 10])
def test_restart_cycle_index_is_exact_for_every_step(m: int) -> None:
    steps = np.arange(0, 3000)
    for p in range(1, 51):
        starts = brute_cycles(Fraction(p), Fraction(m), 3000)
        expected_index = brute_indices(starts, steps.size)
        # 2.0**i is exact below 2**1024; for m = 1 and small P the local step checks the rest.
        finite = expected_index < 1000
        got = index_probe(float(p), float(m))(steps)
        np.testing.assert_array_equal(
            got[finite], 2.0 ** expected_index[finite], err_msg=f"P={p}, m={m}"
        )
        # Scalar path, on a sample including every restart step and its neighbours.
        sample = {int(s) + d for s in starts if s < 2999 for d in (-1, 0, 1)} - {-1}
        sample |= set(range(0, 3000, 37))
        probe = index_probe(p, m)
        for t in sorted(sample):
            if finite[t]:
                assert probe(t) == 2.0 ** int(expected_index[t]), (p, m, t)
        # The local step (t - S_i) / m**i: with m = 1 it is t - i*P, exact, so it pins the
        # index down as well.
        local = local_probe(p, float(m))(steps)
        int_starts = [int(s) for s in starts]  # integers here: P and m are integers
        expected_local = [
            (int(t) - int_starts[i]) / m ** int(i)  # int / int: correctly rounded
            for t, i in zip(steps, expected_index, strict=True)
        ]
        if m == 1:
            # A staircase that returns floor(local step) exactly: 0, 1, ..., P - 1.
            stairs = Piecewise(boundaries=list(range(1, p)), values=list(range(p)))
            exact = Restarts(stairs, period_steps=p)(steps)
            np.testing.assert_array_equal(exact, expected_local, err_msg=f"P={p}")
        np.testing.assert_allclose(local, expected_local, rtol=1e-13, atol=1e-12)


def ambiguous_steps(starts: list[Fraction], n: int) -> np.ndarray:
    """Steps within 2**-47 (relative) of a restart time that is not itself an integer step.

    A float period_factor like 1.1 is 1.100000000000000088817841970012523...: the restart time
    P * (1 + m) = 21.000000000000002 for P = 10 is, in the user's decimal intent, step 21. Either
    side of such a near-integer restart time is a defensible answer (lrdecay snaps it to the
    integer); every other step has one right cycle.
    """
    mask = np.zeros(n, dtype=bool)
    for s in starts:
        nearest = round(s)
        if s != nearest and 0 <= nearest < n and abs(s - nearest) <= s * Fraction(1, 2**47):
            mask[nearest] = True
    return mask


@pytest.mark.parametrize(
    ("p", "m"),
    [
        (7, 1.5),
        (1, 1.5),
        (2.5, 1.5),
        (10, 1.25),
        (3, 1.1),
        (10, 1.1),
        (43, 1.1),
        (13, 1.2),
        (7, 1.3),
        (15, 1.7),
        (15, 3.3),
        (125, 1.6084741864017045),
        (0.5, 1 + 2.0**-6),
        (1, 1.0078125),
    ],
)
def test_restart_cycle_index_non_integer_factor(p: float, m: float) -> None:
    # Cycle starts are exact rationals: Fraction(m) is the float's exact binary value.
    starts = brute_cycles(Fraction(p), Fraction(m), 4000)
    steps = np.arange(0, 4000)
    expected_index = brute_indices(starts, steps.size)
    clear = ~ambiguous_steps(starts, steps.size)
    finite = expected_index < 1000
    got = index_probe(p, m)(steps)
    np.testing.assert_array_equal(
        got[clear & finite], 2.0 ** expected_index[clear & finite], err_msg=f"P={p}, m={m}"
    )
    probe = index_probe(p, m)
    for t in range(0, 4000, 13):
        if clear[t] and finite[t]:
            assert probe(t) == 2.0 ** brute_index(starts, t)
            assert probe(t) == 2.0 ** int(expected_index[t])
    local = local_probe(p, m)(steps)
    powers = [Fraction(1)]  # m**i, built up once
    while len(powers) <= int(expected_index.max()):
        powers.append(powers[-1] * Fraction(m))
    expected_local = np.array(
        [
            float((Fraction(int(t)) - starts[i]) / powers[i])
            for t, i in zip(steps, expected_index, strict=True)
        ]
    )
    np.testing.assert_allclose(local[clear], expected_local[clear], rtol=1e-12, atol=1e-11)


def exact_restart_steps(p: int, m: int, below: int) -> list[tuple[int, int]]:
    """(S_i, i) for i >= 1 with S_i <= ``below``, by adding integer cycle lengths."""
    out: list[tuple[int, int]] = []
    start, length, i = 0, p, 0
    while True:
        start, length, i = start + length, length * m, i + 1
        if start > below:
            return out
        out.append((start, i))


def restart_failures(limit: int) -> list[tuple[int, int, int, int]]:
    failures = []
    for m in (2, 3, 4, 5, 6, 7, 10):
        for p in range(1, 51):
            probe = index_probe(float(p), float(m))
            cases = exact_restart_steps(p, m, limit)
            starts = np.array([s for s, _ in cases], dtype=np.int64)
            expected = np.array([2.0**i for _, i in cases])
            at, before = probe(starts), probe(starts - 1)
            for (s, i), a, b in zip(cases, at, before, strict=True):
                scalar_ok = probe(s) == 2.0**i and probe(s - 1) == 2.0 ** (i - 1)
                if not (a == 2.0**i and b == 2.0 ** (i - 1) and scalar_ok):
                    failures.append((p, m, i, s))
            assert len(expected) == len(cases)
    return failures


def test_restart_steps_are_exact_up_to_2_53() -> None:
    """Every exact restart step S_i <= 2**53 starts cycle i, and S_i - 1 ends cycle i - 1.

    (Regression: P*(m**i - 1) used to be computed past 2**53, e.g. P=1, m=10: 10**16 - 1 rounded
    to 10**16, so S_16 = 1111111111111111 fell in cycle 15.)
    """
    assert restart_failures(MAX_STEP) == []


def test_restart_steps_are_exact_in_float32() -> None:
    """(Regression: Restarts(Cosine(1.0, 5), 5, period_factor=4.0)(np.array([6990505]),
    dtype='float32') was 0.0, the end of cycle 10, instead of 1.0: the start was float32.)"""
    failures = []
    for m in (2, 3, 4, 5, 10):
        for p in range(1, 40):
            probe = index_probe(float(p), float(m))
            cases = exact_restart_steps(p, m, 2**24 - 1)
            starts = np.array([s for s, _ in cases])
            got = probe(starts, dtype="float32")
            expected = np.array([2.0**i for _, i in cases], dtype=np.float32)
            if not np.array_equal(got, expected):
                failures.append((p, m, starts[got != expected].tolist()))
    assert failures == []


@given(
    p=st.integers(1, 50),
    m=st.sampled_from([1, 2, 3, 10]),
    g=st.floats(0.1, 2.0),
    init=st.floats(0.01, 10.0),
    i=st.integers(0, 12),
)
def test_restart_value_is_cycle_start_times_value_factor(
    p: int, m: int, g: float, init: float, i: int
) -> None:
    cycle = Cosine(init, decay_steps=p)
    s = Restarts(cycle, period_steps=p, period_factor=m, value_factor=g)
    start = sum(p * m**j for j in range(i))  # S_i, by adding up the cycle lengths
    assume(start <= 2**48)
    expected = float(Fraction(init) * Fraction(g) ** i)
    for got in both(s, [start])[0]:
        assert got == pytest.approx(expected, rel=(i + 2) * EPS)
    if i > 0:
        # The step before a restart is the previous cycle's last step.
        before = s(start - 1)
        last_local = Fraction(p * m ** (i - 1) - 1, m ** (i - 1))
        ref = init * g ** (i - 1) * (1 + math.cos(math.pi * float(last_local) / p)) / 2
        assert before == pytest.approx(ref, rel=1e-12, abs=1e-15 * init * max(g, 1) ** i)


def test_restarts_by_hand() -> None:
    s = Restarts(Cosine(1.0, decay_steps=10), period_steps=10, period_factor=2.0)
    assert [s(0), s(10), s(30), s(70)] == [1.0, 1.0, 1.0, 1.0]
    assert s(20) == pytest.approx(0.5, abs=1e-15)  # the middle of the 20-step cycle [10, 30)
    assert s(5) == pytest.approx(0.5, abs=1e-15)
    flat = Restarts(linear(1.0, 0.0, 4), period_steps=4, value_factor=0.5)
    assert flat(np.arange(0, 12)).tolist() == [
        1.0, 0.75, 0.5, 0.25, 0.5, 0.375, 0.25, 0.125, 0.25, 0.1875, 0.125, 0.0625,
    ]  # fmt: skip
    # The schedule is played over its first period_steps steps (Cosine over 10, period 5).
    half = Restarts(Cosine(1.0, decay_steps=10), period_steps=5)
    assert half(5) == 1.0
    assert half(4) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.4)), rel=1e-15)


# --------------------------------------------------------------------------- Clip, Sum, Product
@given(
    inner=simple_schedules(),
    lo=st.one_of(st.none(), values),
    hi=st.one_of(st.none(), values),
    t=st.integers(0, 5000),
)
def test_clip(inner: Schedule, lo: float | None, hi: float | None, t: int) -> None:
    assume(lo is not None or hi is not None)
    assume(lo is None or hi is None or lo <= hi)
    s = Clip(inner, min_value=lo, max_value=hi)
    v = inner(t)
    expected = v if lo is None else max(v, lo)
    expected = expected if hi is None else min(expected, hi)
    scalar, array = both(s, [t])[0]
    assert scalar == expected  # the same scalar formula, clipped
    # the array path rounds its own way (NumPy's SIMD loops): ulps, not bits
    assert_ulps(array, expected, scale=abs(v), what="Clip array vs scalar")
    assert s.total_steps == inner.total_steps


@given(
    parts=st.lists(simple_schedules(), min_size=1, max_size=4),
    t=st.integers(0, 5000),
)
def test_sum_and_product(parts: list[Schedule], t: int) -> None:
    vals = [p(t) for p in parts]
    total = math.fsum(vals)
    product = math.prod(vals)
    magnitude = sum(abs(v) for v in vals)
    for got in both(Sum(parts), [t])[0]:
        assert got == pytest.approx(total, rel=0, abs=len(parts) * EPS * magnitude + 1e-300)
    for got in both(Product(parts), [t])[0]:
        assert got == pytest.approx(product, rel=len(parts) * EPS, abs=1e-300)


def test_sum_product_total_steps() -> None:
    a, b = Cosine(1.0, 40), linear(0.0, 1.0, 60)
    assert Sum((a, b)).total_steps == 60
    assert Product((a, b)).total_steps == 60
    assert Sum((a, Exponential(1.0, 10, 0.5))).total_steps is None


@given(inner=simple_schedules(), factor=values, t=st.integers(0, 5000))
def test_scale(inner: Schedule, factor: float, t: int) -> None:
    s = scale(inner, factor)
    assert s(t) == factor * inner(t)
    assert_ulps(s(np.array([t]))[0], factor * inner(t), abs(factor) * magnitude(inner))
    assert s.total_steps == (None if inner.total_steps is None else max(0, inner.total_steps))


@given(inner=simple_schedules(), lo=values, t=st.integers(0, 5000))
def test_floor(inner: Schedule, lo: float, t: int) -> None:
    s = floor(inner, lo)
    assert s(t) == max(inner(t), lo)
    assert_ulps(s(np.array([t]))[0], max(inner(t), lo), magnitude(inner))
    assert s == Clip(inner, min_value=lo)


def test_floor_by_hand() -> None:
    s = floor(Exponential(1.0, decay_steps=1, decay_rate=0.1), 0.05)
    assert s(0) == 1.0
    assert s(1) == pytest.approx(0.1, rel=1e-15)
    assert s(5) == 0.05


# --------------------------------------------------------------------------- operators
@given(inner=simple_schedules(), a=values, b=values, t=st.integers(0, 5000))
def test_arithmetic_operators(inner: Schedule, a: float, b: float, t: int) -> None:
    v = inner(t)
    combined = a * inner + b
    assert isinstance(combined, Sum)
    assert combined(t) == a * v + b
    assert_ulps(combined(np.array([t]))[0], a * v + b, abs(a) * magnitude(inner) + abs(b))
    assert (inner * a)(t) == v * a
    assert (b + inner)(t) == b + v
    assert (inner + b)(t) == v + b
    other = Cosine(1.0, decay_steps=100)
    assert (inner + other)(t) == v + other(t)
    assert (inner * other)(t) == v * other(t)
    assert (np.float64(a) * inner)(t) == a * v


def test_operator_example_from_the_brief() -> None:
    s = Cosine(1.0, decay_steps=100)
    lr = 0.1 * s + 0.01
    assert lr == Sum((Product((Constant(0.1), s)), Constant(0.01)))
    assert lr(0) == pytest.approx(0.11, abs=1e-17)
    assert lr(100) == pytest.approx(0.01, abs=1e-17)


def test_operators_reject_non_numbers() -> None:
    s = Cosine(1.0, decay_steps=100)
    for bad in ("x", None, True, [1.0]):
        with pytest.raises(TypeError, match=r"unsupported operand"):
            s + bad
        with pytest.raises(TypeError):
            s * bad


@pytest.mark.parametrize("m", [1e6 * (1 + 2**-52), 1e160, 1e200, 1e300])
def test_restarts_huge_period_factor_is_rejected(m: float) -> None:
    """(Regression: m >= ~1e154 overflowed m**2 and crashed the scalar path.)"""
    with pytest.raises(
        ValueError, match=r"period_factor must be <= 1e6 .*got " + re.escape(repr(m))
    ):
        Restarts(Cosine(1.0, 10), 10, period_factor=m)


def test_restarts_largest_period_factor_is_finite() -> None:
    s = Restarts(Cosine(1.0, 10), 10, period_factor=1e6)
    steps = [0, 5, 10, 11, 10_000_010, MAX_STEP]
    assert s(10) == 1.0 and s(10_000_010) == 1.0  # restarts at P and P (1 + m)
    assert [s(t) for t in steps] == s(np.array(steps)).tolist()


def test_subtraction_division_and_negation() -> None:
    s = Cosine(1.0, decay_steps=100)
    assert (s - 0.01)(0) == pytest.approx(0.99)
    assert (1.0 - s)(0) == 0.0
    assert (s - s)(37) == 0.0
    assert (s / 10)(0) == pytest.approx(0.1)
    assert (-s)(0) == -1.0
    with pytest.raises(ZeroDivisionError):
        s / 0
    with pytest.raises(TypeError, match="unsupported operand"):
        s / s  # type: ignore[operator]


def test_nested_composition_by_hand() -> None:
    # 10 warm-up steps to 1.0, cosine over 20 steps, restarted twice as long, halved each cycle,
    # floored at 0.05, built from the pieces.
    cyc = Restarts(Cosine(1.0, 20), period_steps=20, period_factor=2.0, value_factor=0.5)
    s = floor(warmup(cyc, steps=10), 0.05)
    assert s(0) == 0.05  # the ramp starts at 0, the floor lifts it
    assert s(5) == 0.5
    assert s(10) == 1.0
    assert s(30) == 0.5  # the first restart: 0.5 * 1.0
    assert s(70) == 0.25  # the second one: cycle of 40 steps starting at 20 + 10 warm-up
    assert s(29) == pytest.approx(max(0.05, 0.5 * (1 + math.cos(math.pi * 19 / 20))), rel=1e-15)


@pytest.mark.parametrize("helper", [warmup, hold])
def test_zero_steps_give_the_schedule_itself(helper: Any) -> None:
    """Configs turn warm-up or hold off with 0 steps."""
    inner = Cosine(1.0, decay_steps=100)
    assert helper(inner, steps=0) is inner
    assert helper(inner, 0.0) is inner
    with pytest.raises(ValueError, match=r"steps.*-1"):
        helper(inner, steps=-1)


def test_restarts_past_the_table_use_the_documented_fallback() -> None:
    """A factor so close to 1 that 4,096 cycles begin long before 2**53: past the last tabulated
    cycle the cycle comes from a logarithm, within double precision in float64. Checked at the
    steps around each restart past the table, on a lower value each cycle, for whole steps, for
    steps shifted by half a step (a Join's fractional boundary) and in float32."""
    p, m, g = 10, 1.0005, 0.9995
    s = Restarts(Cosine(1.0, p), period_steps=p, period_factor=m, value_factor=g)
    assert s._cycles is not None and not s._cycles.complete
    table_end = s._cycles.starts.values[-1]
    assert 100_000 < table_end < 200_000
    with mpmath.workdps(40):  # the cycle starts summed at 40 digits (not the library's way)
        starts, length = [mpmath.mpf(0)], mpmath.mpf(p)
        while starts[-1] < 400_000:
            starts.append(starts[-1] + length)
            length *= mpmath.mpf("1.0005")

        def exact(t: Any) -> float:
            i = bisect.bisect_right(starts, t) - 1
            f = (t - starts[i]) / (starts[i + 1] - starts[i])
            return float(mpmath.mpf(g) ** i * (1 + mpmath.cos(mpmath.pi * f)) / 2)

        first = bisect.bisect_right(starts, table_end)
        near = {
            int(mpmath.ceil(starts[i])) + d
            for i in range(first - 3, len(starts) - 1, 97)
            for d in (-1, 0, 1)
        }
        ends = {table_end - 7, table_end, table_end + 1, table_end + 3, 250_000, 399_999}
        steps = sorted(near | ends)
        expected = [exact(t) for t in steps]
        halves = [exact(mpmath.mpf(t) - mpmath.mpf("0.5")) for t in steps]
    array = s(np.array(steps))
    single = s(np.array(steps), dtype="float32")
    shifted = Join([Constant(7.0), s], [0.5])(np.array(steps))
    for k, t in enumerate(steps):
        assert s(t) == pytest.approx(expected[k], abs=1e-9), t
        assert float(array[k]) == pytest.approx(expected[k], abs=1e-9), t
        assert float(single[k]) == pytest.approx(expected[k], abs=1e-3), t
        assert float(shifted[k]) == pytest.approx(halves[k], abs=1e-9), t


def test_restarts_past_the_table_find_every_steps_cycle() -> None:
    """Every step of 100,000 past the table is in its cycle (the logarithm's estimate of the
    cycle, and its corrections, against cycle starts summed at 40 digits)."""
    p, m, g = 10, 1.0005, 0.9995
    s = Restarts(Constant(1.0), period_steps=p, period_factor=m, value_factor=g)
    assert s._cycles is not None
    table_end = s._cycles.starts.values[-1]
    with mpmath.workdps(40):
        starts, length = [mpmath.mpf(0)], mpmath.mpf(p)
        while starts[-1] < table_end + 100_000:
            starts.append(starts[-1] + length)
            length *= mpmath.mpf("1.0005")
        exact_starts = np.array([float(x) for x in starts])
    steps = np.arange(table_end - 10, table_end + 100_000)
    expected = np.searchsorted(exact_starts, steps, side="right") - 1
    got = np.rint(np.log(s(steps)) / math.log(g)).astype(np.int64)
    np.testing.assert_array_equal(got, expected)


def test_a_number_where_a_schedule_goes_is_a_constant() -> None:
    """Every combinator takes a plain number for a schedule, stored as a Constant."""
    assert Clip(0.5, max_value=0.3).schedule == Constant(0.5)
    assert Clip(0.5, max_value=0.3)(7) == 0.3
    assert Restarts(2.0, period_steps=5).schedule == Constant(2.0)
    assert Join([1.0, 0.5], [3]).schedules == (Constant(1.0), Constant(0.5))
    with pytest.raises(ValueError, match=r"^Clip: give min_value, max_value or both, got neither$"):
        Clip(Constant(1.0))


@pytest.mark.parametrize("combinator", [Sum, Product], ids=["Sum", "Product"])
def test_an_empty_sum_or_product_is_refused(combinator: Any) -> None:
    name = combinator.__name__
    with pytest.raises(ValueError, match=rf"^{name}: schedules must not be empty, got \[\]$"):
        combinator(())


def test_a_cycle_may_start_at_the_last_exact_step() -> None:
    """``P = 2**51, m = 3``: cycle 2 starts at ``2**51 * (1 + 3) = 2**53`` exactly, the last step
    the table covers."""
    s = Restarts(Constant(1.0), period_steps=2**51, period_factor=3, value_factor=0.5)
    assert [s(2**53 - 1), s(2**53)] == [0.5, 0.25]
    assert s(np.array([2**53 - 1, 2**53])).tolist() == [0.5, 0.25]


def test_restarts_of_a_step_with_a_fraction_from_step_zero() -> None:
    """A Restarts behind a half-step boundary sees ``t - 0.5``: every step, from the first, in
    the right cycle (cycle starts 0, 3, 9, 21 for P = 3, m = 2)."""
    inner = Restarts(Constant(1.0), period_steps=3, period_factor=2, value_factor=0.5)
    s = Join([Constant(7.0), inner], [0.5])
    steps = np.arange(0, 30)
    cycle = [0 if t - 0.5 < 3 else 1 if t - 0.5 < 9 else 2 if t - 0.5 < 21 else 3 for t in steps]
    expected = [7.0] + [0.5**i for i in cycle[1:]]
    assert s(steps).tolist() == expected
    assert [s(int(t)) for t in steps] == expected


def test_restart_steps_past_2_24_in_float32() -> None:
    """Cycle starts float32 cannot hold (odd integers above 2**24) are compared as integers."""
    probe = index_probe(3.0, 2.0)  # starts 3 * (2**i - 1)
    for i in range(23, 30):
        start = 3 * (2**i - 1)
        got = probe(np.array([start - 1, start]), dtype="float32")
        assert got.tolist() == [2.0 ** (i - 1), 2.0**i], i


def test_restarts_behind_a_half_step_meet_their_starts() -> None:
    """Cycle starts 0, 1.5, 4.5, 10.5 (P = 1.5, m = 2) met exactly by ``t - 0.5``."""
    inner = Restarts(Constant(1.0), period_steps=1.5, period_factor=2, value_factor=0.5)
    s = Join([Constant(7.0), inner], [0.5])
    starts = [0, 1.5, 4.5, 10.5, 22.5]
    steps = np.arange(1, 20)
    expected = [0.5 ** (sum(1 for b in starts if b <= t - 0.5) - 1) for t in steps]
    assert s(steps).tolist() == expected


def test_a_restarted_join_starts_every_cycle_with_its_first_piece() -> None:
    """Each cycle hands its schedule a step from 0 (stretched by ``m**i``): a piece before 1 is
    reached every cycle (cycles start at 0, 3, 9)."""
    s = Restarts(Join([Constant(1.0), Constant(2.0)], [0.5]), period_steps=3, period_factor=2)
    steps = np.array([0, 1, 2, 3, 4, 9, 10, 11])
    expected = [1.0, 2.0, 2.0, 1.0, 2.0, 1.0, 1.0, 2.0]
    assert s(steps).tolist() == expected
    assert [s(int(t)) for t in steps] == expected


def test_a_zero_stays_zero_when_the_gain_overflows() -> None:
    """``g ** i`` is ``inf`` after ``709 / ln g`` cycles: a zero value there is 0, not NaN."""
    for s in (
        Restarts(Constant(0.0), period_steps=1, value_factor=1.5),
        Restarts(Constant(0.0), period_steps=1, period_factor=1.001, value_factor=1.5),
    ):
        assert s(10**6) == 0.0
        assert s(np.array([10, 10**6])).tolist() == [0.0, 0.0]
    nonzero = Restarts(Constant(1.0), period_steps=1, value_factor=1.5)
    assert nonzero(10**6) == math.inf
