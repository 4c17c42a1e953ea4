"""An lrdecay schedule in TensorFlow training loops: tf.function, TF1 graphs, exact resume.

All TensorFlow work runs in child processes (``tf_training_worker.py``): one runs a custom
``tf.function`` loop with a ``tf.Variable`` step, a TensorFlow 1 graph-mode loop (in a graph
context, with v2 behaviour left on) and an uninterrupted training run, checkpointing half-way;
a second, fresh process restores the ``tf.train.Checkpoint`` and finishes. This process only
judges, against TensorFlow's own ``tf.compat.v1.train.cosine_decay`` in the same graph and the
warm-up + cosine formula written here in float64 NumPy, independently of lrdecay.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tf_training_worker as w
from frameworks import require

WORKER = Path(__file__).resolve().with_name("tf_training_worker.py")

TOL = 3e-6
"""float32 tolerance, relative to the schedule's peak (the suite's parity rule)."""


def warmup_cosine(k: Any, peak: float, end: float, warmup: int, total: int) -> np.ndarray:
    """Linear warm-up from 0 over ``warmup`` steps, then a half cosine from ``peak`` to ``end``
    ending at ``total`` (warm-up included), held after: in float64, from the definition."""
    k = np.asarray(k, dtype=np.float64)
    decay = total - warmup
    t = np.clip(k - warmup, 0.0, decay)
    cosine = end + (peak - end) * 0.5 * (1.0 + np.cos(np.pi * t / decay))
    return np.where(k < warmup, peak * k / warmup, cosine)


def close(actual: Any, wanted: Any, scale: float, what: str) -> None:
    actual = np.asarray(actual, dtype=np.float64)
    wanted = np.asarray(wanted, dtype=np.float64)
    assert actual.shape == wanted.shape, f"{what}: shape {actual.shape} != {wanted.shape}"
    bad = np.flatnonzero(np.abs(actual - wanted) > TOL * scale)
    assert bad.size == 0, (
        f"{what}: {bad.size} values beyond {TOL:g} x {scale:g}, first at index {bad[0]}: "
        f"{actual[bad[:5]]} vs {wanted[bad[:5]]}"
    )


def run_worker(mode: str, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(WORKER), mode, str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""},
    )
    assert done.returncode == 0, f"TensorFlow worker ({mode}) failed:\n{done.stderr[-5000:]}"
    return json.loads((out / f"{mode}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("tensorflow")
    return tmp_path_factory.mktemp("tensorflow")


@pytest.fixture(scope="module")
def main(out_dir: Path) -> dict[str, Any]:
    return run_worker("main", out_dir)


@pytest.fixture(scope="module")
def resumed(main: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    return run_worker("resume", out_dir)


def test_a_variable_step_in_tf_function_applies_schedule_k_at_update_k(
    main: dict[str, Any],
) -> None:
    loop = main["custom_loop"]
    assert loop["steps"] == list(range(w.UPDATES))  # the step each update read
    assert loop["step_after"] == w.UPDATES
    assert loop["rate_dtype"] == "float32"
    wanted = warmup_cosine(loop["steps"], w.PEAK, w.END, w.WARMUP, w.TOTAL)
    close(loop["rates"], wanted, w.PEAK, "schedule(step) inside tf.function vs the formula")
    applied = [np.nan if a is None else a for a in loop["applied"]]
    known = ~np.isnan(applied)
    assert known.sum() > w.UPDATES // 2
    close(np.asarray(applied)[known], wanted[known], w.PEAK, "the rate the update applied")
    assert loop["rates"][0] == 0.0 and np.argmax(loop["rates"]) == w.WARMUP
    assert loop["loss_last"] < loop["loss_first"] / 100


def test_tf_function_does_not_retrace_as_the_step_advances(
    main: dict[str, Any], resumed: dict[str, Any]
) -> None:
    assert main["custom_loop"]["control_traces"] == 3  # the counter does see retraces
    assert main["custom_loop"]["traces"] == 1
    assert main["training"]["traces"] == 1
    assert resumed["traces"] == 1


def test_tf1_graph_loop_matches_tensorflow_own_cosine_decay(main: dict[str, Any]) -> None:
    """In one graph: lrdecay's tf1.cosine_decay and tf.compat.v1.train.cosine_decay at each
    global step; the rate GradientDescentOptimizer applied; and the weights trained with each."""
    ours, theirs = main["tf1_ours"], main["tf1_theirs"]
    for run in (ours, theirs):
        assert run["steps"] == list(range(w.TF1_UPDATES))
        assert run["global_step_after"] == w.TF1_UPDATES  # minimize(global_step=) counts
        assert run["rate_dtype"] == "float32"
        close(run["applied"], run["rate"], w.TF1_RATE, "applied vs the rate at that step")
    assert ours["rate_type"] == theirs["rate_type"]  # a graph tensor, as TensorFlow's
    close(ours["rate"], ours["reference"], w.TF1_RATE, "tf1.cosine_decay vs TensorFlow's")
    # TensorFlow 1's cosine_decay: alpha is a fraction of the rate, held after decay_steps
    k = np.minimum(np.arange(w.TF1_UPDATES), w.TF1_DECAY_STEPS)
    cosine = 0.5 * (1 + np.cos(np.pi * k / w.TF1_DECAY_STEPS))
    wanted = w.TF1_RATE * ((1 - w.TF1_ALPHA) * cosine + w.TF1_ALPHA)
    close(ours["rate"], wanted, w.TF1_RATE, "tf1.cosine_decay vs the formula")
    np.testing.assert_allclose(ours["weights"], theirs["weights"], rtol=1e-5, atol=1e-6)
    assert ours["loss"] < 1e-6


def test_checkpoint_resume_is_bit_identical(
    main: dict[str, Any], resumed: dict[str, Any], out_dir: Path
) -> None:
    """tf.train.Checkpoint(step, variables, optimizer) written half-way, restored in a fresh
    process: the final variables are the uninterrupted run's, bit for bit. Restoring the step
    and variables without the optimizer changes them, so the comparison can fail."""
    training = main["training"]
    assert training["loss_last"] < training["loss_first"] / 4  # it does learn
    assert training["iterations_at_checkpoint"] == w.TRAIN_HALF
    assert resumed["step_restored"] == resumed["iterations_restored"] == w.TRAIN_HALF
    rate = warmup_cosine(w.TRAIN_HALF, w.TRAIN_PEAK, 0.0, w.TRAIN_WARMUP, w.TRAIN_TOTAL)
    assert abs(resumed["rate_at_resume"] - float(rate)) <= TOL * w.TRAIN_PEAK
    with (
        np.load(out_dir / "full.npz") as full,
        np.load(out_dir / "resumed.npz") as again,
        np.load(out_dir / "restarted.npz") as restarted,
    ):
        assert sorted(full.files) == sorted(again.files) == ["b1", "b2", "w1", "w2"]
        for name in full.files:
            assert full[name].dtype == again[name].dtype == np.float32
            assert np.array_equal(full[name], again[name]), f"{name} differs after resume"
        assert not all(np.array_equal(full[n], restarted[n]) for n in full.files)
