"""The spec language (``lrdecay.spec``): parsing, writing back, config files, errors, safety."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from catalogue import EXAMPLES
from hypothesis import given
from strategies import schedules

import lrdecay
from lrdecay import Schedule
from lrdecay.compat import optax, tf1, torch
from lrdecay.spec import DIALECTS, SpecError, load, names, parse, to_spec


# --------------------------------------------------------------------------- what a spec builds
def test_the_issues_examples_build_what_they_say() -> None:
    assert parse("warmup(cosine(init_value=3e-4, decay_steps=10000), steps=500)") == (
        lrdecay.warmup(lrdecay.Cosine(init_value=3e-4, decay_steps=10000), steps=500)
    )
    assert parse("tf1.cosine_decay(learning_rate=0.01, decay_steps=10000, alpha=0.001)") == (
        tf1.cosine_decay(learning_rate=0.01, global_step=None, decay_steps=10000, alpha=0.001)
    )
    assert parse("torch.OneCycleLR(lr=0.1, max_lr=0.1, total_steps=1000)") == (
        torch.OneCycleLR(lr=0.1, max_lr=0.1, total_steps=1000)
    )


def test_values_of_every_kind() -> None:
    s = parse(
        "optax.piecewise_constant_schedule(init_value=0.1, "
        "boundaries_and_scales={100: 0.5, 200: 0.1})"
    )
    assert s == optax.piecewise_constant_schedule(0.1, {100: 0.5, 200: 0.1})
    s = parse("Join(schedules=[cosine(1.0, 10), Constant(0.5)], boundaries=(10,))")
    assert s == lrdecay.Join([lrdecay.Cosine(1.0, 10), lrdecay.Constant(0.5)], [10])
    assert parse("Clip(Cosine(1.0, 10), min_value=-0.5, max_value=+0.9)") == lrdecay.Clip(
        lrdecay.Cosine(1.0, 10), min_value=-0.5, max_value=0.9
    )
    with pytest.raises(SpecError, match=r"max_value must be finite, got inf"):  # inf reads as inf
        parse("Clip(Cosine(1.0, 10), max_value=inf)")
    assert parse("ramp(0.0, 1.0, 10, shape='cosine')") == lrdecay.Ramp(0.0, 1.0, 10, "cosine")
    assert parse("one_cycle(0.004, 0.1, 4e-7, 1000, three_phase=True)") == lrdecay.OneCycle(
        0.004, 0.1, 4e-7, 1000, three_phase=True
    )
    assert parse("Restarts(Cosine(1.0, 10), 10, max_cycles=None)") == lrdecay.Restarts(
        lrdecay.Cosine(1.0, 10), 10
    )
    assert parse("0.25") == lrdecay.Constant(0.25)


def test_arithmetic_on_schedules() -> None:
    c = lrdecay.Cosine(1.0, decay_steps=100)
    s = parse("0.5 * Cosine(init_value=1.0, decay_steps=100) + 0.01")
    steps = np.arange(0, 120, 7)
    np.testing.assert_array_equal(s(steps), (0.5 * c + 0.01)(steps))
    d = parse("(Cosine(1.0, 100) - 0.25) / 2")
    np.testing.assert_allclose(d(steps), (c(steps) - 0.25) / 2, rtol=1e-15)
    assert parse("-Cosine(1.0, 100)")(0) == -1.0


def test_snake_case_names_are_the_classes() -> None:
    table = names()
    for name, cls in lrdecay._core.registry().items():
        if cls.__module__.startswith("lrdecay."):
            assert table[name] is cls
    assert table["one_cycle"] is lrdecay.OneCycle
    assert table["wsd"] is lrdecay.WSD
    assert table["gaussian_noise"] is lrdecay.GaussianNoise
    assert table["natural_exponential"] is lrdecay.NaturalExponential
    assert table["timm_noise"] is lrdecay.TimmNoise


@pytest.mark.parametrize("prefix", DIALECTS)
def test_every_dialect_function_has_a_spec_name(prefix: str) -> None:
    import importlib

    module = importlib.import_module(f"lrdecay.compat.{prefix}")
    table = names(prefix)
    functions = {n for n in module.__all__ if callable(getattr(module, n))}
    assert set(table) == {f"{prefix}.{n}" for n in functions} and functions


# --------------------------------------------------------------------------- writing back
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_catalogue_schedule_round_trips(name: str) -> None:
    schedule = EXAMPLES[name]
    text = to_spec(schedule)
    assert parse(text) == schedule, text
    assert parse(str(schedule)) == schedule  # str() is a spec too (every field written)


@given(schedules())
def test_any_composition_round_trips(schedule: Schedule) -> None:
    text = to_spec(schedule)
    again = parse(text)
    assert again == schedule
    assert to_spec(again) == text
    assert parse(str(schedule)) == schedule


def test_to_spec_leaves_out_defaults() -> None:
    assert to_spec(lrdecay.Cosine(0.1, 1000)) == "Cosine(init_value=0.1, decay_steps=1000)"
    assert to_spec(lrdecay.Cosine(0.1, 1000, end_value=0.01)) == (
        "Cosine(init_value=0.1, decay_steps=1000, end_value=0.01)"
    )
    with pytest.raises(TypeError, match="to_spec: schedule must be a Schedule"):
        to_spec("cosine")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("cosin(0.1, 100)", r"^unknown schedule 'cosin' at column 1; did you mean 'cosine'\?$"),
        (
            "warmup(cosine(0.1, 100), stps=10)",
            r"^warmup\(\.\.\.\) at column 1: .*stps",
        ),
        (
            "torch.OneCycleL(lr=0.1, max_lr=0.1, total_steps=10)",
            r"unknown schedule 'torch.OneCycleL' at column 1; did you mean 'torch.OneCycleLR'\?",
        ),
        ("warmup(Cosine(0.1, -5), 10)", r"^Cosine\(\.\.\.\) at column 8: Cosine: decay_steps"),
        ("cosine(0.1, 100", r"^invalid spec at column \d+: "),
        ("", r"^empty spec"),
        ("cosine", r"'cosine' must be called: write cosine\(\.\.\.\) at column 1"),
        ("ramp(0.0, 1.0, 10, shape=cosine)", r"must be called"),
        ("ramp(0.0, 1.0, 10, shape=linearly)", r"unknown name 'linearly' \(strings are quoted\)"),
        ("'cosine'", r"must describe a schedule, got 'cosine'"),
        ("[cosine(0.1, 10)]", r"must describe a schedule"),
        ("cosine(0.1, 10) ** 2", r"BinOp|not allowed"),
        ("cosine(*[0.1, 10])", r"'\*' is not allowed"),
        ("cosine(**{'init_value': 0.1})", r"'\*\*' is not allowed"),
        ("cosine(0.1, 10)[0]", r"Subscript is not allowed"),
        ("lambda: 0", r"Lambda is not allowed"),
        ("cosine(0.1, 1j)", r"1j is not a number"),
        ("cosine(0.1, 10) + 'a'", r"\+ - \* / take schedules and numbers"),
        ("Constant(1.0) / 0", r"cannot divide a schedule by 0"),
    ],
)
def test_errors_say_what_and_where(text: str, pattern: str) -> None:
    with pytest.raises(SpecError, match=pattern):
        parse(text)


def test_nothing_is_evaluated_or_imported(tmp_path: Path) -> None:
    """Text that would run code in Python is refused before anything is built."""
    marker = tmp_path / "ran"
    attacks = [
        f"__import__('os').system('touch {marker}')",
        f"open('{marker}', 'w')",
        "().__class__.__bases__[0].__subclasses__()",
        "os.system('true')",
        "lrdecay.spec.parse('cosine(0.1, 10)')",
        "[x for x in (1,)]",
        "f'{1}'",
        "cosine(0.1, __import__('os').getpid())",
    ]
    for text in attacks:
        with pytest.raises(SpecError):
            parse(text)
    assert not marker.exists()
    with pytest.raises(TypeError, match="parse: text must be a str"):
        parse(b"cosine(0.1, 10)")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="at most"):
        parse("1" * 200_000)
    with pytest.raises(SpecError):
        parse("(" * 5000 + "1" + ")" * 5000)


# --------------------------------------------------------------------------- config files
SCHEDULE = lrdecay.warmup(lrdecay.Cosine(0.1, decay_steps=900), steps=100)


def test_json_yaml_and_toml_configs(tmp_path: Path) -> None:
    import yaml

    config = lrdecay.to_config(SCHEDULE)
    (tmp_path / "a.json").write_text(json.dumps(config))
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(config))
    (tmp_path / "b.yml").write_text(yaml.safe_dump({"spec": to_spec(SCHEDULE)}))
    (tmp_path / "c.yaml").write_text("warmup(cosine(0.1, 900), steps=100)\n")
    (tmp_path / "a.toml").write_text(
        'type = "Join"\nboundaries = [100]\n\n'
        '[[schedules]]\ntype = "Polynomial"\ninit_value = 0.0\nend_value = 0.1\n'
        "decay_steps = 100\n\n"
        '[[schedules]]\ntype = "Cosine"\ninit_value = 0.1\ndecay_steps = 900\n'
    )
    (tmp_path / "b.toml").write_text('spec = "warmup(cosine(0.1, 900), steps=100)"\n')
    for name in ("a.json", "a.yaml", "b.yml", "c.yaml", "a.toml", "b.toml"):
        assert load(tmp_path / name) == SCHEDULE, name
    assert lrdecay.load(str(tmp_path / "a.json")) == SCHEDULE


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("s.txt", "cosine(0.1, 10)", r"unknown config format '.txt'"),
        ("s.json", "{", r"not valid JSON"),
        ("s.toml", "type = ", r"not valid TOML"),
        ("s.yaml", "a: [", r"not valid YAML"),
        ("s.yaml", "!!python/object/apply:os.system ['true']", r"not valid YAML"),
        ("s.json", '{"type": "Cosin", "init_value": 0.1}', r"Cosin"),
        ("s.json", "[1, 2]", r"expected a schedule config"),
        ("s.json", '{"spec": 3}', r"'spec' must be a string"),
        ("s.yaml", "cosin(0.1, 10)", r"did you mean 'cosine'"),
    ],
)
def test_bad_config_files_are_named(tmp_path: Path, name: str, content: str, pattern: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SpecError, match=pattern):
        load(path)


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        load(tmp_path / "missing.json")
