"""A self-contained HTML page showing figures with their titles, calls and formulas.

:func:`write_report` writes one ``index.html`` (inline CSS, no scripts, nothing fetched from the
network) with a card per :class:`ReportEntry`: the title, the image, the call that built the
schedule, the TensorBoard run and tag it was logged under, and its formula. Formulas are taken
from the ``.. math::`` block of the building function's docstring (:func:`math_block`) and shown
twice: rendered as Unicode text (:func:`latex_to_text`) and, folded away, as the LaTeX source.
Every piece of text is HTML-escaped.

Example:
    >>> from lrdecay.viz.report import latex_to_text
    >>> latex_to_text(r"v(t) = \\eta\\, r^{\\,t/T} \\quad (\\lfloor t/T \\rfloor)")
    'v(t) = η r^(t/T)\\u2003(⌊t/T⌋)'
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "ReportEntry",
    "latex_to_text",
    "math_block",
    "symbol_legend",
    "write_report",
]


# --------------------------------------------------------------------------- docstring parsing
_MATH_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<inline>.*)$", re.MULTILINE)


def math_block(obj: Callable[..., Any] | str | None) -> str | None:
    """The LaTeX of the first ``.. math::`` block of a docstring (or of ``obj``'s docstring).

    Both forms are understood: ``.. math:: <formula>`` on one line, and ``.. math::`` followed
    by an indented block. Continuation lines are joined with newlines, common indentation removed.

    Example:
        >>> from lrdecay.viz.report import math_block
        >>> math_block('''Decay.
        ...
        ... .. math::
        ...     v(t) = \\\\eta
        ...     + 1
        ...
        ... More.''')
        'v(t) = \\\\eta\\n+ 1'
        >>> math_block("No formula.") is None
        True
    """
    doc = obj if isinstance(obj, str) else inspect.getdoc(obj) if obj is not None else None
    if not doc:
        return None
    doc = inspect.cleandoc(doc)
    match = _MATH_DIRECTIVE.search(doc)
    if match is None:
        return None
    indent = len(match.group("indent").expandtabs())
    lines = [match.group("inline").strip()] if match.group("inline").strip() else []
    for line in doc[match.end() :].splitlines()[1:]:
        if not line.strip():
            if lines:
                break
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        lines.append(line)
    if not lines:
        return None
    block = inspect.cleandoc("\n".join(lines)) if len(lines) > 1 else lines[0]
    return block.strip() or None


_ARG_LINE = re.compile(r"^\s+(?P<name>\w+):\s+:math:`(?P<math>[^`]+)`")
_SYMBOL = re.compile(r"^\s*((?:\\[A-Za-z]+|[A-Za-z])(?:_(?:\{[^}]*\}|\\?[A-Za-z0-9]+))?)")


def symbol_legend(obj: Callable[..., Any] | str) -> dict[str, str]:
    """``{parameter: LaTeX symbol}`` from a Google-style ``Args:`` section.

    An argument documented as ``name: :math:`T > 0`, ...`` gives ``{"name": "T"}``; arguments
    whose description does not start with a ``:math:`` role are left out.

    Example:
        >>> from lrdecay.viz.report import symbol_legend
        >>> symbol_legend('''Args:
        ...     learning_rate: :math:`\\\\eta`.
        ...     decay_steps: :math:`T > 0`.
        ...     staircase: Decay in steps.''')
        {'learning_rate': '\\\\eta', 'decay_steps': 'T'}
    """
    doc = obj if isinstance(obj, str) else inspect.getdoc(obj) or ""
    lines = doc.expandtabs().splitlines()
    out: dict[str, str] = {}
    start = next((i for i, line in enumerate(lines) if line.strip() == "Args:"), None)
    if start is None:
        return out
    indent = len(lines[start]) - len(lines[start].lstrip())
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        match = _ARG_LINE.match(line)
        symbol = _SYMBOL.match(match.group("math")) if match is not None else None
        if match is not None and symbol is not None:
            out[match.group("name")] = symbol.group(1)
    return out


# --------------------------------------------------------------------------- LaTeX to Unicode text
_GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Omega": "Ω",
}
_SYMBOLS = {
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "sim": "∼",
    "approx": "≈",
    "cdot": "·",
    "times": "×",
    "pm": "±",
    "infty": "∞",
    "to": "→",
    "in": "∈",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "{": "{",
    "}": "}",
    "%": "%",
    "_": "_",
    "&": "&",
}
_FUNCTIONS = {"cos", "sin", "tan", "exp", "log", "ln", "min", "max", "sqrt", "arg", "sup", "inf"}
_SPACES = {
    ",": " ",
    ";": " ",
    ":": " ",
    " ": " ",
    "!": "",
    "quad": "\u2003",
    "qquad": "\u2003\u2003",
}
_SKIP = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "textstyle"}
_TEXT = {"text", "mathrm", "textrm", "operatorname", "mathit", "mathbf", "textit"}
_SUPERSCRIPT = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyz",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
        strict=True,
    )
)
_SUBSCRIPT = dict(zip("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎", strict=True))
_CALLIGRAPHIC = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "𝒜ℬ𝒞𝒟ℰℱ𝒢ℋℐ𝒥𝒦ℒℳ𝒩𝒪𝒫𝒬ℛ𝒮𝒯𝒰𝒱𝒲𝒳𝒴𝒵", strict=True))
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\s+|.", re.DOTALL)


@dataclasses.dataclass
class _Cases:
    rows: list[tuple[str, str]]


_Piece = str | _Cases


class _Parser:
    def __init__(self, latex: str) -> None:
        self.tokens: list[str] = _TOKEN.findall(latex)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def skip_space(self) -> None:
        while (token := self.peek()) is not None and token.isspace():
            self.pos += 1

    def raw_group(self) -> str:
        """The raw text of ``{...}`` (or of the next token)."""
        self.skip_space()
        if self.peek() != "{":
            return self.take() if self.peek() is not None else ""
        self.take()
        depth, out = 1, []
        while (token := self.peek()) is not None:
            self.take()
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth == 0:
                    break
            out.append(token)
        return "".join(out)

    def atom(self) -> str:
        """One argument: a ``{group}`` or a single token, as flat text."""
        self.skip_space()
        token = self.peek()
        if token is None:
            return ""
        if token == "{":
            self.take()
            return _flatten(self.sequence(stop={"}"}))
        if token.startswith("\\") and len(token) > 1 and token[1:] in ("frac", "tfrac", "dfrac"):
            self.take()
            return self.fraction()
        self.take()
        return _flatten([self.command(token)]) if token.startswith("\\") else token

    def fraction(self) -> str:
        num, den = self.atom(), self.atom()
        if (num, den) == ("1", "2"):
            return "½"
        return f"{_wrap(num)}/{_wrap(den)}"

    def command(self, token: str) -> _Piece:
        name = token[1:]
        if name in _GREEK:
            return _GREEK[name]
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _SPACES:
            return _SPACES[name]
        if name == "\\":
            return "\n"
        if name in _SKIP:
            if name in ("left", "right") and self.peek() == ".":
                self.take()
            return ""
        if name in _TEXT:
            return self.raw_group()
        if name == "mathcal":
            letter = self.atom()
            return _CALLIGRAPHIC.get(letter, letter)
        if name in ("frac", "tfrac", "dfrac"):
            return self.fraction()
        if name in _FUNCTIONS:
            self.skip_space()
            following = self.peek()
            if following in ("\\frac", "\\tfrac", "\\dfrac"):
                self.take()
                num, den = self.atom(), self.atom()
                return f"{name}({num}/{_wrap(den)})"
            return name if following in ("(", "\\left", "^", "_", "{", None) else name + " "
        if name == "begin":
            environment = self.raw_group()
            if environment == "cases":
                return self.cases()
            return ""
        if name == "end":
            self.raw_group()
            return ""
        return name

    def cases(self) -> _Cases:
        rows: list[tuple[str, str]] = []
        while self.peek() is not None:
            value = _flatten(self.sequence(stop={"&", "\\\\", "\\end"}))
            condition = ""
            if self.peek() == "&":
                self.take()
                condition = _flatten(self.sequence(stop={"\\\\", "\\end"}))
            if value or condition:
                rows.append((value, condition))
            token = self.peek()
            if token is None:
                break
            self.take()
            if token == "\\end":
                self.raw_group()
                break
        return _Cases(rows)

    def sequence(self, stop: set[str]) -> list[_Piece]:
        out: list[_Piece] = []
        while (token := self.peek()) is not None:
            if token in stop:
                if token == "}":
                    self.take()
                return out
            self.take()
            if token == "{":
                out.extend(self.sequence(stop={"}"}))
            elif token in ("^", "_"):
                out.append(_script(self.atom(), superscript=token == "^"))
            elif token.startswith("\\") and len(token) > 1:
                out.append(self.command(token))
            elif token.isspace():
                out.append(" ")
            elif token == "-":
                out.append("−")
            elif token == "~":
                out.append(" ")
            else:
                out.append(token)
        return out


def _flatten(pieces: Sequence[_Piece]) -> str:
    text = "".join(p if isinstance(p, str) else _cases_inline(p) for p in pieces)
    return _tidy(text)


def _cases_inline(cases: _Cases) -> str:
    return "{ " + "; ".join(f"{v} if {c}" if c else v for v, c in cases.rows) + " }"


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(" ?(\u2003+) ?", r"\1", text)
    text = re.sub(r"([(\[⌊⌈]) ", r"\1", text)
    text = re.sub(r" ([)\]⌋⌉,])", r"\1", text)
    return text.strip(" ")


def _top_level_operator(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "([{⌊⌈":
            depth += 1
        elif char in ")]}⌋⌉":
            depth -= 1
        elif depth == 0 and char in " +−-/·,=<>":
            return True
    return False


def _wrap(text: str) -> str:
    """``text`` in parentheses if it has an operator outside any bracket."""
    return f"({text})" if _top_level_operator(text) else text


def _script(text: str, *, superscript: bool) -> str:
    text = text.strip()
    if not text:
        return ""
    table = _SUPERSCRIPT if superscript else _SUBSCRIPT
    if all(char in table for char in text):
        return "".join(table[char] for char in text)
    mark = "^" if superscript else "_"
    if len(text) == 1 or (not superscript and text.isalnum()):
        return mark + text
    return f"{mark}({text})"


def latex_to_text(latex: str) -> str:
    """A readable Unicode rendering of a (simple) LaTeX formula, for plain text or ``<pre>``.

    Handles what the schedules' docstrings use: Greek letters, sub/superscripts, fractions
    (``\\frac``, ``\\tfrac12`` as ½), ``\\min``/``\\cos``-style functions, floors, ``\\text``,
    spacing and ``cases`` environments (one line per case, with a brace drawn down the left).
    Anything else is kept as its name, so the output is never empty for non-empty input.

    Example:
        >>> from lrdecay.viz.report import latex_to_text
        >>> latex_to_text(r"\\eta\\left((1-\\alpha)\\,\\tfrac12(1+\\cos\\frac{\\pi t}{T})\\right)")
        'η((1−α) ½(1+cos(π t/T)))'
        >>> print(latex_to_text(r"v = \\begin{cases} a & t < b_0 \\\\ c & t \\ge b_0 \\end{cases}"))
        v = ⎧ a  if t < b₀
            ⎩ c  if t ≥ b₀
    """
    if not isinstance(latex, str):
        raise TypeError(f"latex must be a string, got {type(latex).__name__}")
    pieces = _Parser(latex.replace("\n", " ")).sequence(stop=set())
    cases = [i for i, piece in enumerate(pieces) if isinstance(piece, _Cases)]
    if len(cases) != 1:
        return _flatten(pieces)
    index = cases[0]
    block = pieces[index]
    assert isinstance(block, _Cases)
    prefix = _flatten(pieces[:index])
    suffix = _flatten(pieces[index + 1 :])
    prefix = prefix + " " if prefix and not prefix.endswith("(") else prefix
    rows = block.rows or [("", "")]
    width = max(len(value) for value, _ in rows)
    braces = _braces(len(rows))
    lines = []
    for i, ((value, condition), brace) in enumerate(zip(rows, braces, strict=True)):
        lead = prefix if i == 0 else " " * len(prefix)
        text = f"{value:<{width}}  if {condition}" if condition else value
        lines.append(f"{lead}{brace} {text}".rstrip())
    if suffix:  # what follows the cases (e.g. the rest of a max(...)) gets its own line
        lines.append(" " * len(prefix) + suffix)
    return "\n".join(lines)


def _braces(rows: int) -> list[str]:
    if rows == 1:
        return ["{"]
    if rows == 2:
        return ["⎧", "⎩"]
    middle = rows // 2
    return ["⎧", *["⎨" if i == middle else "⎪" for i in range(1, rows - 1)], "⎩"]


# --------------------------------------------------------------------------- the page
@dataclasses.dataclass(frozen=True)
class ReportEntry:
    """One card of the report."""

    name: str
    """Anchor id (and usually the image's file stem)."""
    title: str
    """The card's heading."""
    image: str
    """The image's URL, relative to the page."""
    call: str = ""
    """The call that builds the schedule, e.g. ``tf1.cosine_decay(learning_rate=0.01, ...)``."""
    formula: str | None = None
    """The formula, as LaTeX."""
    symbols: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """``{LaTeX symbol: "parameter = value"}``, the formula's symbols explained."""
    run: str = ""
    """The TensorBoard run the curve is logged in."""
    tag: str = ""
    """The TensorBoard tag."""
    schedule: str = ""
    """The core schedule object's ``repr``."""


_CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --rule: #d8dee4; --card: #fff;
  --bg: #f6f8fa; --code: #f3f4f6; --accent: #1f6fb5; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui,
  -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1720px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 6px; }
header p { color: var(--muted); margin: 4px 0; max-width: 980px; }
nav { margin: 14px 0 8px; display: flex; flex-wrap: wrap; gap: 6px; }
nav a { font-size: 13px; padding: 2px 9px; border: 1px solid var(--rule); border-radius: 12px;
  background: var(--card); color: var(--ink); text-decoration: none; }
nav a:hover { border-color: var(--accent); color: var(--accent); }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 18px;
  padding-top: 12px; padding-bottom: 24px; }
.card { background: var(--card); border: 1px solid var(--rule); border-radius: 8px;
  padding: 14px 16px 12px; min-width: 0; }
.card h2 { font-size: 17px; margin: 0 0 8px; }
.card h2 a { color: inherit; text-decoration: none; }
.card h2 .n { color: var(--muted); font-weight: normal; margin-right: 6px; }
.card img { display: block; width: 100%; height: auto; border: 1px solid #eef0f2;
  border-radius: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 10px 0 0;
  font-size: 13.5px; }
dt { color: var(--muted); }
dd { margin: 0; min-width: 0; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 12.5px; }
code { background: var(--code); padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: 8px 10px; border-radius: 4px; margin: 0;
  overflow-x: auto; line-height: 1.35; }
pre.formula { font-size: 14px; }
details { margin-top: 4px; }
summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }
ul.symbols { margin: 0; padding: 0; list-style: none; }
ul.symbols li { display: inline-block; margin-right: 14px; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 32px; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _card(number: int, entry: ReportEntry) -> str:
    anchor = _e(entry.name)
    rows = []
    if entry.call:
        rows.append(f"<dt>call</dt><dd><code>{_e(entry.call)}</code></dd>")
    if entry.run or entry.tag:
        rows.append(
            f"<dt>TensorBoard</dt><dd>run <code>{_e(entry.run)}</code>, "
            f"tag <code>{_e(entry.tag)}</code></dd>"
        )
    if entry.formula:
        rows.append(
            "<dt>formula</dt><dd>"
            f'<pre class="formula">{_e(latex_to_text(entry.formula))}</pre>'
            f"<details><summary>LaTeX</summary><pre>{_e(entry.formula)}</pre></details></dd>"
        )
    if entry.symbols:
        items = "".join(
            f"<li><code>{_e(latex_to_text(symbol))}</code> = {_e(meaning)}</li>"
            for symbol, meaning in entry.symbols.items()
        )
        rows.append(f'<dt>where</dt><dd><ul class="symbols">{items}</ul></dd>')
    if entry.schedule:
        rows.append(
            "<dt>lrdecay</dt><dd><details><summary>core schedule</summary>"
            f"<pre>{_e(entry.schedule)}</pre></details></dd>"
        )
    details = f"<dl>{''.join(rows)}</dl>" if rows else ""
    return (
        f'<section class="card" id="{anchor}">'
        f'<h2><a href="#{anchor}"><span class="n">{number}.</span>{_e(entry.title)}</a></h2>'
        f'<a href="{_e(entry.image)}"><img src="{_e(entry.image)}" alt="{_e(entry.title)}" '
        f'loading="lazy" width="800" height="450"></a>'
        f"{details}</section>"
    )


def render_report(
    entries: Sequence[ReportEntry],
    *,
    title: str = "lrdecay gallery",
    intro: Sequence[str] = (),
    footer: str = "",
) -> str:
    """The HTML of the report page (see :func:`write_report`).

    Example:
        >>> from lrdecay.viz.report import ReportEntry, render_report
        >>> page = render_report([ReportEntry("a", "A <b>", "a.png", formula=r"\\alpha")])
        >>> "A &lt;b&gt;" in page and 'src="a.png"' in page and "α" in page
        True
    """
    if isinstance(entries, ReportEntry) or not all(isinstance(e, ReportEntry) for e in entries):
        raise TypeError("entries must be a sequence of ReportEntry")
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"entry names must be unique, got {names}")
    nav = "".join(f'<a href="#{_e(e.name)}">{_e(e.title)}</a>' for e in entries)
    paragraphs = "".join(f"<p>{_e(p)}</p>" for p in intro)
    cards = "\n".join(_card(i, entry) for i, entry in enumerate(entries, start=1))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(title)}</h1>{paragraphs}<nav>{nav}</nav></header>\n"
        f"<main>\n{cards}\n</main>\n"
        f"<footer>{_e(footer)}</footer>\n</body>\n</html>\n"
    )


def write_report(
    path: str | os.PathLike[str],
    entries: Sequence[ReportEntry],
    *,
    title: str = "lrdecay gallery",
    intro: Sequence[str] = (),
    footer: str = "",
) -> Path:
    """Write the report page to ``path`` (UTF-8); image URLs are relative to its folder.

    Args:
        path: The HTML file to write (its folder must exist).
        entries: One card each, in order.
        title: The page title and heading.
        intro: Paragraphs of plain text under the heading.
        footer: A line of plain text at the bottom.

    Returns:
        The path written.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from lrdecay.viz.report import ReportEntry, write_report
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     page = write_report(Path(tmp) / "index.html", [ReportEntry("a", "A", "a.png")])
        ...     "a.png" in page.read_text(encoding="utf-8")
        True
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"cannot write the report to {str(target)!r}: it is a folder")
    text = render_report(entries, title=title, intro=intro, footer=footer)
    target.write_text(text, encoding="utf-8")
    return target
