"""``lrdecay.compat.optax`` against optax itself (optax 0.2.8), run in one child process.

Hypothesis draws the parameters here, for every optax schedule function (negative warm-ups and
boundaries, any cosine exponent, degenerate lengths included): ``make test`` one fixed sample,
``HYPOTHESIS_PROFILE=lrdecay-thorough`` a fresh one per ``--hypothesis-seed``. One call of
``optax_dialect_worker.py`` evaluates optax's schedules on all of them (``int32`` counts under
``jax.vmap``, as optax's optimizers pass them, and again in jax's 64-bit mode) and this process
judges, at every step of the horizon (or, for long ones, every step near a boundary and an even
sample) and far past it: lrdecay's value, in double precision and in ``float32``, is within
``3e-6`` of optax's ``float32`` value, relative to the larger of the schedule's scale (its largest
value parameter) and the value; or else close to optax's own ``float64`` value: lrdecay's
double-precision value within ``1e-9`` of it, lrdecay's ``float32`` value within ``3e-6`` plus
twice optax's ``float32`` error there (``float32`` rounding amplified, in every library: a small
cosine ``exponent`` near the end of the decay, a count shifted by a fractional boundary far past
it). Arguments optax refuses, or turns into ``inf``/NaN, are refused here with a ``ValueError``
or ``TypeError`` naming the function.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lrdecay.compat import optax as ox

WORKER = Path(__file__).resolve().with_name("optax_dialect_worker.py")
TOLERANCE = 3e-6
"""lrdecay against optax's ``float32`` value, relative to ``max(scale, |value|)``."""
TIGHT = 1e-9
"""lrdecay (float64) against optax in jax's 64-bit mode, relative to ``max(scale, |value|)``."""
EXAMPLES = 30
"""Hypothesis examples per function."""
EVERY_STEP = 900
"""Horizons up to this long are checked at every step."""


def pairs(mapping: dict[float, float]) -> list[list[float]]:
    return [[b, s] for b, s in mapping.items()]


def as_kwargs(case: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of our function for a case (the worker's encoding undone)."""
    kwargs = dict(case["kwargs"])
    if kwargs.get("boundaries_and_scales") is not None:
        kwargs["boundaries_and_scales"] = {b: s for b, s in kwargs["boundaries_and_scales"]}
    if case["function"] == "join_schedules":
        kwargs["schedules"] = [ours(child) for child in kwargs["schedules"]]
    return kwargs


def ours(case: dict[str, Any]) -> Any:
    return getattr(ox, case["function"])(**as_kwargs(case))


# ------------------------------------------------------------------------------ strategies
values = st.one_of(
    st.sampled_from([1.0, 0.1, 3e-4, 2.5, -0.5, 0.0]),
    st.floats(1e-3, 10.0),
    st.floats(-10.0, -1e-3),
)
quarters = st.integers(1, 2000).map(lambda n: n / 4)
"""Fractional step counts (a quarter step apart: optax's float32 holds them exactly)."""
lengths = st.one_of(st.integers(1, 3000), quarters, st.sampled_from([1, 2, 0.5]))
exponents = st.one_of(
    st.sampled_from([1.0, 2, 0.5, 1.5, 0, 3, 0.3, 33.5, 40.0]),
    st.floats(0.0, 8.0),
    st.floats(0.0, 0.2),
)
"""Any exponent >= 0: multiples of 1/2 (products of cosines) and the rest (a power)."""
scale_factors = st.one_of(st.sampled_from([0.1, 0.5, 2.0, 1.0, 0.0, 10.0]), st.floats(0.0, 3.0))
boundaries = st.one_of(st.integers(-20, 1500), st.integers(-40, 2000).map(lambda n: n / 4))


@st.composite
def scaled(draw: st.DrawFn) -> dict[float, float]:
    """A ``{boundary: scale}`` mapping, boundaries below 0 included."""
    keys = draw(st.lists(boundaries, max_size=5, unique=True))
    if keys and draw(st.booleans()):  # a segment that starts before step 0
        keys = list({*keys[1:], draw(st.integers(-40, -1).map(lambda n: n / 2))})
    return {b: draw(scale_factors) for b in keys}


def drawn(
    function: str, kwargs: dict[str, Any], marks: list[float], horizon: float, scale: float
) -> dict[str, Any]:
    return {"function": function, "kwargs": kwargs, "marks": marks, "horizon": horizon,
            "scale": scale}  # fmt: skip


@st.composite
def polynomial(draw: st.DrawFn, function: str) -> dict[str, Any]:
    init, end = draw(values), draw(values)
    steps = draw(st.one_of(lengths, st.integers(-5, 0)))
    begin = draw(st.one_of(st.just(0), st.integers(1, 500), st.integers(-10, -1)))
    kwargs: dict[str, Any] = {"init_value": init, "end_value": end, "transition_steps": steps}
    if function == "polynomial_schedule":
        kwargs["power"] = draw(st.one_of(st.sampled_from([1, 2, 0.5, 3.7, 0]), st.floats(0, 6)))
    kwargs["transition_begin"] = begin
    b = max(begin, 0)
    return drawn(function, kwargs, [b, b + max(steps, 0)], b + max(steps, 1),
                 max(abs(init), abs(end)))  # fmt: skip


def running_scale(init: float, scales: dict[float, float]) -> float:
    running, top = init, abs(init)
    for _, s in sorted(scales.items()):
        running *= s
        top = max(top, abs(running))
    return top


@st.composite
def piecewise(draw: st.DrawFn, function: str) -> dict[str, Any]:
    init, scales = draw(values), draw(scaled())
    kwargs: dict[str, Any] = {"init_value": init, "boundaries_and_scales": pairs(scales) or None}
    if function == "piecewise_interpolate_schedule":
        kwargs = {"interpolate_type": draw(st.sampled_from(["linear", "cosine"])), **kwargs}
    horizon = max([0, *scales])
    return drawn(function, kwargs, list(scales), horizon, running_scale(init, scales))


@st.composite
def exponential(draw: st.DrawFn, function: str) -> dict[str, Any]:
    init = draw(values)
    steps = draw(
        st.one_of(st.integers(1, 200), st.just(0), st.integers(1, 80).map(lambda n: n / 4))
    )
    rate = draw(
        st.one_of(
            st.floats(0.5, 0.999), st.floats(1.001, 1.5), st.sampled_from([0.0, -0.5, 0.5, 2.0])
        )
    )
    staircase = draw(st.booleans()) or rate < 0
    begin = draw(st.one_of(st.just(0), st.integers(1, 100), st.just(-3)))
    end = draw(st.one_of(st.none(), st.floats(0.01, 3.0).map(lambda f: abs(init) * f)))
    kwargs: dict[str, Any] = {"transition_steps": steps, "decay_rate": rate}
    kwargs |= {"transition_begin": begin, "staircase": staircase, "end_value": end}
    warm = 0
    scale = max(abs(init), abs(end or 0.0))
    if function == "exponential_decay":
        kwargs = {"init_value": init, **kwargs}
    else:  # a negative warm-up starts the decay part-way through (at most 5 periods in)
        warm = draw(st.one_of(st.just(0), st.integers(1, 100), st.integers(-30, -1)))
        warm = max(warm, -5 * max(steps, 1))
        first = draw(values)
        kwargs = {"init_value": first, "peak_value": init, "warmup_steps": warm, **kwargs}
        scale = max(scale, abs(first))
    # at most 20 periods: float32's rate and exponent stay within the tolerance
    horizon = warm + max(begin, 0) + 20 * max(steps, 1)
    return drawn(function, kwargs, [warm, warm + max(begin, 0)], horizon, scale) | {"stop": horizon}


@st.composite
def warmup_constant(draw: st.DrawFn) -> dict[str, Any]:
    init, peak = draw(values), draw(values)
    warm = draw(st.one_of(lengths, st.integers(-5, 0)))
    kwargs = {"init_value": init, "peak_value": peak, "warmup_steps": warm}
    return drawn("warmup_constant_schedule", kwargs, [warm], max(warm, 1),
                 max(abs(init), abs(peak)))  # fmt: skip


@st.composite
def cosine(draw: st.DrawFn) -> dict[str, Any]:
    init, steps = draw(values), draw(lengths)
    alpha = draw(st.one_of(st.sampled_from([0.0, 0.1, -0.2]), st.floats(-0.5, 1.5)))
    kwargs = {"init_value": init, "decay_steps": steps, "alpha": alpha}
    kwargs["exponent"] = draw(exponents)
    scale = abs(init) * (abs(1 - alpha) + abs(alpha))
    return drawn("cosine_decay_schedule", kwargs, [steps], steps, scale)


def warmup_cosine_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    init, peak = draw(values), draw(st.one_of(values, st.just(0.0)))
    warm = draw(
        st.one_of(
            st.just(0),
            st.integers(1, 300),
            st.integers(-200, -1),
            st.integers(-200, 200).map(lambda n: n / 4),
        )
    )
    total = warm + draw(st.one_of(st.integers(1, 2000), quarters, st.just(0.5)))
    end = draw(values) * draw(st.sampled_from([0.0, 0.1, 1.0]))
    return {"init_value": init, "peak_value": peak, "warmup_steps": warm, "decay_steps": total,
            "end_value": end, "exponent": draw(exponents)}  # fmt: skip


def warmup_cosine_scale(kwargs: dict[str, Any]) -> float:
    return max(abs(kwargs["init_value"]), abs(kwargs["peak_value"]), abs(kwargs["end_value"]))


@st.composite
def warmup_cosine(draw: st.DrawFn) -> dict[str, Any]:
    kwargs = warmup_cosine_kwargs(draw)
    warm, total = kwargs["warmup_steps"], kwargs["decay_steps"]
    return drawn("warmup_cosine_decay_schedule", kwargs, [warm, total], total,
                 warmup_cosine_scale(kwargs))  # fmt: skip


@st.composite
def onecycle(draw: st.DrawFn, function: str) -> dict[str, Any]:
    total = draw(st.one_of(st.integers(1, 2000), st.sampled_from([1, 3])))
    peak = draw(values)
    fractions = st.one_of(st.sampled_from([0.3, 0.1, 0.5, 1.0, 0.0, 0.85]), st.floats(0.0, 1.0))
    kwargs: dict[str, Any] = {"transition_steps": total, "peak_value": peak}
    kwargs["pct_start"] = draw(fractions)
    if function == "linear_onecycle_schedule":
        kwargs["pct_final"] = draw(fractions)
    kwargs["div_factor"] = draw(st.one_of(st.sampled_from([25.0, 10.0, 1.0]), st.floats(1, 50)))
    kwargs["final_div_factor"] = draw(st.one_of(st.just(1e4), st.floats(1, 1e4)))
    marks = [total * kwargs["pct_start"], total * kwargs.get("pct_final", 0.0), total]
    return drawn(function, kwargs, marks, total, abs(peak))


@st.composite
def sgdr(draw: st.DrawFn) -> dict[str, Any]:
    cycles = []
    for _ in range(draw(st.integers(1, 3))):
        warm = draw(st.one_of(st.just(0), st.integers(1, 20), st.integers(-20, -1)))
        cycles.append(
            {
                "init_value": draw(values),
                "peak_value": draw(values),
                "warmup_steps": warm,
                "decay_steps": warm + draw(st.integers(1, 300)),
                "end_value": draw(st.sampled_from([0.0, 1e-3])),
                "exponent": draw(exponents),
            }
        )
    marks: list[float] = []
    at = 0
    for c in cycles:
        marks += [at + c["warmup_steps"], at + c["decay_steps"]]
        at += c["decay_steps"]
    scale = max(warmup_cosine_scale(c) for c in cycles)
    return drawn("sgdr_schedule", {"cosine_kwargs": cycles}, marks, max(marks), scale)


@st.composite
def join(draw: st.DrawFn) -> dict[str, Any]:
    children, bounds, scale = [], [], 0.0
    for i in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ["linear_schedule", "cosine_decay_schedule", "exponential_decay",
                 "warmup_cosine_decay_schedule", "constant_schedule"]
            )
        )  # fmt: skip
        if kind == "linear_schedule":
            child = draw(polynomial(kind))
        elif kind == "cosine_decay_schedule":
            child = draw(cosine())
        elif kind == "exponential_decay":  # decaying, so the count's shift stays in float32
            child = draw(exponential(kind))
            child["kwargs"] |= {"decay_rate": draw(st.floats(0.5, 0.99)), "end_value": None}
        elif kind == "warmup_cosine_decay_schedule":
            child = draw(warmup_cosine())
        else:
            v = draw(values)
            child = drawn(kind, {"value": v}, [], 0, abs(v))
        children.append({"function": kind, "kwargs": child["kwargs"]})
        scale = max(scale, child["scale"])
        if i:  # a schedule from below 0 is started part-way through
            negative = st.integers(-400, -1).map(lambda n: n / 4)
            bounds.append(draw(st.one_of(boundaries, st.just(0), negative)))
    kwargs = {"schedules": children, "boundaries": bounds}
    return drawn("join_schedules", kwargs, list(bounds), max([400, *bounds]), scale)


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "constant_schedule": values.map(
        lambda v: drawn("constant_schedule", {"value": v}, [], 10, abs(v))
    ),
    "polynomial_schedule": polynomial("polynomial_schedule"),
    "linear_schedule": polynomial("linear_schedule"),
    "piecewise_constant_schedule": piecewise("piecewise_constant_schedule"),
    "piecewise_interpolate_schedule": piecewise("piecewise_interpolate_schedule"),
    "exponential_decay": exponential("exponential_decay"),
    "cosine_decay_schedule": cosine(),
    "warmup_constant_schedule": warmup_constant(),
    "warmup_cosine_decay_schedule": warmup_cosine(),
    "warmup_exponential_decay_schedule": exponential("warmup_exponential_decay_schedule"),
    "cosine_onecycle_schedule": onecycle("cosine_onecycle_schedule"),
    "linear_onecycle_schedule": onecycle("linear_onecycle_schedule"),
    "sgdr_schedule": sgdr(),
    "join_schedules": join(),
}
FUNCTIONS = list(STRATEGIES)
"""Every schedule function of ``optax.schedules``."""


def steps_of(case: dict[str, Any], sample: list[int]) -> list[int]:
    """Every step of the horizon (a long one: every step near a mark and an even sample), a few
    steps past it and far past it, and the drawn ``sample`` (fractions of the horizon)."""
    top = int(max(case["horizon"], 0)) + 3
    chosen = {0, 1, 2, top, 2 * top + 7, 10**6 + 3}
    if top <= EVERY_STEP:
        chosen |= set(range(top + 1))
    else:
        chosen |= {round(i * top / EVERY_STEP) for i in range(EVERY_STEP)}
        for m in case["marks"]:
            chosen |= set(range(int(m) - 2, int(m) + 3))
    chosen |= {s * top // 10**6 for s in sample}
    stop = case.get("stop")
    return sorted(k for k in chosen if k >= 0 and (stop is None or k <= max(stop, 0)))


def collect(function: str) -> list[dict[str, Any]]:
    """A Hypothesis sample of ``function``'s parameters (fixed unless the thorough profile)."""
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=settings.default.derandomize,  # a fixed sample, unless `make test-thorough`
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=STRATEGIES[function], sample=st.lists(st.integers(0, 10**6), max_size=12))
    def draw(case: dict[str, Any], sample: list[int]) -> None:
        found.append(
            {"function": function, "kwargs": case["kwargs"], "steps": steps_of(case, sample),
             "scale": case["scale"]}
        )  # fmt: skip

    draw()
    found[-1]["jit"] = True  # one per function: lrdecay under jax.jit too
    return found


PINNED: list[tuple[str, dict[str, Any]]] = [
    # once refused as "not expressible" or "part-way": optax's values, reproduced
    ("cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 10, "exponent": 0.3}),
    ("warmup_cosine_decay_schedule",
     {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": -2, "decay_steps": 10,
      "exponent": 1.7}),
    ("warmup_exponential_decay_schedule",
     {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": -7, "transition_steps": 5,
      "decay_rate": 0.5, "transition_begin": 3}),
    ("join_schedules",
     {"schedules": [{"function": "constant_schedule", "kwargs": {"value": 1.0}},
                    {"function": "cosine_decay_schedule",
                     "kwargs": {"init_value": 1.0, "decay_steps": 10}}],
      "boundaries": [-3]}),
    ("piecewise_interpolate_schedule",
     {"interpolate_type": "cosine", "init_value": 1.0,
      "boundaries_and_scales": [[-3, 0.5], [10, 0.1]]}),
    ("sgdr_schedule",
     {"cosine_kwargs": [{"init_value": 0.0, "peak_value": 1.0, "warmup_steps": -10,
                         "decay_steps": -5},
                        {"init_value": 0.0, "peak_value": 2.0, "warmup_steps": -1,
                         "decay_steps": 10, "exponent": 0.7}]}),
]  # fmt: skip

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    # (function, kwargs, what our message says): optax raises, or gives inf/NaN
    ("cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 0}, "decay_steps must be > 0"),
    ("cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 10, "exponent": -1.0}, "exponent"),
    (
        "polynomial_schedule",
        {"init_value": 1.0, "end_value": 0.0, "power": -1, "transition_steps": 5},
        "power",
    ),
    (
        "exponential_decay",
        {"init_value": 1.0, "transition_steps": 5, "decay_rate": -0.5},
        "decay_rate",
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 1.0, "boundaries_and_scales": [[5, -1.0]]},
        ">= 0",
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 1.0, "boundaries_and_scales": [[5, 1e30], [6, 1e30]]},
        "float32",
    ),
    (
        "piecewise_interpolate_schedule",
        {"interpolate_type": "cubic", "init_value": 1.0},
        "'linear' or 'cosine'",
    ),
    (
        "piecewise_interpolate_schedule",
        {"interpolate_type": "linear", "init_value": 1.0, "boundaries_and_scales": [[5, -2.0]]},
        ">= 0",
    ),
    ("cosine_onecycle_schedule", {"transition_steps": 0, "peak_value": 1.0}, "transition_steps"),
    ("linear_onecycle_schedule", {"transition_steps": -3, "peak_value": 1.0}, "transition_steps"),
    (
        "cosine_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 1.0, "div_factor": 0.0},
        "div_factor",
    ),
    (
        "linear_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 1.0, "final_div_factor": 0.0},
        "final_div_factor",
    ),
    (
        "warmup_cosine_decay_schedule",
        {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 10, "decay_steps": 10},
        "decay_steps",
    ),
    (
        "warmup_cosine_decay_schedule",
        {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": -3, "decay_steps": -4},
        "decay_steps",
    ),
    (
        "sgdr_schedule",
        {"cosine_kwargs": [{"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 5}]},
        "decay_steps",
    ),
]


def cases() -> list[dict[str, Any]]:
    every = [case for function in FUNCTIONS for case in collect(function)]
    for function, kwargs in PINNED:
        every.append({"function": function, "kwargs": kwargs, "steps": list(range(40)),
                      "scale": 2.0, "pinned": True})  # fmt: skip
    for function, kwargs, _ in REFUSED:
        every.append({"function": function, "kwargs": kwargs,
                      "steps": [0, 1, 2, 3, 5, 7, 10, 20], "scale": 1})  # fmt: skip
    return every


@pytest.fixture(scope="module")
def answers() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    require("jax")
    require("optax")
    every = cases()
    done = subprocess.run(
        [sys.executable, str(WORKER)],
        input=json.dumps(every),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    assert done.returncode == 0, f"optax worker failed:\n{done.stderr[-5000:]}"
    return list(zip(every, json.loads(done.stdout), strict=True))


def judge(
    case: dict[str, Any], answer: dict[str, Any], got: np.ndarray, kind: str, exact: bool
) -> None:
    """``got`` (lrdecay's values) within :data:`TOLERANCE` of optax's ``float32`` values, or else
    close to optax's ``float64`` values: within :data:`TIGHT` for lrdecay in double precision
    (``exact``), and for lrdecay in ``float32`` within :data:`TOLERANCE` plus twice optax's own
    ``float32`` error there (a small ``exponent`` near the end of a cosine amplifies ``float32``
    rounding in every library: lrdecay in ``float32`` must be about as accurate as optax)."""
    steps = np.asarray(case["steps"])
    wanted = np.asarray(answer["values"], dtype=np.float64)
    wanted64 = np.asarray(answer["values64"], dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    near = np.abs(got - wanted) <= TOLERANCE * np.maximum(case["scale"], np.abs(wanted))
    size = np.maximum(case["scale"], np.abs(wanted64))
    if exact:
        near64 = np.abs(got - wanted64) <= TIGHT * size
    else:
        near64 = np.abs(got - wanted64) <= TOLERANCE * size + 2 * np.abs(wanted - wanted64)
    bad = np.flatnonzero(~(near | near64))
    assert bad.size == 0, (
        f"{case['function']}({case['kwargs']}) ({kind}) at steps {steps[bad[:5]].tolist()}: "
        f"lrdecay {got[bad[:5]].tolist()}, optax float32 {wanted[bad[:5]].tolist()}, "
        f"float64 {wanted64[bad[:5]].tolist()}"
    )


def test_values_match_optax(answers: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Where optax gives finite values, lrdecay gives the same; where optax refuses or gives
    inf/NaN, lrdecay refuses."""
    compared = refused = 0
    functions = set()
    for case, answer in answers:
        theirs = answer.get("values")
        if theirs is None or None in theirs:  # optax refuses, or inf/NaN somewhere
            with pytest.raises((ValueError, TypeError), match="optax"):
                ours(case)
            refused += 1
            continue
        assert None not in answer["values64"], case
        schedule = ours(case)
        steps = np.asarray(case["steps"], dtype=np.int64)
        judge(case, answer, schedule(steps), "float64", exact=True)
        judge(case, answer, schedule(steps, dtype="float32"), "float32", exact=False)
        scalar = {**case, "steps": case["steps"][:3]}
        judge(scalar, answer | {k: answer[k][:3] for k in ("values", "values64")},
              np.asarray([schedule(int(k)) for k in steps[:3]]), "scalar", exact=True)  # fmt: skip
        compared += 1
        functions.add(case["function"])
    assert functions == set(FUNCTIONS)
    assert compared >= len(FUNCTIONS) * EXAMPLES * 0.7
    assert refused >= len(REFUSED)


def test_every_function_is_drawn() -> None:
    assert set(FUNCTIONS) == set(ox.__all__)


def test_newly_accepted_shapes_are_compared(
    answers: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """The shapes once refused (an exponent not a multiple of 1/2, curves started part-way
    through) give finite values in optax, so ``test_values_match_optax`` compared them."""
    pinned = [answer for case, answer in answers if case.get("pinned")]
    assert len(pinned) == len(PINNED)
    for answer in pinned:
        assert "values" in answer and None not in answer["values"], answer


def test_lrdecay_under_jit_is_an_optax_schedule(
    answers: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """lrdecay's schedule, jitted and vmapped over optax's int32 counts in the worker, returns
    float32 and agrees with optax's own schedule."""
    jitted = [(case, answer) for case, answer in answers if "lrdecay_jit" in answer]
    assert len(jitted) >= len(FUNCTIONS)
    for case, answer in jitted:
        assert answer["lrdecay_dtype"] == "float32"
        judge(case, answer, np.asarray(answer["lrdecay_jit"]), "jax.jit", exact=False)


@pytest.mark.parametrize(("function", "kwargs", "message"), REFUSED)
def test_refusals_name_the_function_and_parameter(
    function: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError)) as error:
        ours({"function": function, "kwargs": kwargs})
    assert f"optax.{function}" in str(error.value)
    assert message in str(error.value)


def test_quirks() -> None:
    """optax's own conventions, kept: the warm-up is inside decay_steps, scales multiply at the
    boundary (>=), interpolation is between running products, degenerate lengths are constants."""
    s = ox.warmup_cosine_decay_schedule(0.0, 2.0, warmup_steps=10, decay_steps=20, end_value=1.0)
    assert [s(10), s(20), s(1000)] == [2.0, 1.0, 1.0]
    p = ox.piecewise_constant_schedule(1.0, {10: 0.5})
    assert [p(9), p(10)] == [1.0, 0.5]
    assert ox.polynomial_schedule(3.0, 1.0, 2, transition_steps=0)(50) == 3.0
    assert ox.exponential_decay(3.0, 10, decay_rate=0.0, end_value=5.0)(50) == 3.0
    assert ox.warmup_cosine_decay_schedule(0.0, 0.0, 1, 5, end_value=7.0)(100) == 0.0
    # equal keys collapse: pct_start=1 puts both boundaries at T, the later scale wins
    one = ox.cosine_onecycle_schedule(10, 1.0, pct_start=1.0, div_factor=10.0, final_div_factor=1.0)
    assert one(0) == 0.1 and one(10) == pytest.approx(0.01)


def test_the_dialect_imports_no_framework() -> None:
    code = (
        "import sys, lrdecay.compat.optax; "
        "print([m for m in 'jax,optax'.split(',') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"
