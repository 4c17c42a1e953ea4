"""``lrdecay.compat.transformers`` against transformers itself, stepped in one child process.

Parameter sets are drawn here, from fixed seeds, for every schedule function and through
``get_scheduler``; one call of ``transformers_dialect_worker.py`` builds each scheduler on a torch
optimizer and records the group's rate after every ``step()``, over the whole horizon and past it.
transformers computes in double precision (``LambdaLR``), so lrdecay's value at step ``k`` must be
within ``1e-12`` of it, relative to the larger of ``lr`` and the value. The one documented
difference: at a restart step of ``cosine_with_restarts`` transformers' floating cycle position
``(num_cycles * progress) % 1`` can land just below 1 and give about 0 instead of ``lr``; lrdecay's
cycle is exact. What transformers refuses, or fails on while stepping, lrdecay refuses.
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
from lrdecay.compat import transformers as hf

WORKER = Path(__file__).resolve().with_name("transformers_dialect_worker.py")
TIGHT = 1e-12
SEEDS = range(2)
PER_FUNCTION = 10
INEXPRESSIBLE = ("not expressible", "part-way")


def draw(function: str, r: random.Random) -> tuple[list[Any], dict[str, Any], float, int]:
    """Positional arguments before the optimizer, keyword arguments, lr and the step count."""
    lr = r.choice([1.0, 3e-4, 0.1]) * r.uniform(0.5, 1.0)
    warm = r.choice([0, r.randrange(1, 60), 1])
    total = warm + r.choice([r.randrange(1, 400), 0, -r.randrange(1, 5)])
    steps = max(warm, total, 1) * 2 + 30
    kw: dict[str, Any] = {"num_warmup_steps": warm, "num_training_steps": total}
    if function == "get_constant_schedule":
        return [], {}, lr, 10
    if function == "get_constant_schedule_with_warmup":
        return [], {"num_warmup_steps": warm}, lr, steps
    if function == "get_linear_schedule_with_warmup":
        return [], kw, lr, steps
    if function == "get_cosine_schedule_with_warmup":
        kw["num_cycles"] = r.choice([0.5, 1, 2, 0.3, 0, -0.5, 3.25])
        return [], kw, lr, steps * 2
    if function == "get_cosine_with_hard_restarts_schedule_with_warmup":
        kw["num_cycles"] = r.choice([1, 2, 3, 1.5, 0, 4])
        return [], kw, lr, steps
    if function == "get_polynomial_decay_schedule_with_warmup":
        if total == warm:
            kw["num_training_steps"] = total = warm + 7
        kw["lr_end"] = r.choice([1e-7, 0.0, 0.1 * lr, -0.1 * lr])
        kw["power"] = r.choice([1.0, 2.0, 0.5, 0.0, 3])
        return [], kw, lr, steps
    if function == "get_inverse_sqrt_schedule":
        return [], {"num_warmup_steps": warm, "timescale": r.choice([None, 50, 7.5])}, lr, 400
    if function == "get_cosine_with_min_lr_schedule_with_warmup":
        kw["num_cycles"] = r.choice([0.5, 1, 0.25, 0])
        if r.random() < 0.5:
            kw["min_lr"] = lr * r.choice([0.1, 0.0, -0.2])
        else:
            kw["min_lr_rate"] = r.choice([0.1, 0.0, -0.2, 1.5])
        return [], kw, lr, steps * 2
    if function == "get_cosine_with_min_lr_schedule_with_warmup_lr_rate":
        kw["num_warmup_steps"] = warm = r.choice([0, 1, 2, 2.5, r.randrange(1, 60)])
        kw["num_training_steps"] = warm + r.randrange(-3, 300)
        kw["num_cycles"] = r.choice([0.5, 1, 0])
        kw["min_lr_rate"] = r.choice([0.1, 0.0, -0.2])
        kw["warmup_lr_rate"] = r.choice([None, 0.1, 0.0])
        return [], kw, lr, int(2 * (kw["num_training_steps"] + 30))
    if function == "get_wsd_schedule":
        decay = r.choice([r.randrange(1, 200), 0, 1])
        kwargs: dict[str, Any] = {"num_warmup_steps": warm, "num_decay_steps": decay}
        if r.random() < 0.5:
            kwargs["num_training_steps"] = warm + decay + r.randrange(0, 200)
        else:
            kwargs["num_stable_steps"] = r.randrange(0, 200)
        kwargs["warmup_type"] = r.choice(["linear", "cosine", "1-sqrt"])
        kwargs["decay_type"] = r.choice(["linear", "cosine", "1-sqrt"])
        kwargs["min_lr_ratio"] = r.choice([0, 0.1, -0.1])
        kwargs["num_cycles"] = r.choice([0.5, 1, 0.25])
        return [], kwargs, lr, warm + decay + 250
    if function == "get_scheduler":
        name = r.choice(
            ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
             "constant_with_warmup", "inverse_sqrt", "cosine_with_min_lr",
             "cosine_warmup_with_min_lr", "warmup_stable_decay"]
        )  # fmt: skip
        specific: dict[str, Any] = {}
        if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
            specific = {"min_lr_rate": 0.1}
        if name == "warmup_stable_decay":
            specific = {"num_decay_steps": 20, "decay_type": r.choice(["1-sqrt", "cosine"])}
            total = max(total, warm + 20)
        if name == "polynomial" and total == warm:
            total += 5
        kwargs = {"name": name, "num_warmup_steps": warm, "num_training_steps": total}
        kwargs["scheduler_specific_kwargs"] = specific
        return [], kwargs, lr, steps
    raise AssertionError(function)


FUNCTIONS = [
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_linear_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_inverse_sqrt_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_wsd_schedule",
    "get_scheduler",
]

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("get_polynomial_decay_schedule_with_warmup",
     {"num_warmup_steps": 0, "num_training_steps": 10, "lr_end": 2.0}, "lr_end"),
    ("get_polynomial_decay_schedule_with_warmup",
     {"num_warmup_steps": 5, "num_training_steps": 5}, "num_training_steps"),
    ("get_polynomial_decay_schedule_with_warmup",
     {"num_warmup_steps": 0, "num_training_steps": 5, "power": -1.0}, "power"),
    ("get_inverse_sqrt_schedule", {"num_warmup_steps": 0, "timescale": 0}, "timescale"),
    ("get_inverse_sqrt_schedule", {"num_warmup_steps": 0, "timescale": -5}, "timescale"),
    ("get_cosine_with_min_lr_schedule_with_warmup",
     {"num_warmup_steps": 0, "num_training_steps": 10}, "min_lr"),
    ("get_cosine_with_min_lr_schedule_with_warmup",
     {"num_warmup_steps": 0, "num_training_steps": 10, "min_lr": 0.1, "min_lr_rate": 0.1},
     "min_lr"),
    ("get_wsd_schedule", {"num_warmup_steps": 0, "num_decay_steps": 10}, "num_training_steps"),
    ("get_wsd_schedule",
     {"num_warmup_steps": 0, "num_decay_steps": 10, "num_stable_steps": 5, "decay_type": "x"},
     "decay_type"),
    ("get_scheduler", {"name": "nope", "num_warmup_steps": 0}, "name"),
    ("get_scheduler", {"name": "linear", "num_warmup_steps": 0}, "num_training_steps"),
    ("get_scheduler", {"name": "cosine", "num_training_steps": 10}, "num_warmup_steps"),
]  # fmt: skip


def cases() -> list[dict[str, Any]]:
    drawn = []
    for seed in SEEDS:
        for function in FUNCTIONS:
            r = random.Random(f"{function}-{seed}")
            for _ in range(PER_FUNCTION):
                args, kwargs, lr, steps = draw(function, r)
                drawn.append(
                    {"function": function, "args": args, "kwargs": kwargs, "lr": lr,
                     "steps": steps}
                )  # fmt: skip
    for function, kwargs, _ in REFUSED:
        drawn.append({"function": function, "args": [], "kwargs": kwargs, "lr": 1.0, "steps": 12})
    drawn.append(DOCUMENTED)
    return drawn


DOCUMENTED: dict[str, Any] = {
    "function": "get_cosine_with_hard_restarts_schedule_with_warmup",
    "args": [],
    "kwargs": {"num_warmup_steps": 0, "num_training_steps": 11, "num_cycles": 3.3},
    "lr": 1.0,
    "steps": 14,
}
"""Step 10 begins the fourth cycle (3.3 * 10 / 11 = 3 exactly); transformers' 3.3 * (10 / 11)
is 2.9999999999999996, so it gives the end of the third cycle there (about 0)."""


def ours(case: dict[str, Any]) -> Any:
    kwargs = dict(case["kwargs"])
    if case["function"] == "get_scheduler":
        return hf.get_scheduler(kwargs.pop("name"), case["lr"], **kwargs)
    return getattr(hf, case["function"])(case["lr"], *case["args"], **kwargs)


@pytest.fixture(scope="module")
def answers() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    require("torch")
    require("transformers")
    drawn = cases()
    for case in drawn:  # the worker passes the name positionally, before the optimizer
        if case["function"] == "get_scheduler":
            case["args"] = [case["kwargs"]["name"]]
            case["kwargs"] = {k: v for k, v in case["kwargs"].items() if k != "name"}
    done = subprocess.run(
        [sys.executable, str(WORKER)],
        input=json.dumps(drawn),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"transformers worker failed:\n{done.stderr[-5000:]}"
    for case in drawn:
        if case["function"] == "get_scheduler":
            case["kwargs"] = {"name": case["args"][0], **case["kwargs"]}
            case["args"] = []
    return list(zip(drawn, json.loads(done.stdout), strict=True))


def restart_step(case: dict[str, Any], k: int) -> bool:
    """Whether ``k`` begins a cycle of ``cosine_with_restarts`` (the documented difference)."""
    kwargs = case["kwargs"]
    name = kwargs.get("name", case["function"])
    if name not in ("cosine_with_restarts", "get_cosine_with_hard_restarts_schedule_with_warmup"):
        return False
    warm, total = kwargs["num_warmup_steps"], kwargs["num_training_steps"]
    cycles = as_ratio(kwargs.get("num_cycles", 1))  # as written, as lrdecay reads it
    position = cycles * Fraction(k - warm) / max(1, total - warm)
    return k > warm and position.denominator == 1 and position < cycles


def test_rates_match_transformers(answers: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    compared = skipped = 0
    for case, answer in answers:
        where = f"{case['function']}(lr={case['lr']}, {case['kwargs']})"
        theirs = answer.get("rates")
        if theirs is None or None in theirs:
            with pytest.raises((ValueError, TypeError), match="transformers"):
                ours(case)
            continue
        try:
            schedule = ours(case)
        except ValueError as error:
            assert any(s in str(error) for s in INEXPRESSIBLE), f"{where}: {error}"
            skipped += 1
            continue
        steps = np.arange(len(theirs))
        wanted = np.asarray(theirs)
        got = schedule(steps)
        bound = TIGHT * np.maximum(case["lr"], np.abs(wanted))
        bad = [int(k) for k in np.flatnonzero(np.abs(got - wanted) > bound)]
        bad = [k for k in bad if not restart_step(case, k)]
        assert not bad, (
            f"{where} at steps {bad[:5]}: lrdecay {got[bad[:5]].tolist()}, transformers "
            f"{wanted[bad[:5]].tolist()}"
        )
        for k in (0, len(theirs) // 2, len(theirs) - 1):  # Python steps take the scalar path
            if not restart_step(case, k):
                assert abs(schedule(k) - theirs[k]) <= TIGHT * max(case["lr"], abs(theirs[k]))
        compared += 1
    assert compared >= 0.8 * len(SEEDS) * len(FUNCTIONS) * PER_FUNCTION, (compared, skipped)


def test_the_documented_difference_is_real(
    answers: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """At an exact restart step transformers may be at the end of the previous cycle."""
    (theirs,) = [answer["rates"] for case, answer in answers if case is DOCUMENTED]
    assert restart_step(DOCUMENTED, 10) and theirs[10] < 1e-12
    assert ours(DOCUMENTED)(10) == 1.0


@pytest.mark.parametrize(("function", "kwargs", "message"), REFUSED)
def test_refusals_name_the_function_and_parameter(
    function: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError)) as error:
        ours({"function": function, "args": [], "kwargs": kwargs, "lr": 1.0})
    assert f"transformers.{function}" in str(error.value)
    assert message in str(error.value)


@pytest.mark.parametrize("name", ["reduce_lr_on_plateau", "greedy"])
def test_metric_driven_schedulers_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a function of the step"):
        hf.get_scheduler(name, 1.0)


def test_scheduler_types_match_the_installed_version() -> None:
    require("transformers")
    code = (
        "from transformers.trainer_utils import SchedulerType; "
        "import json; print(json.dumps([t.value for t in SchedulerType]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    installed = set(json.loads(done.stdout))
    # every name the installed version has is known (older versions lack some, e.g. "greedy")
    assert installed <= set(hf.SCHEDULER_TYPES), installed - set(hf.SCHEDULER_TYPES)


def test_inexpressible_shapes_are_refused_plainly() -> None:
    """transformers accepts these; lrdecay cannot build them and says so."""
    with pytest.raises(ValueError, match="part-way"):
        hf.get_linear_schedule_with_warmup(1.0, -5, 100)
    with pytest.raises(ValueError, match="last_epoch"):
        hf.get_constant_schedule(1.0, last_epoch=3)


def test_the_dialect_imports_no_framework() -> None:
    code = (
        "import sys, lrdecay.compat.transformers; "
        "print([m for m in 'torch,transformers'.split(',') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"
