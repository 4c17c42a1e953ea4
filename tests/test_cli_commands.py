"""``lrdecay plot/show/describe/table/export/compare``: outputs read back and checked against
values computed here, independently of the library; bad input gives exit 2 and one line.

A few tests run the real entry point in a subprocess (``python -m lrdecay``); the rest call
:func:`lrdecay.cli.main` in this process, which is what the entry point runs, to keep the suite
fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest

from lrdecay.cli import main

pytest.importorskip("lrdecay.spec")

WARMUP_COSINE = "warmup(cosine(init_value=3e-4, decay_steps=10000), steps=500)"
COSINE = "Cosine(init_value=0.1, decay_steps=100)"
STAIRCASE = (
    "tf1.exponential_decay(learning_rate=0.1, decay_steps=1000, decay_rate=0.5, staircase=True)"
)
FRAMEWORKS = ("torch", "jax", "tensorflow", "keras", "optax")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lrdecay", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


# --------------------------------------------------------------------------- the curves, by hand
def warmup_cosine(k: np.ndarray) -> np.ndarray:
    """3e-4 reached linearly over 500 steps, then a 10,000-step cosine to 0, then 0."""
    k = k.astype(np.float64)
    t = np.clip(k - 500, 0, 10_000)
    return np.where(k < 500, 3e-4 * k / 500, 3e-4 * 0.5 * (1 + np.cos(np.pi * t / 10_000)))


def cosine(k: np.ndarray) -> np.ndarray:
    t = np.minimum(k.astype(np.float64), 100)
    return 0.1 * 0.5 * (1 + np.cos(np.pi * t / 100))


def linear(k: np.ndarray) -> np.ndarray:
    return 0.1 * (1 - np.minimum(k.astype(np.float64), 100) / 100)


# --------------------------------------------------------------------------- plot
def test_plot_png_through_the_entry_point(tmp_path: Path) -> None:
    """Two overlaid curves in a PNG, decoded: each in its colour, on a white background."""
    image_module = pytest.importorskip("matplotlib.image")
    from lrdecay.viz.plot import PALETTE

    out = tmp_path / "sub" / "two.png"
    result = run("plot", COSINE, "linear(0.1, 0.0, 100)", "-o", str(out), "--steps", "101")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out} (2 schedules)\n"
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    pixels = image_module.imread(out)
    assert pixels.shape[:2] == (450, 800)
    rgb = (pixels[..., :3] * 255).round()
    assert (rgb > 250).all(axis=-1).mean() > 0.7
    for colour in PALETTE[:2]:
        target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(rgb - target).max(axis=-1) <= 12).sum() > 300, colour


def test_plot_svg_in_epochs_with_log_y(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "curve.svg"
    argv = ["plot", WARMUP_COSINE, "-o", str(out), "--log-y", "--units", "epochs"]
    assert main([*argv, "--steps-per-epoch", "100", "--title", "Warm-up", "-q"]) == 0
    assert capsys.readouterr() == ("", "")
    text = out.read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)
    assert root.tag.endswith("svg")
    paths = root.findall(".//{http://www.w3.org/2000/svg}path")
    assert len(paths) > 20
    # matplotlib writes each text's string as a comment beside its glyphs
    for label in ("epoch", "learning rate", "Warm-up", WARMUP_COSINE):
        assert f"<!-- {label} -->" in text, label
    assert "<!-- $\\mathdefault{10^{-4}}$ -->" in text  # a log axis


def test_plot_pdf_and_phase_lines(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "x.PDF"
    assert main(["plot", WARMUP_COSINE, "-o", str(out), "-q"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


# --------------------------------------------------------------------------- show
def test_show_draws_in_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["show", WARMUP_COSINE, COSINE, "--width", "60", "--height", "12", "--no-color"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert WARMUP_COSINE in out and COSINE in out  # the legend
    assert sum(ch in "▀▄▌▐▖▗▘▝▙▚▛▜▞▟█" for ch in out) > 60  # the curves
    assert len(lines) >= 14 and max(len(line) for line in lines) >= 60


def test_show_in_colour_and_epochs(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["show", COSINE, "--color", "--units", "epochs", "--steps-per-epoch", "10"]
    assert main(argv) == 0
    assert "\x1b[" in capsys.readouterr().out


# --------------------------------------------------------------------------- describe
def test_describe_json_through_the_entry_point() -> None:
    result = run("describe", WARMUP_COSINE, "--json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    k = np.arange(10_501)
    expected = warmup_cosine(k)
    assert facts["peak"] == pytest.approx(3e-4, rel=1e-12) and facts["peak_step"] == 500
    assert facts["warmup_end"] == 500
    assert facts["initial"] == 0.0
    assert facts["final"] == pytest.approx(0.0, abs=1e-18) and facts["final_step"] == 10_500
    assert facts["total_steps"] == 10_500
    assert facts["auc"] == pytest.approx(float(np.trapezoid(expected, k)), rel=1e-9)
    assert facts["jumps"] == [] and facts["points"] == 10_501
    assert "cosine" in facts["spec"].lower()


def test_describe_finds_the_jumps_of_a_staircase(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", STAIRCASE, "--steps", "3500", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert [(j["step"], j["before"], j["after"]) for j in facts["jumps"]] == [
        (1000, 0.1, 0.05),
        (2000, 0.05, 0.025),
        (3000, 0.025, 0.0125),
    ]
    assert facts["warmup_end"] is None and facts["total_steps"] is None
    assert facts["final_step"] == 3499 and facts["final"] == 0.0125


def test_describe_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", STAIRCASE, "--steps", "2500"]) == 0
    out = capsys.readouterr().out
    for line in ("peak           0.1 at step 0", "warm-up end    none", "horizon        none"):
        assert line in out
    assert "step 1,000: 0.1 -> 0.05" in out and "step 2,000: 0.05 -> 0.025" in out


# --------------------------------------------------------------------------- table
def test_table_every_k(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", COSINE, "linear(0.1, 0.0, 100)", "--every", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "step" and COSINE.split("(")[0] in lines[0]
    rows = [line.split() for line in lines[1:]]
    steps = np.array([int(row[0].replace(",", "")) for row in rows])
    assert steps.tolist() == [0, 30, 60, 90, 100]  # the last step too
    for column, formula in ((1, cosine), (2, linear)):
        shown = np.array([float(row[column]) for row in rows])
        np.testing.assert_allclose(shown, formula(steps), rtol=1e-5, atol=1e-12)


def test_table_default_spacing_and_too_many_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", WARMUP_COSINE]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[0] for row in rows[:3]] == ["0", "1,000", "2,000"]
    assert main(["table", COSINE, "--steps", "100000", "--every", "1"]) == 2
    assert "use a larger --every" in capsys.readouterr().err


# --------------------------------------------------------------------------- export
def test_export_csv_through_the_entry_point(tmp_path: Path) -> None:
    result = run("export", COSINE, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["step", "learning_rate"]
    steps = np.array([int(r[0]) for r in rows[1:]])
    values = np.array([float(r[1]) for r in rows[1:]])
    assert steps.tolist() == list(range(101))  # 0 to the horizon, included
    np.testing.assert_allclose(values, cosine(steps), rtol=1e-12, atol=1e-17)


def test_export_json_npy_csv_files_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import lrdecay.spec

    for name in ("v.json", "v.npy", "v.csv"):
        assert main(["export", WARMUP_COSINE, "--steps", "1200", "-o", str(tmp_path / name)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'v.npy'} (1,200 steps, npy)" in out
    document = json.loads((tmp_path / "v.json").read_text())
    assert document["first_step"] == 0
    assert lrdecay.spec.parse(document["spec"]) == lrdecay.spec.parse(WARMUP_COSINE)
    from_json = np.array(document["values"])
    from_npy = np.load(tmp_path / "v.npy")
    with (tmp_path / "v.csv").open() as f:
        from_csv = np.array([float(row["learning_rate"]) for row in csv.DictReader(f)])
    assert from_npy.dtype == np.float64 and from_npy.shape == (1200,)
    np.testing.assert_array_equal(from_json, from_npy)  # exact: shortest round-trip text
    np.testing.assert_array_equal(from_csv, from_npy)
    np.testing.assert_allclose(from_npy, warmup_cosine(np.arange(1200)), rtol=1e-12, atol=1e-18)


def test_export_format_flag_wins_and_npy_to_a_pipe(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lrdecay", "export", COSINE, "--format", "npy", "--steps", "7"],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    array = np.load(io.BytesIO(result.stdout))
    np.testing.assert_allclose(array, cosine(np.arange(7)), rtol=1e-12)


def test_export_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rich progress bar on a terminal's stderr; ``--quiet`` silences it and the summary."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    argv = ["export", COSINE, "--steps", str(3 << 20), "--format", "npy"]
    for quiet in (False, True):
        stderr = Terminal()
        monkeypatch.setattr(sys, "stderr", stderr)
        out = tmp_path / f"{quiet}.npy"
        assert main([*argv, "-o", str(out), *(["-q"] if quiet else [])]) == 0
        assert ("exporting" in stderr.getvalue()) is not quiet
        assert (capsys.readouterr().out == "") is quiet
        assert np.load(out, mmap_mode="r").shape == (3 << 20,)


# --------------------------------------------------------------------------- compare
def test_compare_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", COSINE, "linear(0.1, 0.0, 100)", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    k = np.arange(101)
    difference = np.abs(cosine(k) - linear(k))
    assert found["identical"] is False and found["first_step"] == 1
    assert found["max_abs"] == pytest.approx(difference.max(), rel=1e-9)
    assert abs(difference[found["max_abs_step"]] - difference.max()) < 1e-15
    relative = difference / np.maximum(cosine(k), linear(k)).clip(min=1e-300)
    relative[(cosine(k) == 0) & (linear(k) == 0)] = 0
    assert found["max_rel"] == pytest.approx(relative.max(), rel=1e-6)
    assert found["points"] == 101


def test_compare_for_people_with_an_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "both.png"
    assert main(["compare", COSINE, "linear(0.1, 0.0, 100)", "-o", str(out), "--no-color"]) == 0
    text = capsys.readouterr().out
    assert "max |A - B| = " in text and "first differ at step 1" in text
    assert "linear(0.1, 0.0, 100)" in text  # the chart's legend
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["compare", COSINE, "cosine(init_value=0.1, decay_steps=100)", "--no-chart"]) == 0
    assert capsys.readouterr().out == "identical at every step 0-100 (101 steps)\n"


# --------------------------------------------------------------------------- config files
def test_config_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import lrdecay

    (tmp_path / "a.json").write_text(lrdecay.dumps(lrdecay.Cosine(0.1, 100)))
    (tmp_path / "b.yaml").write_text(f"spec: '{COSINE}'\n")
    (tmp_path / "c.toml").write_text(f'spec = "{COSINE}"\n')
    argv = ["compare", str(tmp_path / "a.json"), str(tmp_path / "b.yaml"), "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["identical"] is True
    assert main(["describe", str(tmp_path / "c.toml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_steps"] == 100


# --------------------------------------------------------------------------- bad input
def bad_inputs(tmp_path: Path) -> list[tuple[list[str], str]]:
    (tmp_path / "file").write_text("x")
    (tmp_path / "broken.yaml").write_text("spec: [unclosed\n")
    (tmp_path / "empty.json").write_text("{}")
    return [
        (["plot", "bogus(1)"], "bad SPEC 'bogus(1)': unknown schedule 'bogus'"),
        (["describe", 'Cosine(init_value="a", decay_steps=100)'], "init_value must be a real"),
        (["describe", "Cosine(0.1"], "bad SPEC 'Cosine(0.1'"),
        (["plot"], "Missing argument 'SPEC...'"),
        (["compare", COSINE], "Missing argument 'B'"),
        (["describe", "missing.yaml"], "no such config file: missing.yaml"),
        (["describe", str(tmp_path / "broken.yaml")], "bad config file"),
        (["describe", str(tmp_path / "empty.json")], "bad config file"),
        (["plot", COSINE, "-o", str(tmp_path / "file" / "x.png")], "a parent of it is a file"),
        (["plot", COSINE, "-o", str(tmp_path)], "it is a folder"),
        (["plot", COSINE, "-o", "x.jpg"], "must end in .png, .svg, .pdf"),
        (["export", COSINE, "-o", str(tmp_path / "file" / "x.csv")], "a parent of it is a file"),
        (["plot", COSINE, "--units", "epochs"], "--units epochs needs --steps-per-epoch"),
        (["plot", COSINE, "--steps", "0"], "'--steps'"),
        (["plot", COSINE, "--steps", "ten"], "'ten' is not a valid integer"),
        (["export", COSINE, "--format", "xls"], "'xls' is not one of 'csv', 'json', 'npy'"),
        (["table", COSINE, "--every", "-1"], "'--every'"),
    ]


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, message in bad_inputs(tmp_path):
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        assert captured.out == "", argv
        assert captured.err.startswith("lrdecay: error: "), captured.err
        assert captured.err.count("\n") == 1, captured.err
        assert message in captured.err, (argv, captured.err)
    assert not list(tmp_path.glob("*.png"))


def test_bad_input_in_a_real_process_and_debug(tmp_path: Path) -> None:
    result = run("plot", "cosine(init_value=0.1, decay_stepz=10)", "-o", str(tmp_path / "x.png"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "decay_stepz" in result.stderr
    assert not (tmp_path / "x.png").exists()
    debug = run("--debug", "describe", "bogus(1)")
    assert debug.returncode == 2
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1].startswith("lrdecay: error: bad SPEC")


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    out = tmp_path / "q.png"
    result = run("plot", COSINE, "-o", str(out), "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert out.stat().st_size > 5000


# --------------------------------------------------------------------------- start-up
def test_help_imports_no_framework_nor_matplotlib() -> None:
    heavy = (*FRAMEWORKS, "matplotlib", "PIL", "rich", "uniplot", "yaml")
    code = (
        "import sys, contextlib, io\n"
        "from lrdecay.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['--help'])] + [main([c, '--help']) for c in "
        "('plot', 'show', 'describe', 'table', 'export', 'compare', 'gallery')]\n"
        "print(codes)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str([0] * 8), "[]"]


def test_commands_import_no_framework(tmp_path: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from lrdecay.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['describe', {WARMUP_COSINE!r}]) == 0\n"
        f"    assert main(['show', {COSINE!r}]) == 0\n"
        f"    assert main(['plot', {COSINE!r}, '-o', {str(tmp_path / 'x.png')!r}]) == 0\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- tensorboard, report
READ_RUNS = """
import json, sys
from pathlib import Path
from tensorboard.backend.event_processing import event_accumulator as m

out = {}
for run in sorted(Path(sys.argv[1]).iterdir()):
    acc = m.EventAccumulator(str(run), size_guidance={m.SCALARS: 0, m.IMAGES: 0})
    acc.Reload()
    scalars = acc.Scalars("learning_rate")
    out[run.name] = {
        "steps": [s.step for s in scalars],
        "values": [s.value for s in scalars],
        "images": acc.Tags()["images"],
    }
print(json.dumps(out))
"""


@pytest.mark.slow  # TensorBoard's reader imports TensorFlow when it is installed (seconds)
def test_tensorboard_through_the_entry_point(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    logdir = tmp_path / "logs"
    done = run("tensorboard", COSINE, WARMUP_COSINE, "--logdir", str(logdir), "--every", "7")
    assert done.returncode == 0, done.stderr
    assert "wrote 2 runs" in done.stdout
    read = subprocess.run(
        [sys.executable, "-c", READ_RUNS, str(logdir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert read.returncode == 0, read.stderr[-3000:]
    runs = json.loads(read.stdout.strip().splitlines()[-1])
    assert len(runs) == 2
    for name, formula in (("Cosine", cosine), ("warmup", warmup_cosine)):
        [record] = [r for n, r in runs.items() if n.startswith(name)]
        steps = np.asarray(record["steps"])
        assert steps[0] == 0 and (np.diff(steps) == 7).all()
        # TensorBoard stores float32: within its rounding of the formula written out here
        np.testing.assert_allclose(record["values"], formula(steps), rtol=2**-23, atol=1e-12)
        assert record["images"] == ["learning_rate/figure"]


def test_report_through_the_entry_point(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = run("report", COSINE, STAIRCASE, "-o", str(page), "--title", "Two <candidates>")
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "<title>Two &lt;candidates&gt;</title>" in html  # escaped
    assert "Cosine(init_value=0.1, decay_steps=100)" in html
    assert "tf1.exponential_decay" in html
    # self-contained: nothing is fetched from elsewhere
    assert "<script src=" not in html and "<link " not in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_report_and_tensorboard_refuse_bad_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["report", COSINE, "-o", str(tmp_path / "page.png")]) == 2
    assert "must end in .html" in capsys.readouterr().err
    assert main(["report", COSINE, "-o", str(tmp_path)]) == 2
    assert "it is a folder" in capsys.readouterr().err
    assert main(["tensorboard", COSINE, "--logdir", str(tmp_path / "file")]) == 2
    assert "it is a file" in capsys.readouterr().err
    assert main(["tensorboard", COSINE]) == 2
    assert "--logdir" in capsys.readouterr().err
