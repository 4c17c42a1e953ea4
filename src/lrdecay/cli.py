"""The ``lrdecay`` command line: see a schedule before training.

Every command takes schedules as SPECs, a schedule written as text
(``'warmup(cosine(init_value=3e-4, decay_steps=10000), steps=500)'``,
``'tf1.cosine_decay(learning_rate=0.01, decay_steps=10000, alpha=0.001)'``; see
:mod:`lrdecay.spec`), or as config files: an argument naming an existing ``.json``, ``.yaml``,
``.yml`` or ``.toml`` file is a config file, anything else a SPEC.

* ``lrdecay plot SPEC... [-o FILE] [--steps N] [--log-y] [--units steps|epochs]``: one figure
  (PNG, SVG or PDF), curves overlaid and labelled, phase boundaries marked.
* ``lrdecay show SPEC...``: the same chart drawn in the terminal, as text.
* ``lrdecay describe SPEC [--json]``: peak and where, final value, warm-up end, horizon, area
  under the curve, jumps.
* ``lrdecay table SPEC... [--every K]``: values every K steps.
* ``lrdecay export SPEC [--format csv|json|npy] [-o FILE]``: the value at every step.
* ``lrdecay compare A B``: both curves, and where and by how much they differ.
* ``lrdecay tensorboard SPEC... --logdir DIR [--every K]``: the planned curves as TensorBoard
  scalars (and each figure as an image).
* ``lrdecay report SPEC... [-o report.html]``: one self-contained, interactive HTML page.
* ``lrdecay study [SPEC...] [--optimizer LIST] [--seeds N]``: train a small model on real data
  once per schedule (and optimizer, and seed) and compare them (see :mod:`lrdecay.study`).
* ``lrdecay find-lr [--optimizer NAME]``: the learning-rate range test and a suggested peak
  (see :mod:`lrdecay.lr_finder`).
* ``lrdecay gallery``: the schedules of the survey of TensorFlow 1's learning-rate decay
  strategies (see :mod:`lrdecay.viz.gallery`).

The command line is a thin layer over :mod:`lrdecay.spec` and :mod:`lrdecay.viz`. Bad input
(an unknown name, a wrong type, a missing argument, an unreadable file, an unwritable output)
ends with exit status 2 and one line on stderr, ``lrdecay: error: ...``, never a traceback;
``lrdecay --debug COMMAND ...`` prints the traceback too. Long work shows a progress bar on
stderr when it is a terminal; ``--quiet`` silences it and the closing summary. Start-up is
cheap: matplotlib, rich and uniplot are imported only inside the commands that use them, and no
framework (torch, jax, TensorFlow) ever is. Shell completion comes with click:
``eval "$(_LRDECAY_COMPLETE=bash_source lrdecay)"``.

Example:
    >>> from lrdecay.cli import main
    >>> main(["--version"])
    lrdecay 0.1.0
    0
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lrdecay import __version__

if TYPE_CHECKING:
    import numpy as np

    from lrdecay._core import Schedule

__all__ = ["CONFIG_SUFFIXES", "load_schedule", "main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
"""A bug in lrdecay (an unexpected exception)."""
EXIT_USAGE = 2
"""Bad arguments, and expected failures the user can fix (missing dependency, bad path)."""
EXIT_INTERRUPTED = 130

CONFIG_SUFFIXES = (".json", ".yaml", ".yml", ".toml")
"""An argument naming an existing file with one of these suffixes is a config file."""

_CHUNK = 1 << 20
"""Steps evaluated and written at a time by ``export`` (the progress bar advances by these)."""

_MAX_EXPORT = 1 << 31
"""The most steps ``export`` writes."""

_MAX_TABLE_ROWS = 10_000

_SURVEY = "the survey of TensorFlow 1's learning-rate decay strategies"

F = TypeVar("F", bound=Callable[..., Any])


class Failure(Exception):
    """An expected failure: its message is printed as one line, and the exit status is 2."""


# --------------------------------------------------------------------------- schedules
def load_schedule(argument: str) -> Schedule:
    """The schedule an argument names: a config file (by its suffix, when the file exists) or a
    SPEC, read by :func:`lrdecay.spec.load` or :func:`lrdecay.spec.parse`.

    Raises:
        Failure: If the text or the file does not give a schedule, with a one-line message.
    """
    from lrdecay.spec import SpecError, load, parse

    path = Path(argument)
    is_config = path.suffix.lower() in CONFIG_SUFFIXES and "(" not in argument
    try:
        if is_config and path.is_file():
            return load(path)
        if is_config:
            raise Failure(f"no such config file: {argument}")
        return parse(argument)
    except Failure:
        raise
    except OSError as error:
        raise Failure(f"cannot read {argument}: {error.strerror or error}") from error
    except (SpecError, ValueError, TypeError) as error:
        what = "config file" if is_config else "SPEC"
        raise Failure(f"bad {what} {argument!r}: {_one_line(error)}") from error


def _schedules(arguments: Sequence[str]) -> dict[str, Schedule]:
    """``{label: schedule}`` for the arguments, labelled by their text (repeats numbered)."""
    named: dict[str, Schedule] = {}
    for argument in arguments:
        label, n = " ".join(argument.split()), 2
        while label in named:
            label, n = f"{' '.join(argument.split())} ({n})", n + 1
        named[label] = load_schedule(argument)
    return named


# --------------------------------------------------------------------------- output helpers
def _one_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, OSError) and error.strerror and error.filename is not None:
        text = f"{error.strerror}: {error.filename}"
    return " ".join(text.split())


def _console(*, stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """A rich progress bar on stderr (none when ``quiet`` or stderr is not a terminal).

    Yields ``task(description, total) -> advance(n)``.
    """
    if quiet or not sys.stderr.isatty():

        def silent(description: str, total: int) -> Callable[[int], None]:
            return lambda n: None

        yield silent
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=_console(stderr=True),
        transient=True,
    )
    with bar:

        def task(description: str, total: int) -> Callable[[int], None]:
            task_id = bar.add_task(description, total=total)
            return lambda n: bar.advance(task_id, n)

        yield task


def _output_path(output: str, suffixes: Sequence[str] | None = None) -> Path:
    """``output`` as a file to write: its folder created if needed; checked before any work."""
    target = Path(output)
    if target.is_dir():
        raise Failure(f"cannot write {output}: it is a folder")
    if suffixes is not None and target.suffix.lower() not in suffixes:
        raise click.BadParameter(
            f"{output!r} must end in {', '.join(suffixes)} (the extension sets the format)",
            param_hint="'-o' / '--output'",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:
        raise Failure(f"cannot write {output}: a parent of it is a file") from error
    except OSError as error:
        raise Failure(f"cannot write {output}: {error.strerror or error}") from error
    if not os.access(target.parent, os.W_OK):
        raise Failure(f"cannot write {output}: Permission denied")
    return target


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def _step(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


# --------------------------------------------------------------------------- shared options
def _quiet_option(function: F) -> F:
    decorated: F = click.option(
        "-q", "--quiet", is_flag=True, help="No progress bar and no closing summary."
    )(function)
    return decorated


def _steps_option(function: F) -> F:
    decorated: F = click.option(
        "--steps",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Steps 0 to N-1 (default: past the furthest horizon; 1,000 when there is none).",
    )(function)
    return decorated


def _units_options(function: F) -> F:
    function = click.option(
        "--steps-per-epoch",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="N",
        help="Optimizer steps per epoch (needed by --units epochs).",
    )(function)
    decorated: F = click.option(
        "--units",
        type=click.Choice(["steps", "epochs"]),
        default="steps",
        show_default=True,
        help="What the x axis counts.",
    )(function)
    return decorated


def _per_epoch(units: str, steps_per_epoch: float | None) -> float | None:
    if units == "epochs" and steps_per_epoch is None:
        raise click.UsageError("--units epochs needs --steps-per-epoch N")
    return steps_per_epoch if units == "epochs" else None


SPECS_HELP = (
    "Each SPEC is a schedule written as text, e.g. "
    "'warmup(cosine(init_value=3e-4, decay_steps=10000), steps=500)', or a .json, .yaml, .yml "
    "or .toml config file."
)


# --------------------------------------------------------------------------- the group
class _Group(click.Group):
    """Lists the commands in the order they are defined (the order of a session)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    help=(
        "Learning-rate schedules as pure functions of the step: see a schedule before "
        "training.\n\n" + SPECS_HELP + f"\n\n'lrdecay gallery' draws {_SURVEY}."
    ),
)
@click.version_option(__version__, "--version", prog_name="lrdecay", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Print the traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """The ``lrdecay`` group."""
    ctx.obj = {"debug": debug}
    if ctx.invoked_subcommand is None:
        raise click.UsageError("a command is required (e.g. lrdecay plot SPEC)", ctx)


# --------------------------------------------------------------------------- plot
@cli.command(help="Plot schedules to a PNG, SVG or PDF file, overlaid. " + SPECS_HELP)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option(
    "-o",
    "--output",
    default="lrdecay.png",
    show_default=True,
    metavar="FILE",
    help="The image; its extension sets the format: .png, .svg or .pdf.",
)
@_steps_option
@click.option("--log-y", is_flag=True, help="A logarithmic y axis.")
@_units_options
@click.option("--title", default=None, help="The title (default: none for several schedules).")
@_quiet_option
def plot(
    specs: tuple[str, ...],
    output: str,
    steps: int | None,
    log_y: bool,
    units: str,
    steps_per_epoch: float | None,
    title: str | None,
    quiet: bool,
) -> None:
    """``lrdecay plot``."""
    from lrdecay.viz.plot import FORMATS

    per_epoch = _per_epoch(units, steps_per_epoch)
    target = _output_path(output, tuple(FORMATS))
    named = _schedules(specs)
    with _progress(quiet) as task:
        advance = task("drawing", 1)
        _save_figure(named, target, steps=steps, log_y=log_y, per_epoch=per_epoch, title=title)
        advance(1)
    if not quiet:
        click.echo(f"wrote {target} ({len(named)} schedule{'s' * (len(named) > 1)})")


def _save_figure(
    named: dict[str, Schedule],
    target: Path,
    *,
    steps: int | None,
    log_y: bool,
    per_epoch: float | None,
    title: str | None,
) -> None:
    from lrdecay.viz.plot import output_format
    from lrdecay.viz.plot import plot as draw

    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise Failure("plotting needs matplotlib: pip install 'lrdecay[plot]'") from error
    _, file_format = output_format(target)
    figure = Figure(figsize=(8.0, 4.5), dpi=100, facecolor="white", layout="tight")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    draw(named, ax=ax, steps=steps, log_y=log_y, steps_per_epoch=per_epoch)
    if title:
        ax.set_title(title, loc="left", fontweight="bold")
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(file_format)
    try:
        figure.savefig(target, format=file_format, facecolor="white", metadata=metadata)
    except OSError as error:
        raise Failure(f"cannot write {target}: {error.strerror or error}") from error


# --------------------------------------------------------------------------- show
@cli.command(help="Draw schedules in the terminal, as text (for work over SSH). " + SPECS_HELP)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@_steps_option
@click.option("--log-y", is_flag=True, help="A logarithmic y axis.")
@_units_options
@click.option("--width", type=click.IntRange(min=8), default=None, help="Chart width (columns).")
@click.option("--height", type=click.IntRange(min=8), default=18, show_default=True)
@click.option("--color/--no-color", default=None, help="Colour (default: on a terminal).")
def show(
    specs: tuple[str, ...],
    steps: int | None,
    log_y: bool,
    units: str,
    steps_per_epoch: float | None,
    width: int | None,
    height: int,
    color: bool | None,
) -> None:
    """``lrdecay show``."""
    per_epoch = _per_epoch(units, steps_per_epoch)
    named = _schedules(specs)
    # color=True: keep the codes the chart has (it has none unless colour was asked for)
    click.echo(_chart(named, steps, log_y, per_epoch, width, height, color), color=True)


def _chart(
    named: dict[str, Schedule],
    steps: int | None,
    log_y: bool,
    per_epoch: float | None,
    width: int | None,
    height: int,
    color: bool | None,
) -> str:
    from lrdecay.viz.terminal import terminal_plot

    if width is None:
        import shutil

        width = max(20, min(shutil.get_terminal_size((80, 24)).columns - 12, 120))
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        return terminal_plot(
            named,
            steps=steps,
            log_y=log_y,
            width=width,
            height=height,
            color=color,
            steps_per_epoch=per_epoch,
        )
    except ImportError as error:
        raise Failure(str(error)) from error


# --------------------------------------------------------------------------- describe
@cli.command(
    help=(
        "Facts about a schedule: peak and where, final value, warm-up end, horizon, area under "
        "the curve, jumps. " + SPECS_HELP
    )
)
@click.argument("spec", metavar="SPEC")
@_steps_option
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def describe(spec: str, steps: int | None, as_json: bool) -> None:
    """``lrdecay describe``."""
    from lrdecay.viz.describe import describe as facts_of

    schedule = load_schedule(spec)
    facts = facts_of(schedule, steps)
    text = _spec_text(schedule)
    if as_json:
        import json

        click.echo(json.dumps({"spec": text, **facts.to_dict()}, indent=2))
        return
    from rich.table import Table

    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("schedule", text)
    table.add_row("start", f"{_number(facts.initial)}")
    table.add_row("peak", f"{_number(facts.peak)} at step {_step(facts.peak_step)}")
    table.add_row("warm-up end", "none" if facts.warmup_end is None else _step(facts.warmup_end))
    table.add_row("final", f"{_number(facts.final)} at step {_step(facts.final_step)}")
    horizon = "none" if facts.total_steps is None else f"{_step(facts.total_steps)} steps"
    table.add_row("horizon", horizon)
    table.add_row("area", f"{_number(facts.auc)} (trapezoid, steps 0-{_step(facts.final_step)})")
    jumps = [
        f"step {_step(j.step)}: {_number(j.before)} -> {_number(j.after)}" for j in facts.jumps
    ]
    if len(jumps) > 10:
        jumps = [*jumps[:10], f"... and {len(jumps) - 10} more"]
    table.add_row("jumps", "\n".join(jumps) if jumps else "none")
    _console().print(table)


def _spec_text(schedule: Schedule) -> str:
    from lrdecay.spec import to_spec

    try:
        return str(to_spec(schedule))
    except (ValueError, TypeError):
        return repr(schedule)


# --------------------------------------------------------------------------- table
@cli.command(help="Print the values every K steps, one column per schedule. " + SPECS_HELP)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="The spacing of the rows (default: about 20 rows).",
)
@_steps_option
def table(specs: tuple[str, ...], every: int | None, steps: int | None) -> None:
    """``lrdecay table``."""
    import numpy as np
    from rich.table import Table

    from lrdecay.viz.describe import dense_steps

    named = _schedules(specs)
    last = int(dense_steps(named.values(), steps)[-1])
    if every is None:
        every = _round_spacing(max(last, 1) / 20)
    rows = list(range(0, last + 1, every))
    if rows[-1] != last:
        rows.append(last)
    if len(rows) > _MAX_TABLE_ROWS:
        raise Failure(
            f"{len(rows):,} rows: use a larger --every (or lrdecay export for every step)"
        )
    xs = np.asarray(rows, dtype=np.int64)
    columns = [np.asarray(schedule(xs), dtype=np.float64) for schedule in named.values()]
    out = Table(box=None, padding=(0, 2), header_style="bold")
    out.add_column("step", justify="right")
    for label in named:
        out.add_column(label, justify="right", overflow="fold")
    for i, step in enumerate(rows):
        out.add_row(f"{step:,}", *(f"{column[i]:.6g}" for column in columns))
    _console().print(out)


def _round_spacing(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at least ``value``."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return int(factor * power)
    return int(10 * power)


# --------------------------------------------------------------------------- export
_EXPORT_FORMATS = ("csv", "json", "npy")


@cli.command(
    help=(
        "Write the value at every step 0 to N-1: CSV (step,learning_rate), JSON "
        '({"spec", "first_step", "values"}) or NPY (a float64 array, index = step). ' + SPECS_HELP
    )
)
@click.argument("spec", metavar="SPEC")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(_EXPORT_FORMATS),
    default=None,
    help="Default: from the output's extension, else csv.",
)
@_steps_option
@click.option(
    "-o", "--output", default="-", metavar="FILE", help="The file (default: standard output)."
)
@_quiet_option
def export(spec: str, file_format: str | None, steps: int | None, output: str, quiet: bool) -> None:
    """``lrdecay export``."""
    import numpy as np

    from lrdecay.viz.describe import dense_steps
    from lrdecay.viz.plot import horizon

    to_stdout = output == "-"
    if file_format is None:
        suffix = "" if to_stdout else Path(output).suffix.lower().lstrip(".")
        file_format = suffix if suffix in _EXPORT_FORMATS else "csv"
    if to_stdout and file_format == "npy" and sys.stdout.isatty():
        raise Failure("NPY is binary: write it to a file with -o FILE (or redirect the output)")
    target = None if to_stdout else _output_path(output)
    schedule = load_schedule(spec)
    if steps is None:
        end = horizon(schedule)
        count = math.ceil(end) + 1 if end > 0 else int(dense_steps([schedule])[-1]) + 1
    else:
        count = steps
    if count > _MAX_EXPORT:
        raise Failure(
            f"{count:,} steps is too many to export (at most {_MAX_EXPORT:,}); use --steps"
        )

    def values() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        with _progress(quiet) as task:
            advance = task("exporting", count)
            for start in range(0, count, _CHUNK):
                xs = np.arange(start, min(start + _CHUNK, count), dtype=np.int64)
                yield xs, np.asarray(schedule(xs), dtype=np.float64)
                advance(xs.size)

    try:
        if file_format == "npy":
            _write_npy(values(), count, target)
        else:
            writer = _write_csv if file_format == "csv" else _write_json
            if target is None:
                writer(values(), sys.stdout, _spec_text(schedule))
                sys.stdout.flush()
            else:
                with target.open("w", encoding="utf-8", newline="\n") as stream:
                    writer(values(), stream, _spec_text(schedule))
    except BrokenPipeError:
        raise  # the reader went away (``lrdecay export SPEC | head``): click ends quietly
    except OSError as error:
        raise Failure(f"cannot write {output}: {error.strerror or error}") from error
    if target is not None and not quiet:
        click.echo(f"wrote {target} ({count:,} steps, {file_format})")


def _write_csv(chunks: Iterator[tuple[np.ndarray, np.ndarray]], stream: Any, spec: str) -> None:
    stream.write("step,learning_rate\n")
    for xs, ys in chunks:
        stream.write("".join(f"{k},{v!r}\n" for k, v in zip(xs.tolist(), ys.tolist(), strict=True)))


def _write_json(chunks: Iterator[tuple[np.ndarray, np.ndarray]], stream: Any, spec: str) -> None:
    import json

    stream.write('{"spec": ' + json.dumps(spec) + ', "first_step": 0, "values": [')
    first = True
    for _, ys in chunks:
        text = ", ".join(repr(v) for v in ys.tolist())
        if text:
            stream.write(text if first else ", " + text)
            first = False
    stream.write("]}\n")


def _write_npy(
    chunks: Iterator[tuple[np.ndarray, np.ndarray]], count: int, target: Path | None
) -> None:
    import numpy as np

    if target is None:
        array = np.empty(count, dtype=np.float64)
        for xs, ys in chunks:
            array[xs[0] : xs[0] + xs.size] = ys
        np.save(sys.stdout.buffer, array)
        sys.stdout.buffer.flush()
        return
    mapped = np.lib.format.open_memmap(target, mode="w+", dtype=np.float64, shape=(count,))
    for xs, ys in chunks:
        mapped[xs[0] : xs[0] + xs.size] = ys
    mapped.flush()
    del mapped


# --------------------------------------------------------------------------- compare
@cli.command(
    help=(
        "Compare two schedules: both curves, and where and by how much they differ (largest "
        "absolute and relative difference, and their steps). " + SPECS_HELP
    )
)
@click.argument("first", metavar="A")
@click.argument("second", metavar="B")
@_steps_option
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON only.")
@click.option(
    "-o", "--output", default=None, metavar="FILE", help="Also plot both to a .png/.svg/.pdf."
)
@click.option("--chart/--no-chart", default=True, help="Draw both curves in the terminal.")
@click.option("--color/--no-color", default=None, help="Colour (default: on a terminal).")
@_quiet_option
def compare(
    first: str,
    second: str,
    steps: int | None,
    as_json: bool,
    output: str | None,
    chart: bool,
    color: bool | None,
    quiet: bool,
) -> None:
    """``lrdecay compare``."""
    from lrdecay.viz.describe import compare as differences
    from lrdecay.viz.plot import FORMATS

    target = None if output is None else _output_path(output, tuple(FORMATS))
    named = _schedules((first, second))
    a, b = named.values()
    found = differences(a, b, steps)
    if target is not None:
        _save_figure(named, target, steps=steps, log_y=False, per_epoch=None, title=None)
    if as_json:
        import json

        click.echo(json.dumps(found.to_dict(), indent=2))
        return
    if chart:
        click.echo(_chart(named, steps, False, None, None, 14, color), color=True)
    if found.identical:
        click.echo(f"identical at every step 0-{found.last_step:,} ({found.points:,} steps)")
    else:
        click.echo(
            f"max |A - B| = {found.max_abs:.6g} at step {found.max_abs_step:,}; "
            f"max relative = {found.max_rel:.6g} at step {found.max_rel_step:,}; "
            f"first differ at step {_step(found.first_step)}; "
            f"mean |A - B| = {found.mean_abs:.6g} over steps 0-{found.last_step:,}"
        )
    if target is not None and not quiet:
        click.echo(f"wrote {target}")


# --------------------------------------------------------------------------- tensorboard, report
@cli.command(
    help=(
        "Write the planned curves as TensorBoard scalars, one run per schedule under DIR (tag "
        "learning_rate, every K steps), with each curve's figure as an image. " + SPECS_HELP
    )
)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("--logdir", required=True, metavar="DIR", help="The TensorBoard log folder.")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    metavar="K",
    help="Write every K-th step.",
)
@_steps_option
@click.option("--figure/--no-figure", default=True, help="Also write each curve's figure.")
@_quiet_option
def tensorboard(
    specs: tuple[str, ...], logdir: str, every: int, steps: int | None, figure: bool, quiet: bool
) -> None:
    """``lrdecay tensorboard``."""
    from lrdecay.viz.tensorboard import write_tensorboard

    named = _schedules(specs)
    folder = Path(logdir)
    if folder.exists() and not folder.is_dir():
        raise Failure(f"cannot write {logdir}: it is a file")
    with _progress(quiet) as task:
        advance = task("writing event files", 1)
        try:
            runs = write_tensorboard(named, folder, steps=steps, every=every, figure=figure)
        except ImportError as error:
            raise Failure(f"{_one_line(error)} (pip install 'lrdecay[tensorboard]')") from error
        except OSError as error:
            raise Failure(f"cannot write {logdir}: {_one_line(error)}") from error
        advance(1)
    if not quiet:
        click.echo(f"wrote {len(runs)} run{'s' * (len(runs) > 1)} under {folder}")


@cli.command(
    help=(
        "Write one self-contained HTML page (works offline): an interactive chart of the "
        "schedules (hover for step and value, drag to zoom, double-click to reset), the facts "
        "of each (peak, final value, horizon, area) and its config. " + SPECS_HELP
    )
)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option(
    "-o",
    "--output",
    default="lrdecay.html",
    show_default=True,
    metavar="FILE",
    help="The page (.html).",
)
@_steps_option
@click.option("--title", default=None, help="The page's title.")
@_quiet_option
def report(
    specs: tuple[str, ...], output: str, steps: int | None, title: str | None, quiet: bool
) -> None:
    """``lrdecay report``."""
    from lrdecay.viz.report import write_report

    target = _output_path(output, (".html", ".htm"))
    named = _schedules(specs)
    with _progress(quiet) as task:
        advance = task("writing the report", 1)
        try:
            written = write_report(named, target, steps=steps, title=title)
        except OSError as error:
            raise Failure(f"cannot write {output}: {_one_line(error)}") from error
        advance(1)
    if not quiet:
        click.echo(f"wrote {written} ({len(named)} schedule{'s' * (len(named) > 1)})")


# --------------------------------------------------------------------------- training
_STUDY_PIP = "lrdecay study and find-lr need PyTorch and scikit-learn: pip install 'lrdecay[study]'"


def _optimizer_names(text: str) -> list[str]:
    from lrdecay.study import OPTIMIZERS

    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("name at least one optimizer", param_hint="'--optimizer'")
    for name in names:
        if name not in OPTIMIZERS:
            raise click.BadParameter(
                f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}",
                param_hint="'--optimizer'",
            )
    if len(set(names)) != len(names):
        raise click.BadParameter(f"{text!r} names an optimizer twice", param_hint="'--optimizer'")
    return names


def _training_imports() -> None:
    """Fail with one line, before any work, when PyTorch or scikit-learn is missing."""
    import importlib.util

    for module in ("torch", "sklearn"):
        if importlib.util.find_spec(module) is None:
            raise Failure(f"{_STUDY_PIP} ({module} is not installed)")


@cli.command(
    short_help="Train a small model once per schedule and compare them.",
    help=(
        "Train the same small model (an MLP on scikit-learn's handwritten digits, PyTorch on the "
        "CPU, no download) once per candidate schedule, optimizer and seed, and report the final "
        "validation loss and accuracy (mean ± sd over the seeds), the best epoch, whether each "
        "schedule is within noise of the best (paired over the seeds), and the wall time. "
        "Writes <out>/study.md, study.csv, study.json and study.png (the loss curves, each "
        "schedule's rate underneath). Without SPECs: a constant rate, the schedules of "
        f"{_SURVEY} stretched to the run, warm-up + cosine, one-cycle and WSD, as shapes "
        "peaking at each optimizer's rate. SPECs are absolute rates (--relative: shapes). "
        + SPECS_HELP
    ),
)
@click.argument("specs", nargs=-1, metavar="[SPEC]...")
@click.option(
    "--config",
    "config_file",
    default=None,
    metavar="FILE",
    help="A study config (.yaml, .json, .toml): candidates {name: SPEC}, optimizers, seeds, "
    "epochs, batch_size, relative. Options given on the command line win.",
)
@click.option(
    "--optimizer",
    "optimizer_text",
    default=None,
    metavar="LIST",
    help="Optimizers, comma-separated: sgd, momentum (the default), adagrad, rmsprop, "
    "adadelta, adam.",
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Seeds 0..N-1 per schedule (weights and batch order). [default: 3]",
)
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="[default: 20]")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="[default: 32]")
@click.option(
    "--relative/--absolute",
    default=None,
    help="SPECs are shapes multiplied by each optimizer's peak rate (default: absolute rates).",
)
@click.option(
    "-o", "--out", default="study", show_default=True, metavar="DIR", help="The output folder."
)
@click.option("--figure/--no-figure", default=True, help="Write study.png.")
@_quiet_option
def study(
    specs: tuple[str, ...],
    config_file: str | None,
    optimizer_text: str | None,
    seeds: int | None,
    epochs: int | None,
    batch_size: int | None,
    relative: bool | None,
    out: str,
    figure: bool,
    quiet: bool,
) -> None:
    """``lrdecay study``."""
    config: dict[str, Any] = {}
    if config_file is not None:
        from lrdecay.spec import SpecError
        from lrdecay.study import load_study

        try:
            config = load_study(config_file)
        except OSError as error:
            raise Failure(f"cannot read {config_file}: {error.strerror or error}") from error
        except (SpecError, ValueError, TypeError) as error:
            raise Failure(f"bad study config: {_one_line(error)}") from error
    if optimizer_text is not None:
        config["optimizers"] = _optimizer_names(optimizer_text)
    elif "optimizers" in config:
        config["optimizers"] = _optimizer_names(",".join(config["optimizers"]))
    if specs:
        config["candidates"] = _schedules(specs)
    for key, value in (("epochs", epochs), ("batch_size", batch_size), ("relative", relative)):
        if value is not None:
            config[key] = value
    if seeds is not None:
        config["seeds"] = list(range(seeds))
    _training_imports()
    from lrdecay.study import run_study

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise Failure(f"cannot write {out}: it is a file")
    with _progress(quiet) as task:
        bar: list[Callable[[int], None]] = []
        shown = [0]

        def progress(done: int, total: int) -> None:
            if not bar:  # the total is known once the study has counted its runs
                bar.append(task(f"training ({total:,} updates)", total))
            bar[0](done - shown[0])
            shown[0] = done

        result = run_study(config.pop("candidates", None), progress=progress, **config)
        try:
            paths = result.write(folder, figure=figure)
        except OSError as error:
            raise Failure(f"cannot write {out}: {_one_line(error)}") from error
    if not quiet:
        _print_study(result)
        click.echo("wrote " + ", ".join(str(p) for p in paths.values()))


def _print_study(result: Any) -> None:
    from rich.table import Table

    from lrdecay.study import _epoch, _pm, _versus_text

    table = Table(title=f"{len(result.seeds)} seeds each; mean ± sd; lower loss is better")
    table.add_column("optimizer")
    table.add_column("schedule", overflow="fold")
    for column in ("final val. loss", "final accuracy", "best epoch"):
        table.add_column(column)
    table.add_column("vs best (paired)")
    table.add_column("s / run", justify="right")
    for row in result.summary():
        table.add_row(
            row["optimizer"],
            row["candidate"],
            _pm(row, "final_loss", 4),
            _pm(row, "final_accuracy", 4),
            _epoch(row),
            _versus_text(row),
            f"{row['seconds']:.2f}",
        )
    _console().print(table)


@cli.command(
    "find-lr",
    short_help="The learning-rate range test: a suggested peak rate.",
    help=(
        "The learning-rate range test (Smith, 2017) on the built-in task (lrdecay study's model "
        "and data): a short run whose rate grows exponentially from --start-lr to --end-lr, the "
        "loss recorded at every update, stopped once it diverges. Prints the suggested peak "
        "rate (the rate of the lowest smoothed loss / 10), the lowest-loss and steepest-descent "
        "rates, and draws the curve. For your own model, use lrdecay.find_lr(train_step) from "
        "Python."
    ),
)
@click.option(
    "--optimizer",
    default="momentum",
    show_default=True,
    type=click.Choice(["sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam"]),
)
@click.option(
    "--start-lr", type=click.FloatRange(min=0, min_open=True), default=1e-6, show_default=True
)
@click.option(
    "--end-lr", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True
)
@click.option(
    "--steps", type=click.IntRange(min=5), default=100, show_default=True, help="Updates, at most."
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True)
@click.option(
    "-o",
    "--output",
    default="find-lr.png",
    show_default=True,
    metavar="FILE",
    help="The figure (.png, .svg or .pdf).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_quiet_option
def find_lr(
    optimizer: str,
    start_lr: float,
    end_lr: float,
    steps: int,
    seed: int,
    batch_size: int,
    output: str,
    as_json: bool,
    quiet: bool,
) -> None:
    """``lrdecay find-lr``."""
    import json

    if end_lr <= start_lr:
        raise click.BadParameter(
            f"must be > --start-lr {start_lr:g}, got {end_lr:g}", param_hint="'--end-lr'"
        )
    target = _output_path(output, (".png", ".svg", ".pdf"))
    _training_imports()
    from lrdecay.lr_finder import digits_step
    from lrdecay.lr_finder import find_lr as run

    with _progress(quiet or as_json) as task:
        advance = task("range test", steps)
        result = run(
            digits_step(optimizer, seed=seed, batch_size=batch_size),
            start_lr=start_lr,
            end_lr=end_lr,
            num_steps=steps,
            progress=lambda done, total: advance(1),
        )
        written = result.plot(target, title=f"Range test: {optimizer} on the digits")
    if as_json:
        click.echo(json.dumps({**result.to_dict(), "figure": str(written)}, allow_nan=True))
    elif not quiet:
        click.echo(result.summary())
        click.echo(f"wrote {written}")


# --------------------------------------------------------------------------- gallery
@cli.command(
    short_help=f"Draw {_SURVEY}.",
    help=(
        f"Draw the gallery of {_SURVEY}: the decay schedules of tf.compat.v1.train (piecewise "
        "constant, exponential, polynomial, cosine, cosine with restarts, ...) and the burn-in "
        "and warm-up schedules of TensorFlow's object-detection models, with the survey's "
        "parameters, as TensorFlow 1 computes them. Writes <out>/<name>.png (one plot per "
        "schedule), TensorBoard event files under <out>/tensorboard/<method>/ and "
        "<out>/index.html (every plot with the call that builds it and its formula)."
    ),
)
@click.option(
    "-o",
    "--out",
    metavar="DIR",
    default="gallery",
    help="The gallery folder, created if needed (default: ./gallery).",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print nothing on success (no progress, no summary)."
)
def gallery(out: str, quiet: bool) -> None:
    """``lrdecay gallery``."""
    from lrdecay.viz.gallery import PIP_HINT, render_gallery

    try:
        result = render_gallery(out, progress=not quiet)
    except ImportError as error:
        message = str(error) if "pip install" in str(error) else f"{error}: {PIP_HINT}"
        raise Failure(message) from error
    except (OSError, ValueError, TypeError) as error:
        raise Failure(_one_line(error)) from error
    if not quiet:
        click.echo(result.summary())


# --------------------------------------------------------------------------- main
def _fail(message: str) -> int:
    print(f"lrdecay: error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args[: next((i for i, a in enumerate(args) if a in cli.commands), None)]
    try:
        result = cli.main(args=args, prog_name="lrdecay", standalone_mode=False)
    except Failure as failure:
        if debug:
            import traceback

            traceback.print_exception(failure.__cause__ or failure, file=sys.stderr)
        return _fail(str(failure))
    except click.UsageError as error:
        if debug:
            import traceback

            traceback.print_exc()
        where = "lrdecay" if error.ctx is None else error.ctx.command_path
        hint = f" (see '{where} --help')"
        return _fail(f"{error.format_message()}{hint}")
    except click.ClickException as error:
        return _fail(error.format_message())
    except (click.exceptions.Abort, KeyboardInterrupt):
        print("lrdecay: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, TypeError, OSError, ImportError) as error:
        if debug:
            import traceback

            traceback.print_exc()
        return _fail(_one_line(error))
    except Exception as error:
        if debug:
            raise
        print(
            f"lrdecay: internal error: {type(error).__name__}: {_one_line(error)} "
            "(run 'lrdecay --debug ...' for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK
