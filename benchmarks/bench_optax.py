"""Benchmark (optax): a jitted ``optax.adamw`` update with an lrdecay schedule vs optax's own.

The same warm-up + cosine (``lrdecay.warmup(Cosine(...), steps=...)`` and
``optax.warmup_cosine_decay_schedule``) drives ``optax.adamw(learning_rate=...)`` in a jitted
update step: the schedule is evaluated inside the compiled step, on optax's int32 count, so its
cost is whatever XLA makes of the formula. Measured three ways:

* one jitted update per Python call, on a 1,000-element vector (dispatch-bound: what a small
  model's training loop pays per step) and on a 1,000,000-element vector (memory-bound);
* 1,000 updates inside one jitted ``jax.lax.fori_loop`` on the 1,000-element vector (no dispatch:
  the schedule's share of the compiled update is largest here).

Each timing is the best of many short rounds, the contenders interleaved within each round (in
alternating order) so that a change in the machine's load hits both alike; the ratio is the
median of the rounds' own ratios, which a busy machine moves least. Retraces are counted (a
Python counter in the traced function) over every call. Run ``python benchmarks/bench_optax.py``.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import lrdecay

PEAK = 1e-3
END = 1e-5
WARMUP = 100
TOTAL = 10_000  # optax's decay_steps: the warm-up included
SMALL = 1_000
LARGE = 1_000_000
CALLS = {SMALL: 300, LARGE: 10}  # per timing: about 10 milliseconds
LOOP_UPDATES = 1_000
LOOP_CALLS = 10
ROUNDS = 41  # many short timings: the best of them is one the machine's other load missed


def _schedules() -> dict[str, Any]:
    import optax

    return {
        "optax.warmup_cosine_decay_schedule": optax.warmup_cosine_decay_schedule(
            0.0, PEAK, WARMUP, TOTAL, END
        ),
        "lrdecay warmup + Cosine": lrdecay.warmup(
            lrdecay.Cosine(init_value=PEAK, decay_steps=TOTAL - WARMUP, end_value=END),
            steps=WARMUP,
        ),
    }


def _check_same_curve(schedules: dict[str, Any]) -> None:
    import jax
    import jax.numpy as jnp

    steps = jnp.arange(0, TOTAL + 100, dtype=jnp.int32)
    theirs, ours = (np.asarray(jax.jit(s)(steps), np.float64) for s in schedules.values())
    deviation = float(np.max(np.abs(theirs - ours)))
    if deviation > 3e-6 * PEAK:
        raise AssertionError(f"optax and lrdecay disagree by {deviation}: not the same curve")


def _rounds(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Every timing of every contender, round by round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:  # neither always goes first
            fn = contenders[name]
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def _summary(times: dict[str, list[float]], per_call: int) -> dict[str, Any]:
    """The best time per update of each contender, and lrdecay's time over optax's: the median
    of the rounds' ratios (each round times both back to back, so a change in load cancels)."""
    theirs, ours = (np.asarray(t) for t in times.values())
    return {
        "best": {name: min(t) / per_call for name, t in times.items()},
        "ratio": float(np.median(ours / theirs)),
    }


def measure(rounds: int = ROUNDS) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Per setting: the best seconds per update of each schedule and lrdecay's ratio to optax;
    and the traces of each jitted function."""
    import jax
    import jax.numpy as jnp
    import optax

    schedules = _schedules()
    _check_same_curve(schedules)
    traces: dict[str, int] = {}
    results: dict[str, dict[str, Any]] = {}

    def counted(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        traces[key] = 0

        def traced(*args: Any) -> Any:
            traces[key] += 1
            return fn(*args)

        return traced

    for size in (SMALL, LARGE):
        rng = np.random.default_rng(0)
        params0 = jnp.asarray(rng.standard_normal(size), jnp.float32)
        grads = jnp.asarray(rng.standard_normal(size), jnp.float32)
        contenders: dict[str, Callable[[], object]] = {}
        for name, schedule in schedules.items():
            optimizer = optax.adamw(learning_rate=schedule)

            def update(
                params: Any, state: Any, optimizer: Any = optimizer, grads: Any = grads
            ) -> Any:
                updates, state = optimizer.update(grads, state, params)
                return optax.apply_updates(params, updates), state

            step = jax.jit(counted(f"{name}, {size:,}", update))
            carry = [jnp.copy(params0), optimizer.init(params0)]

            def run(step: Any = step, carry: list[Any] = carry, calls: int = CALLS[size]) -> None:
                params, state = carry
                for _ in range(calls):
                    params, state = step(params, state)
                jax.block_until_ready(params)
                carry[:] = [params, state]

            run()  # compile, warm up
            contenders[name] = run
        results[f"one update per call, {size:,} parameters"] = _summary(
            _rounds(contenders, rounds), CALLS[size]
        )

    rng = np.random.default_rng(0)
    params0 = jnp.asarray(rng.standard_normal(SMALL), jnp.float32)
    grads = jnp.asarray(rng.standard_normal(SMALL), jnp.float32)
    contenders = {}
    for name, schedule in schedules.items():
        optimizer = optax.adamw(learning_rate=schedule)

        def many(params: Any, state: Any, optimizer: Any = optimizer) -> Any:
            def body(_: Any, pair: Any) -> Any:
                params, state = pair
                updates, state = optimizer.update(grads, state, params)
                return optax.apply_updates(params, updates), state

            return jax.lax.fori_loop(0, LOOP_UPDATES, body, (params, state))

        loop = jax.jit(counted(f"{name}, fori_loop", many))
        carry = [params0, optimizer.init(params0)]

        def run_loop(loop: Any = loop, carry: list[Any] = carry) -> None:
            for _ in range(LOOP_CALLS):
                carry[:] = jax.block_until_ready(loop(*carry))

        run_loop()
        contenders[name] = run_loop
    results[f"{LOOP_UPDATES:,} updates in one jitted fori_loop, {SMALL:,} parameters"] = _summary(
        _rounds(contenders, rounds), LOOP_UPDATES * LOOP_CALLS
    )
    return results, traces


def _machine() -> str:
    import jax
    import optax

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, jax {jax.__version__} "
        f"({jax.default_backend()}), optax {optax.__version__}"
    )


def run() -> str:
    """Run the benchmark and return its markdown section."""
    try:
        import jax  # noqa: F401
        import optax  # noqa: F401
    except ImportError:  # pragma: no cover - optional
        return "## (optax) A jitted adamw update\n\njax or optax is not installed: skipped.\n"
    results, traces = measure()
    reference, ours = _schedules()
    lines = [
        "## (optax) A jitted `optax.adamw` update driven by the schedule",
        "",
        f"`optax.adamw(learning_rate=s)` with `s = warmup(Cosine({PEAK:g}, "
        f"decay_steps={TOTAL - WARMUP}, end_value={END:g}), steps={WARMUP})` against the same "
        f"update with optax's own `warmup_cosine_decay_schedule(0.0, {PEAK:g}, {WARMUP}, "
        f"{TOTAL}, {END:g})` (the same curve, checked first). Time per update: the best of "
        f"{ROUNDS} interleaved rounds; the ratio is the median of the {ROUNDS} rounds' own "
        f"ratios (both timed back to back in each round). Machine: {_machine()}.",
        "",
        "| setting | optax's schedule (µs) | lrdecay (µs) | lrdecay × optax (median of rounds) |",
        "|---|---:|---:|---:|",
    ]
    ratios = []
    for setting, result in results.items():
        theirs, mine = result["best"][reference], result["best"][ours]
        ratios.append(result["ratio"])
        lines.append(
            f"| {setting} | {theirs * 1e6:.2f} | {mine * 1e6:.2f} | {result['ratio']:.2f} |"
        )
    calls = sum(n * (ROUNDS + 1) for n in CALLS.values())
    lines += [
        "",
        f"- Worst ratio: **{max(ratios):.2f}×** optax's own schedule (target ≤ 1.05×).",
        f"- Traces: {', '.join(f'{k}: {v}' for k, v in traces.items())}. One per jitted "
        f"function over all its calls ({calls:,} single-update calls in all, and "
        f"{LOOP_CALLS * (ROUNDS + 1):,} loops of {LOOP_UPDATES:,}): the step is a traced int32, "
        "so nothing retraces as it advances.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
