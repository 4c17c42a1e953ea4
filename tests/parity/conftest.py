"""Fixtures for the TensorFlow parity tests: one graph-mode and one eager-mode reference worker.

Without TensorFlow they skip, or fail under ``make test`` (see ``tests/frameworks.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from frameworks import require, unavailable

# Make `tfworker`, `exact` and `rule` importable however pytest imports this directory.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from tfworker import TFWorker, TFWorkerUnavailable  # noqa: E402


def _worker(eager: bool) -> Iterator[TFWorker]:
    require("tensorflow")
    try:
        worker = TFWorker(eager=eager)
    except TFWorkerUnavailable as exc:
        unavailable(str(exc))
        raise
    try:
        yield worker
    finally:
        worker.close()


@pytest.fixture(scope="session")
def tf_worker() -> Iterator[TFWorker]:
    """TensorFlow in TF 1 graph mode (``tf_reference.py``), shared by the session."""
    yield from _worker(eager=False)


@pytest.fixture(scope="session")
def tf_eager_worker() -> Iterator[TFWorker]:
    """TensorFlow in TF 2 eager mode (``tf_reference.py --eager``), shared by the session."""
    yield from _worker(eager=True)
