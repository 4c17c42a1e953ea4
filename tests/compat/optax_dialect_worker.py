"""optax's own schedules, evaluated in a child process for ``tests/compat/test_optax_dialect.py``.

``python optax_dialect_worker.py < cases.json > values.json``. Each case is ``{"function": name,
"kwargs": {...}, "steps": [...]}``; a ``boundaries_and_scales`` argument travels as a list of
``[step, scale]`` pairs (JSON keys are strings) and the ``schedules`` of ``join_schedules`` as
nested cases. Each answer is ``{"values": [...]}`` (``null`` for a value that is not finite) or
``{"error": "TypeName: message"}`` when optax refuses the arguments. A case with ``"jit": true``
also gets ``"lrdecay_jit"``: lrdecay's own schedule for it, evaluated as optax would use it
(``jax.jit`` of ``jax.vmap`` on the ``int32`` counts). The count is an ``int32``
array under ``jax.vmap``, as optax's optimizers pass it. jax and optax are imported only in
:func:`main`: pytest collects this module and must not import them.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

WIDTH = 256
"""Counts are padded to a multiple of this length."""


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

    results: list[dict[str, Any]] = []
    for case in json.load(sys.stdin):
        try:
            schedule = build(optax, case)
            n = len(case["steps"])
            # one array length for every case: jax compiles each operation once per shape
            padded = case["steps"] + [0] * (-n % WIDTH)
            steps = jnp.asarray(padded, dtype=jnp.int32)
            values = jax.vmap(lambda k, s=schedule: jnp.asarray(s(k), jnp.float32))(steps)
            out = [float(v) if math.isfinite(float(v)) else None for v in values.tolist()[:n]]
            answer: dict[str, Any] = {"values": out}
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
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
