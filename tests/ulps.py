"""Tolerances that hold on every CPU: scalar (``math``) and array (NumPy SIMD) results may differ.

CPython's ``math`` calls the C library; NumPy dispatches ``cos``, ``exp``, ``log`` and ``pow`` to
SIMD loops chosen at run time by CPU (AVX2, AVX-512, ...), which may round differently: in 0.1 a
bit-exact comparison passed CI and failed on another machine of the same kind (``math.pow`` and
``np.power`` differed by 1 ulp at ``0.99999 ** (2901 / 90)``). NumPy documents its float64 SIMD
transcendentals to within 4 ulps and its float32 ones to within 4 ulps; formulas add a few roundings
of their own. So two evaluations of one formula agree to :data:`ULPS` units in the last place of the
larger of the value and the formula's scale (its initial rate), never bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EPS64 = 2.0**-52
EPS32 = 2.0**-23
ULPS = 16.0
"""Units in the last place two paths through one formula may differ by (libm vs SIMD, 4 each,
plus the formula's own roundings)."""


def assert_ulps(
    a: Any, b: Any, scale: float = 0.0, *, ulps: float = ULPS, eps: float = EPS64, what: str = ""
) -> None:
    """``a`` and ``b`` agree to ``ulps`` units of ``eps`` relative to ``max(|a|, |b|) + scale``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    tol = ulps * eps * (np.maximum(np.abs(a), np.abs(b)) + abs(scale))
    same = (a == b) | (np.abs(a - b) <= tol)
    assert same.all(), (
        f"{what} disagree beyond {ulps:g} ulps: {a[~same][:5]} vs {b[~same][:5]} "
        f"(tolerance {tol[~same][:5]})"
    )
