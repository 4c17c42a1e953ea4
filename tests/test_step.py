"""The step a formula sees (:mod:`lrdecay._step`): exact comparisons, shifts, periods and what
remains to an end, checked against exact rational arithmetic (``fractions``), never against
lrdecay's own output."""

from __future__ import annotations

from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import pytest
from catalogue import EXAMPLES
from hypothesis import given
from hypothesis import strategies as st
from ulps import assert_ulps

from lrdecay._step import Step, as_ratio

EPS = {np.float64: 2.0**-52, np.float32: 2.0**-23}


def test_as_ratio_reads_numbers_as_written() -> None:
    assert as_ratio(2.5) == Fraction(5, 2)
    assert as_ratio(1.1) == Fraction(11, 10)
    assert as_ratio(7) == Fraction(7)
    assert as_ratio(3.0) == Fraction(3)
    assert as_ratio(1e20) == Fraction(10**20)


def make(
    ns: list[int], offset: Fraction, scale: int, dtype: Any, *, known: bool, int32: bool = False
) -> Step:
    """A NumPy step ``(n + offset) / scale`` (bounds known up front, or computed when asked)."""
    n = np.array(ns, dtype=np.int64)
    extra: dict[str, Any] = {}
    if known:
        low, high = (float((v + offset) / scale) for v in (min(ns), max(ns)))
        extra["bounds"] = (low, high)
    return Step(
        np,
        n=n,
        offset=offset,
        scale=scale,
        dtype=dtype,
        int_dtype=np.int64,
        int_max=2**31 - 1 if int32 else 2**63 - 1,
        concrete=True,
        wide_words=False,
        exact_below=2**24 if dtype == np.float32 else 2**53,
        **extra,
    )


def exact_steps(ns: list[int], offset: Fraction, scale: int) -> list[Fraction]:
    return [(n + offset) / scale for n in ns]


def close(got: Any, want: Fraction, dtype: Any, *, ulps: float, scale: Fraction | int = 0) -> bool:
    """``got`` is ``want`` to ``ulps`` units of the dtype, of ``max(|want|, scale)``."""
    bound = ulps * EPS[dtype] * float(max(abs(want), abs(Fraction(scale))))
    return abs(Fraction(float(got)) - want) <= Fraction(bound)


integers = st.one_of(
    st.integers(0, 100),
    st.integers(0, 2**31 - 1),
    st.integers(2**24 - 3, 2**24 + 3),
    st.integers(0, 2**53),
)
steps = st.lists(integers, min_size=1, max_size=8)
offsets = st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(1, 4), Fraction(3, 10)])
scales = st.sampled_from([1, 1, 2, 10])
dtypes = st.sampled_from([np.float64, np.float32])
points = st.one_of(
    st.integers(0, 2**31),
    st.integers(2**24 - 2, 2**24 + 2),
    st.sampled_from([0.5, 2.5, 1.1, 10.5, 1250.75, 65536.18359375, 2**24 + 0.5, 1e15 + 0.5]),
    st.floats(0.5, 1e9).map(lambda x: round(x, 3)),
)


@given(ns=steps, offset=offsets, scale=scales, dtype=dtypes, b=points, known=st.booleans())
def test_less_is_exact(
    ns: list[int], offset: Fraction, scale: int, dtype: Any, b: float, known: bool
) -> None:
    t = make(ns, offset, scale, dtype, known=known)
    got = t.less(b)
    want = [v < as_ratio(b) for v in exact_steps(ns, offset, scale)]
    assert np.broadcast_to(got, (len(ns),)).tolist() == want


@given(ns=steps, offset=offsets, scale=scales, dtype=dtypes, b=points, known=st.booleans())
def test_shift_is_the_step_counted_from_b(
    ns: list[int], offset: Fraction, scale: int, dtype: Any, b: float, known: bool
) -> None:
    t = make(ns, offset, scale, dtype, known=known)
    r = t.shift(b)
    x = np.broadcast_to(r.x, (len(ns),))
    for i, v in enumerate(exact_steps(ns, offset, scale)):
        if v < as_ratio(b):  # (unused by formulas: a Join's piece starts at b)
            assert 0 <= float(x[i]) < 1, (v, b, x[i])
            continue
        want = v - as_ratio(b)
        assert close(x[i], want, dtype, ulps=2), (v, b, x[i])
        if r.exact:  # the integer part and fraction hold it exactly
            n = np.broadcast_to(r.n, (len(ns),))
            assert (Fraction(int(n[i])) + r.offset) / r.scale == want, (v, b)
    if r.exact:
        assert 0 <= r.offset < 1


@given(ns=steps, offset=offsets, scale=scales, dtype=dtypes, end=points, known=st.booleans())
def test_until_and_elapsed(
    ns: list[int], offset: Fraction, scale: int, dtype: Any, end: float, known: bool
) -> None:
    t = make(ns, offset, scale, dtype, known=known)
    left = np.broadcast_to(t.until(end), (len(ns),))
    t = make(ns, offset, scale, dtype, known=known)
    done = np.broadcast_to(t.elapsed(end), (len(ns),))
    e = as_ratio(end)
    for i, v in enumerate(exact_steps(ns, offset, scale)):
        # end - t, rounded about once: no cancellation when t is close to end
        assert close(left[i], max(e - v, Fraction(0)), dtype, ulps=3), (v, end, left[i])
        assert close(done[i], min(v, e), dtype, ulps=3, scale=e), (v, end, done[i])


periods = st.sampled_from([1, 2, 3, 7, 1000, 2.5, 0.5, 1.1, 10.5, 1250.75, 0.25, 2**20 + 0.5])


@given(ns=steps, offset=offsets, scale=scales, dtype=dtypes, period=periods, known=st.booleans())
def test_divmod_counts_whole_periods_exactly(
    ns: list[int], offset: Fraction, scale: int, dtype: Any, period: float, known: bool
) -> None:
    t = make(ns, offset, scale, dtype, known=known)
    q, r = t.divmod(period)
    q = np.broadcast_to(q, (len(ns),))
    rest = np.broadcast_to(r.x, (len(ns),))
    p = as_ratio(period)
    for i, v in enumerate(exact_steps(ns, offset, scale)):
        whole = (v / p).numerator // (v / p).denominator
        if r.exact:  # integer arithmetic: the count is exact
            assert close(q[i], Fraction(whole), dtype, ulps=0.5), (v, period, q[i])
        else:
            # a step with a fraction is divided in floating point (the documented fallback):
            # the count is floor of the rounded quotient, off only by the rounding
            got_q = Fraction(float(q[i]))
            assert abs(got_q - v / p) <= 1 + 4 * EPS[dtype] * (v / p), (v, period, q[i])
            continue
        # (a step with a fraction is divided in floating point: ulps of the step)
        assert close(rest[i], v - whole * p, dtype, ulps=4, scale=max(v, p)), (v, period, rest[i])
        if r.exact:
            n = np.broadcast_to(r.n, (len(ns),))
            assert (Fraction(int(n[i])) + r.offset) / r.scale == v - whole * p
        # what remains of the period, exactly where the rest is exact
        left = np.broadcast_to(r.until(period), (len(ns),))
        assert close(left[i], p - (v - whole * p), dtype, ulps=4, scale=max(v, p))


@given(ns=steps, offset=offsets, scale=scales, dtype=dtypes)
def test_integer_part(ns: list[int], offset: Fraction, scale: int, dtype: Any) -> None:
    t = make(ns, offset, scale, dtype, known=False)
    got = np.broadcast_to(t.integer(), (len(ns),))
    assert [int(g) for g in got] == [
        v.numerator // v.denominator for v in exact_steps(ns, offset, scale)
    ]


def piece_number(t: Step, i: int) -> Any:
    return t.const(float(i))


@given(
    ns=steps,
    dtype=dtypes,
    boundaries=st.lists(points, min_size=1, max_size=4, unique=True).map(sorted),
)
def test_switch_picks_the_piece_of_every_step(
    ns: list[int], dtype: Any, boundaries: list[float]
) -> None:
    """Known bounds skip the pieces no step reaches; the answer is the same."""
    for known in (True, False):
        t = make(ns, Fraction(0), 1, dtype, known=known)
        got = np.broadcast_to(t.switch(boundaries, partial(piece_number, t)), (len(ns),))
        want = [sum(1 for b in boundaries if as_ratio(b) <= n) for n in ns]
        assert got.tolist() == want
        first, last = t.reached(boundaries)
        if known:
            assert first == min(want) and last == max(want)
        else:
            assert (first, last) == (min(want), max(want))


def test_bounds_are_computed_when_asked() -> None:
    t = make([5, 1, 9], Fraction(1, 2), 2, np.float64, known=False)
    assert t.known_bounds() is None
    assert t.bounds == (0.75, 4.75)
    assert t.known_bounds() == (0.75, 4.75)
    empty = make([0], Fraction(0), 1, np.float64, known=False)
    empty._n = np.array([], dtype=np.int64)
    assert empty.bounds is None


def test_int32_steps_get_tables_they_can_hold() -> None:
    from lrdecay._step import Table

    table = Table([0, 10, 2**31 - 1, 2**31, 2**40], "int64")
    t = make([0, 5], Fraction(0), 1, np.float32, known=False, int32=True)
    assert t.int_bits == 32
    assert t.table(table, integer=True).tolist() == [0, 10, 2**31 - 1]
    wide = make([0, 5], Fraction(0), 1, np.float32, known=False)
    assert wide.int_bits == 64
    assert wide.table(table, integer=True).tolist() == [0, 10, 2**31 - 1, 2**31, 2**40]
    assert wide.table(table).dtype == np.float32


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_the_tensor_path_on_numpy(name: str, dtype: Any) -> None:
    """What a tensor gets (no bounds: every piece evaluated, nothing read back from the steps),
    run on NumPy steps, gives the values of the NumPy engine (which skips what no step needs)."""
    schedule = EXAMPLES[name]
    steps = np.array(
        [0, 1, 2, 9, 10, 11, 99, 100, 101, 1000, 12345, 2**24 - 1, 2**24 + 1, 2**31 - 1],
        dtype=np.int64,
    )
    t = Step(
        np,
        n=steps,
        dtype=dtype,
        int_dtype=np.int64,
        int_max=2**63 - 1,
        concrete=False,
        wide_words=False,
        exact_below=2**24 if dtype == np.float32 else 2**53,
    )
    assert t.bounds is None
    with np.errstate(all="ignore"):
        got = np.broadcast_to(np.asarray(schedule._value(t, np), dtype=np.float64), steps.shape)
    want = schedule(steps, dtype="float32" if dtype == np.float32 else "float64")
    eps = EPS[dtype]
    scale = float(np.max(np.abs(want[np.isfinite(want)]), initial=0.0))
    assert_ulps(got, want, scale, ulps=16, eps=eps, what=f"{name} without bounds")


# --------------------------------------------------------------------------- 32-bit periods
@pytest.mark.parametrize(
    "period", [1.00001, 0.8754, 0.70253657106, 3.14159265, 1024.2257633183763, 0.5]
)
def test_periods_with_more_digits_than_32_bit_integers_hold(period: float) -> None:
    # int32 steps (torch here; jax without 64-bit types takes the same path): a period whose
    # a * b does not fit, or below one step, is counted by long multiplication, not in float32.
    from frameworks import require

    require("torch")
    import torch

    import lrdecay

    p = as_ratio(period)
    rng = np.random.default_rng(7)
    ends = [int(k * p) for k in (1, 2, 3, 10, 1000, 10**5)] + [int(2**31 // p * p)]
    steps = sorted(
        {s for e in ends for s in (e - 1, e, e + 1) if 0 <= s < 2**31}
        | set(range(20))
        | {int(x) for x in rng.integers(0, 2**31 - 1, 300)}
    )
    schedule = lrdecay.Restarts(lrdecay.linear(0.0, 1.0, period), period)
    got = schedule(torch.tensor(steps, dtype=torch.int32)).numpy().astype(np.float64)
    exact = np.array([float(Fraction(s) / p - (Fraction(s) / p).__floor__()) for s in steps])
    # the phase within the period: right to float32 rounding, never a period off
    assert np.all(np.abs(got - exact) <= 1e-5), np.asarray(steps)[np.abs(got - exact) > 1e-5][:5]
