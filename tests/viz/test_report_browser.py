"""The report page in headless Chromium: it renders, the chart is drawn, hovering shows values.

Needs Playwright's Python package (``pip install playwright``; its own browser downloads are not
used) and a Chromium: ``$LRDECAY_CHROMIUM``, else ``chromium``, ``chromium-browser``,
``google-chrome`` or ``google-chrome-stable`` on the PATH (Debian: ``apt-get install chromium``).
Without either, every test here is skipped, with the reason.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdecay
from lrdecay.viz.report import write_report

pytest.importorskip("matplotlib")

WARM_COSINE = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
STEP_DECAY = lrdecay.step_decay(0.05, decay_steps=300, decay_rate=0.5)
EVIL = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>'
SCHEDULES = {
    "warm-up + cosine": WARM_COSINE,
    "step decay": STEP_DECAY,
    EVIL: lrdecay.Constant(0.02),
}
LAST_STEP = 1100  # the chart: 0 to 10% past the horizon (1,000)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    """The Chromium to drive: ``$LRDECAY_CHROMIUM`` or the first of :data:`BROWSERS` found."""
    configured = os.environ.get("LRDECAY_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Playwright: pip install playwright")
    executable = chromium()
    if executable is None:
        pytest.skip(
            "browser tests need Chromium: set LRDECAY_CHROMIUM or put one of "
            f"{', '.join(BROWSERS)} on the PATH (e.g. apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=["--no-sandbox"], timeout=20_000
            )
        except Exception as error:  # a Chromium that cannot start here
            pytest.skip(f"browser tests: {executable} does not start: {error}".splitlines()[0])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(SCHEDULES, tmp_path_factory.mktemp("browser") / "report.html")


@pytest.fixture
def page(browser: Any, report: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # offline
    page.goto(report.as_uri())
    page.wait_for_selector("#chart[data-ready=true]", timeout=10_000)
    page.errors = errors
    yield page
    context.close()


def plot_area(page: Any) -> tuple[float, float, float, float]:
    """``(left, top, right, bottom)`` of the chart's plotting area, in page pixels."""
    box = page.locator("#chart-canvas").bounding_box()
    # The chart's margins (M in the script): 70 left, 18 right, 14 top, 38 bottom.
    return box["x"] + 70, box["y"] + 14, box["x"] + box["width"] - 18, box["y"] + 380 - 38


def tooltip(page: Any) -> tuple[int, dict[str, float]]:
    """The step the tooltip shows and ``{name: value}``, parsed from its text."""
    lines = page.locator("#chart-tooltip").inner_text().splitlines()
    match = re.fullmatch(r"step ([\d,]+)", lines[0].strip())
    assert match is not None, lines
    values = {}
    for line in lines[1:]:
        name, _, number = line.rpartition(": ")
        values[name.strip()] = float(number)
    return int(match.group(1).replace(",", "")), values


def test_the_page_renders_offline_without_errors(page: Any) -> None:
    assert page.errors == []
    assert page.locator("h1").inner_text() == "Learning-rate schedules"
    rows = page.locator("table.facts tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").nth(1).inner_text() == "0.1"  # the peak
    assert page.locator("#chart-legend button").count() == 3
    assert page.evaluate("window.pwned") is None  # a schedule's name never runs
    assert EVIL in page.locator("table.facts").inner_text()  # it is shown as text


def test_the_chart_is_not_blank(page: Any) -> None:
    Image = pytest.importorskip("PIL.Image")
    png = page.locator("#chart-canvas").screenshot()
    with Image.open(io.BytesIO(png)) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    height, width, _ = pixels.shape
    assert (width, height) == (page.locator("#chart-canvas").bounding_box()["width"], 380)
    inside = pixels[14 : height - 38, 70 : width - 18]  # the plotting area
    background = (inside == 255).all(axis=2)
    colourful = (inside.max(axis=2) - inside.min(axis=2)) > 60  # the curves, not grey grid lines
    assert (~background).mean() > 0.01
    assert colourful.sum() > 1500
    for colour in ("#1f6fb5", "#e8730c", "#2a9d4a"):  # every curve, in its own colour
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(inside - rgb).sum(axis=2) < 40).sum() > 100, colour


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.62, 0.97])
def test_hovering_shows_every_value_at_the_step(page: Any, fraction: float) -> None:
    left, top, right, bottom = plot_area(page)
    page.mouse.move(left + fraction * (right - left), (top + bottom) / 2)
    assert page.locator("#chart-tooltip").is_visible()
    step, values = tooltip(page)
    assert abs(step - fraction * LAST_STEP) <= 3 * LAST_STEP / (right - left)  # under the pointer
    assert list(values) == list(SCHEDULES)
    for name, schedule in SCHEDULES.items():
        assert values[name] == pytest.approx(float(schedule(step)), rel=1e-6), (name, step)
    page.mouse.move(left - 30, top)  # off the plotting area: the tooltip goes
    assert not page.locator("#chart-tooltip").is_visible()


def test_drag_zooms_and_double_click_resets(page: Any) -> None:
    left, top, right, bottom = plot_area(page)
    middle = (top + bottom) / 2
    page.mouse.move(left + 0.25 * (right - left), middle)
    page.mouse.down()
    page.mouse.move(left + 0.5 * (right - left), middle, steps=4)
    page.mouse.up()
    page.mouse.move(left + 1, middle)
    first, _ = tooltip(page)
    page.mouse.move(right - 1, middle)
    last, values = tooltip(page)
    assert abs(first - 0.25 * LAST_STEP) <= 4 and abs(last - 0.5 * LAST_STEP) <= 4
    assert values["warm-up + cosine"] == pytest.approx(float(WARM_COSINE(last)), rel=1e-6)
    page.mouse.dblclick(left + 0.5 * (right - left), middle)
    page.mouse.move(right - 1, middle)
    assert abs(tooltip(page)[0] - LAST_STEP) <= 2  # the whole range again
    assert page.errors == []


def test_legend_buttons_hide_and_show_a_curve(page: Any) -> None:
    left, top, right, bottom = plot_area(page)
    button = page.locator("#chart-legend button").nth(1)
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    page.mouse.move((left + right) / 2, (top + bottom) / 2)
    assert list(tooltip(page)[1]) == ["warm-up + cosine", EVIL]  # "step decay" hidden
    button.click()
    page.mouse.move((left + right) / 2 + 5, (top + bottom) / 2)
    assert list(tooltip(page)[1]) == list(SCHEDULES)


def test_the_command_lines_page_hovers_too(browser: Any, tmp_path: Path) -> None:
    """``lrdecay report`` through the real entry point: the page it writes works in Chromium."""
    import subprocess
    import sys

    spec = "warmup(cosine(init_value=0.1, decay_steps=900), steps=100)"
    target = tmp_path / "cli.html"
    done = subprocess.run(
        [sys.executable, "-m", "lrdecay", "report", spec, "-o", str(target), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    context = browser.new_context(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # offline
    page.goto(target.as_uri())
    page.wait_for_selector("#chart[data-ready=true]", timeout=10_000)
    left, top, right, bottom = plot_area(page)
    page.mouse.move(left + 0.5 * (right - left), (top + bottom) / 2)
    step, values = tooltip(page)
    # by hand: 100 warm-up steps to 0.1, then a 900-step cosine to 0
    expected = 0.1 * 0.5 * (1 + np.cos(np.pi * min(max(step - 100, 0), 900) / 900))
    assert values == {spec: pytest.approx(expected, rel=1e-6)}
    assert errors == []
    context.close()
