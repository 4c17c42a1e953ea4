"""``lrdecay study`` and ``lrdecay find-lr`` through the real entry point (``python -m lrdecay``):
their files read back, the rates checked against the SPECs' formulas written here, bad input
ending with exit 2 and one line."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from frameworks import require

require("torch")
require("sklearn")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lrdecay", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_study_trains_each_spec_with_each_optimizer(tmp_path: Path) -> None:
    out = tmp_path / "study"
    result = run(
        "study",
        "cosine(init_value=0.05, decay_steps=90)",
        "linear(0.05, 0.0, 90)",
        "--optimizer",
        "sgd,Adam",
        "--seeds",
        "2",
        "--epochs",
        "2",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "vs best" in result.stdout and "wrote" in result.stdout
    data = json.loads((out / "study.json").read_text())
    assert data["seeds"] == [0, 1] and set(data["optimizers"]) == {"sgd", "adam"}
    assert data["relative"] is False
    runs = data["runs"]
    assert len(runs) == 2 * 2 * 2
    for record in runs:
        lrs = record["lrs"]
        assert len(lrs) == 90
        if record["candidate"].startswith("cosine"):
            expected = [0.025 * (1 + math.cos(math.pi * k / 90)) for k in range(90)]
        else:
            expected = [0.05 * (1 - k / 90) for k in range(90)]
        assert lrs == pytest.approx(expected, rel=1e-12, abs=1e-17)
    with (out / "study.csv").open() as stream:
        assert len(list(csv.DictReader(stream))) == 4
    assert (out / "study.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "study.md").read_text().count("\n") == 2 + 4


def test_find_lr_prints_a_suggestion_and_draws_it(tmp_path: Path) -> None:
    result = run("find-lr", "--optimizer", "adam", "--steps", "60", "-o", "f.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "suggested peak learning rate" in result.stdout
    assert (tmp_path / "f.svg").read_text().lstrip().startswith("<?xml")
    as_json = run("find-lr", "--steps", "60", "--json", "-o", "f.png", cwd=tmp_path)
    data = json.loads(as_json.stdout)
    assert len(data["lrs"]) <= 60 and data["suggested_lr"] == pytest.approx(
        data["min_loss_lr"] / 10
    )
    assert data["lrs"][0] == pytest.approx(1e-6) and data["figure"].endswith("f.png")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("study", "--optimizer", "lbfgs"), "unknown optimizer 'lbfgs'"),
        (("study", "--optimizer", "sgd,sgd"), "names an optimizer twice"),
        (("study", "cosin(0.1, 10)"), "did you mean 'cosine'"),
        (("study", "--epochs", "0"), "--epochs"),
        (("find-lr", "--start-lr", "1", "--end-lr", "0.5"), "must be > --start-lr 1"),
        (("find-lr", "-o", "x.txt"), "must end in .png, .svg, .pdf"),
        (("find-lr", "--optimizer", "lamb"), "--optimizer"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lrdecay: error:"), result.stderr
    assert message in lines[0]
    assert not (tmp_path / "study").exists()


def test_study_reads_a_config_and_the_command_line_wins(tmp_path: Path) -> None:
    (tmp_path / "study.yaml").write_text(
        "candidates:\n  slow: cosine(0.01, 45)\n  fast: cosine(0.1, 45)\n"
        "optimizers: [sgd]\nseeds: 3\nepochs: 3\n"
    )
    result = run("study", "--config", "study.yaml", "--epochs", "1", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = json.loads((tmp_path / "study" / "study.json").read_text())
    assert data["epochs"] == 1 and data["seeds"] == [0, 1, 2]
    assert set(data["candidates"]) == {"slow", "fast"}
    assert {r["optimizer"] for r in data["runs"]} == {"sgd"}
    bad = run("study", "--config", "missing.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and "cannot read missing.yaml" in bad.stderr


def test_find_lr_offers_every_optimizer_of_the_study() -> None:
    import click

    from lrdecay.cli import cli
    from lrdecay.study import OPTIMIZERS

    option = next(p for p in cli.commands["find-lr"].params if p.name == "optimizer")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == list(OPTIMIZERS)
