"""``lrdecay.compat.torch`` against PyTorch's own schedulers, run in this process.

Each schedule is compared with the param group's ``lr`` after ``k`` calls of ``scheduler.step()``
on a fresh one-parameter SGD, for every ``k`` over the whole horizon and past it. Both are
``float64``: they agree within :data:`TIGHT` of the scale (the largest rate seen), except where
``docs/frameworks.md`` documents PyTorch's recursion drifting (``CosineAnnealingLR`` past
``T_max``: up to about ``4e-17 T_max**2`` of the scale). Parameters come from Hypothesis over the
whole range PyTorch accepts; what PyTorch refuses (or crashes on) lrdecay refuses with its own
message.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
import pytest
from frameworks import require
from hypothesis import given
from hypothesis import strategies as st

from lrdecay import Schedule
from lrdecay.compat import torch as pt

TIGHT = 1e-12
PAST = 25
"""Steps checked past the horizon."""


@pytest.fixture(scope="module", autouse=True)
def _torch() -> None:
    require("torch")


def torch_rates(
    name: str, params: dict[str, Any], steps: int, lr: float = 1.0
) -> tuple[list[float], BaseException | None]:
    """The group's ``lr`` after 0..steps calls of ``step()`` (stopping at PyTorch's first error)."""
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    schedulers = torch.optim.lr_scheduler

    def build(name: str, params: dict[str, Any]) -> Any:
        if name in ("SequentialLR", "ChainedScheduler"):
            members = [build(n, p) for n, p in params["schedulers"]]
            rest = {k: v for k, v in params.items() if k != "schedulers"}
            if name == "SequentialLR":
                return schedulers.SequentialLR(optimizer, members, **rest)
            return schedulers.ChainedScheduler(members)
        return getattr(schedulers, name)(optimizer, **params)

    rates: list[float] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scheduler = build(name, params)
            rates.append(float(optimizer.param_groups[0]["lr"]))
            for _ in range(steps):
                scheduler.step()  # optimizer.step() first would only cost time
                rates.append(float(optimizer.param_groups[0]["lr"]))
        except (ValueError, ZeroDivisionError, TypeError, OverflowError) as error:
            return rates, error
    return rates, None


def terms(params: dict[str, Any]) -> list[float]:
    """The rates among the parameters, members' included."""
    found = [abs(params[key]) for key in ("eta_min", "base_lr", "max_lr") if key in params]
    for _, member in params.get("schedulers", []):
        found += terms(member)
    return found


def ours(name: str, params: dict[str, Any], lr: float = 1.0) -> Schedule:
    if name in ("SequentialLR", "ChainedScheduler"):
        members = [ours(n, p, lr) for n, p in params["schedulers"]]
        rest = {k: v for k, v in params.items() if k != "schedulers"}
        schedule = getattr(pt, name)(members, **rest)
    else:
        extra = {} if name in ("CyclicLR", "OneCycleLR") else {"lr": lr}
        schedule = getattr(pt, name)(**params, **extra)
    assert isinstance(schedule, Schedule)
    return schedule


def compare(
    name: str,
    params: dict[str, Any],
    steps: int,
    lr: float = 1.0,
    drift: float = 0.0,
    scale: float = 0.0,
) -> None:
    """Ours against PyTorch over ``0..steps`` (and past PyTorch's last step, where we hold)."""
    expected, error = torch_rates(name, params, steps, lr)
    schedule = ours(name, params, lr)
    assert expected, f"PyTorch refused {name}({params}): {error!r}"
    horizon = len(expected) - 1
    got = schedule(np.arange(horizon + PAST + 1))
    # relative to the largest term of the formula (PyTorch rounds eta_min + (lr - eta_min) ...)
    scale = max(abs(v) for v in [*expected, *terms(params), scale]) + 1e-300
    for k, want in enumerate(expected):
        where = f"{name}({params}, lr={lr}) at step {k}: torch {want!r}, lrdecay {got[k]!r}"
        if math.isinf(want) or abs(want) > 1e300:
            continue
        assert abs(got[k] - want) <= (TIGHT + drift) * scale, where
        if k % 17 == 0 or k == horizon:
            assert abs(schedule(k) - want) <= (TIGHT + drift) * scale, where
    if error is not None:  # PyTorch raises from here on (OneCycleLR past total_steps): we hold
        held = np.abs(got[horizon:] - got[horizon]) <= TIGHT * scale
        assert held.all(), f"{name}({params}) past step {horizon}"


lrs = st.one_of(st.floats(1e-6, 10.0), st.sampled_from([0.1, 1.0, 0.0]))
gammas = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.1, 0.5, 0.9, 0.0, -0.5, 1.05]))
factors = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1.0, 1.0 / 3]))
iters = st.one_of(st.integers(1, 60), st.sampled_from([0, -3, 1]))


@st.composite
def parameters(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], int]:
    """Parameters PyTorch accepts with finite rates, and a horizon past their interesting part."""
    if name == "StepLR":
        size = draw(st.one_of(st.integers(1, 40), st.sampled_from([-3, 1])))
        return {"step_size": size, "gamma": draw(gammas)}, 6 * abs(size) + 10
    if name == "MultiStepLR":
        marks = draw(st.lists(st.integers(-3, 120), max_size=6))
        return {"milestones": marks, "gamma": draw(gammas)}, 150
    if name == "ConstantLR":
        total = draw(iters)
        factor = draw(factors)
        if total > 0 and factor < 1e-290:  # 0 is refused; PyTorch's lr * f / f loses subnormals
            factor = 0.25
        return {"factor": factor, "total_iters": total}, max(total, 0) + 20
    if name == "LinearLR":
        total = draw(iters)
        start = draw(st.one_of(st.floats(1e-3, 1.0), st.sampled_from([1.0, 1.0 / 3])))
        return {"start_factor": start, "end_factor": draw(factors), "total_iters": total}, 80
    if name == "ExponentialLR":
        return {"gamma": draw(st.one_of(gammas, st.floats(0.9, 1.1)))}, 300
    if name == "PolynomialLR":
        total = draw(iters)
        power = draw(st.one_of(st.floats(0.0, 5.0), st.sampled_from([0.0, 0.5, 1.0, 2.0])))
        return {"total_iters": total, "power": power}, 80
    if name == "CosineAnnealingLR":
        t = draw(st.one_of(st.integers(1, 200), st.sampled_from([1, 2, -7, 1000])))
        eta_min = draw(st.one_of(st.just(0.0), st.floats(0.0, 1e-3), st.floats(-0.1, 2.0)))
        return {"T_max": t, "eta_min": eta_min}, min(5 * abs(t) + 3, 2200)
    if name == "CosineAnnealingWarmRestarts":
        t0 = draw(st.integers(1, 60))
        mult = draw(st.sampled_from([1, 2, 3]))
        return (
            {"T_0": t0, "T_mult": mult, "eta_min": draw(st.floats(0.0, 0.5))},
            min(t0 * (1 + mult + mult**2) + 5, 1500),
        )
    if name == "CyclicLR":
        base = draw(st.floats(0.0, 1.0))
        up = draw(st.one_of(st.integers(1, 40), st.floats(0.5, 40.0)))
        down = draw(st.one_of(st.none(), st.integers(0, 40), st.floats(0.5, 40.0)))
        mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
        params = {
            "base_lr": base,
            "max_lr": draw(st.floats(0.0, 2.0)),
            "step_size_up": up,
            "step_size_down": down,
            "mode": mode,
            "gamma": draw(st.floats(0.95, 1.0)),
        }
        return params, int(5 * (up + (up if down is None else down))) + 5
    if name == "OneCycleLR":
        total = draw(st.integers(2, 300))
        strategy = draw(st.sampled_from(["cos", "linear"]))
        pct = draw(st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.3, 0.25, 0.5, 1.0])))
        if strategy == "cos":
            pct = max(pct, 1.5 / total)
        if abs(pct * total - 1) < 1e-9 or abs(2 * pct * total - 2 - (total - 1)) < 1e-9:
            pct = min(1.0, pct + 0.5 / total)
        params = {
            "max_lr": draw(st.floats(1e-4, 10.0)),
            "total_steps": total,
            "pct_start": float(pct),
            "anneal_strategy": strategy,
            "div_factor": draw(st.sampled_from([25.0, 1.0, 10.0, 0.5])),
            "final_div_factor": draw(st.sampled_from([1e4, 1.0, 100.0])),
            "three_phase": draw(st.booleans()),
        }
        return params, total + 5
    raise AssertionError(name)


SIMPLE = [
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "OneCycleLR",
]
MULTIPLICATIVE = [
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
]


@pytest.mark.parametrize("name", SIMPLE)
@given(data=st.data())
def test_matches_pytorch(name: str, data: st.DataObject) -> None:
    params, steps = data.draw(parameters(name))
    lr = data.draw(lrs)
    drift = 0.0
    if name == "CosineAnnealingLR":  # PyTorch's recursion on the rising halves (documented)
        drift = 1e-16 * params["T_max"] ** 2
    compare(name, params, steps, lr, drift)


@st.composite
def members(draw: st.DrawFn, names: list[str]) -> list[tuple[str, dict[str, Any]]]:
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    result = []
    for name in chosen:
        params, _ = draw(parameters(name))
        # PyTorch restarts a later member from its closed form, which differs from the member
        # alone for degenerate ones (documented): keep them regular.
        if "total_iters" in params:
            params["total_iters"] = max(params["total_iters"], 1)
            if name == "ConstantLR" and params["factor"] == 0:
                params["factor"] = 0.5
        if name == "MultiStepLR":
            params["milestones"] = [m for m in params["milestones"] if m > 0]
        for key in ("gamma", "factor", "start_factor", "end_factor"):
            # PyTorch's running product underflows where lrdecay's does not (documented)
            if key in params and 0 < abs(params[key]) < 1e-100:
                params[key] = 1e-100
        result.append((name, params))
    return result


@given(data=st.data())
def test_sequential_matches_pytorch(data: st.DataObject) -> None:
    names = [n for n in SIMPLE if n not in ("CyclicLR", "OneCycleLR")]
    chosen = data.draw(members(names))
    marks = sorted(
        data.draw(st.lists(st.integers(-2, 60), min_size=len(chosen) - 1, max_size=len(chosen) - 1))
    )
    params = {"schedulers": chosen, "milestones": marks}
    for member, p in chosen:
        if member == "CosineAnnealingLR":
            p["T_max"] = min(abs(p["T_max"]), 100)
    compare("SequentialLR", params, 150, data.draw(lrs))


@given(data=st.data())
def test_chained_matches_pytorch(data: st.DataObject) -> None:
    chosen = data.draw(members(MULTIPLICATIVE))
    lr = data.draw(lrs)
    # each member's rounding is relative to its own factor: the chain's scale is their product
    scale = lr
    for name, params in chosen:
        scale *= float(np.max(np.abs(ours(name, params, 1.0)(np.arange(121)))))
    compare("ChainedScheduler", {"schedulers": chosen}, 120, lr, scale=scale)


def test_quirks() -> None:
    """A few values stated in the docs, against PyTorch."""
    compare("CosineAnnealingLR", {"T_max": 10}, 45)  # periodic, not held
    compare("MultiStepLR", {"milestones": [0, 3, 3, 2.5, -1], "gamma": 0.5}, 10)
    compare("ConstantLR", {"factor": 0.5, "total_iters": 0}, 10)
    compare("StepLR", {"step_size": -3, "gamma": 0.5}, 12)
    compare("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "pct_start": 1.0}, 12)
    compare(
        "OneCycleLR",
        {"max_lr": 1.0, "total_steps": 10, "pct_start": 0.0, "anneal_strategy": "linear"},
        12,
    )
    compare("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 3, "step_size_down": 0}, 12)


REFUSED = [
    ("StepLR", {"step_size": 0}, "step_size"),
    ("ConstantLR", {"factor": 1.5}, "factor"),
    ("ConstantLR", {"factor": 0.0, "total_iters": 3}, "factor"),
    ("ConstantLR", {"factor": 1e-310, "total_iters": 3}, "factor"),
    ("LinearLR", {"start_factor": 0.0}, "start_factor"),
    ("LinearLR", {"end_factor": -0.1}, "end_factor"),
    ("PolynomialLR", {"total_iters": 3, "power": -1.0}, "power"),
    ("CosineAnnealingLR", {"T_max": 0}, "T_max"),
    ("CosineAnnealingWarmRestarts", {"T_0": 0}, "T_0"),
    ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 0}, "T_mult"),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 0}, "step_size_up"),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "mode": "linear"}, "mode"),
    ("OneCycleLR", {"max_lr": 1.0}, "total_steps"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 0}, "total_steps"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "pct_start": 1}, "pct_start"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "pct_start": 0.1}, "pct_start"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "anneal_strategy": "cosine"}, "anneal"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "div_factor": 0.0}, "div_factor"),
]


@pytest.mark.parametrize(("name", "params", "parameter"), REFUSED)
def test_refuses_what_pytorch_refuses(name: str, params: dict[str, Any], parameter: str) -> None:
    """PyTorch raises or gives inf (at construction or within a few steps); lrdecay refuses and
    names the parameter."""
    rates, error = torch_rates(name, params, 20)
    broken = error is not None or not all(math.isfinite(r) for r in rates)
    assert broken, f"PyTorch gives finite rates for {name}({params}): {rates}"
    with pytest.raises((ValueError, TypeError), match=f"{name}.*{parameter}"):
        ours(name, params)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: pt.StepLR(10, lr=[0.1, 0.2]),  # type: ignore[arg-type]
            "StepLR: lr must be one number",
        ),
        (lambda: pt.StepLR(10, last_epoch=5, lr=0.1), "StepLR: last_epoch must be -1"),
        (lambda: pt.ExponentialLR(0.5, lr=-0.1), "ExponentialLR: lr must be >= 0"),
        (
            lambda: pt.StepLR(2.5, lr=0.1),  # type: ignore[arg-type]
            "StepLR: step_size must be an integer",
        ),
        (lambda: pt.CyclicLR(0.1, 1.0, scale_fn=abs), "CyclicLR: scale_fn is not supported"),
        (
            lambda: pt.ChainedScheduler([pt.CosineAnnealingLR(10, lr=0.1)]),
            r"ChainedScheduler: schedulers\[0\] must be a multiplicative",
        ),
        (
            lambda: pt.ChainedScheduler([pt.StepLR(3, lr=0.1), pt.StepLR(3, lr=0.2)]),
            "same lr",
        ),
        (
            lambda: pt.SequentialLR([pt.StepLR(3, lr=0.1)], milestones=[3]),
            "one entry fewer",
        ),
        (
            lambda: pt.SequentialLR(
                [pt.StepLR(3, lr=0.1), pt.StepLR(3, lr=0.1), pt.StepLR(3, lr=0.1)], [5, 2]
            ),
            "must be sorted",
        ),
    ],
)
def test_errors_name_the_parameter(call: Any, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_negative_lr_is_refused_by_pytorch_too() -> None:
    import torch

    with pytest.raises(ValueError, match="Invalid learning rate"):
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=-0.1)


def test_imports_no_torch() -> None:
    import subprocess
    import sys

    code = "import sys, lrdecay.compat.torch; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_one_cycle_grid() -> None:
    """OneCycleLR over a grid of short runs: fractional and integer phase ends, phases of one step,
    a last phase of no or negative length, pct_start at 0 and 1 (a cosine started part-way through
    its phase). Refused only where PyTorch divides by zero at step 0."""
    for total in (2, 3, 5, 7, 10, 11, 16, 33):
        for pct in (0.0, 0.05, 0.1, 0.25, 0.3, 0.33, 0.45, 0.5, 0.55, 0.6, 0.7, 0.9, 1.0):
            for three, strategy in itertools.product((False, True), ("cos", "linear")):
                params = {
                    "max_lr": 1.0,
                    "total_steps": total,
                    "pct_start": pct,
                    "three_phase": three,
                    "anneal_strategy": strategy,
                    "div_factor": 10.0,
                    "final_div_factor": 5.0,
                }
                try:
                    ours("OneCycleLR", params)
                except ValueError:
                    expected, error = torch_rates("OneCycleLR", params, 0)
                    assert not expected and isinstance(error, ZeroDivisionError), params
                    continue
                compare("OneCycleLR", params, total + 3)


def test_one_cycle_cosine_starting_part_way() -> None:
    # pct_start * total_steps < 1: PyTorch's first phase ends before step 0, so its cosine
    # second phase starts part-way through (lrdecay: a Shift-ed cosine); long runs too
    for total, pct in ((100, 0.005), (1000, 0.0), (37, 0.02), (5000, 0.0001)):
        for three in (False, True):
            params = {"max_lr": 0.5, "total_steps": total, "pct_start": pct, "three_phase": three}
            compare("OneCycleLR", params, total + 3)
