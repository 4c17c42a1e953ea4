"""``lrdecay.compat.keras`` against Keras 3's own schedules, on the TensorFlow and JAX backends.

Parameters are drawn by Hypothesis here (derandomized: one fixed sample), written to JSON, and
evaluated by Keras in one worker process per backend (``keras_dialect_worker.py``), both running
at once. Keras computes in ``float32``: a value passes under the one rule of every parity test
(``tests/parity/rule.py``: within ``3e-6`` of ``max(scale, |value|)``, or a documented ``float32``
class of ``docs/tf1-differences.md``, with lrdecay within ``1e-12`` of the exact formula). Five of
the six classes are TensorFlow 1's formulas, judged by that rule under their TF1 names;
``CosineDecay`` with a warm-up is compared directly. What Keras refuses, or turns into NaN, inf or
integer arithmetic, lrdecay refuses with a message naming the class and the parameter.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import exact
import numpy as np
import pytest
import rule
from frameworks import require, unavailable
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lrdecay import Schedule
from lrdecay.compat import keras as k

WORKER = Path(__file__).with_name("keras_dialect_worker.py")
BACKENDS = ("tensorflow", "jax")
EXAMPLES = 40
"""Hypothesis examples per class (each evaluated at up to ~40 steps on both backends)."""
TOLERANCE = rule.TOLERANCE
TINY = float(np.finfo(np.float32).tiny)
"""Below it float32 flushes to 0 or loses precision."""
BIG = [2**24 - 1, 2**24, 2**24 + 1]
"""Steps past float32's integers (the float32-step class); larger ones lose the phase of a cycle
by more than the rule's sampling explains."""

TF1_NAMES = {
    "ExponentialDecay": "exponential_decay",
    "PiecewiseConstantDecay": "piecewise_constant",
    "PolynomialDecay": "polynomial_decay",
    "InverseTimeDecay": "inverse_time_decay",
    "CosineDecay": "cosine_decay",
    "CosineDecayRestarts": "cosine_decay_restarts",
}
RENAMED = {"initial_learning_rate": "learning_rate"}


def as_tf1(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The TF1 function and parameters with Keras's formula, or ``None`` (a warm-up)."""
    if name == "CosineDecay" and params.get("warmup_target") is not None:
        return None
    p = {RENAMED.get(key, key): value for key, value in params.items()}
    p = {key: value for key, value in p.items() if key not in ("warmup_target", "warmup_steps")}
    if name == "PiecewiseConstantDecay":  # Keras truncates fractional boundaries
        p["boundaries"] = [math.trunc(float(np.float32(b))) for b in p["boundaries"]]
    return TF1_NAMES[name], p


rates = st.one_of(st.floats(1e-6, 10.0), st.sampled_from([0.0, 0.1, 1.0, -0.1]))
lengths = st.one_of(st.integers(1, 10_000), st.floats(0.5, 1e4), st.sampled_from([2.5, 110, 1250]))


@st.composite
def parameters(draw: st.DrawFn, name: str) -> dict[str, Any]:
    if name in ("ExponentialDecay", "InverseTimeDecay"):
        stair = draw(st.booleans())
        if name == "ExponentialDecay":
            low = -1.0 if stair else 0.0
            rate = draw(st.one_of(st.floats(low, 1.0), st.sampled_from([0.0, 0.5, 0.96])))
        else:
            rate = draw(st.floats(0.0, 5.0))
        return {
            "initial_learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "decay_rate": rate,
            "staircase": stair,
        }
    if name == "PiecewiseConstantDecay":
        bounds = sorted(
            draw(
                st.lists(
                    st.one_of(st.integers(-3, 10**5), st.floats(0.0, 1e5)), min_size=1, max_size=5
                )
            )
        )
        values = draw(
            st.lists(st.floats(-1.0, 1.0), min_size=len(bounds) + 1, max_size=len(bounds) + 1)
        )
        return {"boundaries": bounds, "values": values}
    if name == "PolynomialDecay":
        return {
            "initial_learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "end_learning_rate": draw(st.floats(-0.1, 1.0)),
            "power": draw(st.one_of(st.floats(0.0, 5.0), st.sampled_from([0.0, 0.5, 1.0]))),
            "cycle": draw(st.booleans()),
        }
    if name == "CosineDecay":
        params: dict[str, Any] = {
            "initial_learning_rate": draw(rates),
            "decay_steps": draw(lengths),
            "alpha": draw(st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, -0.5, 1.5]))),
        }
        if draw(st.booleans()):
            params["warmup_target"] = draw(st.floats(0.0, 10.0))
            params["warmup_steps"] = draw(
                st.one_of(st.integers(0, 5000), st.sampled_from([0, 1, 2.5]))
            )
        return params
    if name == "CosineDecayRestarts":
        return {
            "initial_learning_rate": draw(rates),
            "first_decay_steps": draw(lengths),
            "t_mul": draw(
                st.one_of(st.sampled_from([1.0, 2.0, 1.5, 3.0, 1.1]), st.floats(1.05, 3.0))
            ),
            "m_mul": draw(st.one_of(st.floats(0.0, 1.5), st.sampled_from([0.0, -0.5, 1.0]))),
            "alpha": draw(st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, -0.5, 1.5]))),
        }
    raise AssertionError(name)


def horizon_of(name: str, params: dict[str, Any]) -> int:
    if name == "PiecewiseConstantDecay":
        return int(max(max(params["boundaries"]), 1)) + 2
    length = params.get("decay_steps", params.get("first_decay_steps"))
    return math.ceil(float(length) + float(params.get("warmup_steps", 0))) + 1


def flush(value: Any) -> Any:
    """Rates below float32's normal range are 0 (Keras flushes or rounds them; the rule's scale
    has no floor for them)."""
    if isinstance(value, list):
        return [flush(v) for v in value]
    if isinstance(value, float) and abs(value) < TINY:
        return 0.0
    return value


def collect(name: str) -> list[dict[str, Any]]:
    """A fixed Hypothesis sample of parameters, each with the steps to check."""
    cases: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=settings.default.derandomize,  # a fixed sample, unless `make test-thorough`
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(params=parameters(name), spread=st.lists(st.integers(0, 10**6), max_size=12))
    def draw(params: dict[str, Any], spread: list[int]) -> None:
        params = {key: flush(value) for key, value in params.items()}
        horizon = horizon_of(name, params)
        chosen = {0, 1, 2} | {s % (3 * horizon) for s in spread}
        # shorter periods lose whole periods to float32 at 2**24 (float32-phase), and growing
        # restarts (m_mul > 1) leave float32's range there (Keras: inf or NaN)
        if horizon >= 64 and abs(params.get("m_mul", 1.0)) <= 1:
            chosen |= set(BIG)
        mapped = as_tf1(name, params)
        if mapped is not None:
            cuts = exact.cuts(mapped[0], mapped[1], horizon)[:8]
            chosen |= {max(0, c + d) for c in cuts for d in (-1, 0, 1)}
        else:
            w = math.ceil(float(params.get("warmup_steps", 0)))
            chosen |= {max(0, w + d) for d in (-1, 0, 1)} | {horizon - 1, horizon}
        steps = sorted(s for s in chosen if s < 2**31)
        cases.append({"name": name, "params": params, "steps": steps})

    draw()
    return cases


NAMES = list(TF1_NAMES)

# What Keras refuses, or turns into NaN, inf or integers: lrdecay refuses it, naming the parameter.
LR = {"initial_learning_rate": 0.1}
REFUSED = [
    ("ExponentialDecay", {**LR, "decay_steps": 0, "decay_rate": 0.5}, "decay_steps"),
    ("ExponentialDecay", {**LR, "decay_steps": 10, "decay_rate": -0.5}, "decay_rate"),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 1, "decay_steps": 10, "decay_rate": 0.5},
        "initial_learning_rate",
    ),
    ("PiecewiseConstantDecay", {"boundaries": [10], "values": [1.0]}, "boundaries"),
    ("PiecewiseConstantDecay", {"boundaries": [], "values": [1.0]}, "boundaries"),
    ("PolynomialDecay", {**LR, "decay_steps": 10, "power": -1.0}, "power"),
    ("PolynomialDecay", {**LR, "decay_steps": -5}, "decay_steps"),
    ("InverseTimeDecay", {**LR, "decay_steps": 10, "decay_rate": -0.5}, "decay_rate"),
    (
        "CosineDecay",
        {"initial_learning_rate": 0, "decay_steps": 10, "warmup_target": 0.1, "warmup_steps": 5},
        "initial_learning_rate",
    ),
    ("CosineDecay", {**LR, "decay_steps": 0}, "decay_steps"),
    ("CosineDecayRestarts", {**LR, "first_decay_steps": 10, "t_mul": 0.5}, "t_mul"),
    ("CosineDecayRestarts", {**LR, "first_decay_steps": 0}, "first_decay_steps"),
]
REFUSED_STEPS = [0, 5, 10, 15, 19, 20, 21, 40, 100]


@pytest.fixture(scope="module")
def keras_values(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """All cases (the sample of every class, then the refused ones) on both backends, at once."""
    require("keras")
    cases = [case for name in NAMES for case in collect(name)]
    cases += [{"name": n, "params": p, "steps": REFUSED_STEPS} for n, p, _ in REFUSED]
    folder = tmp_path_factory.mktemp("keras_dialect")
    (folder / "cases.json").write_text(json.dumps(cases))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    processes = {}
    for backend in BACKENDS:
        out = folder / f"{backend}.json"
        command = [sys.executable, str(WORKER), str(folder / "cases.json"), str(out)]
        processes[backend] = (
            subprocess.Popen(
                command,
                env={**env, "KERAS_BACKEND": backend},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            out,
        )
    results: dict[str, Any] = {"cases": cases}
    for backend, (process, out) in processes.items():
        _, stderr = process.communicate(timeout=600)
        if process.returncode != 0 or not out.exists():
            unavailable(f"Keras ({backend}) worker failed: {stderr[-2000:]}")
        loaded = json.loads(out.read_text())
        assert loaded["backend"] == backend
        results[backend] = loaded["results"]
    return results


def reciprocal_end(
    params: dict[str, Any], steps: list[int], ours: list[float], theirs: list[float]
) -> list[float]:
    """Keras's values, with lrdecay's where they differ only as the documented "reciprocal" class.

    Keras on JAX (XLA) divides ``min(t, T) / T`` as ``min(t, T) * (1 / T)``: from ``T`` on, the
    fraction can be ``1 - 2**-24`` instead of 1 (``T = 110``), and ``(2**-24) ** power`` is far
    from 0 for a power below 1 (``2.4e-4`` for a square root). ``docs/frameworks.md`` shows it.
    """
    lr, end = params["initial_learning_rate"], params.get("end_learning_rate", 0.0001)
    power, length = params.get("power", 1.0), float(params["decay_steps"])
    scale = max(abs(lr), abs(end))
    result = list(theirs)
    for i, (step, mine, value) in enumerate(zip(steps, ours, theirs, strict=True)):
        if step < length or abs(value - mine) <= TOLERANCE * scale:
            continue
        for ulps in (1, 2):
            candidate = (lr - end) * (ulps * 2.0**-24) ** power + end
            if abs(candidate - value) <= TOLERANCE * max(scale, abs(candidate)):
                result[i] = mine
    return result


def judge_case(case: dict[str, Any], theirs: list[float], backend: str) -> None:
    name, params, steps = case["name"], case["params"], case["steps"]
    schedule = getattr(k, name)(**params)
    assert isinstance(schedule, Schedule)
    ours = [float(v) for v in schedule(np.asarray(steps, dtype=np.int64))]
    largest = max(abs(v) for v in ours) + 1e-300
    for step, value in zip(steps[:5], ours[:5], strict=False):  # scalar and array: a few ulps
        assert abs(schedule(step) - value) <= 1e-12 * largest, (name, params, step)
    mapped = as_tf1(name, params)
    if mapped is not None:
        function, tf1_params = mapped
        if name == "PolynomialDecay" and not params["cycle"]:
            theirs = reciprocal_end(params, steps, ours, theirs)
        try:
            rule.judge(function, tf1_params, steps, ours, theirs)
        except AssertionError as error:
            raise AssertionError(f"Keras {backend}: {name}({params}): {error}") from None
        return
    scale = max(abs(params["initial_learning_rate"]), abs(params["warmup_target"]))
    for step, mine, value in zip(steps, ours, theirs, strict=True):
        assert abs(mine - value) <= TOLERANCE * max(scale, abs(mine)) + TINY, (
            f"Keras {backend}: {name}({params}) at step {step}: Keras {value!r}, lrdecay {mine!r}"
        )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", NAMES)
def test_matches_keras(keras_values: dict[str, Any], name: str, backend: str) -> None:
    checked = 0
    for case, result in zip(keras_values["cases"], keras_values[backend], strict=True):
        if case["name"] != name or case["steps"] is REFUSED_STEPS:
            continue
        assert "values" in result, f"Keras ({backend}) refused {case}: {result['error']}"
        judge_case(case, result["values"], backend)
        checked += 1
    assert checked >= EXAMPLES // 2, f"only {checked} {name} cases evaluated on {backend}"


@pytest.mark.parametrize(("index", "refused"), list(enumerate(REFUSED)))
def test_refuses_what_keras_refuses(
    keras_values: dict[str, Any], index: int, refused: tuple[str, dict[str, Any], str]
) -> None:
    name, params, parameter = refused
    offset = len(keras_values["cases"]) - len(REFUSED)
    for backend in BACKENDS:
        result = keras_values[backend][offset + index]
        broken = (
            "error" in result
            or any(not math.isfinite(v) for v in result["values"])
            or (isinstance(params.get("initial_learning_rate"), int))
        )
        assert broken, f"Keras ({backend}) gives finite values for {name}({params}): {result}"
    with pytest.raises((ValueError, TypeError), match=f"{name}: {parameter}"):
        getattr(k, name)(**params)


def test_integer_rate_is_integer_arithmetic_in_keras(keras_values: dict[str, Any]) -> None:
    """Why an int ``initial_learning_rate`` is refused: Keras's own docstring example
    (``CosineDecay`` from ``0`` with ``warmup_target=0.1``) is 0 at every step on JAX and raises on
    TensorFlow."""
    offset = len(keras_values["cases"]) - len(REFUSED)
    index = next(
        i for i, r in enumerate(REFUSED) if r[0] == "CosineDecay" and r[2].startswith("init")
    )
    for backend in BACKENDS:
        result = keras_values[backend][offset + index]
        assert "error" in result or result["values"] == [0.0] * len(REFUSED_STEPS), result


def test_imports_no_keras() -> None:
    code = "import sys, lrdecay.compat.keras; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
