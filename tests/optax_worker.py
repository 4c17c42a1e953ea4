"""An lrdecay schedule inside optax, measured in a child process (``tests/test_optax.py``).

``python tests/optax_worker.py main OUT`` runs every check and writes ``OUT/main.json``, the
uninterrupted run's final parameters (``OUT/full.npz``) and the half-way checkpoint
(``OUT/checkpoint.npz``: the leaves of ``(params, opt_state)``). ``python tests/optax_worker.py
resume OUT`` is a fresh process: it rebuilds the tree structure from a fresh init, loads the
checkpoint's leaves into it, trains the second half and writes ``OUT/resumed.npz`` (and, as a
control, ``OUT/restarted.npz``: the same parameters with a fresh optimizer state, whose count
starts again at 0) and ``OUT/resume.json``.

The worker only measures; ``tests/test_optax.py`` judges, against optax's own schedules and an
independent float64 formula. jax and optax are imported only in :func:`main` (pytest collects
this module for its doctests and must not import them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

PEAK = 1e-2
END = 1e-4
WARMUP = 30
TOTAL = 300  # warm-up included (optax's decay_steps)
HALF = 150
EXTRA = 20  # updates past the horizon
PROBE_UPDATES = 5

BIG_PEAK = 1.0
BIG_END = 1e-3
BIG_WARMUP = 10_000
BIG_TOTAL = 10**7

INT32_MAX = 2**31 - 1
SATURATION_START = INT32_MAX - 3
SATURATION_UPDATES = 6
SATURATION_BOUNDARIES = (INT32_MAX - 1, INT32_MAX)
SATURATION_VALUES = (1.0, 2.0, 3.0)


def big_steps() -> list[int]:
    """Steps for ``jax.vmap``: the warm-up, its end, the whole decay and past it, to 10**7."""
    chosen = set(range(0, 300)) | set(range(0, BIG_TOTAL + 1, 9973))
    for b in (BIG_WARMUP, BIG_TOTAL, 2**24 // 2):
        chosen |= {b - 2, b - 1, b, b + 1, b + 2}
    chosen |= {BIG_TOTAL // 2, BIG_TOTAL - 7, BIG_TOTAL + 1000}
    return sorted(chosen)


def lrdecay_schedule(peak: float, end: float, warmup: int, total: int) -> Any:
    import lrdecay

    return lrdecay.warmup(
        lrdecay.Cosine(init_value=peak, decay_steps=total - warmup, end_value=end), steps=warmup
    )


def data() -> tuple[Any, Any]:
    """64 fixed points of a smooth 2-D function (drawn by NumPy from a fixed seed: jax would
    compile its generator first)."""
    import jax.numpy as jnp

    x = np.random.default_rng(1).standard_normal((64, 2)).astype(np.float32)
    y = np.sin(2.0 * x[:, :1]) + 0.5 * x[:, 1:] ** 2
    return jnp.asarray(x), jnp.asarray(y.astype(np.float32))


def init_params() -> dict[str, Any]:
    """A 2-16-1 tanh MLP, from a fixed seed."""
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    return {
        "w1": jnp.asarray((rng.standard_normal((2, 16)) * 0.5).astype(np.float32)),
        "b1": jnp.zeros((16,), jnp.float32),
        "w2": jnp.asarray((rng.standard_normal((16, 1)) * 0.25).astype(np.float32)),
        "b2": jnp.zeros((1,), jnp.float32),
    }


def init_state(init: Any, params: Any) -> Any:
    """An optimizer's initial state, by one compiled function."""
    import jax

    return jax.jit(init)(params)


def loss_fn(params: dict[str, Any], x: Any, y: Any) -> Any:
    import jax.numpy as jnp

    hidden = jnp.tanh(x @ params["w1"] + params["b1"])
    return jnp.mean((hidden @ params["w2"] + params["b2"] - y) ** 2)


def make_train_step(optimizer: Any, counter: list[int] | None = None) -> Any:
    import jax
    import optax

    def train_step(params: Any, opt_state: Any, x: Any, y: Any) -> Any:
        if counter is not None:
            counter.append(1)  # runs once per trace
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    return train_step


def training_optimizer() -> Any:
    import optax

    return optax.adamw(learning_rate=lrdecay_schedule(PEAK, END, WARMUP, TOTAL))


def flat(tree: Any) -> Any:
    import jax
    import jax.numpy as jnp

    return jnp.concatenate([jnp.ravel(leaf) for leaf in jax.tree_util.tree_leaves(tree)])


def applied_rate(updates: Any, unit: Any) -> float:
    """The rate an update applied: its factor over the same update at rate 1 (least squares, in
    float64)."""
    u = np.asarray(flat(updates), dtype=np.float64)
    d = np.asarray(flat(unit), dtype=np.float64)
    return float(np.dot(u, d) / np.dot(d, d))


def save_leaves(path: Path, tree: Any) -> None:
    import jax

    leaves = jax.tree_util.tree_leaves(tree)
    np.savez(path, *[np.asarray(leaf) for leaf in leaves])


def load_leaves(path: Path, like: Any) -> Any:
    """The tree of ``like``'s structure with the leaves saved at ``path``."""
    import jax
    import jax.numpy as jnp

    treedef = jax.tree_util.tree_structure(like)
    with np.load(path) as saved:
        leaves = [jnp.asarray(saved[f"arr_{i}"]) for i in range(len(saved.files))]
    return jax.tree_util.tree_unflatten(treedef, leaves)


# --------------------------------------------------------------------------------- checks
def probe_updates(opt: Any, reference: Any, params: Any, grads: Any) -> dict[str, Any]:
    """``PROBE_UPDATES`` jitted updates of ``opt`` beside ``reference`` (the same at rate 1)."""
    import jax

    both = init_state(lambda p: (opt.init(p), reference.init(p)), params)
    record: dict[str, Any] = {"applied": [], "state_lr": []}
    if hasattr(both[0], "hyperparams"):
        record["state_lr_after_init"] = float(both[0].hyperparams["learning_rate"])

    @jax.jit
    def update(both: Any) -> Any:
        u, state = opt.update(grads, both[0], params)
        r, ref_state = reference.update(grads, both[1], params)
        return u, r, (state, ref_state)

    for _ in range(PROBE_UPDATES):
        u, r, both = update(both)
        record["applied"].append(applied_rate(u, r))
        if hasattr(both[0], "hyperparams"):
            record["state_lr"].append(float(both[0].hyperparams["learning_rate"]))
            record["state_count"] = int(both[0].count)
    return record


def check_conventions() -> dict[str, Any]:
    """Which count each optax wrapper passes to the schedule: a probe schedule returns it."""
    import jax.numpy as jnp
    import optax

    seen_dtypes: list[str] = []

    def probe(count: Any) -> Any:
        seen_dtypes.append(str(count.dtype))
        return jnp.asarray(count, jnp.float32)

    params = jnp.ones((3,), jnp.float32)
    grads = jnp.asarray([1.0, -2.0, 0.5], jnp.float32)
    out: dict[str, Any] = {}
    wrappers = {
        "scale_by_schedule": optax.scale_by_schedule(probe),
        "adamw": optax.adamw(learning_rate=probe, weight_decay=0.0),
        "inject_hyperparams(adamw)": optax.inject_hyperparams(optax.adamw)(
            learning_rate=probe, weight_decay=0.0
        ),
    }
    # the same transformation at rate 1 (inject_hyperparams holds its constants as float32 arrays,
    # which round adam's direction differently from Python floats)
    units = {
        "scale_by_schedule": optax.identity(),
        "adamw": optax.adamw(learning_rate=1.0, weight_decay=0.0),
        "inject_hyperparams(adamw)": optax.inject_hyperparams(optax.adamw)(
            learning_rate=1.0, weight_decay=0.0
        ),
    }
    for name, opt in wrappers.items():
        out[name] = probe_updates(opt, units[name], params, grads)
    out["count_dtypes"] = sorted(set(seen_dtypes))
    return out


def check_against_optax() -> dict[str, Any]:
    """optax.adamw (and inject_hyperparams) with lrdecay's warm-up + cosine and with optax's own
    ``warmup_cosine_decay_schedule``, side by side on the same parameters and gradients under
    ``jax.jit``: the rate each update applied (its update / the unit-rate update)."""
    import jax
    import jax.numpy as jnp
    import optax

    ours = lrdecay_schedule(PEAK, END, WARMUP, TOTAL)
    theirs = optax.warmup_cosine_decay_schedule(0.0, PEAK, WARMUP, TOTAL, END)
    optimizers = {
        "ours": optax.adamw(learning_rate=ours),
        "optax": optax.adamw(learning_rate=theirs),
        "unit": optax.adamw(learning_rate=1.0),
        "inject_unit": optax.inject_hyperparams(optax.adamw)(learning_rate=1.0),
        "inject_ours": optax.inject_hyperparams(optax.adamw)(learning_rate=ours),
        "inject_optax": optax.inject_hyperparams(optax.adamw)(learning_rate=theirs),
    }
    x, y = data()
    params = init_params()
    states = init_state(lambda p: {n: o.init(p) for n, o in optimizers.items()}, params)
    result: dict[str, Any] = {
        "inject_ours_lr_after_init": float(states["inject_ours"].hyperparams["learning_rate"]),
        "inject_optax_lr_after_init": float(states["inject_optax"].hyperparams["learning_rate"]),
    }

    names = [name for name in optimizers if "unit" not in name]

    @jax.jit
    def step(params: Any, states: Any) -> Any:
        grads = jax.grad(loss_fn)(params, x, y)
        updates, new_states = {}, {}
        for name, opt in optimizers.items():
            updates[name], new_states[name] = opt.update(grads, states[name], params)
        flat_updates = jnp.stack([flat(updates[name]) for name in optimizers])
        rates = jnp.stack(
            [new_states[n].hyperparams["learning_rate"] for n in ("inject_ours", "inject_optax")]
        )
        count = new_states["ours"][-1].count
        return optax.apply_updates(params, updates["ours"]), new_states, flat_updates, rates, count

    rows, rates, counts = [], [], []
    for _ in range(TOTAL + EXTRA):
        params, states, flat_updates, rate, count = step(params, states)
        rows.append(flat_updates)
        rates.append(rate)
        counts.append(count)
    stacked = np.asarray(rows, np.float64)  # (update, optimizer, parameter)
    index = {name: i for i, name in enumerate(optimizers)}
    applied: dict[str, list[float]] = {}
    for name in names:
        unit = stacked[:, index["inject_unit" if name.startswith("inject") else "unit"]]
        mine = stacked[:, index[name]]
        applied[name] = (np.sum(mine * unit, axis=1) / np.sum(unit * unit, axis=1)).tolist()
    rate_array = np.asarray(rates, np.float64)
    state_lr = {"inject_ours": rate_array[:, 0].tolist(), "inject_optax": rate_array[:, 1].tolist()}
    counts = np.asarray(counts).tolist()
    result.update(applied=applied, state_lr=state_lr, schedule_counts=counts)
    return result


def check_vmap() -> dict[str, Any]:
    """``jax.vmap`` (plain and under ``jax.jit``) over int32 steps up to 10**7."""
    import jax
    import jax.numpy as jnp

    s = lrdecay_schedule(BIG_PEAK, BIG_END, BIG_WARMUP, BIG_TOTAL)
    steps = jnp.asarray(big_steps(), jnp.int32)
    mapped = jax.vmap(s)(steps)
    jitted = jax.jit(jax.vmap(s))(steps)
    return {
        "vmap": np.asarray(mapped, np.float64).tolist(),
        "jit_vmap": np.asarray(jitted, np.float64).tolist(),
        "dtype": str(mapped.dtype),
        "step_dtype": str(steps.dtype),
    }


def check_saturation() -> dict[str, Any]:
    """optax's int32 counter near 2**31 - 1: the counts passed and the rates applied, with a
    Piecewise switching at 2**31 - 2 and 2**31 - 1 (steps float32 cannot tell apart) and optax's
    own ``piecewise_constant_schedule`` as the reference."""
    import jax
    import jax.numpy as jnp
    import optax

    import lrdecay

    ours = lrdecay.Piecewise(boundaries=SATURATION_BOUNDARIES, values=SATURATION_VALUES)
    b0, b1 = SATURATION_BOUNDARIES
    v0, v1, v2 = SATURATION_VALUES
    theirs = optax.piecewise_constant_schedule(v0, {b0: v1 / v0, b1: v2 / v1})

    def offset(count: Any) -> Any:  # the count passed, less the start: small, exact in float32
        return jnp.asarray(count - SATURATION_START, jnp.float32)

    grads = jnp.ones((2,), jnp.float32)
    out: dict[str, Any] = {}
    for name, schedule in (("ours", ours), ("optax", theirs), ("offset", offset)):
        opt = optax.scale_by_schedule(schedule)
        state = opt.init(grads)._replace(count=jnp.asarray(SATURATION_START, jnp.int32))
        update = jax.jit(opt.update)
        values, after = [], []
        for _ in range(SATURATION_UPDATES):
            u, state = update(grads, state)
            values.append(float(u[0]))
            after.append(int(state.count))
        out[name] = {"values": values, "count_after": after, "dtype": str(state.count.dtype)}
    return out


def check_leaks() -> dict[str, Any]:
    """Trace train steps under ``jax.checking_leaks()``; a leaking schedule is the control."""
    import jax
    import optax

    x, y = data()
    params = init_params()
    leaked: list[Any] = []
    ours = lrdecay_schedule(PEAK, END, WARMUP, TOTAL)

    def leaky(count: Any) -> Any:
        leaked.append(count)
        return ours(count)

    candidates = {
        "adamw": optax.adamw(learning_rate=ours),
        "inject_hyperparams(adamw)": optax.inject_hyperparams(optax.adamw)(learning_rate=ours),
        "vmap": None,
        "control: a schedule that keeps its tracer": optax.adamw(learning_rate=leaky),
    }
    out: dict[str, Any] = {}
    for name, opt in candidates.items():
        try:
            with jax.checking_leaks():
                # tracing is where a tracer leaks: lower (trace) without compiling
                if opt is None:
                    jax.jit(jax.vmap(ours)).lower(jax.numpy.arange(8))
                else:
                    jax.jit(make_train_step(opt)).lower(params, init_state(opt.init, params), x, y)
        except Exception as error:  # the finding is the message
            out[name] = f"{type(error).__name__}: {str(error)[:300]}"
        else:
            out[name] = None
    return out


def check_retrace_control() -> int:
    """The trace counter's control: a step passed as a static Python int retraces each time."""
    import jax

    ours = lrdecay_schedule(PEAK, END, WARMUP, TOTAL)
    counter: list[int] = []

    def control(k: int) -> Any:
        counter.append(1)
        return ours(jax.numpy.asarray(k))

    static = jax.jit(control, static_argnums=0)
    for k in range(3):
        static(k).block_until_ready()
    return len(counter)


def train(steps: int, params: Any, opt_state: Any, counter: list[int]) -> tuple[Any, Any, list]:
    import jax

    x, y = data()
    step = jax.jit(make_train_step(training_optimizer(), counter))
    losses = []
    for _ in range(steps):
        params, opt_state, loss = step(params, opt_state, x, y)
        losses.append(float(loss))
    return params, opt_state, losses


def main_checks(out: Path) -> None:
    import jax

    result: dict[str, Any] = {
        "versions": {"jax": jax.__version__, "optax": __import__("optax").__version__},
        "x64": bool(jax.dtypes.canonicalize_dtype(np.int64) == np.int64),
        "conventions": check_conventions(),
        "against_optax": check_against_optax(),
        "vmap": check_vmap(),
        "saturation": check_saturation(),
        "leaks": check_leaks(),
    }
    retrace = {"control_static_step_traces": check_retrace_control()}
    params = init_params()
    opt_state = init_state(training_optimizer().init, params)
    counter: list[int] = []
    full, _, losses = train(TOTAL, params, opt_state, counter)
    retrace["train_step_traces"] = len(counter)
    retrace["train_step_calls"] = TOTAL
    result["retrace"] = retrace
    save_leaves(out / "full.npz", full)
    half_params, half_state, _ = train(HALF, init_params(), opt_state, [])
    save_leaves(out / "checkpoint.npz", (half_params, half_state))
    result["training"] = {"loss_first": losses[0], "loss_last": losses[-1]}
    (out / "main.json").write_text(json.dumps(result), encoding="utf-8")


def resume(out: Path) -> None:
    import jax
    import jax.numpy as jnp
    import optax

    fresh = init_params()
    like = (fresh, init_state(training_optimizer().init, fresh))  # the structure: a fresh init
    params, opt_state = load_leaves(out / "checkpoint.npz", like)
    counts = [int(c) for _, c in optax.tree_utils.tree_get_all_with_path(opt_state, "count")]
    schedule = lrdecay_schedule(PEAK, END, WARMUP, TOTAL)
    rate_at_resume = float(schedule(jnp.asarray(opt_state[-1].count)))
    counter: list[int] = []
    resumed, _, _ = train(TOTAL - HALF, params, opt_state, counter)
    save_leaves(out / "resumed.npz", resumed)
    restarted, _, _ = train(TOTAL - HALF, params, init_state(training_optimizer().init, params), [])
    save_leaves(out / "restarted.npz", restarted)
    info = {
        "counts_restored": counts,
        "rate_at_resume": rate_at_resume,
        "traces": len(counter),
        "leaf_dtypes": [str(leaf.dtype) for leaf in jax.tree_util.tree_leaves(opt_state)],
    }
    (out / "resume.json").write_text(json.dumps(info), encoding="utf-8")


def main() -> None:
    mode, out = sys.argv[1], Path(sys.argv[2])
    if mode == "main":
        main_checks(out)
    elif mode == "resume":
        resume(out)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
