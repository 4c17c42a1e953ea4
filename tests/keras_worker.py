"""The Keras adapter exercised on one Keras backend, in its own process (``test_keras.py``).

``KERAS_BACKEND=<backend> python tests/keras_worker.py PHASE DIR`` runs one phase and writes
``DIR/<PHASE>.json``; Keras and its backend are imported only here, one backend per process.

Phases:

* ``main``: the adapter's values on integer tensors (eagerly, compiled, from a Keras variable and
  through an optimizer's ``learning_rate``), the rates ``model.fit`` records and applies next to
  Keras's own ``CosineDecay``, gradient accumulation, a short real training run that saves the
  model half-way (``DIR/half.keras``), mixed precision, bad arguments and ``importlib.reload``.
* ``load`` (a fresh process, after ``main``): ``load_model`` of ``DIR/half.keras``, first without
  importing ``lrdecay.keras`` (it must fail), then with it and without ``custom_objects``; the
  restored schedule and step, and the rest of the training run.

The numbers are only recorded here (as float64 of the float32 values); the tests compare them
with lrdecay evaluated in NumPy float64 and with Keras's own schedules.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import EXAMPLES, restart_steps

import lrdecay

START = time.perf_counter()
INT32_MAX = 2**31 - 1

# -- 1. values ------------------------------------------------------------------------------------
VALUE_SCHEDULES = ("warmup", "Join", "Piecewise", "Piecewise-late", "Restarts", "warmup-restarts")
"""Catalogue entries evaluated: warm-up + cosine, joins and piecewise constants (one with
boundaries near 2**31), restarts (doubling periods, and after a warm-up)."""


def value_steps() -> list[int]:
    """Steps from 0 to 10**7, each boundary of the schedules above +-1, the restart steps, and
    the float32 and int32 edges."""
    chosen = set(range(0, 41)) | {99, 100, 101, 199, 200, 201, 899, 900, 901, 999, 1000, 1001}
    chosen |= {2999, 3000, 3001, 9, 10, 11}
    chosen |= {s + d for _, s in restart_steps(10, 2.0, limit=10**7) for d in (-1, 0, 1)}
    chosen |= {50 + s + d for _, s in restart_steps(200, 1.5, limit=10**7) for d in (-1, 0, 1)}
    chosen |= {10**k for k in range(2, 8)} | {10**7 - 1, 2**24 - 1, 2**24, 2**24 + 1}
    chosen |= {2**31 - 101, 2**31 - 100, 2**31 - 99, 2**31 - 3, 2**31 - 2, INT32_MAX}
    return sorted(s for s in chosen if 0 <= s <= INT32_MAX)


STEPS = value_steps()
STEPS_INT64 = [*[s for s in STEPS if s <= 10**7], 2**31, 2**40 + 7]
"""int64 steps (not on JAX, whose Keras integers are 32-bit)."""
SCALAR_STEPS = [0, 1, 4, 5, 6, 99, 100, 101, 550, 999, 1000, 1001, 10**7, INT32_MAX]
"""Steps set with ``optimizer.iterations.assign(k)``, read back by ``optimizer.learning_rate``."""

# -- 2. model.fit, against Keras's own CosineDecay ------------------------------------------------
FIT_SCHEDULE = lrdecay.warmup(lrdecay.Cosine(0.1, decay_steps=20, end_value=0.001), steps=5)
FIT_BUILTIN = {
    "initial_learning_rate": 0.0,
    "decay_steps": 20,
    "alpha": 0.01,
    "warmup_target": 0.1,
    "warmup_steps": 5,
}
"""``keras.optimizers.schedules.CosineDecay`` with the same curve as :data:`FIT_SCHEDULE`."""
FIT_UPDATES = 32  # 32 samples, batches of 4, 4 epochs: warm-up, decay and past the horizon
ACCUMULATE = 2  # gradient_accumulation_steps
ACCUMULATE_SCHEDULE = lrdecay.linear(0.0, 1.0, 100)

# -- 4. real training, resumed from a save half-way ------------------------------------------------
EPOCHS = 30
HALF = 15
BATCHES = 8  # 64 samples, batches of 8
TRAIN_SCHEDULE = lrdecay.warmup(
    lrdecay.Cosine(0.01, decay_steps=EPOCHS * BATCHES - 24, end_value=1e-4), steps=24
)

REGISTERED = "lrdecay>KerasSchedule"


def as_list(value: Any) -> list[float]:
    import keras

    return [float(v) for v in np.asarray(keras.ops.convert_to_numpy(value)).reshape(-1)]


def dtype_name(value: Any) -> str:
    import keras

    return str(keras.backend.standardize_dtype(value.dtype))


def values(out: dict[str, Any], directory: Path) -> None:
    """1. The adapter on int32 and int64 steps: eagerly, compiled, through a variable."""
    import keras

    import lrdecay.keras

    backend = keras.backend.backend()
    found: dict[str, Any] = {}
    kinds = {"int32": STEPS}
    if backend != "jax":
        kinds["int64"] = STEPS_INT64
    adapters = [lrdecay.keras.schedule(EXAMPLES[name]) for name in VALUE_SCHEDULES]

    def every(k: Any) -> tuple[Any, ...]:
        return tuple(adapter(k) for adapter in adapters)

    modes: dict[str, Any] = {"eager": every}
    if backend == "jax":
        import jax

        modes["jit"] = jax.jit(every)
    elif backend == "tensorflow":
        import tensorflow as tf

        modes["tf.function"] = tf.function(every)
        # what Keras's jit_compile="auto" picks on a GPU: XLA
        modes["xla"] = tf.function(every, jit_compile=True)
    for kind, steps in kinds.items():
        k = keras.ops.convert_to_tensor(np.asarray(steps, dtype=kind))
        for mode, fn in modes.items():
            for name, result in zip(VALUE_SCHEDULES, fn(k), strict=True):
                found[f"{name}/{kind}/{mode}"] = (
                    as_list(result),
                    dtype_name(result),
                    dtype_name(k),
                )
    out["values"] = found

    # the path Keras takes: the optimizer's own step variable, read by optimizer.learning_rate
    adapter = lrdecay.keras.schedule(EXAMPLES["warmup"])
    optimizer = keras.optimizers.SGD(learning_rate=adapter)
    rates = []
    for k in SCALAR_STEPS:
        optimizer.iterations.assign(k)
        rates.append(float(optimizer.learning_rate))
    out["iterations_dtype"] = str(optimizer.iterations.dtype)
    out["scalar"] = {"steps": SCALAR_STEPS, "rates": rates}
    out["learning_rate_dtype"] = dtype_name(optimizer.learning_rate)
    # a Python int and a 0-d step give a float32 scalar tensor of the backend
    result = adapter(550)
    out["python_int"] = (as_list(result), dtype_name(result), list(result.shape))


def recorder(weights: bool = False) -> Any:
    """A Keras callback that records, for each batch, the step and the rate before the update
    (and, with ``weights``, the last layer's kernel after it)."""
    import keras

    class Recorder(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.steps: list[int] = []
            self.rates: list[float] = []
            self.kernels: list[list[float]] = []

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            optimizer = self.model.optimizer  # (on JAX, self.model syncs the state first)
            self.steps.append(int(optimizer.iterations))
            self.rates.append(float(optimizer.learning_rate))

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if weights:
                self.kernels.append(as_list(self.model.layers[-1].kernel))

    return Recorder()


def fit_rates(out: dict[str, Any], directory: Path) -> None:
    """2. The rate model.fit applies at each update: SGD on ``mean(x @ w)`` with ``x`` all ones
    has gradient 1, so update k moves the kernel by exactly minus its rate."""
    import keras

    import lrdecay.keras

    x = np.ones((FIT_UPDATES, 1), dtype="float32")
    y = np.zeros((FIT_UPDATES, 1), dtype="float32")

    def run(learning_rate: Any, **optimizer_args: Any) -> Any:
        model = keras.Sequential(
            [keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")]
        )
        optimizer = keras.optimizers.SGD(learning_rate=learning_rate, **optimizer_args)
        model.compile(optimizer=optimizer, loss=lambda y_true, y_pred: keras.ops.mean(y_pred))
        record = recorder(weights=True)
        model.fit(x, y, batch_size=4, epochs=4, shuffle=False, verbose=0, callbacks=[record])
        return record, model

    ours, model = run(lrdecay.keras.schedule(FIT_SCHEDULE))
    theirs, _ = run(keras.optimizers.schedules.CosineDecay(**FIT_BUILTIN))
    out["fit"] = {
        name: {"steps": r.steps, "rates": r.rates, "kernels": [k[0] for k in r.kernels]}
        for name, r in (("lrdecay", ours), ("keras", theirs))
    }
    out["fit"]["final_iterations"] = int(model.optimizer.iterations)

    # gradient accumulation: the schedule sees the optimizer's raw counter (every batch)
    accumulated, model = run(
        lrdecay.keras.schedule(ACCUMULATE_SCHEDULE), gradient_accumulation_steps=ACCUMULATE
    )
    out["accumulate"] = {
        "kernels": [k[0] for k in accumulated.kernels],
        "raw_iterations": int(model.optimizer._iterations),
    }


def train_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCHES * 8, 4)).astype("float32")
    w = np.asarray([[0.5], [-1.0], [2.0], [0.25]], dtype="float32")
    y = (np.tanh(x @ w) + 0.1 * rng.normal(size=(BATCHES * 8, 1))).astype("float32")
    return x, y


def weights_of(model: Any) -> list[list[float]]:
    return [as_list(w) for w in model.weights]


def train(out: dict[str, Any], directory: Path) -> None:
    """4. Train EPOCHS epochs uninterrupted, saving the model after HALF of them."""
    import keras

    import lrdecay.keras

    x, y = train_data()
    # Seeded initializers fix the run (keras.utils.set_random_seed would do it too, but it
    # imports TensorFlow whatever the backend: seconds in every JAX and torch worker).
    glorot = keras.initializers.GlorotUniform
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(16, activation="tanh", kernel_initializer=glorot(seed=1)),
            keras.layers.Dense(1, kernel_initializer=glorot(seed=2)),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lrdecay.keras.schedule(TRAIN_SCHEDULE)),
        loss="mse",
    )
    path = directory / "half.keras"

    class SaveHalfWay(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if epoch + 1 == HALF:
                self.model.save(path)

    record = recorder()
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=EPOCHS,
        shuffle=False,
        verbose=0,
        callbacks=[record, SaveHalfWay()],
    )
    out["train"] = {
        "steps": record.steps,
        "rates": record.rates,
        "loss": [float(v) for v in history.history["loss"]],
        "weights": weights_of(model),
    }


def mixed_precision(out: dict[str, Any], directory: Path) -> None:
    """5. Under a mixed_float16 policy the rate stays float32 (set last: the policy is global)."""
    import keras

    import lrdecay.keras

    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        adapter = lrdecay.keras.schedule(FIT_SCHEDULE)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=adapter), loss="mse")
        model.fit(np.ones((16, 3)), np.ones((16, 1)), batch_size=4, epochs=1, verbose=0)
        optimizer = model.optimizer
        steps = {
            kind: keras.ops.convert_to_tensor(np.asarray([0, 3, 7], dtype=kind))
            for kind in (("int32",) if keras.backend.backend() == "jax" else ("int32", "int64"))
        }
        out["mixed"] = {
            "optimizer": type(optimizer).__name__,
            "compute_dtype": model.layers[0].compute_dtype,
            "iterations": int(optimizer.iterations),
            "rate": float(optimizer.learning_rate),
            "rate_dtype": dtype_name(optimizer.learning_rate),
            "dtypes": {kind: dtype_name(adapter(k)) for kind, k in steps.items()},
            "values": {kind: as_list(adapter(k)) for kind, k in steps.items()},
        }
    finally:
        keras.mixed_precision.set_dtype_policy("float32")


def errors(out: dict[str, Any], directory: Path) -> None:
    """5. Bad arguments: the exception's type and message."""
    import keras

    import lrdecay.keras

    def caught(fn: Any, *args: Any) -> tuple[str, str]:
        try:
            fn(*args)
        except (TypeError, ValueError) as error:
            return ("TypeError" if isinstance(error, TypeError) else "ValueError"), str(error)
        return "", ""

    builtin = keras.optimizers.schedules.CosineDecay(0.1, 100)
    wrapped = lrdecay.keras.schedule(FIT_SCHEDULE)
    from_config = lrdecay.keras.KerasSchedule.from_config
    out["errors"] = {
        "number": caught(lrdecay.keras.schedule, 0.1),
        "keras_schedule": caught(lrdecay.keras.schedule, builtin),
        "wrapped_twice": caught(lrdecay.keras.schedule, wrapped),
        "class": caught(lrdecay.keras.KerasSchedule, "cosine"),
        "config_not_dict": caught(from_config, [1]),
        "config_keys": caught(from_config, {"schedule": {}, "extra": 1}),
        "config_bad_schedule": caught(
            from_config, {"schedule": {"type": "Cosine", "init_value": "x", "decay_steps": 10}}
        ),
    }


def reload(out: dict[str, Any], directory: Path) -> None:
    """Re-importing the module (``importlib.reload``, a notebook cell run again) keeps the
    registration working, for instances made before and after."""
    import importlib

    import keras

    import lrdecay.keras

    before = lrdecay.keras.schedule(FIT_SCHEDULE)
    old_class = lrdecay.keras.KerasSchedule
    module = importlib.reload(lrdecay.keras)
    after = module.schedule(FIT_SCHEDULE)
    saved = keras.saving.serialize_keras_object(before)
    back = keras.saving.deserialize_keras_object(json.loads(json.dumps(saved)))
    out["reload"] = {
        "new_class": module.KerasSchedule is not old_class,
        "registered_is_new": keras.saving.get_registered_object(REGISTERED) is module.KerasSchedule,
        "old_name": keras.saving.get_registered_name(old_class),
        "new_name": keras.saving.get_registered_name(module.KerasSchedule),
        "back_is_new": type(back) is module.KerasSchedule,
        "equal": [back == before, before == back, after == before, hash(after) == hash(before)],
        "saved": saved,
    }


def main_phase(directory: Path) -> dict[str, Any]:
    import keras

    import lrdecay.keras

    out: dict[str, Any] = {"backend": keras.backend.backend(), "keras": keras.__version__}
    out["modules"] = sorted(m for m in ("tensorflow", "jax", "torch") if m in sys.modules)
    out["registered_is_class"] = (
        keras.saving.get_registered_object(REGISTERED) is lrdecay.keras.KerasSchedule
    )
    adapter = lrdecay.keras.schedule(FIT_SCHEDULE)
    out["is_learning_rate_schedule"] = isinstance(
        adapter, keras.optimizers.schedules.LearningRateSchedule
    )
    out["repr"] = repr(adapter)
    out["schedule_attribute"] = adapter.schedule is FIT_SCHEDULE
    out["get_config"] = adapter.get_config()
    seconds = out["seconds"] = {"import": time.perf_counter() - START}
    for part in (values, fit_rates, train, errors, mixed_precision, reload):
        began = time.perf_counter()
        part(out, directory)
        seconds[part.__name__] = time.perf_counter() - began
    out["modules_after"] = sorted(m for m in ("tensorflow", "jax", "torch") if m in sys.modules)
    return out


def load_phase(directory: Path) -> dict[str, Any]:
    import keras

    out: dict[str, Any] = {}
    path = directory / "half.keras"
    # Without lrdecay.keras imported Keras cannot find the class: it must fail, loudly.
    out["imported_before"] = "lrdecay.keras" in sys.modules
    try:
        keras.models.load_model(path)
        out["without_import"] = ("", "")
    except Exception as error:
        out["without_import"] = (type(error).__name__, str(error))

    import lrdecay.keras

    model = keras.models.load_model(path)  # no custom_objects
    optimizer = model.optimizer
    adapter = optimizer._learning_rate
    out["class"] = [type(adapter).__module__, type(adapter).__qualname__]
    out["is_adapter"] = isinstance(adapter, lrdecay.keras.KerasSchedule)
    out["schedule_config"] = lrdecay.to_config(adapter.schedule)
    out["schedule_equal"] = adapter.schedule == TRAIN_SCHEDULE
    out["adapter_equal"] = adapter == lrdecay.keras.schedule(TRAIN_SCHEDULE)
    out["get_config"] = adapter.get_config()
    out["iterations"] = int(optimizer.iterations)
    out["rate"] = float(optimizer.learning_rate)

    # resume: the epochs left, from initial_epoch; the step comes from optimizer.iterations
    x, y = train_data()
    record = recorder()
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=EPOCHS,
        initial_epoch=HALF,
        shuffle=False,
        verbose=0,
        callbacks=[record],
    )
    out["train"] = {
        "steps": record.steps,
        "rates": record.rates,
        "loss": [float(v) for v in history.history["loss"]],
        "weights": weights_of(model),
    }
    return out


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    phase, directory = sys.argv[1], Path(sys.argv[2])
    if phase == "main":
        out = main_phase(directory)
    elif phase == "load":
        out = load_phase(directory)
    else:
        raise SystemExit(f"unknown phase {phase!r}")
    (directory / f"{phase}.json").write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    main()
