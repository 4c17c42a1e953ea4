"""``lrdecay.compat.optax`` against optax itself (optax 0.2.8), run in one child process.

Parameter sets are drawn here, from fixed seeds, for every optax schedule function; one call of
``optax_dialect_worker.py`` evaluates optax's schedules on all of them (``int32`` counts under
``jax.vmap``, as optax's optimizers pass them) and this process judges: lrdecay's value at count
``k``, in double precision and in ``float32``, is within ``3e-6`` of optax's ``float32`` value,
relative to the larger of the schedule's scale (its largest value parameter) and the value.
Arguments optax refuses, or turns into ``inf``/NaN, are refused here with a ``ValueError`` or
``TypeError`` naming the function; the shapes lrdecay cannot build are refused with a message that
says so (each is in ``docs/frameworks.md``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require

from lrdecay.compat import optax as ox

WORKER = Path(__file__).resolve().with_name("optax_dialect_worker.py")
TOLERANCE = 3e-6
SEEDS = range(3)
PER_FUNCTION = 10
"""Parameter sets per function and seed."""


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


def value(r: random.Random) -> float:
    return r.choice([1.0, 0.1, 3e-4, 2.5, -0.5]) * r.uniform(0.2, 1.0)


def steps_around(r: random.Random, marks: list[float], horizon: float) -> list[int]:
    """Every step near the marks, a sample of the rest, and steps far past the horizon."""
    top = int(horizon) + 3
    chosen = {0, 1, 2, top, 2 * top + 7, 10**6 + 3}
    for m in marks:
        base = int(m)
        chosen |= {k for k in range(base - 2, base + 3) if k >= 0}
    chosen |= {r.randrange(0, top + 1) for _ in range(40)}
    return sorted(chosen)


def draw(function: str, r: random.Random) -> tuple[dict[str, Any], list[int], float]:
    """Keyword arguments, steps and the scale of one parameter set for ``function``."""
    if function == "constant_schedule":
        v = value(r)
        return {"value": v}, [0, 5, 10**6], abs(v)
    if function in ("polynomial_schedule", "linear_schedule"):
        init, end = value(r), value(r) * r.choice([0.0, 0.01, 1.0])
        steps = r.choice([r.randrange(1, 300), r.randrange(-5, 1), r.uniform(0.5, 50.0)])
        begin = r.choice([0, 0, r.randrange(1, 100), -r.randrange(1, 10)])
        kwargs = {"init_value": init, "end_value": end, "transition_steps": steps}
        if function == "polynomial_schedule":
            kwargs["power"] = r.choice([1, 2, 0.5, 3.7, 0])
        kwargs["transition_begin"] = begin
        b = max(begin, 0)
        return (
            kwargs,
            steps_around(r, [b, b + max(steps, 0)], b + max(steps, 1)),
            max(abs(init), abs(end)),
        )
    if function in ("piecewise_constant_schedule", "piecewise_interpolate_schedule"):
        init = value(r)
        n = r.randrange(0, 5)
        bounds = r.sample(range(-5, 400), n) + (
            [r.randrange(1, 50) + 0.5] if r.random() < 0.3 else []
        )
        if function == "piecewise_interpolate_schedule" and r.random() < 0.7:
            bounds = [abs(b) + 1 for b in bounds]
            bounds = list(dict.fromkeys(bounds))
        scales = {b: r.choice([0.1, 0.5, 2.0, 1.0, 0.0, 10.0]) for b in bounds}
        kwargs = {"init_value": init, "boundaries_and_scales": pairs(scales) if scales else None}
        if function == "piecewise_interpolate_schedule":
            kwargs = {"interpolate_type": r.choice(["linear", "cosine"]), **kwargs}
        running, scale = init, abs(init)
        for _, s in sorted(scales.items()):
            running *= s
            scale = max(scale, abs(running))
        return kwargs, steps_around(r, list(scales), max([0, *scales])), scale
    if function in ("exponential_decay", "warmup_exponential_decay_schedule"):
        init = value(r)
        steps = r.choice([r.randrange(1, 200), 0, r.randrange(1, 20) + 0.5])
        rate = r.choice([r.uniform(0.5, 0.999), r.uniform(1.001, 1.5), 0.0, -0.5, 0.5])
        staircase = r.random() < 0.5 or rate < 0
        begin = r.choice([0, r.randrange(1, 100), -3])
        end = r.choice([None, abs(init) * r.uniform(0.01, 3.0)])
        kwargs: dict[str, Any] = {"transition_steps": steps, "decay_rate": rate}
        kwargs |= {"transition_begin": begin, "staircase": staircase, "end_value": end}
        warm = 0
        if function == "exponential_decay":
            kwargs = {"init_value": init, **kwargs}
        else:
            warm = r.choice([0, r.randrange(1, 100)])
            kwargs = {"init_value": value(r), "peak_value": init, "warmup_steps": warm, **kwargs}
        # at most 20 periods: float32's rate and exponent stay within the tolerance
        horizon = warm + max(begin, 0) + 20 * max(steps, 1)
        top = [warm, warm + max(begin, 0)]
        found = [k for k in steps_around(r, top, horizon) if k <= horizon]
        scale = max(abs(init), abs(end or 0.0), abs(kwargs.get("init_value", 0.0)))
        return kwargs, found, scale
    if function == "cosine_decay_schedule":
        init = value(r)
        steps = r.choice([r.randrange(1, 300), r.uniform(0.5, 40.0)])
        kwargs = {"init_value": init, "decay_steps": steps, "alpha": r.choice([0.0, 0.1, -0.2])}
        kwargs["exponent"] = r.choice([1.0, 2, 0.5, 1.5, 0, 3])
        return kwargs, steps_around(r, [steps], steps), abs(init) * 1.2
    if function == "warmup_cosine_decay_schedule":
        init, peak = value(r), r.choice([value(r), 0.0])
        warm = r.choice([0, r.randrange(1, 100), r.randrange(1, 10) + 0.5])
        total = warm + r.choice([r.randrange(1, 300), 0.5])
        end = value(r) * r.choice([0.0, 0.1])
        kwargs = {"init_value": init, "peak_value": peak, "warmup_steps": warm}
        kwargs |= {"decay_steps": total, "end_value": end, "exponent": r.choice([1.0, 2.0, 0.5])}
        return kwargs, steps_around(r, [warm, total], total), max(abs(init), abs(peak), abs(end))
    if function in ("cosine_onecycle_schedule", "linear_onecycle_schedule"):
        total = r.choice([r.randrange(1, 400), 3, 1])
        peak = value(r)
        kwargs = {"transition_steps": total, "peak_value": peak}
        kwargs["pct_start"] = r.choice([0.3, 0.1, 0.5, 1.0, 0.0])
        if function == "linear_onecycle_schedule":
            kwargs["pct_final"] = r.choice([0.85, 0.7, 1.0, 0.2])
        kwargs |= {"div_factor": r.choice([25.0, 10.0, 1.0]), "final_div_factor": 1e4}
        marks = [total * kwargs["pct_start"], total * kwargs.get("pct_final", 0.0), total]
        return kwargs, steps_around(r, marks, total), abs(peak) * 25.0
    if function == "sgdr_schedule":
        cycles = []
        for _ in range(r.randrange(1, 4)):
            warm = r.choice([0, r.randrange(1, 20)])
            cycles.append(
                {
                    "init_value": value(r),
                    "peak_value": value(r),
                    "warmup_steps": warm,
                    "decay_steps": warm + r.randrange(1, 100),
                    "end_value": r.choice([0.0, 1e-3]),
                }
            )
        marks, at = [], 0
        for c in cycles:
            marks += [at + c["warmup_steps"], at + c["decay_steps"]]
            at += c["decay_steps"]
        scale = max(max(abs(c["init_value"]), abs(c["peak_value"])) for c in cycles)
        return {"cosine_kwargs": cycles}, steps_around(r, marks, at), scale
    if function == "join_schedules":
        children, bounds, scale = [], [], 0.0
        for i in range(r.randrange(1, 4)):
            child = r.choice(["linear_schedule", "cosine_decay_schedule", "exponential_decay"])
            kwargs, _, child_scale = draw(child, r)
            if child == "exponential_decay":
                kwargs["decay_rate"] = abs(kwargs["decay_rate"]) % 1 or 0.5
                kwargs["end_value"] = None
                kwargs["staircase"] = True
            children.append({"function": child, "kwargs": kwargs})
            scale = max(scale, child_scale)
            if i:
                bounds.append(r.choice([r.randrange(1, 300), 0]))
        marks = list(bounds)
        return {"schedules": children, "boundaries": bounds}, steps_around(r, marks, 400), scale
    raise AssertionError(function)


FUNCTIONS = [
    "constant_schedule",
    "polynomial_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "exponential_decay",
    "cosine_decay_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
    "cosine_onecycle_schedule",
    "linear_onecycle_schedule",
    "sgdr_schedule",
    "join_schedules",
]

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
        "sgdr_schedule",
        {"cosine_kwargs": [{"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 5}]},
        "decay_steps",
    ),
]


def cases() -> list[dict[str, Any]]:
    drawn = []
    for seed in SEEDS:
        for function in FUNCTIONS:
            r = random.Random(f"{function}-{seed}")
            for _ in range(PER_FUNCTION):
                kwargs, steps, scale = draw(function, r)
                drawn.append(
                    {"function": function, "kwargs": kwargs, "steps": steps, "scale": scale}
                )
            drawn[-1]["jit"] = True  # one per function and seed: lrdecay under jax.jit too
    for function, kwargs, _ in REFUSED:
        drawn.append(
            {
                "function": function,
                "kwargs": kwargs,
                "steps": [0, 1, 2, 3, 5, 7, 10, 20],
                "scale": 1,
            }
        )
    return drawn


@pytest.fixture(scope="module")
def answers() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    require("jax")
    require("optax")
    drawn = cases()
    done = subprocess.run(
        [sys.executable, str(WORKER)],
        input=json.dumps(drawn),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    assert done.returncode == 0, f"optax worker failed:\n{done.stderr[-5000:]}"
    return list(zip(drawn, json.loads(done.stdout), strict=True))


EXPRESSIBLE_REFUSALS = ("not expressible", "part-way")


def test_values_match_optax(answers: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Where optax gives finite values, lrdecay gives the same (or refuses a shape it cannot
    build, saying so); where optax refuses or gives inf/NaN, lrdecay refuses."""
    compared = refused = 0
    for case, answer in answers:
        where = f"{case['function']}({case['kwargs']})"
        theirs = answer.get("values")
        if theirs is None or None in theirs:  # optax refuses, or inf/NaN somewhere
            with pytest.raises((ValueError, TypeError), match="optax"):
                ours(case)
            refused += 1
            continue
        try:
            schedule = ours(case)
        except ValueError as error:
            assert any(s in str(error) for s in EXPRESSIBLE_REFUSALS), f"{where}: {error}"
            continue
        steps = np.asarray(case["steps"], dtype=np.int64)
        wanted = np.asarray(theirs, dtype=np.float64)
        bound = TOLERANCE * np.maximum(case["scale"], np.abs(wanted)) + 1e-300
        for got, kind in (
            (schedule(steps), "float64"),
            (schedule(steps, dtype="float32"), "float32"),
        ):
            bad = np.flatnonzero(np.abs(np.asarray(got, dtype=np.float64) - wanted) > bound)
            assert bad.size == 0, (
                f"{where} ({kind}) at steps {steps[bad[:5]].tolist()}: lrdecay "
                f"{np.asarray(got)[bad[:5]].tolist()}, optax {wanted[bad[:5]].tolist()}"
            )
        scalar = [schedule(int(k)) for k in steps[:3]]
        np.testing.assert_allclose(scalar, wanted[:3], rtol=0, atol=float(bound[:3].max()))
        compared += 1
    assert compared >= len(SEEDS) * len(FUNCTIONS) * PER_FUNCTION * 0.7
    assert refused >= len(REFUSED)


def test_lrdecay_under_jit_is_an_optax_schedule(
    answers: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """lrdecay's schedule, jitted and vmapped over optax's int32 counts in the worker, returns
    float32 and agrees with optax's own schedule."""
    jitted = [(case, answer) for case, answer in answers if "lrdecay_jit" in answer]
    assert len(jitted) >= len(FUNCTIONS)
    for case, answer in jitted:
        assert answer["lrdecay_dtype"] == "float32"
        wanted = np.asarray(answer["values"], dtype=np.float64)
        got = np.asarray(answer["lrdecay_jit"], dtype=np.float64)
        bound = TOLERANCE * np.maximum(case["scale"], np.abs(wanted))
        bad = np.flatnonzero(np.abs(got - wanted) > bound)
        assert bad.size == 0, f"{case['function']}({case['kwargs']}) under jit at {bad[:5]}"


@pytest.mark.parametrize(("function", "kwargs", "message"), REFUSED)
def test_refusals_name_the_function_and_parameter(
    function: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError)) as error:
        ours({"function": function, "kwargs": kwargs})
    assert f"optax.{function}" in str(error.value)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        ("cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 10, "exponent": 0.3}),
        (
            "warmup_cosine_decay_schedule",
            {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": -2, "decay_steps": 10},
        ),
        (
            "join_schedules",
            {"schedules": [1.0, ox.cosine_decay_schedule(1.0, 10)], "boundaries": [-3]},
        ),
        (
            "piecewise_interpolate_schedule",
            {
                "interpolate_type": "cosine",
                "init_value": 1.0,
                "boundaries_and_scales": {-3: 0.5, 10: 0.1},
            },
        ),
    ],
)
def test_shapes_lrdecay_cannot_build_are_refused_plainly(
    function: str, kwargs: dict[str, Any]
) -> None:
    """optax accepts these; lrdecay cannot build them from its curves and says so."""
    with pytest.raises(ValueError, match=r"not expressible|part-way") as error:
        getattr(ox, function)(**kwargs)
    assert f"optax.{function}" in str(error.value)


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
