"""lrdecay.compat.tf1 against the real TensorFlow (graph mode, as the seed ran it).

Every value must be within ``3e-6 ×`` the initial rate of TensorFlow's (or ``3e-6 ×`` the value
itself where a schedule climbs above its initial rate, as restarts with ``m_mul > 1`` do: float32
is relative). The only exceptions allowed
are the places where TensorFlow's float32 arithmetic is itself wrong, and each is checked rather
than skipped:

* at an exact boundary of a staircase / cycle / restart, TensorFlow's float32 division (which its
  graph optimiser rewrites as ``x * (1/c)``) or its float32 logarithm may put the step in the
  neighbouring piece. There our value must equal the exact value (independent math, exact integer
  piece index) and TensorFlow's must equal the exact value of the neighbouring piece;
* from ``2**24`` on float32 cannot hold the step: we give the exact value (checked against
  ``mpmath``), TensorFlow the value of a rounded step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrdecay.compat import tf1
from lrdecay.seed import MAX_STEP, SEED_FIGURES, SUMMARY_STEP

pytestmark = pytest.mark.slow

TOLERANCE = 3e-6  # × the initial rate


# --------------------------------------------------------------------------- independent math
def initial_rate(params: Mapping[str, Any]) -> float:
    """The scale the tolerance is relative to: the schedule's initial (base) rate."""
    for key in ("learning_rate", "learning_rate_base"):
        if key in params:
            return abs(float(params[key]))
    return max(abs(float(v)) for v in params.get("values", params.get("rates", [1.0])))


def restart_starts(first: float, t_mul: float, limit: float) -> list[Fraction]:
    """Exact cycle starts of SGDR (sums of exact rationals), up to ``limit``."""
    starts = [Fraction(0)]
    length = Fraction(first)
    factor = Fraction(t_mul)
    while starts[-1] <= limit:
        starts.append(starts[-1] + length)
        length *= factor
    return starts


def boundaries(function: str, p: Mapping[str, Any], horizon: int) -> list[int]:
    """The integer steps at which each schedule changes regime (independently of lrdecay)."""
    if function in ("piecewise_constant", "piecewise_with_warmup"):
        return [int(b) for b in p["boundaries"]]
    if function in ("exponential_decay", "natural_exp_decay", "inverse_time_decay"):
        d = float(p["decay_steps"])
        return [round(k * d) for k in range(1, int(horizon / d) + 2)] if p.get("staircase") else []
    if function == "polynomial_decay":
        d = float(p["decay_steps"])
        if p.get("cycle"):
            return [round(k * d) for k in range(1, int(horizon / d) + 2)]
        return [round(d)]
    if function in ("cosine_decay", "linear_cosine_decay"):
        return [round(float(p["decay_steps"]))]
    if function == "cosine_decay_restarts":
        starts = restart_starts(p["first_decay_steps"], p.get("t_mul", 2.0), horizon)
        return [round(s) for s in starts[1:]]
    if function == "exponential_decay_with_burnin":
        b = int(p.get("burnin_steps", 0))
        d = float(p["learning_rate_decay_steps"])
        stairs = (
            [b + round(k * d) for k in range(1, int(horizon / d) + 2)]
            if p.get("staircase", True)
            else []
        )
        return [b, *stairs]
    if function == "cosine_decay_with_warmup":
        w, h = int(p.get("warmup_steps", 0)), int(p.get("hold_base_rate_steps", 0))
        return [w, w + h, int(p["total_decay_steps"])]
    raise AssertionError(function)


def exact_piece_value(function: str, p: Mapping[str, Any], step: int, shift: int) -> float | None:
    """The exact value at ``step`` computed as if it lay ``shift`` pieces from its true piece.

    Only for the piece indices TensorFlow computes with a float32 division or logarithm; ``None``
    for everything else.
    """
    if function in ("exponential_decay", "natural_exp_decay", "inverse_time_decay"):
        if not p.get("staircase"):
            return None
        k = math.floor(Fraction(step) / Fraction(p["decay_steps"])) + shift
        lr, rate = float(p["learning_rate"]), float(p["decay_rate"])
        if function == "exponential_decay":
            return lr * rate**k
        if function == "natural_exp_decay":
            return lr * math.exp(-rate * k)
        return lr / (1.0 + rate * k)
    if function == "exponential_decay_with_burnin":
        b = int(p.get("burnin_steps", 0))
        if step < b or not p.get("staircase", True):
            return None
        k = math.floor(Fraction(step - b) / Fraction(p["learning_rate_decay_steps"])) + shift
        value = float(p["learning_rate_base"]) * float(p["learning_rate_decay_factor"]) ** k
        return max(value, float(p.get("min_learning_rate", 0.0)))
    if function == "polynomial_decay" and p.get("cycle"):
        d = Fraction(p["decay_steps"])
        m = max(1, math.ceil(Fraction(step) / d)) + shift
        lr, end = float(p["learning_rate"]), float(p.get("end_learning_rate", 0.0001))
        return (lr - end) * float(1 - Fraction(step) / (m * d)) ** float(p.get("power", 1.0)) + end
    if function == "cosine_decay_restarts":
        first, t_mul = p["first_decay_steps"], p.get("t_mul", 2.0)
        starts = restart_starts(first, t_mul, step + 1)
        i = max(j for j, s in enumerate(starts) if s <= step) + shift
        if i < 0:
            return None
        fraction = (Fraction(step) - starts[i]) / (Fraction(first) * Fraction(t_mul) ** i)
        lr, alpha, m_mul = float(p["learning_rate"]), float(p.get("alpha", 0.0)), p.get("m_mul", 1)
        cosine = 0.5 * float(m_mul) ** i * (1.0 + math.cos(math.pi * float(fraction)))
        return lr * ((1.0 - alpha) * cosine + alpha)
    return None


def compare(
    function: str, params: Mapping[str, Any], steps: list[int], tf_values: list[float]
) -> None:
    """Assert parity, allowing only the checked float32 mistakes described in the module doc."""
    schedule = getattr(tf1, function)(**params)
    ours = schedule(np.asarray(steps, dtype=np.int64))
    scale = initial_rate(params)
    cuts = set(boundaries(function, params, max(steps) + 1))
    for step, mine, theirs in zip(steps, ours.tolist(), tf_values, strict=True):
        assert math.isfinite(mine), (function, params, step, mine)
        # Where a schedule rises above its initial rate (m_mul > 1), float32 is relative to it.
        tolerance = TOLERANCE * max(scale, abs(theirs), 1e-30)
        if abs(mine - theirs) <= tolerance:
            continue
        where = f"{function}({dict(params)}) at step {step}: lrdecay {mine!r}, TF {theirs!r}"
        assert step in cuts, f"not a boundary, so no excuse: {where}"
        exact = exact_piece_value(function, params, step, 0)
        assert exact is not None, f"no float32 excuse for this schedule: {where}"
        assert mine == pytest.approx(exact, rel=1e-9, abs=1e-15 * scale), f"we are wrong: {where}"
        neighbours = [exact_piece_value(function, params, step, s) for s in (-1, 1)]
        assert any(n is not None and abs(n - theirs) <= tolerance for n in neighbours), (
            f"TF's value is not the neighbouring piece's either: {where}"
        )


def around(cuts: list[int]) -> list[int]:
    return sorted({s for b in cuts for s in (b - 1, b, b + 1) if s >= 0})


# --------------------------------------------------------------------------- the seed's curves
@pytest.mark.parametrize("figure", SEED_FIGURES, ids=[f.name for f in SEED_FIGURES])
def test_seed_parameters_match_tensorflow(figure: Any, tf_worker: Any) -> None:
    """Every seed curve at every 10th step of 20,000 and at each boundary ±1."""
    function, params = figure.curve.function, dict(figure.curve.params)
    steps = sorted(
        set(range(0, MAX_STEP + 1, SUMMARY_STEP))
        | set(around(boundaries(function, params, MAX_STEP)))
    )
    compare(function, params, steps, tf_worker.evaluate(function, params, steps))


# --------------------------------------------------------------------------- generated parameters
rates = st.floats(1e-4, 10.0)
fractions = st.floats(0.0, 1.0)
lengths = st.integers(1, 5000)


def _exp(name: str) -> st.SearchStrategy[dict[str, Any]]:
    decay = st.floats(0.05, 1.0) if name == "exponential_decay" else st.floats(0.0, 3.0)
    return st.fixed_dictionaries(
        {
            "learning_rate": rates,
            "decay_steps": lengths,
            "decay_rate": decay,
            "staircase": st.booleans(),
        }
    )


def _piecewise(warmup: bool) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        bounds = sorted(draw(st.sets(st.integers(1, 20000), min_size=1, max_size=6)))
        values = draw(
            st.lists(st.floats(1e-5, 1.0), min_size=len(bounds) + 1, max_size=len(bounds) + 1)
        )
        if warmup:
            return {"boundaries": bounds, "rates": values, "warmup": draw(st.booleans())}
        return {"boundaries": bounds, "values": values}

    return build()


@st.composite
def _restarts(draw: st.DrawFn) -> dict[str, Any]:
    t_mul = draw(st.one_of(st.sampled_from([1.0, 2.0, 3.0, 1.5]), st.floats(1.0, 3.0)))
    return {
        "learning_rate": draw(rates),
        "first_decay_steps": draw(lengths),
        "t_mul": t_mul,
        "m_mul": draw(st.floats(0.1, 1.5)),
        "alpha": draw(fractions),
    }


@st.composite
def _burnin(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(rates)
    return {
        "learning_rate_base": base,
        "learning_rate_decay_steps": draw(lengths),
        "learning_rate_decay_factor": draw(st.floats(0.05, 1.0)),
        "burnin_learning_rate": draw(st.one_of(st.just(0.0), st.floats(1e-5, 1.0))),
        "burnin_steps": draw(st.integers(0, 5000)),
        "min_learning_rate": draw(st.one_of(st.just(0.0), st.floats(0.0, base))),
        "staircase": draw(st.booleans()),
    }


@st.composite
def _cosine_warmup(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.floats(1e-3, 1.0))
    warmup = draw(st.integers(0, 5000))
    hold = draw(st.integers(0, 5000))
    return {
        "learning_rate_base": base,
        "total_decay_steps": warmup + hold + draw(st.integers(1, 10000)),
        "alpha": draw(fractions),
        "warmup_learning_rate": draw(st.floats(0.0, base)),
        "warmup_steps": warmup,
        "hold_base_rate_steps": hold,
    }


GENERATORS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "piecewise_constant": _piecewise(False),
    "exponential_decay": _exp("exponential_decay"),
    "natural_exp_decay": _exp("natural_exp_decay"),
    "inverse_time_decay": st.fixed_dictionaries(
        {
            "learning_rate": rates,
            "decay_steps": lengths,
            "decay_rate": st.floats(0.0, 5.0),
            "staircase": st.booleans(),
        }
    ),
    "polynomial_decay": st.fixed_dictionaries(
        {
            "learning_rate": rates,
            "decay_steps": lengths,
            "end_learning_rate": st.floats(0.0, 1e-3),
            "power": st.floats(0.1, 5.0),
            "cycle": st.booleans(),
        }
    ),
    "cosine_decay": st.fixed_dictionaries(
        {"learning_rate": rates, "decay_steps": lengths, "alpha": fractions}
    ),
    "linear_cosine_decay": st.fixed_dictionaries(
        {
            "learning_rate": rates,
            "decay_steps": lengths,
            "num_periods": st.floats(0.1, 4.0),
            "alpha": fractions,
            "beta": st.floats(0.0, 0.1),
        }
    ),
    "cosine_decay_restarts": _restarts(),
    "exponential_decay_with_burnin": _burnin(),
    "piecewise_with_warmup": _piecewise(True),
    "cosine_decay_with_warmup": _cosine_warmup(),
}


def horizon(function: str, p: Mapping[str, Any]) -> int:
    """How far to sample: a few horizons, but few enough float32 cycles for TF to stay accurate."""
    if function == "cosine_decay_restarts":
        return int(20 * p["first_decay_steps"])
    cuts = boundaries(function, p, 20000)
    return max([3 * max(cuts, default=1000), 1000])


@pytest.mark.parametrize("function", sorted(GENERATORS))
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_parameters_match_tensorflow(function: str, data: Any, tf_worker: Any) -> None:
    params = data.draw(GENERATORS[function], label="params")
    end = min(horizon(function, params), 2**24 - 2)
    sampled = data.draw(st.lists(st.integers(0, end), min_size=20, max_size=40), label="steps")
    cuts = [b for b in boundaries(function, params, end) if b < 2**24 - 1][:200]
    steps = sorted({0, *sampled, *around(cuts)})
    compare(function, params, steps, tf_worker.evaluate(function, params, steps))


# --------------------------------------------------------------------------- TF's float32 limits
def test_steps_beyond_float32_are_exact_where_tensorflow_rounds_them(tf_worker: Any) -> None:
    """From 2**24 on TF rounds the step to float32; lrdecay gives the exact value."""
    params = {"learning_rate": 1.0, "decay_steps": 2**26, "alpha": 0.0}
    steps = [2**24, 2**24 + 1, 2**24 + 2, 2**24 + 3]
    theirs = tf_worker.evaluate("cosine_decay", params, steps)
    ours = tf1.cosine_decay(**params)(np.asarray(steps))
    mpmath.mp.prec = 200
    for step, mine in zip(steps, ours.tolist(), strict=True):
        exact = 0.5 * (1 + mpmath.cos(mpmath.pi * step / 2**26))
        assert mine == pytest.approx(float(exact), rel=1e-14)
    # TF cannot tell 2**24 + 1 from 2**24 (nor 2**24 + 3 from 2**24 + 4): its values repeat.
    assert theirs[1] == theirs[0]
    assert len(set(ours.tolist())) == 4


def test_exact_restart_steps_where_tensorflow_misplaces_them(tf_worker: Any) -> None:
    """Geometric restarts: at exact restart steps TF's float32 log may pick the previous cycle."""
    misplaced = 0
    for t_mul in (3.0, 10.0):
        for first in (1, 7):
            params = {
                "learning_rate": 1.0,
                "first_decay_steps": first,
                "t_mul": t_mul,
                "alpha": 0.0,
            }
            starts = [round(s) for s in restart_starts(first, t_mul, 2**23)[1:-1]]
            theirs = tf_worker.evaluate("cosine_decay_restarts", params, starts)
            ours = tf1.cosine_decay_restarts(**params)(np.asarray(starts))
            # Every restart step is the first step of its cycle: the peak, 1.0.
            np.testing.assert_array_equal(ours, 1.0)
            misplaced += sum(1 for v in theirs if v < 0.5)
            compare("cosine_decay_restarts", params, starts, theirs)
    # TF 2.21 (pinned) misplaces some of them (10 of these 40): the case this library fixes.
    assert misplaced > 0, "TensorFlow placed every exact restart step right: update the docs"
