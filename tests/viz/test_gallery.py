"""lrdecay.viz.gallery end to end (the report page itself: tests/viz/test_report*.py)."""

from __future__ import annotations

import hashlib
import html
import importlib.util
import inspect
import re
import struct
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdecay.viz.gallery
import lrdecay.viz.plot
from lrdecay.compat import tf1
from lrdecay.survey import FIGURES, MAX_STEP, SUMMARY_STEP
from lrdecay.viz.gallery import PIP_HINT, GalleryResult, formula, render_gallery
from lrdecay.viz.mathsvg import formula_html
from lrdecay.viz.report import math_block, symbol_legend

pytest.importorskip("matplotlib")
pytest.importorskip("tensorboard")

LOGGED_STEPS = np.arange(0, MAX_STEP, SUMMARY_STEP)
BY_NAME = {figure.name: figure for figure in FIGURES}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "img":
            self.images.append(values["src"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if values.get("id"):
            self.ids.append(values["id"] or "")


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def card_formulas(page: str) -> dict[str, str]:
    """``{card id: the LaTeX source the card shows under its typeset formula}``."""
    cards = re.findall(r'<section class="card" id="([^"]*)">(.*?)</section>', page, re.DOTALL)
    formulas = {}
    for anchor, body in cards:
        shown = re.search(r"<summary>LaTeX</summary><pre>(.*?)</pre>", body, re.DOTALL)
        assert shown is not None, anchor
        formulas[html.unescape(anchor)] = html.unescape(shown.group(1))
    return formulas


def founding_document_mentions(text: str) -> list[str]:
    """Each "seed" in ``text`` other than a random seed (``seed=``, "random seed"), in context."""
    text = re.sub(r"random seeds?|\bseed\s*=", "", text, flags=re.IGNORECASE)
    return re.findall(r".{0,40}seed.{0,40}", text, flags=re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[GalleryResult, list[str]]:
    lines: list[str] = []
    out = tmp_path_factory.mktemp("gallery") / "out"
    return render_gallery(out, progress=lines.append), lines


# --------------------------------------------------------------------------- images
def test_one_valid_png_per_figure(built: tuple[GalleryResult, list[str]]) -> None:
    result, _ = built
    Image = pytest.importorskip("PIL.Image")
    assert [p.name for p in result.images] == [f"{f.name}.png" for f in FIGURES]
    assert sorted(p.name for p in result.out_dir.glob("*.png")) == sorted(
        f"{f.name}.png" for f in FIGURES
    )
    digests = set()
    for path in result.images:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
        assert struct.unpack(">II", data[16:24]) == (800, 450)
        assert 8_000 < len(data) < 200_000
        with Image.open(path) as image:
            image.verify()
        digests.add(hashlib.sha256(data).hexdigest())
    assert len(digests) == len(FIGURES)  # every figure shows something different


def test_legends_name_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each PNG's legend holds one label, the figure's name: the file's name without ".png"."""
    legends: list[tuple[str, ...]] = []

    class Recording(lrdecay.viz.plot.Plotter):
        def render(self, *args: Any, **kwargs: Any) -> np.ndarray:
            pixels = super().render(*args, **kwargs)
            legends.append(self.legend_labels)
            return pixels

    monkeypatch.setattr(lrdecay.viz.plot, "Plotter", Recording)
    result = render_gallery(tmp_path)
    assert legends == [(path.stem,) for path in result.images]
    assert legends == [(figure.name,) for figure in FIGURES]
    assert ("exponential_decay_staircase",) in legends


def test_figures_share_their_axes(built: tuple[GalleryResult, list[str]]) -> None:
    """Same axes everywhere: the pixels below the title and outside the curve area agree."""
    result, _ = built
    Image = pytest.importorskip("PIL.Image")
    with Image.open(result.images[0]) as a, Image.open(result.images[-1]) as b:
        left_a, left_b = np.asarray(a)[60:, :85], np.asarray(b)[60:, :85]  # y tick labels
    np.testing.assert_array_equal(left_a, left_b)


# --------------------------------------------------------------------------- TensorBoard
@pytest.mark.slow  # TensorBoard's reader imports TensorFlow when it is installed (seconds)
def test_tensorboard_runs_hold_every_curve(built: tuple[GalleryResult, list[str]]) -> None:
    result, _ = built
    module = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    methods = list(dict.fromkeys(f.method for f in FIGURES))
    assert [p.parent.name for p in result.event_files] == methods
    assert sorted(p.name for p in (result.out_dir / "tensorboard").iterdir()) == sorted(methods)
    assert result.scalars == len(FIGURES) * LOGGED_STEPS.size == 38_000
    for method in methods:
        run = result.out_dir / "tensorboard" / method
        assert len(list(run.glob("events.out.tfevents.*"))) == 1
        acc = module.EventAccumulator(str(run), size_guidance={module.SCALARS: 0})
        acc.Reload()
        figures = [f for f in FIGURES if f.method == method]
        assert sorted(acc.Tags()["scalars"]) == sorted(f.curve.tag for f in figures)
        for figure in figures:
            scalars = acc.Scalars(figure.curve.tag)
            assert len(scalars) == 2000
            assert [s.step for s in scalars] == LOGGED_STEPS.tolist()
            got = np.array([s.value for s in scalars])
            expected = figure.curve.schedule()(LOGGED_STEPS)
            np.testing.assert_allclose(got, expected, rtol=2**-24, atol=0)
            np.testing.assert_array_equal(got.astype(np.float32), expected.astype(np.float32))


# --------------------------------------------------------------------------- index.html
def test_index_shows_every_figure(built: tuple[GalleryResult, list[str]]) -> None:
    result, _ = built
    assert result.index == result.out_dir / "index.html"
    page = result.index.read_text(encoding="utf-8")
    parsed = parse(page)
    assert parsed.images == [f"{f.name}.png" for f in FIGURES]
    for source in parsed.images:
        assert (result.out_dir / source).is_file()
    for figure in FIGURES:
        assert html.escape(figure.title) in page
        assert figure.name in parsed.ids
        assert f"tf1.{figure.curve.function}(" in page
        assert f"<code>{html.escape(figure.curve.tag)}</code>" in page
    # The formulas, typeset as inline SVG and as LaTeX, from the tf1 docstrings.
    assert page.count('<span class="formula"><svg') == len(FIGURES)
    assert r"\lfloor t/T \rfloor" in page and r"\begin{cases}" in page
    # Self-contained: nothing to fetch; the only script is inline.
    assert 'src="http' not in page and "<link" not in page
    assert not [u for u in parsed.images + parsed.links if re.match(r"[a-z]+:", u)]
    assert "canvas" in parsed.tags and 'id="lrdecay-data"' in page


def test_each_card_shows_its_own_formula(built: tuple[GalleryResult, list[str]]) -> None:
    result, _ = built
    shown = card_formulas(result.index.read_text(encoding="utf-8"))
    assert list(shown) == [figure.name for figure in FIGURES]
    page = result.index.read_text(encoding="utf-8")
    for figure in FIGURES:
        latex = formula(figure)
        assert latex is not None, figure.name
        assert shown[figure.name] == latex, figure.name
        assert formula_html(latex) in page, figure.name  # typeset, not the fallback
        assert formula_html(latex).startswith('<span class="formula"><svg'), figure.name
    # Piecewise constant decay without warm-up: constant from step 0, no ramp, no warm-up.
    plain, warm = shown["piecewise_no_warmup"], shown["piecewise_with_warmup"]
    assert plain != warm
    assert r"\begin{cases} r_0 & t < b_0" in plain
    assert "r_1 - r_0" not in plain and r"r_0 + (r_1 - r_0)\,t/b_0" in warm
    assert plain.split(r"\\", 1)[1] == warm.split(r"\\", 1)[1]  # the later rates
    # Staircase curves show the floor, continuous ones do not.
    for name, text in shown.items():
        staircase = BY_NAME[name].curve.params.get("staircase")
        if staircase is True:
            assert r"\lfloor" in text, name
        elif staircase is False:
            assert r"\lfloor" not in text and "staircase" not in text, name
    assert r"\lfloor (t-B)/T \rfloor" in shown["exponential_decay_with_burnin"]  # staircase


def test_formula_variants_are_typeset_by_mathtext() -> None:
    for (function, parameter, _), latex in lrdecay.viz.gallery._FORMULAS.items():
        assert parameter in inspect.signature(getattr(tf1, function)).parameters
        assert latex.startswith("v(t) = ")
        assert formula_html(latex).startswith('<span class="formula"><svg'), (function, latex)
    # A figure whose variant has no entry shows its function's docstring formula.
    cosine = BY_NAME["cosine_decay"]
    assert formula(cosine) == math_block(tf1.cosine_decay)
    with pytest.raises(TypeError, match="figure must be a SurveyFigure, got 'cosine_decay'"):
        formula("cosine_decay")  # type: ignore[arg-type]


def test_the_gallery_speaks_of_the_survey(built: tuple[GalleryResult, list[str]]) -> None:
    result, _ = built
    page = result.index.read_text(encoding="utf-8")
    assert founding_document_mentions(page) == []
    assert "the survey of TensorFlow 1&#x27;s learning-rate decay strategies" in page


# --------------------------------------------------------------------------- progress, result
def test_progress_and_summary(built: tuple[GalleryResult, list[str]]) -> None:
    result, lines = built
    figure_lines = [line for line in lines if line.startswith("[") and "/19]" in line]
    assert figure_lines == [f"[{i:>2}/19] {f.name}" for i, f in enumerate(FIGURES, start=1)]
    assert any(line.startswith("[tensorboard]") for line in lines)
    assert lines[-1].startswith("[report]")
    summary = result.summary()
    assert "19 figures" in summary and str(result.out_dir) in summary
    assert re.search(r"in \d+\.\d\d s", summary)
    for phase in ("evaluate", "tensorboard", "matplotlib", "render", "encode", "report"):
        assert result.timings[phase] >= 0
    assert result.seconds >= result.timings["render"]


def test_progress_true_prints_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    render_gallery(tmp_path, progress=True, figures=FIGURES[:2])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "[1/2] piecewise_decay" in captured.err
    render_gallery(tmp_path, figures=FIGURES[:2])
    assert capsys.readouterr() == ("", "")


def test_rerun_replaces_rather_than_duplicates(tmp_path: Path) -> None:
    figures = FIGURES[1:3]  # one run (exponential_decay), two tags
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("keep me")
    first = render_gallery(tmp_path, figures=figures)
    second = render_gallery(tmp_path, figures=figures)
    run = tmp_path / "tensorboard" / "exponential_decay"
    assert list(run.glob("events.out.tfevents.*")) == list(second.event_files)
    assert first.event_files != second.event_files
    assert unrelated.read_text() == "keep me"


# --------------------------------------------------------------------------- errors
def test_out_dir_that_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        render_gallery(file)
    with pytest.raises(NotADirectoryError, match="a parent of it is a file"):
        render_gallery(file / "below")
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "tensorboard").write_text("x")
    with pytest.raises(NotADirectoryError, match="tensorboard"):
        render_gallery(tmp_path / "g")


def test_missing_dependency_is_reported_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def without_matplotlib(name: str, *args: Any) -> Any:
        return None if name == "matplotlib" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_matplotlib)
    with pytest.raises(ImportError, match=re.escape(PIP_HINT)):
        render_gallery(tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("figures", "error"),
    [
        ((), ValueError),
        ((FIGURES[0], FIGURES[0]), ValueError),
        (FIGURES[0], TypeError),
        (("piecewise_decay",), TypeError),
    ],
)
def test_bad_figures(tmp_path: Path, figures: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        render_gallery(tmp_path, figures=figures)


def test_bad_progress(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="progress"):
        render_gallery(tmp_path, progress="yes", figures=FIGURES[:1])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- report pieces
def test_every_survey_function_has_a_formula_mathtext_typesets() -> None:
    for figure in FIGURES:
        latex = math_block(getattr(tf1, figure.curve.function))
        assert latex, figure.curve.function
        assert latex.startswith("v")
        assert formula_html(latex).startswith('<span class="formula"><svg'), latex


def test_math_block_forms() -> None:
    assert math_block("A.\n\n.. math:: x^2\n\nB.") == "x^2"
    doc = "A.\n\n    .. math::\n        a\n        + b\n\n    B."
    assert math_block(doc) == "a\n+ b"
    assert math_block("") is None and math_block(None) is None


def test_symbol_legend_of_tf1() -> None:
    legend = symbol_legend(tf1.exponential_decay)
    assert legend == {"learning_rate": r"\eta", "decay_steps": "T", "decay_rate": "r"}
    assert symbol_legend("No arguments.") == {}
