"""lrdecay.viz.report: the page's data, facts, configs and escaping, read back from the HTML.

The page in a real browser (the chart drawn, the tooltip's values): test_report_browser.py.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdecay
from lrdecay.viz.mathsvg import formula_html, math_svg
from lrdecay.viz.report import CHART_POINTS, ReportEntry, render_report, write_report

pytest.importorskip("matplotlib")

WARM_COSINE = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
STEP_DECAY = lrdecay.step_decay(0.1, decay_steps=300, decay_rate=0.5)
SCHEDULES = {"warm-up + cosine": WARM_COSINE, "step decay": STEP_DECAY}


class _Tables(HTMLParser):
    """The text of every cell of ``table.facts``, row by row, and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._in_facts = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table" and ("class", "facts") in attrs:
            self._in_facts = True
        elif self._in_facts and tag == "tr":
            self.rows.append([])
        elif self._in_facts and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_facts = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    parser.close()
    return parser


def chart_data(page: str) -> Any:
    match = re.search(
        r'<script type="application/json" id="lrdecay-data">(.*?)</script>', page, re.DOTALL
    )
    assert match is not None
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_report(SCHEDULES, tmp_path_factory.mktemp("report") / "sub" / "report.html")
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the chart's data
def test_chart_data_is_every_curve_at_every_step(page: str) -> None:
    data = chart_data(page)
    steps = np.array(data["steps"])
    assert steps[0] == 0 and steps[-1] == 1100  # 10% past the furthest horizon (1,000)
    assert np.array_equal(steps, np.arange(1101))
    assert [s["name"] for s in data["series"]] == list(SCHEDULES)
    for series, schedule in zip(data["series"], SCHEDULES.values(), strict=True):
        # JSON holds each float's shortest repr: the values are exact.
        assert series["values"] == schedule(steps).tolist()
        assert re.fullmatch(r"#[0-9a-f]{6}", series["color"])


def test_long_ranges_are_thinned_with_both_ends_kept() -> None:
    cosine = lrdecay.Cosine(init_value=1.0, decay_steps=10_000_000)
    data = chart_data(render_report({"long": cosine}))
    assert len(data["steps"]) == 4000
    assert data["steps"][0] == 0 and data["steps"][-1] == 11_000_000
    many = {f"s{i}": lrdecay.Cosine(init_value=1.0, decay_steps=100_000) for i in range(100)}
    data = chart_data(render_report(many))
    assert len(data["steps"]) == max(500, CHART_POINTS // 100)


def test_explicit_steps_and_non_finite_values() -> None:
    data = chart_data(render_report({"c": lrdecay.Constant(2.0)}, steps=range(0, 50, 10)))
    assert data["steps"] == [0, 10, 20, 30, 40]
    assert data["series"][0]["values"] == [2.0] * 5
    blown_up = lrdecay.Constant(1e308) * 10.0
    data = chart_data(render_report({"inf": blown_up}, steps=3))
    assert data["series"][0]["values"] == [None, None, None]  # JSON has no Infinity


# --------------------------------------------------------------------------- facts
def test_facts_match_an_independent_evaluation(page: str) -> None:
    header, *rows = parse(page).rows
    assert header[0] == "schedule" and "peak" in header and "area under the curve" in header
    assert [row[0] for row in rows] == list(SCHEDULES)
    for row, schedule in zip(rows, SCHEDULES.values(), strict=True):
        # Every step from 0 to the horizon, included, or 0 to 999 without one.
        last = int(schedule.total_steps) if schedule.total_steps else 999
        steps = np.arange(0, last + 1)
        values = np.array([float(schedule(int(t))) for t in steps])
        peak, peak_step, final, final_step, total, area = row[1:]
        assert float(peak) == pytest.approx(values.max(), rel=1e-5)
        assert int(peak_step.replace(",", "")) == int(np.argmax(values))
        assert float(final) == pytest.approx(values[-1], rel=1e-5, abs=1e-12)
        assert int(final_step.replace(",", "")) == last
        assert total == (f"{schedule.total_steps:,.0f}" if schedule.total_steps else "none")
        trapezoid = float(np.sum((values[1:] + values[:-1]) / 2))
        assert float(area) == pytest.approx(trapezoid, rel=1e-5)


def test_facts_of_a_constant() -> None:
    rows = parse(render_report({"c": lrdecay.Constant(0.5)})).rows[1:]
    assert lrdecay.Constant(0.5).total_steps == 0  # nothing changes after step 0
    assert rows == [["c", "0.5", "0", "0.5", "999", "0", f"{0.5 * 999:.6g}"]]


# --------------------------------------------------------------------------- cards
def test_cards_show_spec_and_config(page: str) -> None:
    for schedule in SCHEDULES.values():
        assert html.escape(lrdecay.to_spec(schedule)) in page
        assert html.escape(json.dumps(lrdecay.to_config(schedule), indent=2)) in page
        # The spec shown builds the very schedule back.
        assert lrdecay.parse(lrdecay.to_spec(schedule)) == schedule


def test_entries_add_image_call_tensorboard_and_typeset_formula(tmp_path: Path) -> None:
    entry = ReportEntry(
        title="Exponential decay",
        image="exp.png",
        call="tf1.exponential_decay(0.1, 100, 0.5)",
        formula=r"v(t) = \eta\, r^{t/T}",
        symbols={r"\eta": "learning_rate = 0.1"},
        run="exponential_decay",
        tag="learning_rate",
    )
    exponential = lrdecay.Exponential(init_value=0.1, decay_steps=100, decay_rate=0.5)
    text = write_report(
        {"exp": exponential}, tmp_path / "r.html", entries={"exp": entry}, intro=["Hello."]
    ).read_text(encoding="utf-8")
    assert '<img src="exp.png"' in text and "<p>Hello.</p>" in text
    assert "<code>tf1.exponential_decay(0.1, 100, 0.5)</code>" in text
    assert "run <code>exponential_decay</code>, tag <code>learning_rate</code>" in text
    assert formula_html(entry.formula or "") in text and math_svg(r"\eta") in text
    assert "= learning_rate = 0.1" in text
    assert '<a href="#exp"><span class="n">1.</span>Exponential decay</a>' in text


def test_self_contained(page: str) -> None:
    tags = parse(page).tags
    assert "link" not in tags and "iframe" not in tags and "img" not in tags
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert tags.count("script") == 2  # the data (JSON) and the inline chart script


# --------------------------------------------------------------------------- escaping
EVIL = '</script><script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


def test_every_text_is_escaped() -> None:
    entry = ReportEntry(
        title=EVIL,
        image=EVIL,
        call=EVIL,
        formula=EVIL,
        symbols={EVIL: EVIL},
        run=EVIL,
        tag=EVIL,
    )
    page = render_report(
        {EVIL: WARM_COSINE, "<b>": STEP_DECAY},
        entries={EVIL: entry},
        title=EVIL,
        intro=[EVIL],
        footer=EVIL,
    )
    parsed = parse(page)
    assert parsed.tags.count("script") == 2 and parsed.tags.count("img") == 1  # the entry's
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>" not in page
    assert page.count("<script") == 2
    assert page.count(html.escape(EVIL)) >= 9
    data = chart_data(page)
    assert [s["name"] for s in data["series"]] == [EVIL, "<b>"]  # shown as text by the script
    assert "textContent" in page and "innerHTML" not in page


def test_anchors_are_unique_and_plain() -> None:
    page = render_report(
        {"a b": STEP_DECAY, "a-b": STEP_DECAY, "": STEP_DECAY, "chart": STEP_DECAY}
    )
    ids = re.findall(r'<section class="card" id="([^"]*)"', page)
    assert len(set(ids)) == 4 and "chart" not in ids
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", anchor) for anchor in ids)


# --------------------------------------------------------------------------- formulas
def test_formula_html() -> None:
    cases = formula_html(
        r"v = \max\left(\begin{cases} a & t < B \\ b & t \ge B \end{cases}, c\right)"
    )
    assert cases.count("<tr>") == 2 and cases.count("<svg") == 6  # v = max(, a, t<B, b, t>=B, c)
    assert formula_html(r"\tfrac12 \le x").startswith('<span class="formula"><svg')
    fallback = formula_html(r"\nosuchcommand{<b>}")
    assert fallback == '<pre class="latex">\\nosuchcommand{&lt;b&gt;}</pre>'
    with pytest.raises(ValueError, match="mathtext cannot typeset"):
        math_svg(r"\frac{")
    with pytest.raises(ValueError, match="empty"):
        math_svg(" ")


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("schedules", "kwargs", "error"),
    [
        ({}, {}, ValueError),
        ([("a", STEP_DECAY)], {}, ValueError),
        ({"a": 0.1}, {}, TypeError),
        ({1: STEP_DECAY}, {}, TypeError),
        ({"a": STEP_DECAY}, {"entries": {"b": ReportEntry()}}, ValueError),
        ({"a": STEP_DECAY}, {"entries": {"a": "A"}}, TypeError),
        ({"a": STEP_DECAY}, {"steps": 0}, ValueError),
        ({"a": STEP_DECAY}, {"steps": [0.5]}, TypeError),
    ],
)
def test_bad_arguments(schedules: Any, kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        render_report(schedules, **kwargs)


def test_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_report(SCHEDULES, tmp_path)
    with pytest.raises(TypeError):
        write_report(SCHEDULES, 3)  # type: ignore[arg-type]


def test_importing_lrdecay_imports_neither_tensorboard_nor_matplotlib() -> None:
    code = (
        "import sys, lrdecay, lrdecay.viz, lrdecay.viz.report, lrdecay.viz.tensorboard\n"
        "import lrdecay.viz.mathsvg\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tensorboard', 'matplotlib', 'PIL', 'playwright')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
