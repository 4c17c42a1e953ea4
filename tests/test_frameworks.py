"""No silent skips: under ``make test`` a missing framework fails the run, saying what to install.

A stand-in ``tensorflow`` package that cannot be imported is put first on the path of a child
``pytest`` running one TensorFlow parity test: with ``LRDECAY_REQUIRE_FRAMEWORKS=1`` (what
``make test`` sets) the run fails and names the fix; without it, the test is skipped with the
reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/parity/test_tf_reference.py::test_empty_steps"


def run_without_tensorflow(tmp_path: Path, required: bool) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "tensorflow"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('no TensorFlow on this machine')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop("LRDECAY_REQUIRE_FRAMEWORKS", None)
    if required:
        env["LRDECAY_REQUIRE_FRAMEWORKS"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q", TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_a_missing_framework_fails_make_test(tmp_path: Path) -> None:
    done = run_without_tensorflow(tmp_path, required=True)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "TensorFlow cannot be imported" in done.stdout
    assert "make test` requires every framework" in done.stdout


@pytest.mark.slow
def test_a_plain_pytest_skips_and_says_why(tmp_path: Path) -> None:
    done = run_without_tensorflow(tmp_path, required=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 skipped" in done.stdout
    assert "TensorFlow cannot be imported" in done.stdout
