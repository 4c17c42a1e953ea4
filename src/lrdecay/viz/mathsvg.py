r"""Formulas as inline SVG, typeset by matplotlib's mathtext (no LaTeX installation needed).

:func:`math_svg` typesets one line of mathtext (the subset of TeX that matplotlib understands)
with the Computer Modern fonts and writes the glyph outlines as one SVG ``<path>``: no fonts to
load, nothing to fetch, the same look in every browser. :func:`formula_html` shows a formula
written for Sphinx: it maps the few commands mathtext lacks to ones it has (``\tfrac12`` to
``\frac{1}{2}``, ``\le`` to ``\leq``, ...), lays a ``cases`` environment out as an HTML table
with one mathtext line per cell, and falls back on the LaTeX source, escaped, when mathtext cannot
typeset it. matplotlib is imported when a formula is typeset, never when this module is imported.

Example:
    >>> from lrdecay.viz.mathsvg import formula_html, math_svg
    >>> svg = math_svg(r"\eta\, r^{t/T}")
    >>> svg.startswith("<svg") and "<path" in svg
    True
    >>> "<table" in formula_html(r"v = \begin{cases} a & t < b \\ c & t \ge b \end{cases}")
    True
"""

from __future__ import annotations

import functools
import html
import re

__all__ = ["formula_html", "math_svg"]

_CODES = {1: "M", 2: "L", 3: "Q", 4: "C"}
_CLOSE = 79
_PAD = 1.0


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@functools.lru_cache(maxsize=512)
def math_svg(latex: str, *, size: float = 15.0) -> str:
    r"""Inline SVG of one line of mathtext, with its baseline on the surrounding text's.

    Args:
        latex: The formula, without ``$`` signs (mathtext's subset of TeX: one line, no
            environments).
        size: The font size in pixels.

    Returns:
        An ``<svg>`` element (``role="img"``, the source in ``aria-label`` and ``<title>``).

    Raises:
        ValueError: If mathtext cannot typeset ``latex``.
        ImportError: If matplotlib is missing.

    Example:
        >>> from lrdecay.viz.mathsvg import math_svg
        >>> 'aria-label="\\eta_{\\min}"' in math_svg(r"\eta_{\min}")
        True
    """
    try:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextPath
    except ImportError as error:
        raise ImportError(
            "typesetting formulas needs matplotlib: pip install matplotlib"
        ) from error
    text = latex.strip()
    if not text:
        raise ValueError("math_svg: the formula is empty")
    try:
        path = TextPath((0, 0), f"${text}$", size=size, prop=FontProperties(math_fontfamily="cm"))
    except Exception as error:  # mathtext's parser raises several kinds
        raise ValueError(f"mathtext cannot typeset {text!r}: {error}") from None
    # The control points' box holds the outlines (exact extents cost more than typesetting).
    drawn = path.vertices[path.codes != _CLOSE] if path.codes is not None else path.vertices
    if not len(drawn):
        raise ValueError(f"mathtext typeset {text!r} as nothing")
    (left, bottom), (right, upper) = drawn.min(axis=0), drawn.max(axis=0)
    x0, top = float(left) - _PAD, float(upper) + _PAD
    width, height = float(right - left) + 2 * _PAD, float(upper - bottom) + 2 * _PAD
    parts = []
    for vertices, code in path.iter_segments():
        if int(code) == _CLOSE:
            parts.append("Z")
            continue
        points = " ".join(
            f"{_number(x - x0)} {_number(top - y)}"
            for x, y in zip(vertices[0::2], vertices[1::2], strict=True)
        )
        parts.append(f"{_CODES[int(code)]}{points}")
    label = html.escape(text, quote=True)
    depth = max(0.0, -float(bottom)) + _PAD
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'width="{_number(width)}" height="{_number(height)}" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" '
        f'style="vertical-align:-{_number(depth)}px"><title>{label}</title>'
        f'<path d="{"".join(parts)}"/></svg>'
    )


_REWRITES = (
    (re.compile(r"\\[td]frac\s*(\d)\s*(\d)"), r"\\frac{\1}{\2}"),
    (re.compile(r"\\frac\s*(\d)\s*(\d)"), r"\\frac{\1}{\2}"),
    (re.compile(r"\\[td]frac(?![A-Za-z])"), r"\\frac"),
    (re.compile(r"\\le(?![A-Za-z])"), r"\\leq"),
    (re.compile(r"\\ge(?![A-Za-z])"), r"\\geq"),
    (re.compile(r"\\ne(?![A-Za-z])"), r"\\neq"),
    (re.compile(r"\\text(?![A-Za-z])"), r"\\mathrm"),
    (re.compile(r"\\(?:displaystyle|textstyle)(?![A-Za-z])"), ""),
)
_CASES = re.compile(r"\\begin\{cases\}(?P<body>.*?)\\end\{cases\}", re.DOTALL)
_SIZING = re.compile(r"\\(?:left|right)(?:\s*\.)?\s*")


def _mathtext(latex: str) -> str:
    """``latex`` in mathtext's dialect: one line, the commands it lacks mapped to its own."""
    text = " ".join(latex.split())
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def _piece(latex: str) -> str:
    return math_svg(latex) if latex.strip() else ""


def formula_html(latex: str) -> str:
    r"""A formula as HTML: mathtext SVG, ``cases`` as a table, or the escaped source if need be.

    Args:
        latex: A formula as written in a docstring's ``.. math::`` block.

    Returns:
        A ``<span class="formula">`` of inline SVG; or, when mathtext cannot typeset the
        formula (or matplotlib is missing), a ``<pre class="latex">`` of its source.

    Example:
        >>> from lrdecay.viz.mathsvg import formula_html
        >>> formula_html(r"\unknown{x}").startswith('<pre class="latex">')
        True
    """
    text = _mathtext(latex)
    try:
        match = _CASES.search(text)
        if match is None:
            return f'<span class="formula">{math_svg(text)}</span>'
        # \left( ... \right) around a cases environment cannot be typeset in pieces: the
        # brackets around the table are drawn at text size.
        before = _SIZING.sub("", text[: match.start()])
        after = _SIZING.sub("", text[match.end() :])
        rows = []
        for row in match.group("body").split(r"\\"):
            if not row.strip():
                continue
            value, _, condition = row.partition("&")
            cells = f"<td>{_piece(value)}</td>"
            if condition.strip():
                cells += f"<td>if {_piece(condition)}</td>"
            rows.append(f"<tr>{cells}</tr>")
        return (
            f'<span class="formula">{_piece(before)}<table class="cases">{"".join(rows)}</table>'
            f"{_piece(after)}</span>"
        )
    except (ValueError, ImportError):
        return f'<pre class="latex">{html.escape(latex, quote=True)}</pre>'
