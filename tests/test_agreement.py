"""One schedule, every training loop: the same values through every framework's adapter.

Hypothesis draws schedules (every curve, nested compositions, ``strategies.py``) and steps up to
``10**7``; each route — the PyTorch scheduler, the Keras schedule on each of its backends, optax
under ``jax.jit``/``jax.vmap``, TensorFlow's ``tf.function`` — evaluates them in a process of its
own (``agreement_worker.py``) and must agree with NumPy float64 within float32 tolerance.
``make test`` draws one fixed sample of 40 schedules per route; ``make test-thorough`` draws fresh
ones (``LRDECAY_AGREEMENT_EXAMPLES`` sets how many; ``--hypothesis-seed=N`` makes the sample N's).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from frameworks import require

WORKER = Path(__file__).resolve().with_name("agreement_worker.py")
ROOT = WORKER.parents[1]
ROUTES = {
    "torch": ("torch",),
    "keras-tensorflow": ("keras", "tensorflow"),
    "keras-jax": ("keras", "jax"),
    "keras-torch": ("keras", "torch"),
    "optax": ("optax",),
    "tf": ("tensorflow",),
}


@pytest.mark.slow
@pytest.mark.parametrize("route", list(ROUTES))
def test_every_framework_agrees_with_numpy_float64(
    route: str, request: pytest.FixtureRequest
) -> None:
    for module in ROUTES[route]:
        require(module)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("KERAS_BACKEND", None)
    seed = request.config.getoption("hypothesis_seed", None)
    if seed is not None:  # (the worker's own Hypothesis does not see pytest's options)
        env["LRDECAY_AGREEMENT_SEED"] = str(seed)
    done = subprocess.run(
        [sys.executable, str(WORKER), route],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, f"{route}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["route"] == route
    assert result["examples"] >= min(10, int(os.environ.get("LRDECAY_AGREEMENT_EXAMPLES", "40")))
