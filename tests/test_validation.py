"""Bad input, case by case, for every constructor in curves, combinators and compat.tf1.

Each case names a constructor, a parameter and a bad value, and expects the exception type and a
message that contains the parameter's name (as a whole word) and the received value. The cases are
generated from a table of each constructor's parameters and their kinds, so every parameter of
every constructor gets every bad value its kind admits.
"""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrdecay
from lrdecay import (
    Clip,
    Constant,
    Cosine,
    Exponential,
    GaussianNoise,
    InverseTime,
    Join,
    NaturalExponential,
    Piecewise,
    Polynomial,
    Product,
    Restarts,
    Shift,
    Sum,
    floor,
    hold,
    linear,
    scale,
    warmup,
)
from lrdecay.compat import tf1

NAN = float("nan")
INF = float("inf")

# --------------------------------------------------------------------------- parameter kinds
# Each kind lists (label, bad value, exception type).
NUMBER_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("str", "0.1", TypeError),
    ("None", None, TypeError),
    ("bool", True, TypeError),
    ("list", [0.1], TypeError),
    ("complex", 1j, TypeError),
    ("nan", NAN, ValueError),
    ("inf", INF, ValueError),
    ("-inf", -INF, ValueError),
    ("numpy-nan", np.float64("nan"), ValueError),
]
POSITIVE_BAD: list[tuple[str, Any, type[Exception]]] = [
    *NUMBER_BAD,
    ("zero", 0, ValueError),
    ("negative", -1.5, ValueError),
]
NONNEG_BAD: list[tuple[str, Any, type[Exception]]] = [
    *NUMBER_BAD,
    ("negative", -1, ValueError),
    ("tiny-negative", -1e-300, ValueError),
]
BOOL_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("int", 1, TypeError),
    ("str", "True", TypeError),
    ("None", None, TypeError),
    ("float", 0.0, TypeError),
]
INT_NONNEG_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("float", 1.0, TypeError),
    ("fractional", 1.5, TypeError),
    ("bool", True, TypeError),
    ("str", "3", TypeError),
    ("None", None, TypeError),
    ("negative", -1, ValueError),
]
INT_BAD: list[tuple[str, Any, type[Exception]]] = [  # any integer
    case for case in INT_NONNEG_BAD if case[0] != "negative"
]
SCHEDULE_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("str", "cosine", TypeError),
    ("None", None, TypeError),
    ("bool", True, TypeError),
    ("dict", {"type": "Constant", "value": 1}, TypeError),
    ("nan", NAN, ValueError),
]
SCHEDULES_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("schedule", Constant(1.0), TypeError),
    ("number", 1.0, TypeError),
    ("None", None, TypeError),
    ("item-str", [Constant(1.0), "x"], TypeError),
    ("item-None", [Constant(1.0), None], TypeError),
    ("item-nan", [Constant(1.0), NAN], ValueError),
]
SEQUENCE_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("str", "10,20", TypeError),
    ("number", 10, TypeError),
    ("None", None, TypeError),
    ("item-str", [10, "20"], TypeError),
    ("item-bool", [10, True], TypeError),
    ("item-nan", [10, NAN], ValueError),
    ("item-inf", [10, INF], ValueError),
]
DURATION_BAD: list[tuple[str, Any, type[Exception]]] = [
    *POSITIVE_BAD,
    ("below-minimum", 1e-7, ValueError),  # lrdecay._core.MIN_DURATION is 1e-6 steps
    ("subnormal", 1e-310, ValueError),
]
PERIODS_BAD: list[tuple[str, Any, type[Exception]]] = [
    *NONNEG_BAD,
    ("too-many", 2e6, ValueError),  # lrdecay._core.MAX_PERIODS is 1e6
    ("huge", 1e300, ValueError),
]
SIGNED_PERIODS_BAD: list[tuple[str, Any, type[Exception]]] = [  # TF1: |num_periods| counts
    *NUMBER_BAD,
    ("too-many", 2e6, ValueError),
    ("too-many-negative", -2e6, ValueError),
]
OPTIONAL_DURATION_BAD: list[tuple[str, Any, type[Exception]]] = [  # 0 turns the part off
    case for case in DURATION_BAD if case[0] != "zero"
]
CHOICE_BAD: list[tuple[str, Any, type[Exception]]] = [
    ("unknown", "nope", ValueError),
    ("None", None, TypeError),
    ("int", 3, TypeError),
]
FRACTION_BAD: list[tuple[str, Any, type[Exception]]] = [  # in (0, 1); None: not given
    *[case for case in NUMBER_BAD if case[1] is not None],
    ("zero", 0, ValueError),
    ("one", 1, ValueError),
    ("negative", -0.5, ValueError),
]
KINDS: dict[str, list[tuple[str, Any, type[Exception]]]] = {
    "choice": CHOICE_BAD,
    "fraction?": FRACTION_BAD,
    "duration|None": [case for case in DURATION_BAD if case[1] is not None],
    "duration?|None": [case for case in OPTIONAL_DURATION_BAD if case[1] is not None],
    "int>=1?": [
        *[case for case in INT_NONNEG_BAD if case[1] is not None],
        ("zero", 0, ValueError),
    ],
    "number": NUMBER_BAD,
    "duration": DURATION_BAD,
    "periods": PERIODS_BAD,
    "signed-periods": SIGNED_PERIODS_BAD,
    "duration?": OPTIONAL_DURATION_BAD,
    "number?": [case for case in NUMBER_BAD if case[1] is not None],  # None is valid
    "positive": POSITIVE_BAD,
    "nonneg": NONNEG_BAD,
    "bool": BOOL_BAD,
    "int>=0": INT_NONNEG_BAD,
    "int": INT_BAD,
    "schedule": SCHEDULE_BAD,
    "schedules": SCHEDULES_BAD,
    "sequence": SEQUENCE_BAD,
    "boundaries": [case for case in SEQUENCE_BAD if case[0] != "number"],  # TF: a lone int
}


@dataclass(frozen=True)
class Ctor:
    """A constructor, valid keyword arguments for it, and the kind of each parameter."""

    name: str
    fn: Callable[..., Any]
    valid: dict[str, Any]
    kinds: dict[str, str]


CS = Cosine(1.0, decay_steps=10)
CTORS = [
    Ctor("Constant", Constant, {"value": 0.1}, {"value": "number"}),
    Ctor(
        "Piecewise",
        Piecewise,
        {"boundaries": [10, 20], "values": [1.0, 0.5, 0.1]},
        {"boundaries": "sequence", "values": "sequence"},
    ),
    Ctor(
        "Polynomial",
        Polynomial,
        {"init_value": 1.0, "decay_steps": 100, "end_value": 0.0, "power": 2.0, "cycle": False},
        {
            "init_value": "number",
            "decay_steps": "duration",
            "end_value": "number",
            "power": "nonneg",
            "cycle": "bool",
        },
    ),
    Ctor(
        "linear",
        linear,
        {"init_value": 0.0, "end_value": 1.0, "steps": 10},
        {"init_value": "number", "end_value": "number", "steps": "duration"},
    ),
    Ctor(
        "Exponential",
        Exponential,
        {"init_value": 1.0, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
        {
            "init_value": "number",
            "decay_steps": "duration",
            "decay_rate": "number",  # negative whole powers: fine with staircase=True
            "staircase": "bool",
        },
    ),
    Ctor(
        "NaturalExponential",
        NaturalExponential,
        {"init_value": 1.0, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
        {
            "init_value": "number",
            "decay_steps": "duration",
            "decay_rate": "number",
            "staircase": "bool",
        },
    ),
    Ctor(
        "InverseTime",
        InverseTime,
        {"init_value": 1.0, "decay_steps": 10, "decay_rate": 0.5, "power": 1.0, "staircase": False},
        {
            "init_value": "number",
            "decay_steps": "duration",
            "decay_rate": "nonneg",
            "power": "number",
            "staircase": "bool",
        },
    ),
    Ctor(
        "Cosine",
        Cosine,
        {"init_value": 1.0, "decay_steps": 10, "end_value": 0.0, "num_periods": 0.5},
        {
            "init_value": "number",
            "decay_steps": "duration",
            "end_value": "number",
            "num_periods": "periods",
        },
    ),
    Ctor(
        "GaussianNoise",
        GaussianNoise,
        {"std": 0.1, "seed": 3},
        {"std": "schedule", "seed": "int>=0"},
    ),
    Ctor(
        "Join",
        Join,
        {"schedules": [CS, CS], "boundaries": [10]},
        {"schedules": "schedules", "boundaries": "sequence"},
    ),
    Ctor(
        "Restarts",
        Restarts,
        {
            "schedule": CS,
            "period_steps": 10,
            "period_factor": 2.0,
            "value_factor": 0.5,
            "max_cycles": 3,
        },
        {
            "schedule": "schedule",
            "period_steps": "duration",
            "period_factor": "number",
            "value_factor": "number",
            "max_cycles": "int>=1?",
        },
    ),
    Ctor(
        "Shift", Shift, {"schedule": CS, "steps": 2.5}, {"schedule": "schedule", "steps": "nonneg"}
    ),
    Ctor(
        "Warp",
        lrdecay.Warp,
        {"schedule": CS, "steps": 10, "power": 2.0},
        {"schedule": "schedule", "steps": "positive", "power": "nonneg"},
    ),
    Ctor(
        "Power",
        lrdecay.Power,
        {"schedule": CS, "exponent": 1.5},
        {"schedule": "schedule", "exponent": "nonneg"},
    ),
    Ctor(
        "TimmNoise",
        lrdecay.TimmNoise,
        {"seed": 42, "std": 1.0, "limit": 0.67},
        {"seed": "int", "std": "number", "limit": "positive"},
    ),
    Ctor(
        "Clip",
        Clip,
        {"schedule": CS, "min_value": 0.1, "max_value": 0.9},
        {"schedule": "schedule", "min_value": "number?", "max_value": "number?"},
    ),
    Ctor("Sum", Sum, {"schedules": [CS, CS]}, {"schedules": "schedules"}),
    Ctor("Product", Product, {"schedules": [CS, CS]}, {"schedules": "schedules"}),
    Ctor(
        "warmup",
        warmup,
        {"schedule": CS, "steps": 10, "init_value": 0.1, "shape": "cosine"},
        {"schedule": "schedule", "steps": "duration?", "init_value": "number", "shape": "choice"},
    ),
    Ctor(
        "hold",
        hold,
        {"schedule": CS, "steps": 10, "value": 0.5},
        {"schedule": "schedule", "steps": "duration?", "value": "number?"},
    ),
    Ctor(
        "scale",
        scale,
        {"schedule": CS, "factor": 0.5},
        {"schedule": "schedule", "factor": "number"},
    ),
    Ctor(
        "floor",
        floor,
        {"schedule": CS, "min_value": 0.5},
        {"schedule": "schedule", "min_value": "number"},
    ),
    # ----- issue 7: the modern schedules
    Ctor(
        "Ramp",
        lrdecay.Ramp,
        {"init_value": 0.0, "end_value": 1.0, "ramp_steps": 10, "shape": "power", "power": 2.0},
        {
            "init_value": "number",
            "end_value": "number",
            "ramp_steps": "duration",
            "shape": "choice",
            "power": "positive",
        },
    ),
    Ctor(
        "Tanh",
        lrdecay.Tanh,
        {"init_value": 1.0, "decay_steps": 10, "end_value": 0.0, "lower": -7.0, "upper": 3.0},
        {
            "init_value": "number",
            "decay_steps": "duration",
            "end_value": "number",
            "lower": "number",
            "upper": "number",
        },
    ),
    Ctor(
        "step_decay",
        lrdecay.step_decay,
        {"init_value": 1.0, "decay_steps": 10, "decay_rate": 0.5},
        {"init_value": "number", "decay_steps": "duration", "decay_rate": "number"},
    ),
    Ctor(
        "multistep",
        lrdecay.multistep,
        {"init_value": 1.0, "boundaries": [10, 20], "decay_rate": 0.5},
        {"init_value": "number", "boundaries": "sequence", "decay_rate": "number"},
    ),
    Ctor(
        "WSD",
        lrdecay.WSD,
        {
            "peak_value": 1.0,
            "warmup_steps": 10,
            "stable_steps": 80,
            "decay_steps": None,
            "decay_fraction": 0.1,
            "init_value": 0.0,
            "end_value": 0.0,
            "decay_shape": "cosine",
            "warmup_shape": "cosine",
        },
        {
            "peak_value": "number",
            "warmup_steps": "duration?",
            "stable_steps": "duration?|None",
            "decay_steps": "duration|None",
            "decay_fraction": "fraction?",
            "init_value": "number",
            "end_value": "number",
            "decay_shape": "choice",
            "warmup_shape": "choice",
        },
    ),
    Ctor(
        "OneCycle",
        lrdecay.OneCycle,
        {
            "init_value": 0.04,
            "peak_value": 1.0,
            "end_value": 0.0,
            "cycle_steps": 100,
            "warmup_steps": None,
            "warmup_fraction": None,
            "shape": "linear",
            "three_phase": True,
        },
        {
            "init_value": "number",
            "peak_value": "number",
            "end_value": "number",
            "cycle_steps": "duration",
            "warmup_steps": "duration|None",
            "warmup_fraction": "fraction?",
            "shape": "choice",
            "three_phase": "bool",
        },
    ),
    Ctor(
        "Cyclic",
        lrdecay.Cyclic,
        {
            "init_value": 0.1,
            "peak_value": 1.0,
            "up_steps": 10,
            "down_steps": 5,
            "mode": "exp_range",
            "gamma": 0.99,
        },
        {
            "init_value": "number",
            "peak_value": "number",
            "up_steps": "duration",
            "down_steps": "duration|None",
            "mode": "choice",
            "gamma": "positive",
        },
    ),
    Ctor(
        "burn_in",
        lrdecay.burn_in,
        {"schedule": CS, "steps": 10, "power": 4.0},
        {"schedule": "schedule", "steps": "duration?", "power": "positive"},
    ),
    Ctor(
        "with_floor",
        lrdecay.with_floor,
        {"schedule": CS, "floor_value": 0.1},
        {"schedule": "schedule", "floor_value": "number"},
    ),
    Ctor(
        "inverse_sqrt",
        lrdecay.inverse_sqrt,
        {"peak_value": 1.0, "warmup_steps": 10, "timescale": 100, "init_value": 0.0},
        {
            "peak_value": "number",
            "warmup_steps": "duration?",
            "timescale": "duration|None",
            "init_value": "number",
        },
    ),
    # ----- compat.tf1
    Ctor(
        "tf1.piecewise_constant",
        tf1.piecewise_constant,
        {"boundaries": [10, 20], "values": [1.0, 0.5, 0.1]},
        {"boundaries": "boundaries", "values": "sequence"},
    ),
    Ctor(
        "tf1.piecewise_constant_decay",
        tf1.piecewise_constant_decay,
        {"boundaries": [10, 20], "values": [1.0, 0.5, 0.1]},
        {"boundaries": "boundaries", "values": "sequence"},
    ),
    *[
        Ctor(
            f"tf1.{name}",
            getattr(tf1, name),
            {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5, "staircase": False},
            {
                "learning_rate": "number",
                "decay_steps": "duration",
                "decay_rate": rate_kind,
                "staircase": "bool",
            },
        )
        for name, rate_kind in (
            ("exponential_decay", "nonneg"),  # (staircase=False: no negative rate)
            ("natural_exp_decay", "number"),
            ("inverse_time_decay", "nonneg"),
        )
    ],
    Ctor(
        "tf1.polynomial_decay",
        tf1.polynomial_decay,
        {
            "learning_rate": 0.1,
            "decay_steps": 100,
            "end_learning_rate": 0.001,
            "power": 2.0,
            "cycle": True,
        },
        {
            "learning_rate": "number",
            "decay_steps": "duration",
            "end_learning_rate": "number",
            "power": "nonneg",
            "cycle": "bool",
        },
    ),
    Ctor(
        "tf1.cosine_decay",
        tf1.cosine_decay,
        {"learning_rate": 0.1, "decay_steps": 100, "alpha": 0.01},
        {"learning_rate": "number", "decay_steps": "duration", "alpha": "number"},
    ),
    Ctor(
        "tf1.linear_cosine_decay",
        tf1.linear_cosine_decay,
        {"learning_rate": 0.1, "decay_steps": 100, "num_periods": 2.0, "alpha": 0.0, "beta": 0.001},
        {
            "learning_rate": "number",
            "decay_steps": "duration",
            "num_periods": "signed-periods",
            "alpha": "number",
            "beta": "number",
        },
    ),
    Ctor(
        "tf1.noisy_linear_cosine_decay",
        tf1.noisy_linear_cosine_decay,
        {
            "learning_rate": 0.1,
            "decay_steps": 100,
            "initial_variance": 1.0,
            "variance_decay": 0.55,
            "num_periods": 0.5,
            "alpha": 0.0,
            "beta": 0.001,
            "seed": 0,
        },
        {
            "learning_rate": "number",
            "decay_steps": "duration",
            "initial_variance": "nonneg",
            "variance_decay": "number",
            "num_periods": "signed-periods",
            "alpha": "number",
            "beta": "number",
            "seed": "int>=0",
        },
    ),
    Ctor(
        "tf1.cosine_decay_restarts",
        tf1.cosine_decay_restarts,
        {"learning_rate": 0.1, "first_decay_steps": 100, "t_mul": 2.0, "m_mul": 0.5, "alpha": 0.0},
        {
            "learning_rate": "number",
            "first_decay_steps": "duration",
            "t_mul": "number",
            "m_mul": "number",
            "alpha": "number",
        },
    ),
    Ctor(
        "tf1.exponential_decay_with_burnin",
        tf1.exponential_decay_with_burnin,
        {
            "learning_rate_base": 0.1,
            "learning_rate_decay_steps": 100,
            "learning_rate_decay_factor": 0.9,
            "burnin_learning_rate": 0.01,
            "burnin_steps": 10,
            "min_learning_rate": 0.001,
            "staircase": True,
        },
        {
            "learning_rate_base": "number",
            "learning_rate_decay_steps": "duration",
            "learning_rate_decay_factor": "number",
            "burnin_learning_rate": "number",
            "burnin_steps": "int>=0",
            "min_learning_rate": "number",
            "staircase": "bool",
        },
    ),
    Ctor(
        "tf1.piecewise_with_warmup",
        tf1.piecewise_with_warmup,
        {"boundaries": [10, 20], "rates": [0.0, 0.1, 0.01], "warmup": True},
        {"boundaries": "sequence", "rates": "sequence", "warmup": "bool"},
    ),
    Ctor(
        "tf1.cosine_decay_with_warmup",
        tf1.cosine_decay_with_warmup,
        {
            "learning_rate_base": 0.1,
            "total_decay_steps": 1000,
            "alpha": 0.01,
            "warmup_learning_rate": 0.001,
            "warmup_steps": 100,
            "hold_base_rate_steps": 50,
        },
        {
            "learning_rate_base": "number",
            "total_decay_steps": "nonneg",
            "alpha": "number",
            "warmup_learning_rate": "number",
            "warmup_steps": "nonneg",
            "hold_base_rate_steps": "nonneg",
        },
    ),
]
BY_NAME = {c.name: c for c in CTORS}

# (constructor, parameter, label) triples where the generic expectation is known to fail, with
# the reason; each becomes a strict xfail. (Empty now: linear's `steps`, scale's `schedule` and
# floor's `min_value` used to be reported under Polynomial's, Product's and Clip's names.)
KNOWN_BAD: dict[tuple[str, str, str], str] = {}


def name_pattern(name: str) -> str:
    """The parameter's name as a whole identifier (not the tail of a longer one)."""
    return r"(?<![\w])" + re.escape(name) + r"(?![\w])"


def value_pattern(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return r"nan"
    if isinstance(value, list) and len(value) == 2:
        return re.escape(repr(value[1]))  # the offending item
    return re.escape(repr(value))


def generic_cases() -> list[Any]:
    cases = []
    for ctor in CTORS:
        for param, kind in ctor.kinds.items():
            bad_values: list[tuple[str, Any, type[Exception]]] = KINDS[kind]
            for label, bad, error in bad_values:
                case_id = f"{ctor.name}-{param}-{label}"
                marks = []
                reason = KNOWN_BAD.get((ctor.name, param, label))
                if reason is not None:
                    marks.append(pytest.mark.xfail(reason=reason, strict=True))
                cases.append(pytest.param(ctor, param, bad, error, id=case_id, marks=marks))
    return cases


@pytest.mark.parametrize(("ctor", "param", "bad", "error"), generic_cases())
def test_bad_parameter(ctor: Ctor, param: str, bad: Any, error: type[Exception]) -> None:
    kwargs = {**ctor.valid, param: bad}
    with pytest.raises(error) as info:
        ctor.fn(**kwargs)
    message = str(info.value)
    # the function a user called, as the message says (an alias speaks for the function it is)
    owner = ctor.name.removeprefix("tf1.").removesuffix(
        "_decay" if "piecewise" in ctor.name else ""
    )
    assert message.startswith(f"{owner}: "), f"not said to come from {owner}: {message}"
    assert re.search(name_pattern(param), message), f"{param!r} not named in: {message}"
    assert re.search(value_pattern(bad), message), f"{bad!r} not shown in: {message}"


def test_valid_arguments_of_the_table_are_valid() -> None:
    for ctor in CTORS:
        schedule = ctor.fn(**ctor.valid)
        assert math.isfinite(schedule(5))


def test_table_covers_every_parameter_of_every_constructor() -> None:
    public = {
        name: getattr(lrdecay, name)
        for name in lrdecay.__all__
        if name not in {"Schedule", "dumps", "loads", "to_config", "from_config", "__version__"}
        # the spec language and plotting: tested in test_spec.py and tests/viz
        and name not in {"SpecError", "load", "parse", "to_spec", "plot"}
        # not schedule constructors: validated in test_units.py and test_combinators.py
        and name not in {"Plateau", "Clock", "Duration", "epochs", "fraction", "steps"}
        # training helpers, not schedules: validated in test_scaling.py and test_lr_finder.py
        and name not in {"TrainingPlan", "scale_lr", "HorizonWarning", "find_lr", "LRFinderResult"}
    }
    public.update({f"tf1.{name}": getattr(tf1, name) for name in tf1.__all__})
    assert set(public) == set(BY_NAME)
    steps = {"x", "global_step", "name"}  # tf1's step and name scope: not configuration
    for name, fn in public.items():
        params = set(inspect.signature(fn).parameters) - (
            steps if name.startswith("tf1.") else set()
        )
        assert params == set(BY_NAME[name].kinds), name


# --------------------------------------------------------------------------- specific cases
SPECIFIC: list[Any] = [
    # lengths and orderings
    pytest.param(Piecewise, {"boundaries": [10, 10], "values": [1, 2, 3]}, ValueError,
                 ["boundaries", r"\[10, 10\]"], id="Piecewise-boundaries-repeated"),
    pytest.param(Piecewise, {"boundaries": [20, 10], "values": [1, 2, 3]}, ValueError,
                 ["boundaries", r"\[20, 10\]"], id="Piecewise-boundaries-decreasing"),
    pytest.param(Piecewise, {"boundaries": [-1, 10], "values": [1, 2, 3]}, ValueError,
                 [r"boundaries\[0\]", "-1"], id="Piecewise-boundaries-negative"),
    pytest.param(Piecewise, {"boundaries": [10, 20], "values": [1, 2]}, ValueError,
                 ["values", "2 values", "2 boundaries"], id="Piecewise-values-too-short"),
    pytest.param(Piecewise, {"boundaries": [10], "values": [1, 2, 3]}, ValueError,
                 ["values", "3 values", "1 boundaries"], id="Piecewise-values-too-long"),
    pytest.param(Piecewise, {"boundaries": [], "values": []}, ValueError,
                 ["values", "0 values"], id="Piecewise-empty"),
    pytest.param(Join, {"schedules": [CS, CS], "boundaries": [0]}, ValueError,
                 [r"boundaries\[0\]", "0"], id="Join-boundary-zero"),
    pytest.param(Join, {"schedules": [CS, CS, CS], "boundaries": [10, 5]}, ValueError,
                 ["boundaries", r"\[10, 5\]"], id="Join-boundaries-decreasing"),
    pytest.param(Join, {"schedules": [CS, CS, CS], "boundaries": [10, 10]}, ValueError,
                 ["boundaries", r"\[10, 10\]"], id="Join-boundaries-repeated"),
    pytest.param(Join, {"schedules": [CS, CS], "boundaries": [5, 10]}, ValueError,
                 ["schedules", "2 schedules", "2 boundaries"], id="Join-too-few-schedules"),
    pytest.param(Join, {"schedules": [], "boundaries": []}, ValueError,
                 ["schedules", "0 schedules"], id="Join-empty"),
    pytest.param(Sum, {"schedules": []}, ValueError, ["schedules", r"\[\]"], id="Sum-empty"),
    pytest.param(Product, {"schedules": ()}, ValueError, ["schedules", r"\[\]"],
                 id="Product-empty"),
    pytest.param(Restarts, {"schedule": CS, "period_steps": 10, "period_factor": 0.5},
                 ValueError, ["period_factor", "0.5"], id="Restarts-period_factor-below-1"),
    pytest.param(Restarts, {"schedule": CS, "period_steps": 10, "period_factor": 0},
                 ValueError, ["period_factor", "0"], id="Restarts-period_factor-zero"),
    pytest.param(Restarts, {"schedule": CS, "period_steps": 10, "period_factor": -2.0},
                 ValueError, ["period_factor", "-2.0"], id="Restarts-period_factor-negative"),
    pytest.param(Clip, {"schedule": CS}, ValueError, ["min_value", "max_value"],
                 id="Clip-no-bounds"),
    pytest.param(Clip, {"schedule": CS, "min_value": 0.5, "max_value": 0.1}, ValueError,
                 ["min_value=0.5", "max_value=0.1"], id="Clip-min-above-max"),
    pytest.param(GaussianNoise, {"std": 0.1, "seed": 2.0}, TypeError, ["seed", "2.0"],
                 id="GaussianNoise-seed-float"),
    # compat.tf1: the seed's and TensorFlow's own constraints
    pytest.param(tf1.piecewise_constant, {"boundaries": [10.0], "values": [1.0, 2.0]},
                 TypeError, [r"boundaries\[0\]", "10.0"], id="tf1.piecewise_constant-float"),
    pytest.param(tf1.piecewise_constant, {"boundaries": [20, 10], "values": [1, 2, 3]},
                 ValueError, ["boundaries", r"\[20, 10\]"], id="tf1.piecewise_constant-order"),
    pytest.param(tf1.piecewise_constant, {"boundaries": [10, 5, 5], "values": [1, 2, 3, 4]},
                 ValueError, ["boundaries", "non-decreasing", r"\[10, 5, 5\]"],
                 id="tf1.piecewise_constant-decreasing"),
    pytest.param(tf1.piecewise_constant, {"boundaries": [10], "values": [1, 2, 3]},
                 ValueError, ["values", "3 values", "1 boundaries"],
                 id="tf1.piecewise_constant-lengths"),
    pytest.param(tf1.piecewise_with_warmup, {"boundaries": [0, 10], "rates": [1.0, 2.0, 3.0]},
                 ValueError, [r"boundaries\[0\]", r"\[0, 10\]"],
                 id="tf1.piecewise_with_warmup-first-zero"),
    pytest.param(tf1.piecewise_with_warmup, {"boundaries": [10, 10], "rates": [1.0, 2.0, 3.0]},
                 ValueError, ["boundaries", r"\[10, 10\]"],
                 id="tf1.piecewise_with_warmup-not-increasing"),
    pytest.param(tf1.piecewise_with_warmup, {"boundaries": [10, 20], "rates": [1.0, 2.0]},
                 ValueError, ["rates", "2 rates", "2 boundaries"],
                 id="tf1.piecewise_with_warmup-lengths"),
    pytest.param(tf1.piecewise_with_warmup, {"boundaries": [-3, 20], "rates": [1.0, 2.0, 3.0]},
                 ValueError, [r"boundaries\[0\]", "-3"],
                 id="tf1.piecewise_with_warmup-negative"),
    pytest.param(tf1.piecewise_with_warmup, {"boundaries": [10.5], "rates": [1.0, 2.0]},
                 TypeError, [r"boundaries\[0\]", "10.5"],
                 id="tf1.piecewise_with_warmup-fractional"),
    pytest.param(tf1.cosine_decay_restarts, {"learning_rate": 0.1, "first_decay_steps": 10,
                 "t_mul": 0.5}, ValueError, ["t_mul", "0.5"], id="tf1.restarts-t_mul-below-1"),
    pytest.param(tf1.cosine_decay_restarts, {"learning_rate": 0.1, "first_decay_steps": 10,
                 "t_mul": 0.0}, ValueError, ["t_mul", "0.0"], id="tf1.restarts-t_mul-zero"),
    pytest.param(tf1.cosine_decay_restarts, {"learning_rate": 0.1, "first_decay_steps": -10},
                 ValueError, ["first_decay_steps", "-10"], id="tf1.restarts-negative-length"),
    pytest.param(tf1.exponential_decay, {"learning_rate": 0.1, "decay_steps": 10,
                 "decay_rate": -0.5}, ValueError, ["decay_rate", "-0.5", "staircase"],
                 id="tf1.exponential-negative-rate-continuous"),
    pytest.param(tf1.polynomial_decay, {"learning_rate": 0.1, "decay_steps": 10, "power": -1.0},
                 ValueError, ["power", "-1.0"], id="tf1.polynomial-negative-power"),
    pytest.param(tf1.cosine_decay_with_warmup, {"learning_rate_base": 0.01,
                 "total_decay_steps": 100, "warmup_learning_rate": 0.1, "warmup_steps": 10},
                 ValueError, ["learning_rate_base=0.01", "warmup_learning_rate=0.1"],
                 id="tf1.cosine_warmup-base-below-warmup-lr"),
    pytest.param(tf1.cosine_decay_with_warmup, {"learning_rate_base": 0.1,
                 "total_decay_steps": 100, "warmup_steps": 100},
                 ValueError, ["total_decay_steps=100", "warmup_steps=100",
                              "hold_base_rate_steps=0"], id="tf1.cosine_warmup-no-cosine-length"),
    pytest.param(tf1.cosine_decay_with_warmup, {"learning_rate_base": 0.1,
                 "total_decay_steps": -1},
                 ValueError, ["total_decay_steps", "-1"], id="tf1.cosine_warmup-total-negative"),
    pytest.param(tf1.cosine_decay_with_warmup, {"learning_rate_base": 0.1,
                 "total_decay_steps": 100, "warmup_steps": -10},
                 ValueError, ["warmup_steps", "-10"], id="tf1.cosine_warmup-warmup-negative"),
    pytest.param(tf1.exponential_decay_with_burnin, {"learning_rate_base": 0.1,
                 "learning_rate_decay_steps": 10, "learning_rate_decay_factor": 0.9,
                 "burnin_steps": -100}, ValueError, ["burnin_steps", "-100"],
                 id="tf1.burnin-steps-negative"),
    pytest.param(tf1.exponential_decay_with_burnin, {"learning_rate_base": 0.1,
                 "learning_rate_decay_steps": 10, "learning_rate_decay_factor": 0.9,
                 "burnin_steps": 2.5}, TypeError, ["burnin_steps", "2.5"],
                 id="tf1.burnin-steps-fractional"),
]  # fmt: skip


@pytest.mark.parametrize(("fn", "kwargs", "error", "patterns"), SPECIFIC)
def test_specific_bad_input(
    fn: Callable[..., Any], kwargs: dict[str, Any], error: type[Exception], patterns: list[str]
) -> None:
    with pytest.raises(error) as info:
        fn(**kwargs)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), f"{pattern!r} not in: {info.value}"


def test_base_below_warmup_rate_is_fine_without_warmup() -> None:
    # The original checks learning_rate_base >= warmup_learning_rate only when warming up.
    s = tf1.cosine_decay_with_warmup(None, 0.01, 100, warmup_learning_rate=0.1, warmup_steps=0)
    assert s(0) == 0.01


# --------------------------------------------------------------------------- unknown keywords
@pytest.mark.parametrize("ctor", CTORS, ids=[c.name for c in CTORS])
def test_unknown_keyword_is_a_type_error_naming_it(ctor: Ctor) -> None:
    for bogus in ("decay_step", "lr", "name", "global_step"):
        if bogus in ctor.valid or bogus in inspect.signature(ctor.fn).parameters:
            continue
        with pytest.raises(TypeError, match=re.escape(bogus)):
            ctor.fn(**ctor.valid, **{bogus: 1})


def test_framework_names_are_not_core_names() -> None:
    with pytest.raises(TypeError, match="learning_rate"):
        Cosine(learning_rate=0.1, decay_steps=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="T_max"):
        Cosine(1.0, T_max=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="init_value"):
        tf1.cosine_decay(init_value=0.1, decay_steps=10)  # type: ignore[call-arg]


# ------------------------------------------------------------------------- natural_exp_decay range
@pytest.mark.parametrize("k", [800.0, 1e300, 1e-7, -1e-7])
def test_natural_exp_decay_takes_every_rate(k: float) -> None:
    """TensorFlow takes any ``k`` (``exp(-k p)``): so do we, exact for tiny ``k`` too.
    (Regression: ``k=800`` was refused, and ``k=1e-7`` lost digits in ``exp(-k)``, a double close
    to 1, which a step of ``10**8`` multiplied to 1e-9 relative.)"""
    s = tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=k)
    assert s(0) == 1.0
    for step in (5, 10, 10**8):
        truth = mpmath.exp(-mpmath.mpf(k) * step / 10)
        assert s(step) == pytest.approx(float(truth), rel=1e-13, abs=1e-300), step


def test_natural_exp_decay_grows_to_inf_for_large_negative_rates() -> None:
    s = tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=-800.0)
    assert s(0) == 1.0
    assert s(10) == math.inf


@pytest.mark.parametrize("k", [700.0, -700.0, 0.0])
def test_natural_exp_decay_rates_up_to_700(k: float) -> None:
    s = tf1.natural_exp_decay(1.0, decay_steps=10, decay_rate=k)
    assert s(0) == 1.0
    assert s(5) == pytest.approx(math.exp(-k / 2), rel=1e-12)
    assert s(10) == pytest.approx(math.exp(-k), rel=1e-12)


# --------------------------------------------------------------------------- extreme valid input
big = st.floats(min_value=-1e12, max_value=1e12)
lengths = st.one_of(
    st.integers(1, 10**12), st.floats(1.0, 1e12), st.sampled_from([1e-6, 1e-3, 0.5])
)
fractions_ = st.floats(min_value=1e-12, max_value=1.0)
probe = np.array([0, 1, 2, 99, 10**6, 10**9, 2**31, 2**40, 2**52 + 1, 2**53])


def assert_finite(schedule: Any) -> None:
    assert np.isfinite(schedule(probe)).all(), schedule
    for t in (0, 1, 10**6, 2**53):
        assert math.isfinite(schedule(t)), (schedule, t)


@given(lr=big, end=big, d=lengths, f=fractions_, power=st.floats(1e-3, 1e3), flag=st.booleans())
def test_extreme_valid_curves_are_finite(
    lr: float, end: float, d: float, f: float, power: float, flag: bool
) -> None:
    for s in (
        Constant(lr),
        Piecewise([d, 2 * d], [lr, end, 0.0]),
        Polynomial(lr, d, end, power=power, cycle=flag and float(d).is_integer()),
        linear(lr, end, d),
        Exponential(lr, d, f, staircase=flag),
        InverseTime(lr, d, 1 / f, power=power, staircase=flag),
        Cosine(lr, d, end, num_periods=power),
        GaussianNoise(abs(lr), seed=2**63),
    ):
        assert_finite(s)


@given(lr=big, d=lengths, f=fractions_, g=st.floats(1.0, 1e3), flag=st.booleans())
def test_extreme_valid_combinators_are_finite(
    lr: float, d: float, f: float, g: float, flag: bool
) -> None:
    inner = Cosine(lr, d)
    for s in (
        Join([inner, Exponential(lr, d, f, flag)], [d]),
        Restarts(inner, d, period_factor=g, value_factor=f),
        Clip(inner, min_value=-abs(lr) * f, max_value=abs(lr)),
        Sum((inner, Constant(lr))),
        Product((inner, Constant(f))),
        warmup(inner, d, lr),
        hold(inner, d),
        scale(inner, f),
        floor(inner, lr * f),
    ):
        assert_finite(s)


@given(
    lr=st.floats(-10.0, 10.0),
    d=lengths,
    f=fractions_,
    big_int=st.integers(1, 10**12),
    flag=st.booleans(),
    seed=st.integers(0, 2**64 - 1),
)
def test_extreme_valid_tf1_is_finite(
    lr: float, d: float, f: float, big_int: int, flag: bool, seed: int
) -> None:
    for s in (
        tf1.piecewise_constant(None, [big_int], [lr, lr * f]),
        tf1.exponential_decay(lr, None, d, f, flag),
        tf1.natural_exp_decay(lr, None, d, f * 700, flag),
        tf1.inverse_time_decay(lr, None, d, 1 / f, flag),
        tf1.polynomial_decay(lr, None, d, lr * f, 1 / f, flag and float(d).is_integer()),
        tf1.cosine_decay(lr, None, d, f),
        tf1.linear_cosine_decay(lr, None, d, min(1 / f, 1e6), f, f),
        tf1.noisy_linear_cosine_decay(lr, None, d, 1 / f, f, min(1 / f, 1e6), f, f, seed=seed),
        tf1.cosine_decay_restarts(lr, None, d, min(1 + 1 / f, 1e6), f, f),
        tf1.exponential_decay_with_burnin(None, lr, d, f, lr * f, big_int, lr * f * f, flag),
        tf1.piecewise_with_warmup(None, [big_int, big_int + 1], [0.0, abs(lr), f], flag),
        tf1.cosine_decay_with_warmup(None, abs(lr), 3 * d, f, abs(lr) * f, d, d),
    ):
        assert_finite(s)


def test_cosine_decay_with_warmup_too_short_decay_names_its_parameters() -> None:
    with pytest.raises(ValueError, match=r"cosine_decay_with_warmup.*total_decay_steps"):
        tf1.cosine_decay_with_warmup(None, 0.1, 100.0000001, warmup_steps=100)


# --------------------------------------------------------------------------- edges of the checks
@pytest.mark.parametrize("helper", [warmup, hold], ids=["warmup", "hold"])
def test_a_warm_up_or_hold_shorter_than_a_step_fraction_is_refused(helper: Any) -> None:
    """0 steps means none (the schedule itself); a positive length below the smallest duration
    is refused, naming the helper and ``steps``."""
    inner = Cosine(1.0, 10)
    assert helper(inner, steps=0) is inner
    with pytest.raises(ValueError, match=rf"^{helper.__name__}: steps must be > 0 .*1e-12"):
        helper(inner, steps=1e-12)


def test_hold_value_is_the_number_given() -> None:
    s = hold(Cosine(1.0, 10), steps=5, value=3)
    assert [s(0), s(4), s(5)] == [3.0, 3.0, 1.0]
    with pytest.raises(TypeError, match=r"^hold: value must be a real number, got 'x'"):
        hold(Cosine(1.0, 10), steps=5, value="x")


def test_noise_seeds_take_64_bits() -> None:
    tf1.noisy_linear_cosine_decay(0.1, None, 100, seed=2**64 - 1)
    with pytest.raises(
        ValueError,
        match=r"^noisy_linear_cosine_decay: seed must be < 2\*\*64, got 18446744073709551616$",
    ):
        tf1.noisy_linear_cosine_decay(0.1, None, 100, seed=2**64)


def test_piecewise_boundaries_must_be_whole_steps() -> None:
    for fn in (tf1.piecewise_constant, tf1.piecewise_with_warmup):
        owner = fn.__name__
        with pytest.raises(
            TypeError, match=rf"^{owner}: boundaries\[1\] must be an integer, got 2\.5"
        ):
            fn(None, [1, 2.5], [0.0, 1.0, 0.5])


def test_the_required_marker_reads_as_such() -> None:
    """What ``help(tf1.cosine_decay)`` shows for an argument TensorFlow requires."""
    assert repr(tf1.REQUIRED) == "<required>"
    assert "decay_steps: 'float' = <required>" in str(inspect.signature(tf1.cosine_decay))


def numpy_typed(value: Any) -> Any:
    """The same value as a NumPy scalar (what a user gets from arrays and configs built with
    NumPy): ``np.bool_``, ``np.int64``, ``np.float64``; lists item by item."""
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, int):
        return np.int64(value)
    if isinstance(value, float):
        return np.float64(value)
    if isinstance(value, list):
        return [numpy_typed(v) for v in value]
    return value


@pytest.mark.parametrize("ctor", [c for c in CTORS if isinstance(c.fn, type)], ids=lambda c: c.name)
def test_fields_hold_plain_python_numbers(ctor: Ctor) -> None:
    """A curve or combinator built from NumPy scalars stores plain ``bool``/``int``/``float``
    (so its config is plain JSON and its repr reads as Python), each field under its own name."""
    schedule = ctor.fn(**{k: numpy_typed(v) for k, v in ctor.valid.items()})
    for name, given_value in ctor.valid.items():
        stored = getattr(schedule, name)
        items = stored if isinstance(stored, tuple) else (stored,)
        for item in items:
            if isinstance(item, np.generic):
                raise AssertionError(f"{ctor.name}.{name} kept a NumPy scalar: {item!r}")
        if isinstance(given_value, bool | int | float) and not isinstance(stored, lrdecay.Schedule):
            assert type(stored) is type(given_value), (ctor.name, name, stored)
            assert stored == given_value
    json.dumps(lrdecay.to_config(schedule))
