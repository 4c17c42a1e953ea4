"""lrdecay.compat.tf1 against the real TensorFlow, graph and eager mode, under the one parity rule.

Every value is judged by :func:`rule.judge`: lrdecay must be within 1e-12 of the exact formula
(:mod:`exact`, independent of lrdecay), and within float32 tolerance of TensorFlow in graph mode (as
TF 1 ran it) or eager mode, or else differ from TensorFlow only in one of the documented classes
(``docs/tf1-differences.md``). The properties must hold on any sample: ``make test`` draws one
fixed sample, ``make test-thorough`` ten independent ones of 200 examples per function.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping
from typing import Any

import exact
import numpy as np
import pytest
import rule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrdecay.compat import tf1
from lrdecay.survey import FIGURES, MAX_STEP, SUMMARY_STEP

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LRDECAY_PARITY_EXAMPLES", "20"))
"""Examples per function and sample (``make test-thorough`` asks for 200)."""


def compare(
    function: str,
    params: Mapping[str, Any],
    steps: list[int],
    tf_worker: Any,
    tf_eager_worker: Any,
) -> list[rule.Judgement]:
    """Judge lrdecay against TensorFlow (graph values fetched here, eager ones when needed)."""
    ours = getattr(tf1, function)(**params)(np.asarray(steps, dtype=np.int64)).tolist()
    graph = tf_worker.evaluate(function, params, steps)

    def eager(asked: list[int]) -> list[float]:
        values: list[float] = tf_eager_worker.evaluate(function, params, asked)
        return values

    return rule.judge(function, params, steps, ours, graph, eager)


def around(cuts: list[int]) -> list[int]:
    return sorted({s for b in cuts for s in (b - 1, b, b + 1) if s >= 0})


# --------------------------------------------------------------------------- the survey's curves
@pytest.mark.parametrize("figure", FIGURES, ids=[f.name for f in FIGURES])
def test_survey_parameters_match_tensorflow(
    figure: Any, tf_worker: Any, tf_eager_worker: Any
) -> None:
    """Every curve of the survey at every 10th step of 20,000 and at each boundary ±1."""
    function, params = figure.curve.function, dict(figure.curve.params)
    steps = sorted(
        set(range(0, MAX_STEP + 1, SUMMARY_STEP))
        | set(around(exact.cuts(function, params, MAX_STEP)))
    )
    compare(function, params, steps, tf_worker, tf_eager_worker)


# --------------------------------------------------------------------------- generated parameters
rates = st.floats(1e-4, 10.0)
fractions = st.floats(0.0, 1.0)
lengths = st.one_of(st.integers(1, 5000), st.sampled_from([110, 115, 1250, 3000]))
decimals = st.sampled_from([1.1, 1.2, 1.25, 1.3, 1.5, 1.05, 2.5])


def _exp(name: str) -> st.SearchStrategy[dict[str, Any]]:
    decay = st.floats(0.05, 1.0) if name == "exponential_decay" else st.floats(0.0, 3.0)
    return st.fixed_dictionaries(
        {"learning_rate": rates, "decay_steps": lengths, "decay_rate": decay},
        optional={"staircase": st.booleans()},
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
    params = {"learning_rate": draw(rates), "first_decay_steps": draw(lengths)}
    if draw(st.booleans()):
        params["t_mul"] = draw(
            st.one_of(st.sampled_from([1.0, 2.0, 3.0]), decimals, st.floats(1, 3))
        )
    if draw(st.booleans()):
        params["m_mul"] = draw(st.one_of(st.just(0.0), st.floats(0.1, 1.5)))
    if draw(st.booleans()):
        params["alpha"] = draw(fractions)
    return params


@st.composite
def _burnin(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(rates)
    return {
        "learning_rate_base": base,
        "learning_rate_decay_steps": draw(lengths),
        "learning_rate_decay_factor": draw(
            st.one_of(st.floats(0.05, 1.0), st.sampled_from([0.99999, 0.9999]))
        ),
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
        {"learning_rate": rates, "decay_steps": lengths, "decay_rate": st.floats(0.0, 5.0)},
        optional={"staircase": st.booleans()},
    ),
    "polynomial_decay": st.fixed_dictionaries(
        {"learning_rate": rates, "decay_steps": lengths},
        optional={
            "end_learning_rate": st.floats(0.0, 1e-3),
            "power": st.one_of(st.floats(0.1, 5.0), st.sampled_from([0.0, 0.5])),
            "cycle": st.booleans(),
        },
    ),
    "cosine_decay": st.fixed_dictionaries(
        {"learning_rate": rates, "decay_steps": lengths}, optional={"alpha": fractions}
    ),
    "linear_cosine_decay": st.fixed_dictionaries(
        {"learning_rate": rates, "decay_steps": lengths},
        optional={
            "num_periods": st.one_of(st.floats(0.1, 4.0), st.just(0.0)),
            "alpha": fractions,
            "beta": st.floats(0.0, 0.1),
        },
    ),
    "noisy_linear_cosine_decay": st.fixed_dictionaries(
        {"learning_rate": rates, "decay_steps": lengths, "initial_variance": st.just(0.0)},
        optional={"num_periods": st.floats(0.1, 4.0), "alpha": fractions},
    ),
    "cosine_decay_restarts": _restarts(),
    "exponential_decay_with_burnin": _burnin(),
    "piecewise_with_warmup": _piecewise(True),
    "cosine_decay_with_warmup": _cosine_warmup(),
}


def horizon(function: str, p: Mapping[str, Any]) -> int:
    """How far to sample: a few horizons (20 cycles of a restart)."""
    if function == "cosine_decay_restarts":
        return int(20 * p["first_decay_steps"])
    cuts = exact.cuts(function, p, 20000)
    return max([3 * max(cuts, default=1000), 1000])


@pytest.mark.parametrize("function", sorted(GENERATORS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_parameters_match_tensorflow(
    function: str, data: Any, tf_worker: Any, tf_eager_worker: Any
) -> None:
    params = data.draw(GENERATORS[function], label="params")
    end = min(horizon(function, params), 2**24 - 2)
    sampled = data.draw(st.lists(st.integers(0, end), min_size=20, max_size=40), label="steps")
    cuts = [b for b in exact.cuts(function, params, end) if b < 2**24 - 1][:200]
    steps = sorted({0, *sampled, *around(cuts)})
    compare(function, params, steps, tf_worker, tf_eager_worker)


# --------------------------------------------------------------------------- TF1's defaults
REQUIRED_ONLY: dict[str, dict[str, Any]] = {
    "piecewise_constant": {"boundaries": [100, 300], "values": [0.1, 0.01, 0.001]},
    "exponential_decay": {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5},
    "natural_exp_decay": {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5},
    "inverse_time_decay": {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5},
    "polynomial_decay": {"learning_rate": 0.1, "decay_steps": 300},
    "cosine_decay": {"learning_rate": 0.1, "decay_steps": 300},
    "linear_cosine_decay": {"learning_rate": 0.1, "decay_steps": 300},
    "cosine_decay_restarts": {"learning_rate": 0.1, "first_decay_steps": 100},
    "exponential_decay_with_burnin": {
        "learning_rate_base": 0.1,
        "learning_rate_decay_steps": 100,
        "learning_rate_decay_factor": 0.5,
    },
    "piecewise_with_warmup": {"boundaries": [100, 300], "rates": [0.001, 0.1, 0.01]},
    "cosine_decay_with_warmup": {"learning_rate_base": 0.1, "total_decay_steps": 300},
}


@pytest.mark.parametrize("function", sorted(REQUIRED_ONLY))
def test_defaults_match_tensorflow(function: str, tf_worker: Any, tf_eager_worker: Any) -> None:
    """Each function called with only its required arguments equals TensorFlow called the same
    way: a changed default fails here."""
    params = REQUIRED_ONLY[function]
    steps = sorted({*range(0, 1000, 7), *around(exact.cuts(function, params, 1000))})
    judgements = compare(function, params, steps, tf_worker, tf_eager_worker)
    assert all(j.verdict in ("graph", "eager") for j in judgements)


@pytest.mark.parametrize("function", [*sorted(exact.DEFAULTS)])
def test_signature_matches_tensorflow(function: str, tf_worker: Any) -> None:
    """Names, order and defaults as TensorFlow's (for the three object-detection functions: as
    the reference copies'). The step (TF requires it) defaults to ``None``, and the parameters
    after it that TF requires default to ``tf1.REQUIRED``; lrdecay's own extras (the noise
    ``seed``) are keyword-only, after TensorFlow's."""
    response = tf_worker.request({"signature": function})
    theirs = {p["name"]: p for p in response["parameters"]}
    ours = inspect.signature(getattr(tf1, function)).parameters
    positional = [n for n, p in ours.items() if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert positional == list(theirs)
    assert all(p["kind"] == "POSITIONAL_OR_KEYWORD" for p in theirs.values())
    extras = [n for n, p in ours.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert extras == (["seed"] if function == "noisy_linear_cosine_decay" else [])
    for name, param in theirs.items():
        mine = ours[name].default
        if "default" in param:
            assert mine == param["default"] and type(mine) is type(param["default"]), name
        elif name in ("global_step", "x"):
            assert mine is None, name
        else:
            assert mine is tf1.REQUIRED, name
    # TensorFlow's defaults are also the ones the exact formulas assume.
    defaults = {n: p["default"] for n, p in theirs.items() if "default" in p and n != "name"}
    assert defaults == exact.DEFAULTS[function]


def test_required_parameters_are_required() -> None:
    with pytest.raises(
        TypeError, match=r"cosine_decay\(\) missing required argument: 'decay_steps'"
    ):
        tf1.cosine_decay(0.1)
    with pytest.raises(TypeError, match=r"missing required arguments: 'boundaries' and 'values'"):
        tf1.piecewise_constant()


# --------------------------------------------------------------------------- TF1's edge values
#: Values TensorFlow accepts and computes finite rates for at every step (found by probing TF 2.21:
#: zeros, negative rates, repeated or negative boundaries, unreachable pieces): lrdecay accepts
#: each of them and gives TensorFlow's values. (Negative durations, which TF accepts and which
#: mean nothing, are rejected: see tests/test_validation.py.)
EDGES: list[tuple[str, dict[str, Any]]] = [
    ("piecewise_constant", {"boundaries": 1000, "values": [1.0, 0.1]}),
    ("piecewise_constant", {"boundaries": [-10, 1000], "values": [1.0, 0.5, 0.1]}),
    ("piecewise_constant", {"boundaries": [1000, 1000], "values": [1.0, 0.5, 0.1]}),
    ("piecewise_constant", {"boundaries": [1000, 5000], "values": [1, 2, 3]}),
    ("exponential_decay", {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.0}),
    (
        "exponential_decay",
        {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.0, "staircase": True},
    ),
    (
        "exponential_decay",
        {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": -0.5, "staircase": True},
    ),
    ("exponential_decay", {"learning_rate": -0.1, "decay_steps": 2.5, "decay_rate": 0.96}),
    ("natural_exp_decay", {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.0}),
    ("inverse_time_decay", {"learning_rate": 0.1, "decay_steps": 0.5, "decay_rate": 0.0}),
    ("polynomial_decay", {"learning_rate": 0.1, "decay_steps": 1000, "power": 0.0}),
    ("polynomial_decay", {"learning_rate": 0.1, "decay_steps": 1000, "power": 0.0, "cycle": True}),
    ("polynomial_decay", {"learning_rate": 0.1, "decay_steps": 2.5, "cycle": True}),
    ("polynomial_decay", {"learning_rate": 0.1, "decay_steps": 1000, "end_learning_rate": 1.0}),
    ("cosine_decay", {"learning_rate": 0.1, "decay_steps": 1000, "alpha": -0.5}),
    ("cosine_decay", {"learning_rate": 0.1, "decay_steps": 0.5, "alpha": 1.5}),
    ("linear_cosine_decay", {"learning_rate": 0.1, "decay_steps": 1000, "num_periods": 0.0}),
    ("linear_cosine_decay", {"learning_rate": 0.1, "decay_steps": 1000, "num_periods": -1.0}),
    ("linear_cosine_decay", {"learning_rate": 0.1, "decay_steps": 1000, "beta": -1.0}),
    (
        "noisy_linear_cosine_decay",
        {"learning_rate": 0.1, "decay_steps": 1000, "initial_variance": 0.0, "num_periods": -1.0},
    ),
    ("cosine_decay_restarts", {"learning_rate": 0.1, "first_decay_steps": 1000, "m_mul": 0.0}),
    ("cosine_decay_restarts", {"learning_rate": 0.1, "first_decay_steps": 1000, "m_mul": -0.5}),
    ("cosine_decay_restarts", {"learning_rate": 0.1, "first_decay_steps": 1000, "m_mul": 2.0}),
    (
        "cosine_decay_restarts",
        {"learning_rate": 0.1, "first_decay_steps": 2.5, "t_mul": 1.0, "alpha": 1.5},
    ),
    ("cosine_decay_restarts", {"learning_rate": 0.1, "first_decay_steps": 0.5}),
    (
        "exponential_decay_with_burnin",
        {
            "learning_rate_base": 0.1,
            "learning_rate_decay_steps": 1000,
            "learning_rate_decay_factor": 0.0,
            "burnin_steps": 100,
        },
    ),
    (
        "exponential_decay_with_burnin",
        {
            "learning_rate_base": 0.1,
            "learning_rate_decay_steps": 2.5,
            "learning_rate_decay_factor": -0.5,
            "min_learning_rate": -1.0,
        },
    ),
    ("piecewise_with_warmup", {"boundaries": [], "rates": [0.1], "warmup": True}),
    ("piecewise_with_warmup", {"boundaries": [1], "rates": [0.0, 0.1], "warmup": True}),
    (
        "cosine_decay_with_warmup",
        {
            "learning_rate_base": 0.1,
            "total_decay_steps": 1500,
            "warmup_steps": 1000,
            "hold_base_rate_steps": 500,
        },
    ),
    (
        "cosine_decay_with_warmup",
        {
            "learning_rate_base": 0.1,
            "total_decay_steps": 0,
            "warmup_steps": 1000,
            "hold_base_rate_steps": 500,
        },
    ),
    (
        "cosine_decay_with_warmup",
        {"learning_rate_base": 0.1, "total_decay_steps": 999, "warmup_steps": 1000},
    ),
    (
        "cosine_decay_with_warmup",
        {"learning_rate_base": 0.1, "total_decay_steps": 2000, "warmup_learning_rate": 0.2},
    ),
]


@pytest.mark.parametrize(
    ("function", "params"), EDGES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(EDGES)]
)
def test_edge_values_tensorflow_accepts(
    function: str, params: dict[str, Any], tf_worker: Any, tf_eager_worker: Any
) -> None:
    steps = sorted({*range(0, 3001, 7), *around(exact.cuts(function, params, 3000)), 10**6})
    compare(function, params, steps, tf_worker, tf_eager_worker)


# --------------------------------------------------------------------------- documented classes
DOCUMENTED: list[tuple[str, dict[str, Any], int, str]] = [
    (
        "polynomial_decay",
        {"learning_rate": 1.0, "decay_steps": 115, "end_learning_rate": 0.0, "power": 0.5},
        115,
        "eager",
    ),
    (
        "cosine_decay_restarts",
        {"learning_rate": 1.0, "first_decay_steps": 1250, "t_mul": 1.1},
        2625,
        "float32-piece",
    ),
    (
        "exponential_decay_with_burnin",
        {
            "learning_rate_base": 1.0,
            "learning_rate_decay_steps": 1,
            "learning_rate_decay_factor": 0.99999,
        },
        220,
        "float32-parameters",
    ),
    (
        "exponential_decay",
        {"learning_rate": 1.0, "decay_steps": 3 * 2**23, "decay_rate": 0.5, "staircase": True},
        3 * 2**24 - 1,
        "float32-step",
    ),
]


@pytest.mark.parametrize(("function", "params", "step", "verdict"), DOCUMENTED)
def test_documented_differences_are_what_tensorflow_does(
    function: str,
    params: dict[str, Any],
    step: int,
    verdict: str,
    tf_worker: Any,
    tf_eager_worker: Any,
) -> None:
    """One example of each class of docs/tf1-differences.md: TensorFlow still does it (TF 2.21
    is pinned), and the rule names the class."""
    [judgement] = compare(function, params, [step], tf_worker, tf_eager_worker)
    assert judgement.verdict == verdict


def test_steps_beyond_float32_are_exact_where_tensorflow_rounds_them(
    tf_worker: Any, tf_eager_worker: Any
) -> None:
    """From 2**24 on TF rounds the step to float32; lrdecay gives the exact value."""
    params = {"learning_rate": 1.0, "decay_steps": 3 * 2**23, "decay_rate": 0.5, "staircase": True}
    steps = [3 * 2**24 - 3, 3 * 2**24 - 2, 3 * 2**24 - 1, 3 * 2**24]
    judged = compare("exponential_decay", params, steps, tf_worker, tf_eager_worker)
    # float32 holds multiples of 4 there: TF evaluates 3 * 2**24 - 1 as 3 * 2**24, the first step
    # of the third decay period (and 3 * 2**24 - 2 too, rounding half to even).
    assert [j.ours for j in judged] == [0.5, 0.5, 0.5, 0.25]
    assert [j.graph for j in judged] == [0.5, 0.25, 0.25, 0.25]
    assert [j.verdict for j in judged] == ["graph", "float32-step", "float32-step", "graph"]


def test_exact_restart_steps_where_tensorflow_misplaces_them(
    tf_worker: Any, tf_eager_worker: Any
) -> None:
    """Geometric restarts: at exact restart steps TF's float32 log may pick the previous cycle."""
    misplaced = 0
    for t_mul in (3.0, 10.0, 1.1):
        for first in (1, 7, 1250):
            params = {"learning_rate": 1.0, "first_decay_steps": first, "t_mul": t_mul}
            starts = exact.restart_starts(first, t_mul, 2**23)[1:-1]
            steps = [int(s) for s in starts if s.denominator == 1]
            ours = tf1.cosine_decay_restarts(**params)(np.asarray(steps))
            np.testing.assert_array_equal(ours, 1.0)  # every restart step is its cycle's peak
            judged = compare("cosine_decay_restarts", params, steps, tf_worker, tf_eager_worker)
            misplaced += sum(1 for j in judged if j.verdict == "float32-piece")
    # TF 2.21 (pinned) misplaces some of them: the case this library fixes.
    assert misplaced > 0, "TensorFlow placed every exact restart step right: update the docs"
