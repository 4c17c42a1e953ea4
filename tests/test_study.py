"""lrdecay.study: the digits study's training wiring, its statistics, its outputs, its errors.

The statistics are recomputed here from the recorded runs with Python's ``statistics`` module;
the rate of every update is checked against the schedule's value at that update.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import subprocess
import sys

import pytest
from frameworks import require

import lrdecay
from lrdecay.study import (
    OPTIMIZERS,
    Run,
    StudyResult,
    default_candidates,
    digits,
    run_study,
    updates_per_epoch,
)

require("torch")
require("sklearn")

import torch  # noqa: E402

ABSOLUTE = {
    "cosine": lrdecay.Cosine(0.1, 90, end_value=0.001),
    "warmup + constant": lrdecay.warmup(lrdecay.Constant(0.05), 30),
}


@pytest.fixture(scope="module")
def small() -> StudyResult:
    return run_study(ABSOLUTE, optimizers=["sgd", "adam"], seeds=[0, 1, 2], epochs=2)


def numbers(result: StudyResult) -> list[tuple[object, ...]]:
    return [
        (r.candidate, r.optimizer, r.seed, r.train_loss, r.valid_loss, r.valid_accuracy, r.lrs)
        for r in result.runs
    ]


def test_the_data_is_the_digits_split_once() -> None:
    data = digits()
    assert data.x_train.shape == (1437, 64) and data.x_valid.shape == (360, 64)
    assert data.x_train.min() >= 0 and data.x_train.max() <= 1
    assert sorted(set(data.y_valid.tolist())) == list(range(10))
    assert digits() is data  # loaded once


def test_a_study_gives_identical_numbers_when_run_again(small: StudyResult) -> None:
    again = run_study(ABSOLUTE, optimizers=["sgd", "adam"], seeds=[0, 1, 2], epochs=2)
    assert numbers(again) == numbers(small)
    strip = [{k: v for k, v in row.items() if k != "seconds"} for row in small.summary()]
    assert [{k: v for k, v in row.items() if k != "seconds"} for row in again.summary()] == strip


def test_every_update_uses_the_schedule_at_its_index(small: StudyResult) -> None:
    per_run = updates_per_epoch(32) * 2
    assert per_run == 90
    for run in small.runs:
        assert len(run.lrs) == per_run
        schedule = ABSOLUTE[run.candidate]
        assert run.lrs == [schedule(k) for k in range(per_run)]


def test_shapes_are_multiplied_by_each_optimizers_peak() -> None:
    shape = {"half": lrdecay.Cosine(1.0, 45, end_value=0.5)}
    result = run_study(shape, optimizers=["rmsprop"], seeds=[0], epochs=1, relative=True)
    peak = OPTIMIZERS["rmsprop"].peak_lr
    assert result.runs[0].lrs == pytest.approx([peak * shape["half"](k) for k in range(45)])


def test_seeds_change_the_runs_and_schedules_share_them(small: StudyResult) -> None:
    by = {(r.candidate, r.optimizer, r.seed): r for r in small.runs}
    assert by["cosine", "sgd", 0].valid_loss != by["cosine", "sgd", 1].valid_loss
    assert by["cosine", "sgd", 0].train_loss != by["warmup + constant", "sgd", 0].train_loss


def test_the_summary_is_the_statistics_of_the_runs(small: StudyResult) -> None:
    rows = small.summary()
    assert len(rows) == 4
    for row in rows:
        runs = [
            r
            for r in small.runs
            if r.candidate == row["candidate"] and r.optimizer == row["optimizer"]
        ]
        final = [r.valid_loss[-1] for r in runs]
        accuracy = [r.valid_accuracy[-1] for r in runs]
        assert row["final_loss"] == pytest.approx(statistics.fmean(final), rel=1e-12)
        assert row["final_loss_std"] == pytest.approx(statistics.stdev(final), rel=1e-9)
        assert row["final_accuracy"] == pytest.approx(statistics.fmean(accuracy), rel=1e-12)
        assert row["best_epoch"] == pytest.approx(
            statistics.fmean([r.valid_loss.index(min(r.valid_loss)) + 1 for r in runs])
        )
        assert row["seeds"] == 3 and row["diverged"] == 0
    for optimizer in ("sgd", "adam"):
        group = [row for row in rows if row["optimizer"] == optimizer]
        assert group[0]["final_loss"] <= group[1]["final_loss"]  # best first
        assert group[0]["vs_best"] == 0.0
        best = {r.seed: r.valid_loss[-1] for r in small.runs if r.optimizer == optimizer
                and r.candidate == group[0]["candidate"]}  # fmt: skip
        other = {r.seed: r.valid_loss[-1] for r in small.runs if r.optimizer == optimizer
                 and r.candidate == group[1]["candidate"]}  # fmt: skip
        differences = [other[s] - best[s] for s in best]
        assert group[1]["vs_best"] == pytest.approx(statistics.fmean(differences), rel=1e-9)
        se = statistics.stdev(differences) / math.sqrt(3)
        assert group[1]["vs_best_se"] == pytest.approx(se, rel=1e-9)
        assert group[1]["within_noise"] == (abs(statistics.fmean(differences)) <= 2 * se)


def fake(candidate: str, seed: int, final: float, diverged: bool = False) -> Run:
    loss = [final + 1, final]
    return Run(candidate, "sgd", seed, loss, loss, [0.5, 0.9], [0.1, 0.1], 0.0, diverged)


def test_within_noise_is_a_paired_comparison() -> None:
    a = [1.0, 1.4, 0.7]
    runs = [fake("a", s, v) for s, v in enumerate(a)]
    runs += [fake("shifted", s, v + 0.01) for s, v in enumerate(a)]  # always worse, by 0.01
    runs += [
        fake("noisy", s, v + d) for s, (v, d) in enumerate(zip(a, [0.2, -0.1, -0.05], strict=True))
    ]
    runs += [fake("broken", s, math.nan, diverged=s == 1) for s in range(3)]
    candidates = {name: lrdecay.Constant(0.1) for name in ("a", "shifted", "noisy", "broken")}
    result = StudyResult(candidates, ["sgd"], [0, 1, 2], 2, 32, False, runs)
    rows = {row["candidate"]: row for row in result.summary()}
    assert [row["candidate"] for row in result.summary()][-1] == "broken"
    assert rows["a"]["vs_best"] == 0.0
    # the spread of the seeds (0.35) dwarfs 0.01, but every seed agrees: not noise
    assert rows["shifted"]["vs_best"] == pytest.approx(0.01)
    assert rows["shifted"]["within_noise"] is False
    assert rows["noisy"]["within_noise"] is True
    assert rows["broken"]["diverged"] == 1 and rows["broken"]["within_noise"] is False
    assert "diverged (1/3)" in result.to_markdown()


def test_a_diverging_schedule_is_reported_not_raised() -> None:
    ticks: list[tuple[int, int]] = []
    result = run_study(
        {
            "huge": lrdecay.Constant(1e6),
            "nan": lrdecay.Constant(1e38),
            "fine": lrdecay.Constant(0.1),
        },
        optimizers=["sgd"],
        seeds=[0],
        epochs=2,
        progress=lambda done, total: ticks.append((done, total)),
    )
    rows = {row["candidate"]: row for row in result.summary()}
    assert rows["huge"]["diverged"] == 1 and math.isnan(rows["huge"]["final_loss"])
    assert rows["nan"]["diverged"] == 1
    assert rows["fine"]["diverged"] == 0
    assert ticks[-1] == (270, 270)  # the progress reaches its total
    assert [d for d, _ in ticks] == sorted(d for d, _ in ticks)


def test_the_callers_threads_and_random_state_are_left_alone() -> None:
    threads = torch.get_num_threads()
    torch.manual_seed(1234)
    expected = torch.rand(3)
    torch.manual_seed(1234)
    run_study({"c": lrdecay.Constant(0.1)}, optimizers=["sgd"], seeds=[5], epochs=1)
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.rand(3), expected)


def test_write_gives_the_table_the_data_and_the_figure(small: StudyResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    paths = small.write(tmp_path / "out")
    assert set(paths) == {"markdown", "csv", "json", "figure"}
    with paths["csv"].open() as stream:
        rows = list(csv.DictReader(stream))
    summary = small.summary()
    assert [(r["optimizer"], r["candidate"]) for r in rows] == [
        (r["optimizer"], r["candidate"]) for r in summary
    ]
    assert float(rows[0]["final_loss"]) == pytest.approx(summary[0]["final_loss"])
    data = json.loads(paths["json"].read_text())
    assert data["seeds"] == [0, 1, 2] and data["epochs"] == 2 and len(data["runs"]) == 12
    assert lrdecay.parse(data["candidates"]["cosine"]["spec"]) == ABSOLUTE["cosine"]
    assert lrdecay.from_config(data["candidates"]["cosine"]["config"]) == ABSOLUTE["cosine"]
    table = paths["markdown"].read_text().splitlines()
    assert table[0].startswith("| optimizer | schedule |") and len(table) == 2 + 4
    png = paths["figure"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from matplotlib.image import imread

    image = imread(paths["figure"])
    assert image.shape[0] > 400 and image.shape[1] > 800  # two panels per optimizer, a legend
    assert float(image[..., :3].std()) > 0.05  # not blank


def test_default_candidates_are_shapes_that_end_with_the_run() -> None:
    for total in (100, 900, 5000):
        shapes = default_candidates(total)
        assert len(shapes) == 15 and "constant" in shapes and "wsd" in shapes
        for name, shape in shapes.items():
            values = shape(torch.arange(total + 1, dtype=torch.float64).numpy())
            # (TensorFlow's linear cosine peaks at 1 + alpha + beta = 1.002)
            assert values.max() == pytest.approx(1.0, rel=2.1e-3), name
            assert values.min() >= 0, name
            if name == "exponential + burn-in":  # the burn-in delays the stairs: 9 of 10 taken
                assert values[total] == pytest.approx(0.01**0.9, rel=1e-6)
            elif name not in ("constant", "cosine restarts"):
                assert values[total] <= 0.0101, name  # decays end with the run
        # three cycles of T/7, 2T/7 and 4T/7: the last ends with the run
        restarts = shapes["cosine restarts"]
        assert restarts(total - 1) < 0.01
        assert [k for k in range(1, total) if restarts(k) > restarts(k - 1)] == [
            math.ceil(total / 7),
            math.ceil(3 * total / 7),
        ]
        # exponential reaches 1 % at the end: 0.01 ** (t / T) at t = T
        assert shapes["exponential"](total) == pytest.approx(0.01, rel=1e-6)
        assert shapes["inverse time"](total) == pytest.approx(0.01, rel=1e-6)
    with pytest.raises(ValueError, match="total_steps must be >= 20, got 5"):
        default_candidates(5)


def test_the_default_study_covers_the_candidates_and_optimizers() -> None:
    result = run_study(optimizers=["adagrad"], seeds=[0], epochs=1)
    assert list(result.candidates) == list(default_candidates(45))
    assert result.relative is True
    assert {r.candidate for r in result.runs} == set(result.candidates)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(optimizers=["sgd", "lbfgs"]), ValueError, "unknown optimizer 'lbfgs'"),
        (dict(optimizers=[]), ValueError, "at least one optimizer"),
        (dict(optimizers=["sgd", "sgd"]), ValueError, "must not repeat"),
        (dict(seeds=[]), ValueError, "seeds must hold at least one seed"),
        (dict(seeds=[0.5]), TypeError, "seeds must be an integer"),
        (dict(epochs=0), ValueError, "epochs"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(candidates={}), ValueError, "at least one schedule"),
        (dict(candidates={"x": 0.1}), TypeError, "candidate 'x' must be a lrdecay Schedule"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, object], error: type, match: str) -> None:
    kwargs.setdefault("candidates", {"c": lrdecay.Constant(0.1)})
    with pytest.raises(error, match=match):
        run_study(**kwargs)  # type: ignore[arg-type]


def test_importing_the_study_imports_no_framework() -> None:
    code = (
        "import sys, lrdecay.study, lrdecay.lr_finder, lrdecay.scaling; "
        "print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_study_config_names_candidates_and_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from lrdecay.study import load_study

    yaml_file = tmp_path / "study.yaml"
    yaml_file.write_text(
        "candidates:\n"
        "  cosine: cosine(0.1, 900)\n"
        "  held: {spec: 'hold(cosine(0.1, 800), 100)'}\n"
        f"  typed: {json.dumps(lrdecay.to_config(lrdecay.Constant(0.05)))}\n"
        "optimizers: [SGD, adam]\nseeds: [3, 4]\nepochs: 5\nbatch_size: 16\nrelative: false\n"
    )
    config = load_study(yaml_file)
    assert config == {
        "candidates": {
            "cosine": lrdecay.Cosine(0.1, 900),
            "held": lrdecay.hold(lrdecay.Cosine(0.1, 800), 100),
            "typed": lrdecay.Constant(0.05),
        },
        "optimizers": ["sgd", "adam"],
        "seeds": [3, 4],
        "epochs": 5,
        "batch_size": 16,
        "relative": False,
    }
    toml_file = tmp_path / "study.toml"
    toml_file.write_text('candidates = ["cosine(0.1,  90)"]\nseeds = 2\n')
    assert load_study(toml_file) == {
        "candidates": {"cosine(0.1, 90)": lrdecay.Cosine(0.1, 90)},
        "seeds": [0, 1],
    }


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[1, 2]", "a study config is a mapping"),
        ("{epoch: 3}", "unknown key 'epoch'"),
        ("{candidates: {}}", "candidates must be a non-empty mapping"),
        ("{candidates: {a: 'cosin(1, 2)'}}", "did you mean 'cosine'"),
        ("{seeds: 0}", "seeds must be a count >= 1"),
        ("{seeds: [1, true]}", "seeds must be a count"),
        ("{epochs: 2.5}", "epochs must be an integer >= 1, got 2.5"),
        ("{relative: 1}", "relative must be true or false"),
        ("{optimizers: [1]}", "optimizers must be a list of names"),
        ("{candidates: {a: __import__('os')}}", "candidates.a"),
    ],
)
def test_a_bad_study_config_is_named(tmp_path, text: str, match: str) -> None:  # type: ignore[no-untyped-def]
    from lrdecay.spec import SpecError
    from lrdecay.study import load_study

    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(SpecError, match=match):
        load_study(path)
