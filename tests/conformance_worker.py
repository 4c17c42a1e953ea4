"""Evaluate the example catalogue in one array library, in its own process (the conformance matrix).

``python tests/conformance_worker.py MODE OUT.npz`` evaluates every schedule of
``catalogue.EXAMPLES`` at :data:`STEPS` the way ``MODE`` says, and saves, per schedule, the values
(as float64), the result's dtype name, its shape and its library. Frameworks are imported only
here, one per process (TensorFlow, torch and jax each bring their own runtime).

Modes: ``torch-int32``, ``torch-int64``, ``torch-float64`` (int64 steps, ``dtype="float64"``),
``torch-compile`` (``torch.compile(fullgraph=True)``, int64 steps), ``jax-x32`` (``jax.jit``
without 64-bit types, int32 steps), ``jax-x64`` (``jax.jit`` with them, int64 steps, and
``jax.vmap``), ``tf-int32`` and ``tf-int64`` (``tf.function``), ``tf-variable`` (a
``tf.Variable`` step, eagerly).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import EXAMPLES, NOT_COMPILED, RESTARTS, restart_steps

INT32_MAX = 2**31 - 1


def steps() -> list[int]:
    """Every step the matrix looks at: small ones, boundaries of the catalogue, each exact
    restart step of the restarting entries, and large ones up to ``2**31 - 1``."""
    chosen = set(range(0, 130)) | set(range(130, 5000, 37))
    for b in (100, 115, 150, 200, 300, 500, 900, 1000, 1250, 2000, 3000, 2625):
        chosen |= {b - 1, b, b + 1}
    for period, factor, _, _ in RESTARTS.values():
        chosen |= {s + d for _, s in restart_steps(period, factor) for d in (-1, 0, 1)}
    for big in (2**24 - 1, 2**24, 2**24 + 1, 2**24 + 3, 10**9, 2**31 - 500, 2**31 - 101):
        chosen |= {big - 1, big, big + 1}
    chosen |= {2**31 - 100, 2**31 - 3, 2**31 - 2, INT32_MAX}
    return sorted(s for s in chosen if 0 <= s <= INT32_MAX)


STEPS = steps()


def evaluate(mode: str) -> dict[str, tuple[np.ndarray, str, tuple[int, ...], str]]:
    """``{name: (values as float64, dtype name, shape, library)}`` for every catalogue entry."""
    library, _, kind = mode.partition("-")
    names = list(EXAMPLES)
    schedules = list(EXAMPLES.values())
    results: dict[str, tuple[np.ndarray, str, tuple[int, ...], str]] = {}

    def keep(name: str, out: Any, to_numpy: Any) -> None:
        values = np.asarray(to_numpy(out), dtype=np.float64)
        dtype = str(getattr(out.dtype, "name", out.dtype)).rpartition(".")[2]
        results[name] = (values, dtype, tuple(int(d) for d in out.shape), type(out).__module__)

    if library == "torch":
        import torch

        if kind == "compile":
            steps_t = torch.tensor(STEPS, dtype=torch.int64)
            kept = [(n, s) for n, s in zip(names, schedules, strict=True) if n not in NOT_COMPILED]
            compiled = torch.compile(lambda k: tuple(s(k) for _, s in kept), fullgraph=True)
            for (name, _), out in zip(kept, compiled(steps_t), strict=True):
                keep(name, out, lambda o: o.detach().numpy())
        else:
            dtype = torch.int32 if kind == "int32" else torch.int64
            steps_t = torch.tensor(STEPS, dtype=dtype)
            asked = "float64" if kind == "float64" else None
            for name, s in zip(names, schedules, strict=True):
                keep(name, s(steps_t, dtype=asked), lambda o: o.numpy())
    elif library == "jax":
        import jax

        jax.config.update("jax_enable_x64", kind == "x64")
        import jax.numpy as jnp

        steps_j = jnp.asarray(STEPS, dtype=jnp.int64 if kind == "x64" else jnp.int32)
        jitted = jax.jit(lambda k: tuple(s(k) for s in schedules))
        outs = jitted(steps_j)
        with jax.checking_leaks():
            jax.jit(lambda k: tuple(s(k) for s in schedules))(steps_j)
        if kind == "x64":  # vmap over a batch of steps, element by element
            mapped = jax.jit(jax.vmap(lambda k: tuple(s(k) for s in schedules)))(steps_j)
            for out, again in zip(outs, mapped, strict=True):
                np.testing.assert_allclose(np.asarray(out), np.asarray(again), rtol=0, atol=0)
        for name, out in zip(names, outs, strict=True):
            keep(name, out, np.asarray)
    elif library == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        if kind == "variable":
            step_v = tf.Variable(np.asarray(STEPS, dtype=np.int64))
            for name, s in zip(names, schedules, strict=True):
                keep(name, s(step_v), lambda o: o.numpy())
        else:
            dtype = tf.int32 if kind == "int32" else tf.int64
            steps_t = tf.constant(STEPS, dtype=dtype)
            function = tf.function(lambda k: tuple(s(k) for s in schedules))
            for name, out in zip(names, function(steps_t), strict=True):
                keep(name, out, lambda o: o.numpy())
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return results


def main() -> None:
    mode, out = sys.argv[1], sys.argv[2]
    results = evaluate(mode)
    arrays: dict[str, Any] = {"steps": np.asarray(STEPS, dtype=np.int64)}
    for name, (values, dtype, shape, module) in results.items():
        arrays[f"values/{name}"] = values
        arrays[f"meta/{name}"] = np.asarray([dtype, ",".join(map(str, shape)), module])
    np.savez(out, **arrays)


if __name__ == "__main__":
    main()
