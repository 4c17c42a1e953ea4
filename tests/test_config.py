"""Config round trips (``to_config``/``from_config``, ``dumps``/``loads``) and config errors."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

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
    Schedule,
    Shift,
    Sum,
    dumps,
    floor,
    from_config,
    hold,
    linear,
    loads,
    scale,
    to_config,
    warmup,
)
from lrdecay._core import registry
from lrdecay.compat import tf1
from lrdecay.survey import FIGURES

# At least one example per registered class; test_every_registered_class_has_an_example fails
# when a class is added to the registry without an example here.
EXAMPLES: dict[str, list[Schedule]] = {
    "Constant": [Constant(0.1), Constant(3), Constant(-2.5e-300)],
    "Piecewise": [
        Piecewise([10, 20], [1.0, 0.1, 0.01]),
        Piecewise([], [0.5]),
        Piecewise([0.5, 1e15], [1, 2, 3]),
    ],
    "Polynomial": [
        Polynomial(0.1, 1000),
        Polynomial(0.1, 99.5, end_value=1e-5, power=0.5, cycle=True),
        linear(0.0, 1.0, 10),
    ],
    "Exponential": [
        Exponential(0.1, 2000, 0.98),
        Exponential(0.1, 3, 1.5, staircase=True),
    ],
    "NaturalExponential": [
        NaturalExponential(0.1, 2000, 0.02),
        NaturalExponential(1.0, 3, -1e-7, staircase=True),
    ],
    "InverseTime": [
        InverseTime(0.1, 10, 0.5),
        InverseTime(1.0, 1, 0.0, power=0.5, staircase=True),
    ],
    "Cosine": [Cosine(0.1, 1000), Cosine(1.0, 10, end_value=0.1, num_periods=4)],
    "GaussianNoise": [
        GaussianNoise(0.1),
        GaussianNoise(Cosine(0.1, 100), seed=2**62),
    ],
    "Join": [
        Join([linear(0.0, 1.0, 10), Cosine(1.0, 90)], [10]),
        Join([Constant(1.0)], []),
        Join([1.0, 0.5, 0.25], [3.5, 7]),
    ],
    "Restarts": [
        Restarts(Cosine(1.0, 10), 10),
        Restarts(Cosine(1.0, 10), 10, period_factor=2.0, value_factor=0.5),
    ],
    "Shift": [Shift(Cosine(1.0, 10), 1), Shift(Cosine(1.0, 10), 2.5)],
    "Warp": [lrdecay.Warp(Cosine(1.0, 10), 10, 2.0), lrdecay.Warp(Cosine(1.0, 10), 7.5, 0.5)],
    "Power": [lrdecay.Power(Cosine(1.0, 10), 1.5), lrdecay.Power(Cosine(1.0, 10), 0.0)],
    "TimmNoise": [lrdecay.TimmNoise(), lrdecay.TimmNoise(seed=-5, std=0.5, limit=0.1)],
    "Clip": [
        Clip(Exponential(1.0, 1, 0.5), min_value=0.1),
        Clip(Cosine(1.0, 10), max_value=0.5),
        Clip(Cosine(1.0, 10), min_value=-1, max_value=0.5),
    ],
    "Sum": [Sum((Cosine(1.0, 10), Constant(0.1))), Cosine(1.0, 10) + 0.1],
    "Product": [Product((Cosine(1.0, 10),)), 0.1 * Cosine(1.0, 10)],
    "Ramp": [lrdecay.Ramp(0.0, 1.0, 10), lrdecay.Ramp(1e-3, 1.0, 7.5, shape="exponential")],
    "Tanh": [lrdecay.Tanh(0.1, 100), lrdecay.Tanh(1.0, 10, end_value=0.1, lower=-3, upper=5)],
    "WSD": [
        lrdecay.WSD(0.1, 10, 80, 10),
        lrdecay.WSD(0.1, warmup_steps=10, decay_fraction=0.1, decay_shape="1-sqrt"),
    ],
    "OneCycle": [
        lrdecay.OneCycle(0.004, 0.1, 4e-7, 1000),
        lrdecay.OneCycle(0.01, 0.1, 1e-4, 99, warmup_steps=29, shape="linear", three_phase=True),
    ],
    "Cyclic": [
        lrdecay.Cyclic(0.001, 0.1, 200),
        lrdecay.Cyclic(0.01, 0.1, 20, 30, mode="exp_range", gamma=0.999),
    ],
}
HELPER_EXAMPLES: dict[str, Schedule] = {
    "warmup": warmup(Cosine(0.1, 900), steps=100),
    "hold": hold(Cosine(0.1, 900), steps=100, value=0.2),
    "scale": scale(Cosine(1.0, 900), 0.1),
    "floor": floor(Exponential(0.1, 10, 0.9), 0.001),
    "operators": 0.1 * Cosine(1.0, 100) + 0.01,
    "restarts-max_cycles": Restarts(Cosine(1.0, 10), 10, period_factor=2.0, max_cycles=3),
    "warmup-cosine": warmup(Cosine(0.1, 900), steps=100, shape="cosine"),
    "inverse_sqrt": lrdecay.inverse_sqrt(0.1, 100),
    "plateau": lrdecay.Plateau(patience=0).schedule(Cosine(0.1, 900), [3.0, 3.0], 100),
    "tf1-noisy": tf1.noisy_linear_cosine_decay(0.1, None, 1000, seed=3),
    "tf1-restarts": tf1.cosine_decay_restarts(0.1, None, 100, m_mul=0.5, alpha=0.01),
    "tf1-burnin": tf1.exponential_decay_with_burnin(None, 0.1, 200, 0.9, 0.01, 50, 0.02),
}

ALL: list[Any] = [
    pytest.param(s, id=f"{name}-{i}")
    for name, group in EXAMPLES.items()
    for i, s in enumerate(group)
]
ALL += [pytest.param(s, id=name) for name, s in HELPER_EXAMPLES.items()]
ALL += [pytest.param(f.curve.schedule(), id=f"seed-{f.name}") for f in FIGURES]

STEPS = np.array([0, 1, 2, 5, 9, 10, 11, 99, 100, 101, 999, 1000, 4999, 5000, 5001, 15001, 2**40])


def test_every_registered_class_has_an_example() -> None:
    classes = {n: c for n, c in registry().items() if c.__module__.startswith("lrdecay.")}
    missing = sorted(set(classes) - set(EXAMPLES))
    assert not missing, f"registered schedule classes without a config example: {missing}"
    for name, group in EXAMPLES.items():
        assert {type(s).__name__ for s in group} == {name}, name
        assert all(type(s) is classes[name] for s in group)


def test_registry_is_a_copy_keyed_by_class_name() -> None:
    classes = registry()
    classes["Bogus"] = Constant
    assert "Bogus" not in registry()
    for name, cls in registry().items():
        assert issubclass(cls, Schedule)
        if cls.__module__.startswith("lrdecay."):  # lrdecay's own: the class name
            assert cls.__name__ == name
        else:  # a user's (some tests define one): module and qualified name
            assert name == f"{cls.__module__}.{cls.__qualname__}"


@pytest.mark.parametrize("schedule", ALL)
def test_round_trip(schedule: Schedule) -> None:
    config = to_config(schedule)
    assert config["type"] == type(schedule).__name__
    text = json.dumps(config, allow_nan=False)  # strict JSON: no NaN/Infinity tokens
    assert json.loads(text) == config
    back = from_config(json.loads(text))
    assert back == schedule
    assert type(back) is type(schedule)
    assert from_config(config) == schedule
    assert loads(dumps(schedule)) == schedule
    assert loads(dumps(schedule, indent=2, sort_keys=True)) == schedule
    assert np.array_equal(back(STEPS), schedule(STEPS))
    assert [back(int(t)) for t in STEPS[:6]] == [schedule(int(t)) for t in STEPS[:6]]


@pytest.mark.parametrize("schedule", ALL)
def test_config_is_plain_data(schedule: Schedule) -> None:
    def walk(value: Any) -> None:
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert value is None or type(value) in (bool, int, float, str), repr(value)

    config = to_config(schedule)
    walk(config)
    fields = [f.name for f in dataclasses.fields(schedule)]
    assert list(config) == ["type", *fields]


def test_config_by_hand() -> None:
    s = warmup(Cosine(0.1, decay_steps=1000), steps=100)
    assert to_config(s) == {
        "type": "Join",
        "schedules": [
            {
                "type": "Polynomial",
                "init_value": 0.0,
                "decay_steps": 100,
                "end_value": 0.1,
                "power": 1.0,
                "cycle": False,
            },
            {
                "type": "Cosine",
                "init_value": 0.1,
                "decay_steps": 1000,
                "end_value": 0.0,
                "num_periods": 0.5,
            },
        ],
        "boundaries": [100],
    }
    assert from_config({"type": "Cosine", "init_value": 1.0, "decay_steps": 5}) == Cosine(1.0, 5)
    assert loads('{"type": "Constant", "value": 0.5}') == Constant(0.5)
    # Numbers where a schedule is expected are constants, as in the constructors.
    assert from_config({"type": "Sum", "schedules": [0.5, {"type": "Constant", "value": 1}]}) == (
        Sum((Constant(0.5), Constant(1)))
    )


def test_ints_stay_ints_and_floats_stay_floats() -> None:
    s = loads(dumps(Cosine(1, 10, end_value=0)))
    assert isinstance(s, Cosine)
    assert type(s.init_value) is int
    assert type(s.decay_steps) is int
    t = loads(dumps(Cosine(1.0, 10.0, end_value=0.0)))
    assert isinstance(t, Cosine)
    assert type(t.init_value) is float
    assert type(t.decay_steps) is float
    # Shortest-repr floats survive JSON exactly.
    for x in (0.1, 1e-300, 2.0**-1074, 1.7976931348623157e308, 0.30000000000000004):
        c = loads(dumps(Constant(x)))
        assert isinstance(c, Constant)
        assert c.value == x


# --------------------------------------------------------------------------- random trees
leaf_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=True)
durations = st.one_of(st.integers(1, 10**6), st.floats(0.5, 1e6))


def curves() -> st.SearchStrategy[Schedule]:
    return st.one_of(
        st.builds(Constant, leaf_values),
        st.lists(st.integers(0, 10**6), max_size=4, unique=True).flatmap(
            lambda b: st.builds(
                Piecewise,
                st.just(sorted(b)),
                st.lists(leaf_values, min_size=len(b) + 1, max_size=len(b) + 1),
            )
        ),
        st.builds(
            Polynomial,
            leaf_values,
            durations,
            leaf_values,
            st.floats(0.1, 5.0),
            st.booleans(),
        ),
        st.builds(Exponential, leaf_values, durations, st.floats(0.01, 2.0), st.booleans()),
        st.builds(
            InverseTime,
            leaf_values,
            durations,
            st.floats(0.0, 10.0),
            st.floats(0.1, 3.0),
            st.booleans(),
        ),
        st.builds(Cosine, leaf_values, durations, leaf_values, st.floats(0.1, 10.0)),
        st.builds(GaussianNoise, st.floats(0.0, 1.0), st.integers(0, 2**64 - 1)),
    )


def extend(children: st.SearchStrategy[Schedule]) -> st.SearchStrategy[Schedule]:
    def join(parts: list[Schedule]) -> st.SearchStrategy[Schedule]:
        n = len(parts) - 1
        bounds = st.lists(st.integers(1, 10**6), min_size=n, max_size=n, unique=True).map(sorted)
        return bounds.map(lambda b: Join(parts, b))

    def clip(s: Schedule, a: float, b: float, which: int) -> Schedule:
        lo, hi = min(a, b), max(a, b)
        return Clip(s, min_value=lo if which != 1 else None, max_value=hi if which != 0 else None)

    return st.one_of(
        st.lists(children, min_size=1, max_size=3).flatmap(join),
        st.builds(
            Restarts,
            children,
            durations,
            st.floats(1.0, 3.0),
            st.floats(0.1, 2.0),
        ),
        st.builds(clip, children, leaf_values, leaf_values, st.integers(0, 2)),
        st.builds(Sum, st.lists(children, min_size=1, max_size=3)),
        st.builds(Product, st.lists(children, min_size=1, max_size=3)),
        st.builds(GaussianNoise, children, st.integers(0, 1000)),
        st.builds(lambda s, w: warmup(s, w), children, st.integers(1, 1000)),
    )


trees = st.recursive(curves(), extend, max_leaves=12)


@given(tree=trees)
def test_random_trees_round_trip(tree: Schedule) -> None:
    text = dumps(tree)
    back = loads(text)
    assert back == tree
    assert hash(back) == hash(tree)
    assert dumps(back) == text
    assert from_config(to_config(tree)) == tree
    steps = np.array([0, 1, 7, 1000, 123456])
    with np.errstate(all="ignore"):
        assert np.array_equal(back(steps), tree(steps), equal_nan=True)


# --------------------------------------------------------------------------- errors
def test_unknown_type() -> None:
    with pytest.raises(ValueError, match=r"type.*'Cosinus'"):
        from_config({"type": "Cosinus", "init_value": 1.0, "decay_steps": 10})
    with pytest.raises(ValueError, match=r"type.*None"):
        from_config({"init_value": 1.0, "decay_steps": 10})
    with pytest.raises(ValueError, match=r"type.*3"):
        from_config({"type": 3})
    # The base class and private names are not schedules one can build.
    for name in ("Schedule", "_Base", "object", "dict", "SurveyFigure", "Namespace"):
        with pytest.raises(ValueError, match=re.escape(repr(name))):
            from_config({"type": name})


def test_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(ValueError) as info:
        from_config({"type": "Nope"})
    for name in registry():
        assert name in str(info.value)


@pytest.mark.parametrize(
    "payload",
    [
        "__import__('os')",
        "__import__('os').system('echo pwned')",
        "lrdecay.curves.Cosine",
        "Cosine(1.0, 10)",
        "eval",
        "exec",
        "__class__",
        "__builtins__",
        "Cosine ",
        "cosine",
    ],
)
def test_parsing_never_evaluates_code(payload: str, capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(payload))):
        from_config({"type": payload})
    with pytest.raises(ValueError, match=re.escape(repr(payload))):
        loads(json.dumps({"type": payload, "init_value": 1.0}))
    assert "pwned" not in capfd.readouterr().out


def test_code_in_a_value_is_just_a_bad_value() -> None:
    payload = "__import__('os')"
    with pytest.raises(TypeError, match=re.escape(repr(payload))):
        from_config({"type": "Constant", "value": payload})
    with pytest.raises(TypeError, match=r"1\+1"):
        from_config({"type": "Cosine", "init_value": "1+1", "decay_steps": 10})


def test_unknown_key_names_key_and_value() -> None:
    with pytest.raises(TypeError, match=r"decay_step.*0\.5|0\.5.*decay_step") as info:
        from_config({"type": "Cosine", "init_value": 1.0, "decay_steps": 10, "decay_step": 0.5})
    assert "'decay_step'" in str(info.value)
    with pytest.raises(TypeError, match=r"'alpha'.*0\.1"):
        loads('{"type": "Constant", "value": 1.0, "alpha": 0.1}')
    # Nested: the inner config is checked too.
    with pytest.raises(TypeError, match=r"'bogus'.*True"):
        from_config({"type": "Sum", "schedules": [{"type": "Constant", "value": 1, "bogus": True}]})


def test_missing_key() -> None:
    with pytest.raises(TypeError, match=r"Cosine.*missing.*'decay_steps'"):
        from_config({"type": "Cosine", "init_value": 1.0})
    with pytest.raises(TypeError, match=r"missing.*'init_value'.*'decay_steps'"):
        from_config({"type": "Cosine"})
    with pytest.raises(TypeError, match=r"Restarts.*missing.*'period_steps'"):
        from_config({"type": "Restarts", "schedule": {"type": "Constant", "value": 1}})


@pytest.mark.parametrize(
    "config",
    [None, [], "Cosine", 3, ("type", "Constant"), b"{}", {1, 2}],
    ids=["None", "list", "str", "int", "tuple", "bytes", "set"],
)
def test_non_dict(config: Any) -> None:
    with pytest.raises(TypeError, match=r"dict.*" + re.escape(repr(config))):
        from_config(config)


def test_non_dict_nested_list_element() -> None:
    # A nested list element that is neither a number nor a config is rejected by the constructor.
    with pytest.raises(TypeError, match=r"schedules\[1\].*'abc'"):
        from_config({"type": "Sum", "schedules": [{"type": "Constant", "value": 1}, "abc"]})


@pytest.mark.parametrize(
    "value",
    [{1, 2}, b"bytes", object(), 1 + 2j, np.array([1.0]), frozenset()],
    ids=["set", "bytes", "object", "complex", "ndarray", "frozenset"],
)
def test_non_json_values(value: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(value)[:20])):
        from_config({"type": "Constant", "value": value})


@pytest.mark.parametrize(
    ("config", "error", "message"),
    [
        ({"type": "Cosine", "init_value": 1.0, "decay_steps": 0}, ValueError, r"decay_steps.*0"),
        ({"type": "Cosine", "init_value": 1.0, "decay_steps": -5}, ValueError, r"decay_steps.*-5"),
        ({"type": "Cosine", "init_value": True, "decay_steps": 5}, TypeError, r"init_value.*True"),
        ({"type": "Constant", "value": None}, TypeError, r"value.*None"),
        ({"type": "Constant", "value": [1.0]}, TypeError, r"value.*1\.0"),
        (
            {"type": "Polynomial", "init_value": 1, "decay_steps": 5, "cycle": 1},
            TypeError,
            r"cycle.*1",
        ),
        (
            {"type": "Piecewise", "boundaries": [2, 1], "values": [1, 2, 3]},
            ValueError,
            r"boundaries.*\[2, 1\]",
        ),
        ({"type": "Piecewise", "boundaries": [1], "values": [1]}, ValueError, r"values.*1 values"),
        (
            {"type": "Restarts", "schedule": 1.0, "period_steps": 5, "period_factor": 0.5},
            ValueError,
            r"period_factor.*0\.5",
        ),
        ({"type": "GaussianNoise", "std": 1.0, "seed": -1}, ValueError, r"seed.*-1"),
        ({"type": "GaussianNoise", "std": "x"}, TypeError, r"std.*'x'"),
        ({"type": "Clip", "schedule": 1.0}, ValueError, r"min_value.*max_value"),
        (
            {"type": "Clip", "schedule": 1.0, "min_value": 2, "max_value": 1},
            ValueError,
            r"min_value=2.*max_value=1",
        ),
        ({"type": "Sum", "schedules": []}, ValueError, r"schedules.*\[\]"),
        (
            {"type": "Join", "schedules": [1.0, 2.0], "boundaries": [0]},
            ValueError,
            r"boundaries\[0\].*0",
        ),
        (
            {"type": "Cosine", "init_value": 1.0, "decay_steps": {"type": "Constant", "value": 1}},
            TypeError,
            r"decay_steps.*Constant",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_invalid_values_are_caught_by_the_constructors(
    config: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        from_config(config)
    with pytest.raises(error, match=message):
        loads(json.dumps(config))


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_json_numbers_are_rejected(token: str) -> None:
    with pytest.raises(ValueError, match=r"value must be finite"):
        loads('{"type": "Constant", "value": ' + token + "}")


@pytest.mark.parametrize("text", ["", "{", "not json", "{'type': 'Constant'}", "[1, 2"])
def test_loads_invalid_json(text: str) -> None:
    with pytest.raises(ValueError, match=r"JSON"):
        loads(text)


def test_loads_valid_json_that_is_not_a_config() -> None:
    with pytest.raises(TypeError, match=r"dict.*\[1, 2\]"):
        loads("[1, 2]")
    with pytest.raises(TypeError, match=r"dict.*'x'"):
        loads('"x"')


def test_to_config_rejects_non_schedules() -> None:
    for bad in (1.0, "Cosine", {"type": "Constant", "value": 1}, None):
        with pytest.raises(TypeError, match=r"schedule.*" + re.escape(repr(bad))):
            to_config(bad)  # type: ignore[arg-type]


def test_from_config_does_not_mutate_its_input() -> None:
    config = to_config(warmup(Cosine(0.1, 1000), 10))
    snapshot = json.dumps(config)
    from_config(config)
    assert json.dumps(config) == snapshot


def test_fraction_parameters_are_stored_as_floats() -> None:
    """(Regression: a Fraction was stored as such and dumps raised TypeError.)"""
    from fractions import Fraction

    s = Constant(Fraction(1, 3))  # type: ignore[arg-type]
    assert type(s.value) is float
    assert s.value == 1 / 3
    assert loads(dumps(s)) == s
    assert type(Cosine(Fraction(1, 2), Fraction(10, 1)).decay_steps) is float


# --------------------------------------------------------------------------- where an error is
def test_a_nested_error_says_where() -> None:
    config = {
        "type": "Join",
        "schedules": [{"type": "Cosine", "init_value": "x", "decay_steps": 10}, 0.1],
        "boundaries": [10],
    }
    with pytest.raises(
        TypeError, match=r"schedules\[0\]\.init_value must be a real number, got 'x'"
    ):
        from_config(config)
    deeper = {
        "type": "Restarts",
        "schedule": {"type": "Clip", "schedule": {"type": "Cosine", "init_value": 1.0,
                     "decay_steps": -3}, "min_value": 0.0},
        "period_steps": 10,
    }  # fmt: skip
    with pytest.raises(ValueError, match=r"schedule\.schedule\.decay_steps must be > 0.*-3"):
        from_config(deeper)
    with pytest.raises(ValueError, match=r"^from_config: period_steps must be > 0.*0"):
        from_config({"type": "Restarts", "schedule": 1.0, "period_steps": 0})


# --------------------------------------------------------------------------- users' own classes
def test_a_users_class_is_named_by_module_and_qualified_name() -> None:
    @dataclasses.dataclass(frozen=True)
    class Cosine(Schedule):  # the name of one of lrdecay's own classes, in another module
        value: float = 0.5

        def _value(self, t: Any, xp: Any) -> Any:
            return self.value

    mine = Cosine(0.25)
    name = f"{__name__}.test_a_users_class_is_named_by_module_and_qualified_name.<locals>.Cosine"
    assert to_config(mine) == {"type": name, "value": 0.25}
    assert from_config(to_config(mine)) == mine
    assert registry()["Cosine"] is lrdecay.Cosine  # lrdecay's own is untouched
    assert mine(3) == 0.25 and mine(np.arange(3)).tolist() == [0.25] * 3


def test_defining_a_class_again_replaces_it() -> None:
    """A notebook cell that defines a schedule class, run twice, must work."""
    source = """
@dataclasses.dataclass(frozen=True)
class Flat(Schedule):
    value: float

    def _value(self, t, xp):
        return self.value
"""
    namespace: dict[str, Any] = {"dataclasses": dataclasses, "Schedule": Schedule}
    exec(compile(source, "<cell>", "exec"), namespace)
    first = namespace["Flat"]
    exec(compile(source, "<cell>", "exec"), namespace)  # the same cell, run again
    second = namespace["Flat"]
    assert first is not second
    name = second._registry_name
    assert registry()[name] is second
    assert from_config({"type": name, "value": 0.5}) == second(0.5)
    assert to_config(first(0.5))["type"] == name
