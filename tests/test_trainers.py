"""``lrdecay.torch.scheduler`` in the two big trainers: Lightning and Hugging Face's ``Trainer``.

The trainers never enter this process: ``trainers_worker.py`` runs each in child processes, a
``main`` phase (an uninterrupted run that checkpoints half-way, and a run with gradient
accumulation) and then a ``resume`` phase in a fresh process (a fresh model, optimizer and
scheduler resumed from the half-way checkpoint), and writes what it saw as JSON; the tests judge it
here. Each framework's processes run once per session; the other framework's ``main`` phase runs
while the first one's are under way, so that two processes at most run at a time.

The reference is the schedule's value at the update's index, ``SCHEDULE(k)`` for the update ``k``
(from 0), itself checked against the closed-form warm-up + cosine; a resumed run is compared with
the uninterrupted one, rate by rate and parameter by parameter (bit for bit).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trainers_worker as tw
from frameworks import require

import lrdecay

WORKER = Path(__file__).resolve().with_name("trainers_worker.py")
FRAMEWORKS = {"lightning": "test_lightning_", "transformers": "test_hugging_face_"}
"""Framework -> the prefix of its tests here."""
TIMEOUT = 300
QUIET = {
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "WANDB_DISABLED": "true",
    "WANDB_MODE": "disabled",
    "DISABLE_MLFLOW_INTEGRATION": "TRUE",
    "USE_TF": "0",  # transformers 4 imports TensorFlow if present, and fails on Keras 3
    "USE_FLAX": "0",
    "CUDA_VISIBLE_DEVICES": "",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONWARNINGS": "",
}

S = tw.SCHEDULE
TOTAL, HALF, ACCUMULATED = tw.TOTAL, tw.HALF, tw.ACCUMULATED
FORMAT = "lrdecay.torch.Scheduler/1"
ABOUT_THE_SCHEDULER = re.compile(r"schedul|learning.rate|\blr\b|initial_lr|optimizer\.step", re.I)


def by_hand(k: int) -> float:
    """The schedule in closed form: 0 -> 0.05 linearly over 10 updates, then a half cosine to
    1e-3 over 30."""
    if k < 10:
        return 0.05 * k / 10
    return 1e-3 + (0.05 - 1e-3) * 0.5 * (1 + math.cos(math.pi * min(k - 10, 30) / 30))


def f32(value: float) -> float:
    """``value`` as the float32 a tensor learning rate holds."""
    return float(np.float32(value))


def rates(first: int, stop: int, *, as_float32: bool = False) -> list[list[float]]:
    """``[update k, SCHEDULE(k)]`` for the updates ``first <= k < stop`` (as JSON gives them)."""
    return [[k, f32(S(k)) if as_float32 else S(k)] for k in range(first, stop)]


def saved_state(step: int) -> dict[str, Any]:
    """The scheduler's ``state_dict()`` at ``step``, as plain data."""
    state = {
        "format": FORMAT,
        "step": step,
        "schedules": [lrdecay.to_config(S)],
        "relative": False,
        "base_lrs": None,
        "momentum": None,
    }
    parsed: dict[str, Any] = json.loads(json.dumps(state))
    return parsed


def about_the_scheduler(caught: list[dict[str, str]]) -> list[dict[str, str]]:
    """The warnings that come from a scheduler, or talk about one (the trainers' own, unrelated
    deprecation notices are left out)."""
    return [
        w
        for w in caught
        if "lr_scheduler" in w["filename"]
        or "lrdecay" in w["filename"]
        or ABOUT_THE_SCHEDULER.search(w["message"])
    ]


def test_the_schedule_is_the_closed_form() -> None:
    """The reference itself: every update of the runs below has its own rate."""
    values = [S(k) for k in range(TOTAL + 1)]
    assert values == pytest.approx([by_hand(k) for k in range(TOTAL + 1)], rel=1e-14, abs=1e-17)
    assert len({f32(v) for v in values[: TOTAL - 1]}) == TOTAL - 1


# --------------------------------------------------------------------------- the worker processes
class Workers:
    """The worker processes of this session: each framework's ``main``, then its ``resume``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.running: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
        self.done: dict[tuple[str, str], dict[str, Any]] = {}

    def start(self, framework: str, phase: str) -> None:
        if (framework, phase) in self.running or (framework, phase) in self.done:
            return
        env = {**os.environ, **QUIET, "HF_HOME": str(self.root / "hf-home")}
        with (self.root / f"{framework}-{phase}.log").open("wb") as log:
            self.running[framework, phase] = subprocess.Popen(
                [sys.executable, str(WORKER), framework, phase, str(self.root)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )

    def finished(self, framework: str, phase: str) -> bool:
        if (framework, phase) in self.done:
            return True
        process = self.running.get((framework, phase))
        return process is not None and process.poll() is not None

    def result(self, framework: str, phase: str) -> dict[str, Any]:
        if (framework, phase) not in self.done:
            self.start(framework, phase)
            process = self.running.pop((framework, phase))
            try:
                code = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
            log = (self.root / f"{framework}-{phase}.log").read_text("utf-8", errors="replace")
            assert code == 0, f"{framework} {phase} worker failed ({code}):\n{log[-6000:]}"
            path = self.root / f"{framework}-{phase}.json"
            self.done[framework, phase] = json.loads(path.read_text())
        return self.done[framework, phase]

    def stop(self) -> None:
        for process in self.running.values():  # only left running if a test was interrupted
            if process.poll() is None:
                process.kill()
                process.wait()
        self.running.clear()


class Runs:
    """One framework's results, the ``main`` and ``resume`` phases merged."""

    def __init__(self, workers: Workers, wanted: list[str]) -> None:
        self.workers = workers
        self.wanted = wanted

    def __call__(self, framework: str) -> dict[str, Any]:
        require(framework)
        workers = self.workers
        others = [f for f in self.wanted if f != framework]
        workers.start(framework, "main")
        for other in others:  # runs while this one's phases do: two processes at most
            workers.start(other, "main")
        main = workers.result(framework, "main")
        workers.start(framework, "resume")
        for other in others:
            if workers.finished(other, "main") and (other, "resume") not in workers.running:
                workers.result(other, "main")
                workers.start(other, "resume")
        return {**main, **workers.result(framework, "resume")}


@pytest.fixture(scope="module")
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """``run(framework)``: the results, once per session (a test calls it after ``require``)."""
    names = {i.name for i in request.session.items if getattr(i, "module", None) is request.module}
    wanted = [
        f
        for f, prefix in FRAMEWORKS.items()
        if any(n.startswith(prefix) for n in names) and importlib.util.find_spec(f) is not None
    ]
    workers = Workers(tmp_path_factory.mktemp("trainers"))
    yield Runs(workers, wanted)
    workers.stop()


# --------------------------------------------------------------------------- Lightning
def test_lightning_update_k_uses_the_schedule_at_k(run: Runs) -> None:
    """``configure_optimizers`` returns the scheduler with ``"interval": "step"``: Lightning calls
    ``step()`` once after every optimizer update, so update ``k`` uses ``SCHEDULE(k)`` (read from
    the float32 tensor rate the scheduler fills in place)."""
    require("lightning")
    full = run("lightning")["full"]
    assert full["at_start"] == {
        "global_step": 0,
        "scheduler_type": "Scheduler",
        "is_lrdecay": True,
        "interval": "step",
        "frequency": 1,
        "scheduler_step": 0,
        "lr": 0.0,
    }
    assert full["updates"] == rates(0, TOTAL, as_float32=True)
    assert full["global_step"] == full["scheduler_step"] == TOTAL
    assert full["lr_after"] == f32(S(TOTAL))
    assert full["state_dict"] == saved_state(TOTAL)


def test_lightning_never_warns_about_the_scheduler(run: Runs) -> None:
    require("lightning")
    result = run("lightning")
    for name in ("full", "accumulate", "resume"):
        assert about_the_scheduler(result[name]["warnings"]) == [], name


def test_lightning_checkpoints_hold_the_schedulers_state(run: Runs) -> None:
    """``ModelCheckpoint(every_n_train_steps=HALF)`` saves after the scheduler's step: the state at
    ``HALF`` completed updates, plain data (the whole checkpoint loads with ``weights_only``)."""
    require("lightning")
    result = run("lightning")
    assert result["checkpoints"] == [f"step={HALF}.ckpt", f"step={TOTAL}.ckpt"]
    half = result["half_checkpoint"]
    assert half["global_step"] == HALF
    assert half["lr_schedulers"] == [saved_state(HALF)]
    assert half["optimizer_lr"] == f32(S(HALF))
    assert half["weights_only"] == "ok"


def test_lightning_resumed_in_a_fresh_process_continues_identically(run: Runs) -> None:
    """``trainer.fit(ckpt_path=...)`` with a fresh module, optimizer and scheduler (built at step
    0): Lightning calls ``load_state_dict`` before the first update, and the run goes on with the
    uninterrupted run's rates and ends with its parameters, bit for bit."""
    require("lightning")
    result = run("lightning")
    full, resumed = result["full"], result["resume"]
    assert resumed["at_start"]["global_step"] == HALF
    assert resumed["at_start"]["scheduler_step"] == HALF  # restored: nothing else sets it
    assert resumed["at_start"]["lr"] == f32(S(HALF))
    assert resumed["updates"] == rates(HALF, TOTAL, as_float32=True)
    assert resumed["updates"] == full["updates"][HALF:]
    assert resumed["global_step"] == resumed["scheduler_step"] == TOTAL
    assert resumed["state_dict"] == saved_state(TOTAL)
    assert resumed["batches"] == full["batches"][HALF:]  # the same data (Lightning's part)
    assert resumed["parameters"] == full["parameters"]


def test_lightning_gradient_accumulation_steps_once_per_update(run: Runs) -> None:
    """``accumulate_grad_batches=2``: two batches an update, one ``step()`` an update."""
    require("lightning")
    accumulated = run("lightning")["accumulate"]
    assert accumulated["updates"] == rates(0, ACCUMULATED, as_float32=True)
    assert accumulated["global_step"] == accumulated["scheduler_step"] == ACCUMULATED
    assert accumulated["lr_after"] == f32(S(ACCUMULATED))


# --------------------------------------------------------------------------- Hugging Face
def test_hugging_face_update_k_uses_the_schedule_at_k(run: Runs) -> None:
    """``Trainer(optimizers=(opt, scheduler))`` keeps the scheduler (it builds none) and calls
    ``step()`` once after every optimizer update: update ``k`` (``state.global_step == k`` in
    ``on_pre_optimizer_step``) uses ``SCHEDULE(k)``, exactly (a float rate)."""
    require("transformers")
    full = run("transformers")["full"]
    assert full["same_scheduler"]
    assert full["at_begin"] == {
        "global_step": 0,
        "scheduler_type": "Scheduler",
        "scheduler_step": 0,
        "lr": 0.0,
    }
    assert full["updates"] == rates(0, TOTAL)
    assert full["global_step"] == full["scheduler_step"] == TOTAL
    assert full["lr_after"] == S(TOTAL)
    assert full["state_dict"] == saved_state(TOTAL)


def test_hugging_face_logs_the_rate_of_the_update_it_reports(run: Runs) -> None:
    """``logging_steps=1``: the ``learning_rate`` logged at ``step == g`` (``g`` updates done) is
    the rate update ``g - 1`` used, ``SCHEDULE(g - 1)``: the Trainer reads ``get_last_lr()``
    before it steps the scheduler (the logged rate is not the next update's)."""
    require("transformers")
    full = run("transformers")["full"]
    assert full["logged"] == [[k + 1, S(k)] for k in range(TOTAL)]
    assert [lr for _, lr in full["logged"]] == [lr for _, lr in full["updates"]]


def test_hugging_face_never_warns_about_the_scheduler(run: Runs) -> None:
    require("transformers")
    result = run("transformers")
    for name in ("full", "accumulate", "resume"):
        assert about_the_scheduler(result[name]["warnings"]) == [], name


def test_hugging_face_checkpoints_hold_the_schedulers_state(run: Runs) -> None:
    """``save_steps=HALF``: ``checkpoint-HALF/scheduler.pt`` is ``torch.save(state_dict())``
    after ``HALF`` steps, and loads with ``torch.load(weights_only=True)`` (as the Trainer does)."""
    require("transformers")
    result = run("transformers")
    assert result["checkpoints"] == [f"checkpoint-{HALF}", f"checkpoint-{TOTAL}"]
    assert result["half_scheduler_pt"] == saved_state(HALF)


def test_hugging_face_resumed_in_a_fresh_process_continues_identically(run: Runs) -> None:
    """``trainer.train(resume_from_checkpoint=...)`` with a fresh model, optimizer and scheduler
    (built at step 0): the Trainer loads ``scheduler.pt`` before training, and the run goes on with
    the uninterrupted run's rates (used and logged) and ends with its parameters, bit for bit."""
    require("transformers")
    result = run("transformers")
    full, resumed = result["full"], result["resume"]
    assert resumed["same_scheduler"]
    assert resumed["at_begin"] == {
        "global_step": HALF,
        "scheduler_type": "Scheduler",
        "scheduler_step": HALF,
        "lr": S(HALF),
    }
    assert resumed["updates"] == rates(HALF, TOTAL)
    assert resumed["updates"] == full["updates"][HALF:]
    assert resumed["logged"] == full["logged"]  # the first HALF come from trainer_state.json
    assert resumed["global_step"] == resumed["scheduler_step"] == TOTAL
    assert resumed["state_dict"] == saved_state(TOTAL)
    assert resumed["parameters"] == full["parameters"]


def test_hugging_face_gradient_accumulation_steps_once_per_update(run: Runs) -> None:
    """``gradient_accumulation_steps=2``: one ``step()`` an update, the update's rate logged."""
    require("transformers")
    accumulated = run("transformers")["accumulate"]
    assert accumulated["updates"] == rates(0, ACCUMULATED)
    assert accumulated["logged"] == [[k + 1, S(k)] for k in range(ACCUMULATED)]
    assert accumulated["global_step"] == accumulated["scheduler_step"] == ACCUMULATED
    assert accumulated["lr_after"] == S(ACCUMULATED)
