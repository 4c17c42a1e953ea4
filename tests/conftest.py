"""Global test configuration: one Hypothesis profile, deterministic and without deadlines.

The ``lrdecay`` profile is loaded by default: one fixed sample, derived from each test's name.
``lrdecay-thorough`` (``make test-thorough``) draws 200 examples per property from the seed given
with ``--hypothesis-seed``, so each seed is an independent, reproducible sample.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# Test helpers are plain modules: ``ulps``, ``catalogue``, ``frameworks`` here and the exact
# TensorFlow 1 formulas (``exact``) with the parity tests.
for _folder in (Path(__file__).resolve().parent, Path(__file__).resolve().parent / "parity"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

settings.register_profile(
    "lrdecay",
    derandomize=True,
    deadline=None,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "lrdecay-thorough",
    parent=settings.get_profile("lrdecay"),
    derandomize=False,  # an independent sample per --hypothesis-seed
    database=None,
    max_examples=200,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lrdecay"))
