"""Fixtures for the TensorFlow parity tests: one reference worker for the whole session."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Make `tfworker` importable however pytest imports this directory (with or without __init__).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from tfworker import TFWorker, TFWorkerUnavailable  # noqa: E402


@pytest.fixture(scope="session")
def tf_worker() -> Iterator[TFWorker]:
    """A running TensorFlow reference worker (``tf_reference.py``) shared by the session.

    Skips the test when ``sys.executable`` cannot import TensorFlow.
    """
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip(f"TensorFlow is not installed for {sys.executable} (pip install '.[tf]')")
    try:
        worker = TFWorker()
    except TFWorkerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield worker
    finally:
        worker.close()
