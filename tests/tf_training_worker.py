"""An lrdecay schedule in TensorFlow training loops, measured in a child process.

``python tests/tf_training_worker.py main OUT`` runs every check and writes ``OUT/main.json``, the
uninterrupted run's final variables (``OUT/full.npz``) and a ``tf.train.Checkpoint`` written
half-way (``OUT/ckpt/half``). ``python tests/tf_training_worker.py resume OUT`` is a fresh
process: it builds the same model and optimizer, restores the checkpoint, trains the second half
and writes ``OUT/resumed.npz`` (and, as a control, ``OUT/restarted.npz``: the restored variables
and step with a fresh optimizer) and ``OUT/resume.json``.

The worker only measures; ``tests/test_tensorflow.py`` judges, against TensorFlow's own
``tf.compat.v1.train.cosine_decay`` and an independent float64 formula. TensorFlow is imported
only in :func:`main` (pytest collects this module for its doctests and must not import it).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

# (1) a custom loop with a tf.Variable step inside tf.function
PEAK = 0.1
END = 1e-3
WARMUP = 10
TOTAL = 100  # warm-up included
UPDATES = 120

# (2) the TF1 graph loop: cosine_decay(LEARNING_RATE, global_step, DECAY_STEPS, ALPHA)
TF1_RATE = 0.1
TF1_DECAY_STEPS = 200
TF1_ALPHA = 0.05
TF1_UPDATES = 230

# (3) checkpoint and resume
TRAIN_PEAK = 0.02
TRAIN_WARMUP = 20
TRAIN_TOTAL = 200
TRAIN_HALF = 100


def lrdecay_schedule(peak: float, end: float, warmup: int, total: int) -> Any:
    import lrdecay

    return lrdecay.warmup(
        lrdecay.Cosine(init_value=peak, decay_steps=total - warmup, end_value=end), steps=warmup
    )


def data() -> tuple[np.ndarray, np.ndarray]:
    """64 fixed points of a smooth 2-D function, from a fixed seed."""
    x = np.random.default_rng(1).standard_normal((64, 2)).astype(np.float32)
    y = (np.sin(2.0 * x[:, :1]) + 0.5 * x[:, 1:] ** 2).astype(np.float32)
    return x, y


def linear_data() -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(2).standard_normal((32, 3)).astype(np.float32)
    y = (x @ np.asarray([0.5, -1.0, 2.0], np.float32) + 0.25).astype(np.float32)
    return x, y


# --------------------------------------------------------------------------------- checks
def check_custom_loop() -> dict[str, Any]:
    """A tf.Variable (int64) step, ``lr = schedule(step)`` inside ``tf.function``, plain gradient
    descent on tf.Variables: the step read and the rate applied at each update; Python traces."""
    import tensorflow as tf

    schedule = lrdecay_schedule(PEAK, END, WARMUP, TOTAL)
    x, y = (tf.constant(a) for a in linear_data())
    step = tf.Variable(0, dtype=tf.int64)
    w = tf.Variable(tf.zeros([3]))
    b = tf.Variable(0.0)
    traces: list[int] = []

    @tf.function
    def train_step() -> Any:
        traces.append(1)  # runs once per trace
        k = step.read_value()
        lr = schedule(step)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(x, w) + b - y) ** 2)
        gw, gb = tape.gradient(loss, [w, b])
        dw, db = lr * gw, lr * gb
        w.assign_sub(dw)
        b.assign_sub(db)
        step.assign_add(1)
        return k, lr, tf.concat([gw, [gb]], 0), tf.concat([dw, [db]], 0), loss

    steps: list[int] = []
    rates: list[float] = []
    applied: list[float | None] = []
    losses: list[float] = []
    for _ in range(UPDATES):
        outputs = train_step()
        rate_dtype = outputs[1].dtype.name
        k, lr, g, d, loss = (t.numpy().astype(np.float64) for t in outputs)
        steps.append(int(k))
        rates.append(float(lr))
        norm = float(np.dot(g, g))  # the update over the gradient (none where it vanished)
        applied.append(float(np.dot(d, g)) / norm if norm > 0 else None)
        losses.append(float(loss))

    control: list[int] = []

    @tf.function
    def python_step(k: int) -> Any:  # the control: a Python int argument retraces per value
        control.append(1)
        return schedule(tf.constant(k, tf.int64))

    for k in range(3):
        python_step(k)
    return {
        "steps": steps,
        "rates": rates,
        "applied": applied,
        "rate_dtype": rate_dtype,
        "step_after": int(step.numpy()),
        "traces": len(traces),
        "control_traces": len(control),
        "loss_first": losses[0],
        "loss_last": losses[-1],
    }


def tf1_graph_loop(ours: bool) -> dict[str, Any]:
    """TensorFlow 1 style: a graph, the global step, ``cosine_decay(...)`` with it,
    ``GradientDescentOptimizer(lr).minimize(loss, global_step=...)``, a Session. ``ours`` picks
    lrdecay's ``tf1.cosine_decay`` (TensorFlow's own is built beside it, in the same graph) or
    TensorFlow's own only."""
    import tensorflow as tf

    from lrdecay.compat import tf1

    x_np, y_np = linear_data()
    out: dict[str, Any] = {"steps": [], "rate": [], "reference": [], "applied": []}
    with tf.compat.v1.Graph().as_default():
        global_step = tf.compat.v1.train.get_or_create_global_step()
        reference = tf.compat.v1.train.cosine_decay(
            TF1_RATE, global_step, TF1_DECAY_STEPS, alpha=TF1_ALPHA
        )
        if ours:
            lr = tf1.cosine_decay(TF1_RATE, global_step, TF1_DECAY_STEPS, alpha=TF1_ALPHA)
        else:
            lr = reference
        x, y = tf.constant(x_np), tf.constant(y_np)
        w = tf.compat.v1.get_variable("w", initializer=tf.zeros([3]))
        b = tf.compat.v1.get_variable("b", initializer=tf.constant(0.0))
        loss = tf.reduce_mean((tf.linalg.matvec(x, w) + b - y) ** 2)
        optimizer = tf.compat.v1.train.GradientDescentOptimizer(lr)
        train_op = optimizer.minimize(loss, global_step=global_step)
        out["rate_type"] = type(lr).__name__
        out["rate_dtype"] = lr.dtype.name
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            for _ in range(TF1_UPDATES):
                k, rate, ref = session.run([global_step, lr, reference])
                applied, _ = session.run([lr, train_op])  # the rate the update used
                out["steps"].append(int(k))
                out["rate"].append(float(rate))
                out["reference"].append(float(ref))
                out["applied"].append(float(applied))
            out["global_step_after"] = int(session.run(global_step))
            out["weights"] = [float(v) for v in session.run(w)] + [float(session.run(b))]
            out["loss"] = float(session.run(loss))
    return out


class Trainer:
    """A 2-16-1 tanh MLP of tf.Variables, keras Adam, an int64 step, warm-up + cosine."""

    def __init__(self) -> None:
        import keras
        import tensorflow as tf

        rng = np.random.default_rng(0)
        self.schedule = lrdecay_schedule(TRAIN_PEAK, 0.0, TRAIN_WARMUP, TRAIN_TOTAL)
        self.step = tf.Variable(0, dtype=tf.int64, name="step")
        self.variables = {
            "w1": tf.Variable((rng.standard_normal((2, 16)) * 0.5).astype(np.float32)),
            "b1": tf.Variable(np.zeros(16, np.float32)),
            "w2": tf.Variable((rng.standard_normal((16, 1)) * 0.25).astype(np.float32)),
            "b2": tf.Variable(np.zeros(1, np.float32)),
        }
        self.optimizer = keras.optimizers.Adam(learning_rate=0.0)
        self.optimizer.build(list(self.variables.values()))  # its slots exist before a restore
        self.checkpoint = tf.train.Checkpoint(
            step=self.step, optimizer=self.optimizer, **self.variables
        )
        self.x, self.y = (tf.constant(a) for a in data())
        self.traces = 0
        self.train_step = tf.function(self._train_step)

    def _train_step(self) -> Any:
        import tensorflow as tf

        self.traces += 1
        v = self.variables
        with tf.GradientTape() as tape:
            hidden = tf.tanh(self.x @ v["w1"] + v["b1"])
            loss = tf.reduce_mean((hidden @ v["w2"] + v["b2"] - self.y) ** 2)
        grads = tape.gradient(loss, list(v.values()))
        self.optimizer.learning_rate.assign(self.schedule(self.step))
        self.optimizer.apply_gradients(zip(grads, v.values(), strict=True))
        self.step.assign_add(1)
        return loss

    def train(self, updates: int) -> list[float]:
        return [float(self.train_step()) for _ in range(updates)]

    def save(self, path: Path) -> None:
        np.savez(path, **{name: v.numpy() for name, v in self.variables.items()})


def deterministic() -> None:
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


def main_checks(out: Path) -> None:
    import tensorflow as tf

    deterministic()
    result: dict[str, Any] = {
        "versions": {"tensorflow": tf.__version__},
        "custom_loop": check_custom_loop(),
        "tf1_ours": tf1_graph_loop(ours=True),
        "tf1_theirs": tf1_graph_loop(ours=False),
    }
    full = Trainer()
    losses = full.train(TRAIN_TOTAL)
    full.save(out / "full.npz")
    half = Trainer()
    half.train(TRAIN_HALF)
    path = half.checkpoint.write(str(out / "ckpt" / "half"))
    result["training"] = {
        "loss_first": losses[0],
        "loss_last": losses[-1],
        "traces": full.traces,
        "checkpoint": path,
        "iterations_at_checkpoint": int(half.optimizer.iterations.numpy()),
    }
    (out / "main.json").write_text(json.dumps(result), encoding="utf-8")


def resume(out: Path) -> None:
    import tensorflow as tf

    deterministic()
    info = json.loads((out / "main.json").read_text(encoding="utf-8"))
    trainer = Trainer()
    status = trainer.checkpoint.read(info["training"]["checkpoint"])
    status.assert_consumed()
    step_restored = int(trainer.step.numpy())
    iterations_restored = int(trainer.optimizer.iterations.numpy())
    rate_at_resume = float(trainer.schedule(trainer.step))
    trainer.train(TRAIN_TOTAL - TRAIN_HALF)
    trainer.save(out / "resumed.npz")
    control = Trainer()  # the variables and the step restored, not the optimizer
    without_optimizer = tf.train.Checkpoint(step=control.step, **control.variables)
    without_optimizer.read(info["training"]["checkpoint"]).expect_partial()
    control.train(TRAIN_TOTAL - TRAIN_HALF)
    control.save(out / "restarted.npz")
    result = {
        "step_restored": step_restored,
        "iterations_restored": iterations_restored,
        "rate_at_resume": rate_at_resume,
        "traces": trainer.traces,
    }
    (out / "resume.json").write_text(json.dumps(result), encoding="utf-8")


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    mode, out = sys.argv[1], Path(sys.argv[2])
    if mode == "main":
        main_checks(out)
    elif mode == "resume":
        resume(out)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
