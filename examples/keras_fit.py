"""Keras 3 ``model.fit`` with an lrdecay schedule, saved and resumed with ``initial_epoch``.

A small network learns scikit-learn's handwritten digits (shipped with scikit-learn: no
download). The optimizer's ``learning_rate`` is ``lrdecay.keras.schedule(schedule)``: Keras
evaluates it at ``optimizer.iterations`` before every update, so update ``k`` (counted from 0)
uses ``schedule(k)``: a linear warm-up, then a cosine decay.

Run it (any backend: ``KERAS_BACKEND=jax``, ``torch`` or ``tensorflow``)::

    python examples/keras_fit.py --out runs/full                  # 3 epochs, 48 updates
    python examples/keras_fit.py --out runs/part --stop-after 1   # 1 epoch, save OUT/model.keras
    python examples/keras_fit.py --out runs/rest \\
        --resume-from runs/part/model.keras                       # a fresh process resumes

``model.save`` stores the schedule (as plain data) in the optimizer's config and
``optimizer.iterations`` with the optimizer's variables. In a fresh process,
``import lrdecay.keras`` then ``keras.models.load_model(path)`` (no ``custom_objects``) brings
both back, and ``fit(initial_epoch=e, epochs=E)`` continues the schedule from the restored
``optimizer.iterations``: ``initial_epoch`` only numbers the epochs, the step is already right.
The resumed run applies the same rates and ends with the same weights as ``runs/full``.

Each run writes ``OUT/record.json``: the rate of every update (read from the optimizer just
before the update, with the update's number, ``optimizer.iterations``) and the final weights.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import keras
import numpy as np
from sklearn.datasets import load_digits

import lrdecay
import lrdecay.keras  # also registers the schedule with Keras, for load_model

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


def build(schedule: lrdecay.Schedule) -> keras.Model:
    glorot = keras.initializers.GlorotUniform
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(32, activation="relu", kernel_initializer=glorot(seed=1)),
            keras.layers.Dense(10, kernel_initializer=glorot(seed=2)),
        ]
    )
    learning_rate = lrdecay.keras.schedule(schedule)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


class RecordRates(keras.callbacks.Callback):
    """The rate of each update, read just before it, with its number (``iterations``)."""

    def __init__(self) -> None:
        super().__init__()
        self.rates: list[tuple[int, float]] = []

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        optimizer = self.model.optimizer
        self.rates.append((int(optimizer.iterations), float(optimizer.learning_rate)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the model, record")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the whole run")
    parser.add_argument("--stop-after", type=int, help="save and stop after this many epochs")
    parser.add_argument("--resume-from", type=Path, help="a saved .keras model to resume")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    x, y = digits()
    steps_per_epoch = -(-SAMPLES // BATCH)
    if args.resume_from is None:
        model = build(make_schedule(args.epochs * steps_per_epoch))
        initial_epoch = 0
    else:
        model = keras.models.load_model(args.resume_from)  # schedule, weights, iterations
        initial_epoch = int(model.optimizer.iterations) // steps_per_epoch
    recorder = RecordRates()
    model.fit(
        x,
        y,
        batch_size=BATCH,
        initial_epoch=initial_epoch,
        epochs=args.stop_after or args.epochs,
        shuffle=False,  # a fixed order: a resumed run sees the same batches
        callbacks=[recorder],
        verbose=0,
    )
    if args.stop_after is not None:
        model.save(args.out / "model.keras")

    loss, accuracy = model.evaluate(x, y, batch_size=BATCH, verbose=0)
    record = {
        "backend": keras.backend.backend(),
        "initial_epoch": initial_epoch,
        "rates": recorder.rates,
        "iterations": int(model.optimizer.iterations),
        "parameters": {
            f"{layer.name}/{w.name}": keras.ops.convert_to_numpy(w).ravel().tolist()
            for layer in model.layers
            for w in layer.weights
        },
        "loss": float(loss),
        "accuracy": float(accuracy),
    }
    (args.out / "record.json").write_text(json.dumps(record))
    print(f"{len(recorder.rates)} updates; training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
