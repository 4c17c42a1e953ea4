"""``lrdecay.compat.timm`` against timm itself, stepped in one child process.

Hypothesis draws the parameter sets here (``EXAMPLES`` per run; a fixed sample in ``make test``,
a fresh one per ``--hypothesis-seed`` with the thorough profile) for the cosine, tanh,
polynomial, step and multi-step schedulers: warm-up with and without prefix (negative too),
cycles, cycle decay and limit, ``k_decay``, and seeded noise over a range; one call of
``timm_dialect_worker.py`` builds each on a torch optimizer and records the group's rate after
``step_update(k)`` for every ``k``, over every cycle and past the last. timm computes in double
precision (its noise is torch's ``float32`` draw, read back as a double), so lrdecay's value must
be within ``1e-12`` of it, relative to the larger of ``lr`` and the value. The one documented
difference: with ``cycle_mul != 1`` timm finds the cycle with a floating logarithm, which at an
exact restart step may give the end of the previous cycle; lrdecay's cycle is exact. What timm
asserts against, or fails on, lrdecay refuses.

timm is loaded without its package ``__init__`` (which imports torchvision): see the worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lrdecay._step import as_ratio
from lrdecay.compat import timm

WORKER = Path(__file__).resolve().with_name("timm_dialect_worker.py")
TIGHT = 1e-12
EXAMPLES = int(os.environ.get("LRDECAY_TIMM_EXAMPLES", "90"))
INEXPRESSIBLE = ("not expressible", "1,248 draws", "lrdecay does not reproduce")


def cycle_length(kwargs: dict[str, Any]) -> float:
    total, length = 0.0, kwargs["t_initial"]
    for _ in range(max(kwargs.get("cycle_limit", 1), 1)):
        total += length
        length *= kwargs.get("cycle_mul", 1.0)
    return total


@st.composite
def draw_case(draw: st.DrawFn, cls: str) -> dict[str, Any]:
    lr = draw(st.sampled_from([1.0, 0.1, 3e-4])) * draw(st.floats(0.5, 1.0))
    warmups = [st.just(0), st.integers(1, 30), st.just(1)]
    if cls != "TanhLRScheduler":  # (timm's tanh scheduler asserts warmup_t >= 0)
        warmups.append(st.integers(-20, -1))
    kwargs: dict[str, Any] = {
        "warmup_t": draw(st.one_of(*warmups)),
        "warmup_lr_init": draw(st.sampled_from([0.0, lr * 0.01])),
        "warmup_prefix": draw(st.booleans()),
    }
    if draw(st.integers(0, 2)) == 0:  # noise over a range, a third of the time
        kwargs["noise_range_t"] = draw(
            st.one_of(
                st.integers(0, 200),
                st.tuples(st.integers(-5, 100), st.integers(0, 300)).map(list),
            )
        )
        kwargs["noise_pct"] = draw(st.sampled_from([0.67, 0.1, 0.3, 1.5]))
        kwargs["noise_std"] = draw(st.sampled_from([1.0, 0.5, 2.0, 0.0]))
        kwargs["noise_seed"] = draw(st.one_of(st.just(42), st.integers(-(2**40), 2**40)))
    warm = max(kwargs["warmup_t"], 0)
    if cls in ("CosineLRScheduler", "TanhLRScheduler", "PolyLRScheduler"):
        kwargs["t_initial"] = draw(
            st.one_of(st.integers(2, 150), st.just(1), st.integers(2, 20).map(lambda n: n + 0.5))
        )
        kwargs["lr_min"] = draw(st.sampled_from([0.0, lr * 0.1, lr * 0.01]))
        kwargs["cycle_mul"] = draw(st.sampled_from([1.0, 1.0, 2.0, 1.5, 1.1]))
        kwargs["cycle_decay"] = draw(st.sampled_from([1.0, 0.5, 0.9]))
        kwargs["cycle_limit"] = draw(st.sampled_from([1, 2, 3, 5, 0]))
        if cls == "TanhLRScheduler":
            kwargs["lb"], kwargs["ub"] = draw(
                st.sampled_from([(-7.0, 3.0), (-3.0, 3.0), (-5.0, 1.0)])
            )
        else:
            kwargs["k_decay"] = draw(st.sampled_from([1.0, 1.0, 2.0, 0.5, 1.5, 0.0]))
        if cls == "PolyLRScheduler":
            kwargs["power"] = draw(st.sampled_from([0.5, 1.0, 2.0, 0.0]))
        steps = int(cycle_length(kwargs)) + warm + 40
        return {"cls": cls, "kwargs": kwargs, "lr": lr, "steps": min(steps, 3000)}
    if cls == "StepLRScheduler":
        kwargs["decay_t"] = draw(st.one_of(st.integers(1, 50), st.just(2.5)))
        kwargs["decay_rate"] = draw(st.sampled_from([0.5, 0.1, 1.0, -0.5, 0.0]))
        return {"cls": cls, "kwargs": kwargs, "lr": lr, "steps": warm + 300}
    if cls == "MultiStepLRScheduler":
        marks = sorted(draw(st.lists(st.integers(0, 199), max_size=4, unique=True)))
        if marks and draw(st.booleans()):
            marks.append(marks[-1])  # a repeated entry decays twice
        kwargs["decay_t"] = marks
        kwargs["decay_rate"] = draw(st.sampled_from([0.5, 0.1, 2.0]))
        return {"cls": cls, "kwargs": kwargs, "lr": lr, "steps": warm + 250}
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


def drawn(cls: str, count: int) -> list[dict[str, Any]]:
    """``count`` parameter sets of ``cls`` from Hypothesis (the profile decides the sample)."""
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(draw_case(cls))
    def collect(case: dict[str, Any]) -> None:
        found.append(case)

    collect()
    return found


def cases() -> list[dict[str, Any]]:
    chosen = [case for cls in CLASSES for case in drawn(cls, EXAMPLES // len(CLASSES))]
    for cls, kwargs, _ in REFUSED:
        chosen.append({"cls": cls, "kwargs": kwargs, "lr": 1.0, "steps": 40})
    chosen.append(DOCUMENTED)
    chosen.extend(NOISE_CHECKS)
    return chosen


NOISE_CHECKS: list[dict[str, Any]] = [
    {  # a tight limit: many redraws per step
        "cls": "CosineLRScheduler",
        "kwargs": {"t_initial": 500, "noise_range_t": 0, "noise_pct": 0.05, "noise_std": 1.0},
        "lr": 1.0,
        "steps": 500,
    },
    {  # a seed past 2**32 and a negative one read modulo 2**32, as torch does
        "cls": "StepLRScheduler",
        "kwargs": {"decay_t": 30, "noise_range_t": [10, 200], "noise_seed": 2**33 + 5},
        "lr": 0.1,
        "steps": 220,
    },
    {
        "cls": "PolyLRScheduler",
        "kwargs": {"t_initial": 100, "noise_range_t": 5, "noise_seed": -123, "k_decay": 2.0},
        "lr": 0.1,
        "steps": 150,
    },
]


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
    kinds = {"noise": 0, "k_decay": 0, "negative warm-up": 0}
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
        kwargs = case["kwargs"]
        kinds["noise"] += "noise_range_t" in kwargs
        kinds["k_decay"] += kwargs.get("k_decay", 1.0) != 1.0
        kinds["negative warm-up"] += kwargs.get("warmup_t", 0) < 0
    assert compared >= 0.8 * EXAMPLES
    assert min(kinds.values()) >= 3, kinds  # each newer feature compared several times


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


def test_noise_and_time_warps_are_built_and_their_limits_refused() -> None:
    """Noise and k-decay are accepted; what timm loops on or divides by zero for is refused."""
    noisy = timm.CosineLRScheduler(1.0, 100, noise_range_t=[10, 20], noise_seed=7)
    plain = timm.CosineLRScheduler(1.0, 100)
    steps = np.arange(30)
    differs = noisy(steps) != plain(steps)
    assert not differs[:10].any() and differs[10:20].all() and not differs[20:].any()
    with pytest.raises(ValueError, match=r"noise_pct.*loop forever"):
        timm.CosineLRScheduler(1.0, 100, noise_range_t=50, noise_pct=0.0)
    with pytest.raises(ValueError, match=r"noise_pct.*1,248|noise_pct.*does not reproduce"):
        timm.CosineLRScheduler(1.0, 100, noise_range_t=50, noise_pct=0.01)
    with pytest.raises(ValueError, match=r"noise_range_t.*\[5\]"):
        timm.CosineLRScheduler(1.0, 100, noise_range_t=[5])
    with pytest.raises(ValueError, match=r"k_decay.*ZeroDivisionError.*-1\.0"):
        timm.CosineLRScheduler(1.0, 100, k_decay=-1.0)
    with pytest.raises(ValueError, match="not expressible"):
        timm.PolyLRScheduler(1.0, 100, power=-1.0)
    with pytest.raises(ValueError, match=r"TanhLRScheduler.*warmup_t.*-3"):
        timm.TanhLRScheduler(1.0, 100, warmup_t=-3)


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
