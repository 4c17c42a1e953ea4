"""lrdecay.viz.plot: PNG plots that show the right curves, from a reusable Agg figure."""

from __future__ import annotations

import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdecay
import lrdecay.viz
from lrdecay import Clip, Constant, Cosine, Exponential, GaussianNoise, Join, Restarts, Sum
from lrdecay.compat import tf1
from lrdecay.viz.plot import (
    DEFAULT_STOP,
    FORMATS,
    MAX_POINTS,
    PALETTE,
    Plotter,
    default_steps,
    horizon,
    output_format,
    padded_ylim,
    plot_schedules,
    save_png,
)

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, after checking the PNG's structure and CRCs."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    assert data.endswith(b"IEND\xaeB`\x82")
    with Image.open(path) as image:
        image.verify()
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)


def pixels_of(image: np.ndarray, colour: str, tolerance: int = 10) -> np.ndarray:
    """(row, column) of the pixels within ``tolerance`` of ``colour``."""
    difference = np.abs(image[..., :3].astype(np.int16) - rgb(colour)).max(axis=-1)
    return np.argwhere(difference <= tolerance)


# --------------------------------------------------------------------------- plot_schedules
def test_plot_one_schedule(tmp_path: Path) -> None:
    schedule = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
    path = plot_schedules(schedule, tmp_path / "sub" / "one.png")
    assert path == tmp_path / "sub" / "one.png"
    assert png_size(path) == (800, 450)
    assert 5_000 < path.stat().st_size < 300_000
    with Image.open(path) as image:
        assert image.mode == "RGB"
        array = np.asarray(image)
    assert len(pixels_of(array, PALETTE[0])) > 500  # the curve is drawn
    assert (array > 250).all(axis=-1).mean() > 0.7  # on a white background


def test_plot_several_schedules_one_colour_each(tmp_path: Path) -> None:
    schedules = {
        "cosine": lrdecay.Cosine(init_value=0.1, decay_steps=1000),
        "linear": lrdecay.linear(0.1, 0.0, 1000),
        "constant": lrdecay.Constant(0.05),
    }
    path = plot_schedules(schedules, tmp_path / "three.png", steps=1200, dpi=80)
    assert png_size(path) == (640, 360)
    with Image.open(path) as image:
        array = np.asarray(image)
    for colour in PALETTE[:3]:
        assert len(pixels_of(array, colour)) > 100


def test_pairs_are_accepted_and_size_options(tmp_path: Path) -> None:
    pairs = [("a", lrdecay.Constant(1.0)), ("b", lrdecay.Constant(2.0))]
    path = plot_schedules(pairs, tmp_path / "p.png", steps=range(0, 100, 5), width=5, height=3)
    assert png_size(path) == (500, 300)


def test_exported_from_lrdecay_viz() -> None:
    assert lrdecay.viz.plot_schedules is plot_schedules
    assert "plot_schedules" in lrdecay.viz.__all__


@pytest.mark.parametrize("suffix", [".svg", ".SVG", ".pdf", ".Pdf", ".png", ".PNG"])
def test_the_extension_sets_the_format(tmp_path: Path, suffix: str) -> None:
    schedules = {
        "cosine": lrdecay.warmup(Cosine(init_value=0.1, decay_steps=900), steps=100),
        "noise": GaussianNoise(std=0.01, seed=3),
    }
    path = plot_schedules(schedules, tmp_path / f"plot{suffix}", title="Two $curves$")
    assert path == tmp_path / f"plot{suffix}"
    data = path.read_bytes()
    kind = FORMATS[suffix.lower()]
    if kind == "svg":
        assert data.startswith(b"<?xml") and b"<svg" in data[:1000]
        assert data.rstrip().endswith(b"</svg>")
        assert b"<path" in data  # the curves (and text, as paths)
    elif kind == "pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    else:
        assert png_size(path) == (800, 450)
    assert len(data) > 5_000


def test_vector_files_carry_no_time_stamp(tmp_path: Path) -> None:
    """No date in SVG or PDF metadata: redrawing a plot does not change it for no reason."""
    schedule = Cosine(init_value=0.1, decay_steps=100)
    svg = plot_schedules(schedule, tmp_path / "a.svg").read_bytes()
    assert b"<dc:date>" not in svg
    pdf = plot_schedules(schedule, tmp_path / "a.pdf").read_bytes()
    assert b"/CreationDate" not in pdf
    assert plot_schedules(schedule, tmp_path / "b.pdf").read_bytes() == pdf


@pytest.mark.parametrize("name", ["plot.jpg", "plot", "plot.png.txt", "plot.eps", ".svg"])
def test_other_extensions_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "sub" / name
    with pytest.raises(ValueError) as caught:
        plot_schedules(Constant(1.0), path)
    message = str(caught.value)
    assert repr(str(path)) in message
    assert ".png, .svg, .pdf" in message and message.startswith("path must end in")
    assert not (tmp_path / "sub").exists()  # refused before anything is written


def test_output_format() -> None:
    assert output_format("a/b.PDF") == (Path("a/b.PDF"), "pdf")
    assert dict(FORMATS) == {".png": "png", ".svg": "svg", ".pdf": "pdf"}
    with pytest.raises(TypeError, match="path must be a file path, got 42"):
        output_format(42)  # type: ignore[arg-type]


def test_plotter_save_by_extension_and_reuse(tmp_path: Path) -> None:
    """A vector save in between leaves the next PNG exactly as a fresh plotter draws it."""
    x = np.arange(50)
    curves = {"falling": (x, 1 - x / 49)}
    limits: dict[str, Any] = {"xlim": (0.0, 49.0), "ylim": (0.0, 1.2), "title": "A"}
    plotter = Plotter(width=4, height=3, dpi=60)
    before = plotter.render(curves, **limits)
    svg = plotter.save({"rising": (x, x / 49)}, tmp_path / "r.svg", **limits)
    assert b"<svg" in svg.read_bytes()[:1000]
    assert plotter.legend_labels == ("rising",)
    np.testing.assert_array_equal(plotter.render(curves, **limits), before)
    png = plotter.save(curves, tmp_path / "f.png", **limits)
    assert png_size(png) == (240, 180)
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        plotter.save(curves, tmp_path / "f.gif")


def test_legend_labels() -> None:
    plotter = Plotter(width=2, height=2, dpi=20)
    assert plotter.legend_labels == ()
    x = np.arange(3)
    plotter.render({"a": (x, x * 1.0), "b": (x, x * 2.0)})
    assert plotter.legend_labels == ("a", "b")
    plotter.render({"c": (x, x * 1.0)})
    assert plotter.legend_labels == ("c",)


def test_the_curve_is_where_its_value_says(tmp_path: Path) -> None:
    """A constant 0.25 on axes from 0 to 1 is drawn a quarter of the way up the axes."""
    plotter = Plotter(width=8, height=4.5, dpi=100)
    x = np.arange(100)
    image = plotter.render({"c": (x, np.full(100, 0.25))}, xlim=(0, 99), ylim=(0.0, 1.0))
    rows = pixels_of(image, PALETTE[0], tolerance=40)[:, 0]
    # Axes span from 0.55 in below the top to 0.6 in above the bottom (fixed margins).
    top, bottom = 55, 450 - 60
    expected = bottom - 0.25 * (bottom - top)
    assert abs(np.median(rows) - expected) <= 2
    rising = plotter.render({"r": (x, x / 99)}, xlim=(0, 99), ylim=(0.0, 1.0))
    curve = pixels_of(rising, PALETTE[0], tolerance=40)
    left, right = curve[:, 1].min(), curve[:, 1].max()
    assert rising[curve[curve[:, 1] == left][:, 0]].size and right - left > 600
    # Rising line: its leftmost pixels are lower (larger row) than its rightmost.
    assert curve[curve[:, 1] == left][:, 0].mean() > curve[curve[:, 1] == right][:, 0].mean()


def test_reused_plotter_leaves_nothing_behind() -> None:
    """Drawing A, then B, then A again gives A's pixels exactly (no stale curve or legend)."""
    plotter = Plotter(width=4, height=3, dpi=60)
    x = np.arange(50)
    limits: dict[str, Any] = {"xlim": (0.0, 49.0), "ylim": (0.0, 1.2)}
    a = plotter.render({"falling": (x, 1 - x / 49)}, title="A", **limits)
    b = plotter.render({"rising": (x, x / 49), "flat": (x, x * 0 + 0.5)}, title="B", **limits)
    again = plotter.render({"falling": (x, 1 - x / 49)}, title="A", **limits)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, again)
    fresh = Plotter(width=4, height=3, dpi=60).render(
        {"falling": (x, 1 - x / 49)}, title="A", **limits
    )
    np.testing.assert_array_equal(a, fresh)


def test_new_limits_redraw_the_axes() -> None:
    plotter = Plotter(width=4, height=3, dpi=60)
    x = np.arange(10)
    small = plotter.render({"y": (x, x * 1.0)}, ylim=(0.0, 10.0))
    large = plotter.render({"y": (x, x * 1.0)}, ylim=(0.0, 1000.0))
    assert not np.array_equal(small, large)
    np.testing.assert_array_equal(small, plotter.render({"y": (x, x * 1.0)}, ylim=(0.0, 10.0)))


def test_dollar_signs_and_underscores_are_plain_text() -> None:
    """Matplotlib would parse "$...$" as math (and fail on a lone "$"): labels are plain text."""
    plotter = Plotter(width=4, height=3, dpi=60)
    x = np.arange(10)
    labels = [r"$\undefined$ from $5 to $6", "_private"]
    curves = {label: (x, x * (i + 1.0)) for i, label in enumerate(labels)}
    image = plotter.render(curves, title=r"bad math: $\frac{$")  # would raise if parsed
    assert image.shape == (180, 240, 4)
    assert [t.get_text() for t in plotter._legend.get_texts()] == labels


def test_title_changes_the_image() -> None:
    plotter = Plotter(width=4, height=3, dpi=60)
    x = np.arange(10)
    one = plotter.render({"y": (x, x * 1.0)}, title="One")
    two = plotter.render({"y": (x, x * 1.0)}, title="Two")
    assert not np.array_equal(one, two)


# --------------------------------------------------------------------------- helpers
def test_default_steps() -> None:
    cosine = lrdecay.Cosine(init_value=1.0, decay_steps=1000)
    steps = default_steps([cosine])
    assert steps[0] == 0 and steps[-1] == 1100 and steps.dtype == np.int64
    assert default_steps([lrdecay.Exponential(1.0, 10, 0.5)]).size == 1000  # no horizon
    assert default_steps([cosine], 7).tolist() == list(range(7))
    assert default_steps([cosine], range(0, 30, 10)).tolist() == [0, 10, 20]
    long = default_steps([cosine], 10**6)
    assert long.size == MAX_POINTS and long[0] == 0 and long[-1] == 10**6 - 1


def test_default_steps_cover_every_nested_horizon() -> None:
    """Noise and other parts without a horizon hide nothing: the std's horizon counts."""
    noisy = Sum(
        (Cosine(1.0, decay_steps=5000), GaussianNoise(std=Cosine(0.1, decay_steps=20000), seed=1))
    )
    assert noisy.total_steps is None
    assert horizon(noisy) == 20000
    steps = default_steps([noisy])
    assert steps[0] == 0 and steps[-1] == 22000 and steps.size == MAX_POINTS
    assert np.all(np.diff(steps) > 0)
    # Across several schedules: the furthest part of any of them.
    assert default_steps([Cosine(1.0, decay_steps=100), noisy])[-1] == 22000
    # Nested deeper: a clipped noise inside a join, counted from the boundary where it starts.
    tail = Clip(GaussianNoise(std=Cosine(0.1, decay_steps=3000)), min_value=-1.0)
    joined = Join((Cosine(1.0, decay_steps=1000), tail), (1000,))
    assert horizon(joined) == 4000
    # A part of a join ends at the next boundary: its own horizon beyond it does not count.
    cut = Join((Cosine(1.0, decay_steps=50_000), Exponential(1.0, 10, 0.5)), (2000,))
    assert horizon(cut) == 2000
    assert default_steps([cut])[-1] == 2200


def test_default_steps_without_any_horizon() -> None:
    for schedule in (GaussianNoise(std=0.1, seed=1), Exponential(1.0, 10, 0.5), Constant(1.0)):
        assert horizon(schedule) == 0
        steps = default_steps([schedule])
        assert steps.tolist() == list(range(DEFAULT_STOP))
    noise_on_decay = Sum((Exponential(1.0, 10, 0.5), GaussianNoise(std=0.1, seed=1)))
    assert default_steps([noise_on_decay]).size == DEFAULT_STOP


def test_default_steps_of_restarts_show_three_cycles() -> None:
    cycles = Restarts(Cosine(1.0, decay_steps=100), period_steps=100, period_factor=2.0)
    assert horizon(cycles) == 100 + 200 + 400
    assert horizon(Restarts(Cosine(1.0, decay_steps=100), period_steps=100)) == 300
    sgdr = tf1.cosine_decay_restarts(
        learning_rate=0.01, first_decay_steps=5000, t_mul=2.0, m_mul=0.5
    )
    assert default_steps([sgdr])[-1] == 38500


def test_default_steps_of_huge_ranges_stay_small() -> None:
    start = time.perf_counter()
    far = default_steps([Cosine(1.0, decay_steps=1e12)])
    assert far.size == MAX_POINTS and far[0] == 0 and far[-1] == 1_100_000_000_000
    spaced = default_steps([Constant(1.0)], range(5, 10**15, 3))
    assert spaced.size == MAX_POINTS and spaced[0] == 5 and spaced[-1] == range(5, 10**15, 3)[-1]
    assert np.all((spaced - 5) % 3 == 0)
    assert time.perf_counter() - start < 5  # nothing the size of the range was built


def test_default_steps_rejects_non_schedules() -> None:
    with pytest.raises(TypeError, match=r"schedules must be Schedule objects, got 0\.1"):
        default_steps([0.1])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("steps", "error"),
    [
        (0, ValueError),
        (-5, ValueError),
        ([], ValueError),
        ([1.5], TypeError),
        ([-1], ValueError),
        (range(0), ValueError),
        (range(3, -3, -1), ValueError),
    ],
)
def test_bad_steps(steps: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        default_steps([lrdecay.Constant(1.0)], steps)


def test_padded_ylim() -> None:
    assert padded_ylim(0.0001, 0.01) == (0.0, 0.0116)
    lo, hi = padded_ylim(-1.0, 1.0)
    assert lo < -1.0 and hi > 1.0
    lo, hi = padded_ylim(0.5, 0.5)
    assert lo == 0.0 and hi > 0.5


def test_save_png_round_trip(tmp_path: Path) -> None:
    image = np.zeros((20, 30, 4), dtype=np.uint8)
    image[..., 0] = 200
    image[..., 3] = 255
    path = save_png(image, tmp_path / "x.png")
    with Image.open(path) as loaded:
        assert loaded.size == (30, 20) and loaded.mode == "RGB"
        assert np.asarray(loaded)[0, 0].tolist() == [200, 0, 0]


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("schedules", "error"),
    [
        ({}, ValueError),
        ({"x": 0.1}, TypeError),
        ([lrdecay.Constant(1.0)], TypeError),
        ("cosine", TypeError),
    ],
)
def test_bad_schedules(tmp_path: Path, schedules: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        plot_schedules(schedules, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_output_in_a_file_or_on_a_folder_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        plot_schedules(lrdecay.Constant(1.0), file / "x.png")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        plot_schedules(lrdecay.Constant(1.0), tmp_path)


@pytest.mark.parametrize(
    "options",
    [{"width": 0}, {"dpi": -1}, {"height": float("nan")}, {"width": 500, "dpi": 100}],
)
def test_bad_figure_size(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Plotter(**options)


def test_bad_curves_and_limits() -> None:
    plotter = Plotter(width=2, height=2, dpi=20)
    with pytest.raises(ValueError, match="equally long"):
        plotter.render({"y": ([0, 1], [0.0])})
    with pytest.raises(ValueError, match="low < high"):
        plotter.render({"y": ([0, 1], [0.0, 1.0])}, ylim=(1.0, 0.0))
    with pytest.raises(ValueError, match="uint8"):
        save_png(np.zeros((2, 2)), "unused.png")


# --------------------------------------------------------------------------- no global state
def test_imports_are_lazy_and_global_state_is_untouched(tmp_path: Path) -> None:
    code = f"""
import sys
import lrdecay, lrdecay.viz, lrdecay.viz.plot, lrdecay.viz.gallery, lrdecay.cli
heavy = ("matplotlib", "PIL", "tensorboard", "tensorflow", "torch", "jax")
assert not [m for m in sys.modules if m.split(".")[0] in heavy], "imported too early"
import matplotlib
params = matplotlib.rcParams.copy()  # copy() does not resolve (or import) the backend
lrdecay.viz.plot_schedules(lrdecay.Constant(1.0), {str(tmp_path / "x.png")!r})
assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
assert matplotlib.rcParams.copy() == params, "rcParams changed"
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
