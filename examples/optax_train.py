"""A plain JAX + optax training loop with an lrdecay schedule, checkpointed and restored with NumPy.

An lrdecay schedule is a function of the step that works on jax arrays under ``jax.jit``: it *is*
an optax schedule, with no adapter. optax evaluates it at its update count, so update ``k``
(counted from 0) uses ``schedule(k)``: a linear warm-up, then a cosine decay. A small network
learns scikit-learn's handwritten digits (shipped with scikit-learn: no download).

Run it::

    python examples/optax_train.py --out runs/full                  # 48 updates
    python examples/optax_train.py --out runs/part --stop-after 20  # 20 updates, save, stop
    python examples/optax_train.py --out runs/rest \\
        --resume-from runs/part/checkpoint.npz                      # a fresh process resumes

The schedule keeps no state: the step is the optimizer state's count. The checkpoint holds the
leaves of ``(params, opt_state)``, counts included, in a plain ``.npz`` (no pickle); restoring
rebuilds the tree from a freshly initialised state and puts the saved leaves in it. The resumed
run applies the same rates and ends with the same weights as ``runs/full``. The batches of update
``k`` are a function of ``k`` (a permutation seeded by the epoch), so a resumed run also sees the
same data.

``optax.inject_hyperparams`` keeps the rate each update used in the state
(``opt_state.hyperparams["learning_rate"]``). Each run writes ``OUT/record.json``: that rate for
every update, the update's number (the state's count before it) and the final weights.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.datasets import load_digits

import lrdecay

SAMPLES = 1024  # the first 1024 digits: 16 batches of 64 an epoch
BATCH = 64
WARMUP = 8  # updates of linear warm-up


def make_schedule(updates: int) -> lrdecay.Schedule:
    """0 -> 0.05 over WARMUP updates, then a half cosine to 1e-3 at the last update."""
    cosine = lrdecay.Cosine(init_value=0.05, decay_steps=updates - WARMUP, end_value=1e-3)
    return lrdecay.warmup(cosine, steps=WARMUP)


def digits() -> tuple[np.ndarray, np.ndarray]:
    x, y = load_digits(return_X_y=True)
    return (x[:SAMPLES] / 16.0).astype("float32"), y[:SAMPLES]


def init_params() -> dict[str, jax.Array]:
    rng = np.random.default_rng(0)
    params = {
        "w1": rng.normal(size=(64, 32)) * (2 / 64) ** 0.5,
        "b1": np.zeros(32),
        "w2": rng.normal(size=(32, 10)) * (1 / 32) ** 0.5,
        "b2": np.zeros(10),
    }
    return {name: jnp.asarray(p, dtype=jnp.float32) for name, p in params.items()}


def logits(params: dict[str, jax.Array], x: jax.Array) -> jax.Array:
    hidden = jax.nn.relu(x @ params["w1"] + params["b1"])
    return hidden @ params["w2"] + params["b2"]


def loss_fn(params: dict[str, jax.Array], x: jax.Array, y: jax.Array) -> jax.Array:
    return optax.softmax_cross_entropy_with_integer_labels(logits(params, x), y).mean()


def batch(k: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The batch of update ``k``: a function of ``k`` alone, so resuming sees the same data."""
    per_epoch = SAMPLES // BATCH
    epoch, i = divmod(k, per_epoch)
    order = np.random.default_rng(epoch).permutation(SAMPLES)[i * BATCH : (i + 1) * BATCH]
    return x[order], y[order]


def save(path: Path, state: Any) -> None:
    """The leaves of ``state`` (a pytree of arrays) in a ``.npz``, in tree order."""
    np.savez(path, *[np.asarray(leaf) for leaf in jax.tree_util.tree_leaves(state)])


def restore(path: Path, like: Any) -> Any:
    """The saved leaves in the structure of ``like`` (a freshly initialised state)."""
    fresh, treedef = jax.tree_util.tree_flatten(like)
    with np.load(path) as saved:  # allow_pickle=False: arrays only
        leaves = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    if [(a.shape, a.dtype) for a in leaves] != [(a.shape, a.dtype) for a in fresh]:
        raise ValueError(f"{path} does not hold this model's parameters and optimizer state")
    return jax.tree_util.tree_unflatten(treedef, [jnp.asarray(a) for a in leaves])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for checkpoint, record")
    parser.add_argument("--updates", type=int, default=48, help="optimizer updates of the run")
    parser.add_argument("--stop-after", type=int, help="checkpoint and stop after this many")
    parser.add_argument("--resume-from", type=Path, help="a checkpoint.npz to resume from")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    schedule = make_schedule(args.updates)
    optimizer = optax.inject_hyperparams(optax.sgd)(learning_rate=schedule, momentum=0.9)

    @jax.jit
    def train_step(params: Any, opt_state: Any, x: jax.Array, y: jax.Array) -> Any:
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    params = init_params()
    opt_state = jax.jit(optimizer.init)(params)  # count 0 (jit: compiled once, not op by op)
    if args.resume_from is not None:
        params, opt_state = restore(args.resume_from, (params, opt_state))
    x, y = digits()
    stop = args.stop_after or args.updates
    rates: list[tuple[int, float]] = []  # (update, rate of that update)
    loss = None
    while (k := int(opt_state.count)) < stop:  # the step lives in the optimizer state
        params, opt_state, loss = train_step(params, opt_state, *batch(k, x, y))
        rates.append((k, float(opt_state.hyperparams["learning_rate"])))  # the rate just used
    if args.stop_after is not None:
        save(args.out / "checkpoint.npz", (params, opt_state))

    accuracy = float((jax.jit(logits)(params, x).argmax(axis=1) == y).mean())
    record = {
        "rates": rates,
        "count": int(opt_state.count),
        "parameters": {name: np.asarray(p).ravel().tolist() for name, p in params.items()},
        "loss": None if loss is None else float(loss),  # of the last batch
        "accuracy": accuracy,
    }
    (args.out / "record.json").write_text(json.dumps(record))
    print(f"{len(rates)} updates; training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
