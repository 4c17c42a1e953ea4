"""lrdecay.viz.plot: PNG plots that show the right curves, from a reusable Agg figure."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdecay
from lrdecay.viz.plot import (
    MAX_POINTS,
    PALETTE,
    Plotter,
    default_steps,
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


@pytest.mark.parametrize(
    ("steps", "error"),
    [(0, ValueError), (-5, ValueError), ([], ValueError), ([1.5], TypeError), ([-1], ValueError)],
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
