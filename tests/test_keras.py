"""The Keras 3 adapter (``lrdecay.keras``) on the TensorFlow, JAX and torch backends.

Keras and its backends never enter this process: ``keras_worker.py`` runs each backend in child
processes (``KERAS_BACKEND=...``), a ``main`` phase and then a ``load`` phase in a fresh process,
and writes what it sees as JSON; the tests judge it here. Each backend's processes run once per
session (a module-scoped fixture); the next backend's ``main`` phase starts while the current one
finishes, so that two processes at most run at a time.

The references are independent of the adapter: lrdecay's schedules evaluated in NumPy float64,
Keras's own ``CosineDecay`` for the step each update uses, and the kernel an SGD update moves by
exactly its rate.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras_worker as kw
import numpy as np
import pytest
from catalogue import EXAMPLES
from frameworks import require
from ulps import EPS32

import lrdecay

WORKER = Path(__file__).resolve().with_name("keras_worker.py")
BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
"""Keras backend -> the module it needs."""
TIMEOUT = 600

REL = 1e-6
"""float32 tolerance: 1e-6 of the schedule's scale, plus :data:`ULPS` float32 ulps of the value."""
ULPS = 4


def close(got: Any, want: Any, scale: float | None = None, *, what: str = "") -> None:
    """``got`` (float32 values) within float32 tolerance of ``want`` (float64)."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    scale = float(np.max(np.abs(want))) if scale is None else scale
    tol = REL * scale + ULPS * EPS32 * np.abs(want)
    bad = np.abs(got - want) > tol
    assert not bad.any(), (
        f"{what}: {int(bad.sum())} values off, first at index {int(np.argmax(bad))}: "
        f"{got[bad][:5]} vs {want[bad][:5]} (tolerance {tol[bad][:5]})"
    )


# --------------------------------------------------------------------------- the worker processes
@dataclass
class Run:
    backend: str
    main: dict[str, Any]
    load: dict[str, Any]


class Workers:
    """The worker processes of this session: started once each, at most two at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.running: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
        self.done: dict[tuple[str, str], dict[str, Any]] = {}

    def folder(self, backend: str) -> Path:
        path = self.root / backend
        path.mkdir(exist_ok=True)
        return path

    def start(self, backend: str, phase: str) -> None:
        if (backend, phase) in self.running or (backend, phase) in self.done:
            return
        folder = self.folder(backend)
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        with (folder / f"{phase}.log").open("wb") as log:
            self.running[backend, phase] = subprocess.Popen(
                [sys.executable, str(WORKER), phase, str(folder)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def result(self, backend: str, phase: str) -> dict[str, Any]:
        if (backend, phase) not in self.done:
            self.start(backend, phase)
            process = self.running.pop((backend, phase))
            try:
                code = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
            folder = self.folder(backend)
            log = (folder / f"{phase}.log").read_text(encoding="utf-8", errors="replace")
            assert code == 0, f"{backend} {phase} worker failed ({code}):\n{log[-6000:]}"
            self.done[backend, phase] = json.loads((folder / f"{phase}.json").read_text())
        return self.done[backend, phase]

    def stop(self) -> None:
        for process in self.running.values():  # only left running if a test was interrupted
            if process.poll() is None:
                process.kill()
                process.wait()
        self.running.clear()


def installed(backend: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("keras", BACKENDS[backend]))


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    pool = Workers(tmp_path_factory.mktemp("keras"))
    yield pool
    pool.stop()


@pytest.fixture(scope="module", params=list(BACKENDS))
def run(request: pytest.FixtureRequest, workers: Workers) -> Run:
    """One backend's results: its ``main`` phase, then ``load`` in a fresh process."""
    backend = request.param
    require("keras")
    require(BACKENDS[backend])
    # the backends this session's selected tests use, in order: start the next one's main
    # phase now, so it runs while this one finishes
    wanted = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("run") if callspec is not None else None
        here = getattr(item, "module", None) is request.module
        if here and name not in (None, *wanted) and installed(name):
            wanted.append(name)
    workers.start(backend, "main")
    later = wanted[wanted.index(backend) + 1 :] if backend in wanted else []
    if later:
        workers.start(later[0], "main")
    main = workers.result(backend, "main")
    load = workers.result(backend, "load")
    return Run(backend, main, load)


# --------------------------------------------------------------------------- 1. values
def test_values_at_many_steps(run: Run) -> None:
    """On int32 and int64 steps (0, every boundary +-1, each restart, up to 10**7 and 2**31 - 1),
    eagerly and compiled, the adapter gives lrdecay's float64 value to float32 tolerance."""
    require("keras")
    modes = {"tensorflow": ["eager", "tf.function", "xla"], "jax": ["eager", "jit"]}
    kinds = {"int32": kw.STEPS, "int64": kw.STEPS_INT64}
    if run.backend == "jax":  # Keras on JAX has 32-bit integers only (no jax_enable_x64)
        del kinds["int64"]
    expected = {
        f"{name}/{kind}/{mode}"
        for name in kw.VALUE_SCHEDULES
        for kind in kinds
        for mode in modes.get(run.backend, ["eager"])
    }
    values = run.main["values"]
    assert set(values) == expected
    for key, (got, dtype, step_dtype) in values.items():
        name, kind, _ = key.split("/")
        steps = np.asarray(kinds[kind], dtype=np.int64)
        assert dtype == "float32", key
        assert step_dtype == kind, key
        close(got, EXAMPLES[name](steps), what=f"{run.backend} {key}")


def test_optimizer_learning_rate_at_assigned_steps(run: Run) -> None:
    """``optimizer.iterations.assign(k)`` is the one-call set_step: ``optimizer.learning_rate``
    is then ``schedule(k)``, float32, up to 2**31 - 1; a Python int step gives a 0-d float32."""
    require("keras")
    scalar = run.main["scalar"]
    assert scalar["steps"] == kw.SCALAR_STEPS
    schedule = EXAMPLES["warmup"]
    close(scalar["rates"], schedule(np.asarray(kw.SCALAR_STEPS)), what=run.backend)
    assert run.main["learning_rate_dtype"] == "float32"
    # the optimizer's step counter: int64 on TensorFlow, int32 elsewhere (what Keras makes)
    assert run.main["iterations_dtype"] in ("int32", "int64")
    got, dtype, shape = run.main["python_int"]
    assert (dtype, shape) == ("float32", [])
    close(got, [schedule(550)], scale=0.1, what="python int")


def test_the_adapter_is_a_registered_learning_rate_schedule(run: Run) -> None:
    require("keras")
    main = run.main
    assert main["is_learning_rate_schedule"]
    assert main["registered_is_class"]
    assert main["schedule_attribute"]
    assert main["repr"] == f"KerasSchedule({kw.FIT_SCHEDULE!r})"
    assert main["get_config"] == {"schedule": lrdecay.to_config(kw.FIT_SCHEDULE)}
    assert lrdecay.from_config(main["get_config"]["schedule"]) == kw.FIT_SCHEDULE


# --------------------------------------------------------------------------- 2. model.fit
def test_fit_update_k_uses_schedule_of_k(run: Run) -> None:
    """In ``model.fit``, update k (from 0) uses ``schedule(k)``: the rate read before it, the
    kernel's move by SGD (gradient 1) and Keras's own ``CosineDecay`` with the same curve all
    agree, step by step, through warm-up, decay and past the horizon."""
    require("keras")
    fit = run.main["fit"]
    k = np.arange(kw.FIT_UPDATES)
    expected = kw.FIT_SCHEDULE(k)
    ours, theirs = fit["lrdecay"], fit["keras"]
    assert ours["steps"] == theirs["steps"] == k.tolist()
    assert fit["final_iterations"] == kw.FIT_UPDATES
    close(ours["rates"], expected, what="rate read before each update")
    # Keras's built-in schedule: the same step convention, the same values
    close(ours["rates"], theirs["rates"], scale=0.1, what="lrdecay vs keras CosineDecay")
    # what the update applied: w[k+1] = w[k] - rate(k) * 1
    for name, recorded in (("lrdecay", ours), ("keras", theirs)):
        kernel = np.asarray([0.0, *recorded["kernels"]])
        applied = -np.diff(kernel)
        tolerance = 8 * EPS32 * np.max(np.abs(kernel))
        assert np.max(np.abs(applied - expected)) <= tolerance, (name, applied, expected)
    # the rate of the step after is not what update k applied (the test sees off-by-one)
    assert np.max(np.abs(-np.diff([0.0, *ours["kernels"]]) - kw.FIT_SCHEDULE(k + 1))) > 1e-3


def test_gradient_accumulation_counts_batches(run: Run) -> None:
    """With ``gradient_accumulation_steps=N`` Keras evaluates the schedule at its raw counter of
    batches: the j-th real update (after batch N*j + N - 1) uses ``schedule(N*j + N - 1)``."""
    require("keras")
    n = kw.ACCUMULATE
    kernel = np.asarray([0.0, *run.main["accumulate"]["kernels"]])
    moved = -np.diff(kernel)  # after batch b
    b = np.arange(kw.FIT_UPDATES)
    expected = np.where(b % n == n - 1, kw.ACCUMULATE_SCHEDULE(b), 0.0)
    assert np.max(np.abs(moved - expected)) <= 8 * EPS32 * np.max(np.abs(kernel)), moved
    assert run.main["accumulate"]["raw_iterations"] == kw.FIT_UPDATES


# --------------------------------------------------------------------------- 3. save and load
def test_load_model_needs_the_import_and_no_custom_objects(run: Run) -> None:
    """Without ``import lrdecay.keras`` Keras cannot find the class (it imports nothing outside
    Keras) and says so; with it, ``load_model`` restores the adapter, the schedule and the step."""
    require("keras")
    load = run.load
    assert load["imported_before"] is False
    kind, message = load["without_import"]
    assert kind == "TypeError" and "KerasSchedule" in message, message
    assert load["class"] == ["lrdecay.keras", "KerasSchedule"]
    assert load["is_adapter"] and load["schedule_equal"] and load["adapter_equal"]
    assert lrdecay.from_config(load["schedule_config"]) == kw.TRAIN_SCHEDULE
    assert load["get_config"] == {"schedule": lrdecay.to_config(kw.TRAIN_SCHEDULE)}
    step = kw.HALF * kw.BATCHES
    assert load["iterations"] == step
    close([load["rate"]], [kw.TRAIN_SCHEDULE(step)], scale=0.01, what="rate after loading")


# --------------------------------------------------------------------------- 4. resume
def test_resumed_training_is_bit_identical(run: Run) -> None:
    """Train 240 steps uninterrupted; save after 120, load in a fresh process and fit from
    ``initial_epoch``: the same rate at every update (the first after resuming included), the
    same losses, and bit-identical final weights."""
    require("keras")
    whole, resumed = run.main["train"], run.load["train"]
    total, half = kw.EPOCHS * kw.BATCHES, kw.HALF * kw.BATCHES
    assert whole["steps"] == list(range(total))
    assert resumed["steps"] == list(range(half, total))
    close(whole["rates"], kw.TRAIN_SCHEDULE(np.arange(total)), what="uninterrupted rates")
    assert resumed["rates"] == whole["rates"][half:]
    assert resumed["loss"] == whole["loss"][kw.HALF :]
    assert len(whole["weights"]) == len(resumed["weights"]) == 4
    for a, b in zip(whole["weights"], resumed["weights"], strict=True):
        assert np.array_equal(np.float32(a), np.float32(b))
    # the run did train: the weights moved from the first half's
    assert whole["loss"][-1] < whole["loss"][0]


# --------------------------------------------------------------------------- 5. the rest
def test_mixed_precision_keeps_float32_rates(run: Run) -> None:
    require("keras")
    mixed = run.main["mixed"]
    assert mixed["compute_dtype"] == "float16"  # the policy was on
    assert mixed["rate_dtype"] == "float32"
    assert set(mixed["dtypes"].values()) == {"float32"}
    for values in mixed["values"].values():
        close(values, kw.FIT_SCHEDULE(np.asarray([0, 3, 7])), what="mixed precision")
    # the step counts applied updates (a loss-scale optimizer skips overflowing ones)
    close([mixed["rate"]], [kw.FIT_SCHEDULE(mixed["iterations"])], scale=0.1, what="rate")


def test_bad_arguments_raise_naming_them(run: Run) -> None:
    require("keras")
    errors = run.main["errors"]
    kind, message = errors["number"]
    assert kind == "TypeError" and "schedule must be an lrdecay Schedule" in message
    assert "0.1 (float)" in message
    kind, message = errors["keras_schedule"]
    assert kind == "TypeError" and "(CosineDecay)" in message
    kind, message = errors["wrapped_twice"]
    assert kind == "TypeError" and "(KerasSchedule)" in message and "already" in message
    kind, message = errors["class"]
    assert kind == "TypeError" and "'cosine' (str)" in message
    kind, message = errors["config_not_dict"]
    assert kind == "TypeError" and "config must be a dict" in message and "(list)" in message
    kind, message = errors["config_keys"]
    assert kind == "TypeError" and "'extra'" in message
    kind, message = errors["config_bad_schedule"]
    assert kind == "TypeError" and "init_value" in message and "'x'" in message


def test_reloading_the_module_keeps_the_registration(run: Run) -> None:
    """``importlib.reload(lrdecay.keras)`` registers the new class under the same name (Keras
    replaces the entry, it does not raise); instances of the old class still save, load as the
    new class, and compare equal."""
    require("keras")
    reload = run.main["reload"]
    assert reload["new_class"] and reload["registered_is_new"] and reload["back_is_new"]
    assert reload["old_name"] == reload["new_name"] == kw.REGISTERED
    assert reload["equal"] == [True, True, True, True]
    saved = reload["saved"]
    assert saved["module"] == "lrdecay.keras"
    assert saved["registered_name"] == kw.REGISTERED
    assert saved["config"] == {"schedule": lrdecay.to_config(kw.FIT_SCHEDULE)}
