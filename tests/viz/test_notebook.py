"""Notebook display (``Schedule._repr_png_``/``_repr_html_``), ``lrdecay.viz.plot.plot`` on
matplotlib axes, phase boundaries, and the terminal chart."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import lrdecay
from lrdecay import Constant, Cosine, Restarts
from lrdecay.viz.plot import PALETTE, phase_boundaries, plot
from lrdecay.viz.terminal import terminal_plot

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

WARMUP = lrdecay.warmup(Cosine(init_value=0.1, decay_steps=900), steps=100)


def decoded(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def coloured(pixels: np.ndarray, colour: str, tolerance: int = 12) -> int:
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - target).max(axis=-1) <= tolerance).sum())


# --------------------------------------------------------------------------- notebook display
def test_repr_png_is_the_curve() -> None:
    data = WARMUP._repr_png_()
    assert data is not None and data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = decoded(data)
    assert pixels.shape == (240, 480, 3)
    assert coloured(pixels, PALETTE[0]) > 200  # the curve
    assert (pixels > 250).all(axis=-1).mean() > 0.6  # on white


def test_repr_html_inlines_the_png_and_a_table() -> None:
    text = WARMUP._repr_html_()
    assert text is not None
    found = re.search(r"<img src='data:image/png;base64,([A-Za-z0-9+/=]+)'", text)
    assert found is not None
    assert decoded(base64.b64decode(found.group(1))).shape == (240, 480, 3)
    cells = re.findall(r"<th[^>]*>(\w+)</th><td[^>]*>([^<]*)</td>", text)
    assert cells == [
        ("peak", "0.1 at step 100"),
        ("final", "0 at step 1,000"),
        ("horizon", "1,000 steps"),
    ]
    assert "none" in (lrdecay.Exponential(0.1, 10, 0.5)._repr_html_() or "")


def test_no_matplotlib_no_image() -> None:
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import lrdecay\n"
        "s = lrdecay.Cosine(0.1, decay_steps=10)\n"
        "print(s._repr_png_(), s._repr_html_())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "None None\n"


# --------------------------------------------------------------------------- plot() on axes
def legend_texts(ax: Any) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]


def test_plot_returns_the_axes_with_labels_and_phases() -> None:
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    cos = Cosine(0.1, decay_steps=1000)
    assert plot({"warm-up": WARMUP, "cosine": cos}, ax=ax) is ax
    lines = [line for line in ax.get_lines() if line.get_label() in ("warm-up", "cosine")]
    assert [line.get_label() for line in lines] == ["warm-up", "cosine"]
    x, y = lines[0].get_data()
    np.testing.assert_array_equal(y, WARMUP(np.asarray(x, dtype=np.int64)))
    assert x[-1] == 1100  # 10% past the horizon
    vertical = sorted(line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":")
    assert vertical == [100.0, 1000.0]
    assert ax.get_legend() is not None and ax.get_yscale() == "linear"


def test_plot_labels_log_y_epochs_and_default_labels() -> None:
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    plot([WARMUP, WARMUP], ax=ax, log_y=True, steps_per_epoch=100, labels=["a", "b"])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    assert legend_texts(ax) == ["a", "b"]
    assert max(float(np.asarray(line.get_xdata())[-1]) for line in ax.get_lines()) == 11.0
    ax = Figure().add_subplot()
    plot(Cosine(0.1, decay_steps=10), ax=ax, phases=False)
    (label,) = legend_texts(ax)
    assert label.startswith("Cosine(") and len(label) <= 60
    with pytest.raises(ValueError, match="labels: 1 given for 2"):
        plot([WARMUP, WARMUP], ax=ax, labels=["a"])
    with pytest.raises(TypeError):
        plot([0.1], ax=ax)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="steps_per_epoch"):
        plot(WARMUP, ax=ax, steps_per_epoch=0)


def test_plot_without_axes_uses_pyplot() -> None:
    code = (
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import lrdecay\n"
        "from lrdecay.viz.plot import plot\n"
        "ax = plot(lrdecay.Cosine(0.1, decay_steps=10))\n"
        "import matplotlib.pyplot as plt\n"
        "print(ax.figure is plt.gcf())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True\n"


def test_phase_boundaries() -> None:
    assert phase_boundaries(Cosine(0.1, decay_steps=500)) == [500.0]
    assert phase_boundaries(Constant(0.1)) == []
    sgdr = Restarts(Cosine(1.0, decay_steps=100), period_steps=100, period_factor=2.0)
    assert phase_boundaries(sgdr)[:3] == [100.0, 300.0, 700.0]
    wsd = lrdecay.WSD(peak_value=0.1, warmup_steps=100, stable_steps=800, decay_steps=100)
    assert phase_boundaries(wsd) == [100.0, 900.0, 1000.0]
    staircase = lrdecay.multistep(0.1, boundaries=[30, 60], decay_rate=0.1)
    assert phase_boundaries(staircase) == [30.0, 60.0]


# --------------------------------------------------------------------------- terminal
def test_terminal_plot() -> None:
    text = terminal_plot({"warm-up": WARMUP, "flat": Constant(0.05)}, width=40, height=10)
    lines = text.splitlines()
    assert "warm-up" in lines[-1] and "flat" in lines[-1]
    assert "\x1b[" not in text
    assert "\x1b[" in terminal_plot({"w": WARMUP}, color=True)
    assert "w" in terminal_plot({"w": WARMUP}, log_y=True, title="log")
    with pytest.raises(ValueError, match="width"):
        terminal_plot({"w": WARMUP}, width=2)
    with pytest.raises(ValueError, match="nothing to draw"):
        terminal_plot({"zero": Constant(0.0)}, log_y=True)
