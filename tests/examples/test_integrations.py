"""The integration examples (``examples/*.py``) run as a user runs them, and do what they say.

Each example is a command-line script: it runs here as ``python examples/X.py ...`` in a child
process, in a temporary folder, with one thread, and writes ``OUT/record.json`` (the rate of every
optimizer update, read from the framework's optimizer, and the final weights). Per framework:

* ``full``: an uninterrupted run;
* ``part``: the same run stopped part-way, with a checkpoint;
* ``rest``: a fresh process that resumes from that checkpoint and trains to the end;
* ``acc`` (Lightning, Hugging Face): a run with gradient accumulation (two batches an update).

The reference is computed here, from lrdecay itself (and checked against the closed form): update
``k`` (from 0) uses ``schedule(k)``, every update of the runs has its own rate (so an off-by-one
cannot pass), ``part`` + ``rest`` apply exactly the rates of ``full``, the first update after the
resume included, and ``rest`` ends with the same weights as ``full``, bit for bit (CPU, one
thread, fixed seeds and a fixed data order).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require

import lrdecay

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TIMEOUT = 300
PARALLEL = 2
"""Example processes run at a time (each with one thread)."""

ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
    "CUDA_VISIBLE_DEVICES": "",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "USE_TF": "0",
    "USE_FLAX": "0",
    "WANDB_MODE": "disabled",
    "PYTHONWARNINGS": "",
}
KERAS_BACKEND = "jax"
"""The backend the Keras example is tested on (the quickest to start; the example runs on all)."""

# What the examples do, by default: 1024 digits in batches of 64 (16 an epoch), 3 epochs.
UPDATES = 48
PER_EPOCH = 16
WARMUP = 8
STOP = 20
"""Where Hugging Face and optax stop: in the middle of the second epoch."""
ACCUMULATED = 16
"""Updates of the gradient-accumulation runs (2 epochs of 16 batches, two batches an update)."""


def schedule(updates: int) -> lrdecay.Schedule:
    """The examples' schedule, built here: warm-up over 8 updates, then a cosine to the end."""
    cosine = lrdecay.Cosine(init_value=0.05, decay_steps=updates - WARMUP, end_value=1e-3)
    return lrdecay.warmup(cosine, steps=WARMUP)


def closed_form(k: int, updates: int) -> float:
    if k < WARMUP:
        return 0.05 * k / WARMUP
    t = min(k - WARMUP, updates - WARMUP) / (updates - WARMUP)
    return 1e-3 + (0.05 - 1e-3) * 0.5 * (1 + math.cos(math.pi * t))


def expected(first: int, stop: int, updates: int = UPDATES) -> list[list[Any]]:
    """``[k, schedule(k)]`` for the updates ``first <= k < stop`` (as the JSON records hold
    them)."""
    s = schedule(updates)
    return [[k, s(k)] for k in range(first, stop)]


def as_float32(rates: list[list[Any]]) -> list[list[Any]]:
    """The rates as float32 (Keras and optax compute them in float32), back in float64."""
    return [[k, pytest.approx(float(np.float32(r)), rel=1e-6, abs=1e-9)] for k, r in rates]


@dataclass(frozen=True)
class Job:
    """One run of an example: ``python examples/<script> --out <name> <args>``."""

    framework: str
    name: str
    args: tuple[str, ...]
    after: str | None = None
    """The run that must have finished first (the one that writes the checkpoint)."""


@dataclass
class Plan:
    script: str
    modules: tuple[str, ...]
    """What the example imports (checked before it runs: ``frameworks.require``)."""
    jobs: list[Job]
    env: dict[str, str] = field(default_factory=dict)


PLANS = {
    "lightning": Plan(
        "lightning_train.py",
        ("lightning", "sklearn"),
        [
            Job("lightning", "part", ("--stop-after", "1")),
            Job("lightning", "full", ()),
            Job(
                "lightning",
                "rest",
                ("--resume-from", f"part/checkpoints/epoch=0-step={PER_EPOCH}.ckpt"),
                after="part",
            ),
            Job("lightning", "acc", ("--epochs", "2", "--accumulate", "2")),
        ],
    ),
    "hf": Plan(
        "hf_trainer.py",
        ("transformers", "accelerate", "sklearn"),
        [
            Job("hf", "part", ("--stop-after", str(STOP))),
            Job("hf", "full", ()),
            Job("hf", "rest", ("--resume-from", f"part/checkpoint-{STOP}"), after="part"),
            Job("hf", "acc", ("--updates", str(ACCUMULATED), "--accumulate", "2")),
        ],
    ),
    "keras": Plan(
        "keras_fit.py",
        ("keras", KERAS_BACKEND, "sklearn"),
        [
            Job("keras", "part", ("--stop-after", "1")),
            Job("keras", "full", ()),
            Job("keras", "rest", ("--resume-from", "part/model.keras"), after="part"),
        ],
        {"KERAS_BACKEND": KERAS_BACKEND},
    ),
    "optax": Plan(
        "optax_train.py",
        ("jax", "optax", "sklearn"),
        [
            Job("optax", "part", ("--stop-after", str(STOP))),
            Job("optax", "full", ()),
            Job("optax", "rest", ("--resume-from", "part/checkpoint.npz"), after="part"),
        ],
    ),
}
"""Each framework's runs, in the order they start (``part`` first: ``rest`` waits for it)."""


class Runner:
    """The example processes of this module, :data:`PARALLEL` at a time, in the order of
    :data:`PLANS`: while one framework's last runs finish, the next framework's first start."""

    def __init__(self, root: Path, frameworks: list[str]) -> None:
        self.root = root
        self.queue: list[Job] = []
        self.running: dict[Job, tuple[subprocess.Popen[bytes], float]] = {}
        self.finished: dict[tuple[str, str], int] = {}  # (framework, name) -> exit status
        for name in frameworks:
            self._plan(name)

    def _plan(self, framework: str) -> None:
        (self.root / framework).mkdir()
        self.queue.extend(PLANS[framework].jobs)

    def _start(self, job: Job) -> None:
        plan = PLANS[job.framework]
        folder = self.root / job.framework
        with (folder / f"{job.name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, str(EXAMPLES / plan.script), "--out", job.name, *job.args],
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **ENV, "HF_HOME": str(self.root / "hf-home"), **plan.env},
            )
        self.running[job] = (process, time.monotonic())

    def _step(self) -> None:
        """Start what can start, then wait for one run to end."""
        for job in list(self.queue):
            if len(self.running) >= PARALLEL:
                break
            if job.after is None or (job.framework, job.after) in self.finished:
                self.queue.remove(job)
                self._start(job)
        assert self.running, f"nothing can start: {self.queue}"
        while True:
            for job, (process, started) in self.running.items():
                if process.poll() is None and time.monotonic() - started > TIMEOUT:
                    process.kill()
                    process.wait()
                if process.returncode is not None:
                    del self.running[job]
                    self.finished[job.framework, job.name] = process.returncode
                    return
            time.sleep(0.05)

    def records(self, framework: str) -> dict[str, Any]:
        """Run ``framework``'s examples (if not done yet) and read their records."""
        jobs = PLANS[framework].jobs
        if not (self.root / framework).exists():  # not planned when the module was set up
            self._plan(framework)
        while any((framework, job.name) not in self.finished for job in jobs):
            self._step()
        folder = self.root / framework
        records = {}
        for job in jobs:
            code = self.finished[framework, job.name]
            output = (folder / f"{job.name}.log").read_text(errors="replace")
            command = f"{PLANS[framework].script} {' '.join(job.args)}"
            assert code == 0, f"{command} failed ({code}):\n{output[-6000:]}"
            records[job.name] = json.loads((folder / job.name / "record.json").read_text())
        return records

    def stop(self) -> None:
        for process, _ in self.running.values():
            process.kill()
            process.wait()


FIXTURES = {f"{framework}_runs": framework for framework in PLANS}
"""The fixture that gives each framework's records."""


@pytest.fixture(scope="module")
def runner(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runner]:
    """The runs of the frameworks whose tests were selected and whose modules are installed."""
    here = Path(__file__).resolve()
    used = {
        FIXTURES[name]
        for item in request.session.items
        if Path(item.path).resolve() == here
        for name in getattr(item, "fixturenames", ())
        if name in FIXTURES
    }
    frameworks = [
        name
        for name, plan in PLANS.items()
        if name in used and all(importlib.util.find_spec(m) for m in plan.modules)
    ]
    runs = Runner(tmp_path_factory.mktemp("examples"), frameworks)
    yield runs
    runs.stop()


def records(runner: Runner, framework: str) -> dict[str, Any]:
    for module in PLANS[framework].modules:
        require(module)
    return runner.records(framework)


@pytest.fixture(scope="module")
def lightning_runs(runner: Runner) -> dict[str, Any]:
    return records(runner, "lightning")


@pytest.fixture(scope="module")
def hf_runs(runner: Runner) -> dict[str, Any]:
    return records(runner, "hf")


@pytest.fixture(scope="module")
def keras_runs(runner: Runner) -> dict[str, Any]:
    return records(runner, "keras")


@pytest.fixture(scope="module")
def optax_runs(runner: Runner) -> dict[str, Any]:
    return records(runner, "optax")


def test_every_update_has_its_own_rate() -> None:
    """The reference: lrdecay's schedule is the closed form, and no two updates of a run share
    a rate (in float32 either), so a rate applied one update early or late cannot pass."""
    for updates in (UPDATES, ACCUMULATED):
        s = schedule(updates)
        values = [s(k) for k in range(updates)]
        wanted = [closed_form(k, updates) for k in range(updates)]
        assert values == pytest.approx(wanted, rel=1e-12, abs=1e-15)
        assert len({float(np.float32(v)) for v in values}) == updates


def assert_resumed(records: dict[str, Any], stop: int, rates: list[list[Any]]) -> None:
    """``part`` stopped after ``stop`` updates and ``rest`` resumed there: the rates of both are
    ``rates`` (the reference), the uninterrupted run's, and ``rest`` ends on its weights."""
    full, part, rest = records["full"], records["part"], records["rest"]
    assert part["rates"] == rates[:stop]
    assert rest["rates"][0][0] == stop  # the first update after the resume is update `stop`...
    assert rest["rates"][0] == rates[stop]  # ... and uses schedule(stop)
    assert rest["rates"] == rates[stop:]
    assert part["rates"] + rest["rates"] == full["rates"]  # exactly the uninterrupted rates
    assert part["parameters"] != full["parameters"]  # (part really stopped early)
    assert rest["parameters"] == full["parameters"]  # bit for bit


# -- Lightning ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_lightning_update_k_uses_the_schedule_at_k(lightning_runs: dict[str, Any]) -> None:
    full = lightning_runs["full"]
    assert full["rates"] == expected(0, UPDATES)  # float rates: the schedule's float64 values
    assert full["global_step"] == UPDATES
    assert full["batches"] == UPDATES
    assert full["checkpoints"] == [
        f"epoch={e}-step={PER_EPOCH * (e + 1)}.ckpt" for e in range(UPDATES // PER_EPOCH)
    ]
    assert full["accuracy"] > 0.6  # it learns


@pytest.mark.slow
def test_lightning_resumes_from_a_checkpoint_in_a_fresh_process(
    lightning_runs: dict[str, Any],
) -> None:
    """``--stop-after 1``: one epoch, checkpointed; ``trainer.fit(ckpt_path=...)`` continues."""
    assert lightning_runs["part"]["checkpoints"] == [f"epoch=0-step={PER_EPOCH}.ckpt"]
    assert_resumed(lightning_runs, PER_EPOCH, expected(0, UPDATES))
    assert lightning_runs["rest"]["global_step"] == UPDATES
    assert lightning_runs["rest"]["batches"] == UPDATES - PER_EPOCH  # the rest of the data only


@pytest.mark.slow
def test_lightning_gradient_accumulation_steps_once_per_update(
    lightning_runs: dict[str, Any],
) -> None:
    """``accumulate_grad_batches=2``: 32 batches, 16 updates; update ``j`` uses
    ``schedule(j)`` (the scheduler counts updates, not batches)."""
    acc = lightning_runs["acc"]
    assert acc["batches"] == 2 * ACCUMULATED
    assert acc["global_step"] == ACCUMULATED
    assert acc["rates"] == expected(0, ACCUMULATED, ACCUMULATED)


# -- Hugging Face ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_hugging_face_update_k_uses_the_schedule_at_k(hf_runs: dict[str, Any]) -> None:
    full = hf_runs["full"]
    assert full["rates"] == expected(0, UPDATES)
    assert full["global_step"] == UPDATES
    assert full["batches"] == UPDATES
    assert full["checkpoints"] == []
    assert full["accuracy"] > 0.6


@pytest.mark.slow
def test_hugging_face_resumes_mid_epoch_in_a_fresh_process(hf_runs: dict[str, Any]) -> None:
    """``--stop-after 20`` (4 batches into the second epoch) saves ``checkpoint-20``;
    ``trainer.train(resume_from_checkpoint=...)`` continues with update 20."""
    assert hf_runs["part"]["checkpoints"] == [f"checkpoint-{STOP}"]
    assert hf_runs["part"]["global_step"] == STOP
    assert_resumed(hf_runs, STOP, expected(0, UPDATES))
    assert hf_runs["rest"]["global_step"] == UPDATES
    assert hf_runs["rest"]["batches"] == UPDATES - STOP


@pytest.mark.slow
def test_hugging_face_gradient_accumulation_steps_once_per_update(
    hf_runs: dict[str, Any],
) -> None:
    """``gradient_accumulation_steps=2``: update ``j`` uses ``schedule(j)``."""
    acc = hf_runs["acc"]
    assert acc["batches"] == 2 * ACCUMULATED
    assert acc["global_step"] == ACCUMULATED
    assert acc["rates"] == expected(0, ACCUMULATED, ACCUMULATED)


# -- Keras ----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_keras_update_k_uses_the_schedule_at_k(keras_runs: dict[str, Any]) -> None:
    full = keras_runs["full"]
    assert full["backend"] == KERAS_BACKEND
    assert full["rates"] == as_float32(expected(0, UPDATES))
    assert full["iterations"] == UPDATES
    assert full["accuracy"] > 0.6


@pytest.mark.slow
def test_keras_load_model_and_initial_epoch_continue_the_schedule(
    keras_runs: dict[str, Any],
) -> None:
    """``model.save`` after one epoch; a fresh process: ``load_model`` (no ``custom_objects``),
    ``fit(initial_epoch=1, epochs=3)``: the rate continues from the restored ``iterations``."""
    part, rest = keras_runs["part"], keras_runs["rest"]
    assert part["iterations"] == PER_EPOCH
    assert rest["initial_epoch"] == 1
    assert rest["iterations"] == UPDATES
    reference = as_float32(expected(0, UPDATES))
    assert part["rates"] == reference[:PER_EPOCH]
    assert rest["rates"] == reference[PER_EPOCH:]
    assert_resumed(keras_runs, PER_EPOCH, keras_runs["full"]["rates"])


# -- optax ----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_optax_update_k_uses_the_schedule_at_k(optax_runs: dict[str, Any]) -> None:
    full = optax_runs["full"]
    assert full["rates"] == as_float32(expected(0, UPDATES))
    assert full["count"] == UPDATES
    assert full["accuracy"] > 0.6


@pytest.mark.slow
def test_optax_restores_params_and_opt_state_in_a_fresh_process(
    optax_runs: dict[str, Any],
) -> None:
    """``--stop-after 20`` saves ``(params, opt_state)`` with ``np.savez``; a fresh process
    restores it into a fresh ``init``'s structure and continues from the saved count."""
    part, rest = optax_runs["part"], optax_runs["rest"]
    assert part["count"] == STOP
    assert rest["count"] == UPDATES
    reference = as_float32(expected(0, UPDATES))
    assert part["rates"] == reference[:STOP]
    assert rest["rates"] == reference[STOP:]
    assert_resumed(optax_runs, STOP, optax_runs["full"]["rates"])
