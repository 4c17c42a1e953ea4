"""The ``lrdecay`` command line.

``lrdecay gallery [--out DIR] [--quiet]`` draws the schedules of the survey of TensorFlow 1's
learning-rate decay strategies (see :mod:`lrdecay.viz.gallery`); ``lrdecay --version`` prints the
version. The command line is a thin
layer: it parses arguments, calls the library, and turns expected failures (a missing optional
dependency, an output path that is a file, an unwritable folder) into a one-line message on stderr
and exit status 2, without a traceback. Heavy modules (matplotlib, tensorboard) are imported only
when a command runs.

Example:
    >>> from lrdecay.cli import main
    >>> main(["--version"])
    lrdecay 0.1.0
    0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]

EXIT_OK = 0
EXIT_USAGE = 2
"""Bad arguments, and expected failures the user can fix (missing dependency, bad path)."""
EXIT_INTERRUPTED = 130


def _version() -> str:
    from lrdecay import __version__

    return __version__


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise instead of exiting, so ``main`` returns a code."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            self._print_message(message, sys.stderr)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lrdecay",
        description="Learning-rate schedules as pure functions of the step.",
    )
    parser.add_argument("--version", action="version", version=f"lrdecay {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    gallery = commands.add_parser(
        "gallery",
        help=(
            "draw the survey of TensorFlow 1's learning-rate decay strategies: a plot of each "
            "schedule, TensorBoard event files and an HTML page with the formulas"
        ),
        description=(
            "Draw the gallery of the survey of TensorFlow 1's learning-rate decay strategies: "
            "the decay schedules of tf.compat.v1.train (piecewise constant, exponential, "
            "polynomial, cosine, cosine with restarts, ...) and the burn-in and warm-up schedules "
            "of TensorFlow's object-detection models, with the survey's parameters, as "
            "TensorFlow 1 computes them. Writes <out>/<name>.png (one plot per schedule), "
            "TensorBoard event files under <out>/tensorboard/<method>/ and <out>/index.html "
            "(every plot with the call that builds it and its formula)."
        ),
    )
    gallery.add_argument(
        "--out",
        "-o",
        metavar="DIR",
        default="gallery",
        help="the gallery folder, created if needed (default: ./gallery)",
    )
    gallery.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print nothing on success (no progress, no summary)",
    )
    return parser


def _gallery(args: argparse.Namespace) -> int:
    from lrdecay.viz.gallery import PIP_HINT, render_gallery

    try:
        result = render_gallery(args.out, progress=not args.quiet)
    except ImportError as error:
        message = str(error) if "pip install" in str(error) else f"{error}: {PIP_HINT}"
        return _fail(message)
    except (OSError, ValueError, TypeError) as error:
        return _fail(_describe(error))
    if not args.quiet:
        print(result.summary())
    return EXIT_OK


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror and error.filename is not None:
        return f"{error.strerror}: {error.filename}"
    return str(error) or type(error).__name__


def _fail(message: str) -> int:
    print(f"lrdecay: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except _Exit as stop:
        return stop.status
    try:
        if args.command == "gallery":
            return _gallery(args)
    except KeyboardInterrupt:
        print("lrdecay: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    parser.print_usage(sys.stderr)
    print("lrdecay: error: a command is required (e.g. lrdecay gallery)", file=sys.stderr)
    return EXIT_USAGE
