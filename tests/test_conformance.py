"""The conformance matrix: the example catalogue evaluated in every array library and mode.

Python numbers and NumPy (float64, float32) are evaluated here; torch (eager int32 / int64,
``dtype="float64"``, ``torch.compile(fullgraph=True)``), jax (``jax.jit`` without 64-bit types on
int32 steps; with them on int64 steps, and ``jax.vmap``) and TensorFlow (``tf.function`` on int32
and int64 steps, a ``tf.Variable``) each in a child process (``conformance_worker.py``), since
their runtimes do not belong together in one process. Every value is within float32 tolerance of
NumPy float64 for every step up to ``2**31 - 1``; every exact restart step is on its cycle's peak
in every library; results have the step's shape and the documented dtype.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from catalogue import EXAMPLES, NOT_COMPILED, RESTARTS, restart_steps
from conformance_worker import STEPS
from frameworks import require
from ulps import EPS32, EPS64, assert_ulps

WORKER = Path(__file__).resolve().with_name("conformance_worker.py")

MODES = {
    "torch-int32": ("torch", "float32"),
    "torch-int64": ("torch", "float32"),
    "torch-float64": ("torch", "float64"),
    "torch-compile": ("torch", "float32"),
    "jax-x32": ("jax", "float32"),
    "jax-x64": ("jax", "float32"),
    "tf-int32": ("tensorflow", "float32"),
    "tf-int64": ("tensorflow", "float32"),
    "tf-variable": ("tensorflow", "float32"),
}
LIBRARY_MODULES = {"torch": "torch", "jax": "jax", "tensorflow": "tensorflow"}

FLOAT32_ULPS = 16.0
"""float32 results within 16 float32 ulps of float64, relative to the larger of the value and the
schedule's scale (the largest |value| over the steps): a formula rounds a handful of times."""

STEP_ARRAY = np.asarray(STEPS, dtype=np.int64)
REFERENCE = {name: s(STEP_ARRAY) for name, s in EXAMPLES.items()}
SCALES = {name: float(np.max(np.abs(v))) for name, v in REFERENCE.items()}


def subnormal(eps: float) -> float:
    """A scale under which values are subnormal: peaks that decay to them have no relative
    precision left (ulps of this scale are the dtype's smallest normal number)."""
    tiny = np.finfo(np.float32 if eps == EPS32 else np.float64).tiny
    return float(tiny / eps)


def expected_peaks(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The exact restart steps of a restarting entry (up to 2**31 - 1) and their peak values."""
    period, factor, peak, gain = RESTARTS[name]
    found = restart_steps(period, factor)
    steps = np.asarray([s for _, s in found], dtype=np.int64)
    peaks = np.asarray([peak * gain**i for i, _ in found])
    return steps, peaks


@pytest.fixture(scope="module", params=list(MODES))
def evaluated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One worker run: ``(mode, {name: (values, dtype, shape, module)})``."""
    mode = request.param
    library, _ = MODES[mode]
    require(LIBRARY_MODULES[library])
    out = tmp_path_factory.mktemp("conformance") / f"{mode}.npz"
    done = subprocess.run(
        [sys.executable, str(WORKER), mode, str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{mode} worker failed:\n{done.stderr[-5000:]}"
    data = np.load(out)
    assert np.array_equal(data["steps"], STEP_ARRAY)
    results = {}
    for name in EXAMPLES:
        if mode == "torch-compile" and name in NOT_COMPILED:
            assert f"meta/{name}" not in data
            continue
        dtype, shape, module = (str(x) for x in data[f"meta/{name}"])
        results[name] = (data[f"values/{name}"], dtype, shape, module)
    return mode, results


@pytest.mark.slow
def test_every_library_agrees_with_numpy_float64(evaluated: Any) -> None:
    mode, results = evaluated
    library, dtype = MODES[mode]
    bad = []
    for name, (values, got_dtype, shape, module) in results.items():
        assert got_dtype == dtype, (mode, name, got_dtype)
        assert shape == str(len(STEPS)), (mode, name, shape)
        assert module.partition(".")[0] in (library, "jaxlib"), (mode, name, module)
        eps = EPS32 if dtype == "float32" else EPS64
        try:
            assert_ulps(values, REFERENCE[name], SCALES[name], ulps=FLOAT32_ULPS, eps=eps)
        except AssertionError as error:
            bad.append(f"{name}: {error}")
    assert not bad, f"{mode}:\n" + "\n".join(bad)


@pytest.mark.slow
def test_every_library_puts_exact_restart_steps_on_the_peak(evaluated: Any) -> None:
    mode, results = evaluated
    eps = EPS32 if MODES[mode][1] == "float32" else EPS64
    position = {s: i for i, s in enumerate(STEPS)}
    for name in RESTARTS:
        steps, peaks = expected_peaks(name)
        got = results[name][0][[position[s] for s in steps]]
        assert_ulps(got, peaks, subnormal(eps), ulps=4, eps=eps, what=f"{mode} {name}")


# --------------------------------------------------------------------------- here: Python, NumPy
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_python_numbers_and_numpy(name: str) -> None:
    schedule = EXAMPLES[name]
    scale = SCALES[name]
    sample = STEP_ARRAY[:: max(1, len(STEPS) // 60)]
    scalars = np.asarray([schedule(int(k)) for k in sample])
    assert_ulps(scalars, schedule(sample), scale, what=f"{name} scalar vs float64")
    as32 = schedule(STEP_ARRAY, dtype="float32")
    assert as32.dtype == np.float32
    assert_ulps(as32, REFERENCE[name], scale, ulps=FLOAT32_ULPS, eps=EPS32, what=name)
    if name in RESTARTS:
        steps, peaks = expected_peaks(name)
        for dtype, eps in (("float64", EPS64), ("float32", EPS32)):
            got = schedule(steps, dtype=dtype)
            assert_ulps(got, peaks, subnormal(eps), ulps=4, eps=eps, what=f"{name} {dtype}")
