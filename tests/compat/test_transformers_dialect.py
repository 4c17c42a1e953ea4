"""``lrdecay.compat.transformers`` against transformers itself, stepped in one child process.

Hypothesis draws the parameters here, for every schedule function and through ``get_scheduler``
(negative warm-ups and stable phases, fractional lengths, degenerate lengths included): ``make
test`` one fixed sample, ``HYPOTHESIS_PROFILE=lrdecay-thorough`` a fresh one per
``--hypothesis-seed``. One call of ``transformers_dialect_worker.py`` builds each scheduler on a
torch optimizer and records the group's rate after every ``step()``, over the whole horizon and
past it. transformers computes in double precision (``LambdaLR``), so lrdecay's value at step
``k`` must be within ``1e-12`` of it, relative to the larger of ``lr`` and the value. The one
documented difference: at a restart step of ``cosine_with_restarts`` transformers' floating cycle
position ``(num_cycles * progress) % 1`` can land just below 1 and give about 0 instead of
``lr``; lrdecay's cycle is exact. What transformers refuses, or fails on while stepping, lrdecay
refuses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lrdecay._step import as_ratio
from lrdecay.compat import transformers as hf

WORKER = Path(__file__).resolve().with_name("transformers_dialect_worker.py")
TIGHT = 1e-12
EXAMPLES = 30
"""Hypothesis examples per function."""
MAX_STEPS = 2500
"""The most steps a case is stepped through."""


# ------------------------------------------------------------------------------ strategies
rates = st.one_of(st.sampled_from([1.0, 3e-4, 0.1]), st.floats(1e-5, 2.0))
halves = st.integers(-40, 120).map(lambda n: n / 2)
warmups = st.one_of(st.just(0), st.just(1), st.integers(1, 100), st.integers(-60, -1), halves)
"""Warm-ups: none, whole, negative (the decay started part-way through) and fractional."""
cycles = st.one_of(st.sampled_from([0.5, 1, 2, 0.3, 0, -0.5, 3.25]), st.floats(-3.0, 5.0))


def horizon_steps(*marks: float) -> int:
    """Twice the furthest mark and 30 more: the whole horizon and past it."""
    return min(int(max(0, *marks)) * 2 + 30, MAX_STEPS)


@st.composite
def case_of(draw: st.DrawFn, function: str) -> tuple[dict[str, Any], float, int]:
    """Keyword arguments (``name`` first for ``get_scheduler``), ``lr`` and the step count."""
    lr = draw(rates)
    warm = draw(warmups)
    total = warm + draw(st.one_of(st.integers(1, 800), st.just(0), st.integers(-5, -1)))
    if draw(st.integers(0, 9)) == 0:  # a horizon before the warm-up's end, or before step 0
        total = draw(st.integers(-30, 30))
    steps = horizon_steps(warm, total)
    kw: dict[str, Any] = {"num_warmup_steps": warm, "num_training_steps": total}
    if function == "get_constant_schedule":
        return {}, lr, 10
    if function == "get_constant_schedule_with_warmup":
        return {"num_warmup_steps": warm}, lr, steps
    if function == "get_linear_schedule_with_warmup":
        return kw, lr, steps
    if function == "get_cosine_schedule_with_warmup":
        kw["num_cycles"] = draw(cycles)
        return kw, lr, min(2 * steps, MAX_STEPS)
    if function == "get_cosine_with_hard_restarts_schedule_with_warmup":
        kw["num_cycles"] = draw(st.one_of(st.sampled_from([1, 2, 3, 1.5, 0, 4]), st.floats(0, 6)))
        return kw, lr, steps
    if function == "get_polynomial_decay_schedule_with_warmup":
        kw["lr_end"] = draw(st.sampled_from([1e-7, 0.0, 0.1 * lr, -0.1 * lr, 2 * lr]))
        kw["power"] = draw(st.one_of(st.sampled_from([1.0, 2.0, 0.5, 0.0, 3]), st.floats(0, 5)))
        return kw, lr, steps
    if function == "get_inverse_sqrt_schedule":
        timescale = draw(st.one_of(st.none(), st.integers(1, 100), st.just(7.5), st.just(0)))
        return {"num_warmup_steps": warm, "timescale": timescale}, lr, 400
    if function == "get_cosine_with_min_lr_schedule_with_warmup":
        kw["num_cycles"] = draw(cycles)
        if draw(st.booleans()):
            kw["min_lr"] = lr * draw(st.sampled_from([0.1, 0.0, -0.2]))
        else:
            kw["min_lr_rate"] = draw(st.one_of(st.sampled_from([0.1, 0.0, -0.2, 1.5]),
                                               st.floats(-0.5, 1.0)))  # fmt: skip
        return kw, lr, min(2 * steps, MAX_STEPS)
    if function == "get_cosine_with_min_lr_schedule_with_warmup_lr_rate":
        warm = draw(st.one_of(st.sampled_from([0, 1, 2, 2.5]), warmups))
        kw["num_warmup_steps"] = warm
        kw["num_training_steps"] = total = warm + draw(st.integers(-3, 300))
        kw["num_cycles"] = draw(st.sampled_from([0.5, 1, 0, 0.25, 2]))
        kw["min_lr_rate"] = draw(st.sampled_from([0.1, 0.0, -0.2]))
        kw["warmup_lr_rate"] = draw(st.sampled_from([None, 0.1, 0.0]))
        return kw, lr, min(int(2 * (max(total, 0) + 30)), MAX_STEPS)
    if function == "get_wsd_schedule":
        decay = draw(st.one_of(st.integers(1, 200), st.sampled_from([0, 1, 2.5, -3])))
        kwargs: dict[str, Any] = {"num_warmup_steps": warm, "num_decay_steps": decay}
        # a negative stable phase starts the decay part-way through
        stable = draw(st.one_of(st.integers(0, 200), st.integers(-100, -1)))
        if draw(st.booleans()):
            kwargs["num_training_steps"] = warm + decay + stable
        else:
            kwargs["num_stable_steps"] = stable
        kwargs["warmup_type"] = draw(st.sampled_from(["linear", "cosine", "1-sqrt"]))
        kwargs["decay_type"] = draw(st.sampled_from(["linear", "cosine", "1-sqrt"]))
        kwargs["min_lr_ratio"] = draw(st.one_of(st.sampled_from([0, 0.1, -0.1]), st.floats(0, 1)))
        kwargs["num_cycles"] = draw(st.sampled_from([0.5, 1, 0.25]))
        return kwargs, lr, horizon_steps(warm + stable + decay, warm) + 100
    if function == "get_scheduler":
        name = draw(st.sampled_from(
            ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
             "constant_with_warmup", "inverse_sqrt", "cosine_with_min_lr",
             "cosine_warmup_with_min_lr", "warmup_stable_decay"]
        ))  # fmt: skip
        specific: dict[str, Any] = {}
        if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
            specific = {"min_lr_rate": 0.1}
        if name == "warmup_stable_decay":
            specific = {
                "num_decay_steps": 20,
                "decay_type": draw(st.sampled_from(["1-sqrt", "cosine"])),
            }
        if name == "inverse_sqrt" and warm < 0:
            specific = {"timescale": 10}
        kwargs = {"name": name, "num_warmup_steps": warm, "num_training_steps": total}
        kwargs["scheduler_specific_kwargs"] = specific
        return kwargs, lr, max(steps, 60)
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


def collect(function: str) -> list[dict[str, Any]]:
    """A Hypothesis sample of ``function``'s parameters (fixed unless the thorough profile)."""
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=settings.default.derandomize,  # a fixed sample, unless `make test-thorough`
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=case_of(function))
    def draw(drawn: tuple[dict[str, Any], float, int]) -> None:
        kwargs, lr, steps = drawn
        found.append({"function": function, "args": [], "kwargs": kwargs, "lr": lr,
                      "steps": steps})  # fmt: skip

    draw()
    return found


PINNED: list[tuple[str, dict[str, Any]]] = [
    # once refused as starting "part-way through": transformers' values, reproduced
    ("get_linear_schedule_with_warmup", {"num_warmup_steps": -5, "num_training_steps": 100}),
    ("get_constant_schedule_with_warmup", {"num_warmup_steps": -5}),
    ("get_cosine_schedule_with_warmup", {"num_warmup_steps": -7, "num_training_steps": 20}),
    ("get_cosine_with_hard_restarts_schedule_with_warmup",
     {"num_warmup_steps": -2.5, "num_training_steps": 20, "num_cycles": 3}),
    ("get_polynomial_decay_schedule_with_warmup",
     {"num_warmup_steps": -4, "num_training_steps": 12.5, "power": 1.5}),
    ("get_polynomial_decay_schedule_with_warmup",
     {"num_warmup_steps": 2.5, "num_training_steps": 2.5}),
    ("get_polynomial_decay_schedule_with_warmup",
     {"num_warmup_steps": 5, "num_training_steps": 3, "power": -1.0}),
    ("get_inverse_sqrt_schedule", {"num_warmup_steps": -3, "timescale": 7}),
    ("get_cosine_with_min_lr_schedule_with_warmup",
     {"num_warmup_steps": -3, "num_training_steps": 20, "min_lr_rate": 0.1}),
    ("get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
     {"num_warmup_steps": -3, "num_training_steps": 20, "min_lr_rate": 0.1}),
    ("get_wsd_schedule",
     {"num_warmup_steps": 5, "num_decay_steps": 10, "num_stable_steps": -4,
      "decay_type": "cosine", "min_lr_ratio": 0.1}),
    ("get_wsd_schedule",
     {"num_warmup_steps": -3, "num_decay_steps": 10, "num_training_steps": 4,
      "decay_type": "1-sqrt"}),
]  # fmt: skip


def cases() -> list[dict[str, Any]]:
    every = [case for function in FUNCTIONS for case in collect(function)]
    for function, kwargs in PINNED:
        every.append({"function": function, "args": [], "kwargs": kwargs, "lr": 0.5,
                      "steps": 40, "pinned": True})  # fmt: skip
    for function, kwargs, _ in REFUSED:
        every.append({"function": function, "args": [], "kwargs": kwargs, "lr": 1.0, "steps": 12})
    every.append(DOCUMENTED)
    return every


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
    position = cycles * as_ratio(k - warm) / max(1, as_ratio(total - warm))
    return k > warm and position.denominator == 1 and position < cycles


def test_rates_match_transformers(answers: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Where transformers' rates are finite, lrdecay's are the same; where transformers refuses
    or fails while stepping, lrdecay refuses."""
    compared = refused = 0
    functions = set()
    for case, answer in answers:
        where = f"{case['function']}(lr={case['lr']}, {case['kwargs']})"
        theirs = answer.get("rates")
        if theirs is None or None in theirs:
            with pytest.raises((ValueError, TypeError), match="transformers"):
                ours(case)
            refused += 1
            continue
        schedule = ours(case)
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
        functions.add(case["function"])
    assert functions == set(FUNCTIONS)
    assert compared >= 0.7 * len(FUNCTIONS) * EXAMPLES, compared
    assert refused >= len(REFUSED), refused


def test_every_function_is_drawn() -> None:
    assert set(FUNCTIONS) == set(hf.__all__) - {"SCHEDULER_TYPES"}


def test_newly_accepted_shapes_are_compared(
    answers: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """The shapes once refused (a negative warm-up or stable phase: the decay started part-way
    through; a fractional ``num_warmup_steps == num_training_steps``; a negative ``power`` no step
    uses) give finite rates in transformers, so ``test_rates_match_transformers`` compared them."""
    pinned = [answer for case, answer in answers if case.get("pinned")]
    assert len(pinned) == len(PINNED)
    for answer in pinned:
        assert "rates" in answer and None not in answer["rates"], answer


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
    f = hf.get_cosine_with_hard_restarts_schedule_with_warmup
    with pytest.raises(ValueError, match=r"num_cycles must be >= 0 \(not expressible") as error:
        f(1.0, 0, 100, num_cycles=-1.5)
    assert "transformers.get_cosine_with_hard_restarts_schedule_with_warmup" in str(error.value)
    g = hf.get_polynomial_decay_schedule_with_warmup
    with pytest.raises(ValueError, match=r"power must be >= 0 \(not expressible"):
        g(1.0, 0, 10.5, power=-1.0)
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
