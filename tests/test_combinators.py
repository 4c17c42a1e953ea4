"""Combinators: Join, warmup, hold, Restarts, Clip, Sum, Product, scale, floor and the operators.

Restart cycles are checked against brute force: cycle starts found by adding up integer (or exact
rational) cycle lengths in a loop, never by the closed form the library uses.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import subprocess
import sys
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ulps import assert_ulps

import lrdecay
from lrdecay import (
    WSD,
    Clip,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    GaussianNoise,
    Join,
    OneCycle,
    Piecewise,
    Plateau,
    Polynomial,
    Product,
    Restarts,
    Schedule,
    Sum,
    burn_in,
    floor,
    hold,
    inverse_sqrt,
    linear,
    scale,
    warmup,
    with_floor,
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


# =========================================================================== issue 7
def torch_lrs(make: Any, n: int, lr: float = 1.0) -> list[float]:
    """The rate a PyTorch scheduler gives updates 0 .. n - 1 (read before each ``step()``)."""
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)
    sched = make(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def mp_ramp(a: float, b: float, u: Fraction, shape: str) -> mpmath.mpf:
    """A warm-up ramp's value at the fraction ``u`` of its length, from its definition."""
    u_ = mpmath.mpf(u.numerator) / u.denominator
    a_, b_ = mpmath.mpf(a), mpmath.mpf(b)
    if shape == "exponential":
        return a_ * mpmath.power(b_ / a_, u_)
    if shape == "1-sqrt":
        return a_ + (b_ - a_) * (1 - mpmath.sqrt(1 - u_))
    w = u_ if shape == "linear" else (1 - mpmath.cos(mpmath.pi * u_)) / 2
    return a_ + (b_ - a_) * w


# --------------------------------------------------------------------------- warm-up shapes
@given(
    inner=st.one_of(
        st.builds(Cosine, positive, st.integers(1, 500), positive),
        st.builds(Exponential, positive, st.integers(1, 100), st.floats(0.1, 1.0)),
        st.builds(lambda a, b, n: linear(a, b, n), positive, positive, st.integers(1, 500)),
    ),
    w=st.one_of(st.integers(1, 2000), st.floats(0.5, 2000.0)),
    init=st.floats(1e-6, 1.0),
    shape=st.sampled_from(["linear", "cosine", "exponential", "1-sqrt"]),
)
def test_warmup_shapes_join_the_schedule(
    inner: Schedule, w: float, init: float, shape: str
) -> None:
    s = warmup(inner, steps=w, init_value=init, shape=shape)
    peak = inner(0)
    assert s(0) == init
    for t in sorted({1, math.floor(w / 2), math.ceil(w) - 1}):
        if 0 < t < w:
            ref = mp_ramp(init, peak, Fraction(t) / Fraction(repr(float(w))), shape)
            got = s(t)
            assert abs(mpmath.mpf(got) - ref) <= 1e-12 * max(init, peak), (t, got, ref)
            assert min(init, peak) <= got <= max(init, peak)
    if float(w).is_integer():
        w_int = int(w)
        assert s(w_int) == peak  # continuous: the ramp ends exactly where the schedule starts
        for k in (0, 1, 17, 499):
            assert s(w_int + k) == inner(k)
    ramp = s(np.arange(math.floor(w) + 1))  # the ramp's steps, and the schedule's first
    assert (np.diff(ramp) >= 0).all() if peak >= init else (np.diff(ramp) <= 0).all()


def test_warmup_shapes_by_hand() -> None:
    s = warmup(Constant(1.0), steps=4, init_value=1e-4, shape="exponential")
    assert s(np.arange(6)).tolist() == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 1.0], rel=1e-13)
    c = warmup(Constant(1.0), steps=4, shape="cosine")
    expected = [(1 - math.cos(math.pi * k / 4)) / 2 for k in range(4)] + [1.0]
    assert c(np.arange(5)).tolist() == pytest.approx(expected, abs=1e-16)
    # the default shape is the linear warm-up, as built before (same config)
    assert warmup(Cosine(1.0, 10), 5) == warmup(Cosine(1.0, 10), 5, shape="linear")
    with pytest.raises(ValueError, match=r"warmup: init_value must be non-zero .*got 0.0"):
        warmup(Cosine(1.0, 10), 5, shape="exponential")
    with pytest.raises(ValueError, match=r"warmup: shape must be one of .*got 'quadratic'"):
        warmup(Cosine(1.0, 10), 5, shape="quadratic")


# --------------------------------------------------------------------------- burn-in
@pytest.mark.parametrize(("b", "power"), [(1000, 4.0), (7, 4.0), (64, 2.0), (10, 0.5)])
def test_burn_in_is_darknets_formula(b: int, power: float) -> None:
    base = 0.001
    s = burn_in(Exponential(base, 100, 0.5, staircase=True), steps=b, power=power)
    for t in sorted({0, 1, 2, b // 3, b // 2, b - 1}):
        # darknet's get_current_rate: rate * pow((float)batch_num / net.burn_in, net.power)
        ref = mpmath.mpf(base) * mpmath.power(mpmath.mpf(t) / b, power)
        assert abs(mpmath.mpf(s(t)) - ref) <= 1e-15 * base
    assert s(b) == base and s(b + 100) == base / 2
    assert burn_in(Constant(0.1), 0) == Constant(0.1)
    with pytest.raises(ValueError, match=r"burn_in: power must be > 0, got -1"):
        burn_in(Constant(0.1), 10, power=-1)


# --------------------------------------------------------------------------- in-formula floor
@given(
    inner=st.one_of(
        st.builds(Cosine, positive, st.integers(1, 500)),
        st.builds(lambda a, n: linear(a, 0.0, n), positive, st.integers(1, 500)),
        st.builds(
            lambda a, n: WSD(a, 0, 20, n, decay_shape="1-sqrt"), positive, st.integers(1, 99)
        ),
    ),
    f=st.floats(0.0, 1.0),
    t=st.integers(0, 2000),
)
def test_with_floor_ends_exactly_on_the_floor(inner: Schedule, f: float, t: int) -> None:
    s = with_floor(inner, f)
    horizon = inner.total_steps
    assert horizon is not None
    assert s(math.ceil(horizon)) == f and s(10**12) == f  # exactly, not a clamp
    # an affine map of the curve: f + (s0 - f) / s0 * inner
    s0 = inner(0)
    ref = mpmath.mpf(f) + (mpmath.mpf(s0) - f) / s0 * mpmath.mpf(inner(t))
    assert abs(mpmath.mpf(s(t)) - ref) <= 4e-16 * (abs(s0) + abs(f))
    assert s(0) == pytest.approx(s0, rel=4e-16)


def test_with_floor_rejects_a_curve_from_zero() -> None:
    with pytest.raises(ValueError, match=r"with_floor: schedule must not start at 0"):
        with_floor(linear(0.0, 1.0, 10), 0.1)


# --------------------------------------------------------------------------- inverse sqrt
@pytest.mark.parametrize(("w", "timescale"), [(100, None), (4000, None), (10, 1000), (0, 10_000)])
def test_inverse_sqrt_against_transformers(w: int, timescale: int | None) -> None:
    pytest.importorskip("transformers")
    import torch
    from transformers import get_inverse_sqrt_schedule

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    factor = get_inverse_sqrt_schedule(opt, num_warmup_steps=w, timescale=timescale).lr_lambdas[0]
    steps = sorted({0, 1, w // 2, max(w - 1, 0), w, w + 1, 2 * w + 7, 10**5, 10**9, 2**40})
    s = inverse_sqrt(0.5, warmup_steps=w, timescale=timescale)
    assert_ulps([s(k) for k in steps], [0.5 * factor(k) for k in steps], 0.5)
    assert_ulps(s(np.array(steps)), [0.5 * factor(k) for k in steps], 0.5)


def test_inverse_sqrt_is_noam() -> None:
    d, w = 512, 4000
    s = inverse_sqrt((d * w) ** -0.5, warmup_steps=w)
    for t in (1, 100, 3999, 4000, 4001, 10**6):
        noam = d**-0.5 * min(t**-0.5, t * w**-1.5)
        assert s(t) == pytest.approx(noam, rel=1e-13)
    with pytest.raises(ValueError, match=r"inverse_sqrt: timescale must be given when warmup"):
        inverse_sqrt(0.1)


# --------------------------------------------------------------------------- restart limit
@pytest.mark.parametrize(
    ("p", "m", "g", "n"), [(10, 1.0, 1.0, 3), (7, 1.5, 0.5, 4), (2.5, 2.0, 0.9, 5)]
)
def test_restarts_hold_after_max_cycles(p: float, m: float, g: float, n: int) -> None:
    curve = Cosine(1.0, p, end_value=0.1)
    limited = Restarts(curve, p, period_factor=m, value_factor=g, max_cycles=n)
    free = Restarts(curve, p, period_factor=m, value_factor=g)
    # brute force: the cycle lengths summed as exact rationals
    start, length = Fraction(0), Fraction(repr(float(p)))
    for _ in range(n):
        start, length = start + length, length * Fraction(repr(m))
    assert limited.total_steps == float(start)
    before = np.arange(math.ceil(start))
    assert_ulps(limited(before), free(before))
    held = mpmath.mpf(g) ** (n - 1) * mpmath.mpf(0.1)  # the last cycle's end: g^(n-1) * s(P)
    after = limited(np.array([math.ceil(start), math.ceil(start) + 1, 10**6, 2**53]))
    assert_ulps(after, [float(held)] * 4)
    with pytest.raises(ValueError, match=r"Restarts: max_cycles must be >= 1, got 0"):
        Restarts(curve, p, max_cycles=0)


# --------------------------------------------------------------------------- WSD
@given(
    w=st.integers(0, 300),
    stable=st.integers(0, 3000),
    d=st.integers(1, 2000),
    ratio=st.sampled_from([0.0, 0.01, 0.1]),
    decay=st.sampled_from(["linear", "cosine", "1-sqrt"]),
    warm=st.sampled_from(["linear", "cosine", "1-sqrt"]),
)
def test_wsd_against_transformers(
    w: int, stable: int, d: int, ratio: float, decay: str, warm: str
) -> None:
    pytest.importorskip("transformers")
    import torch
    from transformers import get_wsd_schedule

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    hf = get_wsd_schedule(
        opt, w, d, num_stable_steps=stable, warmup_type=warm, decay_type=decay, min_lr_ratio=ratio
    ).lr_lambdas[0]
    s = WSD(
        2.0,
        w,
        stable,
        d,
        init_value=2 * ratio,
        end_value=2 * ratio,
        decay_shape=decay,
        warmup_shape=warm,
    )
    total = w + stable + d
    steps = sorted(
        k
        for k in {0, 1, w // 2, w - 1, w, w + 1, w + stable - 1, w + stable, w + stable + 1}
        | {w + stable + d // 3, total - 1, total, total + 1, 10**7}
        if k >= 0
    )
    ref = [2.0 * hf(k) for k in steps]
    assert_ulps([s(k) for k in steps], ref, 2.0)
    assert_ulps(s(np.array(steps)), ref, 2.0)
    assert s.total_steps == total
    assert s(total) == 2 * ratio  # exactly the end value


def test_wsd_exponential_decay_and_stable_phase() -> None:
    s = WSD(1.0, 10, 90, 100, init_value=0.001, end_value=0.001, decay_shape="exponential")
    assert (s(np.arange(10, 100)) == 1.0).all()  # the stable phase is exactly the peak
    for t in (100, 101, 150, 199):
        ref = mpmath.power(mpmath.mpf(0.001), mpmath.mpf(t - 100) / 100)
        assert abs(mpmath.mpf(s(t)) - ref) <= 1e-15
    assert s(200) == s(10**9) == 0.001


@given(
    w=st.integers(0, 100),
    k=st.integers(0, 10**6),
    d=st.one_of(st.integers(1, 1000), st.none()),
    f=st.floats(0.01, 0.5),
    decay=st.sampled_from(["linear", "cosine", "1-sqrt"]),
)
def test_wsd_decay_on_demand(w: int, k: int, d: int | None, f: float, decay: str) -> None:
    open_run = WSD(0.1, w, decay_steps=d, decay_fraction=None if d else f, decay_shape=decay)
    start = w + k
    assume(start > 0 or d is not None)  # a fraction of a run of 0 steps is no decay
    branched = open_run.with_decay_from(start)
    length = (
        d if d is not None else float(Fraction(start) * Fraction(repr(f)) / (1 - Fraction(repr(f))))
    )
    fixed = WSD(0.1, w, k, d, decay_fraction=None if d else f, decay_shape=decay)
    assert branched == fixed  # the same phases as a run planned with them from the start
    assert branched.total_steps == pytest.approx(start + length, rel=1e-15)
    probe = np.array(sorted({0, w, start - 1, start} - {-1}))
    assert (branched(probe) == open_run(probe)).all()  # identical up to the branch point
    assert branched(start) == 0.1 and branched(math.ceil(start + length)) == 0.0
    assert open_run.with_decay_from(start, decay_steps=7).total_steps == start + 7


def test_wsd_validation() -> None:
    with pytest.raises(ValueError, match=r"WSD: decay_steps or decay_fraction must be given"):
        WSD(0.1, 10, 100)
    with pytest.raises(ValueError, match=r"WSD: decay_fraction and decay_steps are two ways"):
        WSD(0.1, 10, 100, 10, decay_fraction=0.1)
    with pytest.raises(ValueError, match=r"WSD: decay_fraction must be > 0 and < 1, got 1"):
        WSD(0.1, 10, 100, decay_fraction=1)
    with pytest.raises(ValueError, match=r"WSD: decay_shape must be one of .*got 'step'"):
        WSD(0.1, 10, 100, 10, decay_shape="step")
    with pytest.raises(ValueError, match=r"WSD: end_value must be non-zero .*exponential"):
        WSD(0.1, 10, 100, 10, decay_shape="exponential")
    with pytest.raises(ValueError, match=r"WSD: init_value must be non-zero .*exponential"):
        WSD(0.1, 10, 100, 10, warmup_shape="exponential")
    with pytest.raises(ValueError, match=r"WSD.with_decay_from: step must be >= warmup_steps"):
        WSD(0.1, 10, decay_steps=10).with_decay_from(5)
    with pytest.raises(ValueError, match=r"WSD.with_decay_from: decay_steps must be given"):
        WSD(0.1, 10).with_decay_from(50)
    with pytest.raises(ValueError, match=r"WSD: stable_steps must be >= 0, got -1"):
        WSD(0.1, 10, -1, 10)


# --------------------------------------------------------------------------- OneCycle
@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize(("total", "pct"), [(100, 0.3), (1000, 0.25), (57, 0.4), (10, 0.3)])
def test_onecycle_against_torch(three_phase: bool, anneal: str, total: int, pct: float) -> None:
    import torch

    def make(opt: Any) -> Any:
        return torch.optim.lr_scheduler.OneCycleLR(
            opt,
            max_lr=0.5,
            total_steps=total,
            pct_start=pct,
            anneal_strategy=anneal,
            three_phase=three_phase,
            div_factor=20.0,
            final_div_factor=1e3,
        )

    ref = torch_lrs(make, total)
    # PyTorch's phases end at pct * total - 1 (the peak) and total - 1 (the end)
    s = OneCycle(
        0.5 / 20,
        0.5,
        0.5 / 20 / 1e3,
        cycle_steps=total - 1,
        warmup_steps=pct * total - 1,
        shape="cosine" if anneal == "cos" else "linear",
        three_phase=three_phase,
    )
    assert_ulps(s(np.arange(total)), ref, 0.5, ulps=64)
    assert_ulps([s(k) for k in range(total)], ref, 0.5, ulps=64)


def test_onecycle_against_optax() -> None:
    pytest.importorskip("optax")
    code = (
        "import json, optax, numpy as np, jax\n"
        "jax.config.update('jax_enable_x64', True)\n"
        "out = {}\n"
        "s = optax.cosine_onecycle_schedule(1000, 0.1, 0.25, 25.0, 1e4)\n"
        "out['cosine'] = [float(s(np.int64(k))) for k in range(0, 1003)]\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    ref = json.loads(done.stdout.strip().splitlines()[-1])
    for shape in ("cosine",):  # (optax's linear one-cycle has three unequal phases)
        s = OneCycle(
            0.1 / 25, 0.1, 0.1 / 25 / 1e4, cycle_steps=1000, warmup_fraction=0.25, shape=shape
        )
        assert_ulps(s(np.arange(1003)), ref[shape], 0.1, ulps=64, what=shape)


def test_onecycle_by_hand_and_validation() -> None:
    s = OneCycle(0.1, 1.0, 0.0, cycle_steps=100, three_phase=True, shape="linear")
    assert [s(0), s(30), s(60), s(80), s(100), s(10**6)] == [0.1, 1.0, 0.1, 0.05, 0.0, 0.0]
    assert OneCycle(0.1, 1.0, 0.0, 100).warmup_fraction is None  # the default 0.3, not stored
    assert OneCycle(0.1, 1.0, 0.0, 100)(30) == 1.0
    with pytest.raises(ValueError, match=r"OneCycle: warmup_fraction and warmup_steps are two"):
        OneCycle(0.1, 1.0, 0.0, 100, warmup_steps=10, warmup_fraction=0.1)
    with pytest.raises(ValueError, match=r"OneCycle: warmup_fraction must be > 0 and < 0.5"):
        OneCycle(0.1, 1.0, 0.0, 100, warmup_fraction=0.5, three_phase=True)
    with pytest.raises(ValueError, match=r"OneCycle: warmup_steps must leave room"):
        OneCycle(0.1, 1.0, 0.0, 100, warmup_steps=100)
    with pytest.raises(ValueError, match=r"OneCycle: shape must be one of .*got 'cos'"):
        OneCycle(0.1, 1.0, 0.0, 100, shape="cos")


# --------------------------------------------------------------------------- Cyclic
@pytest.mark.parametrize(
    ("up", "down", "mode", "gamma"),
    [
        (10, None, "triangular", 1.0),
        (7, 13, "triangular", 1.0),
        (5, 5, "triangular2", 1.0),
        (20, 3, "triangular2", 1.0),
        (10, 15, "exp_range", 0.99),
        (2000, None, "exp_range", 0.99994),
    ],
)
def test_cyclic_against_torch(up: int, down: int | None, mode: str, gamma: float) -> None:
    import torch

    n = 5 * (up + (down or up)) + 3

    def make(opt: Any) -> Any:
        return torch.optim.lr_scheduler.CyclicLR(
            opt,
            base_lr=0.001,
            max_lr=0.1,
            step_size_up=up,
            step_size_down=down,
            mode=mode,
            gamma=gamma,
            cycle_momentum=False,
        )

    ref = torch_lrs(make, n)
    s = Cyclic(0.001, 0.1, up_steps=up, down_steps=down, mode=mode, gamma=gamma)
    # torch raises the binary double nearest gamma to the k-th power, lrdecay the decimal as
    # written: k ulps of gamma apart at step k
    ulps = 64 + (4 * n if mode == "exp_range" else 0)
    assert_ulps(s(np.arange(n)), ref, 0.1, ulps=ulps)
    assert_ulps([s(k) for k in range(0, n, 7)], ref[::7], 0.1, ulps=ulps)
    # and against Smith's formula in exact arithmetic, gamma as written
    period = up + (down or up)
    for k in range(0, n, max(1, n // 97)):
        cycle, r = divmod(k, period)
        tri = Fraction(r, up) if r < up else 1 - Fraction(r - up, down or up)
        amp = {"triangular": mpmath.mpf(1), "triangular2": mpmath.mpf(2) ** -cycle}.get(
            mode, mpmath.power(mpmath.mpf(repr(gamma)), k)
        )
        ref_k = mpmath.mpf(0.001) + (mpmath.mpf(0.1) - mpmath.mpf(0.001)) * amp * (
            mpmath.mpf(tri.numerator) / tri.denominator
        )
        assert abs(mpmath.mpf(s(k)) - ref_k) <= 1e-12 * 0.1, (k, s(k), ref_k)


def test_cyclic_validation() -> None:
    with pytest.raises(ValueError, match=r"Cyclic: mode must be one of .*got 'sine'"):
        Cyclic(0.1, 1.0, 10, mode="sine")
    with pytest.raises(ValueError, match=r"Cyclic: gamma must be > 0, got 0"):
        Cyclic(0.1, 1.0, 10, mode="exp_range", gamma=0)
    with pytest.raises(ValueError, match=r"Cyclic: up_steps must be > 0"):
        Cyclic(0.1, 1.0, 0)
    assert Cyclic(0.1, 1.0, 10).total_steps is None


# --------------------------------------------------------------------------- Plateau
metric_lists = st.lists(
    st.one_of(st.floats(-5.0, 5.0), st.sampled_from([1.0, 1.0001, 0.9999, 2.0])),
    max_size=60,
)


@given(
    metrics=metric_lists,
    mode=st.sampled_from(["min", "max"]),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    threshold=st.sampled_from([0.0, 1e-4, 0.01, 0.5]),
    factor=st.sampled_from([0.1, 0.5, 0.9]),
    patience=st.integers(0, 4),
    cooldown=st.integers(0, 3),
    min_scale=st.sampled_from([0.0, 0.01, 0.3]),
)
def test_plateau_against_torch(
    metrics: list[float],
    mode: str,
    threshold_mode: str,
    threshold: float,
    factor: float,
    patience: int,
    cooldown: int,
    min_scale: float,
) -> None:
    import torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    ref_sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt,
        mode=mode,
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        min_lr=min_scale,
    )
    ref = []
    for m in metrics:
        ref_sched.step(m)
        ref.append(opt.param_groups[0]["lr"])
    rule = Plateau(
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        mode=mode,
        cooldown=cooldown,
        min_scale=min_scale,
    )
    assert rule.simulate(metrics) == pytest.approx(ref, rel=1e-15)


def test_plateau_schedule_is_a_pure_schedule() -> None:
    rule = Plateau(factor=0.5, patience=1)
    metrics = [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0]
    assert rule.simulate(metrics) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    base = warmup(Cosine(1.0, 900), 100, shape="cosine")  # composes with a warm-up
    s = rule.schedule(base, metrics, steps_per_epoch=100)
    expected = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25]  # epoch e: after metric e - 1
    steps = np.arange(900)
    assert_ulps(s(steps), base(steps) * np.repeat(expected, 100))
    assert s.total_steps == 1000
    assert lrdecay.from_config(lrdecay.to_config(s)) == s  # saved and rebuilt like any schedule
    state = rule.start()
    assert [state.step(m) for m in metrics] == rule.simulate(metrics)
    assert state.best == 1.0
    # resume from a checkpoint mid-run: the same multipliers as one uninterrupted run
    first = rule.start()
    head = [first.step(m) for m in metrics[:4]]
    resumed = rule.start()
    resumed.load_state_dict(json.loads(json.dumps(first.state_dict())))
    assert head + [resumed.step(m) for m in metrics[4:]] == rule.simulate(metrics)
    with pytest.raises(ValueError, match=r"missing \['scale'\]"):
        rule.start().load_state_dict({"best": 1.0, "bad": 0, "cooldown_left": 0, "seen": 3})


def test_plateau_validation() -> None:
    with pytest.raises(ValueError, match=r"Plateau: factor must be >= 0 and < 1, got 1.0"):
        Plateau(factor=1.0)
    with pytest.raises(ValueError, match=r"Plateau: mode must be one of min, max, got 'best'"):
        Plateau(mode="best")
    with pytest.raises(ValueError, match=r"Plateau: patience must be >= 0, got -1"):
        Plateau(patience=-1)
    with pytest.raises(TypeError, match=r"Plateau.step: metric must be a real number"):
        Plateau().simulate(["low"])


# --------------------------------------------------------------------------- shared properties
rates = st.floats(1e-6, 1.0)
# lengths as people write them: whole steps, or a decimal (a period of 1.4824719004100189 steps,
# 17 digits, has no exact ratio in int64 steps: see Step.divmod)
lengths = st.one_of(st.integers(1, 10**6), st.integers(5, 10**6).map(lambda k: k / 10))


@st.composite
def modern(draw: st.DrawFn) -> tuple[Schedule, list[float]]:
    """One of the issue-7 schedules, with the values it is built from (its range's ends)."""
    kind = draw(st.sampled_from(["WSD", "OneCycle", "Cyclic", "inverse_sqrt", "warmup", "Tanh"]))
    a, b, c = draw(rates), draw(rates), draw(rates)
    n, m, k = draw(lengths), draw(lengths), draw(lengths)
    if kind == "WSD":
        shape = draw(st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"]))
        warm = draw(st.sampled_from(["linear", "cosine", "exponential", "1-sqrt"]))
        s: Schedule = WSD(
            b, n, m, k, init_value=a, end_value=c, decay_shape=shape, warmup_shape=warm
        )
        return s, [a, b, c]
    if kind == "OneCycle":
        three = draw(st.booleans())
        f = draw(st.floats(0.01, 0.49 if three else 0.99))
        shape = draw(st.sampled_from(["cosine", "linear"]))
        return OneCycle(a, b, c, n, warmup_fraction=f, shape=shape, three_phase=three), [a, b, c]
    if kind == "Cyclic":
        mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
        gamma = draw(st.floats(0.9, 1.0))
        return Cyclic(a, b, n, m, mode=mode, gamma=gamma), [a, b]
    if kind == "inverse_sqrt":
        return inverse_sqrt(b, n, timescale=m, init_value=a), [a, b, 0.0]
    if kind == "warmup":
        shape = draw(st.sampled_from(["linear", "cosine", "exponential"]))
        return warmup(Cosine(b, m, end_value=c), n, init_value=a, shape=shape), [a, b, c]
    return lrdecay.Tanh(a, n, end_value=c), [a, c]


@given(case=modern(), data=st.data())
def test_modern_schedules_are_finite_and_within_their_values(
    case: tuple[Schedule, list[float]], data: st.DataObject
) -> None:
    s, ends = case
    steps = data.draw(st.lists(st.integers(0, 2**53), min_size=1, max_size=20))
    steps += [0, 1, 2**31 - 1, 2**53]
    for dtype, eps in (("float64", 2.0**-52), ("float32", 2.0**-23)):
        got = s(np.array(steps, dtype=np.int64), dtype=dtype)
        assert np.isfinite(got).all()
        slack = 8 * eps * max(ends)
        assert (got >= min(ends) - slack).all() and (got <= max(ends) + slack).all(), (s, got)
    scalars = [s(k) for k in steps]
    assert_ulps(scalars, s(np.array(steps, dtype=np.int64)), max(ends))


# --------------------------------------------------------------------------- Shift
@given(
    delta=st.one_of(st.integers(0, 10**6), st.floats(0.0, 1e6).map(lambda x: round(x, 3))),
    steps=st.lists(st.integers(0, 2**40), min_size=1, max_size=20),
)
def test_shift_is_the_curve_started_part_way(delta: float, steps: list[int]) -> None:
    # independent math: a linear ramp over 10**6 steps, evaluated at the exact t + delta
    from fractions import Fraction

    from lrdecay import Shift, linear

    shifted = Shift(linear(0.0, 1.0, 10**6), delta)
    d = Fraction(str(delta)) if isinstance(delta, float) else Fraction(delta)
    exact = [float(min(Fraction(k) + d, Fraction(10**6)) / 10**6) for k in steps]
    assert [shifted(k) for k in steps] == pytest.approx(exact, rel=0, abs=1e-15)
    assert shifted(np.asarray(steps)) == pytest.approx(exact, rel=0, abs=1e-15)


def test_shift_validates() -> None:
    from lrdecay import Constant, Shift

    with pytest.raises(ValueError, match=r"Shift: steps must be >= 0.*-1"):
        Shift(Constant(1.0), -1)
    with pytest.raises(TypeError, match=r"Shift: schedule must be"):
        Shift("cosine", 1)  # type: ignore[arg-type]
    assert Shift(Constant(1.0), 0)(5) == 1.0


# --------------------------------------------------------------------------- Warp and Power
@given(
    steps=st.floats(1.0, 1e5),
    power=st.floats(0.0, 4.0),
    k=st.integers(0, 10**6),
)
def test_warp_is_the_schedule_on_a_power_clock(steps: float, power: float, k: int) -> None:
    from lrdecay import Warp, linear

    inner = linear(0.0, 1.0, steps)
    warped = Warp(inner, steps=steps, power=power)
    clock = steps * (k / steps) ** power  # 0 ** 0 is 1: the clock stands at T
    expected = min(clock / steps, 1.0)
    assert warped(k) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert warped(np.array([k]))[0] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_warp_of_a_cosine_is_timms_k_decay() -> None:
    """timm's k-decay: ``cos(pi t**k / T**k)``, written out independently."""
    from lrdecay import Cosine, Warp

    t = np.arange(0, 101)
    for k in (0.5, 1.0, 2.0, 3.0):
        got = Warp(Cosine(1.0, 100, end_value=0.1), steps=100, power=k)(t)
        expected = 0.1 + 0.5 * 0.9 * (1 + np.cos(np.pi * t**k / 100.0**k))
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


@given(exponent=st.floats(0.0, 5.0), k=st.integers(0, 200))
def test_power_is_the_clamped_power(exponent: float, k: int) -> None:
    from lrdecay import Cosine, Power

    base = Cosine(1.0, 100, end_value=-0.5)
    expected = max(float(base(k)), 0.0) ** exponent
    assert Power(base, exponent)(k) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert Power(base, exponent)(np.array([k]))[0] == pytest.approx(expected, rel=1e-12)


def test_warp_and_power_refuse_bad_parameters_by_name() -> None:
    from lrdecay import Constant, Power, Warp

    with pytest.raises(ValueError, match=r"Warp: power must be >= 0.*-1"):
        Warp(Constant(1.0), steps=10, power=-1.0)
    with pytest.raises(ValueError, match=r"Warp: steps must be > 0.*0"):
        Warp(Constant(1.0), steps=0, power=2.0)
    with pytest.raises(ValueError, match=r"Power: exponent must be >= 0.*-0.5"):
        Power(Constant(1.0), exponent=-0.5)
