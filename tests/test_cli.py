"""The ``lrdecay`` command line: exit codes, output, errors without tracebacks, fast start-up."""

from __future__ import annotations

import errno
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import lrdecay
from lrdecay.cli import main
from lrdecay.survey import FIGURES

HEAVY = ("matplotlib", "PIL", "tensorboard", "tensorflow", "torch", "jax", "keras")


def run_module(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lrdecay", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


# --------------------------------------------------------------------------- basics
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"lrdecay {lrdecay.__version__}\n"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage: lrdecay" in out
    for command in ("plot", "show", "describe", "table", "export", "compare", "gallery"):
        assert f"  {command} " in out
    assert main(["gallery", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--out" in out and "--quiet" in out and "./gallery" in out


def founding_document_mentions(text: str) -> list[str]:
    """Each "seed" in ``text`` other than a random seed (``seed=``, "random seed"), in context."""
    text = re.sub(r"random seeds?|\bseed\s*=", "", text, flags=re.IGNORECASE)
    return re.findall(r".{0,40}seed.{0,40}", text, flags=re.IGNORECASE | re.DOTALL)


def test_founding_document_mentions() -> None:
    assert founding_document_mentions("GaussianNoise(std=0.1, seed=3), a random seed") == []
    assert founding_document_mentions("the Seed's figures") == ["the Seed's figures"]


def test_help_and_gallery_say_what_the_gallery_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a user's words: the survey of TensorFlow 1's decay strategies, never "the seed"."""
    survey = "the survey of TensorFlow 1's learning-rate decay strategies"
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    assert main(["gallery", "--help"]) == 0
    gallery = capsys.readouterr().out
    assert main(["gallery", "--out", str(tmp_path), "--quiet"]) == 0
    index = html.unescape((tmp_path / "index.html").read_text(encoding="utf-8"))
    for text in (top, gallery, index):
        assert founding_document_mentions(text) == []
        assert survey in " ".join(text.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "a command is required"),
        (["paint"], "No such command 'paint'"),
        (["gallery", "--bogus"], "No such option '--bogus'"),
        (["gallery", "--out"], "Option '--out' requires an argument"),
        (["--verbose"], "No such option '--verbose'"),
    ],
)
def test_bad_arguments_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line on stderr that names the problem and where to look: no usage block, no trace."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("lrdecay: error: ") and captured.err.count("\n") == 1
    assert message in captured.err and "--help" in captured.err


# --------------------------------------------------------------------------- gallery
def test_gallery_to_out_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "my gallery"
    assert main(["gallery", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert len(list(out.glob("*.png"))) == len(FIGURES)
    assert (out / "index.html").is_file()
    assert len(list((out / "tensorboard").glob("*/events.out.tfevents.*"))) == len(
        {f.method for f in FIGURES}
    )
    # Progress on stderr, one summary line on stdout.
    assert "[ 1/19] piecewise_decay" in captured.err
    assert "[19/19] cosine_decay_with_warmup_hold_2000" in captured.err
    assert captured.out.count("\n") == 1
    assert str(out) in captured.out and " s " in captured.out


def test_gallery_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gallery", "-o", str(tmp_path), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "index.html").is_file()


def test_gallery_default_out_is_gallery_in_cwd(tmp_path: Path) -> None:
    result = run_module("gallery", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert (tmp_path / "gallery" / "index.html").is_file()
    assert (tmp_path / "gallery" / "piecewise_decay.png").is_file()


def test_out_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "taken"
    file.write_text("x")
    assert main(["gallery", "--out", str(file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err == f"lrdecay: error: cannot write the gallery: {str(file)!r} is not a folder\n"
    )
    assert file.read_text() == "x"


def test_unwritable_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that refuses new entries: exit 2 and one line naming the path, as any user.

    Permission bits do not stop root, so the refusal is the operating system's answer to
    ``mkdir`` (EACCES), delivered for every path under ``locked``.
    """
    locked = tmp_path / "locked"
    locked.mkdir()
    real_mkdir = Path.mkdir

    def refuse_under_locked(self: Path, *args: Any, **kwargs: Any) -> None:
        if locked in self.parents:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse_under_locked)
    out = locked / "g"
    assert main(["gallery", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("lrdecay: error: Permission denied: ")
    assert str(out) in captured.err
    assert list(locked.iterdir()) == []


def test_out_below_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A real process, as any user: the output folder cannot be made (its parent is a file)."""
    parent = tmp_path / "taken"
    parent.write_text("x")
    result = run_module("gallery", "--out", str(parent / "g"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        f"lrdecay: error: cannot write the gallery to {str(parent / 'g')!r}: "
        "a parent of it is a file\n"
    )
    assert parent.read_text() == "x"


def test_missing_matplotlib_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A real process where ``import matplotlib`` fails: a message, exit 2, no traceback."""
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None  # makes `import matplotlib` raise ImportError\n"
        "from lrdecay.cli import main\n"
        f"raise SystemExit(main(['gallery', '--out', {str(tmp_path / 'g')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "matplotlib" in result.stderr
    assert "pip install 'lrdecay[plot,tensorboard]'" in result.stderr
    assert not (tmp_path / "g").exists()


# --------------------------------------------------------------------------- entry points
def test_python_dash_m(tmp_path: Path) -> None:
    result = run_module("--version")
    assert (result.returncode, result.stdout) == (0, f"lrdecay {lrdecay.__version__}\n")
    result = run_module("gallery", "--out", str(tmp_path / "x"), "--nope")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_console_script_if_installed() -> None:
    script = Path(sys.executable).with_name("lrdecay")
    if not script.exists():
        pytest.skip("the lrdecay console script is not installed next to this Python")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, f"lrdecay {lrdecay.__version__}\n")


def test_start_up_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from lrdecay.cli import main\n"
        "main(['--version'])\n"
        "main(['gallery', '--help'])\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_os_errors_are_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import lrdecay.viz.gallery

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/somewhere/gallery")

    monkeypatch.setattr(lrdecay.viz.gallery, "render_gallery", denied)
    assert main(["gallery", "--out", "/somewhere/gallery"]) == 2
    assert capsys.readouterr() == (
        "",
        "lrdecay: error: Permission denied: /somewhere/gallery\n",
    )
