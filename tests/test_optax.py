"""An lrdecay schedule is an optax schedule: jit, vmap, no leaks, no retrace, exact resume.

All JAX work runs in child processes (``optax_worker.py``): one runs every check and an
uninterrupted training run, checkpointing half-way; a second, fresh process resumes from the
checkpoint. This process only judges, against optax's own ``warmup_cosine_decay_schedule`` and
``piecewise_constant_schedule`` (the same curves, computed by optax) and against the warm-up +
cosine formula written here in float64 NumPy, independently of lrdecay.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import optax_worker as w
import pytest
from frameworks import require

WORKER = Path(__file__).resolve().with_name("optax_worker.py")

TOL = 3e-6
"""float32 tolerance, relative to the schedule's peak (the suite's parity rule)."""


def formula(k: Any, peak: float, end: float, warmup: int, total: int) -> np.ndarray:
    """Linear warm-up from 0 over ``warmup`` steps, then a half cosine from ``peak`` to ``end``
    ending at ``total`` (warm-up included), held after: in float64, from the definition."""
    k = np.asarray(k, dtype=np.float64)
    decay = total - warmup
    t = np.clip(k - warmup, 0.0, decay)
    cosine = end + (peak - end) * 0.5 * (1.0 + np.cos(np.pi * t / decay))
    return np.where(k < warmup, peak * k / warmup, cosine)


def expected(k: Any) -> np.ndarray:
    return formula(k, w.PEAK, w.END, w.WARMUP, w.TOTAL)


def close(actual: Any, wanted: Any, scale: float, what: str) -> None:
    actual = np.asarray(actual, dtype=np.float64)
    wanted = np.asarray(wanted, dtype=np.float64)
    assert actual.shape == wanted.shape, f"{what}: shape {actual.shape} != {wanted.shape}"
    deviation = np.abs(actual - wanted)
    bad = np.flatnonzero(deviation > TOL * scale)
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
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    assert done.returncode == 0, f"optax worker ({mode}) failed:\n{done.stderr[-5000:]}"
    return json.loads((out / f"{mode}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("jax")
    require("optax")
    return tmp_path_factory.mktemp("optax")


@pytest.fixture(scope="module")
def main(out_dir: Path) -> dict[str, Any]:
    return run_worker("main", out_dir)


@pytest.fixture(scope="module")
def resumed(main: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    return run_worker("resume", out_dir)


def test_every_wrapper_evaluates_the_count_before_incrementing_it(main: dict[str, Any]) -> None:
    """A probe schedule returning its count: update k (from 0) is given count k, an int32."""
    conventions = main["conventions"]
    steps = list(range(w.PROBE_UPDATES))
    for name in ("scale_by_schedule", "adamw", "inject_hyperparams(adamw)"):
        np.testing.assert_allclose(conventions[name]["applied"], steps, rtol=1e-6, err_msg=name)
    inject = conventions["inject_hyperparams(adamw)"]
    assert inject["state_lr_after_init"] == 0.0  # init evaluates the schedule at 0 ...
    assert inject["state_lr"] == steps  # ... and after update k the state holds schedule(k)
    assert inject["state_count"] == w.PROBE_UPDATES
    assert conventions["count_dtypes"] == ["int32"]


def test_adamw_applies_the_rate_of_optax_own_schedule(main: dict[str, Any]) -> None:
    """optax.adamw under jax.jit with lrdecay's warm-up + cosine and with optax's
    warmup_cosine_decay_schedule, on the same parameters and gradients: the same rate at every
    update, and update k applies the rate at step k, through the horizon and past it."""
    applied = main["against_optax"]["applied"]
    steps = np.arange(w.TOTAL + w.EXTRA)
    close(applied["ours"], applied["optax"], w.PEAK, "adamw: lrdecay vs optax's schedule")
    close(applied["ours"], expected(steps), w.PEAK, "adamw: lrdecay vs the formula at step k")
    close(applied["optax"], expected(steps), w.PEAK, "adamw: optax's schedule vs the formula")
    assert applied["ours"][0] == applied["optax"][0] == 0.0  # the first update uses step 0
    assert np.argmax(applied["ours"]) == w.WARMUP  # the peak, at the end of the warm-up


def test_inject_hyperparams_state_holds_the_rate_just_applied(main: dict[str, Any]) -> None:
    result = main["against_optax"]
    steps = np.arange(w.TOTAL + w.EXTRA)
    assert result["inject_ours_lr_after_init"] == result["inject_optax_lr_after_init"] == 0.0
    ours, theirs = result["state_lr"]["inject_ours"], result["state_lr"]["inject_optax"]
    close(ours, theirs, w.PEAK, "inject_hyperparams state: lrdecay vs optax's schedule")
    close(ours, expected(steps), w.PEAK, "inject_hyperparams state after update k vs step k")
    applied = result["applied"]
    close(applied["inject_ours"], ours, w.PEAK, "inject_hyperparams: applied vs state")
    close(applied["inject_optax"], theirs, w.PEAK, "inject_hyperparams (optax): applied vs state")
    # adamw's own counter (the schedule's step source) after update k is k + 1
    assert result["schedule_counts"] == list(range(1, w.TOTAL + w.EXTRA + 1))


def test_vmap_over_steps_up_to_ten_million(main: dict[str, Any]) -> None:
    result = main["vmap"]
    assert (result["dtype"], result["step_dtype"]) == ("float32", "int32")
    assert not main["x64"]
    steps = np.asarray(w.big_steps())
    assert steps.max() > 10**7
    wanted = formula(steps, w.BIG_PEAK, w.BIG_END, w.BIG_WARMUP, w.BIG_TOTAL)
    close(result["vmap"], wanted, w.BIG_PEAK, "jax.vmap(schedule)")
    close(result["jit_vmap"], wanted, w.BIG_PEAK, "jax.jit(jax.vmap(schedule))")


def test_the_int32_counter_saturates_and_the_schedule_reads_it_exactly(
    main: dict[str, Any],
) -> None:
    """From 2**31 - 4, optax's counter stops at 2**31 - 1; a Piecewise switching at 2**31 - 2
    and 2**31 - 1 (one float32 number) gives what optax's own piecewise_constant_schedule gives,
    and the rate of the last step ever after."""
    result = main["saturation"]
    top = w.INT32_MAX
    for name in ("ours", "optax", "offset"):
        assert result[name]["count_after"] == [top - 2, top - 1, top, top, top, top], name
        assert result[name]["dtype"] == "int32"
    assert result["offset"]["values"] == [0.0, 1.0, 2.0, 3.0, 3.0, 3.0]  # counts passed
    assert result["ours"]["values"] == result["optax"]["values"] == [1.0, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_jit_tracing_leaks_no_tracer(main: dict[str, Any]) -> None:
    leaks = main["leaks"]
    for name in ("adamw", "inject_hyperparams(adamw)", "vmap"):
        assert leaks[name] is None, f"{name}: {leaks[name]}"
    control = leaks["control: a schedule that keeps its tracer"]
    assert control and "Leaked" in control, "jax.checking_leaks() did not catch the control"


def test_jit_does_not_retrace_as_the_step_advances(
    main: dict[str, Any], resumed: dict[str, Any]
) -> None:
    retrace = main["retrace"]
    assert retrace["control_static_step_traces"] == 3  # the counter does see retraces
    assert retrace["train_step_traces"] == 1, f"{retrace['train_step_calls']} calls"
    assert resumed["traces"] == 1


def test_resume_from_opt_state_is_bit_identical(
    main: dict[str, Any], resumed: dict[str, Any], out_dir: Path
) -> None:
    """Trained half-way, checkpointed with np.savez, resumed in a fresh process: the final
    parameters are the uninterrupted run's, bit for bit. Restarting the optimizer state instead
    (its count back to 0) does change them, so the comparison can fail."""
    assert main["training"]["loss_last"] < main["training"]["loss_first"] / 4  # it does learn
    assert resumed["counts_restored"] == [w.HALF, w.HALF]  # adam's and the schedule's counter
    assert abs(resumed["rate_at_resume"] - float(expected(w.HALF))) <= TOL * w.PEAK
    with (
        np.load(out_dir / "full.npz") as full,
        np.load(out_dir / "resumed.npz") as again,
        np.load(out_dir / "restarted.npz") as restarted,
    ):
        assert full.files == again.files == restarted.files
        for leaf in full.files:
            assert full[leaf].dtype == again[leaf].dtype == np.float32
            assert np.array_equal(full[leaf], again[leaf]), f"leaf {leaf} differs after resume"
        assert not all(np.array_equal(full[k], restarted[k]) for k in full.files)
