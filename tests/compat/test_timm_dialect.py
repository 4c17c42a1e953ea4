"""``lrdecay.compat.timm`` against timm itself, stepped in one child process.

Parameter sets are drawn here, from fixed seeds, for the cosine, tanh, polynomial, step and
multi-step schedulers (warm-up with and without prefix, cycles, cycle decay and limit); one call of
``timm_dialect_worker.py`` builds each on a torch optimizer and records the group's rate after
``step_update(k)`` for every ``k``, over every cycle and past the last. timm computes in double
precision, so lrdecay's value must be within ``1e-12`` of it, relative to the larger of ``lr`` and
the value. The one documented difference: with ``cycle_mul != 1`` timm finds the cycle with a
floating logarithm, which at an exact restart step may give the end of the previous cycle;
lrdecay's cycle is exact. What timm asserts against, or fails on, lrdecay refuses.

timm is loaded without its package ``__init__`` (which imports torchvision): see the worker.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require

from lrdecay._step import as_ratio
from lrdecay.compat import timm

WORKER = Path(__file__).resolve().with_name("timm_dialect_worker.py")
TIGHT = 1e-12
SEEDS = range(2)
PER_CLASS = 14
INEXPRESSIBLE = ("not expressible", "torch.Generator")


def cycle_length(kwargs: dict[str, Any]) -> float:
    total, length = 0.0, kwargs["t_initial"]
    for _ in range(max(kwargs.get("cycle_limit", 1), 1)):
        total += length
        length *= kwargs.get("cycle_mul", 1.0)
    return total


def draw(cls: str, r: random.Random) -> tuple[dict[str, Any], float, int]:
    lr = r.choice([1.0, 0.1, 3e-4]) * r.uniform(0.5, 1.0)
    kwargs: dict[str, Any] = {
        "warmup_t": r.choice([0, 0, r.randrange(1, 30), 1]),
        "warmup_lr_init": r.choice([0.0, lr * 0.01]),
        "warmup_prefix": r.random() < 0.5,
    }
    if cls in ("CosineLRScheduler", "TanhLRScheduler", "PolyLRScheduler"):
        kwargs["t_initial"] = r.choice([r.randrange(2, 150), 1, r.randrange(2, 20) + 0.5])
        kwargs["lr_min"] = r.choice([0.0, lr * 0.1, lr * 0.01])
        kwargs["cycle_mul"] = r.choice([1.0, 1.0, 2.0, 1.5, 1.1])
        kwargs["cycle_decay"] = r.choice([1.0, 0.5, 0.9])
        kwargs["cycle_limit"] = r.choice([1, 2, 3, 5, 0])
        if cls == "TanhLRScheduler":
            kwargs["lb"], kwargs["ub"] = r.choice([(-7.0, 3.0), (-3.0, 3.0), (-5.0, 1.0)])
        if cls == "PolyLRScheduler":
            kwargs["power"] = r.choice([0.5, 1.0, 2.0, 0.0])
        steps = int(cycle_length(kwargs)) + kwargs["warmup_t"] + 40
        return kwargs, lr, min(steps, 3000)
    if cls == "StepLRScheduler":
        kwargs["decay_t"] = r.choice([r.randrange(1, 50), 2.5])
        kwargs["decay_rate"] = r.choice([0.5, 0.1, 1.0, -0.5, 0.0])
        return kwargs, lr, kwargs["warmup_t"] + 300
    if cls == "MultiStepLRScheduler":
        marks = sorted(r.sample(range(0, 200), r.randrange(0, 5)))
        if marks and r.random() < 0.3:
            marks.append(marks[-1])  # a repeated entry decays twice
        kwargs["decay_t"] = marks
        kwargs["decay_rate"] = r.choice([0.5, 0.1, 2.0])
        return kwargs, lr, kwargs["warmup_t"] + 250
    raise AssertionError(cls)


CLASSES = [
    "CosineLRScheduler",
    "TanhLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "MultiStepLRScheduler",
]

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("CosineLRScheduler", {"t_initial": 0}, "t_initial"),
    ("CosineLRScheduler", {"t_initial": 10, "lr_min": -0.1}, "lr_min"),
    ("CosineLRScheduler", {"t_initial": 10, "cycle_mul": 0.5, "cycle_limit": 100}, "cycle_mul"),
    ("TanhLRScheduler", {"t_initial": 10, "lb": 3.0, "ub": -7.0}, "lb"),
    ("TanhLRScheduler", {"t_initial": 10, "cycle_limit": -1}, "cycle_limit"),
    ("TanhLRScheduler", {"t_initial": 10, "warmup_lr_init": -1.0, "warmup_t": 3}, "warmup_lr_init"),
    ("PolyLRScheduler", {"t_initial": -5}, "t_initial"),
    ("StepLRScheduler", {"decay_t": 0}, "decay_t"),
]


def cases() -> list[dict[str, Any]]:
    drawn = []
    for seed in SEEDS:
        for cls in CLASSES:
            r = random.Random(f"{cls}-{seed}")
            for _ in range(PER_CLASS):
                kwargs, lr, steps = draw(cls, r)
                drawn.append({"cls": cls, "kwargs": kwargs, "lr": lr, "steps": steps})
    for cls, kwargs, _ in REFUSED:
        drawn.append({"cls": cls, "kwargs": kwargs, "lr": 1.0, "steps": 40})
    drawn.append(DOCUMENTED)
    return drawn


DOCUMENTED: dict[str, Any] = {
    "cls": "CosineLRScheduler",
    "kwargs": {"t_initial": 25, "cycle_mul": 1.2, "cycle_limit": 5},
    "lr": 1.0,
    "steps": 100,
}
"""Step 91 = 25 + 30 + 36 begins the fourth cycle; timm's floating logarithm gives 2.999...,
so it is still at the end of the third cycle there."""


def ours(case: dict[str, Any]) -> Any:
    return getattr(timm, case["cls"])(case["lr"], t_in_epochs=False, **case["kwargs"])


@pytest.fixture(scope="module")
def answers() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    require("torch")
    require("timm")
    drawn = cases()
    done = subprocess.run(
        [sys.executable, str(WORKER)],
        input=json.dumps(drawn),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"timm worker failed:\n{done.stderr[-5000:]}"
    return list(zip(drawn, json.loads(done.stdout), strict=True))


def restart_step(case: dict[str, Any], k: int) -> bool:
    """Whether ``k`` begins a geometric cycle (the documented difference)."""
    kwargs = case["kwargs"]
    mul = kwargs.get("cycle_mul", 1.0)
    if mul == 1.0 or "t_initial" not in kwargs:
        return False
    warm = kwargs.get("warmup_t", 0)
    if k < warm:
        return False
    t = k - warm if kwargs.get("warmup_prefix", False) else k
    start, length = Fraction(0), as_ratio(kwargs["t_initial"])
    while start < t:
        start += length
        length *= as_ratio(mul)
    return start == t and t > 0


def test_rates_match_timm(answers: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    compared = 0
    for case, answer in answers:
        where = f"{case['cls']}(lr={case['lr']}, {case['kwargs']})"
        theirs = answer.get("rates")
        if theirs is None or None in theirs:
            with pytest.raises((ValueError, TypeError), match="timm"):
                ours(case)
            continue
        try:
            schedule = ours(case)
        except ValueError as error:
            assert any(s in str(error) for s in INEXPRESSIBLE), f"{where}: {error}"
            continue
        wanted = np.asarray(theirs)
        got = schedule(np.arange(len(theirs)))
        bound = TIGHT * np.maximum(case["lr"], np.abs(wanted))
        bad = [int(k) for k in np.flatnonzero(np.abs(got - wanted) > bound)]
        bad = [k for k in bad if not restart_step(case, k)]
        assert not bad, (
            f"{where} at steps {bad[:5]}: lrdecay {got[bad[:5]].tolist()}, timm "
            f"{wanted[bad[:5]].tolist()}"
        )
        for k in (0, len(theirs) // 2, len(theirs) - 1):
            if not restart_step(case, k):
                assert abs(schedule(k) - theirs[k]) <= TIGHT * max(case["lr"], abs(theirs[k]))
        compared += 1
    assert compared >= 0.8 * len(SEEDS) * len(CLASSES) * PER_CLASS


def test_the_documented_difference_is_real(
    answers: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """At an exact restart step of geometric cycles timm may be at the end of the previous one."""
    (theirs,) = [answer["rates"] for case, answer in answers if case is DOCUMENTED]
    assert restart_step(DOCUMENTED, 91) and theirs[91] < 1e-3
    assert ours(DOCUMENTED)(91) == 1.0


@pytest.mark.parametrize(("cls", "kwargs", "message"), REFUSED)
def test_refusals_name_the_class_and_parameter(
    cls: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError)) as error:
        getattr(timm, cls)(1.0, **kwargs)
    assert f"timm.scheduler.{cls}" in str(error.value)
    assert message in str(error.value)


def test_noise_and_time_warps_are_refused_plainly() -> None:
    with pytest.raises(ValueError, match=r"torch\.Generator"):
        timm.CosineLRScheduler(1.0, 100, noise_range_t=50)
    with pytest.raises(ValueError, match="not expressible"):
        timm.CosineLRScheduler(1.0, 100, k_decay=2.0)
    with pytest.raises(ValueError, match="not expressible"):
        timm.PolyLRScheduler(1.0, 100, power=-1.0)


def test_warmup_without_prefix_replaces_the_first_steps() -> None:
    """The cosine scheduler jumps at the end of its warm-up; the tanh one does not."""
    cosine = timm.CosineLRScheduler(1.0, t_initial=100, warmup_t=50, warmup_lr_init=0.0)
    assert cosine(49) == pytest.approx(0.98) and cosine(50) == pytest.approx(0.5)
    tanh = timm.TanhLRScheduler(1.0, t_initial=100, warmup_t=70, warmup_lr_init=0.0)
    assert tanh(70) == pytest.approx(0.5) and tanh(35) == pytest.approx(0.25)


def test_the_dialect_imports_no_framework() -> None:
    code = (
        "import sys, lrdecay.compat.timm; "
        "print([m for m in 'torch,timm'.split(',') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"
