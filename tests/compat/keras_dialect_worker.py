"""Keras 3's own schedules, evaluated in their own process (``test_keras_dialect.py``).

``KERAS_BACKEND=<backend> python tests/compat/keras_dialect_worker.py CASES.json OUT.json``
reads a list of cases ``{"name", "params", "steps"}``, builds
``keras.optimizers.schedules.<name>(**params)`` for each and writes, per case,
``{"values": [...]}`` (float64 of the float32 values at the int32 steps) or ``{"error": "..."}``
when Keras raises. Keras and its backend are imported only here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np

PAD = 64
"""Step vectors are padded to a multiple of this length: JAX compiles each operation once per
shape, so equal shapes across cases keep the run short."""


def _eager() -> Any:
    """On JAX, ``lax.cond`` (``CosineDecayRestarts`` branches on ``t_mul``) compiles both branches
    at every call: without jit it runs the one it takes, operation by operation."""
    import contextlib

    import keras

    if keras.backend.backend() == "jax":
        import jax

        return jax.disable_jit()
    return contextlib.nullcontext()


def evaluate(schedule: Any, steps: list[int]) -> list[float]:
    """Keras's values at ``steps``: all at once where the schedule takes a vector of steps, else
    (``CosineDecay`` with a warm-up, whose ``ops.cond`` needs a scalar step) mapped over them:
    ``jax.vmap`` on JAX, one call per step elsewhere."""
    import keras

    size = -(-len(steps) // PAD) * PAD
    array = np.asarray(steps + [steps[-1]] * (size - len(steps)), dtype=np.int32)
    try:
        with _eager():
            values = keras.ops.convert_to_numpy(schedule(keras.ops.convert_to_tensor(array)))
        if np.shape(values) == array.shape:
            return [float(v) for v in np.asarray(values, dtype=np.float64)[: len(steps)]]
    except Exception:  # a scalar-only schedule: map it over the steps
        pass
    if keras.backend.backend() == "jax":
        import jax

        values = np.asarray(jax.jit(jax.vmap(schedule))(array), dtype=np.float64)
        return [float(v) for v in values[: len(steps)]]
    return [float(keras.ops.convert_to_numpy(schedule(np.int32(s)))) for s in steps]


def main(cases_path: str, out_path: str) -> None:
    import keras

    with open(cases_path) as f:
        cases = json.load(f)
    results: list[dict[str, Any]] = []
    for case in cases:
        try:
            schedule = getattr(keras.optimizers.schedules, case["name"])(**case["params"])
            results.append({"values": evaluate(schedule, case["steps"])})
        except Exception as error:  # recorded: the test checks that lrdecay refuses it
            results.append({"error": f"{type(error).__name__}: {error}"})
    with open(out_path, "w") as f:
        json.dump({"backend": keras.backend.backend(), "results": results}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
