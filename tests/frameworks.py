"""Framework availability for the tests: skip where allowed, fail where required.

``make test`` (and so CI) sets ``LRDECAY_REQUIRE_FRAMEWORKS=1``: a framework that cannot be
imported, or reference data that is missing, then *fails* the run with what to install, so a broken
install never reads as green. A plain ``pytest`` without the extras skips those tests and says why.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

REQUIRED = os.environ.get("LRDECAY_REQUIRE_FRAMEWORKS") == "1"

EXTRAS = {
    "tensorflow": "tf",
    "torch": "torch",
    "jax": "jax",
    "optax": "jax",
    "keras": "keras",
    "lightning": "trainers",
    "transformers": "trainers",
    "timm": "all",
    "sklearn": "study",
}


def unavailable(reason: str) -> None:
    """Skip with ``reason`` or, where the frameworks are required, fail with it."""
    if REQUIRED:
        pytest.fail(
            f"{reason}. `make test` requires every framework: run `make test` from a clean clone "
            "(it installs '.[all,dev]'), or unset LRDECAY_REQUIRE_FRAMEWORKS to skip",
            pytrace=False,
        )
    pytest.skip(reason, allow_module_level=True)


def require(module: str) -> None:
    """Make sure ``module`` can be imported by this Python (without importing it)."""
    if importlib.util.find_spec(module) is None:
        extra = EXTRAS.get(module, "all")
        unavailable(f"{module} is not installed for {sys.executable} (pip install '.[{extra}]')")
