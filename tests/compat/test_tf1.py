"""``lrdecay.compat.tf1`` against the exact formulas of TensorFlow 1, quirks included (no TF here).

The reference is ``tests/parity/exact.py``: TensorFlow's formulas written from its source in exact
arithmetic (``mpmath``, exact rational piece and cycle indices), sharing nothing with lrdecay. Every
value lrdecay gives, scalar or array, is within 1e-12 of it in double precision and within a few
ulps in ``float32`` (relative to the schedule's scale: its initial rate or the current cycle's
peak). The comparison with TensorFlow itself is in ``tests/parity``.
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any

import exact
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrdecay import GaussianNoise
from lrdecay.compat import tf1
from lrdecay.survey import FIGURES, SUMMARY_STEP
from lrdecay.survey import MAX_STEP as SURVEY_MAX_STEP

EPS = 2.0**-52
EPS32 = 2.0**-23
MAX_STEP = 2**53
TIGHT = 1e-12
"""lrdecay in double precision against the exact value, relative to the schedule's scale."""
FLOAT32_ULPS = 8
"""lrdecay in float32 against the exact value: units of float32's epsilon, of the scale."""


def check(function: str, params: dict[str, Any], steps: list[int]) -> None:
    """lrdecay's scalar, float64 and float32 values of ``function(**params)`` against exact."""
    schedule = getattr(tf1, function)(**params)
    array = np.asarray(steps, dtype=np.int64)
    as64 = schedule(array)
    as32 = schedule(array, dtype="float32")
    scale0 = exact.initial_rate(function, params)
    # float32 rounds the cosine's argument (up to 2 pi num_periods) to float32 first: the cosine
    # multiplies that error by the argument (the condition number of cos at large arguments)
    turns = abs(float(exact.arguments(function, params).get("num_periods", 0.0)))
    condition = 1.0 + math.pi * turns if "linear_cosine" in function else 1.0
    for i, step in enumerate(steps):
        truth = exact.value(function, params, step)
        where = f"{function}({params}) at step {step}: exact {truth!r}"
        if math.isinf(truth):  # a growing rate past the largest double
            for got in (schedule(step), float(as64[i])):
                assert got == truth, f"{where}, lrdecay {got!r}"
            continue
        scale = max(scale0, exact.peak(function, params, step)) + 1e-300
        if function == "cosine_decay_restarts":
            # m_mul**i from a float32 exponent: exp's condition number, |i ln m_mul|
            m_mul = float(exact.arguments(function, params)["m_mul"])
            cycle = exact.piece(function, params, step) or 0
            condition = 1.0 + abs(cycle * math.log(abs(m_mul))) if m_mul not in (0.0, 1.0) else 1.0
        for got in (schedule(step), float(as64[i])):
            assert abs(got - truth) <= TIGHT * scale, f"{where}, lrdecay {got!r}"
        if abs(truth) > float(np.finfo(np.float32).max):
            continue  # float32 overflows (to inf), as it must
        tiny = float(np.finfo(np.float32).tiny)  # below it float32 flushes or loses precision
        bound = FLOAT32_ULPS * EPS32 * scale * condition + tiny
        assert abs(float(as32[i]) - truth) <= bound, f"{where}, lrdecay float32 {float(as32[i])!r}"


def steps_around(
    function: str, params: dict[str, Any], horizon: int
) -> st.SearchStrategy[list[int]]:
    """Steps worth checking: boundaries ±1, a spread up to a few horizons, and huge steps."""
    cuts = exact.cuts(function, params, horizon)[:100]
    special = sorted(
        {0, 1, 2, 2**24 - 1, 2**24, 2**24 + 1, 2**31 - 1, 10**12, MAX_STEP}
        | {max(0, c + d) for c in cuts for d in (-1, 0, 1)}
    )
    return st.lists(
        st.one_of(st.sampled_from(special), st.integers(0, 3 * horizon)), min_size=1, max_size=12
    )


rates = st.one_of(st.floats(1e-6, 10.0), st.sampled_from([0.0, -0.1, 1.0]))
fractions = st.one_of(st.floats(0.0, 1.0), st.sampled_from([-0.5, 1.5]))
lengths = st.one_of(st.integers(1, 100_000), st.floats(0.5, 1e5), st.sampled_from([2.5, 110, 1250]))
decimals = st.sampled_from([1.1, 1.2, 1.25, 1.5, 1.05, 2.0, 3.0, 10.0])


@st.composite
def parameters(draw: st.DrawFn, function: str) -> dict[str, Any]:
    """Parameters over the whole range TensorFlow accepts with finite rates (optional ones are
    sometimes left to TensorFlow's defaults)."""
    if function in ("piecewise_constant", "piecewise_with_warmup"):
        bounds = sorted(
            draw(
                st.lists(
                    st.integers(-5 if function == "piecewise_constant" else 1, 10**6),
                    min_size=0,
                    max_size=6,
                )
            )
        )
        if function == "piecewise_with_warmup":
            bounds = sorted(set(bounds))
        values = draw(
            st.lists(st.floats(-1.0, 1.0), min_size=len(bounds) + 1, max_size=len(bounds) + 1)
        )
        if function == "piecewise_constant":
            return {"boundaries": bounds, "values": values}
        return {"boundaries": bounds, "rates": values, "warmup": draw(st.booleans())}
    if function in ("exponential_decay", "natural_exp_decay", "inverse_time_decay"):
        stair = draw(st.booleans())
        if function == "exponential_decay":
            rate = draw(
                st.one_of(
                    st.floats(0.0, 1.0),
                    st.just(0.0),
                    st.floats(-1.0, 0.0) if stair else st.just(0.5),
                )
            )
        elif function == "natural_exp_decay":
            rate = draw(st.floats(0.0, 5.0))
        else:
            rate = draw(st.floats(0.0, 5.0))
        return {
            "learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "decay_rate": rate,
            "staircase": stair,
        }
    if function == "polynomial_decay":
        return {
            "learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "end_learning_rate": draw(st.floats(-0.1, 1.0)),
            "power": draw(st.one_of(st.floats(0.0, 5.0), st.sampled_from([0.0, 0.5]))),
            "cycle": draw(st.booleans()),
        }
    if function == "cosine_decay":
        return {
            "learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "alpha": draw(fractions),
        }
    if function == "linear_cosine_decay":
        return {
            "learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "num_periods": draw(st.floats(-4.0, 4.0)),
            "alpha": draw(fractions),
            "beta": draw(st.floats(-0.1, 0.1)),
        }
    if function == "cosine_decay_restarts":
        return {
            "learning_rate": draw(rates),
            "first_decay_steps": draw(lengths),
            "t_mul": draw(st.one_of(decimals, st.floats(1.05, 3.0), st.just(1.0))),
            "m_mul": draw(st.one_of(st.floats(0.0, 1.5), st.sampled_from([0.0, -0.5]))),
            "alpha": draw(fractions),
        }
    if function == "exponential_decay_with_burnin":
        stair = draw(st.booleans())
        return {
            "learning_rate_base": draw(rates),
            "learning_rate_decay_steps": draw(lengths),
            "learning_rate_decay_factor": draw(
                st.one_of(st.floats(0.0, 1.0), st.floats(-1.0, 0.0) if stair else st.just(0.9))
            ),
            "burnin_learning_rate": draw(st.one_of(st.just(0.0), st.floats(-1.0, 1.0))),
            "burnin_steps": draw(st.integers(0, 5000)),
            "min_learning_rate": draw(st.floats(-1.0, 0.1)),
            "staircase": stair,
        }
    if function == "cosine_decay_with_warmup":
        base = draw(st.floats(0.0, 1.0))
        warm, hold = draw(st.integers(0, 5000)), draw(st.integers(0, 5000))
        total = draw(
            st.one_of(
                st.integers(warm + hold + 1, warm + hold + 10**5), st.integers(0, warm + hold)
            )
        )
        if hold == 0 and total == warm:
            total += 1  # the cosine would have no length: rejected, as TF gives NaN there
        return {
            "learning_rate_base": base,
            "total_decay_steps": total,
            "alpha": draw(fractions),
            "warmup_learning_rate": draw(st.floats(0.0, base)) if warm else draw(rates),
            "warmup_steps": warm,
            "hold_base_rate_steps": hold,
        }
    raise AssertionError(function)


FUNCTIONS = [
    "piecewise_constant",
    "exponential_decay",
    "natural_exp_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "cosine_decay",
    "linear_cosine_decay",
    "cosine_decay_restarts",
    "exponential_decay_with_burnin",
    "piecewise_with_warmup",
    "cosine_decay_with_warmup",
]


def horizon(function: str, p: dict[str, Any]) -> int:
    if function == "cosine_decay_restarts":
        return int(min(20 * p["first_decay_steps"], 10**7))
    return max([3 * max(exact.cuts(function, p, 20_000)[:100], default=1000), 1000])


@pytest.mark.parametrize("function", FUNCTIONS)
@given(data=st.data())
def test_every_value_is_the_exact_value(function: str, data: st.DataObject) -> None:
    params = data.draw(parameters(function), label="params")
    steps = data.draw(steps_around(function, params, horizon(function, params)), label="steps")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warning either
        check(function, params, steps)


# --------------------------------------------------------------------------- every survey figure
@pytest.mark.parametrize("figure", FIGURES, ids=[f.name for f in FIGURES])
def test_survey_figures_are_exact(figure: Any) -> None:
    function, params = figure.curve.function, dict(figure.curve.params)
    logged = list(range(0, SURVEY_MAX_STEP, SUMMARY_STEP))  # what the survey logs
    edges = [s for c in exact.cuts(function, params, SURVEY_MAX_STEP) for s in (c - 1, c, c + 1)]
    check(function, params, sorted(set(logged) | set(edges)))


def test_survey_catalogue_is_complete() -> None:
    assert len(FIGURES) == 19
    assert len({f.name for f in FIGURES}) == 19
    assert {f.curve.function for f in FIGURES} == set(FUNCTIONS) - {"inverse_time_decay"}


# --------------------------------------------------------------------------- the quirks
def test_piecewise_constant_switches_one_step_after_the_boundary() -> None:
    s = tf1.piecewise_constant(boundaries=[5000, 8000], values=[0.01, 0.001, 0.0001])
    assert [s(0), s(5000), s(5001), s(8000), s(8001)] == [0.01, 0.01, 0.001, 0.001, 0.0001]
    zero = tf1.piecewise_constant(boundaries=[0], values=[1.0, 2.0])
    assert [zero(0), zero(1)] == [1.0, 2.0]


def test_piecewise_with_warmup_switches_at_the_boundary() -> None:
    s = tf1.piecewise_with_warmup(None, [5000, 8000], [0.01, 0.001, 0.0001])
    assert [s(4999), s(5000), s(7999), s(8000)] == [0.01, 0.001, 0.001, 0.0001]
    w = tf1.piecewise_with_warmup(None, [2000, 5000, 8000], [1e-5, 0.01, 0.001, 0.0001], True)
    assert w(0) == 1e-5
    assert w(1000) == pytest.approx(1e-5 + (0.01 - 1e-5) / 2, rel=1e-14)
    assert w(1999) == pytest.approx(1e-5 + (0.01 - 1e-5) * 1999 / 2000, rel=1e-14)
    assert [w(2000), w(4999), w(5000), w(8000)] == [0.01, 0.01, 0.001, 0.0001]
    # Without boundaries there is nothing to warm up to.
    assert tf1.piecewise_with_warmup(None, [], [0.3], warmup=True)(10) == 0.3


def test_cosine_decay_with_warmup_returns_alpha_itself_after_total() -> None:
    base, total, alpha = 0.01, 15000, 1e-5
    for hold in (0, 2000):
        s = tf1.cosine_decay_with_warmup(None, base, total, alpha, 1e-4, 2000, hold)
        assert s(0) == pytest.approx(1e-4, rel=1e-15)
        assert s(2000) == pytest.approx(base, rel=1e-15)
        assert s(total) == pytest.approx(base * alpha, rel=1e-9)  # base * alpha at the end
        assert s(total + 1) == alpha  # then alpha itself: the original's quirk
        assert s(10**9) == alpha
        if hold:
            assert s(2000 + hold) == base
            assert s(2000 + hold + 1) < base


def test_cosine_decay_with_warmup_fractional_total() -> None:
    s = tf1.cosine_decay_with_warmup(None, 1.0, 100.5, alpha=0.25)
    truth = exact.value(
        "cosine_decay_with_warmup",
        {"learning_rate_base": 1.0, "total_decay_steps": 100.5, "alpha": 0.25},
        100,
    )
    assert s(100) == pytest.approx(truth, rel=1e-14)
    assert s(101) == 0.25


def test_cosine_decay_with_warmup_never_reaching_the_cosine() -> None:
    """With total_decay_steps <= warmup + hold the cosine never runs (TF accepts it)."""
    s = tf1.cosine_decay_with_warmup(None, 0.1, 1000, 0.01, 0.0, 1000, 500)
    assert [s(0), s(500), s(1000), s(1001)] == [0.0, 0.05, 0.1, 0.01]
    assert tf1.cosine_decay_with_warmup(None, 0.1, 0, 0.01, 0.0, 10, 5)([0, 1]).tolist() == [
        0.0,
        0.01,
    ]


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
        None, 0.01, 2000, 0.98, burnin_learning_rate=0.0, burnin_steps=2000
    )
    assert [s(0), s(1999), s(2000), s(3999)] == [0.01, 0.01, 0.01, 0.01]
    assert s(4000) == pytest.approx(0.0098, rel=1e-14)
    b = tf1.exponential_decay_with_burnin(
        None, 0.01, 2000, 0.98, burnin_learning_rate=0.001, burnin_steps=2000
    )
    assert [b(0), b(1999), b(2000)] == [0.001, 0.001, 0.01]


def test_burnin_min_learning_rate_floor() -> None:
    s = tf1.exponential_decay_with_burnin(None, 1.0, 1, 0.5, min_learning_rate=0.1)
    expected = [1.0, 0.5, 0.25, 0.125, 0.1, 0.1]
    assert [s(0), s(1), s(2), s(3), s(4), s(100)] == pytest.approx(expected, rel=4 * EPS)
    # The floor also applies during burn-in (the original takes the max of the where()).
    t = tf1.exponential_decay_with_burnin(
        None, 1.0, 1, 0.5, burnin_learning_rate=0.01, burnin_steps=5, min_learning_rate=0.1
    )
    assert [t(0), t(4), t(5), t(9)] == [0.1, 0.1, 1.0, 0.1]
    # A negative base is floored at the default 0, as max(..., 0.0) does.
    n = tf1.exponential_decay_with_burnin(None, -1.0, 10, 0.5)
    assert n(0) == 0.0


def test_natural_exp_decay_divides_by_decay_steps() -> None:
    s = tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=1.0)
    assert s(10) == pytest.approx(math.exp(-1.0), rel=1e-15)


def test_cosine_decay_restarts_alpha_floor_is_not_scaled() -> None:
    s = tf1.cosine_decay_restarts(1.0, None, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    assert s(0) == pytest.approx(1.0, rel=1e-15)
    assert s(10) == pytest.approx(0.9 * 0.5 + 0.1, rel=1e-15)  # cycle 1 peak
    assert s(30) == pytest.approx(0.9 * 0.25 + 0.1, rel=1e-15)  # cycle 2 peak
    params = {"learning_rate": 1.0, "first_decay_steps": 10, "m_mul": 0.5, "alpha": 0.1}
    assert s(29) == pytest.approx(exact.value("cosine_decay_restarts", params, 29), rel=1e-14)
    assert s(29) > 0.1  # the floor stays at lr * alpha, not scaled by m_mul


@pytest.mark.parametrize(
    ("first", "t_mul"),
    [
        (43, 1.1),
        (13, 1.2),
        (7, 1.3),
        (15, 1.7),
        (125, 1.6084741864017045),
        (504, 3.1911947173421558),
        (1250, 1.1),
    ],
)
def test_restart_at_first_decay_steps_with_non_integer_t_mul(first: int, t_mul: float) -> None:
    """(Regression: these first restart steps used to land at the end of cycle 0.)"""
    s = tf1.cosine_decay_restarts(1.0, None, first, t_mul=t_mul)
    assert (
        exact.piece("cosine_decay_restarts", {"first_decay_steps": first, "t_mul": t_mul}, first)
        == 1
    )
    assert s(first) == pytest.approx(1.0, rel=1e-12)


def test_restart_steps_from_the_research_notes() -> None:
    # t_mul=3, first=1: restart at 121 (k=5); t_mul=10, first=1: 111 (k=3); t_mul=3, first=7: 847;
    # t_mul=1.1 as written, first=1250: 2625 (k=2), where TF's float32 log lands in cycle 1.
    for first, t_mul, step, k in (
        (1, 3.0, 121, 5),
        (1, 10.0, 111, 3),
        (7, 3.0, 847, 5),
        (1250, 1.1, 2625, 2),
    ):
        params = {"first_decay_steps": first, "t_mul": t_mul}
        assert exact.piece("cosine_decay_restarts", params, step) == k
        s = tf1.cosine_decay_restarts(1.0, None, first, t_mul=t_mul, m_mul=0.5)
        assert s(step) == pytest.approx(0.5**k, rel=1e-14)
        assert s(step - 1) < 0.5**k * 0.01


def test_large_steps_are_exact_beyond_float32() -> None:
    # TF casts the step to float32; from 2**24 on it can no longer tell steps apart. We can.
    params = {"learning_rate": 1.0, "decay_steps": 1, "decay_rate": 0.999999, "staircase": True}
    s = tf1.exponential_decay(**params)
    a, b = s(2**24 + 1), s(2**24 + 2)
    assert a != b
    assert a == pytest.approx(exact.value("exponential_decay", params, 2**24 + 1), rel=1e-12)
    p = tf1.piecewise_constant(boundaries=[2**24 + 1], values=[1.0, 2.0])
    assert [p(2**24 + 1), p(2**24 + 2)] == [1.0, 2.0]


# --------------------------------------------------------------------------- the originals' errors
def test_original_value_errors() -> None:
    with pytest.raises(ValueError, match=r"boundaries\[0\] cannot be 0"):
        tf1.piecewise_with_warmup(None, [0, 10], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"strictly increasing.*\[10, 5\]"):
        tf1.piecewise_with_warmup(None, [10, 5], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"rates.*2 rates for 2 boundaries"):
        tf1.piecewise_with_warmup(None, [5, 10], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"learning_rate_base=0\.01.*warmup_learning_rate=0\.1"):
        tf1.cosine_decay_with_warmup(None, 0.01, 100, warmup_learning_rate=0.1, warmup_steps=10)
    with pytest.raises(ValueError, match=r"total_decay_steps=10 .*warmup_steps=10"):
        tf1.cosine_decay_with_warmup(None, 0.01, 10, warmup_steps=10)


# --------------------------------------------------------------------------- the noisy variant
@given(
    lr=st.floats(1e-6, 10.0),
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
    noisy = tf1.noisy_linear_cosine_decay(lr, None, d, 0.0, decay, periods, alpha, beta, seed=seed)
    clean = tf1.linear_cosine_decay(lr, None, d, periods, alpha, beta)
    steps = np.array([0, 1, 2, math.floor(d), math.ceil(d), 10**6, MAX_STEP])
    assert np.array_equal(noisy(steps), clean(steps))
    assert [noisy(int(t)) for t in steps] == [clean(int(t)) for t in steps]


def test_noisy_is_reproducible_and_seeded() -> None:
    a = tf1.noisy_linear_cosine_decay(0.1, None, 1000, seed=1)
    b = tf1.noisy_linear_cosine_decay(0.1, None, 1000, seed=1)
    c = tf1.noisy_linear_cosine_decay(0.1, None, 1000, seed=2)
    steps = np.arange(0, 1000)
    assert np.array_equal(a(steps), b(steps))
    assert np.array_equal(a(steps[::-1]), a(steps)[::-1])
    for t, v in zip(steps[:50], a(steps[:50]), strict=True):
        assert a(int(t)) == pytest.approx(v, rel=1e-12, abs=1e-15)
    assert not np.array_equal(a(steps), c(steps))


@pytest.mark.parametrize(
    ("variance", "decay", "periods"),
    [(1.0, 0.55, 1.0), (0.25, 0.0, 1.0), (4.0, 1.0, 2.0), (1.0, 0.55, 0.5)],
)
def test_noise_has_the_right_std_per_step_region(
    variance: float, decay: float, periods: float
) -> None:
    lr, d = 0.1, 100_000
    noisy = tf1.noisy_linear_cosine_decay(lr, None, d, variance, decay, periods, 0.0, 0.001, seed=7)
    clean = tf1.linear_cosine_decay(lr, None, d, periods, 0.0, 0.001)
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
    noisy = tf1.noisy_linear_cosine_decay(lr, None, d, 1.0, 0.55, 0.5, 0.0, 0.001, seed=3)
    after = noisy(np.arange(d, d + 100))
    assert np.allclose(after, lr * 0.001, rtol=1e-12, atol=1e-18)
    # Nothing stops it from going negative before the horizon (TF's quirk, kept).
    wild = tf1.noisy_linear_cosine_decay(lr, None, d, 100.0, 0.0, 0.5, 0.0, 0.0, seed=3)
    assert (wild(np.arange(0, d)) < 0).any()


# --------------------------------------------------------------------------- TF1's own signatures
def test_tf1_code_ports_by_changing_its_import() -> None:
    """Positional arguments in TF1's order, ``global_step`` included, and ``name`` accepted."""
    assert tf1.cosine_decay(0.1, 5000, 10000) == pytest.approx(0.05, rel=1e-12)  # the value
    assert tf1.cosine_decay(0.1, 5000, 10000, name="lr") == tf1.cosine_decay(0.1, 5000, 10000)
    assert tf1.exponential_decay(0.1, 2000, 1000, 0.5, True, "lr") == pytest.approx(0.025)
    assert tf1.piecewise_constant(150, [100, 200], [1.0, 0.5, 0.1]) == 0.5
    assert tf1.exponential_decay_with_burnin(5, 0.1, 10, 0.5, 0.01, 10) == 0.01
    assert tf1.piecewise_with_warmup(15, [10, 20], [0.0, 0.1, 0.01]) == 0.1
    assert tf1.cosine_decay_with_warmup(0, 0.1, 1000, 0.0, 0.01, 100) == pytest.approx(0.01)
    values = tf1.cosine_decay(0.1, np.array([0, 10000]), 10000)
    assert values.tolist() == [0.1, 0.0]
    schedule = tf1.cosine_decay(0.1, decay_steps=10000)
    assert isinstance(schedule, tf1.Schedule) and schedule(5000) == pytest.approx(0.05)


def test_a_step_of_none_returns_the_schedule() -> None:
    s = tf1.polynomial_decay(0.1, None, 100)
    assert s == tf1.polynomial_decay(learning_rate=0.1, decay_steps=100)
    assert s(100) == pytest.approx(1e-4)


# --------------------------------------------------------------------------- defaults, arguments
STEP_ARGUMENT = {"piecewise_constant": "x", "piecewise_constant_decay": "x"}
"""The step's parameter where it is not ``global_step``."""

REQUIRED_VALUES: dict[str, Any] = {
    "boundaries": [10, 20],
    "values": [1.0, 0.5, 0.25],
    "rates": [0.0, 0.5, 0.25],
    "learning_rate": 0.5,
    "learning_rate_base": 0.5,
    "decay_steps": 40,
    "first_decay_steps": 40,
    "total_decay_steps": 40,
    "decay_rate": 0.5,
    "learning_rate_decay_steps": 40,
    "learning_rate_decay_factor": 0.5,
}


def required(function: str) -> dict[str, Any]:
    """A valid value for each argument ``function`` requires (and only those)."""
    parameters = inspect.signature(getattr(tf1, function)).parameters
    return {n: REQUIRED_VALUES[n] for n, p in parameters.items() if p.default is tf1.REQUIRED}


@pytest.mark.parametrize("function", sorted(exact.DEFAULTS))
def test_defaults_are_tensorflows(function: str) -> None:
    """Every optional argument defaults to TensorFlow's default (``exact.DEFAULTS``, written from
    TF's source and checked against TF's own signatures in ``tests/parity``); the step and
    ``name`` default to ``None`` (``seed``, lrdecay's own, to 0)."""
    parameters = inspect.signature(getattr(tf1, function)).parameters
    defaults = {
        n: p.default
        for n, p in parameters.items()
        if p.default is not tf1.REQUIRED and n not in ("name", "seed", "global_step", "x")
    }
    assert defaults == exact.DEFAULTS[function]
    for n in ("name", "global_step", "x"):
        if n in parameters:
            assert parameters[n].default is None, n
    if "seed" in parameters:
        assert parameters["seed"].default == 0
    for n, v in defaults.items():  # the same type too: 0 is not 0.0 for a TF1 graph
        assert type(v) is type(exact.DEFAULTS[function][n]), n


@pytest.mark.parametrize("function", sorted(exact.DEFAULTS))
def test_required_arguments_are_required(function: str) -> None:
    needed = required(function)
    assert needed, function
    fn = getattr(tf1, function)
    owner = fn.__name__
    for name in needed:
        others = {k: v for k, v in needed.items() if k != name}
        with pytest.raises(TypeError, match=rf"^{owner}\(\) missing required argument: '{name}'$"):
            fn(**others)
    if len(needed) > 1:
        first, second = list(needed)[:2]
        names = f"'{first}' and '{second}'"
        rest = {k: v for k, v in needed.items() if k not in (first, second)}
        with pytest.raises(TypeError, match=rf"^{owner}\(\) missing required arguments: {names}$"):
            fn(**rest)


@pytest.mark.parametrize(
    "function",
    sorted(set(exact.DEFAULTS) - {"noisy_linear_cosine_decay"}),  # (random)
)
def test_only_the_required_arguments_give_the_exact_formula(function: str) -> None:
    """Called with its required arguments only, each function is TF's formula with TF's
    defaults (a changed default changes these values)."""
    check(function, required(function), [0, 1, 5, 10, 11, 15, 20, 21, 25, 39, 40, 41, 100, 1000])


@pytest.mark.parametrize("function", sorted(exact.DEFAULTS))
def test_a_step_gives_the_value_there(function: str) -> None:
    fn = getattr(tf1, function)
    schedule = fn(**required(function))
    step_name = STEP_ARGUMENT.get(function, "global_step")
    for step in (0, 7, 33, 1000):
        assert fn(**required(function), **{step_name: step}) == schedule(step)
    steps = np.array([0, 7, 33])
    got = fn(**required(function), **{step_name: steps})
    np.testing.assert_array_equal(got, schedule(steps))


def test_piecewise_constant_takes_tensorflows_boundaries() -> None:
    """A lone boundary, boundaries below step 0, and equal boundaries (the last value wins)."""
    lone = tf1.piecewise_constant(None, 10, [1.0, 0.5])
    assert [lone(10), lone(11)] == [1.0, 0.5]
    behind = tf1.piecewise_constant(None, [-3, -1, 5], [9.0, 8.0, 1.0, 0.5])
    assert [behind(0), behind(5), behind(6)] == [1.0, 1.0, 0.5]
    equal = tf1.piecewise_constant(None, [1, 5, 5, 9], [1.0, 0.5, 0.25, 0.125, 0.0625])
    steps = [0, 1, 2, 5, 6, 9, 10]
    assert [equal(s) for s in steps] == [1.0, 1.0, 0.5, 0.5, 0.125, 0.125, 0.0625]
    assert equal(np.array(steps)).tolist() == [1.0, 1.0, 0.5, 0.5, 0.125, 0.125, 0.0625]
    with pytest.raises(ValueError, match=r"piecewise_constant: boundaries .*\[5, 3\]"):
        tf1.piecewise_constant(None, [5, 3], [1.0, 0.5, 0.25])
    with pytest.raises(ValueError, match=r"piecewise_with_warmup: boundaries\[0\].*-1"):
        tf1.piecewise_with_warmup(None, [-1, 5], [0.0, 1.0, 0.5])
    with pytest.raises(ValueError, match=r"piecewise_with_warmup: boundaries .*\[5, 5\]"):
        tf1.piecewise_with_warmup(None, [5, 5], [0.0, 1.0, 0.5])


def test_piecewise_with_warmup_at_a_step() -> None:
    s = tf1.piecewise_with_warmup(None, [10, 20], [0.0, 1.0, 0.5], warmup=True)
    for step in (0, 5, 10, 25):
        assert tf1.piecewise_with_warmup(step, [10, 20], [0.0, 1.0, 0.5], warmup=True) == s(step)
    assert [s(0), s(5), s(10), s(25)] == [0.0, 0.5, 1.0, 0.5]


def test_burnin_of_one_step_and_the_floor() -> None:
    """TF's rule, step by step: the burn-in rate while ``t < burnin_steps``, then the decay from
    ``burnin_steps``, never below ``min_learning_rate`` (a negative rate is floored too)."""
    s = tf1.exponential_decay_with_burnin(None, 0.1, 10, 0.5, 0.01, burnin_steps=1)
    assert [s(0), s(1), s(11)] == [0.01, 0.1, 0.05]
    negative = tf1.exponential_decay_with_burnin(None, -0.1, 10, 0.5, min_learning_rate=0.0)
    assert [negative(0), negative(10)] == [0.0, 0.0]
    growing_below = tf1.exponential_decay_with_burnin(None, 0.1, 10, 0.5, min_learning_rate=-1.0)
    assert growing_below(10) == 0.05
    # a negative base after a positive burn-in is floored too
    below = tf1.exponential_decay_with_burnin(None, -0.1, 10, 0.5, 0.01, 5, min_learning_rate=0.0)
    assert [below(0), below(5), below(20)] == [0.01, 0.0, 0.0]
    # the burn-in rate defaults to 0, which means the base rate
    default = tf1.exponential_decay_with_burnin(None, 0.1, 10, 0.5, burnin_steps=5)
    assert [default(0), default(4), default(15)] == [0.1, 0.1, 0.05]
    with pytest.raises(
        ValueError,
        match=r"^exponential_decay_with_burnin: learning_rate_decay_factor must be >= 0 without "
        r"staircase \(no real powers between periods\), got -0\.5$",
    ):
        tf1.exponential_decay_with_burnin(None, 0.1, 10, -0.5, staircase=False)
    with pytest.raises(ValueError, match=r"^cosine_decay_with_warmup: learning_rate_base must be"):
        tf1.cosine_decay_with_warmup(None, 0.01, 100, warmup_learning_rate=0.1, warmup_steps=1)


@pytest.mark.parametrize(
    ("total", "warm", "held"),
    [
        (10, 1, 0),
        (10, 0, 1),
        (10, 1, 1),
        (10, 5, 4),
        (10, 9, 0),
        (10, 3, 6),
        (10, 0, 9),
        (10, 5, 5),
        (10, 0, 10),
        (10, 2, 3),
        (10, 9, 1),
        (5, 6, 2),
        (5, 5, 1),
    ],
)
def test_cosine_decay_with_warmup_at_short_phases(total: int, warm: int, held: int) -> None:
    """One-step warm-ups and holds, and phases that end exactly at the total: every step."""
    params = {
        "learning_rate_base": 0.5,
        "total_decay_steps": total,
        "alpha": 0.1,
        "warmup_learning_rate": 0.05,
        "warmup_steps": warm,
        "hold_base_rate_steps": held,
    }
    check("cosine_decay_with_warmup", params, list(range(0, total + 3)))


def test_exponential_decay_refuses_a_negative_rate_without_staircase() -> None:
    with pytest.raises(ValueError, match=r"^exponential_decay: decay_rate must be >= 0 \(a neg"):
        tf1.exponential_decay(0.1, None, 10, -0.5)
    assert tf1.exponential_decay(0.1, 20, 10, -0.5, staircase=True) == pytest.approx(0.025)


def test_noisy_linear_cosine_decay_adds_its_noise_to_the_linear_part() -> None:
    """TF's formula with the noise drawn: ``lr * ((alpha + (T - t) / T + eps_t) * c_t + beta)``,
    ``eps_t = sqrt(v0 / (1 + t) ** d) * z(seed, t)`` (``z`` checked against jax's generator in
    ``tests/test_random.py``), ``c_t`` the cosine factor."""
    lr, d, v0, decay, periods, alpha, beta, seed = 0.1, 100, 0.5, 0.55, 0.5, 0.05, 0.001, 11
    s = tf1.noisy_linear_cosine_decay(lr, None, d, v0, decay, periods, alpha, beta, seed=seed)
    z = GaussianNoise(std=1.0, seed=seed)
    for step in (0, 1, 7, 50, 99, 100, 101, 150):
        t = min(step, d)  # TF clips the step at decay_steps first (the noise's scale too)
        eps = math.sqrt(v0 / (1 + t) ** decay) * z(step)
        cosine = 0.5 * (1 + math.cos(math.pi * 2 * periods * t / d))
        expected = lr * ((alpha + (d - t) / d + eps) * cosine + beta)
        assert s(step) == pytest.approx(expected, rel=1e-12, abs=1e-15), step


def test_noisy_linear_cosine_decay_defaults() -> None:
    """Only the required arguments: TF's defaults (variance 1, decay 0.55, half a period,
    alpha 0, beta 0.001) and lrdecay's seed 0, in the same formula."""
    lr, d = 0.1, 100
    s = tf1.noisy_linear_cosine_decay(lr, None, d)
    z = GaussianNoise(std=1.0, seed=0)
    for step in (0, 3, 40, 100, 120):
        t = min(step, d)
        eps = math.sqrt(1.0 / (1 + t) ** 0.55) * z(step)
        cosine = 0.5 * (1 + math.cos(math.pi * 2 * 0.5 * t / d))
        expected = lr * ((0.0 + (d - t) / d + eps) * cosine + 0.001)
        assert s(step) == pytest.approx(expected, rel=1e-12, abs=1e-15), step


def test_cosine_decay_with_warmup_takes_the_shortest_cosine() -> None:
    """A cosine of exactly the smallest duration (1e-6 steps) is a length, not zero."""
    s = tf1.cosine_decay_with_warmup(None, 0.1, total_decay_steps=1e-6, alpha=0.5)
    assert [s(0), s(1)] == [0.1, 0.5]  # alpha itself past the total (the survey's formula)
    with pytest.raises(ValueError, match=r"^cosine_decay_with_warmup: total_decay_steps must be >"):
        tf1.cosine_decay_with_warmup(None, 0.1, total_decay_steps=5e-7)


def test_cosine_decay_restarts_alpha_and_the_longest_factor() -> None:
    """``alpha=0`` is the restarted cosine itself, ``alpha=1`` the constant rate; a t_mul up to
    1e6 is taken."""
    plain = tf1.cosine_decay_restarts(0.5, None, 10, alpha=0.0)
    assert isinstance(plain, tf1.Restarts)
    flat = tf1.cosine_decay_restarts(0.5, None, 10, alpha=1.0)
    assert [flat(t) for t in (0, 5, 10, 25, 1000)] == [0.5] * 5
    tf1.cosine_decay_restarts(0.5, None, 10, t_mul=1e6)
    with pytest.raises(ValueError, match=r"^cosine_decay_restarts: t_mul must be <= 1e6"):
        tf1.cosine_decay_restarts(0.5, None, 10, t_mul=1e6 + 0.5)
