"""Array namespaces: the small set of functions every schedule formula is written against.

A schedule's formula is written once, as ``_value(self, t, xp)``, where ``t`` is the (local) step
and ``xp`` is one of the namespaces below. Only these names may be used in a formula:

=================  ==========================================================================
``cos``, ``exp``   elementwise transcendental functions
``log``, ``sqrt``
``floor``,         elementwise rounding (``rint``: to the nearest integer, ties to even)
``ceil``, ``rint``
``log1p``,         ``log(1 + x)`` and ``exp(x) - 1``, accurate for small ``x``
``expm1``
``float64(t)``     ``t`` in double precision (a no-op for Python floats)
``pow(x, y)``      ``x ** y`` (either may be a number)
``minimum``,       elementwise two-argument min / max
``maximum``
``where(c, a, b)`` ``a`` where ``c`` else ``b`` (both branches are evaluated: keep them finite)
``normal(s, t)``   a standard-normal number that is a pure function of ``(seed s, step t)``
``bounds(t)``     ``(min, max)`` of ``t`` as Python floats when the values are concrete (NumPy,
                   Python), ``None`` when they are not (traced tensors, empty arrays). Formulas
                   use it only to skip work: the result never depends on it.
``note(t, b)``     record that ``t``'s bounds are ``b`` (a shifted copy's, say), so that
                   ``bounds(t)`` need not compute them again; a no-op where it does not apply
``scalar``         ``True`` when ``t`` is a single Python float
=================  ==========================================================================

Arithmetic operators (``+ - * /``) and comparisons work directly on ``t``.

Two namespaces exist today: :data:`SCALAR` evaluates a Python ``float`` with the :mod:`math`
module (a few microseconds per call, suited to one call per training step), and :data:`NUMPY`
evaluates NumPy arrays. Both compute in IEEE double (or single) precision with the same order of
operations, so their results agree to the last bit or two of the libm in use.
"""

from __future__ import annotations

import _thread
import math
from typing import Any

import numpy as np

__all__ = ["NUMPY", "SCALAR", "Namespace", "forget_bounds", "normal_numpy"]

_MASK64 = (1 << 64) - 1


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijective avalanche mix of uint64 words (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = x ^ (x >> np.uint64(31))
    return mixed


def normal_numpy(seed: int, t: Any) -> np.ndarray:
    """Standard-normal draws that are a pure function of ``(seed, round(t))``.

    Counter-based: two uint64 words are derived from ``(seed, step)`` with the SplitMix64 mixer,
    turned into uniforms with 53 random bits each, and into a normal number by Box–Muller. The same
    ``(seed, step)`` always gives the same number, on any machine, in any order of evaluation, so a
    resumed run sees exactly the noise it would have seen.
    """
    steps = np.rint(np.asarray(t, dtype=np.float64)).astype(np.int64).view(np.uint64)
    key = np.uint64((seed * 0x9E3779B97F4A7C15) & _MASK64)
    with np.errstate(over="ignore"):
        base = _mix64(steps * np.uint64(2) + key)
        w1 = _mix64(base ^ np.uint64(0x632BE59BD9B4E019))
        w2 = _mix64(base ^ np.uint64(0x8CB92BA72F3D8DD7))
    scale = 2.0**-53
    u1 = ((w1 >> np.uint64(11)).astype(np.float64) + 1.0) * scale  # (0, 1]
    u2 = (w2 >> np.uint64(11)).astype(np.float64) * scale  # [0, 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2)


def _safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _safe_expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def _safe_pow(x: float, y: float) -> float:
    try:
        return float(math.pow(x, y))
    except OverflowError:
        return math.inf
    except ValueError:  # 0 ** negative: the IEEE answer, as numpy gives it
        return math.inf


_HINTS = _thread._local()


def _noted() -> dict[int, tuple[Any, Any]]:
    """This thread's recorded bounds, by array identity (cleared by :func:`forget_bounds`)."""
    try:
        known: dict[int, tuple[Any, Any]] = _HINTS.known
    except AttributeError:
        known = _HINTS.known = {}
    return known


def forget_bounds() -> None:
    """Drop this thread's recorded bounds (and the arrays they keep alive)."""
    _HINTS.known = {}


def _numpy_bounds(t: np.ndarray) -> tuple[float, float] | None:
    hit = _noted().get(id(t))
    if hit is not None and hit[0] is t:
        bounds: tuple[float, float] | None = hit[1]
        return bounds
    return (float(t.min()), float(t.max())) if t.size else None


class Namespace:
    """A bundle of elementwise functions over one kind of step value."""

    __slots__ = (
        "bounds",
        "ceil",
        "cos",
        "exp",
        "expm1",
        "float64",
        "floor",
        "log",
        "log1p",
        "maximum",
        "minimum",
        "name",
        "normal",
        "note",
        "pow",
        "rint",
        "scalar",
        "sqrt",
        "where",
    )

    def __init__(self, name: str, *, scalar: bool, **functions: Any) -> None:
        self.name = name
        self.scalar = scalar
        for key, fn in functions.items():
            setattr(self, key, fn)

    def __repr__(self) -> str:
        return f"<lrdecay namespace {self.name}>"


SCALAR: Any = Namespace(
    "scalar",
    scalar=True,
    cos=math.cos,
    exp=_safe_exp,
    log=math.log,
    sqrt=math.sqrt,
    floor=lambda x: float(math.floor(x)),
    ceil=lambda x: float(math.ceil(x)),
    rint=lambda x: float(round(x)),
    log1p=math.log1p,
    expm1=_safe_expm1,
    float64=float,
    pow=_safe_pow,
    minimum=min,
    maximum=max,
    where=lambda c, a, b: a if c else b,
    normal=lambda seed, t: float(normal_numpy(seed, t)),
    bounds=lambda t: (t, t),
    note=lambda t, bounds: None,
)

NUMPY: Any = Namespace(
    "numpy",
    scalar=False,
    cos=np.cos,
    exp=np.exp,
    log=np.log,
    sqrt=np.sqrt,
    floor=np.floor,
    ceil=np.ceil,
    rint=np.rint,
    log1p=np.log1p,
    expm1=np.expm1,
    float64=lambda t: np.asarray(t, dtype=np.float64),
    pow=np.power,
    minimum=np.minimum,
    maximum=np.maximum,
    where=np.where,
    normal=lambda seed, t: normal_numpy(seed, t).astype(np.result_type(t, np.float32)),
    bounds=lambda t: _numpy_bounds(t),
    note=lambda t, bounds: _noted().__setitem__(id(t), (t, bounds)),
)
