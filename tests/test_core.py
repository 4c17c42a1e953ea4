"""The evaluation policy of :class:`lrdecay.Schedule` and the properties every schedule shares.

* A Python ``int`` (or an integral ``float``) gives a Python ``float``; a NumPy array, list, tuple
  or ``range`` gives a ``float64`` array of the same shape; ``dtype="float32"`` gives ``float32``.
* Scalar and array evaluation agree, also across the internal block size.
* Bad steps and bad dtypes raise ``ValueError``/``TypeError`` naming the offending value.
* Schedules are immutable, hashable, equal by value, and show their fields in ``repr``.
* ``import lrdecay`` loads no framework and is cheap.
"""

from __future__ import annotations

import dataclasses
import fractions
import json
import math
import re
import subprocess
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from catalogue import EXAMPLES, IDS, SCHEDULES  # the shared example catalogue
from hypothesis import given
from hypothesis import strategies as st
from ulps import EPS32, EPS64, assert_ulps

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
    Schedule,
    Shift,
    Sum,
    floor,
    hold,
    linear,
    scale,
    warmup,
)

BLOCK = 1 << 14  # the internal block size for float64 (128 KiB of steps)
PARALLEL_MIN = 1 << 20  # from this many steps, blocks are shared between threads
MAX_STEP = 2**53

# Steps worth evaluating for every example: the start, small steps, every horizon and its
# neighbours, restart steps of the examples above, and huge steps up to 2**53.
PROBE_STEPS = sorted(
    {0, 1, 2, 3, 9, 10, 11, 49, 50, 51, 99, 100, 101, 199, 200, 201, 499, 500, 501}
    | {699, 700, 701, 899, 900, 901, 999, 1000, 1001, 1099, 1100, 1101, 2999, 3000, 3001}
    | {10 * (2**i - 1) + d for i in range(1, 12) for d in (-1, 0, 1)}
    | {12345, 2**20, 2**24 - 1, 2**24, 2**24 + 1, 10**9, 2**40, 10**15, 2**53 - 1, 2**53}
)


def magnitude(schedule: Schedule) -> float:
    """A scale for absolute tolerances: the largest |value| over the probe steps."""
    values = np.abs(schedule(np.array(PROBE_STEPS, dtype=np.int64)))
    return max(float(values.max()), 1e-300)


steps_strategy = st.one_of(
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=0, max_value=MAX_STEP),
    st.sampled_from(PROBE_STEPS),
)


# --------------------------------------------------------------------------- scalar policy
@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_python_int_and_integral_float_give_python_float(schedule: Schedule) -> None:
    for step in (0, 1, 17, 1000, 2**40, MAX_STEP):
        value = schedule(step)
        assert type(value) is float
        assert math.isfinite(value)
        same = schedule(float(step))
        assert type(same) is float
        assert same == value or (math.isnan(same) and math.isnan(value))


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_numpy_scalar_step_gives_the_same_value(schedule: Schedule) -> None:
    for step in (0, 1, 17, 1000, 2**40):
        expected = schedule(step)
        for np_step in (np.int64(step), np.uint64(step), np.float64(step)):
            value = schedule(np_step)
            assert isinstance(value, float)  # np.float64 is a float subclass
            assert value == pytest.approx(expected, rel=8 * EPS64, abs=1e-300)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_scalar_float32_is_the_array_float32_value(schedule: Schedule) -> None:
    """A single step with dtype="float32" is what that step gives in a float32 array, a float
    within float32 precision of the float64 value (also from 2**24 on)."""
    for step in (0, 3, 99, 1001, 2**24 + 1, 2**40):
        value = schedule(step, dtype="float32")
        assert type(value) is float
        assert value == float(schedule(np.array([step]), dtype="float32")[0])
        assert_ulps(value, schedule(step), magnitude(schedule), eps=EPS32)


# --------------------------------------------------------------------------- array policy
ARRAY_INPUTS: dict[str, Callable[[], Any]] = {
    "0-d": lambda: np.array(7),
    "empty": lambda: np.array([], dtype=np.int64),
    "empty-float": lambda: np.array([], dtype=np.float64),
    "empty-2d": lambda: np.zeros((3, 0), dtype=np.int64),
    "1-d": lambda: np.arange(20),
    "2-d": lambda: np.arange(24).reshape(4, 6) * 37,
    "3-d": lambda: np.arange(2 * 3 * 5).reshape(2, 3, 5) * 101,
    "transposed": lambda: (np.arange(24).reshape(4, 6) * 13).T,
    "strided": lambda: np.arange(0, 4000)[::7],
    "fortran": lambda: np.asfortranarray(np.arange(30).reshape(5, 6) * 3),
    "int8": lambda: np.arange(0, 100, dtype=np.int8),
    "int16": lambda: np.arange(0, 3000, 7, dtype=np.int16),
    "int32": lambda: np.arange(0, 3000, 7, dtype=np.int32),
    "uint8": lambda: np.arange(0, 200, dtype=np.uint8),
    "uint32": lambda: np.arange(0, 3000, 7, dtype=np.uint32),
    "uint64": lambda: np.array([0, 5, 2**40, 2**53], dtype=np.uint64),
    "big-endian": lambda: np.arange(0, 50, dtype=">i8"),
    "float32": lambda: np.arange(0, 3000, 7, dtype=np.float32),
    "float64": lambda: np.array([0.0, 1.0, 2.0**40, 2.0**53]),
    "float16": lambda: np.arange(0, 100, dtype=np.float16),
    "list": lambda: [0, 1, 2, 3, 1000],
    "list-2d": lambda: [[0, 1], [2, 3], [999, 1000]],
    "list-of-floats": lambda: [0.0, 5.0, 1e3],
    "tuple": lambda: (0, 10, 100, 1000),
    "range": lambda: range(0, 2000, 13),
    "empty-list": lambda: [],
}


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_array_gives_float64_array_of_the_same_shape(schedule: Schedule) -> None:
    scale_ = magnitude(schedule)
    for kind, make in ARRAY_INPUTS.items():
        steps = make()
        expected_shape = np.shape(np.asarray(steps))
        out = schedule(steps)
        assert isinstance(out, np.ndarray), kind
        assert out.dtype == np.float64, kind
        assert out.shape == expected_shape, kind
        flat_steps = np.asarray(steps).reshape(-1)
        scalars = [schedule(int(k)) for k in flat_steps]
        assert_ulps(out.reshape(-1), scalars, scale_)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
@pytest.mark.parametrize(
    "make", [ARRAY_INPUTS[k] for k in ("0-d", "empty", "2-d", "list", "range", "uint64")]
)
def test_float32_array_has_float32_dtype_and_same_shape(
    schedule: Schedule, make: Callable[[], Any]
) -> None:
    steps = make()
    out = schedule(steps, dtype="float32")
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float32
    assert out.shape == np.shape(np.asarray(steps))
    for spelling in (np.float32, np.dtype(np.float32), "f4"):
        assert np.array_equal(schedule(steps, dtype=spelling), out, equal_nan=True)
    for spelling64 in (None, "float64", np.float64, float):
        assert schedule(steps, dtype=spelling64).dtype == np.float64


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_float32_computation_within_float32_rounding_of_float64(schedule: Schedule) -> None:
    # All steps below 2**24: the documented policy computes these in float32.
    steps = np.concatenate([np.arange(0, 5000), np.arange(5000, 2**24, 99991), [2**24 - 1]])
    v32 = schedule(steps, dtype="float32")
    v64 = schedule(steps)
    # A handful of float32 operations each rounding by half an ulp, relative to the schedule's
    # magnitude (cancellation near zero), and never more than that.
    assert_ulps(v32, v64, magnitude(schedule), ulps=6.0, eps=EPS32)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_float32_with_steps_from_2_24_is_within_float32_rounding(schedule: Schedule) -> None:
    """From 2**24 on float32 cannot hold every step: the integer parts keep them apart."""
    steps = np.array([0, 1, 99, 1001, 2**24 - 1, 2**24, 2**24 + 1, 2**24 + 3, 10**12, MAX_STEP])
    v32 = schedule(steps, dtype="float32")
    assert v32.dtype == np.float32
    assert_ulps(v32, schedule(steps), magnitude(schedule), eps=EPS32)


def test_float32_keeps_steps_float32_cannot_hold_apart() -> None:
    s = Join([Constant(1.0), Constant(2.0)], boundaries=[2**24 + 2])
    assert s(np.array([2**24 + 1, 2**24 + 2]), dtype="float32").tolist() == [1.0, 2.0]
    p = Piecewise([2**40 + 1], [1.0, 2.0])
    assert p(np.array([2**40, 2**40 + 1]), dtype="float32").tolist() == [1.0, 2.0]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
@given(steps=st.lists(steps_strategy, min_size=1, max_size=12))
def test_scalar_and_array_agree(schedule: Schedule, steps: list[int]) -> None:
    array = schedule(np.array(steps, dtype=np.int64))
    scalars = [schedule(k) for k in steps]
    assert_ulps(array, scalars, magnitude(schedule))
    # Evaluation is pointwise: a step's value does not depend on its neighbours in the array
    # (within the ulps by which NumPy's SIMD loops may differ from their scalar remainders).
    for k, v in zip(steps, array, strict=True):
        assert_ulps(schedule(np.array([k]))[0], v, magnitude(schedule))


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_arrays_larger_than_the_block_size(schedule: Schedule) -> None:
    n = 3 * BLOCK + 123
    steps = np.arange(n, dtype=np.int64) * 3 + 1
    out = schedule(steps)
    assert out.shape == (n,)
    # Evaluated piece by piece (each piece smaller than a block) it is the same array.
    pieces = np.concatenate([schedule(steps[i : i + 5000]) for i in range(0, n, 5000)])
    assert np.array_equal(out, pieces)
    # Shuffled, and reshaped to 2-D across block boundaries, every element keeps its value.
    perm = np.random.default_rng(0).permutation(n)
    assert np.array_equal(schedule(steps[perm]), out[perm])
    assert np.array_equal(
        schedule(steps[: 3 * BLOCK].reshape(3, BLOCK)).reshape(-1), out[: 3 * BLOCK]
    )
    # A sample, including every block edge, against scalar calls.
    sample = sorted({0, n - 1} | {b + d for b in range(0, n, BLOCK) for d in (-1, 0, 1)} - {-1})
    sample += list(range(5, n, 997))
    assert_ulps(out[sample], [schedule(int(steps[i])) for i in sample], magnitude(schedule))
    out32 = schedule(steps, dtype="float32")
    assert out32.dtype == np.float32
    assert_ulps(out32, out, magnitude(schedule), ulps=6.0, eps=EPS32)


THREADED = ["Piecewise", "Join", "Restarts-1.5", "tf1.noisy_linear_cosine_decay", "warmup"]


@pytest.mark.parametrize("name", THREADED)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_threaded_evaluation_of_huge_arrays(
    name: str, dtype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule = EXAMPLES[name]
    n = PARALLEL_MIN + 4097
    steps = (np.arange(n, dtype=np.int64) * 7919) % 50_000  # not sorted: mixed segments
    monkeypatch.setenv("LRDECAY_NUM_THREADS", "3")
    threaded = schedule(steps, dtype=dtype)
    # The same steps in pieces too small to be threaded.
    pieces = np.concatenate(
        [schedule(steps[i : i + 300_000], dtype=dtype) for i in range(0, n, 300_000)]
    )
    assert threaded.dtype == np.dtype(dtype)
    assert np.array_equal(threaded, pieces)
    monkeypatch.setenv("LRDECAY_NUM_THREADS", "1")
    assert np.array_equal(schedule(steps, dtype=dtype), threaded)


def test_bad_thread_setting_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LRDECAY_NUM_THREADS", "many")
    with pytest.raises(ValueError, match=r"LRDECAY_NUM_THREADS.*'many'"):
        Cosine(1.0, 10)(np.zeros(PARALLEL_MIN, dtype=np.int64))
    # Small arrays never consult it.
    assert Cosine(1.0, 10)(np.zeros(10, dtype=np.int64)).tolist() == [1.0] * 10


@pytest.mark.parametrize("setting", ["0", "-3"])
def test_non_positive_thread_setting_is_rejected(
    setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LRDECAY_NUM_THREADS", setting)
    with pytest.raises(ValueError, match=r"LRDECAY_NUM_THREADS"):
        Cosine(1.0, 10)(np.zeros(PARALLEL_MIN, dtype=np.int64))


def test_constant_array_is_filled() -> None:
    out = Constant(0.25)(np.arange(2 * BLOCK + 5).reshape(-1, 1))
    assert out.shape == (2 * BLOCK + 5, 1)
    assert (out == 0.25).all()


# --------------------------------------------------------------------------- step validation
def _re(value: Any) -> str:
    return re.escape(repr(value))


BAD_STEPS: list[Any] = [
    pytest.param(-1, ValueError, r"step.*-1", id="negative-int"),
    pytest.param(-1.0, ValueError, r"step.*-1\.0", id="negative-float"),
    pytest.param(-(2**60), ValueError, r"step.*" + str(-(2**60)), id="very-negative"),
    pytest.param(1.5, ValueError, r"step.*1\.5", id="non-integral-float"),
    pytest.param(0.1, ValueError, r"step.*0\.1", id="tenth"),
    pytest.param(float("nan"), ValueError, r"step.*nan", id="nan"),
    pytest.param(float("inf"), ValueError, r"step.*inf", id="inf"),
    pytest.param(float("-inf"), ValueError, r"step.*-inf", id="minus-inf"),
    pytest.param(True, TypeError, r"step.*True", id="bool-True"),
    pytest.param(False, TypeError, r"step.*False", id="bool-False"),
    pytest.param(np.bool_(True), TypeError, r"step.*True", id="numpy-bool"),
    pytest.param("3", TypeError, r"step.*'3'", id="string"),
    pytest.param(b"3", TypeError, r"step.*b'3'", id="bytes"),
    pytest.param(None, TypeError, r"step.*None", id="None"),
    pytest.param(1 + 0j, TypeError, r"step.*\(1\+0j\)", id="complex"),
    pytest.param({1, 2}, TypeError, r"step.*\{1, 2\}", id="set"),
    pytest.param(2**53 + 1, ValueError, r"step.*" + str(2**53 + 1), id="above-2**53"),
    pytest.param(2.0**53 + 2, ValueError, r"step.*9007199254740994", id="float-above-2**53"),
    pytest.param(2**64, ValueError, r"step.*" + str(2**64), id="2**64"),
    pytest.param(1e300, ValueError, r"step.*1e\+300", id="1e300"),
    pytest.param(np.int64(-3), ValueError, r"step.*-3", id="numpy-negative"),
    pytest.param(np.float64(2.5), ValueError, r"step.*2\.5", id="numpy-non-integral"),
    pytest.param(np.float64("nan"), ValueError, r"step.*nan", id="numpy-nan"),
    pytest.param([0, -1], ValueError, r"step.*-1", id="list-negative"),
    pytest.param([0, 1.5], ValueError, r"step.*1\.5", id="list-non-integral"),
    pytest.param([0.0, float("nan")], ValueError, r"step.*nan", id="list-nan"),
    pytest.param([0.0, float("inf")], ValueError, r"step.*inf", id="list-inf"),
    pytest.param([0, 2**53 + 1], ValueError, r"step.*" + str(2**53 + 1), id="list-above-2**53"),
    pytest.param(
        [0.0, 2.0**60], ValueError, r"step.*" + re.escape(repr(2.0**60)), id="list-float-big"
    ),
    pytest.param(np.array([3, -5]), ValueError, r"step.*-5", id="array-negative"),
    pytest.param(np.array([[1.0], [-2.0]]), ValueError, r"step.*-2\.0", id="array-2d-negative"),
    pytest.param(np.array([True, False]), TypeError, r"step.*bool", id="bool-array"),
    pytest.param([True, False], TypeError, r"step.*bool", id="bool-list"),
    pytest.param(["a"], TypeError, r"step.*<U1", id="string-list"),
    pytest.param([None], TypeError, r"step.*object", id="None-list"),
    pytest.param(np.array([1 + 0j]), TypeError, r"step.*complex128", id="complex-array"),
    pytest.param(np.array([1, 2], dtype=object), TypeError, r"step.*object", id="object-array"),
]


@pytest.mark.parametrize(("step", "error", "message"), BAD_STEPS)
@pytest.mark.parametrize(
    "schedule",
    [EXAMPLES["Cosine"], EXAMPLES["Restarts"], EXAMPLES["GaussianNoise"], EXAMPLES["Constant"]],
    ids=["Cosine", "Restarts", "GaussianNoise", "Constant"],
)
def test_bad_steps_are_rejected_with_the_value(
    schedule: Schedule, step: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        schedule(step)
    with pytest.raises(error, match=message):
        schedule(step, dtype="float32")


def test_largest_valid_step_is_2_53() -> None:
    s = EXAMPLES["Cosine"]
    assert s(MAX_STEP) == s(2**53)
    assert s(float(MAX_STEP)) == s(MAX_STEP)
    assert_ulps(s(np.array([MAX_STEP], dtype=np.uint64))[0], s(MAX_STEP), 0.1)


def test_negative_zero_is_step_zero() -> None:
    s = EXAMPLES["Cosine"]
    assert s(-0.0) == s(0)
    assert_ulps(s(np.array([-0.0]))[0], s(0), 0.1)


def test_fraction_step_must_be_integral() -> None:
    """(Regression: a non-integral Fraction step was evaluated at 1.5.)"""
    s = Cosine(1.0, decay_steps=10)
    with pytest.raises(ValueError, match=r"step.*Fraction\(3, 2\)"):
        s(fractions.Fraction(3, 2))
    assert s(fractions.Fraction(4, 2)) == s(2)


def test_float32_value_does_not_depend_on_the_step_container() -> None:
    s = Cosine(init_value=0.1, decay_steps=1000, end_value=0.001)
    steps = range(0, 1000)
    from_ints = np.array([s(k, dtype="float32") for k in steps], dtype=np.float32)
    from_array = s(np.array(steps), dtype="float32")
    assert np.array_equal(from_ints, from_array)


BAD_DTYPES = [
    pytest.param("int32", ValueError, id="int32"),
    pytest.param("float16", ValueError, id="float16"),
    pytest.param("float128" if hasattr(np, "float128") else "longdouble", ValueError, id="long"),
    pytest.param(object, ValueError, id="object"),
    pytest.param(np.int64, ValueError, id="np.int64"),
    pytest.param(np.complex64, ValueError, id="complex64"),
    pytest.param(bool, ValueError, id="bool"),
    pytest.param("nonsense", TypeError, id="nonsense"),
]


@pytest.mark.parametrize(("dtype", "error"), BAD_DTYPES)
@pytest.mark.parametrize("step", [5, [5, 6], np.arange(3)], ids=["scalar", "list", "array"])
def test_bad_dtype_is_rejected_with_the_value(
    step: Any, dtype: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match=r"dtype.*" + re.escape(repr(dtype))):
        EXAMPLES["Cosine"](step, dtype=dtype)


# --------------------------------------------------------------------------- dataclass nature
@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_schedules_are_immutable(schedule: Schedule) -> None:
    for field in dataclasses.fields(schedule):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(schedule, field.name, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.new_attribute = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_schedules_are_hashable_and_equal_by_value(schedule: Schedule) -> None:
    values = {f.name: getattr(schedule, f.name) for f in dataclasses.fields(schedule)}
    twin = type(schedule)(**values)
    assert twin is not schedule
    assert twin == schedule
    assert hash(twin) == hash(schedule)
    assert len({schedule, twin}) == 1
    assert schedule != Constant(12345.678)
    assert schedule != "not a schedule"  # type: ignore[comparison-overlap]
    # Every field is immutable too (tuples, not lists), so hashing cannot be broken later.
    for value in values.values():
        assert not isinstance(value, list | dict | set | np.ndarray)
    # Equal schedules evaluate equally.
    steps = np.array(PROBE_STEPS)
    assert np.array_equal(twin(steps), schedule(steps))


def test_equality_distinguishes_classes_and_fields() -> None:
    assert Cosine(1.0, 10) == Cosine(1.0, 10)
    assert Cosine(1.0, 10) != Cosine(1.0, 11)
    assert Cosine(1.0, 10) != Cosine(1.0, 10, end_value=0.1)
    assert Polynomial(1.0, 10) != Cosine(1.0, 10)  # type: ignore[comparison-overlap]
    assert Constant(1) == Constant(1.0)  # equal by value, as Python's numbers are
    assert Piecewise([1, 2], [1.0, 2.0, 3.0]) == Piecewise((1, 2), (1.0, 2.0, 3.0))
    assert Piecewise(np.array([1, 2]), [1.0, 2.0, 3.0]) == Piecewise([1, 2], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("schedule", SCHEDULES, ids=IDS)
def test_repr_shows_class_and_fields(schedule: Schedule) -> None:
    text = repr(schedule)
    assert text.startswith(type(schedule).__name__ + "(")
    for field in dataclasses.fields(schedule):
        assert f"{field.name}=" in text
        value = getattr(schedule, field.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert repr(value) in text


def test_repr_example() -> None:
    assert repr(Cosine(init_value=1.0, decay_steps=100, end_value=0.1)) == (
        "Cosine(init_value=1.0, decay_steps=100, end_value=0.1, num_periods=0.5)"
    )


def test_numpy_inputs_are_stored_as_python_numbers() -> None:
    s = Cosine(np.float64(0.5), np.int64(10), np.float32(0.25))
    assert type(s.init_value) is float
    assert type(s.decay_steps) is int
    assert type(s.end_value) is float
    json.dumps(dataclasses.asdict(s))


# --------------------------------------------------------------------------- total_steps
TOTAL_STEPS: list[Any] = [
    pytest.param(Constant(0.1), 0, id="Constant"),
    pytest.param(Piecewise([10, 200, 3000], [1.0, 2.0, 3.0, 4.0]), 3000, id="Piecewise"),
    pytest.param(Piecewise([], [1.0]), 0, id="Piecewise-empty"),
    pytest.param(Polynomial(1.0, 1234), 1234, id="Polynomial"),
    pytest.param(Polynomial(1.0, 12.5, power=3.0), 12.5, id="Polynomial-float"),
    pytest.param(Polynomial(1.0, 100, cycle=True), None, id="Polynomial-cycle"),
    pytest.param(linear(0.0, 1.0, 77), 77, id="linear"),
    pytest.param(Exponential(1.0, 10, 0.5), None, id="Exponential"),
    pytest.param(NaturalExponential(1.0, 10, 0.5), None, id="NaturalExponential"),
    pytest.param(InverseTime(1.0, 10, 0.5), None, id="InverseTime"),
    pytest.param(Cosine(1.0, 999), 999, id="Cosine"),
    pytest.param(Cosine(1.0, 999, num_periods=3.0), 999, id="Cosine-periods"),
    pytest.param(GaussianNoise(0.1), None, id="GaussianNoise"),
    pytest.param(Join([Cosine(1.0, 10), Cosine(0.5, 20)], [15]), 35, id="Join"),
    pytest.param(Join([Cosine(1.0, 10), Constant(0.5)], [15]), 15, id="Join-constant-tail"),
    pytest.param(Join([Cosine(1.0, 10), Exponential(1.0, 10, 0.5)], [15]), None, id="Join-open"),
    pytest.param(Join([Cosine(1.0, 10)], []), 10, id="Join-single"),
    pytest.param(Restarts(Cosine(1.0, 10), 10), None, id="Restarts"),
    pytest.param(Clip(Cosine(1.0, 40), min_value=0.1), 40, id="Clip"),
    pytest.param(Shift(Cosine(1.0, 40), 2.5), 37.5, id="Shift"),
    pytest.param(Shift(Cosine(1.0, 40), 50), 0, id="Shift-past-the-end"),
    pytest.param(Shift(Restarts(Cosine(1.0, 10), 10), 5), None, id="Shift-no-horizon"),
    pytest.param(lrdecay.Warp(Cosine(1.0, 100), 100, 2.0), 100, id="Warp"),
    pytest.param(lrdecay.Warp(linear(0.0, 1.0, 25), 100, 2.0), 50, id="Warp-inside"),
    pytest.param(lrdecay.Warp(Cosine(1.0, 100), 100, 0.0), 0, id="Warp-standing"),
    pytest.param(lrdecay.Warp(GaussianNoise(0.1), 100, 2.0), None, id="Warp-open"),
    pytest.param(lrdecay.Power(Cosine(1.0, 100), 2.5), 100, id="Power"),
    pytest.param(lrdecay.TimmNoise(), None, id="TimmNoise"),
    pytest.param(Sum((Cosine(1.0, 40), linear(0.0, 1.0, 60))), 60, id="Sum"),
    pytest.param(Sum((Cosine(1.0, 40), Exponential(1.0, 1, 0.5))), None, id="Sum-open"),
    pytest.param(Product((Cosine(1.0, 40), Constant(2.0))), 40, id="Product"),
    pytest.param(Product((Cosine(1.0, 40), GaussianNoise(1.0))), None, id="Product-open"),
    pytest.param(warmup(Cosine(1.0, 900), 100), 1000, id="warmup"),
    pytest.param(hold(Cosine(1.0, 900), 50), 950, id="hold"),
    pytest.param(scale(Cosine(1.0, 900), 0.5), 900, id="scale"),
    pytest.param(floor(Cosine(1.0, 900), 0.1), 900, id="floor"),
    pytest.param(lrdecay.Ramp(0.0, 1.0, 12.5, shape="cosine"), 12.5, id="Ramp"),
    pytest.param(lrdecay.Tanh(1.0, 300), 300, id="Tanh"),
    pytest.param(lrdecay.WSD(1.0, 10, 80, 10.5), 100.5, id="WSD"),
    pytest.param(lrdecay.WSD(1.0, 10), 10, id="WSD-open"),
    pytest.param(lrdecay.WSD(1.0, 10, 70, decay_fraction=0.2), 100, id="WSD-fraction"),
    pytest.param(lrdecay.OneCycle(0.1, 1.0, 0.0, 999), 999, id="OneCycle"),
    pytest.param(lrdecay.Cyclic(0.1, 1.0, 10), None, id="Cyclic"),
    pytest.param(Restarts(Cosine(1.0, 10), 10, 2.0, max_cycles=3), 70, id="Restarts-max_cycles"),
]


@pytest.mark.parametrize(("schedule", "expected"), TOTAL_STEPS)
def test_total_steps(schedule: Schedule, expected: float | None) -> None:
    assert schedule.total_steps == expected
    if expected is not None:
        # The horizon is honest: nothing changes from there on.
        start = math.ceil(expected)
        after = schedule(np.array([start, start + 1, start + 1000, 2**40]))
        assert (after == after[0]).all()


def test_every_schedule_class_has_a_total_steps_case() -> None:
    covered = {type(p.values[0]).__name__ for p in TOTAL_STEPS}
    own = {n for n, c in lrdecay._core.registry().items() if c.__module__.startswith("lrdecay.")}
    assert covered >= own


# --------------------------------------------------------------------------- imports
FRAMEWORKS = ("torch", "tensorflow", "jax", "keras", "optax", "matplotlib", "tensorboard")


@pytest.mark.parametrize(
    "modules",
    ["lrdecay", "lrdecay.compat.tf1", "lrdecay.survey", "lrdecay.config", "lrdecay.compat"],
)
def test_import_loads_no_framework(modules: str) -> None:
    code = (
        f"import sys, {modules}, lrdecay\n"
        "import lrdecay.survey as seed\n"
        "[f.curve.schedule()(1000) for f in seed.FIGURES]\n"
        f"frameworks = {FRAMEWORKS!r}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in frameworks)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "", f"importing {modules} loaded {result.stdout.strip()}"


def test_subpackages_load_on_attribute_access() -> None:
    """``import lrdecay; lrdecay.compat.tf1`` works (a newcomer's first try), in a fresh process."""
    code = (
        "import lrdecay\n"
        "print(lrdecay.compat.tf1.cosine_decay(0.1, 0, 1000), lrdecay.survey.MAX_STEP)\n"
        "print(sorted(m for m in __import__('sys').modules if m.split('.')[0] in "
        f"{FRAMEWORKS!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split("\n")[:2] == ["0.1 20000", "[]"]


def test_the_survey_module_is_called_what_it_is() -> None:
    import importlib.util

    assert importlib.util.find_spec("lrdecay.survey") is not None
    assert importlib.util.find_spec("lrdecay.seed") is None


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int8, np.uint16])
def test_small_step_types_raise_no_warning(dtype: Any) -> None:
    s = EXAMPLES["Cosine"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scalar = s(dtype(3))
        array = s(np.arange(0, 60, dtype=dtype))
    assert scalar == s(3)
    assert_ulps(array, s(np.arange(0, 60)), 0.1)


_FORK_CHILD = """
import os, sys
import numpy as np
import lrdecay
os.environ["LRDECAY_NUM_THREADS"] = "2"
s = lrdecay.warmup(lrdecay.Cosine(1.0, decay_steps=10**6), steps=1000)
steps = np.arange(3_000_000)
parent = s(steps)  # the parent's thread pool now exists
pid = os.fork()
if pid == 0:  # the child evaluates a large array too: it used to wait forever
    child = s(steps)
    os._exit(0 if np.array_equal(child, parent) else 1)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""


def test_a_forked_child_evaluates_large_arrays() -> None:
    """A DataLoader worker (a forked child) evaluating after its parent did: no hang."""
    result = subprocess.run(
        [sys.executable, "-c", _FORK_CHILD], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
