"""optax's own schedules, evaluated in a child process for ``tests/compat/test_optax_dialect.py``.

``python optax_dialect_worker.py < cases.json > values.json``. Each case is ``{"function": name,
"kwargs": {...}, "steps": [...]}``; a ``boundaries_and_scales`` argument travels as a list of
``[step, scale]`` pairs (JSON keys are strings) and the ``schedules`` of ``join_schedules`` as
nested cases. Each answer is ``{"values": [...], "values64": [...]}`` (``null`` for a value
that is not finite) or ``{"error": "TypeName: message"}`` when optax refuses the arguments.
``values`` is optax as its optimizers run it: ``float32``, the count an ``int32`` array under
``jax.vmap``. ``values64`` is the same optax schedule once every case is done, with jax's 64-bit
mode on (``int64`` counts, ``float64`` arithmetic): optax's formula without ``float32`` rounding.
A case with ``"jit": true`` also gets ``"lrdecay_jit"``: lrdecay's own schedule for it,
evaluated as optax would use it (``jax.jit`` of ``jax.vmap`` on the ``int32`` counts). jax and
optax are imported only in :func:`main`: pytest collects this module and must not import them.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

WIDTH = 1024
"""Counts are padded to a multiple of this length (one shape for jax to compile)."""


def build(optax: Any, case: dict[str, Any]) -> Any:
    """optax's schedule for one case."""
    kwargs = dict(case["kwargs"])
    if "boundaries_and_scales" in kwargs and kwargs["boundaries_and_scales"] is not None:
        kwargs["boundaries_and_scales"] = {b: s for b, s in kwargs["boundaries_and_scales"]}
    if case["function"] == "join_schedules":
        kwargs["schedules"] = [build(optax, child) for child in kwargs["schedules"]]
    return getattr(optax, case["function"])(**kwargs)


def build_ours(case: dict[str, Any]) -> Any:
    """lrdecay's schedule for one case."""
    from lrdecay.compat import optax as ours

    kwargs = dict(case["kwargs"])
    if kwargs.get("boundaries_and_scales") is not None:
        kwargs["boundaries_and_scales"] = {b: s for b, s in kwargs["boundaries_and_scales"]}
    if case["function"] == "join_schedules":
        kwargs["schedules"] = [build_ours(child) for child in kwargs["schedules"]]
    return getattr(ours, case["function"])(**kwargs)


def main() -> None:
    import os

    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax
    import jax.numpy as jnp
    import optax

    def evaluate(schedule: Any, case: dict[str, Any], dtype: Any, int_dtype: Any) -> list[Any]:
        n = len(case["steps"])
        # one array length for every case: jax compiles each operation once per shape
        steps = jnp.asarray(case["steps"] + [0] * (-n % WIDTH), dtype=int_dtype)
        values = jax.vmap(lambda k: jnp.asarray(schedule(k), dtype))(steps)
        return [float(v) if math.isfinite(float(v)) else None for v in values.tolist()[:n]]

    cases = json.load(sys.stdin)
    results: list[dict[str, Any]] = []
    built: list[Any] = []
    for case in cases:
        built.append(None)
        try:
            schedule = build(optax, case)
            n = len(case["steps"])
            steps = jnp.asarray(case["steps"] + [0] * (-n % WIDTH), dtype=jnp.int32)
            answer: dict[str, Any] = {"values": evaluate(schedule, case, jnp.float32, jnp.int32)}
            built[-1] = schedule
            if case.get("jit"):
                try:
                    mine = jax.jit(jax.vmap(build_ours(case)))(steps)
                    answer["lrdecay_jit"] = [float(v) for v in mine.tolist()[:n]]
                    answer["lrdecay_dtype"] = str(mine.dtype)
                except ValueError as error:  # a shape lrdecay refuses: judged by the test
                    answer["lrdecay_error"] = str(error)
            results.append(answer)
        except (ValueError, TypeError, ZeroDivisionError, KeyError) as error:
            results.append({"error": f"{type(error).__name__}: {error}"})
    jax.config.update("jax_enable_x64", True)
    for case, schedule, answer in zip(cases, built, results, strict=True):
        if schedule is not None:
            answer["values64"] = evaluate(schedule, case, jnp.float64, jnp.int64)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
