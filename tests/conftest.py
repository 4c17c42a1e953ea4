"""Global test configuration: one Hypothesis profile, deterministic and without deadlines.

The ``lrdecay`` profile is loaded by default; set ``HYPOTHESIS_PROFILE`` to pick another one
registered here (``lrdecay-thorough`` runs ten times more examples, still derandomized).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
    max_examples=400,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lrdecay"))
